//! Cross-lingual retrieval on NTREX: for each English article, is the nearest Simplified Chinese,
//! Traditional Chinese and Russian article its own translation?
//!
//! `cargo run --release -p embed --example ntrex_retrieval [EVAL_DIR]` reads
//! `EVAL_DIR/clustering/ntrex-dev/{docs.jsonl,labels.json}` (default: `../shared/eval` next to
//! the repository) and embeds each document's first 600 characters. Ids look like
//! `rt.com.91337:en` with `:zh-CN`, `:zh-TW` and `:ru` siblings; `labels.json` maps every id to
//! its article. Traditional Chinese is converted to Simplified (OpenCC t2s) before encoding, as
//! the engine does; the unconverted score is printed too. Prints top-1 accuracy per pair.

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use ferrous_opencc::{config::BuiltinConfig, OpenCC};

const LEAD_CHARS: usize = 600;

#[derive(serde::Deserialize)]
struct Doc {
    id: String,
    text: String,
}

fn main() -> Result<()> {
    let eval = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/eval"));
    let dir = eval.join("clustering/ntrex-dev");
    let docs_path = dir.join("docs.jsonl");
    let raw = std::fs::read_to_string(&docs_path).with_context(|| {
        format!(
            "cannot read {} (pass the eval directory as the first argument)",
            docs_path.display()
        )
    })?;
    let docs: Vec<Doc> = raw
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| {
            serde_json::from_str(l)
                .with_context(|| format!("{}: line {}", docs_path.display(), i + 1))
        })
        .collect::<Result<_>>()?;
    let labels_path = dir.join("labels.json");
    let labels: HashMap<String, String> = serde_json::from_str(
        &std::fs::read_to_string(&labels_path)
            .with_context(|| format!("cannot read {}", labels_path.display()))?,
    )
    .with_context(|| {
        format!(
            "{}: expected an object of id → label",
            labels_path.display()
        )
    })?;

    let t2s =
        OpenCC::from_config(BuiltinConfig::T2s).context("cannot build the OpenCC t2s converter")?;
    let enc = embed::Encoder::from_cache(&assets::Cache::configured())?;

    // (language, label, text to embed)
    let mut items: Vec<(String, String, String)> = Vec::new();
    for d in &docs {
        let Some((_, lang)) = d.id.rsplit_once(':') else {
            bail!(
                "{}: id {:?} has no :language suffix",
                docs_path.display(),
                d.id
            );
        };
        let label = labels
            .get(&d.id)
            .with_context(|| format!("{}: no label for {}", labels_path.display(), d.id))?;
        let lead: String = d.text.chars().take(LEAD_CHARS).collect();
        if lang == "zh-TW" {
            items.push(("zh-Hant as is".into(), label.clone(), lead.clone()));
            items.push((
                "zh-Hant after t2s".into(),
                label.clone(),
                t2s.convert(&lead),
            ));
        } else {
            let name = if lang == "zh-CN" { "zh-Hans" } else { lang };
            items.push((name.to_string(), label.clone(), lead));
        }
    }
    let texts: Vec<&str> = items.iter().map(|i| i.2.as_str()).collect();
    let vectors = enc.embed_batch(&texts);

    let dot = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>();
    let english: Vec<usize> = (0..items.len()).filter(|&i| items[i].0 == "en").collect();
    println!(
        "NTREX dev, {} English articles, {LEAD_CHARS}-character leads, top-1 retrieval:",
        english.len()
    );
    for target in ["zh-Hans", "zh-Hant as is", "zh-Hant after t2s", "ru"] {
        let pool: Vec<usize> = (0..items.len()).filter(|&i| items[i].0 == target).collect();
        let hits = english
            .iter()
            .filter(|&&e| {
                let best = pool.iter().max_by(|&&a, &&b| {
                    dot(&vectors[e], &vectors[a]).total_cmp(&dot(&vectors[e], &vectors[b]))
                });
                best.is_some_and(|&b| items[b].1 == items[e].1)
            })
            .count();
        println!(
            "  en → {target:<18} {:.3}  ({hits}/{} against {} candidates)",
            hits as f64 / english.len() as f64,
            english.len(),
            pool.len()
        );
    }
    Ok(())
}
