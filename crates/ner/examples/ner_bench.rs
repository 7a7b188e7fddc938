//! What NER costs: model load time, and per document the time to tag Russian and Chinese
//! texts of an ingest JSONL file (documents with `lang` `ru`, `zh-Hans` or `zh-Hant`; the
//! Traditional ones are tagged as they are, after no conversion, so this is an upper bound on
//! segmentation work). A benchmark that prints a report, not a test.
//!
//! ```sh
//! cargo run --release -p ner --example ner_bench -- ../shared/eval/clustering/ntrex-dev/docs.jsonl
//! ```

use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: bench DOCS.jsonl");
        std::process::exit(2);
    };
    let cache = assets::Cache::configured();
    let t = Instant::now();
    let ru = ner::RuNer::from_cache(&cache).unwrap_or_else(|e| panic!("{e}"));
    let ru_load = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let zh = ner::ZhNer::from_cache(&cache).unwrap_or_else(|e| panic!("{e}"));
    let zh_load = t.elapsed().as_secs_f64();
    println!("load: ru {ru_load:.2}s, zh {zh_load:.2}s");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let (mut ru_n, mut ru_s, mut ru_chars, mut ru_spans) = (0, 0.0, 0, 0);
    let (mut zh_n, mut zh_s, mut zh_chars, mut zh_spans) = (0, 0.0, 0, 0);
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let body = v["text"].as_str().unwrap_or_default();
        let lang = v["lang"].as_str().unwrap_or_default();
        let paras: Vec<&str> = body.split('\n').filter(|p| !p.trim().is_empty()).collect();
        let t = Instant::now();
        let spans: usize = if lang == "ru" {
            // A document's paragraphs in one batch, as enrichment tags them.
            ru.spans_many(&paras).iter().map(Vec::len).sum()
        } else if lang.starts_with("zh") {
            paras.iter().map(|p| zh.spans(p).len()).sum()
        } else {
            continue;
        };
        let s = t.elapsed().as_secs_f64();
        if lang == "ru" {
            (ru_n, ru_s, ru_chars, ru_spans) = (
                ru_n + 1,
                ru_s + s,
                ru_chars + body.chars().count(),
                ru_spans + spans,
            );
        } else {
            (zh_n, zh_s, zh_chars, zh_spans) = (
                zh_n + 1,
                zh_s + s,
                zh_chars + body.chars().count(),
                zh_spans + spans,
            );
        }
    }
    let per = |n: usize, s: f64| if n == 0 { 0.0 } else { s * 1000.0 / n as f64 };
    println!(
        "ru: {ru_n} documents, {:.0} chars/doc, {:.2} ms/doc, {:.1} spans/doc",
        ru_chars as f64 / ru_n.max(1) as f64,
        per(ru_n, ru_s),
        ru_spans as f64 / ru_n.max(1) as f64
    );
    println!(
        "zh: {zh_n} documents, {:.0} chars/doc, {:.2} ms/doc, {:.1} spans/doc",
        zh_chars as f64 / zh_n.max(1) as f64,
        per(zh_n, zh_s),
        zh_spans as f64 / zh_n.max(1) as f64
    );
}
