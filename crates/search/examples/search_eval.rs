//! Cross-lingual search evaluation: does a Chinese query find the English and Russian coverage
//! of the same event in the top 10?
//!
//! ```sh
//! cargo run --release -p search --example search_eval -- [DIR_WITH_docs.jsonl_AND_labels.json]
//! ```
//!
//! Default set: `../shared/eval/clustering/ntrex-dev` (the same article in en, zh-Hans, zh-Hant
//! and ru). Each Chinese document's title is the query; a hit counts when the English (or
//! Russian) document with the same label is among the first 10. Documents go through the
//! real pipeline (the vectors `storyline ingest` stores), and the query runs two ways: full
//! text with CEDICT and entity-name translations only, and with the encoder's vectors fused in.
//! The sample corpus runs too, through the real pipeline: 金砖 must find the English BRICS
//! report, and each document's first Chinese sentence should rank the English documents of its
//! gold event (examples/seeds.gold.json) before those of other events.
//!
//! With `STORYLINE_TEST_PG` set (`scripts/with-postgres.sh` sets it), the labelled set and the
//! sample are built a second time on PostgreSQL, and every document's title (in every language)
//! is asked of both backends: the share of queries whose top 10 are the same documents on both,
//! text only and with vectors, and 金砖 on PostgreSQL.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use store::{PgStore, SqliteStore, Store};

/// Ingest `inputs` through the real pipeline (the vectors and events `storyline ingest` stores);
/// each document's first language, by id.
fn build(
    store: &mut dyn Store,
    inputs: &[PathBuf],
    encoder: &embed::Encoder,
) -> HashMap<String, String> {
    {
        let mut pipe = pipeline::Pipeline::with_encoder(store, Some(encoder)).expect("pipeline");
        let raws: Vec<_> = ingest::read_paths(inputs, ingest::Options::default())
            .filter_map(Result::ok)
            .collect();
        for chunk in raws.chunks(32) {
            for r in pipe.ingest_batch(chunk.to_vec()) {
                if let Err(e) = r {
                    eprintln!("ingest: {e}");
                }
            }
        }
    }
    let mut langs = HashMap::new();
    store
        .for_each_document(&mut |d| {
            langs.insert(
                d.article.id.clone(),
                d.article.languages().first().cloned().unwrap_or_default(),
            );
            Ok(())
        })
        .expect("read");
    langs
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--xling") {
        let [db, labels, langs] = &args[1..] else {
            eprintln!("usage: search_eval --xling STORE LABELS.json LANGS.json");
            std::process::exit(2);
        };
        cross_lingual(db, Path::new(labels), Path::new(langs));
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let set = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/eval/clustering/ntrex-dev"));
    let encoder = Arc::new(
        embed::Encoder::from_cache(&assets::Cache::configured()).expect("load the encoder"),
    );
    let cedict = lang::Cedict::load().expect("load CC-CEDICT");
    let with_vectors = search::Searcher::new(Some(&cedict), Some(encoder.clone()));
    let text_only = search::Searcher::new(Some(&cedict), None);

    // The sample corpus, through the real pipeline (the vectors and events `storyline ingest`
    // stores). Gold events from examples/seeds.gold.json. Each document with Chinese text asks
    // with its first Chinese sentence; the other documents of its gold event with English (or
    // Russian) text should come before any document of another event.
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut store = SqliteStore::open(tmp.path()).expect("open");
    {
        let mut pipe =
            pipeline::Pipeline::with_encoder(&mut store, Some(&encoder)).expect("pipeline");
        for raw in ingest::read_paths(&[root.join("examples/seeds")], ingest::Options::default()) {
            pipe.ingest(raw.expect("read seeds")).expect("ingest seeds");
        }
    }
    let gold: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("examples/seeds.gold.json")).expect("read gold"),
    )
    .expect("parse gold");
    let gold_event = |id: &str| gold["documents"][id]["event"].as_str().map(str::to_string);
    let mut seeds: Vec<store::DocumentRecord> = Vec::new();
    store
        .for_each_document(&mut |d| {
            seeds.push(d);
            Ok(())
        })
        .expect("read");
    let has = |d: &store::DocumentRecord, lang: &str| {
        d.article.segments.iter().any(|s| s.lang.starts_with(lang))
    };
    for (name, s) in [
        ("text+cedict", &text_only),
        ("text+cedict+vectors", &with_vectors),
    ] {
        let r = s.search(&store, "金砖", 10).expect("search");
        let english_brics = r.hits.iter().position(|h| {
            store
                .document(&h.document)
                .ok()
                .flatten()
                .is_some_and(|d| has(&d, "en") && d.article.text().contains("BRICS"))
        });
        println!(
            "seeds [{name}]: 金砖 → {} hits, English BRICS report at rank {}",
            r.hits.len(),
            english_brics.map_or("-".into(), |i| (i + 1).to_string())
        );
        let (mut wanted, mut found, mut before_others) = (0, 0, 0);
        for d in &seeds {
            let Some(seg) = d.article.segments.iter().find(|s| s.lang.starts_with("zh")) else {
                continue;
            };
            let query: String = seg
                .text
                .split(['。', '\n'])
                .next()
                .unwrap_or("")
                .chars()
                .take(40)
                .collect();
            let Some(event) = gold_event(&d.article.id) else {
                continue;
            };
            let r = s.search(&store, &query, 10).unwrap_or_else(|e| {
                // A title read as query syntax may not parse (`Portland, OR`): no hits.
                eprintln!("{e}");
                search::Results::default()
            });
            let rank_of = |id: &str| r.hits.iter().position(|h| h.document == id);
            let first_other = r
                .hits
                .iter()
                .position(|h| gold_event(&h.document).is_some_and(|e| e != event));
            let targets: Vec<&store::DocumentRecord> = seeds
                .iter()
                .filter(|o| {
                    o.article.id != d.article.id
                        && gold_event(&o.article.id).as_deref() == Some(event.as_str())
                        && (has(o, "en") || has(o, "ru"))
                })
                .collect();
            let ranks: Vec<String> = targets
                .iter()
                .map(|o| rank_of(&o.article.id).map_or("-".into(), |i| (i + 1).to_string()))
                .collect();
            for o in &targets {
                wanted += 1;
                if let Some(i) = rank_of(&o.article.id) {
                    found += 1;
                    before_others += first_other.is_none_or(|f| i < f) as usize;
                }
            }
            println!(
                "seeds [{name}]: {query} ({event}) → same-event en/ru documents at ranks [{}], first other event at {}",
                ranks.join(", "),
                first_other.map_or("-".into(), |i| (i + 1).to_string())
            );
        }
        println!(
            "seeds [{name}]: same-event en/ru documents found in the top 10: {found}/{wanted}, ranked before every other event: {before_others}/{wanted} (the sample has no Russian document)"
        );
    }

    // The labelled set.
    let labels: HashMap<String, String> = serde_json::from_str(
        &std::fs::read_to_string(set.join("labels.json")).expect("read labels.json"),
    )
    .expect("parse labels.json");
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut store = SqliteStore::open(tmp.path()).expect("open");
    let langs = build(&mut store, &[set.join("docs.jsonl")], &encoder);
    let mut titles: Vec<(String, String)> = Vec::new();
    store
        .for_each_document(&mut |d| {
            if langs
                .get(&d.article.id)
                .is_some_and(|l| l.starts_with("zh"))
            {
                if let Some(t) = &d.article.title {
                    titles.push((d.article.id.clone(), t.clone()));
                }
            }
            Ok(())
        })
        .expect("read");
    for (name, s) in [
        ("text+cedict", &text_only),
        ("text+cedict+vectors", &with_vectors),
    ] {
        let (mut en, mut ru, mut both) = (0, 0, 0);
        let mut times = Vec::new();
        for (id, title) in &titles {
            let label = &labels[id];
            let t = std::time::Instant::now();
            let r = s.search(&store, title, 10).unwrap_or_else(|e| {
                // A title read as query syntax may not parse (`Portland, OR`): no hits.
                eprintln!("{e}");
                search::Results::default()
            });
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            let found = |want: &str| {
                r.hits.iter().any(|h| {
                    labels.get(&h.document) == Some(label)
                        && langs.get(&h.document).is_some_and(|l| l == want)
                })
            };
            let (e, u) = (found("en"), found("ru"));
            en += e as usize;
            ru += u as usize;
            both += (e && u) as usize;
        }
        times.sort_by(f64::total_cmp);
        let n = titles.len().max(1);
        println!(
            "{} [{name}]: {} Chinese title queries; English in top 10: {:.2}, Russian: {:.2}, both: {:.2}; median {:.1} ms",
            set.file_name().and_then(|s| s.to_str()).unwrap_or("set"),
            titles.len(),
            en as f64 / n as f64,
            ru as f64 / n as f64,
            both as f64 / n as f64,
            times.get(times.len() / 2).copied().unwrap_or(0.0),
        );
    }

    if let Some(url) = std::env::var("STORYLINE_TEST_PG")
        .ok()
        .filter(|u| !u.is_empty())
    {
        backends_agree(&url, &store, &set, &encoder, [&text_only, &with_vectors]);
    }
}

/// Build `set` on PostgreSQL too and ask both backends every document title (and 金砖 of the
/// sample): how often the top 10 are the same documents.
fn backends_agree(
    url: &str,
    sqlite: &SqliteStore,
    set: &Path,
    encoder: &embed::Encoder,
    searchers: [&search::Searcher; 2],
) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let fresh = |prefix: &str| store::suite::pg::fresh_database(url, prefix);
    let mut pg = PgStore::connect(&fresh("search_eval")).expect("PostgreSQL store");
    build(&mut pg, &[set.join("docs.jsonl")], encoder);
    let mut seeds_pg = PgStore::connect(&fresh("search_eval_seeds")).expect("PostgreSQL store");
    build(&mut seeds_pg, &[root.join("examples/seeds")], encoder);
    let mut titles: Vec<String> = Vec::new();
    sqlite
        .for_each_document(&mut |d| {
            titles.extend(d.article.title.clone());
            Ok(())
        })
        .expect("read");
    let top = |s: &search::Searcher, store: &dyn Store, q: &str| -> Vec<String> {
        s.search(store, q, 10)
            .map(|r| r.hits.into_iter().map(|h| h.document).collect())
            .unwrap_or_default()
    };
    for (name, s) in ["text+cedict", "text+cedict+vectors"].iter().zip(searchers) {
        let (mut same_set, mut same_order) = (0, 0);
        for q in &titles {
            let (a, b) = (top(s, sqlite, q), top(s, &pg, q));
            same_order += (a == b) as usize;
            let (mut a, mut b) = (a, b);
            a.sort();
            b.sort();
            same_set += (a == b) as usize;
        }
        let n = titles.len().max(1) as f64;
        println!(
            "backends [{name}]: {} title queries in every language; SQLite and PostgreSQL give the same top 10: {:.3} (same order: {:.3})",
            titles.len(),
            same_set as f64 / n,
            same_order as f64 / n
        );
        let brics = top(s, &seeds_pg, "金砖");
        let english = brics.iter().position(|id| {
            seeds_pg.document(id).ok().flatten().is_some_and(|d| {
                d.article.text().contains("BRICS")
                    && d.article.segments.iter().any(|g| g.lang.starts_with("en"))
            })
        });
        println!(
            "backends [{name}]: 金砖 on PostgreSQL → {} hits, English BRICS report at rank {}",
            brics.len(),
            english.map_or("-".into(), |i| (i + 1).to_string())
        );
    }
}

/// Which half of a labelled set an article falls in: FNV-1a of its label, so every version of
/// one article is in the same half. Half 0 is for tuning, half 1 for checking.
fn half(label: &str) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in label.bytes() {
        h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
    }
    (h & 1) as usize
}

/// The 16-language row of `scripts/eval-multilingual.sh`: in a store the CLI built from a
/// labelled set (`ntrex16-dev`), each document's title is the query, and a hit counts when the
/// English document with the same label is in the top 10. Per language, text only and with the
/// encoder's vectors, on both halves of the articles (see [`half`]) and on all.
fn cross_lingual(db: &str, labels: &Path, langs: &Path) {
    let read = |p: &Path| -> HashMap<String, String> {
        serde_json::from_str(
            &std::fs::read_to_string(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display())),
        )
        .unwrap_or_else(|e| panic!("parse {}: {e}", p.display()))
    };
    let (labels, langs) = (read(labels), read(langs));
    let store = store::open(db).unwrap_or_else(|e| panic!("open {db}: {e}"));
    let english: HashMap<&str, &str> = langs
        .iter()
        .filter(|(_, l)| l.as_str() == "en")
        .filter_map(|(id, _)| Some((labels.get(id)?.as_str(), id.as_str())))
        .collect();
    let mut queries: Vec<(String, String, String)> = Vec::new(); // (lang, title, wanted id)
    store
        .for_each_document(&mut |d| {
            let id = &d.article.id;
            if let (Some(lang), Some(label), Some(title)) =
                (langs.get(id), labels.get(id), &d.article.title)
            {
                if let Some(en) = english.get(label.as_str()) {
                    queries.push((lang.clone(), title.clone(), en.to_string()));
                }
            }
            Ok(())
        })
        .expect("read the store");
    queries.sort();
    let encoder = Arc::new(
        embed::Encoder::from_cache(&assets::Cache::configured()).expect("load the encoder"),
    );
    let cedict = lang::Cedict::load().expect("load CC-CEDICT");
    let with_vectors = search::Searcher::new(Some(&cedict), Some(encoder));
    let text_only = search::Searcher::new(Some(&cedict), None);
    let mut order: Vec<String> = queries.iter().map(|q| q.0.clone()).collect();
    order.dedup();
    for (name, s) in [("text", &text_only), ("text+vectors", &with_vectors)] {
        // lang → [found, asked] per half.
        let mut score: HashMap<&str, [[usize; 2]; 2]> = HashMap::new();
        for (lang, title, want) in &queries {
            let r = s.search(store.as_ref(), title, 10).unwrap_or_else(|e| {
                eprintln!("{e}");
                search::Results::default()
            });
            let hit = r.hits.iter().any(|h| &h.document == want);
            let slot = &mut score.entry(lang.as_str()).or_default()[half(&labels[want])];
            slot[0] += hit as usize;
            slot[1] += 1;
        }
        let rate = |[f, n]: [usize; 2]| f as f64 / n.max(1) as f64;
        println!("cross-lingual search [{name}]: a title finds the English version in the top 10 (tuning half / checking half / all)");
        let mut worst = [1.0f64; 3];
        for lang in &order {
            let [a, b] = score[lang.as_str()];
            let all = [a[0] + b[0], a[1] + b[1]];
            let r = [rate(a), rate(b), rate(all)];
            for k in 0..3 {
                worst[k] = worst[k].min(r[k]);
            }
            println!(
                "  {lang:8} {:.3} / {:.3} / {:.3}  (n={})",
                r[0], r[1], r[2], all[1]
            );
        }
        println!(
            "  {:8} {:.3} / {:.3} / {:.3}",
            "lowest", worst[0], worst[1], worst[2]
        );
    }
}
