//! Score an export against gold labels: `score EXPORT.jsonl LABELS.json [NAME]`.
//!
//! `EXPORT.jsonl` is `storyline export` output (its `document` records give each document's
//! event); `LABELS.json` maps document id → gold cluster. Prints pairwise precision, recall
//! and F1 and BCubed F1 on one line.
//!
//! `score --articles EXPORT.jsonl LABELS.json [NAME]` scores the same-article groups instead
//! of the events: documents joined by `duplicate_of` and `translation_of` (one article, its
//! copies and its translations). That is the level of a set whose gold groups are one article
//! each in several languages (ntrex-dev), where two outlets' articles on one event are
//! different groups but rightly one event.

use std::collections::HashMap;

fn main() {
    let mut args: Vec<String> = std::env::args().collect();
    let articles = args.get(1).is_some_and(|a| a == "--articles");
    if articles {
        args.remove(1);
    }
    if args.len() < 3 {
        eprintln!("usage: score [--articles] EXPORT.jsonl LABELS.json [NAME]");
        std::process::exit(2);
    }
    let read = |p: &str| {
        std::fs::read_to_string(p).unwrap_or_else(|e| {
            eprintln!("score: cannot read {p}: {e}");
            std::process::exit(2)
        })
    };
    let mut pred: HashMap<String, String> = HashMap::new();
    // Same-article links (document → the document it copies or translates).
    let mut original: HashMap<String, String> = HashMap::new();
    for line in read(&args[1]).lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if v["type"] == "document" {
            if let (Some(id), Some(ev)) = (v["id"].as_str(), v["event"].as_str()) {
                pred.insert(id.to_string(), ev.to_string());
                let link = v["duplicate_of"].as_str().or(v["translation_of"].as_str());
                if let Some(other) = link {
                    original.insert(id.to_string(), other.to_string());
                }
            }
        }
    }
    if articles {
        // Each document's group is the end of its chain of links.
        let root = |id: &String| {
            let mut at = id;
            for _ in 0..original.len() + 1 {
                match original.get(at) {
                    Some(next) if next != at => at = next,
                    _ => break,
                }
            }
            at.clone()
        };
        pred = pred.keys().map(|id| (id.clone(), root(id))).collect();
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
        "{name:<14} docs {:>4} {} {:>4} (gold {:>4})  pairwise P {:.3} R {:.3} F1 {:.3}  BCubed P {:.3} R {:.3} F1 {:.3}{}",
        pred.len(),
        if articles { "articles" } else { "events" },
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
