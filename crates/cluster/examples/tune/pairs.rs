//! Pairs sets (SemEval-2022 Task 8): a pair with `overall` ≤ 1.5 should share an event, one
//! with `overall` ≥ 2.5 should not, the rest are not scored. The pairs are split into a tuning
//! half and a checking half: connected components of the pair graph stay together (no document
//! is in both halves), and a component's half is the parity of the first byte of the SHA-256 of
//! its smallest document id (`scripts/eval_multilingual.py` splits the same way). Parameters
//! are fitted on the tuning half; every figure is given for both.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use sha2::{Digest, Sha256};

use super::{Doc, Pair};

/// The half of each pair: `true` for the tuning half.
pub fn halves(pairs: &[Pair]) -> Vec<bool> {
    let mut parent: HashMap<&str, &str> = HashMap::new();
    fn find<'a>(parent: &mut HashMap<&'a str, &'a str>, x: &'a str) -> &'a str {
        let mut r = x;
        while let Some(&p) = parent.get(r) {
            if p == r {
                break;
            }
            r = p;
        }
        parent.insert(x, r);
        r
    }
    for p in pairs {
        parent.entry(&p.a).or_insert(&p.a);
        parent.entry(&p.b).or_insert(&p.b);
    }
    for p in pairs {
        let (ra, rb) = (find(&mut parent, &p.a), find(&mut parent, &p.b));
        // The smaller id is the root, so a component's root is its smallest id.
        if ra < rb {
            parent.insert(rb, ra);
        } else if rb < ra {
            parent.insert(ra, rb);
        }
    }
    pairs
        .iter()
        .map(|p| {
            let root = find(&mut parent, &p.a);
            Sha256::digest(root.as_bytes())[0] % 2 == 0
        })
        .collect()
}

fn gold(p: &Pair) -> Option<bool> {
    if p.overall <= 1.5 {
        Some(true)
    } else if p.overall >= 2.5 {
        Some(false)
    } else {
        None
    }
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: u32,
    fp: u32,
    fn_: u32,
}

impl Counts {
    fn add(&mut self, gold: bool, got: bool) {
        self.tp += u32::from(gold && got);
        self.fp += u32::from(!gold && got);
        self.fn_ += u32::from(gold && !got);
    }
    fn prf(&self) -> (f64, f64, f64) {
        let p = self.tp as f64 / (self.tp + self.fp).max(1) as f64;
        let r = self.tp as f64 / (self.tp + self.fn_).max(1) as f64;
        let f = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        (p, r, f)
    }
}

fn fmt(c: &Counts) -> String {
    let (p, r, f) = c.prf();
    format!("F1 {f:.3} (P {p:.2} R {r:.2})")
}

/// Counts per half (tuning, checking) and per language pair and half.
fn count(
    pairs: &[Pair],
    got: impl Fn(&Pair) -> Option<bool>,
) -> ([Counts; 2], BTreeMap<String, [Counts; 2]>) {
    let halves = halves(pairs);
    let mut all = [Counts::default(); 2];
    let mut by: BTreeMap<String, [Counts; 2]> = BTreeMap::new();
    for (p, tune) in pairs.iter().zip(halves) {
        let (Some(g), Some(x)) = (gold(p), got(p)) else {
            continue;
        };
        let h = usize::from(!tune);
        all[h].add(g, x);
        by.entry(p.langs.clone()).or_default()[h].add(g, x);
    }
    (all, by)
}

/// The clustering's pair scores, both halves.
pub fn scores(name: &str, _docs: &[Doc], pairs: &[Pair], pred: &HashMap<String, String>) -> String {
    let (all, by) = count(pairs, |p| Some(pred.get(&p.a)? == pred.get(&p.b)?));
    let worst = |h: usize| {
        by.iter()
            .map(|(l, c)| (c[h].prf().2, l))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(f, l)| format!("{l} {f:.2}"))
            .unwrap_or_default()
    };
    format!(
        "{name} tune {} worst {} | check {} worst {}",
        fmt(&all[0]),
        worst(0),
        fmt(&all[1]),
        worst(1)
    )
}

/// The clustering's pair scores per language pair, both halves.
pub fn by_lang(name: &str, pairs: &[Pair], pred: &HashMap<String, String>) -> String {
    let (_, by) = count(pairs, |p| Some(pred.get(&p.a)? == pred.get(&p.b)?));
    by.iter()
        .map(|(l, c)| format!("{name} {l:6} tune {}  check {}", fmt(&c[0]), fmt(&c[1])))
        .collect::<Vec<_>>()
        .join("\n")
}

fn cosine(docs: &[Doc]) -> impl Fn(&Pair) -> Option<f32> + '_ {
    let by: HashMap<&str, &Vec<f32>> = docs.iter().map(|d| (d.id.as_str(), &d.vector)).collect();
    move |p: &Pair| {
        let (a, b) = (by.get(p.a.as_str())?, by.get(p.b.as_str())?);
        Some(a.iter().zip(b.iter()).map(|(x, y)| x * y).sum())
    }
}

/// The plain baseline: the cosine of the two documents' vectors against one threshold, fitted
/// (best F1) on the tuning half only.
pub fn baseline(name: &str, docs: &[Doc], pairs: &[Pair]) -> String {
    let cos = cosine(docs);
    let halves = halves(pairs);
    let mut cands: Vec<f32> = pairs
        .iter()
        .zip(&halves)
        .filter(|(p, &t)| t && gold(p).is_some())
        .filter_map(|(p, _)| cos(p))
        .collect();
    cands.sort_by(f32::total_cmp);
    let mut best = (f64::NEG_INFINITY, 0.0f32);
    for &t in &cands {
        let (all, _) = count(pairs, |p| Some(cos(p)? >= t));
        let f = all[0].prf().2;
        if f > best.0 {
            best = (f, t);
        }
    }
    let t = best.1;
    let (all, _) = count(pairs, |p| Some(cos(p)? >= t));
    format!(
        "{name} cosine baseline (threshold {t:.3} fitted on the tuning half): tune {} | check {}",
        fmt(&all[0]),
        fmt(&all[1])
    )
}

/// Write the signals of every scored pair, for study: gold, half, languages, cosine, and each
/// document's number of names and figures and the names and figures they share.
pub fn dump(path: &Path, docs: &[Doc], pairs: &[Pair]) {
    let by: HashMap<&str, &Doc> = docs.iter().map(|d| (d.id.as_str(), d)).collect();
    let cos = cosine(docs);
    let halves = halves(pairs);
    let mut out = String::from("gold\ttune\tlangs\tcos\tnames_a\tnames_b\tshared_names\tfigs_a\tfigs_b\tshared_figs\tlang_a\tlang_b\n");
    for (p, tune) in pairs.iter().zip(halves) {
        let (Some(g), Some(a), Some(b), Some(c)) =
            (gold(p), by.get(p.a.as_str()), by.get(p.b.as_str()), cos(p))
        else {
            continue;
        };
        let shared = |x: &BTreeMap<String, u32>, y: &BTreeMap<String, u32>| {
            x.keys().filter(|k| y.contains_key(*k)).count()
        };
        let (fa, fb) = (&a.features, &b.features);
        out.push_str(&format!(
            "{}\t{}\t{}\t{c:.4}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            u8::from(g),
            u8::from(tune),
            p.langs,
            fa.names.len(),
            fb.names.len(),
            shared(&fa.names, &fb.names),
            fa.numbers.len(),
            fb.numbers.len(),
            shared(&fa.numbers, &fb.numbers),
            fa.lang,
            fb.lang
        ));
    }
    std::fs::write(path, out).expect("write TUNE_DUMP");
}
