//! Score enrichment: the sample articles against `examples/seeds.gold.json` (entities with
//! merged aliases, quotes with speaker and outlet, facts with value and unit), and, when an
//! eval folder is given, quote detection and speaker attribution on PolNeAR (brat).
//!
//! ```sh
//! cargo run --release -p enrich --example enrich_eval -- ../shared/eval [--verbose]
//! ```

use std::path::{Path, PathBuf};
use std::time::Instant;

#[path = "../tests/score/mod.rs"]
mod score;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "--verbose" || a == "-v");
    let eval_dir = args.iter().find(|a| !a.starts_with('-')).map(PathBuf::from);
    let started = Instant::now();
    let res = enrich::Resources::load();
    // The NER models are read on first use: read them now, so the timings leave them out.
    let _ = (res.ner.ru(), res.ner.zh());
    for d in res.diagnostics.iter().chain(&res.ner.errors()) {
        eprintln!("note: {d}");
    }
    eprintln!(
        "resources: {} gazetteer entries in {:.2}s",
        res.gazetteer.len(),
        started.elapsed().as_secs_f64()
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let report = score::seeds(&root, &res);
    report.print(verbose);
    if let Some(dir) = &eval_dir {
        for set in ["newswcl50", "ntrex-dev"] {
            let path = dir.join(format!("clustering/{set}/docs.jsonl"));
            if let Some(t) = timing(&path, &res) {
                println!(
                    "== cost on {set} ({} documents): extract + text layer {:.1} ms/doc, enrichment {:.1} ms/doc ({:.0}% of extract + text layer)",
                    t.0,
                    t.1 * 1000.0 / t.0 as f64,
                    t.2 * 1000.0 / t.0 as f64,
                    100.0 * t.2 / t.1.max(1e-9)
                );
            }
        }
    }
    if let Some(dir) = eval_dir {
        let polnear = dir.join("quotes/polnear/dev");
        if polnear.is_dir() {
            let r = score::polnear(&polnear, &res, verbose);
            r.print();
        } else {
            eprintln!("{}: not found, PolNeAR skipped", polnear.display());
        }
    }
}

/// Documents, seconds spent in extract + text layer, and seconds in enrichment, on an ingest
/// JSONL file.
fn timing(path: &Path, res: &enrich::Resources) -> Option<(usize, f64, f64)> {
    let text = std::fs::read_to_string(path).ok()?;
    let (mut n, mut base, mut enrich_s) = (0, 0.0, 0.0);
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let Some(body) = v["text"].as_str() else {
            continue;
        };
        let raw = model::RawDocument {
            id: v["id"].as_str().unwrap_or("doc").to_string(),
            source: path.display().to_string(),
            content: model::Content::Text(body.to_string()),
            meta: model::RawMeta::default(),
            encoding: "UTF-8".into(),
        };
        let t = Instant::now();
        let mut a = extract::extract(&raw);
        a.segments = lang::segment(&a.paragraphs);
        base += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let e = enrich::analyse(&a, res);
        std::hint::black_box(&e);
        enrich_s += t.elapsed().as_secs_f64();
        n += 1;
    }
    Some((n, base, enrich_s))
}
