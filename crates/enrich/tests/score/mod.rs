//! Scoring shared by the seeds test and the eval example: the sample articles against the gold
//! file, and PolNeAR quote attribution (brat standoff).

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use enrich::{analyse, names::slug, DocEnrichment, Resources};
use model::{Article, Content, RawDocument, RawMeta, Segment};
use serde_json::Value;

/// Extract and segment a sample article the way the pipeline does.
pub fn article(root: &Path, id: &str) -> Article {
    let text =
        std::fs::read_to_string(root.join(format!("examples/seeds/{id}.txt"))).expect("seed file");
    let raw = RawDocument {
        id: id.to_string(),
        source: format!("{id}.txt"),
        content: Content::Text(text),
        meta: RawMeta::default(),
        encoding: "UTF-8".into(),
    };
    let mut a = extract::extract(&raw);
    a.segments = lang::segment(&a.paragraphs);
    a
}

/// An entity merged over documents: aliases per language, and documents.
type Merged = (BTreeMap<String, BTreeSet<String>>, BTreeSet<String>);

/// A brat text-bound annotation: kind, spans, text.
type TextBound = (String, Vec<(usize, usize)>, String);

#[derive(Debug, Default)]
pub struct SeedReport {
    pub entities_found: usize,
    pub entities_total: usize,
    pub aliases_found: usize,
    pub aliases_total: usize,
    pub documents_found: usize,
    pub documents_total: usize,
    /// Gold aliases that ended up under more than one entity id.
    pub split: Vec<String>,
    pub quotes_found: usize,
    pub quotes_speaker: usize,
    pub quotes_via: usize,
    pub quotes_total: usize,
    pub facts_found: usize,
    pub facts_total: usize,
    pub misses: Vec<String>,
    pub predicted_quotes: usize,
    pub predicted_direct: usize,
    pub predicted_facts: usize,
    pub predicted_entities: usize,
    pub seconds: f64,
}

impl SeedReport {
    pub fn print(&self, verbose: bool) {
        println!("== sample articles (examples/seeds.gold.json)");
        println!(
            "entities: {}/{} found, aliases {}/{}, documents {}/{}, split across ids: {}",
            self.entities_found,
            self.entities_total,
            self.aliases_found,
            self.aliases_total,
            self.documents_found,
            self.documents_total,
            self.split.len()
        );
        println!(
            "quotes:   {}/{} found, speaker {}/{}, via {}/{} ({} predicted, {} direct)",
            self.quotes_found,
            self.quotes_total,
            self.quotes_speaker,
            self.quotes_total,
            self.quotes_via,
            self.quotes_total,
            self.predicted_quotes,
            self.predicted_direct
        );
        println!(
            "facts:    {}/{} with value and unit ({} predicted)",
            self.facts_found, self.facts_total, self.predicted_facts
        );
        println!(
            "({} entities predicted; enrichment of the 5 articles took {:.1} ms)",
            self.predicted_entities,
            self.seconds * 1000.0
        );
        if verbose || !self.misses.is_empty() {
            for m in &self.misses {
                println!("  miss: {m}");
            }
            for s in &self.split {
                println!("  split: {s}");
            }
        }
    }
}

/// Analyse the five sample articles and score them against the gold file.
pub fn seeds(root: &Path, res: &Resources) -> SeedReport {
    let gold: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("examples/seeds.gold.json")).expect("gold file"),
    )
    .expect("gold json");
    let ids: Vec<String> = gold["documents"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let articles: Vec<Article> = ids.iter().map(|id| article(root, id)).collect();
    let started = std::time::Instant::now();
    let results: Vec<DocEnrichment> = articles.iter().map(|a| analyse(a, res)).collect();
    let mut r = SeedReport {
        seconds: started.elapsed().as_secs_f64(),
        ..SeedReport::default()
    };
    // Merge entities as the store does.
    let mut merged: BTreeMap<String, Merged> = BTreeMap::new();
    for (a, e) in articles.iter().zip(&results) {
        for ent in &e.entities {
            let m = merged.entry(ent.id.clone()).or_default();
            for (lang, aliases) in &ent.aliases {
                m.0.entry(lang.clone())
                    .or_default()
                    .extend(aliases.iter().cloned());
            }
            m.1.insert(a.id.clone());
        }
        r.predicted_quotes += e.quotes.len();
        r.predicted_direct += e.quotes.iter().filter(|q| q.direct).count();
        r.predicted_facts += e.facts.len();
    }
    r.predicted_entities = merged.len();
    for g in gold["entities"].as_array().into_iter().flatten() {
        let name = g["name"].as_str().unwrap_or("");
        let id = slug(name);
        r.entities_total += 1;
        let found = merged.get(&id);
        if found.is_some() {
            r.entities_found += 1;
        } else {
            r.misses.push(format!("entity {name} ({id})"));
        }
        for (lang, aliases) in g["aliases"].as_object().into_iter().flatten() {
            for alias in aliases.as_array().into_iter().flatten() {
                let alias = alias.as_str().unwrap_or("");
                r.aliases_total += 1;
                if found.is_some_and(|f| f.0.get(lang).is_some_and(|s| s.contains(alias))) {
                    r.aliases_found += 1;
                } else {
                    r.misses.push(format!("alias {lang}:{alias} of {name}"));
                }
                let holders: Vec<&String> = merged
                    .iter()
                    .filter(|(_, (al, _))| al.get(lang).is_some_and(|s| s.contains(alias)))
                    .map(|(k, _)| k)
                    .collect();
                if holders.len() > 1 {
                    r.split.push(format!("{lang}:{alias} under {holders:?}"));
                }
            }
        }
        for d in g["documents"].as_array().into_iter().flatten() {
            r.documents_total += 1;
            let d = d.as_str().unwrap_or("");
            if found.is_some_and(|f| f.1.contains(d)) {
                r.documents_found += 1;
            } else {
                r.misses.push(format!("document {d} of {name}"));
            }
        }
    }
    for g in gold["quotes"].as_array().into_iter().flatten() {
        r.quotes_total += 1;
        let doc = g["document"].as_str().unwrap_or("");
        let starts = g["starts"].as_str().unwrap_or("");
        let speaker = g["speaker"].as_str().unwrap_or("");
        let via = g["via"].as_str();
        let Some(i) = ids.iter().position(|d| d == doc) else {
            continue;
        };
        let q = results[i]
            .quotes
            .iter()
            .find(|q| q.text.starts_with(starts));
        match q {
            None => r.misses.push(format!("quote {doc}: {starts}")),
            Some(q) => {
                r.quotes_found += 1;
                let got = q.speaker.as_deref().unwrap_or("");
                if got == slug(speaker) || slug(got) == slug(speaker) {
                    r.quotes_speaker += 1;
                } else {
                    r.misses
                        .push(format!("speaker of {starts:.30}: {got} ≠ {speaker}"));
                }
                if q.via.as_deref() == via {
                    r.quotes_via += 1;
                } else {
                    r.misses
                        .push(format!("via of {starts:.30}: {:?} ≠ {via:?}", q.via));
                }
            }
        }
    }
    for g in gold["facts"].as_array().into_iter().flatten() {
        r.facts_total += 1;
        let doc = g["document"].as_str().unwrap_or("");
        let value = g["value"].as_f64().unwrap_or(f64::NAN);
        let unit = g["unit"].as_str();
        let Some(i) = ids.iter().position(|d| d == doc) else {
            continue;
        };
        let ok = results[i].facts.iter().any(|f| {
            (f.value - value).abs() <= 1e-6 * value.abs().max(1.0) && f.unit.as_deref() == unit
        });
        if ok {
            r.facts_found += 1;
        } else {
            r.misses.push(format!("fact {doc}: {value} {unit:?}"));
        }
    }
    r
}

#[derive(Debug, Default)]
pub struct PolnearReport {
    pub documents: usize,
    pub gold: usize,
    pub predicted: usize,
    pub matched_gold: usize,
    pub matched_predicted: usize,
    pub gold_quoted: usize,
    pub quoted_found: usize,
    pub quoted_speaker_ok: usize,
    /// Per speaker rule: (right, wrong) on found quoted quotes.
    pub by_rule: BTreeMap<&'static str, (usize, usize)>,
    pub seconds: f64,
}

impl PolnearReport {
    pub fn print(&self) {
        let p = self.matched_predicted as f64 / self.predicted.max(1) as f64;
        let rc = self.matched_gold as f64 / self.gold.max(1) as f64;
        println!("== PolNeAR dev ({} documents)", self.documents);
        println!(
            "quote detection: precision {:.1}% ({}/{}), recall {:.1}% ({}/{}), F1 {:.1}%",
            100.0 * p,
            self.matched_predicted,
            self.predicted,
            100.0 * rc,
            self.matched_gold,
            self.gold,
            100.0 * 2.0 * p * rc / (p + rc).max(1e-9)
        );
        println!(
            "quotes in quotation marks: {} gold, {} found ({:.1}%), speaker right on {}/{} found ({:.1}%)",
            self.gold_quoted,
            self.quoted_found,
            100.0 * self.quoted_found as f64 / self.gold_quoted.max(1) as f64,
            self.quoted_speaker_ok,
            self.quoted_found,
            100.0 * self.quoted_speaker_ok as f64 / self.quoted_found.max(1) as f64
        );
        let rules: Vec<String> = self
            .by_rule
            .iter()
            .map(|(k, (ok, bad))| {
                format!(
                    "{}: {ok} right, {bad} wrong",
                    if k.is_empty() { "none" } else { k }
                )
            })
            .collect();
        println!("speaker rules: {}", rules.join("; "));
        println!("({:.2} s)", self.seconds);
    }
}

struct GoldAttribution {
    content: Vec<(usize, usize)>,
    source: Vec<(usize, usize)>,
    source_text: String,
}

fn spans(s: &str) -> Vec<(usize, usize)> {
    s.split(';')
        .filter_map(|p| {
            let mut it = p.split_whitespace();
            Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
        })
        .collect()
}

fn overlap(a: &[(usize, usize)], b: &[(usize, usize)]) -> usize {
    let mut n = 0;
    for x in a {
        for y in b {
            let s = x.0.max(y.0);
            let e = x.1.min(y.1);
            if e > s {
                n += e - s;
            }
        }
    }
    n
}

fn len(a: &[(usize, usize)]) -> usize {
    a.iter().map(|x| x.1.saturating_sub(x.0)).sum()
}

/// Score quote detection and speaker attribution on a PolNeAR folder (`text/`, `attributions/`).
pub fn polnear(dir: &Path, res: &Resources, verbose: bool) -> PolnearReport {
    let mut r = PolnearReport::default();
    let mut anns: Vec<_> = std::fs::read_dir(dir.join("attributions"))
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    anns.sort();
    let mut seen = BTreeSet::new();
    let started = std::time::Instant::now();
    for ann in anns {
        let stem = ann.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let Some((base, _annotator)) = stem.rsplit_once('_') else {
            continue;
        };
        if !seen.insert(base.to_string()) {
            continue; // one annotation per article
        }
        let Ok(text) = std::fs::read_to_string(dir.join("text").join(format!("{base}.txt"))) else {
            continue;
        };
        let Ok(ann_text) = std::fs::read_to_string(&ann) else {
            continue;
        };
        r.documents += 1;
        // Gold.
        let mut tspans: BTreeMap<String, TextBound> = BTreeMap::new();
        let mut gold: Vec<GoldAttribution> = Vec::new();
        for line in ann_text.lines() {
            let cols: Vec<&str> = line.split('\t').collect();
            if line.starts_with('T') && cols.len() >= 3 {
                let (kind, sp) = cols[1].split_once(' ').unwrap_or((cols[1], ""));
                tspans.insert(cols[0].into(), (kind.into(), spans(sp), cols[2].into()));
            }
        }
        for line in ann_text.lines().filter(|l| l.starts_with('E')) {
            let cols: Vec<&str> = line.split('\t').collect();
            let mut content = Vec::new();
            let mut source = Vec::new();
            let mut source_text = String::new();
            for arg in cols.get(1).unwrap_or(&"").split_whitespace() {
                let Some((role, t)) = arg.split_once(':') else {
                    continue;
                };
                let Some((_, sp, txt)) = tspans.get(t) else {
                    continue;
                };
                if role.starts_with("Content") {
                    content.extend(sp.iter().copied());
                } else if role.starts_with("Source") {
                    source.extend(sp.iter().copied());
                    source_text = txt.clone();
                }
            }
            if !content.is_empty() {
                gold.push(GoldAttribution {
                    content,
                    source,
                    source_text,
                });
            }
        }
        // Predicted: lines as paragraphs, with their character offsets.
        let mut offsets = Vec::new();
        let mut paragraphs = Vec::new();
        let mut at_char = 0usize;
        for line in text.split('\n') {
            let lead = line.len() - line.trim_start().len();
            let trimmed = line.trim();
            if !trimmed.is_empty() {
                offsets.push(at_char + line[..lead].chars().count());
                paragraphs.push(trimmed.to_string());
            }
            at_char += line.chars().count() + 1;
        }
        let article = Article {
            id: base.to_string(),
            segments: vec![Segment {
                lang: "en".into(),
                text: paragraphs.join("\n\n"),
            }],
            paragraphs: paragraphs.clone(),
            ..Article::default()
        };
        let e = analyse(&article, res);
        let to_chars = |para: usize, bytes: std::ops::Range<usize>| -> (usize, usize) {
            let p = &paragraphs[para];
            let s = offsets[para] + p[..bytes.start.min(p.len())].chars().count();
            let e = offsets[para] + p[..bytes.end.min(p.len())].chars().count();
            (s, e)
        };
        r.gold += gold.len();
        r.predicted += e.found_quotes.len();
        let mut gold_used = vec![false; gold.len()];
        let quoted = |g: &GoldAttribution| {
            g.content.iter().any(|&(s, e)| {
                let seg: String = text
                    .chars()
                    .skip(s.saturating_sub(1))
                    .take(e - s + 2)
                    .collect();
                seg.contains(['"', '“', '”'])
            })
        };
        r.gold_quoted += gold.iter().filter(|g| quoted(g)).count();
        for q in &e.found_quotes {
            let span = [to_chars(q.para, q.span.clone())];
            let best = gold
                .iter()
                .enumerate()
                .filter(|(i, _)| !gold_used[*i])
                .map(|(i, g)| (i, overlap(&span, &g.content)))
                .filter(|&(i, o)| o * 2 >= len(&gold[i].content).min(len(&span)) && o > 0)
                .max_by_key(|&(_, o)| o);
            let Some((gi, _)) = best else {
                if verbose {
                    println!("  extra: {base}: {:.80}", q.quote.text);
                }
                continue;
            };
            gold_used[gi] = true;
            r.matched_predicted += 1;
            r.matched_gold += 1;
            let g = &gold[gi];
            if q.direct && quoted(g) {
                r.quoted_found += 1;
                let by_span = q
                    .speaker_at
                    .as_ref()
                    .is_some_and(|(p, sp)| overlap(&[to_chars(*p, sp.clone())], &g.source) > 0);
                let speaker_name = q
                    .speaker_entity
                    .map(|i| e.doc_entities.entities[i].name.clone())
                    .or(q.quote.speaker.clone())
                    .unwrap_or_default()
                    .to_lowercase();
                let source = g.source_text.to_lowercase();
                let by_name = speaker_name.split_whitespace().any(|w| {
                    w.len() >= 3
                        && source
                            .split_whitespace()
                            .any(|s| s.trim_matches(|c: char| !c.is_alphanumeric()) == w)
                });
                let slot = r.by_rule.entry(q.why).or_default();
                if by_span || by_name || g.source.is_empty() && q.quote.speaker.is_none() {
                    r.quoted_speaker_ok += 1;
                    slot.0 += 1;
                } else {
                    slot.1 += 1;
                    if verbose {
                        let at: String = q
                            .speaker_at
                            .as_ref()
                            .map(|(p, sp)| paragraphs[*p][sp.clone()].to_string())
                            .unwrap_or_default();
                        let gold_para: String = g
                            .source
                            .first()
                            .map(|&(s, _)| {
                                let pi = offsets.iter().rposition(|&o| o <= s).unwrap_or(0);
                                if pi == q.para {
                                    "same para".into()
                                } else {
                                    format!("para {pi} vs {}", q.para)
                                }
                            })
                            .unwrap_or_default();
                        println!(
                            "  speaker [{}]: {base}: got {:?} at {at:?}, gold {:?} ({gold_para}): {}",
                            q.why, q.quote.speaker, g.source_text, paragraphs[q.para]
                        );
                    }
                }
            }
        }
        if verbose {
            for (i, g) in gold.iter().enumerate() {
                if !gold_used[i] {
                    let (s, e2) = g.content[0];
                    let seg: String = text.chars().skip(s).take((e2 - s).min(80)).collect();
                    println!("  missed: {base}: [{}] {seg}", g.source_text);
                }
            }
        }
    }
    r.seconds = started.elapsed().as_secs_f64();
    r
}
