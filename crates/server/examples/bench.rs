//! Server benchmark: builds a large synthetic store (the sample corpus and the eval JSONL sets,
//! repeated under perturbed ids), serves it on a loopback port and measures latency of search
//! and pages under concurrent load, printing p50/p95/p99 per kind of request.
//!
//! ```sh
//! cargo run --release -p server --example bench -- --docs 100000 --db /tmp/storyline-bench
//! ```
//!
//! Options: `--docs N` (default 100000), `--db DIR` (kept and reused when it already holds N
//! documents), `--requests N` per kind (default 300), `--concurrency N` (default 4),
//! `--semantic` (load the encoder; documents get random unit vectors so the vector scan is
//! measured at full size). Latency is measured by the client over loopback, so it bounds the
//! server-side time from above.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use model::Article;
use store::{Commit, DocumentRecord, EventState, SqliteStore, Store};

struct Args {
    docs: usize,
    db: PathBuf,
    requests: usize,
    concurrency: usize,
    semantic: bool,
}

fn args() -> Args {
    let mut a = Args {
        docs: 100_000,
        db: std::env::temp_dir().join("storyline-bench"),
        requests: 300,
        concurrency: 4,
        semantic: false,
    };
    let v: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < v.len() {
        let next = v.get(i + 1).cloned().unwrap_or_default();
        match v[i].as_str() {
            "--docs" => a.docs = next.parse().unwrap_or(a.docs),
            "--db" => a.db = PathBuf::from(next),
            "--requests" => a.requests = next.parse().unwrap_or(a.requests),
            "--concurrency" => a.concurrency = next.parse().unwrap_or(a.concurrency),
            "--semantic" => {
                a.semantic = true;
                i += 1;
                continue;
            }
            other => {
                eprintln!("unknown option {other}");
                std::process::exit(2);
            }
        }
        i += 2;
    }
    a
}

fn sources(root: &Path) -> Vec<PathBuf> {
    let mut v = vec![root.join("examples/seeds")];
    let shared = root.join("../shared/eval/clustering");
    for set in ["ntrex-dev", "newswcl50", "ecbplus-dev"] {
        let p = shared.join(set).join("docs.jsonl");
        if p.exists() {
            v.push(p);
        }
    }
    v
}

/// A tiny deterministic generator for the synthetic vectors.
fn unit_vector(seed: u64, dim: usize) -> Vec<f32> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut v: Vec<f32> = (0..dim)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 2000) as f32 / 1000.0 - 1.0
        })
        .collect();
    let n = v.iter().map(|a| a * a).sum::<f32>().sqrt().max(1e-6);
    v.iter_mut().for_each(|a| *a /= n);
    v
}

fn build(a: &Args, root: &Path) {
    let store = SqliteStore::open(&a.db).expect("open the bench store");
    let have = store.document_count().unwrap_or(0);
    if have >= a.docs {
        println!("reusing {} with {have} documents", a.db.display());
        return;
    }
    drop(store);
    let _ = std::fs::remove_dir_all(&a.db);
    let mut store = SqliteStore::open(&a.db).expect("open the bench store");
    let mut base: Vec<Article> = Vec::new();
    for raw in ingest::read_paths(&sources(root), ingest::Options::default()) {
        let Ok(raw) = raw else { continue };
        let mut art = extract::extract(&raw);
        if art.paragraphs.is_empty() {
            continue;
        }
        art.segments = lang::segment(&art.paragraphs);
        base.push(art);
    }
    println!(
        "building {} documents from {} originals…",
        a.docs,
        base.len()
    );
    let t = Instant::now();
    for i in 0..a.docs {
        let copy = i / base.len();
        let src = &base[i % base.len()];
        let mut art = src.clone();
        art.id = format!("{}~{copy}", src.id);
        let marker = format!("(copy {copy})");
        art.paragraphs.push(marker.clone());
        if let Some(last) = art.segments.last_mut() {
            last.text.push_str("\n\n");
            last.text.push_str(&marker);
        }
        // Events of four documents each; dates spread over years so the timeline has range.
        let group = (i % base.len()) / 4;
        let event_id = format!("ev{group}-{copy}");
        let day = (group * 7 + copy * 3) % 3000;
        let start = format!(
            "{:04}-{:02}-{:02}",
            2015 + day / 336,
            1 + (day / 28) % 12,
            1 + day % 28
        );
        let mut record = DocumentRecord {
            hash: model::content_hash(&format!("{}{marker}", art.text())),
            event: Some(event_id.clone()),
            duplicate_of: None,
            translation_of: None,
            vector: a.semantic.then(|| unit_vector(i as u64 + 1, embed::DIM)),
            why: None,
            article: art,
        };
        record.article.published = Some(start.clone());
        let mut c = Commit::document_only(record);
        c.event = Some(EventState {
            event: model::Event {
                id: event_id,
                title: src.title.clone().unwrap_or_else(|| src.id.clone()),
                start: Some(start.clone()),
                end: Some(start),
                place: None,
                storyline: Some(format!("s{}", group % 50)),
                documents: Vec::new(),
            },
            state: Vec::new(),
        });
        store.commit(&c).expect("commit");
        if (i + 1) % 10_000 == 0 {
            println!("  {} documents, {:.0} s", i + 1, t.elapsed().as_secs_f64());
        }
    }
    println!("built in {:.0} s", t.elapsed().as_secs_f64());
}

fn get(addr: SocketAddr, path: &str) -> (u16, usize) {
    let Ok(mut s) = TcpStream::connect(addr) else {
        return (0, 0);
    };
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if s.write_all(req.as_bytes()).is_err() {
        return (0, 0);
    }
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let head = String::from_utf8_lossy(&raw[..raw.len().min(20)]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, raw.len())
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let a = args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    build(&a, &root);

    let db = a.db.clone();
    let open = move || -> Result<Box<dyn Store>, store::StoreError> {
        Ok(Box::new(SqliteStore::open(&db)?))
    };
    let t = Instant::now();
    let searcher = Arc::new(search::Searcher::load(a.semantic));
    let app = server::App::new(server::Config::default(), &open, searcher).expect("start the app");
    println!(
        "server ready in {:.1} s (dictionary, encoder, catalog)",
        t.elapsed().as_secs_f64()
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    rt.spawn(server::serve(app, listener));

    // Ids to visit, from the API itself.
    let store = SqliteStore::open(&a.db).expect("open");
    let events: Vec<String> = store
        .events()
        .expect("events")
        .into_iter()
        .step_by(97)
        .map(|e| e.id)
        .take(200)
        .collect();
    let mut docs: Vec<String> = Vec::new();
    store
        .for_each_document(&mut |d| {
            if docs.len() < 200 && d.article.id.ends_with("~7") {
                docs.push(d.article.id);
            }
            Ok(())
        })
        .expect("documents");
    let queries = [
        "BRICS",
        "金砖",
        "普京",
        "习近平 普京",
        "Putin",
        "саммит",
        "Казань",
        "referendum",
        "earthquake",
        "macedonia name",
        "習近平",
        "trade billion",
        "выборы",
        "北京",
        "president",
        "oil prices",
        "police said",
        "联合声明",
        "hurricane damage",
        "Путин",
    ];
    let kinds: Vec<(&str, Vec<String>)> = vec![
        (
            "api search",
            queries
                .iter()
                .map(|q| format!("/api/search?q={}", enc(q)))
                .collect(),
        ),
        (
            "search page",
            queries
                .iter()
                .map(|q| format!("/search?q={}", enc(q)))
                .collect(),
        ),
        (
            "timeline page",
            vec![
                "/".into(),
                "/?offset=500".into(),
                "/?lang=ru".into(),
                "/?from=2018-01-01&to=2018-06-30".into(),
            ],
        ),
        (
            "api events",
            vec![
                "/api/events?limit=50".into(),
                "/api/events?lang=zh&limit=50&offset=100".into(),
            ],
        ),
        (
            "event page",
            events
                .iter()
                .map(|e| format!("/events/{}", enc(e)))
                .collect(),
        ),
        (
            "document page",
            docs.iter()
                .map(|d| format!("/documents/{}", enc(d)))
                .collect(),
        ),
        ("entity list", vec!["/entities".into()]),
    ];
    println!(
        "{} documents, {} requests per kind, {} concurrent clients, semantic {}",
        store.document_count().unwrap_or(0),
        a.requests,
        a.concurrency,
        a.semantic
    );
    println!(
        "{:<14} {:>8} {:>8} {:>8} {:>8}  errors",
        "kind", "p50 ms", "p95 ms", "p99 ms", "max ms"
    );
    for (kind, paths) in kinds {
        if paths.is_empty() {
            continue;
        }
        let paths = Arc::new(paths);
        let per = a.requests.div_ceil(a.concurrency.max(1));
        let handles: Vec<_> = (0..a.concurrency.max(1))
            .map(|w| {
                let paths = paths.clone();
                std::thread::spawn(move || {
                    let mut lat = Vec::new();
                    let mut errors = 0;
                    for i in 0..per {
                        let p = &paths[(w * 31 + i) % paths.len()];
                        let t = Instant::now();
                        let (status, _) = get(addr, p);
                        lat.push(t.elapsed().as_secs_f64() * 1000.0);
                        if status != 200 {
                            errors += 1;
                        }
                    }
                    (lat, errors)
                })
            })
            .collect();
        let mut all = Vec::new();
        let mut errors = 0;
        for h in handles {
            if let Ok((l, e)) = h.join() {
                all.extend(l);
                errors += e;
            }
        }
        all.sort_by(f64::total_cmp);
        println!(
            "{:<14} {:>8.1} {:>8.1} {:>8.1} {:>8.1}  {}",
            kind,
            percentile(&all, 0.5),
            percentile(&all, 0.95),
            percentile(&all, 0.99),
            all.last().copied().unwrap_or(0.0),
            errors
        );
    }
}
