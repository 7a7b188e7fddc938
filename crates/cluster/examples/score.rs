//! Score an export against gold labels: `score EXPORT.jsonl LABELS.json [NAME]`.
//!
//! `EXPORT.jsonl` is `storyline export` output (its `document` records give each document's
//! event); `LABELS.json` maps document id → gold cluster. Prints pairwise precision, recall
//! and F1 and BCubed F1 on one line.

use std::collections::HashMap;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: score EXPORT.jsonl LABELS.json [NAME]");
        std::process::exit(2);
    }
    let read = |p: &str| {
        std::fs::read_to_string(p).unwrap_or_else(|e| {
            eprintln!("score: cannot read {p}: {e}");
            std::process::exit(2)
        })
    };
    let mut pred: HashMap<String, String> = HashMap::new();
    for line in read(&args[1]).lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if v["type"] == "document" {
            if let (Some(id), Some(ev)) = (v["id"].as_str(), v["event"].as_str()) {
                pred.insert(id.to_string(), ev.to_string());
            }
        }
    }
    let gold: HashMap<String, String> = serde_json::from_str(&read(&args[2])).unwrap_or_else(|e| {
        eprintln!(
            "score: {} is not a JSON object of id → cluster: {e}",
            args[2]
        );
        std::process::exit(2)
    });
    let name = args.get(3).cloned().unwrap_or_default();
    let pw = cluster::metrics::pairwise(&pred, &gold);
    let b3 = cluster::metrics::bcubed(&pred, &gold);
    let clusters: std::collections::HashSet<&String> = pred.values().collect();
    let missing = gold.keys().filter(|k| !pred.contains_key(*k)).count();
    println!(
        "{name:<14} docs {:>4} events {:>4} (gold {:>4})  pairwise P {:.3} R {:.3} F1 {:.3}  BCubed P {:.3} R {:.3} F1 {:.3}{}",
        pred.len(),
        clusters.len(),
        gold.values().collect::<std::collections::HashSet<_>>().len(),
        pw.precision,
        pw.recall,
        pw.f1,
        b3.precision,
        b3.recall,
        b3.f1,
        if missing > 0 { format!("  ({missing} gold documents not in the export)") } else { String::new() }
    );
}
