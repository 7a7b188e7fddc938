//! What the binary's integration tests share: running the binary and reading back what an
//! `export` stored. Each test file uses a part of it.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::process::{Command, Output};

use serde_json::Value;

/// The `storyline` binary under test.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_storyline"))
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The document records of `storyline --db DB export`, in export order.
pub fn exported_documents(db: impl AsRef<OsStr>) -> Vec<Value> {
    let o = bin().arg("--db").arg(db).arg("export").output().unwrap();
    assert!(o.status.success(), "export failed: {}", stderr(&o));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l)
                .unwrap_or_else(|e| panic!("export line is not JSON ({e}): {l}"))
        })
        .filter(|r| r["type"] == "document")
        .collect()
}

/// The stored document ids, asserting that each is stored once and whole (with its event and
/// a non-empty text): nothing half-stored.
pub fn stored_ids(db: impl AsRef<OsStr>) -> BTreeSet<String> {
    let docs = exported_documents(db);
    let ids: BTreeSet<String> = docs
        .iter()
        .map(|d| {
            assert!(d["event"].is_string(), "a document without its event: {d}");
            assert!(d["text"].as_str().is_some_and(|t| !t.is_empty()), "{d}");
            d["id"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(ids.len(), docs.len(), "a document stored twice");
    ids
}
