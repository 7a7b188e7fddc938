//! Scores of a clustering against gold labels: pairwise precision, recall and F1 (over all
//! pairs of items placed together), and BCubed precision, recall and F1 (per item, averaged).
//! Items missing from either side are left out.

use std::collections::HashMap;

/// Precision, recall and F1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

fn prf(p: f64, r: f64) -> Prf {
    let f1 = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    Prf {
        precision: p,
        recall: r,
        f1,
    }
}

fn common<'a>(
    pred: &'a HashMap<String, String>,
    gold: &'a HashMap<String, String>,
) -> Vec<(&'a str, &'a str, &'a str)> {
    let mut items: Vec<(&str, &str, &str)> = pred
        .iter()
        .filter_map(|(id, p)| gold.get(id).map(|g| (id.as_str(), p.as_str(), g.as_str())))
        .collect();
    items.sort();
    items
}

/// Pairwise scores: a pair is predicted positive when both items share a predicted cluster.
pub fn pairwise(pred: &HashMap<String, String>, gold: &HashMap<String, String>) -> Prf {
    let items = common(pred, gold);
    let mut both: HashMap<(&str, &str), u64> = HashMap::new();
    let mut by_pred: HashMap<&str, u64> = HashMap::new();
    let mut by_gold: HashMap<&str, u64> = HashMap::new();
    for (_, p, g) in &items {
        *both.entry((p, g)).or_insert(0) += 1;
        *by_pred.entry(p).or_insert(0) += 1;
        *by_gold.entry(g).or_insert(0) += 1;
    }
    let pairs = |n: u64| n * n.saturating_sub(1) / 2;
    let tp: u64 = both.values().map(|&n| pairs(n)).sum();
    let pp: u64 = by_pred.values().map(|&n| pairs(n)).sum();
    let gp: u64 = by_gold.values().map(|&n| pairs(n)).sum();
    let p = if pp > 0 { tp as f64 / pp as f64 } else { 1.0 };
    let r = if gp > 0 { tp as f64 / gp as f64 } else { 1.0 };
    prf(p, r)
}

/// BCubed scores: per item, the share of its predicted cluster that is in its gold cluster
/// (precision) and the share of its gold cluster that is in its predicted cluster (recall).
pub fn bcubed(pred: &HashMap<String, String>, gold: &HashMap<String, String>) -> Prf {
    let items = common(pred, gold);
    if items.is_empty() {
        return prf(0.0, 0.0);
    }
    let mut both: HashMap<(&str, &str), f64> = HashMap::new();
    let mut by_pred: HashMap<&str, f64> = HashMap::new();
    let mut by_gold: HashMap<&str, f64> = HashMap::new();
    for (_, p, g) in &items {
        *both.entry((p, g)).or_insert(0.0) += 1.0;
        *by_pred.entry(p).or_insert(0.0) += 1.0;
        *by_gold.entry(g).or_insert(0.0) += 1.0;
    }
    let (mut p, mut r) = (0.0, 0.0);
    for (_, pc, gc) in &items {
        let b = both[&(*pc, *gc)];
        p += b / by_pred[pc];
        r += b / by_gold[gc];
    }
    let n = items.len() as f64;
    prf(p / n, r / n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn perfect_and_split() {
        let gold = map(&[("a", "1"), ("b", "1"), ("c", "2")]);
        assert_eq!(pairwise(&gold, &gold).f1, 1.0);
        assert_eq!(bcubed(&gold, &gold).f1, 1.0);
        let split = map(&[("a", "x"), ("b", "y"), ("c", "z")]);
        assert_eq!(pairwise(&split, &gold).recall, 0.0);
        let b = bcubed(&split, &gold);
        assert_eq!(b.precision, 1.0);
        assert!((b.recall - 2.0 / 3.0).abs() < 1e-9);
    }
}
