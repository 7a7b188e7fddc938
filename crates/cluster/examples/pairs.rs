//! Tuning aid: for an eval set (`docs.jsonl` + `labels.json`), the signals of every pair of
//! documents next to whether the gold puts them together: `pairs DIR > pairs.tsv`.
//! Columns: same, embedding cosine, lexical overlap, day gap (or -), same place (1/0/-),
//! languages.

use std::collections::{BTreeMap, HashMap};

fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| {
        eprintln!("usage: pairs DIR");
        std::process::exit(2)
    }));
    let labels: HashMap<String, String> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("labels.json")).unwrap()).unwrap();
    let encoder = embed::Encoder::from_cache(&assets::Cache::configured()).unwrap();
    let docs: Vec<model::RawDocument> =
        ingest::read_paths(&[dir.join("docs.jsonl")], ingest::Options::default())
            .filter_map(Result::ok)
            .collect();
    let mut feats = Vec::new();
    for raw in &docs {
        let mut a = extract::extract(raw);
        a.segments = lang::segment(&a.paragraphs);
        let texts = cluster::embedding_texts(&a);
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let v = cluster::mean_vector(&encoder.embed_batch(&refs));
        let long: String = a.text().chars().take(2000).collect();
        let long = lang::to_simplified(&long);
        let lv = encoder.embed(&long);
        let f = cluster::Features::of(&a, v);
        eprintln!(
            "{}\t{:?}\t{:?}\t{:?}",
            raw.id,
            f.day.map(cluster::dates::iso),
            f.day_source,
            f.place
        );
        feats.push((raw.id.clone(), f, lv));
    }
    let terms = |f: &cluster::Features| {
        let mut t: BTreeMap<String, u32> = f.names.clone();
        for (n, c) in &f.numbers {
            t.insert(format!("#{n}"), *c);
        }
        t
    };
    let mut df: HashMap<String, u32> = HashMap::new();
    for (_, f, _) in &feats {
        for t in terms(f).keys() {
            *df.entry(t.clone()).or_insert(0) += 1;
        }
    }
    let n = feats.len() as f32;
    let idf = |t: &str| ((n + 1.0) / (df.get(t).copied().unwrap_or(0) as f32 + 1.0)).ln() + 1.0;
    for i in 0..feats.len() {
        for j in i + 1..feats.len() {
            let (ia, a, la) = &feats[i];
            let (ib, b, lb) = &feats[j];
            let lsim: f32 = la.iter().zip(lb).map(|(x, y)| x * y).sum();
            let nj = {
                let x: std::collections::BTreeSet<&String> = a.numbers.keys().collect();
                let y: std::collections::BTreeSet<&String> = b.numbers.keys().collect();
                if x.is_empty() || y.is_empty() {
                    -1.0
                } else {
                    x.intersection(&y).count() as f32 / x.union(&y).count() as f32
                }
            };
            let same = labels.get(ia) == labels.get(ib);
            let sim: f32 = a.vector.iter().zip(&b.vector).map(|(x, y)| x * y).sum();
            let (ta, tb) = (terms(a), terms(b));
            let w = |t: &str, c: u32| (1.0 + (c as f32).ln()) * idf(t);
            let na: f32 = ta.iter().map(|(t, c)| w(t, *c).powi(2)).sum::<f32>().sqrt();
            let nb: f32 = tb.iter().map(|(t, c)| w(t, *c).powi(2)).sum::<f32>().sqrt();
            let dotp: f32 = ta
                .iter()
                .filter_map(|(t, c)| tb.get(t).map(|d| w(t, *c) * w(t, *d)))
                .sum();
            let lex = if na > 0.0 && nb > 0.0 {
                dotp / (na * nb)
            } else {
                0.0
            };
            let gap = match (a.day, b.day) {
                (Some(x), Some(y)) => (x - y).abs().to_string(),
                _ => "-".into(),
            };
            let place = match (&a.place, &b.place) {
                (Some(x), Some(y)) => u8::from(x == y).to_string(),
                _ => "-".into(),
            };
            println!(
                "{}\t{sim:.3}\t{lex:.3}\t{gap}\t{place}\t{}-{}\t{lsim:.3}\t{nj:.3}",
                u8::from(same),
                a.lang,
                b.lang
            );
        }
    }
}
