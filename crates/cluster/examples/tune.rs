//! Tuning aid: run the online clusterer in memory over eval sets with given parameters and
//! print pairwise and BCubed scores. Features and embeddings are computed once per set and
//! cached (`$TMPDIR/storyline-tune-SET.json`), so a run takes seconds.
//!
//! `tune DIR... -- key=value...` (keys: the fields of `cluster::Params`; `join` may be a
//! comma-separated list to scan). `SHUFFLES=N` also runs N seeded shuffles of each set and
//! prints the spread of pairwise and BCubed F1 (with the file's order among them); `BATCH=N`
//! (default 64, as the CLI) sets how many documents are put in `cluster::commit_order` at a
//! time — `BATCH=1` keeps the arrival order, which measures how much the decisions themselves
//! depend on it; `TUNE_SHOW=1` prints the errors (`TUNE_SHOW_SHUFFLES=1` those of each shuffle
//! too); `TUNE_PAIRS=1` counts the wrong pair decisions by language pair (merged: apart in the
//! gold; split: together in the gold); `TUNE_WHY=1` every decision's reason; `TUNE_PRIOR=DIR`
//! puts the documents of set DIR (unscored) in the store before each set's, to measure a set
//! inside a larger store, where names are rarer (the guards of a new signal should hold there
//! too, not only in a fresh store of a few dozen events).
//!
//! A set with `pairs.json` and no `labels.json` (semeval22-dev) is scored by pairs on its tuning
//! and checking halves (`tune/pairs.rs`), next to the cosine baseline; `TUNE_PAIRS=1` prints
//! them per language pair and `TUNE_DUMP=FILE` writes every pair's signals. How the defaults of
//! `cluster::Params` were fitted: a grid over them, chosen by F1 on the tuning half of
//! semeval22-dev among the settings that keep ecbplus-dev, newswcl50 and ntrex16-dev where they
//! were; the checking half is reported, never chosen on.

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
        embed::Encoder::from_cache(&assets::Cache::configured()).expect("encoder")
    });
    let mut out = Vec::new();
    // A set is `docs.jsonl` or, failing that, a `docs` folder of pages.
    let input = match dir.join("docs.jsonl") {
        p if p.exists() => p,
        _ => dir.join("docs"),
    };
    for raw in ingest::read_paths(&[input], ingest::Options::default()).filter_map(Result::ok) {
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

/// One scored pair of a pairs set: `overall` 1 (same story) .. 4 (unrelated).
#[derive(Deserialize, Clone)]
struct Pair {
    a: String,
    b: String,
    overall: f32,
    langs: String,
}

fn read_pairs(path: &Path) -> Vec<Pair> {
    serde_json::from_str(&std::fs::read_to_string(path).expect("pairs.json")).expect("pairs")
}

#[path = "tune/pairs.rs"]
mod pairs;

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
        "min_sim" => p.min_sim = v,
        "lexical_from" => p.lexical_from = v,
        "thin_terms" => p.thin_terms = v,
        "thin_bonus" => p.thin_bonus = v,
        "cross_names" => p.cross_names = v,
        "linkage" => p.linkage = v,
        "no_date" => p.no_date = v,
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
    if let Some(dir) = std::env::var_os("TUNE_PRIOR") {
        let _ = PRIOR.set(load(Path::new(&dir), &mut encoder));
    }
    // Sets scored by pairs (`pairs.json`, SemEval-2022 Task 8) rather than by labels.
    let pair_sets: Vec<(String, Vec<Doc>, Vec<Pair>)> = dirs
        .iter()
        .filter(|d| !d.join("labels.json").exists() && d.join("pairs.json").exists())
        .map(|d| {
            (
                d.file_name().unwrap().to_string_lossy().to_string(),
                load(d, &mut encoder),
                read_pairs(&d.join("pairs.json")),
            )
        })
        .collect();
    for (name, docs, pairs) in &pair_sets {
        println!("{}", pairs::baseline(name, docs, pairs));
        if let Ok(path) = std::env::var("TUNE_DUMP") {
            pairs::dump(Path::new(&path), docs, pairs);
        }
    }
    let sets: Vec<(String, Vec<Doc>, HashMap<String, String>)> = dirs
        .iter()
        .filter(|d| d.join("labels.json").exists())
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
    let shuffles: usize = std::env::var("SHUFFLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    for j in joins {
        let mut p = params;
        p.join = j;
        let mut line = format!("join {j:.2}");
        for (name, docs, pairs) in &pair_sets {
            let pred = run(p, docs.iter());
            line.push_str(&format!("  | {}", pairs::scores(name, docs, pairs, &pred)));
            if std::env::var_os("TUNE_PAIRS").is_some() {
                println!("{}", pairs::by_lang(name, pairs, &pred));
            }
        }
        for (name, docs, labels) in &sets {
            let pred = run(p, docs.iter());
            if std::env::var_os("TUNE_SHOW").is_some() {
                show(name, docs, &pred, labels);
            }
            if std::env::var_os("TUNE_PAIRS").is_some() {
                pair_errors(name, docs, &pred, labels);
            }
            let pw = cluster::metrics::pairwise(&pred, labels);
            let b3 = cluster::metrics::bcubed(&pred, labels);
            line.push_str(&format!(
                "  | {name} pw {:.3} (P {:.2} R {:.2}) b3 {:.3}",
                pw.f1, pw.precision, pw.recall, b3.f1
            ));
            if shuffles > 0 {
                // Seeded shuffles (a small LCG): spread of pairwise F1 and the worst share of
                // pair decisions that differ from the file order's.
                let mut x: u64 = 0x5EED;
                let (mut lo, mut hi, mut worst) = (pw.f1, pw.f1, 0.0f64);
                let (mut blo, mut bhi) = (b3.f1, b3.f1);
                for _ in 0..shuffles {
                    let mut order: Vec<&Doc> = docs.iter().collect();
                    for i in (1..order.len()).rev() {
                        x = x
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        order.swap(i, (x >> 33) as usize % (i + 1));
                    }
                    if std::env::var_os("TUNE_WHY").is_some() {
                        println!("-- shuffle");
                    }
                    let got = run(p, order.into_iter());
                    if std::env::var_os("TUNE_SHOW_SHUFFLES").is_some() {
                        println!("-- {name} shuffle");
                        show(name, docs, &got, labels);
                    }
                    let f1 = cluster::metrics::pairwise(&got, labels).f1;
                    lo = lo.min(f1);
                    hi = hi.max(f1);
                    let b = cluster::metrics::bcubed(&got, labels).f1;
                    blo = blo.min(b);
                    bhi = bhi.max(b);
                    worst = worst.max(disagreement(&pred, &got));
                }
                line.push_str(&format!(
                    " shuffled pw {lo:.3}..{hi:.3} b3 {blo:.3}..{bhi:.3} worst {:.2}% pairs differ",
                    worst * 100.0
                ));
            }
        }
        println!("{line}");
    }
}

/// The documents of `TUNE_PRIOR`, put in the store before each set's.
static PRIOR: std::sync::OnceLock<Vec<Doc>> = std::sync::OnceLock::new();

fn run<'a>(p: cluster::Params, docs: impl Iterator<Item = &'a Doc>) -> HashMap<String, String> {
    let mut c = cluster::Clusterer::new(p);
    let mut pred = HashMap::new();
    // As the pipeline does: batches of BATCH documents, each in `cluster::commit_order`.
    let docs: Vec<&Doc> = PRIOR.get().into_iter().flatten().chain(docs).collect();
    let batch: usize = std::env::var("BATCH")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(64);
    let mut ordered = Vec::new();
    for chunk in docs.chunks(batch.max(1)) {
        let keyed: Vec<(&str, &cluster::Features)> =
            chunk.iter().map(|d| (d.id.as_str(), &d.features)).collect();
        ordered.extend(cluster::commit_order(&keyed).into_iter().map(|i| chunk[i]));
    }
    for d in ordered {
        let a = model::Article {
            id: d.id.clone(),
            title: d.title.clone(),
            ..model::Article::default()
        };
        let mut f = d.features.clone();
        f.vector = d.vector.clone();
        let asg = c.assign(&a, &f, None);
        if std::env::var_os("TUNE_WHY").is_some() {
            println!("{} -> {}", d.id, asg.why);
        }
        pred.insert(d.id.clone(), asg.event.id);
    }
    pred
}

/// Share of document pairs together in one clustering and apart in the other.
fn disagreement(a: &HashMap<String, String>, b: &HashMap<String, String>) -> f64 {
    let ids: Vec<&String> = a.keys().collect();
    let (mut differ, mut pairs) = (0u64, 0u64);
    for i in 0..ids.len() {
        for j in i + 1..ids.len() {
            pairs += 1;
            let ta = a[ids[i]] == a[ids[j]];
            let tb = b.get(ids[i]) == b.get(ids[j]);
            differ += u64::from(ta != tb);
        }
    }
    differ as f64 / pairs.max(1) as f64
}

/// Print the errors: predicted events mixing gold clusters, gold clusters split over events.
fn show(
    name: &str,
    docs: &[Doc],
    pred: &HashMap<String, String>,
    labels: &HashMap<String, String>,
) {
    use std::collections::{BTreeMap, BTreeSet};
    let title: HashMap<&String, String> = docs
        .iter()
        .map(|d| {
            let t: String = d
                .title
                .clone()
                .unwrap_or_default()
                .chars()
                .take(50)
                .collect();
            (&d.id, t)
        })
        .collect();
    let mut by: BTreeMap<&String, Vec<&String>> = BTreeMap::new();
    for (d, e) in pred {
        by.entry(e).or_default().push(d);
    }
    for (e, ds) in &by {
        let golds: BTreeSet<Option<&String>> = ds.iter().map(|d| labels.get(*d)).collect();
        if golds.len() > 1 {
            println!("{name} MIXED {e}:");
            for d in ds {
                println!("    {d} gold {:?} {}", labels.get(*d), title[d]);
            }
        }
    }
    let mut gold: BTreeMap<&String, Vec<&String>> = BTreeMap::new();
    for (d, g) in labels {
        gold.entry(g).or_default().push(d);
    }
    for (g, ds) in &gold {
        let evs: BTreeSet<Option<&String>> = ds.iter().map(|d| pred.get(*d)).collect();
        if evs.len() > 1 {
            println!("{name} SPLIT gold {g}:");
            for d in ds {
                println!(
                    "    {d} -> {:?} {}",
                    pred.get(*d),
                    title.get(d).cloned().unwrap_or_default()
                );
            }
        }
    }
}

/// Wrong pair decisions by language pair: `merged` (one event, two gold clusters) and `split`
/// (one gold cluster, two events), next to the gold pairs of that language pair.
fn pair_errors(
    name: &str,
    docs: &[Doc],
    pred: &HashMap<String, String>,
    labels: &HashMap<String, String>,
) {
    use std::collections::BTreeMap;
    let mut by: BTreeMap<(String, String), [u32; 3]> = BTreeMap::new();
    for (i, a) in docs.iter().enumerate() {
        for b in &docs[i + 1..] {
            let (Some(ga), Some(gb)) = (labels.get(&a.id), labels.get(&b.id)) else {
                continue;
            };
            let gold = ga == gb;
            let got = pred.get(&a.id) == pred.get(&b.id);
            let mut key = (a.features.lang.clone(), b.features.lang.clone());
            if key.0 > key.1 {
                key = (key.1, key.0);
            }
            let slot = by.entry(key).or_default();
            slot[0] += u32::from(got && !gold);
            slot[1] += u32::from(gold && !got);
            slot[2] += u32::from(gold);
        }
    }
    for ((la, lb), [merged, split, gold]) in by {
        if merged + split > 0 {
            println!("{name} pairs {la}-{lb}: {merged} merged, {split} split of {gold} gold pairs");
        }
    }
}
