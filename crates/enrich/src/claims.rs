//! Claims and corroboration: per event, the statements its documents make, grouped when
//! different documents (in any language) say the same thing, with the sources behind each;
//! claims only one outlet makes are marked, and figures about the same subject that sources
//! give differently are flagged.
//!
//! A document contributes [`ClaimCandidate`]s when it is analysed: its statement sentences
//! (a speech verb, a figure, or two entities), each with a language-independent key — its
//! content words in the matching view, the entities it names and the figures it gives. The
//! store keeps them, so [`claims`] can regroup an event whenever a document joins it without
//! reading old documents again. Two candidates state the same claim when their words overlap
//! enough (the same language, syndicated copy) or, across languages, when they name the same
//! entities and give the same figure.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use model::{Claim, Fact, Figure};
use serde::{Deserialize, Serialize};

use crate::doc::Para;
use crate::entities::DocEntities;
use crate::quotes::FoundQuote;

/// One statement of one document, ready to be grouped with others.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimCandidate {
    pub document: String,
    pub outlet: Option<String>,
    pub lang: String,
    pub text: String,
    /// Content words of the matching view, sorted, distinct.
    pub words: Vec<String>,
    /// Entity ids named in the sentence.
    pub entities: Vec<String>,
    pub figures: Vec<CandidateFigure>,
}

impl ClaimCandidate {
    /// The storable form of a document's candidates (JSON).
    pub fn encode(list: &[ClaimCandidate]) -> String {
        serde_json::to_string(list).unwrap_or_else(|_| "[]".into())
    }

    /// Read candidates stored by [`ClaimCandidate::encode`]; a blob this version cannot read
    /// gives none (its document then only stops counting towards claims).
    pub fn decode(blob: &str) -> Vec<ClaimCandidate> {
        serde_json::from_str(blob).unwrap_or_default()
    }
}

/// A figure a sentence gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateFigure {
    pub value: f64,
    pub unit: Option<String>,
    pub subject: Option<String>,
}

/// Same-language word overlap (Jaccard) that makes two sentences one claim.
const SAME_WORDS: f64 = 0.5;
/// Most claims kept per event.
const MAX_CLAIMS: usize = 200;

const EN_STOP: &[&str] = &[
    "the", "a", "an", "of", "and", "or", "to", "in", "on", "at", "for", "with", "by", "from",
    "that", "this", "is", "are", "was", "were", "be", "been", "has", "have", "had", "it", "its",
    "as", "said", "says", "he", "she", "they", "their", "his", "her", "will", "would", "which",
    "who", "also", "not", "but", "both", "two", "than", "such", "more", "most", "all",
];

const STATEMENT_HINTS: &[&str] = &[
    "said",
    "says",
    "noted",
    "stressed",
    "added",
    "agreed",
    "signed",
    "announced",
    "told",
    "表示",
    "指出",
    "强调",
    "签署",
    "宣布",
    "заявил",
    "сообщил",
    "подписали",
    "отметил",
];

fn content_words(text: &str) -> Vec<String> {
    let mut set: BTreeSet<String> = BTreeSet::new();
    for w in lang::words(text) {
        let w = w.to_lowercase();
        if w.chars().count() < 2 && !w.chars().all(crate::names::is_han) {
            continue;
        }
        if EN_STOP.contains(&w.as_str()) || w.chars().all(|c| !c.is_alphanumeric()) {
            continue;
        }
        set.insert(w);
    }
    set.into_iter().collect()
}

/// The claim candidates of one analysed document.
pub fn candidates(
    document: &str,
    outlet: Option<&str>,
    paras: &[Para],
    ents: &DocEntities,
    facts: &[Fact],
    quotes: &[FoundQuote],
) -> Vec<ClaimCandidate> {
    let mut out = Vec::new();
    for p in paras {
        for s in &p.sentences {
            let text = p.text[s.clone()].trim();
            let long = if p.is_zh() {
                text.chars().count() >= 12
            } else {
                text.split_whitespace().count() >= 6
            };
            if !long {
                continue;
            }
            let entities: BTreeSet<String> = ents
                .mentions
                .iter()
                .filter(|m| m.para == p.index && m.span.start >= s.start && m.span.end <= s.end)
                .map(|m| ents.entities[m.entity].id.clone())
                .collect();
            let figures: Vec<CandidateFigure> = facts
                .iter()
                .filter(|f| f.text.trim() == text)
                .map(|f| CandidateFigure {
                    value: f.value,
                    unit: f.unit.clone(),
                    subject: f.subject.clone(),
                })
                .collect();
            let quoted = quotes
                .iter()
                .any(|q| q.para == p.index && q.span.start < s.end && s.start < q.span.end);
            let lower = text.to_lowercase();
            let statement = quoted
                || !figures.is_empty()
                || entities.len() >= 2
                || STATEMENT_HINTS.iter().any(|h| lower.contains(h));
            if !statement {
                continue;
            }
            out.push(ClaimCandidate {
                document: document.to_string(),
                outlet: outlet.map(str::to_string),
                lang: p.lang.clone(),
                text: text.to_string(),
                words: content_words(text),
                entities: entities.into_iter().collect(),
                figures,
            });
        }
    }
    out
}

fn jaccard(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    both as f64 / (a.len() + b.len() - both) as f64
}

fn same_figure(a: &CandidateFigure, b: &CandidateFigure) -> bool {
    a.unit == b.unit && (a.value - b.value).abs() <= 1e-9 * a.value.abs().max(1.0)
}

fn script_group(lang: &str) -> &str {
    if lang.starts_with("zh") {
        "zh"
    } else {
        lang
    }
}

/// Whether two candidates state the same thing.
fn same_claim(a: &ClaimCandidate, b: &ClaimCandidate) -> bool {
    // Different figures in the same unit: two claims that disagree, not one.
    let conflicting = a.figures.iter().any(|x| {
        b.figures.iter().any(|y| x.unit == y.unit) && !b.figures.iter().any(|y| same_figure(x, y))
    });
    if conflicting {
        return false;
    }
    if script_group(&a.lang) == script_group(&b.lang) {
        return jaccard(&a.words, &b.words) >= SAME_WORDS;
    }
    // Across languages: the same figure about the same entities.
    let shared_entity = a.entities.iter().any(|e| b.entities.contains(e));
    let shared_figure = a
        .figures
        .iter()
        .any(|x| b.figures.iter().any(|y| same_figure(x, y)));
    shared_entity && shared_figure
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// Group an event's claim candidates (from all its documents) into claims.
pub fn claims(event: &str, cands: &[ClaimCandidate]) -> Vec<Claim> {
    let n = cands.len();
    let mut parent: Vec<usize> = (0..n).collect();
    // Index by word to compare only candidates that share something.
    let mut by_word: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, c) in cands.iter().enumerate() {
        for w in &c.words {
            by_word.entry(w.as_str()).or_default().push(i);
        }
        for e in &c.entities {
            by_word.entry(e.as_str()).or_default().push(i);
        }
    }
    let mut compared: BTreeSet<(usize, usize)> = BTreeSet::new();
    for list in by_word.values() {
        if list.len() > 200 {
            continue; // too common to tell anything
        }
        for (x, &i) in list.iter().enumerate() {
            for &j in &list[x + 1..] {
                if cands[i].document == cands[j].document && cands[i].lang == cands[j].lang {
                    continue;
                }
                if !compared.insert((i.min(j), i.max(j))) {
                    continue;
                }
                if same_claim(&cands[i], &cands[j]) {
                    let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                    if a != b {
                        parent[a.max(b)] = a.min(b);
                    }
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..n {
        let r = find(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    let disagreements = disagreements(cands);
    let mut out: Vec<Claim> = Vec::new();
    for members in groups.values() {
        let mut sources: Vec<String> = Vec::new();
        let mut outlets: Vec<String> = Vec::new();
        for &i in members {
            let c = &cands[i];
            if !sources.contains(&c.document) {
                sources.push(c.document.clone());
            }
            let o = c.outlet.clone().unwrap_or_else(|| c.document.clone());
            if !outlets.contains(&o) {
                outlets.push(o);
            }
        }
        // Text: the English form where there is one, else the first.
        let text_of = members
            .iter()
            .find(|&&i| cands[i].lang == "en")
            .or(members.first())
            .map(|&i| cands[i].text.clone())
            .unwrap_or_default();
        let mut disagreement: Vec<Figure> = Vec::new();
        for &i in members {
            for f in &cands[i].figures {
                if let Some(list) = disagreements.get(&figure_key(f)) {
                    for fig in list {
                        if !disagreement.contains(fig) {
                            disagreement.push(fig.clone());
                        }
                    }
                }
            }
        }
        out.push(Claim {
            event: event.to_string(),
            text: text_of,
            single_source: outlets.len() == 1,
            sources,
            outlets,
            disagreement,
        });
    }
    // Best corroborated first, then in document order.
    out.sort_by_key(|c| std::cmp::Reverse(c.sources.len()));
    out.truncate(MAX_CLAIMS);
    out
}

fn figure_key(f: &CandidateFigure) -> String {
    format!(
        "{}|{}",
        f.unit.as_deref().unwrap_or(""),
        subject_key(f.subject.as_deref())
    )
}

fn subject_key(subject: Option<&str>) -> String {
    let Some(s) = subject else {
        return String::new();
    };
    let mut words: Vec<String> = content_words(s)
        .into_iter()
        .filter(|w| !matches!(w.as_str(), "bilateral" | "two-way" | "total" | "record"))
        .collect();
    words.sort();
    words.join(" ")
}

/// Figures with the same unit and subject whose values differ between documents:
/// key → the values with their sources.
fn disagreements(cands: &[ClaimCandidate]) -> HashMap<String, Vec<Figure>> {
    let mut by_key: HashMap<String, Vec<Figure>> = HashMap::new();
    for c in cands {
        for f in &c.figures {
            if f.subject.is_none() {
                continue;
            }
            let key = figure_key(f);
            let list = by_key.entry(key).or_default();
            match list
                .iter_mut()
                .find(|x| (x.value - f.value).abs() <= 1e-9 * f.value.abs().max(1.0))
            {
                Some(x) => {
                    if !x.sources.contains(&c.document) {
                        x.sources.push(c.document.clone());
                    }
                }
                None => list.push(Figure {
                    value: f.value,
                    unit: f.unit.clone(),
                    subject: f.subject.clone(),
                    sources: vec![c.document.clone()],
                }),
            }
        }
    }
    by_key.retain(|_, list| {
        let docs: BTreeSet<&String> = list.iter().flat_map(|f| &f.sources).collect();
        list.len() > 1 && docs.len() > 1
    });
    by_key
}
