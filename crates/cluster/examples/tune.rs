//! Tuning aid: run the online clusterer in memory over eval sets with given parameters and
//! print pairwise and BCubed scores. Features and embeddings are computed once per set and
//! cached (`$TMPDIR/storyline-tune-SET.json`), so a run takes seconds.
//!
//! `tune DIR... -- key=value...` (keys: the fields of `cluster::Params`; `join` may be a
//! comma-separated list to scan).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Doc {
    id: String,
    title: Option<String>,
    features: cluster::Features,
    vector: Vec<f32>,
}

fn load(dir: &Path, encoder: &mut Option<embed::Encoder>) -> Vec<Doc> {
    let name = dir.file_name().unwrap().to_string_lossy().to_string();
    let cache = std::env::temp_dir().join(format!("storyline-tune-{name}.json"));
    if let Ok(s) = std::fs::read_to_string(&cache) {
        if let Ok(d) = serde_json::from_str(&s) {
            return d;
        }
    }
    let enc = encoder.get_or_insert_with(|| {
        embed::Encoder::from_cache(&assets::Cache::from_env()).expect("encoder")
    });
    let mut out = Vec::new();
    for raw in ingest::read_paths(&[dir.join("docs.jsonl")], ingest::Options::default())
        .filter_map(Result::ok)
    {
        let mut a = extract::extract(&raw);
        if a.paragraphs.is_empty() {
            continue;
        }
        a.segments = lang::segment(&a.paragraphs);
        let texts = cluster::embedding_texts(&a);
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let v = cluster::mean_vector(&enc.embed_batch(&refs));
        let features = cluster::Features::of(&a, v.clone());
        out.push(Doc {
            id: a.id.clone(),
            title: a.title.clone(),
            features,
            vector: v,
        });
    }
    let _ = std::fs::write(&cache, serde_json::to_string(&out).unwrap_or_default());
    out
}

fn set(p: &mut cluster::Params, key: &str, v: f32) {
    match key {
        "join" => p.join = v,
        "lexical" => p.lexical = v,
        "cross_lingual" => p.cross_lingual = v,
        "figures" => p.figures = v,
        "centroid" => p.centroid = v,
        "same_day" => p.same_day = v,
        "date_slack" => p.date_slack = v as i32,
        "per_day" => p.per_day = v,
        "date_limit" => p.date_limit = v as i32,
        "same_place" => p.same_place = v,
        "other_place" => p.other_place = v,
        "other_dateline_place" => p.other_dateline_place = v,
        _ => eprintln!("unknown key {key}"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let split = args.iter().position(|a| a == "--").unwrap_or(args.len());
    let dirs: Vec<PathBuf> = args[..split].iter().map(PathBuf::from).collect();
    let mut params = cluster::Params::default();
    let mut joins = vec![params.join];
    for kv in args.iter().skip(split + 1) {
        let Some((k, v)) = kv.split_once('=') else {
            continue;
        };
        if k == "join" {
            joins = v.split(',').filter_map(|x| x.parse().ok()).collect();
        } else if let Ok(x) = v.parse() {
            set(&mut params, k, x);
        }
    }
    let mut encoder = None;
    let sets: Vec<(String, Vec<Doc>, HashMap<String, String>)> = dirs
        .iter()
        .map(|d| {
            let labels = serde_json::from_str(
                &std::fs::read_to_string(d.join("labels.json")).expect("labels.json"),
            )
            .expect("labels");
            (
                d.file_name().unwrap().to_string_lossy().to_string(),
                load(d, &mut encoder),
                labels,
            )
        })
        .collect();
    for j in joins {
        let mut p = params;
        p.join = j;
        let mut line = format!("join {j:.2}");
        for (name, docs, labels) in &sets {
            let mut c = cluster::Clusterer::new(p);
            let mut pred = HashMap::new();
            for d in docs {
                let a = model::Article {
                    id: d.id.clone(),
                    title: d.title.clone(),
                    ..model::Article::default()
                };
                let mut f = d.features.clone();
                f.vector = d.vector.clone();
                let asg = c.assign(&a, &f, None);
                pred.insert(d.id.clone(), asg.event.id);
            }
            if std::env::var_os("TUNE_SHOW").is_some() {
                let mut by: std::collections::BTreeMap<&String, Vec<&String>> = Default::default();
                for (d, e) in &pred {
                    by.entry(e).or_default().push(d);
                }
                for (e, ds) in by {
                    let golds: std::collections::BTreeSet<Option<&String>> =
                        ds.iter().map(|d| labels.get(*d)).collect();
                    if golds.len() > 1 {
                        println!("{name} {e}: {ds:?}");
                    }
                }
            }
            let pw = cluster::metrics::pairwise(&pred, labels);
            let b3 = cluster::metrics::bcubed(&pred, labels);
            line.push_str(&format!(
                "  | {name} pw {:.3} (P {:.2} R {:.2}) b3 {:.3}",
                pw.f1, pw.precision, pw.recall, b3.f1
            ));
        }
        println!("{line}");
    }
}
