//! Cross-lingual search evaluation: does a Chinese query find the English and Russian coverage
//! of the same event in the top 10?
//!
//! ```sh
//! cargo run --release -p search --example eval -- [DIR_WITH_docs.jsonl_AND_labels.json]
//! ```
//!
//! Default set: `../shared/eval/clustering/ntrex-dev` (the same article in en, zh-Hans, zh-Hant
//! and ru). Each Chinese document's title is the query; a hit counts when the English (or
//! Russian) document with the same label is among the first 10. Documents are stored with
//! vectors of their 600-character leads (as the pipeline will store them), and the query runs
//! three ways: full text with CEDICT translations only, and with the encoder's vectors fused in.
//! The sample corpus runs too: 金砖 must find the English BRICS report.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use store::{Commit, DocumentRecord, SqliteStore, Store};

fn lead(text: &str) -> String {
    lang::to_simplified(&text.chars().take(600).collect::<String>())
}

fn build(dir: &Path, inputs: &[PathBuf], encoder: &embed::Encoder) -> HashMap<String, String> {
    let mut store = SqliteStore::open(dir).expect("open store");
    let mut langs = HashMap::new();
    for raw in ingest::read_paths(inputs, ingest::Options::default()) {
        let Ok(raw) = raw else { continue };
        let mut article = extract::extract(&raw);
        if article.paragraphs.is_empty() {
            continue;
        }
        article.segments = lang::segment(&article.paragraphs);
        let vector = encoder.embed(&lead(&article.text()));
        langs.insert(
            article.id.clone(),
            article.languages().first().cloned().unwrap_or_default(),
        );
        let record = DocumentRecord {
            hash: raw.content_hash(),
            event: None,
            duplicate_of: None,
            translation_of: None,
            vector: Some(vector),
            why: None,
            article,
        };
        store
            .commit(&Commit::document_only(record))
            .expect("commit");
    }
    langs
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let set = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/eval/clustering/ntrex-dev"));
    let encoder =
        Arc::new(embed::Encoder::from_cache(&assets::Cache::from_env()).expect("load the encoder"));
    let cedict = lang::Cedict::load().expect("load CC-CEDICT");
    let with_vectors = search::Searcher::new(Some(&cedict), Some(encoder.clone()));
    let text_only = search::Searcher::new(Some(&cedict), None);

    // The sample corpus.
    let tmp = tempfile::tempdir().expect("tempdir");
    build(tmp.path(), &[root.join("examples/seeds")], &encoder);
    let store = SqliteStore::open(tmp.path()).expect("open");
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
                .is_some_and(|d| d.article.text().contains("BRICS"))
        });
        println!(
            "seeds [{name}]: 金砖 → {} hits, English BRICS report at rank {}",
            r.hits.len(),
            english_brics.map_or("-".into(), |i| (i + 1).to_string())
        );
    }

    // The labelled set.
    let labels: HashMap<String, String> = serde_json::from_str(
        &std::fs::read_to_string(set.join("labels.json")).expect("read labels.json"),
    )
    .expect("parse labels.json");
    let tmp = tempfile::tempdir().expect("tempdir");
    let langs = build(tmp.path(), &[set.join("docs.jsonl")], &encoder);
    let store = SqliteStore::open(tmp.path()).expect("open");
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
            let r = s.search(&store, title, 10).expect("search");
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
}
