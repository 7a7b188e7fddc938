//! The CLI contract, end to end through the real binary: ingest, re-ingest, export, events,
//! search, exit codes, bad input, and a kill -9 in the middle of a large ingest.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

mod common;
use common::*;

fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/seeds")
}

fn run(db: &Path, args: &[&str]) -> Output {
    bin().arg("--db").arg(db).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn export(db: &Path) -> Vec<Value> {
    let o = run(db, &["export"]);
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
        .lines()
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("export line is not JSON ({e}): {l}"))
        })
        .collect()
}

#[test]
fn seeds_ingest_export_and_reingest_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let seeds = seeds();
    let o = run(&db, &["ingest", seeds.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("ingested 5 new documents"),
        "{}",
        stdout(&o)
    );

    let records = export(&db);
    let docs: Vec<&Value> = records.iter().filter(|r| r["type"] == "document").collect();
    assert_eq!(docs.len(), 5);
    for d in &docs {
        for field in [
            "id",
            "title",
            "published",
            "outlet",
            "languages",
            "event",
            "duplicate_of",
            "translation_of",
            "text",
        ] {
            assert!(d.get(field).is_some(), "document lacks `{field}`: {d}");
        }
        assert!(!d["text"].as_str().unwrap().is_empty());
    }
    let events: Vec<&Value> = records.iter().filter(|r| r["type"] == "event").collect();
    assert!(!events.is_empty());
    for e in &events {
        for field in [
            "id",
            "title",
            "start",
            "end",
            "place",
            "storyline",
            "documents",
        ] {
            assert!(e.get(field).is_some(), "event lacks `{field}`: {e}");
        }
    }
    // Every document is in exactly one listed event.
    let listed: usize = events
        .iter()
        .map(|e| e["documents"].as_array().unwrap().len())
        .sum();
    assert_eq!(listed, 5);

    let again = run(&db, &["ingest", seeds.to_str().unwrap()]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stdout(&again).contains("ingested 0 new documents (5 already ingested"),
        "{}",
        stdout(&again)
    );
    assert_eq!(export(&db), records, "re-ingesting changed the store");
}

#[test]
fn bad_inputs_are_named_and_the_rest_is_ingested() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(
        input.join("batch.jsonl"),
        "{\"id\":\"ok1\",\"text\":\"Putin arrived in Beijing on Thursday for talks with Xi Jinping.\"}\nnot json\n{\"text\":\"no id\"}\n",
    )
    .unwrap();
    std::fs::write(input.join("empty.html"), "").unwrap();
    std::fs::write(input.join("blob.bin"), [0u8, 1, 2, 3, 0, 0, 0, 9, 0]).unwrap();
    std::fs::write(
        input.join("good.txt"),
        "Xi Jinping met Vladimir Putin in Kazan on Tuesday.\n",
    )
    .unwrap();
    let o = run(&db, &["ingest", input.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(
        o.status.code(),
        Some(2),
        "some inputs failed: exit 2\n{err}"
    );
    assert!(err.contains("batch.jsonl:2: not JSON"), "{err}");
    assert!(
        err.contains("batch.jsonl:3: missing required field `id`"),
        "{err}"
    );
    assert!(err.contains("empty.html: empty file"), "{err}");
    assert!(err.contains("blob.bin: binary file"), "{err}");
    assert_eq!(err.lines().count(), 4, "one line per bad input:\n{err}");
    assert!(
        stdout(&o).contains("ingested 2 new documents"),
        "{}",
        stdout(&o)
    );

    // A second bad run changes nothing already stored.
    let before = export(&db);
    std::fs::write(
        input.join("batch.jsonl"),
        "{\"id\":\"ok1\",\"text\":\"A different report under the same id: Vladimir Putin met Xi Jinping in Kazan on Tuesday to discuss trade, energy and security cooperation between the two countries.\"}\n",
    )
    .unwrap();
    let o = run(
        &db,
        &["ingest", input.join("batch.jsonl").to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("already stored with different content"),
        "{}",
        stderr(&o)
    );
    assert_eq!(export(&db), before);
}

#[test]
fn exit_codes_follow_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    // Reading a store that does not exist is an error that says what to do.
    let o = run(&db, &["events"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("storyline ingest"), "{}", stderr(&o));
    let seeds = seeds();
    assert!(run(&db, &["ingest", seeds.to_str().unwrap()])
        .status
        .success());
    assert_eq!(
        run(&db, &["search", "no such words anywhere"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(run(&db, &["event", "ev-nope"]).status.code(), Some(1));
    let hits = run(&db, &["search", "金砖"]);
    assert_eq!(hits.status.code(), Some(0));
    // 金砖 is BRICS: the Chinese report of the Kazan summit and the English reports that
    // mention BRICS.
    let ids: Vec<String> = stdout(&hits)
        .lines()
        .map(|l| l.split('\t').next().unwrap_or("").to_string())
        .collect();
    for id in ["000_21cd010cafc9b1ef", "001_1797282344cdefbc"] {
        assert!(
            ids.iter().any(|i| i == id),
            "{id} not found: {}",
            stdout(&hits)
        );
    }
    let o = run(
        &db,
        &["ingest", dir.path().join("missing.html").to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("missing.html: cannot open"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn events_and_event_show_what_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let seeds = seeds();
    assert!(run(&db, &["ingest", seeds.to_str().unwrap()])
        .status
        .success());
    let o = run(&db, &["events", "--json"]);
    assert!(o.status.success());
    let listed: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(listed.len(), 3);
    let first = &listed[0];
    // The fields of an item of GET /api/events, named as the OpenAPI description names them.
    let spec: Value = serde_json::from_str(include_str!("../../server/openapi.json")).unwrap();
    let mut api_fields: Vec<&str> = spec["components"]["schemas"]["EventSummary"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut cli_fields: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    api_fields.sort_unstable();
    cli_fields.sort_unstable();
    assert_eq!(cli_fields, api_fields);
    // Newest first, as the API; --order oldest turns it round; --limit and --lang filter.
    let starts: Vec<&str> = listed
        .iter()
        .map(|e| e["start"].as_str().unwrap())
        .collect();
    assert!(starts.windows(2).all(|w| w[0] >= w[1]), "{starts:?}");
    let oldest = stdout(&run(
        &db,
        &["events", "--json", "--order", "oldest", "--limit", "1"],
    ));
    assert_eq!(oldest.lines().count(), 1);
    assert_eq!(
        serde_json::from_str::<Value>(oldest.trim()).unwrap()["id"],
        listed[2]["id"]
    );
    let zh = stdout(&run(&db, &["events", "--lang", "zh-Hant"]));
    assert_eq!(zh.lines().count(), 2, "{zh}");
    assert!(zh.lines().next().unwrap().contains("LANGUAGES"));
    assert_eq!(run(&db, &["events", "--lang", "xx"]).status.code(), Some(1));
    let bad = run(&db, &["events", "--from", "notadate"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("notadate"), "{}", stderr(&bad));
    // The table's columns line up: each header starts where its column does on every row.
    let table = stdout(&run(&db, &["events"]));
    let header = table.lines().next().unwrap();
    let col = |line: &str, byte: usize| unicode_col(&line[..byte]);
    let title_at = col(header, header.find("TITLE").unwrap());
    for (row, e) in table.lines().skip(1).zip(&listed) {
        let t = e["title"].as_str().unwrap();
        assert_eq!(col(row, row.rfind(t).unwrap()), title_at, "{table}");
    }

    let id = first["id"].as_str().unwrap();
    let shown = run(&db, &["event", id]);
    assert!(shown.status.success());
    let text = stdout(&shown);
    // GET /api/events/{id}'s body, and the text shows its parts.
    let view: Value = serde_json::from_str(&stdout(&run(&db, &["event", id, "--json"]))).unwrap();
    assert_eq!(view["id"], first["id"]);
    let doc = view["documents"][0]["id"].as_str().unwrap();
    assert!(text.contains(doc), "{text}");
    assert!(text.contains("independent sources:"), "{text}");
    let busiest = listed
        .iter()
        .max_by_key(|e| e["document_count"].as_u64())
        .unwrap()["id"]
        .as_str()
        .unwrap();
    let busy = stdout(&run(&db, &["event", busiest]));
    for part in [
        "key figures:",
        "claims (most independent sources first):",
        "quotes:",
    ] {
        assert!(busy.contains(part), "{part}: {busy}");
    }
    // Search hits in JSON carry the API's fields, and --limit holds.
    let hits = stdout(&run(&db, &["search", "--json", "--limit", "1", "Putin"]));
    assert_eq!(hits.lines().count(), 1, "{hits}");
    let hit: Value = serde_json::from_str(hits.trim()).unwrap();
    for f in [
        "document",
        "title",
        "event",
        "event_title",
        "outlet",
        "published",
        "languages",
        "score",
        "snippet",
    ] {
        assert!(hit.get(f).is_some(), "{f}: {hit}");
    }
}

/// Display columns of `s` (CJK characters take two).
fn unicode_col(s: &str) -> usize {
    s.chars()
        .map(|c| {
            if ('\u{1100}'..='\u{9fff}').contains(&c) || ('\u{ac00}'..='\u{ffdc}').contains(&c) {
                2
            } else {
                1
            }
        })
        .sum()
}

/// The top-level summary names every command (each argument's help is checked in `args.rs`).
#[test]
fn the_summary_names_every_command() {
    let top = stdout(&bin().arg("--help").output().unwrap());
    let first = top.lines().next().unwrap();
    for cmd in [
        "ingest", "extract", "export", "embed", "events", "event,", "search", "serve", "watch",
    ] {
        assert!(first.contains(cmd), "{cmd} not in the summary: {first}");
    }
}

#[test]
fn extract_prints_one_json_object_per_document() {
    let seeds = seeds();
    let o = bin()
        .args(["extract", seeds.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    for l in &lines {
        for field in [
            "id",
            "path",
            "title",
            "published",
            "outlet",
            "byline",
            "dateline",
            "segments",
            "text",
        ] {
            assert!(l.get(field).is_some(), "extract output lacks `{field}`");
        }
    }
}

/// kill -9 in the middle of a large ingest, then a re-run: every document stored exactly once.
#[test]
fn killed_ingest_resumes_with_every_document_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let input = dir.path().join("big.jsonl");
    let n = 3000;
    let mut body = String::new();
    for i in 0..n {
        body.push_str(&serde_json::json!({
            "id": format!("doc-{i}"),
            "title": format!("Report {i}"),
            "text": format!("Report number {i}. Officials met on day {} to discuss trade worth {} million dollars.\n\nA second paragraph, {i}.", i % 28 + 1, i * 7),
        }).to_string());
        body.push('\n');
    }
    std::fs::write(&input, body).unwrap();

    let mut child = bin()
        .arg("--db")
        .arg(&db)
        .args(["ingest", input.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until some documents are committed, then kill without warning.
    let start = Instant::now();
    let mut stored_at_kill = 0;
    loop {
        if let Ok(s) = store::SqliteStore::open(&db) {
            use store::Store;
            stored_at_kill = s.document_count().unwrap_or(0);
        }
        if stored_at_kill > 50 || start.elapsed() > Duration::from_secs(60) {
            break;
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    assert!(
        stored_at_kill > 0,
        "the ingest was killed before it stored anything"
    );

    let o = run(&db, &["ingest", input.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let records = export(&db);
    let mut ids: Vec<&str> = records
        .iter()
        .filter(|r| r["type"] == "document")
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids.len(),
        n,
        "stored {} of {n} (killed at {stored_at_kill})",
        ids.len()
    );
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "a document was stored twice");
}

/// The sample articles against `examples/seeds.gold.json`: three events grouped as the gold
/// says, with their dates and places, one storyline, and the passages 000 and 002 share.
#[test]
fn seeds_make_the_gold_events_storyline_and_shared_passages() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let o = run(&db, &["ingest", seeds().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let gold: Value =
        serde_json::from_str(&std::fs::read_to_string(seeds().join("../seeds.gold.json")).unwrap())
            .unwrap();
    let records = export(&db);
    let events: Vec<&Value> = records.iter().filter(|r| r["type"] == "event").collect();
    let mut storylines = std::collections::BTreeSet::new();
    for (name, g) in gold["events"].as_object().unwrap() {
        let want: Vec<&str> = g["documents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_str().unwrap())
            .collect();
        let found = events
            .iter()
            .find(|e| {
                e["documents"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|d| d == want[0])
            })
            .unwrap_or_else(|| panic!("no event holds {}", want[0]));
        let mut got: Vec<&str> = found["documents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_str().unwrap())
            .collect();
        got.sort_unstable();
        let mut want = want.clone();
        want.sort_unstable();
        assert_eq!(got, want, "{name}: {found}");
        assert_eq!(found["start"], g["start"], "{name} start: {found}");
        assert_eq!(found["end"], g["end"], "{name} end: {found}");
        assert_eq!(found["place"], g["place"], "{name} place: {found}");
        storylines.insert(found["storyline"].to_string());
    }
    assert_eq!(events.len(), 3, "exactly three events");
    assert_eq!(storylines.len(), 1, "one storyline: {storylines:?}");
    assert!(!storylines.contains("null"), "the events have a storyline");
    let shared = records.iter().any(|r| {
        r["type"] == "shared_passage" && {
            let docs: Vec<&str> = r["documents"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d.as_str().unwrap())
                .collect();
            docs.iter().any(|d| d.starts_with("000_")) && docs.iter().any(|d| d.starts_with("002_"))
        }
    });
    assert!(shared, "no shared passage between 000 and 002");
    // Every document says why it is where it is.
    for d in records.iter().filter(|r| r["type"] == "document") {
        assert!(d["why"].as_str().is_some_and(|w| !w.is_empty()), "{d}");
    }
    let ev = events[0]["id"].as_str().unwrap();
    let o = run(&db, &["event", ev, "--why"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("why:"), "{}", stdout(&o));
}

/// Exit status 1 ("nothing found", not an error) when the inputs hold no document: an empty
/// directory, a feed without items; `extract` when no input gives any text. Status 2 stays for
/// inputs that cannot be read.
#[test]
fn nothing_found_is_status_1_and_errors_are_status_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let o = run(&db, &["ingest", empty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));

    let feed = dir.path().join("quiet.rss");
    std::fs::write(
        &feed,
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet wire</title><link>https://example.org/</link><description>Nothing today</description></channel></rss>"#,
    )
    .unwrap();
    let o = run(&db, &["ingest", feed.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("no items"), "{}", stderr(&o));
    let o = bin()
        .args(["extract", feed.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));

    let blank = dir.path().join("blank.html");
    std::fs::write(
        &blank,
        "<html><head><title>x</title></head><body></body></html>",
    )
    .unwrap();
    let o = bin()
        .args(["extract", blank.to_str().unwrap(), empty.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));

    // An error beside nothing found is still an error.
    let missing = dir.path().join("missing.html");
    let o = bin()
        .args([
            "extract",
            blank.to_str().unwrap(),
            missing.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = run(
        &db,
        &["ingest", feed.to_str().unwrap(), missing.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));

    // Documents read, even when all were stored before, are found: status 0.
    let seeds = seeds();
    assert_eq!(
        run(&db, &["ingest", seeds.to_str().unwrap()]).status.code(),
        Some(0)
    );
    assert_eq!(
        run(&db, &["ingest", seeds.to_str().unwrap()]).status.code(),
        Some(0)
    );
}

/// Three events (an earthquake, a summit, a strike), four reports each, split over two files.
fn two_part_corpus(dir: &Path) -> (PathBuf, PathBuf) {
    let events = [
        ("quake", "2024-03-03", "Lima", "An earthquake of magnitude 6.1 struck near Lima, Peru, on Sunday, damaging houses and killing 12 people, officials said."),
        ("summit", "2024-06-11", "Oslo", "Fisheries ministers from eight countries met in Oslo, Norway, on Tuesday and agreed new quotas for cod in the Barents Sea."),
        ("strike", "2024-09-20", "Lyon", "Rail workers in Lyon, France, walked out on Friday over pay, cancelling 300 trains across the region, the union said."),
    ];
    let outlets = ["North Wire", "South Daily", "East Herald", "West Post"];
    let mut parts = [String::new(), String::new()];
    for (name, date, place, lead) in events {
        for (i, outlet) in outlets.iter().enumerate() {
            let doc = serde_json::json!({
                "id": format!("{name}-{i}"),
                "title": format!("{place}: {}", &lead[..40]),
                "published": date,
                "source": outlet,
                "text": format!(
                    "{place} — {lead}\n\n{outlet} reported the story from {place}. Report number {i} adds that residents described the day in detail and that more information was expected."
                ),
            });
            parts[i % 2].push_str(&format!("{doc}\n"));
        }
    }
    let a = dir.join("part-a.jsonl");
    let b = dir.join("part-b.jsonl");
    std::fs::write(&a, &parts[0]).unwrap();
    std::fs::write(&b, &parts[1]).unwrap();
    (a, b)
}

/// The events of a store as sets of document ids (event ids aside).
fn partition(db: &Path) -> std::collections::BTreeSet<Vec<String>> {
    export(db)
        .into_iter()
        .filter(|r| r["type"] == "event")
        .map(|e| {
            let mut ids: Vec<String> = e["documents"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d.as_str().unwrap().to_string())
                .collect();
            ids.sort();
            ids
        })
        .collect()
}

/// Two ingests started together on one embedded store take turns (the second says it waits)
/// and end with the events of the same two ingests run one after the other.
#[test]
fn concurrent_ingests_take_turns_and_give_the_sequential_events() {
    use std::io::{BufRead, BufReader};

    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_part_corpus(dir.path());
    let mut sequential = Vec::new();
    for (name, order) in [("ab", [&a, &b]), ("ba", [&b, &a])] {
        let db = dir.path().join(format!("seq-{name}"));
        for part in order {
            let o = run(&db, &["ingest", part.to_str().unwrap()]);
            assert!(o.status.success(), "{}", stderr(&o));
        }
        sequential.push(partition(&db));
    }

    // Hold the lock while both start, so that both must wait and then race for it.
    let db = dir.path().join("concurrent");
    let held = store::IngestLock::acquire(db.to_str().unwrap(), || panic!("not held yet")).unwrap();
    let (told, waits) = std::sync::mpsc::channel();
    let children: Vec<_> = [&a, &b]
        .into_iter()
        .map(|part| {
            let mut child = bin()
                .arg("--db")
                .arg(&db)
                .args(["ingest", part.to_str().unwrap()])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let err = child.stderr.take().unwrap();
            let told = told.clone();
            let reader = std::thread::spawn(move || {
                let mut all = String::new();
                for line in BufReader::new(err).lines().map_while(Result::ok) {
                    if line.contains("waiting for another ingest") {
                        let _ = told.send(());
                    }
                    all.push_str(&line);
                    all.push('\n');
                }
                all
            });
            (child, reader)
        })
        .collect();
    for _ in 0..2 {
        // A guard against a hang, not a timing check: both say so within seconds.
        waits
            .recv_timeout(Duration::from_secs(600))
            .expect("both ingests should say that they wait for the lock");
    }
    drop(held);
    for (mut child, reader) in children {
        let status = child.wait().unwrap();
        let err = reader.join().unwrap();
        assert!(status.success(), "{err}");
    }
    let concurrent = partition(&db);
    assert!(
        sequential.contains(&concurrent),
        "concurrent {concurrent:?} is neither sequential order: {sequential:?}"
    );
    assert_eq!(
        concurrent.iter().map(Vec::len).sum::<usize>(),
        12,
        "{concurrent:?}"
    );
}

/// `storyline embed` gives the vector the pipeline stores: for Traditional Chinese that is the
/// embedding of the text converted to Simplified (the pipeline's view), not of the raw text,
/// which `--raw` gives.
#[test]
fn embed_gives_the_pipelines_vector_for_traditional_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let text = "臺灣中央氣象局週四表示，颱風將於週末登陸東部沿海地區，當局呼籲居民做好防颱準備。";
    let simplified = lang::to_simplified(text);
    assert_ne!(simplified, text, "the sample must change when converted");
    let input = dir.path().join("in.jsonl");
    let converted = dir.path().join("converted.txt");
    std::fs::write(
        &input,
        format!("{}\n", serde_json::json!({"id": "t1", "text": text})),
    )
    .unwrap();
    std::fs::write(&converted, format!("{simplified}\n")).unwrap();
    let vector = |args: &[&str]| -> Vec<f64> {
        let o = run(&db, args);
        assert!(o.status.success(), "{}", stderr(&o));
        let v: Value = serde_json::from_str(stdout(&o).lines().next().unwrap()).unwrap();
        v["vector"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    let input = input.to_str().unwrap();
    let pipeline_view = vector(&["embed", input]);
    let of_converted = vector(&["embed", "--raw", converted.to_str().unwrap()]);
    let of_raw = vector(&["embed", "--raw", input]);
    let cos = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    assert_eq!(pipeline_view.len(), of_converted.len());
    assert!(cos(&pipeline_view, &of_converted) > 0.99999);
    assert!(
        cos(&pipeline_view, &of_raw) < 0.9999,
        "the raw Traditional text embeds differently"
    );
    // A headline too short to be an article (ingest refuses it) gets the same view.
    let short = dir.path().join("short.txt");
    let short_converted = dir.path().join("short-converted.txt");
    std::fs::write(&short, "颱風週末登陸東部\n").unwrap();
    std::fs::write(
        &short_converted,
        format!("{}\n", lang::to_simplified("颱風週末登陸東部")),
    )
    .unwrap();
    let a = vector(&["embed", short.to_str().unwrap()]);
    let b = vector(&["embed", "--raw", short_converted.to_str().unwrap()]);
    assert!(cos(&a, &b) > 0.99999);
    let o = run(&db, &["embed", "-"]);
    assert_eq!(o.status.code(), Some(1), "no input: nothing found");
}

/// The configuration file sets what neither the environment nor the command line does; the
/// environment overrides the file, an argument both; a bad file is an error naming it.
#[test]
fn a_config_file_is_overridden_by_the_environment_and_the_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("storyline.toml");
    std::fs::write(&file, "db = \"from-file\"\n[enrich]\nenabled = false\n").unwrap();
    let seeds = seeds();
    let with_config = || {
        let mut c = bin();
        c.current_dir(dir.path())
            .env_remove("STORYLINE_DB")
            .env_remove("STORYLINE_ENRICH")
            .arg("--config")
            .arg(&file);
        c
    };
    let kinds = |db: &Path| -> std::collections::BTreeSet<String> {
        export(db)
            .iter()
            .map(|r| r["type"].as_str().unwrap_or("").to_string())
            .collect()
    };
    // The file's store, without enrichment.
    let o = with_config()
        .args(["ingest", seeds.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let from_file = kinds(&dir.path().join("from-file"));
    assert!(from_file.contains("document"), "{from_file:?}");
    assert!(!from_file.contains("entity"), "{from_file:?}");
    // The environment turns enrichment back on; `--db` names another store.
    let o = with_config()
        .env("STORYLINE_ENRICH", "on")
        .args(["--db", "from-args", "ingest", seeds.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(kinds(&dir.path().join("from-args")).contains("entity"));
    // A key the configuration does not have.
    std::fs::write(&file, "[enrich]\nenabeld = false\n").unwrap();
    let o = with_config().arg("events").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("storyline.toml") && e.contains("enabeld"), "{e}");
}
