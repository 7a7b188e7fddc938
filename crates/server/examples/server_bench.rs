//! Server benchmark (not a test): builds a store of N articles, serves it on a loopback port
//! and measures search and page latency, printing p50/p95/p99 per kind of request — both the
//! server-side time (its `Server-Timing` header: routing, store, search, rendering) and the
//! client's (over loopback, including HTTP and transfer).
//!
//! ```sh
//! cargo run --release -p server --example server_bench -- --docs 100000 --db /tmp/storyline-bench
//! ```
//!
//! How the store is built (ingesting 100,000 articles through the full pipeline would take
//! hours on a small machine): the sample corpus and the eval sets next to the repository
//! (`../shared/eval/clustering/{ntrex-dev,newswcl50,ecbplus-dev}`) go through the real
//! pipeline once (extraction, language, the multilingual encoder, linking, clustering,
//! enrichment) into `DB.base`; then copies of those documents are written straight through
//! the `Store::commit` API until N documents: copy `k` of a document has the id `ID~k`, one
//! non-lead paragraph dropped and two neighbouring ones swapped, dates `k` months later, the
//! encoder's vector plus noise (cosine about 0.99), and its event, storyline, entity
//! mentions, quotes, facts, claims and shared passages mapped to copy `k`. So the full-text
//! index, the vector scan, the catalog and the pages see realistic text, entities and event
//! sizes at the full count; the copies are near-duplicates, which makes many queries match
//! many documents (a harder case for ranking time than distinct articles).
//!
//! Options: `--docs N` (default 100000), `--db DIR` (kept and reused when it already holds N
//! documents; the base store is kept in `DIR.base`), `--requests N` per kind (default 200),
//! `--concurrency N` clients (default 1: the latency of one request on an idle server),
//! `--no-semantic` (full text only, no encoder at query time).

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

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
        requests: 200,
        concurrency: 1,
        semantic: true,
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
            "--no-semantic" => {
                a.semantic = false;
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

/// A tiny deterministic generator (xorshift) for the perturbations.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// Roughly normal, mean 0, deviation 1 (sum of four uniforms).
    fn normal(&mut self) -> f32 {
        (0..4)
            .map(|_| (self.next() % 10_000) as f32 / 10_000.0)
            .sum::<f32>()
            * 1.732
            - 3.464
    }
}

/// `v` plus noise of norm about `eps`, back to unit length.
fn perturb_vector(v: &[f32], rng: &mut Rng, eps: f32) -> Vec<f32> {
    let scale = eps / (v.len() as f32).sqrt();
    let mut out: Vec<f32> = v.iter().map(|a| a + scale * rng.normal()).collect();
    let n = out.iter().map(|a| a * a).sum::<f32>().sqrt().max(1e-6);
    out.iter_mut().for_each(|a| *a /= n);
    out
}

/// An ISO date `k` months later (day clamped to 28 so every month has it).
fn shift_date(date: &str, k: usize) -> String {
    let y: usize = date.get(0..4).and_then(|s| s.parse().ok()).unwrap_or(2020);
    let m: usize = date.get(5..7).and_then(|s| s.parse().ok()).unwrap_or(1);
    let d: usize = date.get(8..10).and_then(|s| s.parse().ok()).unwrap_or(1);
    let months = y * 12 + (m.clamp(1, 12) - 1) + k;
    format!(
        "{:04}-{:02}-{:02}",
        months / 12,
        months % 12 + 1,
        d.clamp(1, 28)
    )
}

/// The base store: the real inputs through the real pipeline (extraction, language, encoder,
/// linking, clustering, enrichment). Reused when it already holds documents.
fn base_store(a: &Args, root: &Path, searcher: &search::Searcher) -> SqliteStore {
    let dir = a.db.with_extension("base");
    let mut store = SqliteStore::open(&dir).expect("open the base store");
    if store.document_count().unwrap_or(0) > 0 {
        println!("base store: reusing {}", dir.display());
        return store;
    }
    let inputs = sources(root);
    println!(
        "base store: ingesting {} through the full pipeline (encoder {})…",
        inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        if searcher.encoder().is_some() {
            "on"
        } else {
            "off"
        }
    );
    let t = Instant::now();
    let mut pipe =
        pipeline::Pipeline::with_encoder(&mut store, searcher.encoder()).expect("open pipeline");
    let mut batch = Vec::new();
    let mut n = 0;
    for raw in ingest::read_paths(&inputs, ingest::Options::default()) {
        let Ok(raw) = raw else { continue };
        batch.push(raw);
        if batch.len() == 32 {
            n += pipe.ingest_batch(std::mem::take(&mut batch)).len();
        }
    }
    n += pipe.ingest_batch(batch).len();
    drop(pipe);
    println!(
        "base store: {n} inputs, {} documents in {:.0} s ({:.1} documents/s)",
        store.document_count().unwrap_or(0),
        t.elapsed().as_secs_f64(),
        n as f64 / t.elapsed().as_secs_f64()
    );
    store
}

/// What one base document carries into each copy.
struct Base {
    record: DocumentRecord,
    entities: Vec<model::Entity>,
    quotes: Vec<model::Quote>,
    facts: Vec<model::Fact>,
}

/// Build the big store: copy `k` of every base document (copy 0 is the base itself) gets the id
/// `ID~k`, its text perturbed (one non-lead paragraph dropped, two neighbours swapped), dates
/// `k` months later, its vector perturbed (cosine ≈ 0.99 to the encoder's), and its event,
/// storyline, entity mentions, quotes, facts, claims and shared passages mapped to copy `k`.
fn build(a: &Args, root: &Path, searcher: &search::Searcher) {
    {
        let store = SqliteStore::open(&a.db).expect("open the bench store");
        let have = store.document_count().unwrap_or(0);
        if have >= a.docs {
            println!("reusing {} with {have} documents", a.db.display());
            return;
        }
    }
    let base = base_store(a, root, searcher);
    let _ = std::fs::remove_dir_all(&a.db);
    let mut store = SqliteStore::open(&a.db).expect("open the bench store");

    let mut docs: Vec<Base> = Vec::new();
    base.for_each_document(&mut |d| {
        docs.push(Base {
            record: d,
            entities: Vec::new(),
            quotes: Vec::new(),
            facts: Vec::new(),
        });
        Ok(())
    })
    .expect("read base documents");
    let index: HashMap<String, usize> = docs
        .iter()
        .enumerate()
        .map(|(i, b)| (b.record.article.id.clone(), i))
        .collect();
    for e in base.entities().expect("entities") {
        for d in &e.documents {
            if let Some(&i) = index.get(d) {
                let mut one = e.clone();
                one.documents = Vec::new();
                docs[i].entities.push(one);
            }
        }
    }
    for q in base.quotes().expect("quotes") {
        if let Some(&i) = index.get(&q.document) {
            docs[i].quotes.push(q);
        }
    }
    for f in base.facts().expect("facts") {
        if let Some(&i) = index.get(&f.document) {
            docs[i].facts.push(f);
        }
    }
    let events: HashMap<String, model::Event> = base
        .events()
        .expect("events")
        .into_iter()
        .map(|e| (e.id.clone(), e))
        .collect();
    let mut claims: HashMap<String, Vec<model::Claim>> = HashMap::new();
    for c in base.claims().expect("claims") {
        claims.entry(c.event.clone()).or_default().push(c);
    }
    // Each passage is committed with the last (in base order) of its documents.
    let mut passages: HashMap<usize, Vec<store::SharedPassage>> = HashMap::new();
    for p in base.shared_passages().expect("passages") {
        if let Some(last) = p.documents.iter().filter_map(|d| index.get(d)).max() {
            passages.entry(*last).or_default().push(p);
        }
    }
    let first_of_event: HashMap<String, usize> = {
        let mut m = HashMap::new();
        for (i, b) in docs.iter().enumerate() {
            if let Some(ev) = &b.record.event {
                m.entry(ev.clone()).or_insert(i);
            }
        }
        m
    };
    let with_vectors = docs.iter().filter(|b| b.record.vector.is_some()).count();
    println!(
        "generating {} documents from {} base documents ({} with encoder vectors), {} events, {} entities…",
        a.docs,
        docs.len(),
        with_vectors,
        events.len(),
        docs.iter().map(|b| b.entities.len()).sum::<usize>()
    );

    let id_k = |id: &str, k: usize| {
        if k == 0 {
            id.to_string()
        } else {
            format!("{id}~{k}")
        }
    };
    let t = Instant::now();
    let mut written = 0;
    'copies: for k in 0.. {
        for (i, b) in docs.iter().enumerate() {
            if written == a.docs {
                break 'copies;
            }
            let mut rng = Rng::new((k * 1_000_003 + i) as u64 + 1);
            let mut rec = b.record.clone();
            let art = &mut rec.article;
            art.id = id_k(&b.record.article.id, k);
            if k > 0 {
                let n = art.paragraphs.len();
                if n >= 3 {
                    art.paragraphs.remove(1 + (rng.next() as usize) % (n - 1));
                }
                let n = art.paragraphs.len();
                if n >= 4 {
                    let j = 1 + (rng.next() as usize) % (n - 2);
                    art.paragraphs.swap(j, j + 1);
                }
                art.segments = lang::segment(&art.paragraphs);
                art.published = art.published.as_deref().map(|d| shift_date(d, k));
                rec.vector = rec
                    .vector
                    .as_deref()
                    .map(|v| perturb_vector(v, &mut rng, 0.15));
            }
            rec.hash = model::content_hash(&format!("{}\n{}", art.id, art.text()));
            rec.event = rec.event.as_deref().map(|e| id_k(e, k));
            rec.duplicate_of = rec.duplicate_of.as_deref().map(|d| id_k(d, k));
            rec.translation_of = rec.translation_of.as_deref().map(|d| id_k(d, k));
            let doc_id = rec.article.id.clone();
            let base_event = b.record.event.clone();
            let mut c = Commit::document_only(rec);
            if let Some(ev) = base_event.as_deref().and_then(|e| events.get(e)) {
                c.event = Some(EventState {
                    event: model::Event {
                        id: id_k(&ev.id, k),
                        title: ev.title.clone(),
                        start: ev.start.as_deref().map(|d| shift_date(d, k)),
                        end: ev.end.as_deref().map(|d| shift_date(d, k)),
                        place: ev.place.clone(),
                        storyline: ev.storyline.as_deref().map(|s| id_k(s, k)),
                        documents: Vec::new(),
                    },
                    state: Vec::new(),
                });
                if first_of_event.get(&ev.id) == Some(&i) {
                    let mapped = claims
                        .get(&ev.id)
                        .map(|cs| {
                            cs.iter()
                                .map(|cl| {
                                    let mut cl = cl.clone();
                                    cl.event = id_k(&cl.event, k);
                                    cl.sources = cl.sources.iter().map(|s| id_k(s, k)).collect();
                                    for f in &mut cl.disagreement {
                                        f.sources = f.sources.iter().map(|s| id_k(s, k)).collect();
                                    }
                                    cl
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    c.claims = Some((id_k(&ev.id, k), mapped));
                }
            }
            c.entities = b
                .entities
                .iter()
                .map(|e| {
                    let mut e = e.clone();
                    e.documents = vec![doc_id.clone()];
                    e
                })
                .collect();
            c.quotes = b
                .quotes
                .iter()
                .map(|q| model::Quote {
                    document: doc_id.clone(),
                    ..q.clone()
                })
                .collect();
            c.facts = b
                .facts
                .iter()
                .map(|f| model::Fact {
                    document: doc_id.clone(),
                    ..f.clone()
                })
                .collect();
            c.passages = passages
                .get(&i)
                .map(|ps| {
                    ps.iter()
                        .map(|p| store::SharedPassage {
                            event: p.event.as_deref().map(|e| id_k(e, k)),
                            documents: p.documents.iter().map(|d| id_k(d, k)).collect(),
                            text: p.text.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            store.commit(&c).expect("commit");
            written += 1;
            if written % 10_000 == 0 {
                println!("  {written} documents, {:.0} s", t.elapsed().as_secs_f64());
            }
        }
    }
    println!(
        "built {written} documents in {:.0} s",
        t.elapsed().as_secs_f64()
    );
}

/// One GET: status, client-side milliseconds, server-side milliseconds (`Server-Timing`).
fn get(addr: SocketAddr, path: &str) -> (u16, f64, Option<f64>) {
    let t = Instant::now();
    let Ok(mut s) = TcpStream::connect(addr) else {
        return (0, 0.0, None);
    };
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if s.write_all(req.as_bytes()).is_err() {
        return (0, 0.0, None);
    }
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let client = t.elapsed().as_secs_f64() * 1000.0;
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(raw.len());
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let server = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("server-timing:"))
        .and_then(|l| l.split("dur=").nth(1))
        .and_then(|v| v.trim().parse().ok());
    (status, client, server)
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
    let t = Instant::now();
    // The encoder is loaded for the base store's ingest even when queries run without it.
    let searcher = search::Searcher::load(true);
    println!(
        "dictionary and encoder loaded in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    println!(
        "store: the sample corpus and ../shared/eval/clustering/{{ntrex-dev,newswcl50,ecbplus-dev}} \
         through the full pipeline (real extraction, encoder vectors, clustering, enrichment) \
         into {}.base; then copies k = 1, 2, … of those documents written through Store::commit \
         until {} documents: id ID~k, one non-lead paragraph dropped and two swapped, dates k \
         months later, the encoder's vector plus noise (cosine ≈ 0.99), events, storylines, \
         entities, quotes, facts, claims and shared passages mapped to copy k",
        a.db.display(),
        a.docs
    );
    build(&a, &root, &searcher);
    let searcher = if a.semantic {
        Arc::new(searcher)
    } else {
        Arc::new(search::Searcher::load(false))
    };

    let db = a.db.clone();
    let open = move || -> Result<Box<dyn Store>, store::StoreError> {
        Ok(Box::new(SqliteStore::open(&db)?))
    };
    let t = Instant::now();
    let app = server::App::new(server::Config::default(), &open, searcher.clone())
        .expect("start the app");
    println!("catalog built in {:.1} s", t.elapsed().as_secs_f64());
    // The event pages' map, as `storyline serve` loads it.
    match server::Atlas::load() {
        Ok(atlas) => app.set_atlas(Arc::new(atlas)),
        Err(e) => println!("no map on the event pages: {e}"),
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    rt.spawn(server::serve(app, listener));

    // What to visit: events spread over the timeline, the biggest events, entities from the
    // most mentioned down, documents of one copy.
    let store = SqliteStore::open(&a.db).expect("open");
    let mut by_size: HashMap<String, usize> = HashMap::new();
    let mut docs: Vec<String> = Vec::new();
    store
        .for_each_document(&mut |d| {
            if let Some(e) = &d.event {
                *by_size.entry(e.clone()).or_default() += 1;
            }
            if docs.len() < 200 && d.article.id.ends_with("~7") {
                docs.push(d.article.id);
            }
            Ok(())
        })
        .expect("documents");
    let all_events = store.events().expect("events");
    let mut events: Vec<String> = all_events
        .iter()
        .step_by((all_events.len() / 150).max(1))
        .map(|e| e.id.clone())
        .collect();
    let mut biggest: Vec<(&String, &usize)> = by_size.iter().collect();
    biggest.sort_by(|x, y| y.1.cmp(x.1).then(x.0.cmp(y.0)));
    events.extend(biggest.iter().take(50).map(|(e, _)| (*e).clone()));
    let mut entities = store.entities().expect("entities");
    entities.sort_by(|x, y| {
        y.documents
            .len()
            .cmp(&x.documents.len())
            .then(x.id.cmp(&y.id))
    });
    let entity_ids: Vec<String> = entities
        .iter()
        .take(50)
        .chain(entities.iter().step_by((entities.len() / 150).max(1)))
        .map(|e| e.id.clone())
        .collect();
    if let (Some(e), Some(b)) = (entities.first(), biggest.first()) {
        println!(
            "largest entity: {} in {} documents; largest event: {} documents",
            e.name,
            e.documents.len(),
            b.1
        );
    }
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
        "马其顿 全民公投",
        "地震",
        "shooting suspect arrested",
        "Greece",
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
                "/?offset=20000".into(),
                "/?lang=ru".into(),
                "/?lang=zh-Hans&offset=100".into(),
                "/?from=2019-01-01&to=2019-06-30".into(),
            ]
            .into_iter()
            .chain(
                entity_ids
                    .iter()
                    .take(10)
                    .map(|e| format!("/?entity={}", enc(e))),
            )
            .collect(),
        ),
        (
            "event page",
            events
                .iter()
                .map(|e| format!("/events/{}", enc(e)))
                .collect(),
        ),
        (
            "entity page",
            entity_ids
                .iter()
                .map(|e| format!("/entities/{}", enc(e)))
                .collect(),
        ),
        (
            "document page",
            docs.iter()
                .map(|d| format!("/documents/{}", enc(d)))
                .collect(),
        ),
        (
            "api events",
            vec![
                "/api/events?limit=50".into(),
                "/api/events?lang=zh-Hans&limit=50&offset=100".into(),
            ],
        ),
        ("entity list", vec!["/entities".into()]),
    ];
    println!(
        "{} documents, {} requests per kind, {} concurrent client(s), semantic search {}",
        store.document_count().unwrap_or(0),
        a.requests,
        a.concurrency,
        a.semantic
    );
    println!(
        "{:<14} {:>9} {:>9} {:>9} {:>9}   {:>9} {:>9}  errors",
        "kind", "srv p50", "srv p95", "srv p99", "srv max", "cli p50", "cli p95"
    );
    for (kind, paths) in kinds {
        if paths.is_empty() {
            continue;
        }
        // One untimed pass so every path has been seen once (snapshots, caches).
        for p in &paths {
            let _ = get(addr, p);
        }
        let paths = Arc::new(paths);
        let per = a.requests.div_ceil(a.concurrency.max(1));
        let handles: Vec<_> = (0..a.concurrency.max(1))
            .map(|w| {
                let paths = paths.clone();
                std::thread::spawn(move || {
                    let mut client = Vec::new();
                    let mut server = Vec::new();
                    let mut errors = 0;
                    for i in 0..per {
                        let p = &paths[(w * 31 + i) % paths.len()];
                        let (status, c, s) = get(addr, p);
                        client.push(c);
                        server.extend(s);
                        if status != 200 {
                            errors += 1;
                        }
                    }
                    (client, server, errors)
                })
            })
            .collect();
        let (mut client, mut server, mut errors) = (Vec::new(), Vec::new(), 0);
        for h in handles {
            if let Ok((c, s, e)) = h.join() {
                client.extend(c);
                server.extend(s);
                errors += e;
            }
        }
        client.sort_by(f64::total_cmp);
        server.sort_by(f64::total_cmp);
        println!(
            "{:<14} {:>9.1} {:>9.1} {:>9.1} {:>9.1}   {:>9.1} {:>9.1}  {}",
            kind,
            percentile(&server, 0.5),
            percentile(&server, 0.95),
            percentile(&server, 0.99),
            server.last().copied().unwrap_or(0.0),
            percentile(&client, 0.5),
            percentile(&client, 0.95),
            errors
        );
    }
    // What the approximate vector ranking (sign codes above search::APPROX_ROWS documents)
    // changes: the same searches with the exact int8 scan, top 10 compared.
    if a.semantic && store.document_count().unwrap_or(0) > search::APPROX_ROWS {
        let mut same = 0;
        let mut total = 0;
        let (mut t_approx, mut t_exact) = (0.0, 0.0);
        for q in queries {
            let top = |exact: bool, t: &mut f64| -> Vec<String> {
                searcher.set_exact_scan(exact);
                let started = Instant::now();
                let hits = searcher
                    .search(&store, q, 10)
                    .map(|r| r.hits)
                    .unwrap_or_default();
                *t += started.elapsed().as_secs_f64() * 1000.0;
                hits.into_iter().map(|h| h.document).collect()
            };
            let exact = top(true, &mut t_exact);
            let approx = top(false, &mut t_approx);
            same += exact.iter().filter(|d| approx.contains(d)).count();
            total += exact.len();
        }
        searcher.set_exact_scan(false);
        println!(
            "approximate vs exact vector ranking, {} queries: {same} of {total} top-10 hits the same ({:.3}); mean search {:.1} ms approximate, {:.1} ms exact",
            queries.len(),
            same as f64 / total.max(1) as f64,
            t_approx / queries.len() as f64,
            t_exact / queries.len() as f64,
        );
    }
}
