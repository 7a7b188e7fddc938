//! Streaming ingest through the real binary: `ingest --follow DIR` picks up files as they
//! appear (written in place or renamed into place), `ingest -` reads JSONL from a pipe that stays
//! open, and SIGTERM/SIGINT stop either cleanly: exit status 0, a summary that matches the
//! store, no half-stored document, and a re-run that resumes where the stop left off.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use store::Store;

mod common;
use common::*;

/// One ingest JSONL line.
fn line(i: usize) -> String {
    serde_json::json!({
        "id": format!("doc-{i}"),
        "title": format!("Report {i}"),
        "text": format!(
            "Report number {i}. Officials met on day {} in port {} to discuss trade worth {} million dollars.\n\nA second paragraph, {i}.",
            i % 28 + 1,
            i % 9,
            i * 7
        ),
    })
    .to_string()
}

fn lines(range: std::ops::Range<usize>) -> String {
    range.map(|i| line(i) + "\n").collect()
}

fn count(db: &Path) -> usize {
    store::SqliteStore::open(db)
        .and_then(|s| s.document_count())
        .unwrap_or(0)
}

/// Wait (up to two minutes) until `db` holds at least `n` documents or `child` exits.
fn wait_for(db: &Path, n: usize, child: &mut Child) -> usize {
    let start = Instant::now();
    loop {
        let c = count(db);
        if c >= n || start.elapsed() > Duration::from_secs(120) {
            return c;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the ingest ended early ({status}) with {c} documents stored");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill")
        .args([&format!("-{sig}"), &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{sig} failed");
}

fn summary(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("no JSON summary ({e}): {}", stderr(o)))
}

#[test]
fn follow_ingests_new_files_until_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let watched = dir.path().join("incoming");
    std::fs::create_dir(&watched).unwrap();
    std::fs::write(watched.join("a.jsonl"), lines(0..3)).unwrap();
    let mut child = bin()
        .arg("--db")
        .arg(&db)
        .args(["ingest", "--json", "--follow"])
        .arg(&watched)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    assert_eq!(wait_for(&db, 3, &mut child), 3);

    // A file renamed into place (written under a hidden name first) ...
    let hidden = watched.join(".b.jsonl.part");
    std::fs::write(&hidden, lines(3..5)).unwrap();
    std::fs::rename(&hidden, watched.join("b.jsonl")).unwrap();
    // ... and one written slowly in place: only read once complete.
    let mut slow = std::fs::File::create(watched.join("c.jsonl")).unwrap();
    slow.write_all(line(5).as_bytes()).unwrap();
    slow.flush().unwrap();
    std::thread::sleep(Duration::from_millis(100));
    slow.write_all(format!("\n{}\n", line(6)).as_bytes())
        .unwrap();
    drop(slow);
    assert_eq!(wait_for(&db, 7, &mut child), 7);

    signal(&child, "TERM");
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "exit {}: {}", o.status, stderr(&o));
    let s = summary(&o);
    assert_eq!(s["ingested"], 7, "{s}");
    assert_eq!(s["failed"], 0, "{s}");
    let expected: BTreeSet<String> = (0..7).map(|i| format!("doc-{i}")).collect();
    assert_eq!(stored_ids(&db), expected);
}

#[test]
fn follow_refuses_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.jsonl");
    std::fs::write(&file, lines(0..1)).unwrap();
    let o = bin()
        .arg("--db")
        .arg(dir.path().join("db"))
        .args(["ingest", "--follow"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("a.jsonl"), "{}", stderr(&o));
}

/// SIGINT while documents stream in on stdin (the pipe stays open): exit 0, the summary counts
/// exactly what is stored, and a re-run of the whole input adds the rest, each document once.
///
/// The first half is stored before the signal (the ingest then waits on the open pipe); the
/// second half is written just before the signal, so the stop may land anywhere in it. Waiting
/// for a count instead would race a fast machine that stores all of it between two polls.
#[test]
fn stdin_ingest_stops_cleanly_on_sigint_and_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let (n, half) = (400, 200);
    let mut child = bin()
        .arg("--db")
        .arg(&db)
        .args(["ingest", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let (go, rest) = std::sync::mpsc::channel::<()>();
    // Written from a thread: the pipe fills up while the ingest is behind (back-pressure).
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(lines(0..half).as_bytes());
        let _ = input.flush();
        if rest.recv().is_ok() {
            let _ = input.write_all(lines(half..n).as_bytes());
            let _ = input.flush();
        }
        // Keep the pipe open, like a crawler that is still running.
        std::thread::sleep(Duration::from_secs(600));
    });
    assert_eq!(
        wait_for(&db, half, &mut child),
        half,
        "first half not stored"
    );
    go.send(()).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    signal(&child, "INT");
    let o = child.wait_with_output().unwrap();
    drop(writer); // the thread ends with the test process
    assert!(o.status.success(), "exit {}: {}", o.status, stderr(&o));
    let s = summary(&o);
    let first = stored_ids(&db);
    assert_eq!(s["ingested"].as_u64().unwrap() as usize, first.len(), "{s}");
    assert_eq!(
        s["documents"].as_u64().unwrap() as usize,
        first.len(),
        "{s}"
    );
    assert!(first.len() >= half, "{s}");

    let path = dir.path().join("all.jsonl");
    std::fs::write(&path, lines(0..n)).unwrap();
    let o = bin()
        .arg("--db")
        .arg(&db)
        .args(["ingest", "--json"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let s = summary(&o);
    assert_eq!(
        s["ingested"].as_u64().unwrap() as usize,
        n - first.len(),
        "{s}"
    );
    assert_eq!(
        s["already_ingested"].as_u64().unwrap() as usize,
        first.len(),
        "{s}"
    );
    let expected: BTreeSet<String> = (0..n).map(|i| format!("doc-{i}")).collect();
    assert_eq!(stored_ids(&db), expected);
}
