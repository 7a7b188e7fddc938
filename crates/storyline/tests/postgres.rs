//! The CLI on a PostgreSQL store (`--db postgres://…`), end to end through the real binary:
//! several ingest processes at once on overlapping inputs, a worker killed with SIGKILL, and the
//! server restarted in the middle of an ingest.
//!
//! Needs `STORYLINE_TEST_PG` (a role that may create databases), which `scripts/test` provides
//! through `scripts/with-postgres.sh`; without it the tests skip loudly, or fail when `CI` is set.
//! The tests in this file take turns (one lock), because one of them restarts the server.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::Value;
use store::Store;

mod common;
use common::*;

static TURNS: Mutex<()> = Mutex::new(());

fn turn() -> MutexGuard<'static, ()> {
    TURNS.lock().unwrap_or_else(|e| e.into_inner())
}

fn server() -> Option<String> {
    store::suite::pg::server("PostgreSQL CLI tests")
}

fn fresh_database(url: &str) -> String {
    store::suite::pg::fresh_database(url, "storyline_cli")
}

fn ingest(db: &str, input: &Path) -> Command {
    let mut c = bin();
    c.arg("--db").arg(db).arg("ingest").arg(input);
    c
}

/// The document ids in `storyline export`, in export order.
fn exported_ids(db: &str) -> Vec<String> {
    exported_documents(db)
        .iter()
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

/// `stories` news stories, `per_story` articles each, as ingest JSONL in story order: each story
/// has its own place, people, date and figures, and its articles word it differently, so the
/// clusterer has real decisions to make (joins, new events, near misses).
fn stories(stories: usize, per_story: usize) -> Vec<String> {
    const PLACES: [&str; 12] = [
        "Lisbon", "Nairobi", "Osaka", "Quito", "Tallinn", "Dakar", "Hanoi", "Bergen", "Cusco",
        "Tbilisi", "Perth", "Accra",
    ];
    const PEOPLE: [&str; 12] = [
        "Maria Okafor",
        "Jonas Lindqvist",
        "Aiko Tanaka",
        "Pedro Alvarado",
        "Kadri Tamm",
        "Fatou Diop",
        "Nguyen Van Minh",
        "Ingrid Solberg",
        "Rosa Quispe",
        "Giorgi Beridze",
        "Liam Fraser",
        "Kwame Mensah",
    ];
    const WHAT: [&str; 6] = [
        "a flood that closed the harbour",
        "a strike at the central railway station",
        "the opening of a new bridge",
        "a fire in a textile factory",
        "an agreement on fishing quotas",
        "a power cut across the region",
    ];
    const OPENERS: [&str; 4] = [
        "Officials in {place} said on {day} May 2024 that {what} had affected thousands of residents.",
        "{person} told reporters in {place} that {what} would be investigated.",
        "Residents of {place} described {what} as the worst in decades, according to {person}.",
        "The city of {place} reported {what} on {day} May 2024, and {person} promised help.",
    ];
    let mut out = Vec::new();
    for s in 0..stories {
        // Stories `s` and `s + 6` share their place and what happened, some share people: only
        // the date and the people tell them apart.
        let (place, person, what) = (PLACES[s % 6], PEOPLE[s % 5], WHAT[s % WHAT.len()]);
        let day = (s * 2) % 26 + 1;
        for a in 0..per_story {
            let fill = |t: &str| {
                t.replace("{place}", place)
                    .replace("{person}", person)
                    .replace("{what}", what)
                    .replace("{day}", &day.to_string())
            };
            let text = format!(
                "{}\n\n{}\n\nAbout {} people were affected and damage was put at {} million euros. {} said more details would follow, in report {a}.",
                fill(OPENERS[a % OPENERS.len()]),
                fill(OPENERS[(a + 1 + s) % OPENERS.len()]),
                (s + 2) * 1000,
                s * 3 + 4,
                person,
            );
            out.push(
                serde_json::json!({
                    "id": format!("story-{s}-{a}"),
                    "title": format!("{}{} in {place}", what[..1].to_uppercase(), &what[1..]),
                    "published": format!("2024-05-{:02}", day.min(27) + a % 2),
                    "outlet": format!("outlet-{}", a % 3),
                    "text": text,
                })
                .to_string(),
            );
        }
    }
    out
}

/// The documents of an export in ingest order, each with its event.
fn exported_events(db: &str) -> Vec<(String, String)> {
    let o = bin().arg("--db").arg(db).arg("export").output().unwrap();
    assert!(o.status.success(), "export failed: {}", stderr(&o));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|r| r["type"] == "document")
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["event"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// A seeded shuffle (a small LCG: the same order on every run).
fn shuffled<T: Clone>(items: &[T], seed: u64) -> Vec<T> {
    let mut v = items.to_vec();
    let mut x = seed;
    for i in (1..v.len()).rev() {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        v.swap(i, (x >> 33) as usize % (i + 1));
    }
    v
}

/// Several workers on a shuffled, overlapping split of a corpus reach the same events as one
/// worker: the comparison is with one worker ingesting the same documents in the order the
/// workers committed them (the order a single process would have had to see them in), and it is
/// exact: every document in the same event, with the same event id. Also: the workers'
/// summaries add up (each document counted as ingested once, its second copy as already
/// ingested), and the events are not trivial (several events, some with several documents).
#[test]
fn several_workers_reach_the_events_of_one_worker() {
    let Some(url) = server() else { return };
    let _turn = turn();
    let db = fresh_database(&url);
    let dir = tempfile::tempdir().unwrap();
    let corpus = stories(12, 8);
    let n = corpus.len();
    let order = shuffled(&corpus, 7);
    // Three workers; each document is in two inputs (worker k has thirds k and k+1).
    let third = n / 3;
    let mut inputs = Vec::new();
    for k in 0..3 {
        let lines: Vec<String> = (0..2 * third)
            .map(|j| order[(k * third + j) % n].clone())
            .collect();
        let path = dir.path().join(format!("part-{k}.jsonl"));
        write_lines(&path, &shuffled(&lines, k as u64 + 11));
        inputs.push(path);
    }
    let workers: Vec<_> = inputs
        .iter()
        .map(|p| {
            ingest(&db, p)
                .arg("--json")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let (mut ingested, mut already) = (0, 0);
    for w in workers {
        let o = w.wait_with_output().unwrap();
        assert!(o.status.success(), "a worker failed: {}", stderr(&o));
        let summary: Value = serde_json::from_slice(&o.stdout).unwrap();
        eprintln!("worker: {summary}");
        ingested += summary["ingested"].as_u64().unwrap();
        already += summary["already_ingested"].as_u64().unwrap();
    }
    assert_eq!(ingested as usize, n, "documents counted as ingested");
    assert_eq!(
        already as usize, n,
        "second copies counted as already ingested"
    );

    let together = exported_events(&db);
    let ids: Vec<String> = together.iter().map(|(id, _)| id.clone()).collect();
    let mut stored = ids.clone();
    stored.sort();
    let mut expected: Vec<String> = corpus
        .iter()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    expected.sort();
    assert_eq!(stored, expected, "every document stored once");

    // One worker, the same documents in the workers' commit order.
    let by_id: BTreeMap<String, &String> = corpus
        .iter()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (v["id"].as_str().unwrap().to_string(), l)
        })
        .collect();
    let replay: Vec<String> = ids.iter().map(|id| by_id[id].clone()).collect();
    let replay_path = dir.path().join("commit-order.jsonl");
    write_lines(&replay_path, &replay);
    let single_db = fresh_database(&url);
    // Batches of one: the pipeline orders a batch's commits by its own rule, and the
    // comparison needs exactly the workers' commit order.
    let o = ingest(&single_db, &replay_path)
        .env("STORYLINE_BATCH", "1")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let alone = exported_events(&single_db);

    let events: BTreeMap<&str, usize> = together.iter().fold(BTreeMap::new(), |mut m, (_, e)| {
        *m.entry(e.as_str()).or_default() += 1;
        m
    });
    eprintln!(
        "{} documents in {} events; largest {}",
        n,
        events.len(),
        events.values().max().unwrap()
    );
    assert!(
        events.len() > 1 && events.values().any(|&c| c > 1),
        "trivial events, the comparison would prove nothing: {events:?}"
    );
    let differ: Vec<_> = together
        .iter()
        .zip(&alone)
        .filter(|(a, b)| a != b)
        .collect();
    assert!(
        differ.is_empty() && together.len() == alone.len(),
        "{} of {n} documents differ (several workers, one worker): {:?}",
        differ.len(),
        &differ[..differ.len().min(10)]
    );
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
