//! The CLI on a PostgreSQL store (`--db postgres://…`), end to end through the real binary:
//! several ingest processes at once on overlapping inputs, a worker killed with SIGKILL, and the
//! server restarted in the middle of an ingest.
//!
//! Needs `STORYLINE_TEST_PG` (a role that may create databases), which `scripts/test` provides
//! through `scripts/with-postgres.sh`; without it the tests skip loudly, or fail when `CI` is set.
//! The tests in this file take turns (one lock), because one of them restarts the server.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::Value;
use store::Store;

static TURNS: Mutex<()> = Mutex::new(());

fn turn() -> MutexGuard<'static, ()> {
    TURNS.lock().unwrap_or_else(|e| e.into_inner())
}

/// The server URL, or `None` (after saying why) when the tests should skip.
fn server() -> Option<String> {
    match std::env::var("STORYLINE_TEST_PG") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!("STORYLINE_TEST_PG is not set and CI is: run the tests through scripts/test (scripts/with-postgres.sh)")
        }
        _ => {
            eprintln!(
                "\n*** SKIPPED: PostgreSQL CLI tests (set STORYLINE_TEST_PG=postgres://…, or run scripts/with-postgres.sh cargo test -p storyline) ***\n"
            );
            None
        }
    }
}

/// A URL for a fresh, empty database on the same server.
fn fresh_database(url: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "storyline_cli_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    let mut admin = postgres::Client::connect(url, postgres::NoTls).unwrap();
    // One statement each: neither may run inside a transaction block.
    for sql in [
        format!("DROP DATABASE IF EXISTS {name}"),
        format!("CREATE DATABASE {name}"),
    ] {
        admin.batch_execute(&sql).unwrap();
    }
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    format!("{}/{name}{query}", &base[..host_end])
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_storyline"))
}

fn ingest(db: &str, input: &Path) -> Command {
    let mut c = bin();
    c.arg("--db").arg(db).arg("ingest").arg(input);
    c
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The document ids in `storyline export`, in export order.
fn exported_ids(db: &str) -> Vec<String> {
    let o = bin().arg("--db").arg(db).arg("export").output().unwrap();
    assert!(o.status.success(), "export failed: {}", stderr(&o));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|r| r["type"] == "document")
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

/// `n` small articles as ingest JSONL, one line each, in index order.
fn articles(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            serde_json::json!({
                "id": format!("doc-{i}"),
                "title": format!("Report {i}"),
                "published": format!("2024-05-{:02}", i % 28 + 1),
                "text": format!(
                    "Report number {i}. Officials met on day {} in city {} to discuss trade worth {} million dollars.\n\nA second paragraph, {i}.",
                    i % 28 + 1,
                    i % 7,
                    i * 7
                ),
            })
            .to_string()
        })
        .collect()
}

fn write_lines(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

/// Each id once, and exactly the ids `0..n`.
fn assert_every_document_once(ids: &[String], n: usize) {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for id in ids {
        *counts.entry(id).or_default() += 1;
    }
    let twice: Vec<_> = counts.iter().filter(|(_, &c)| c > 1).collect();
    assert!(twice.is_empty(), "stored more than once: {twice:?}");
    let missing: Vec<String> = (0..n)
        .map(|i| format!("doc-{i}"))
        .filter(|id| !counts.contains_key(id.as_str()))
        .collect();
    assert!(missing.is_empty(), "never stored: {missing:?}");
    assert_eq!(ids.len(), n);
}

/// Three workers on overlapping thirds (each document is in two of the inputs, in different
/// orders) store every document exactly once, all three runs succeed, and the export holds the
/// same documents as one process on an embedded store.
#[test]
fn three_workers_on_overlapping_inputs_store_each_document_once() {
    let Some(url) = server() else { return };
    let _turn = turn();
    let db = fresh_database(&url);
    let dir = tempfile::tempdir().unwrap();
    let n = 300;
    let all = articles(n);
    // Worker k gets two consecutive thirds (k, k+1 mod 3); worker 1 reads its part backwards.
    let third = n / 3;
    let mut inputs = Vec::new();
    for k in 0..3 {
        let mut lines: Vec<String> = (0..2 * third)
            .map(|j| all[(k * third + j) % n].clone())
            .collect();
        if k == 1 {
            lines.reverse();
        }
        let path = dir.path().join(format!("part-{k}.jsonl"));
        write_lines(&path, &lines);
        inputs.push(path);
    }
    let workers: Vec<_> = inputs
        .iter()
        .map(|p| {
            ingest(&db, p)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for w in workers {
        let o = w.wait_with_output().unwrap();
        assert!(o.status.success(), "a worker failed: {}", stderr(&o));
        eprintln!("worker: {}", String::from_utf8_lossy(&o.stdout).trim());
    }
    let mut ids = exported_ids(&db);
    assert_every_document_once(&ids, n);

    // One process, embedded store, the whole input: the same document set.
    let all_path = dir.path().join("all.jsonl");
    write_lines(&all_path, &all);
    let sqlite = dir.path().join("db");
    let o = ingest(sqlite.to_str().unwrap(), &all_path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let mut single = exported_ids(sqlite.to_str().unwrap());
    ids.sort();
    single.sort();
    assert_eq!(ids, single);

    // And a re-run of everything adds nothing.
    let o = ingest(&db, &all_path).arg("--json").output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(summary["ingested"], 0, "{summary}");
    assert_eq!(summary["documents"], n, "{summary}");
    assert_eq!(summary["store"], db.as_str(), "{summary}");
}

/// Start an ingest of `n` documents and wait until more than 50 are committed (or it ends).
fn ingest_until_some_are_stored(db: &str, input: &Path) -> (std::process::Child, usize) {
    let mut child = ingest(db, input)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let watcher = store::PgStore::connect(db).unwrap();
    let start = Instant::now();
    let mut stored = 0;
    loop {
        stored = watcher.document_count().unwrap_or(stored);
        if stored > 50 || start.elapsed() > Duration::from_secs(120) {
            break;
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    (child, stored)
}

/// kill -9 of a worker in the middle of an ingest, then a re-run: every document stored once.
#[test]
fn killed_worker_resumes_with_every_document_once() {
    let Some(url) = server() else { return };
    let _turn = turn();
    let db = fresh_database(&url);
    let dir = tempfile::tempdir().unwrap();
    let n = 1000;
    let input = dir.path().join("big.jsonl");
    write_lines(&input, &articles(n));

    let (mut child, stored_at_kill) = ingest_until_some_are_stored(&db, &input);
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    assert!(
        stored_at_kill > 0,
        "the ingest was killed before it stored anything"
    );

    let o = ingest(&db, &input).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_every_document_once(&exported_ids(&db), n);
}

/// The server restarted in the middle of an ingest: the worker reconnects and carries on, or
/// stops with a clear error; either way a re-run completes with every document once.
#[test]
fn server_restart_mid_ingest_loses_and_duplicates_nothing() {
    let Some(url) = server() else { return };
    let (Ok(data), Ok(pgbin)) = (
        std::env::var("STORYLINE_TEST_PG_DATA"),
        std::env::var("STORYLINE_TEST_PG_BIN"),
    ) else {
        eprintln!("\n*** SKIPPED: server restart test (the server is not ours: STORYLINE_TEST_PG_DATA unset) ***\n");
        return;
    };
    let _turn = turn();
    let db = fresh_database(&url);
    let dir = tempfile::tempdir().unwrap();
    let n = 1000;
    let input = dir.path().join("big.jsonl");
    write_lines(&input, &articles(n));

    let (child, _) = ingest_until_some_are_stored(&db, &input);
    // `pg_ctl restart -m fast` cuts every connection; the server runs as the data directory's
    // owner (postgres refuses root).
    let log = Path::new(&data).with_file_name("restart.log");
    let pg_ctl = Path::new(&pgbin).join("pg_ctl");
    let mut restart = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(&pg_ctl);
        c
    } else {
        Command::new(&pg_ctl)
    };
    let o = restart
        .args(["restart", "-w", "-m", "fast", "-D", &data, "-l"])
        .arg(&log)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(o.status.success(), "pg_ctl restart failed: {}", stderr(&o));

    let first = child.wait_with_output().unwrap();
    eprintln!(
        "worker across the restart: {} {}",
        first.status,
        stderr(&first).trim()
    );
    if !first.status.success() {
        let msg = stderr(&first);
        assert!(
            msg.contains("connection") || msg.contains("server"),
            "the failed worker did not say why: {msg}"
        );
    }
    let o = ingest(&db, &input).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_every_document_once(&exported_ids(&db), n);
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}
