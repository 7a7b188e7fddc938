//! Claims and corroboration: per event, the statements its documents make, grouped when
//! different documents (in any language) say the same thing, with the sources behind each;
//! claims only one outlet makes are marked, and figures about the same subject that sources
//! give differently are flagged.
//!
//! A document contributes [`ClaimCandidate`]s when it is analysed: the sentences a
//! fact-checker can check — a figure, words attributed to a speaker, or an event verb with a
//! named person or organisation ("signed", "签署", "подписали") — each with a
//! language-independent key: its content words in the matching view, the entities it names,
//! the figures it gives and its speaker. The
//! store keeps them, so [`claims`] can regroup an event whenever a document joins it without
//! reading old documents again. Two candidates state the same claim when their words overlap
//! enough (the same language, syndicated copy) or, across languages, when they name the same
//! entities and give the same figure, or have the same speaker talk about the same two other
//! entities.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::{FxHashMap, FxHashSet};

use model::{Claim, EntityKind, Figure};
use serde::{Deserialize, Serialize};

use crate::doc::{lowercase, Para};
use crate::entities::DocEntities;
use crate::facts::PlacedFact;
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
    /// Why the sentence is checkable: `figure`, `quote` (words attributed to a speaker) or
    /// `event` (an action with named participants).
    #[serde(default)]
    pub kind: String,
    /// The speaker's entity id when the statement is attributed to one.
    #[serde(default)]
    pub speaker: Option<String>,
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

/// Verbs of events a fact-checker can verify (who did what): with a named person or
/// organisation in the sentence they make it a claim. Speech verbs are not here: speech is
/// a claim only when the quote finder attributes it.
const EVENT_VERBS: &[&str] = &[
    "signed",
    "agreed",
    "announced",
    "approved",
    "launched",
    "met",
    "visited",
    "killed",
    "arrested",
    "elected",
    "won",
    "lost",
    "voted",
    "banned",
    "imposed",
    "lifted",
    "sanctioned",
    "attacked",
    "invaded",
    "seized",
    "released",
    "resigned",
    "appointed",
    "fired",
    "sued",
    "charged",
    "convicted",
    "sentenced",
    "acquired",
    "bought",
    "sold",
    "invested",
    "raised",
    "cut",
    "increased",
    "decreased",
    "rose",
    "fell",
    "reached",
    "opened",
    "closed",
    "ratified",
    "vetoed",
    "passed",
    "rejected",
    "withdrew",
    "deployed",
    "declared",
    "confirmed",
    "denied",
    "签署",
    "宣布",
    "达成",
    "会见",
    "会晤",
    "访问",
    "批准",
    "启动",
    "通过",
    "任命",
    "逮捕",
    "制裁",
    "增长",
    "下降",
    "达到",
    "举行",
    "发射",
    "退出",
    "否认",
    "确认",
    "подписали",
    "подписал",
    "подписала",
    "объявил",
    "объявила",
    "одобрил",
    "утвердил",
    "встретился",
    "посетил",
    "назначил",
    "арестовали",
    "ввели",
    "отменили",
    "выросла",
    "вырос",
    "снизился",
    "достиг",
    "достигла",
    "состоялся",
    "состоялась",
    "провели",
    "запустил",
    "отказался",
    "подтвердил",
    "опроверг",
];

/// Whether `text` holds one of `EVENT_VERBS` as a word (Latin and Cyrillic) or anywhere
/// (Chinese; `simplified` gives it in Simplified form).
fn has_event_verb<'a>(text: &str, zh: bool, simplified: impl FnOnce() -> Cow<'a, str>) -> bool {
    if zh {
        let s = simplified();
        return EVENT_VERBS
            .iter()
            .any(|v| v.chars().all(crate::names::is_han) && s.contains(v));
    }
    text.split(|c: char| !c.is_alphanumeric())
        .any(|w| EVENT_VERBS.contains(&lowercase(w).as_ref()))
}

/// The content words of `text`: its words in the matching view (lowercase already), without
/// stop words and single letters, sorted and distinct.
fn content_words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    lang::for_each_word(text, |w| {
        // `lang::words` lowercases already: then this changes nothing and copies nothing.
        let w = lowercase(w);
        let mut chars = w.chars();
        let short = chars.next().is_none() || chars.next().is_none();
        if short && !w.chars().all(crate::names::is_han)
            || EN_STOP.contains(&&*w)
            || w.chars().all(|c| !c.is_alphanumeric())
        {
            return;
        }
        out.push(w.into_owned());
    });
    out.sort_unstable();
    out.dedup();
    out
}

/// Most claim candidates kept of a document (the first, in text order). Each is stored with
/// the document and compared with the candidates of its event's other documents.
pub const MAX_CANDIDATES: usize = 1000;

/// The claim candidates of one analysed document: its checkable sentences, each once (a
/// sentence the document repeats word for word is one statement), at most
/// [`MAX_CANDIDATES`] (a note goes to `capped` when there were more).
///
/// Each sentence takes the figures found in it (`facts`, in text order) and the mentions and
/// quotes of its own paragraph, so the work and the output grow with the text, never with
/// the square of it.
pub fn candidates(
    document: &str,
    outlet: Option<&str>,
    paras: &[Para],
    ents: &DocEntities,
    facts: &[PlacedFact],
    quotes: &[FoundQuote],
    capped: &mut Vec<String>,
) -> Vec<ClaimCandidate> {
    let mut out = Vec::new();
    // The sentences taken (a repeated sentence is taken once).
    let mut taken: FxHashSet<&str> = FxHashSet::default();
    let mut facts = facts;
    // The quotes are in text order: `quotes` is cut at each paragraph.
    let mut quotes = quotes;
    for p in paras {
        let in_para = quotes.partition_point(|q| q.para <= p.index);
        let (para_quotes, later) = quotes.split_at(in_para);
        quotes = later;
        for (k, s) in p.sentences.iter().enumerate() {
            // The facts of this sentence (those before it belong to skipped sentences).
            let from = facts.partition_point(|f| (f.para, f.sentence) < (p.index, k));
            let n = facts[from..].partition_point(|f| (f.para, f.sentence) == (p.index, k));
            let sentence_facts = &facts[from..from + n];
            facts = &facts[from + n..];
            let text = p.text[s.clone()].trim();
            let long = if p.is_zh() {
                text.chars().count() >= 12
            } else {
                text.split_whitespace().count() >= 6
            };
            if !long || taken.contains(text) {
                continue;
            }
            let entities: BTreeSet<String> = ents
                .within(p.index, s.clone())
                .map(|m| ents.entities[m.entity].id.clone())
                .collect();
            // Only figures in a known unit are compared: a bare count ("16 regions") says too
            // little to tell one claim from another.
            let figures: Vec<CandidateFigure> = sentence_facts
                .iter()
                .filter(|f| f.fact.unit.is_some())
                .map(|f| CandidateFigure {
                    value: f.fact.value,
                    unit: f.fact.unit.clone(),
                    subject: f.fact.subject.clone(),
                })
                .collect();
            // A quote counts when the quote finder gave it a speaker.
            let quote = para_quotes.iter().find(|q| {
                q.para == p.index
                    && q.span.start < s.end
                    && s.start < q.span.end
                    && q.quote.speaker.is_some()
            });
            let participants = ents.within(p.index, s.clone()).any(|m| {
                matches!(
                    ents.entities[m.entity].kind,
                    EntityKind::Person | EntityKind::Organization
                )
            });
            let kind = if !figures.is_empty() {
                "figure"
            } else if quote.is_some() {
                "quote"
            } else if participants
                && has_event_verb(text, p.is_zh(), || {
                    // The sentence's conversion (facts made it) when the sentence is trimmed.
                    if text.len() == s.len() {
                        Cow::Borrowed(p.simplified_sentence(k))
                    } else {
                        Cow::Owned(lang::to_simplified(text))
                    }
                })
            {
                "event"
            } else {
                continue;
            };
            let speaker = quote.and_then(|q| {
                q.speaker_entity
                    .and_then(|e| ents.entities.get(e))
                    .map(|e| e.id.clone())
            });
            if out.len() >= MAX_CANDIDATES {
                capped.push(format!(
                    "only the first {MAX_CANDIDATES} claim candidates were kept \
                     (MAX_CANDIDATES); the text from paragraph {} on gave none",
                    p.index + 1
                ));
                return out;
            }
            taken.insert(text);
            out.push(ClaimCandidate {
                document: document.to_string(),
                outlet: outlet.map(str::to_string),
                lang: p.lang.clone(),
                text: text.to_string(),
                words: content_words(text),
                entities: entities.into_iter().collect(),
                figures,
                kind: kind.to_string(),
                speaker,
            });
        }
    }
    out
}

/// Jaccard overlap of two sorted lists of distinct ids.
fn jaccard(a: &[u32], b: &[u32]) -> f64 {
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

/// A candidate's strings as numbers (equal numbers for equal strings, see [`Interner`]), so
/// that the pairs of an event compare numbers instead of strings.
struct Keyed {
    /// Content words, sorted by number.
    words: Vec<u32>,
    /// Entity ids, in the candidate's order.
    entities: Vec<u32>,
    speaker: Option<u32>,
    document: u32,
    lang: u32,
    script: u32,
}

/// Numbers for strings: the same string always gets the same number.
#[derive(Default)]
struct Interner<'a> {
    ids: FxHashMap<&'a str, u32>,
}

impl<'a> Interner<'a> {
    fn id(&mut self, s: &'a str) -> u32 {
        let next = self.ids.len() as u32;
        *self.ids.entry(s).or_insert(next)
    }
}

impl Keyed {
    fn new<'a>(c: &'a ClaimCandidate, ids: &mut Interner<'a>) -> Keyed {
        // Words are distinct strings, so their numbers are distinct too.
        let mut words: Vec<u32> = c.words.iter().map(|w| ids.id(w)).collect();
        words.sort_unstable();
        words.dedup();
        Keyed {
            words,
            entities: c.entities.iter().map(|e| ids.id(e)).collect(),
            speaker: c.speaker.as_deref().map(|s| ids.id(s)),
            document: ids.id(&c.document),
            lang: ids.id(&c.lang),
            script: ids.id(script_group(&c.lang)),
        }
    }
}

/// Whether two candidates state the same thing (`ka`, `kb`: their [`Keyed`] forms).
fn same_claim(a: &ClaimCandidate, ka: &Keyed, b: &ClaimCandidate, kb: &Keyed) -> bool {
    // Different figures in the same unit: two claims that disagree, not one.
    let conflicting = a.figures.iter().any(|x| {
        b.figures.iter().any(|y| x.unit == y.unit) && !b.figures.iter().any(|y| same_figure(x, y))
    });
    if conflicting {
        return false;
    }
    if ka.script == kb.script {
        return jaccard(&ka.words, &kb.words) >= SAME_WORDS;
    }
    // Across languages: the same figure about the same entities, or the same speaker saying
    // something about the same two other entities.
    let shared_entity = ka.entities.iter().any(|e| kb.entities.contains(e));
    let shared_figure = a
        .figures
        .iter()
        .any(|x| b.figures.iter().any(|y| same_figure(x, y)));
    if shared_entity && shared_figure {
        return true;
    }
    let same_speaker = ka.speaker.is_some() && ka.speaker == kb.speaker;
    let others = ka
        .entities
        .iter()
        .filter(|&&e| Some(e) != ka.speaker && kb.entities.contains(&e))
        .count();
    let no_figures = a.figures.is_empty() && b.figures.is_empty();
    same_speaker && others >= 2 && no_figures
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
    claims_by_ref(event, &cands.iter().collect::<Vec<_>>())
}

/// [`claims`] of candidates held elsewhere (e.g. decoded once and shared), by reference.
pub fn claims_by_ref(event: &str, cands: &[&ClaimCandidate]) -> Vec<Claim> {
    let n = cands.len();
    let mut parent: Vec<usize> = (0..n).collect();
    let mut ids = Interner::default();
    let keyed: Vec<Keyed> = cands.iter().map(|c| Keyed::new(c, &mut ids)).collect();
    // Index by word and entity (one namespace, by number) to compare only candidates that
    // share something.
    let mut by_word: Vec<Vec<usize>> = vec![Vec::new(); ids.ids.len()];
    for (i, c) in cands.iter().enumerate() {
        for w in c.words.iter().chain(&c.entities) {
            by_word[ids.id(w) as usize].push(i);
        }
    }
    // Each pair that shares a word or entity (one not too common to tell anything) is
    // compared once: for each candidate, the later ones in its words' lists, each marked with
    // the candidate it was last compared with. (Components do not depend on the order.)
    let mut compared_with: Vec<usize> = vec![usize::MAX; n];
    for (i, c) in cands.iter().enumerate() {
        for w in c.words.iter().chain(&c.entities) {
            let list = &by_word[ids.id(w) as usize];
            if list.len() > 200 {
                continue;
            }
            // The lists are in candidate order.
            for &j in &list[list.partition_point(|&j| j <= i)..] {
                if compared_with[j] == i {
                    continue;
                }
                compared_with[j] = i;
                let (ki, kj) = (&keyed[i], &keyed[j]);
                if ki.document == kj.document && ki.lang == kj.lang {
                    continue;
                }
                if same_claim(cands[i], ki, cands[j], kj) {
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
                let keys = [figure_key(f), entity_key(f, cands[i])];
                for list in keys.iter().filter_map(|k| disagreements.get(k)) {
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

/// The key of a figure by the entities its sentence names, for sentences that give one figure.
fn entity_key(f: &CandidateFigure, c: &ClaimCandidate) -> String {
    format!(
        "entities|{}|{}",
        f.unit.as_deref().unwrap_or(""),
        c.entities.join(" ")
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
fn disagreements(cands: &[&ClaimCandidate]) -> FxHashMap<String, Vec<Figure>> {
    let mut by_key: FxHashMap<String, Vec<Figure>> = FxHashMap::default();
    for c in cands {
        for f in &c.figures {
            // Keyed by the subject's words (one language) and by the entities the sentence
            // names (any language).
            let mut keys = Vec::new();
            if f.subject.is_some() {
                keys.push(figure_key(f));
            }
            if c.entities.len() >= 2 && c.figures.len() == 1 {
                keys.push(entity_key(f, c));
            }
            for key in keys {
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
    }
    by_key.retain(|_, list| {
        let docs: BTreeSet<&String> = list.iter().flat_map(|f| &f.sources).collect();
        list.len() > 1 && docs.len() > 1
    });
    by_key
}
