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
use std::ops::Range;

use rustc_hash::{FxHashMap, FxHashSet};

use model::{Claim, EntityKind, Evidence, Figure};
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
    /// The sentence's place in its document: its ordinal, counted over all paragraphs, and
    /// the document's number of sentences (versions of one article are aligned by it).
    #[serde(default)]
    pub position: u32,
    #[serde(default)]
    pub sentences: u32,
    /// The outlet (gazetteer id) a wire credit in this sentence names ("according to
    /// Reuters", "по данным ТАСС").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<String>,
    /// The outlet (gazetteer id) the document credits as a whole ("LONDON (Reuters) -",
    /// "据新华社报道" in its first paragraphs): the document is that outlet's copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wire: Option<String>,
    /// The document's own outlet as a gazetteer id, where the gazetteer knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet_id: Option<String>,
    /// The document this one is a version of (a translation or a capture), set when the
    /// document is committed: versions count as one independent source with their origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
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

/// A credit within a document: (paragraph, sentence) and the outlet's gazetteer id.
type SentenceCredit = ((usize, usize), String);

/// Statements of two documents aligned (candidate indexes), with the two documents.
type AlignedPair<'a> = (Vec<(usize, usize)>, &'a str, &'a str);

/// Wire credit patterns: the marks every language shares (`data/credits.txt`) and each
/// language pack's `credit` items, as the text before and after `{o}`, lowercase (Chinese in
/// Simplified characters, as the text is compared).
fn credit_patterns() -> &'static [(String, String)] {
    static PATTERNS: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    PATTERNS.get_or_init(|| {
        let mut text = include_str!("../data/credits.txt").to_string();
        for l in lang::pack_langs() {
            let Some(p) = lang::pack(l) else { continue };
            for item in p.items("credit") {
                text.push('\n');
                if l.is_chinese() {
                    text.push_str(&lang::to_simplified(item));
                } else {
                    text.push_str(item);
                }
            }
        }
        parse_credit_patterns(&text)
    })
}

/// Read credit patterns: one a line with `{o}` where the outlet stands; `#` starts a comment.
/// A line without `{o}` is left out.
fn parse_credit_patterns(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let (pre, post) = l.split_once("{o}")?;
            Some((pre.trim().to_lowercase(), post.trim().to_lowercase()))
        })
        .collect()
}

/// Whether the outlet mentioned at `span` of `text` stands in a credit pattern.
fn is_credit(text: &str, span: &Range<usize>, zh: bool) -> bool {
    let before = text[..span.start].trim_end();
    let after = text[span.end..].trim_start();
    // The few characters next to the name are all a pattern can look at.
    let tail = |s: &str| -> String {
        let start = s.char_indices().rev().nth(23).map_or(0, |(i, _)| i);
        let t = s[start..].to_lowercase();
        if zh {
            lang::to_simplified(&t)
        } else {
            t
        }
    };
    let head = |s: &str| -> String {
        let end = s.char_indices().nth(24).map_or(s.len(), |(i, _)| i);
        let t = s[..end].to_lowercase();
        if zh {
            lang::to_simplified(&t)
        } else {
            t
        }
    };
    let (b, a) = (tail(before), head(after));
    credit_patterns().iter().any(|(pre, post)| {
        let pre_ok = pre.is_empty()
            || b.ends_with(pre.as_str())
                && b[..b.len() - pre.len()]
                    .chars()
                    .next_back()
                    .is_none_or(|c| {
                        !c.is_alphabetic()
                            || crate::names::is_han(c)
                            || !pre.starts_with(char::is_alphabetic)
                    });
        let post_ok = post.is_empty()
            || a.starts_with(post.as_str())
                && a[post.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphabetic() || crate::names::is_han(c));
        // A bare name is no credit: a pattern gives something on at least one side.
        (!pre.is_empty() || !post.is_empty()) && pre_ok && post_ok
    })
}

/// The wire credits of a document: the outlet it credits as a whole (a credit in its first
/// two paragraphs) and, for the credits further on, the outlet per (paragraph, sentence).
fn credits(paras: &[Para], ents: &DocEntities) -> (Option<String>, Vec<SentenceCredit>) {
    let mut whole = None;
    let mut per_sentence = Vec::new();
    for m in &ents.mentions {
        let e = &ents.entities[m.entity];
        if !e.outlet {
            continue;
        }
        let Some(p) = paras.iter().find(|p| p.index == m.para) else {
            continue;
        };
        if m.span.end > p.text.len()
            || !p.text.is_char_boundary(m.span.start)
            || !p.text.is_char_boundary(m.span.end)
            || !is_credit(&p.text, &m.span, p.is_zh())
        {
            continue;
        }
        if m.para < 2 {
            whole.get_or_insert_with(|| e.id.clone());
        } else if let Some(k) = p.sentences.iter().position(|s| s.contains(&m.span.start)) {
            per_sentence.push(((m.para, k), e.id.clone()));
        }
    }
    (whole, per_sentence)
}

/// A letter of a script written without spaces between words: Han, kana, Thai, Lao, Khmer,
/// Myanmar.
fn unspaced(c: char) -> bool {
    crate::names::is_han(c)
        || matches!(c, '\u{3040}'..='\u{30FF}' | '\u{0E00}'..='\u{0EFF}' | '\u{1780}'..='\u{17FF}' | '\u{1000}'..='\u{109F}')
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
#[allow(clippy::too_many_arguments)]
pub fn candidates(
    document: &str,
    outlet: Option<&str>,
    outlet_id: Option<&str>,
    paras: &[Para],
    ents: &DocEntities,
    facts: &[PlacedFact],
    quotes: &[FoundQuote],
    capped: &mut Vec<String>,
) -> Vec<ClaimCandidate> {
    let mut out = Vec::new();
    let (wire, sentence_credits) = credits(paras, ents);
    let total: usize = paras.iter().map(|p| p.sentences.len()).sum();
    let mut ordinal = 0usize;
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
            let position = ordinal;
            ordinal += 1;
            // The facts of this sentence (those before it belong to skipped sentences).
            let from = facts.partition_point(|f| (f.para, f.sentence) < (p.index, k));
            let n = facts[from..].partition_point(|f| (f.para, f.sentence) == (p.index, k));
            let sentence_facts = &facts[from..from + n];
            facts = &facts[from + n..];
            let text = p.text[s.clone()].trim();
            // Scripts written without spaces between words (Chinese, Japanese, Thai) are
            // measured in characters.
            let long = if p.is_zh() || text.chars().any(unspaced) {
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
            // Every figure is kept (versions of one article are compared figure by figure),
            // but only a figure in a known unit makes the sentence a claim by itself: a bare
            // count ("16 regions") says too little to tell one claim from another.
            let figures: Vec<CandidateFigure> = sentence_facts
                .iter()
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
            let kind = if figures.iter().any(|f| f.unit.is_some()) {
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
            } else if !figures.is_empty() {
                // Shown only when several independent sources give it or it disagrees.
                "count"
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
                position: position as u32,
                sentences: total as u32,
                credit: sentence_credits
                    .iter()
                    .find(|(at, _)| *at == (p.index, k))
                    .map(|(_, o)| o.clone()),
                wire: wire.clone(),
                outlet_id: outlet_id.map(str::to_string),
                origin: None,
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
    // A bare small count ("two", "3") is too common to tie two sentences together.
    let shared_figure = a.figures.iter().any(|x| {
        (x.unit.is_some() || x.value.abs() >= 100.0 || x.value.fract() != 0.0)
            && b.figures.iter().any(|y| same_figure(x, y))
    });
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
    let mut versions = Versions::new(cands);
    // Figures that differ between two sentences that say the same otherwise: (candidate,
    // other candidate, the two values with their sources).
    let mut changed: Vec<(usize, usize, Vec<Figure>)> = Vec::new();
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
                } else if ki.script == kj.script
                    && jaccard(&ki.words, &kj.words) >= SAME_WORDS
                    && !versions.same_source(cands[i], cands[j])
                {
                    // The same sentence with another figure: the sources disagree.
                    let figs = changed_figures(cands[i], cands[j]);
                    if !figs.is_empty() {
                        changed.push((i, j, figs));
                    }
                }
            }
        }
    }
    // Versions of one article (a translation, a capture) are aligned sentence by sentence:
    // aligned sentences are one claim, and a figure the version changed is a disagreement.
    // Pairs of documents compared statement by statement: each version with its origin, and
    // documents in different languages that are parallel (a translation no link names: the
    // same shape, and nearly every statement of each aligned with one of the other).
    let mut pairs: Vec<AlignedPair> = Vec::new();
    for (&d, list) in &versions.by_document {
        if let Some(o) = versions.origin_with_candidates(d) {
            pairs.push((align(cands, list, &versions.by_document[o]), d, o));
        }
    }
    let docs: Vec<&str> = versions.by_document.keys().copied().collect();
    let mut budget = MAX_PARALLEL_WORK;
    let mut parallel: Vec<(&str, &str)> = Vec::new();
    for (x, &d1) in docs.iter().enumerate() {
        for &d2 in &docs[x + 1..] {
            let (l1, l2) = (&versions.by_document[d1], &versions.by_document[d2]);
            let (c1, c2) = (cands[l1[0]], cands[l2[0]]);
            let work = l1.len() * l2.len();
            if script_group(&c1.lang) == script_group(&c2.lang)
                || versions.root(d1) == versions.root(d2)
                || ratio(c1.sentences as usize, c2.sentences as usize) < PARALLEL_SHAPE
                || budget < work
            {
                continue;
            }
            // Parallel when their sentences with figures align (quotes and names are found
            // unevenly across languages; figures much less so).
            let with_figures = |l: &[usize]| -> Vec<usize> {
                l.iter()
                    .copied()
                    .filter(|&i| !cands[i].figures.is_empty())
                    .collect()
            };
            let (f1, f2) = (with_figures(l1), with_figures(l2));
            if f1.is_empty() || f2.is_empty() {
                continue;
            }
            budget -= work;
            let mut aligned = align(cands, &f2, &f1);
            if (aligned.len() as f64) < PARALLEL_SHARE * f1.len().max(f2.len()) as f64 {
                continue;
            }
            for (i, j) in align(cands, l2, l1) {
                if !aligned.iter().any(|&(x, y)| x == i || y == j) {
                    aligned.push((i, j));
                }
            }
            if aligned.len() >= PARALLEL_MIN_STATEMENTS {
                parallel.push((d2, d1));
            }
            pairs.push((aligned, d2, d1));
        }
    }
    for (d, o) in parallel {
        versions.origin.entry(d).or_insert(o);
    }
    for (aligned, d, o) in &pairs {
        let mut found = false;
        for &(i, j) in aligned {
            let (a, b) = (find(&mut parent, i), find(&mut parent, j));
            if a != b {
                parent[a.max(b)] = a.min(b);
            }
            let figs = changed_figures(cands[j], cands[i]);
            if !figs.is_empty() {
                found = true;
                changed.push((i, j, figs));
            }
        }
        // A figure the aligned statements do not show changed (the sentences were cut
        // differently, or one was not aligned): one value of the whole origin that the
        // version does not give, for one it gives instead.
        if !found {
            if let Some(c) =
                changed_in_document(cands, &versions.by_document[d], &versions.by_document[o])
            {
                changed.push(c);
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..n {
        let r = find(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    // Documents (each with its versions) that make most of their statements together are one
    // source: a syndicated or translated copy that no link or credit names.
    // Also counted: whether every statement two sources make together stands at the same
    // place of both documents (a translation keeps the order of its origin; independent
    // reports rarely put the same statements at the same places).
    let mut made: FxHashMap<&str, usize> = FxHashMap::default();
    let mut together: BTreeMap<(&str, &str), (usize, bool)> = BTreeMap::new();
    let rel = |c: &ClaimCandidate| c.position as f64 / c.sentences.max(1) as f64;
    for members in groups.values() {
        let mut placed: Vec<(&str, f64)> = members
            .iter()
            .map(|&i| (versions.source_root(&cands[i].document), rel(cands[i])))
            .collect();
        placed.sort_unstable_by(|x, y| x.0.cmp(y.0).then(x.1.total_cmp(&y.1)));
        let mut ds: Vec<&str> = placed.iter().map(|x| x.0).collect();
        ds.dedup();
        for d in &ds {
            *made.entry(d).or_default() += 1;
        }
        if ds.len() > MAX_COPY_GROUP {
            continue;
        }
        for (x, a) in ds.iter().enumerate() {
            for b in &ds[x + 1..] {
                let same_place = placed.iter().filter(|p| p.0 == *a).any(|pa| {
                    placed
                        .iter()
                        .filter(|p| p.0 == *b)
                        .any(|pb| (pa.1 - pb.1).abs() <= SAME_PLACE)
                });
                let e = together.entry((a, b)).or_insert((0, true));
                e.0 += 1;
                e.1 &= same_place;
            }
        }
    }
    for ((a, b), (k, in_place)) in together {
        let copies =
            k >= COPY_MIN_STATEMENTS && k as f64 >= COPY_SHARE * made[a].max(made[b]) as f64;
        let version = in_place
            && k >= VERSION_MIN_STATEMENTS
            && k as f64 >= COPY_SHARE * made[a].min(made[b]) as f64;
        if copies || version {
            versions.join(a, b);
        }
    }
    let mut changed_by_group: FxHashMap<usize, Vec<Figure>> = FxHashMap::default();
    for (i, j, figs) in changed {
        // Listed on both sides' claims (the same claim when they were grouped).
        for r in [find(&mut parent, i), find(&mut parent, j)] {
            let list = changed_by_group.entry(r).or_default();
            for f in &figs {
                if !list.contains(f) {
                    list.push(f.clone());
                }
            }
        }
    }
    let disagreements = disagreements(cands, &versions);
    let mut out: Vec<(Claim, usize)> = Vec::new();
    for (root, members) in &groups {
        let mut sources: Vec<String> = Vec::new();
        let mut outlets: Vec<String> = Vec::new();
        let mut independent: Vec<String> = Vec::new();
        let mut evidence: Vec<Evidence> = Vec::new();
        // Versions of one document are one source: the key its original's sentence gives (a
        // credit there, or its own source), so a credit only a translation words ("华盛顿邮报
        // 说" for a quote the original attributes in passing) does not make a second one.
        let mut root_key: FxHashMap<&str, String> = FxHashMap::default();
        for &i in members {
            let c = &cands[i];
            let r = versions.source_root(&c.document);
            if r == c.document {
                root_key.entry(r).or_insert_with(|| versions.source_key(c));
            }
        }
        for &i in members {
            let c = &cands[i];
            if !sources.contains(&c.document) {
                sources.push(c.document.clone());
                evidence.push(Evidence {
                    document: c.document.clone(),
                    outlet: c.outlet.clone(),
                    lang: c.lang.clone(),
                    text: c.text.clone(),
                });
            }
            let o = c.outlet.clone().unwrap_or_else(|| c.document.clone());
            if !outlets.contains(&o) {
                outlets.push(o);
            }
            let key = root_key
                .entry(versions.source_root(&c.document))
                .or_insert_with(|| versions.source_key(c))
                .clone();
            if !independent.contains(&key) {
                independent.push(key);
            }
        }
        // Text: the English form where there is one, else the first.
        let text_of = members
            .iter()
            .find(|&&i| cands[i].lang == "en")
            .or(members.first())
            .map(|&i| cands[i].text.clone())
            .unwrap_or_default();
        let mut disagreement: Vec<Figure> = changed_by_group.remove(root).unwrap_or_default();
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
        // A sentence that is only a bare count is a claim when several independent sources
        // give it or it disagrees with another.
        let counts_only = members.iter().all(|&i| cands[i].kind == "count");
        if counts_only && independent.len() < 2 && disagreement.is_empty() {
            continue;
        }
        out.push((
            Claim {
                event: event.to_string(),
                text: text_of,
                single_source: independent.len() <= 1,
                independent_sources: independent.len(),
                sources,
                outlets,
                disagreement,
                evidence,
            },
            members[0],
        ));
    }
    // Most independent sources first, then most documents, then in document order.
    out.sort_by_key(|(c, first)| {
        (
            std::cmp::Reverse(c.independent_sources),
            std::cmp::Reverse(c.sources.len()),
            *first,
        )
    });
    out.truncate(MAX_CLAIMS);
    out.into_iter().map(|(c, _)| c).collect()
}

/// Longest chain of versions followed (a translation of a translation …).
const MAX_VERSION_HOPS: usize = 16;

/// The documents of an event's candidates: which is a version of which, and what source each
/// stands for.
struct Versions<'a> {
    /// Candidate indexes per document, in candidate order.
    by_document: BTreeMap<&'a str, Vec<usize>>,
    origin: FxHashMap<&'a str, &'a str>,
    /// A document's own source: the outlet its wire credit names, else its outlet (by
    /// gazetteer id where known, else as written, lowercase), else the document itself.
    own_key: FxHashMap<&'a str, String>,
    /// Roots of versions found to be one source (copies that make most statements together):
    /// each to a smaller one, followed to the smallest.
    joined: FxHashMap<&'a str, &'a str>,
}

impl<'a> Versions<'a> {
    fn new(cands: &[&'a ClaimCandidate]) -> Versions<'a> {
        let mut by_document: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        let mut origin = FxHashMap::default();
        let mut own_key = FxHashMap::default();
        for (i, c) in cands.iter().enumerate() {
            by_document.entry(c.document.as_str()).or_default().push(i);
            if let Some(o) = c.origin.as_deref() {
                if o != c.document {
                    origin.insert(c.document.as_str(), o);
                }
            }
            own_key.entry(c.document.as_str()).or_insert_with(|| {
                if let Some(w) = &c.wire {
                    format!("outlet:{w}")
                } else if let Some(o) = &c.outlet_id {
                    format!("outlet:{o}")
                } else if let Some(o) = &c.outlet {
                    format!("outlet:{}", o.trim().to_lowercase())
                } else {
                    format!("document:{}", c.document)
                }
            });
        }
        Versions {
            by_document,
            origin,
            own_key,
            joined: FxHashMap::default(),
        }
    }

    /// The root standing for `d`'s source: its root, through the roots joined to others.
    fn source_root(&self, d: &'a str) -> &'a str {
        let mut at = self.root(d);
        for _ in 0..MAX_VERSION_HOPS {
            match self.joined.get(at) {
                Some(&j) if j != at => at = j,
                _ => break,
            }
        }
        at
    }

    /// Count `a` and `b` as one source from now on.
    fn join(&mut self, a: &'a str, b: &'a str) {
        let (x, y) = (self.source_root(a), self.source_root(b));
        if x != y {
            let (lo, hi) = if x < y { (x, y) } else { (y, x) };
            self.joined.insert(hi, lo);
        }
    }

    /// The first document of `d`'s chain of origins (itself when it is no version).
    fn root(&self, d: &'a str) -> &'a str {
        let mut at = d;
        for _ in 0..MAX_VERSION_HOPS {
            match self.origin.get(at) {
                Some(&o) if o != d => at = o,
                _ => break,
            }
        }
        at
    }

    /// The nearest document up `d`'s chain of origins that has candidates in the event.
    fn origin_with_candidates(&self, d: &str) -> Option<&'a str> {
        let mut at = *self.origin.get(d)?;
        for _ in 0..MAX_VERSION_HOPS {
            if at == d {
                return None;
            }
            if self.by_document.contains_key(at) {
                return Some(at);
            }
            at = *self.origin.get(at)?;
        }
        None
    }

    /// The independent source a candidate stands for: the outlet its sentence credits, else
    /// its document's origin's own source.
    fn source_key(&self, c: &ClaimCandidate) -> String {
        if let Some(credit) = &c.credit {
            return format!("outlet:{credit}");
        }
        let root = self.source_root(&c.document);
        match self.own_key.get(root) {
            Some(k) => k.clone(),
            None => format!("document:{root}"),
        }
    }

    fn same_source(&self, a: &ClaimCandidate, b: &ClaimCandidate) -> bool {
        self.source_key(a) == self.source_key(b)
    }
}

/// How far apart (share of the document) two sentences of two versions may be and still be
/// aligned.
const ALIGN_SPAN: f64 = 0.25;

/// The sentences of a version (`mine`) and of its origin (`theirs`) that say the same: each
/// pair is the best match of both sides, scored on the figures and entities they share and
/// how near they are in their documents.
fn align(cands: &[&ClaimCandidate], mine: &[usize], theirs: &[usize]) -> Vec<(usize, usize)> {
    let rel = |c: &ClaimCandidate| c.position as f64 / c.sentences.max(1) as f64;
    let score = |a: &ClaimCandidate, b: &ClaimCandidate| -> Option<f64> {
        let gap = (rel(a) - rel(b)).abs();
        if gap > ALIGN_SPAN {
            return None;
        }
        let figures = a
            .figures
            .iter()
            .filter(|x| b.figures.iter().any(|y| same_value(x.value, y.value)))
            .count();
        let entities = a.entities.iter().filter(|e| b.entities.contains(e)).count();
        let same_count = !a.figures.is_empty() && a.figures.len() == b.figures.len();
        let tied = figures + entities > 0 || same_count && gap <= 0.05;
        tied.then_some(
            3.0 * figures as f64 + entities as f64 + if same_count { 1.0 } else { 0.0 } - 8.0 * gap,
        )
    };
    let best = |i: usize, among: &[usize]| -> Option<usize> {
        among
            .iter()
            .filter_map(|&j| score(cands[i], cands[j]).map(|s| (s, j)))
            .max_by(|x, y| x.0.total_cmp(&y.0).then(y.1.cmp(&x.1)))
            .map(|(_, j)| j)
    };
    mine.iter()
        .filter_map(|&i| {
            let j = best(i, theirs)?;
            (best(j, mine) == Some(i)).then_some((i, j))
        })
        .collect()
}

/// Equal values (within floating-point noise).
fn same_value(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Whether `a` and `b` may be one value rounded: the rounder one (more trailing zeros)
/// within half of its last significant place of the other ("about 2,300" and 2,314), or
/// within 1% of each other.
fn rounding_of(a: f64, b: f64) -> bool {
    if same_value(a, b) {
        return true;
    }
    let (x, y) = (a.abs(), b.abs());
    if (x - y).abs() <= 0.01 * x.max(y) {
        return true;
    }
    let place = |v: f64| -> f64 {
        if v.fract() != 0.0 || v < 1.0 {
            return 0.0;
        }
        let mut p = 1.0;
        while p < 1e15 && (v / (p * 10.0)).fract() == 0.0 {
            p *= 10.0;
        }
        // A value that is all one place (300, 2,000) is given to that place; 2,300 to 100s.
        p
    };
    let (px, py) = (place(x), place(y));
    let (rounder, other, p) = if px >= py { (x, y, px) } else { (y, x, py) };
    // A whole number below 10 is given to the unit ("6 m" and 20 feet, 6.096 m).
    p >= 1.0 && (rounder - other).abs() <= p / 2.0 && (rounder - other).abs() < 0.05 * rounder
}

/// The figures a version changed from its origin's sentence (`from` the origin, `to` the
/// version): values of one side that the other does not give, paired in order, in the same
/// unit where both have one, that are not one value rounded.
fn changed_figures(from: &ClaimCandidate, to: &ClaimCandidate) -> Vec<Figure> {
    let lost: Vec<&CandidateFigure> = from
        .figures
        .iter()
        .filter(|x| !to.figures.iter().any(|y| same_value(x.value, y.value)))
        .collect();
    let new: Vec<&CandidateFigure> = to
        .figures
        .iter()
        .filter(|y| !from.figures.iter().any(|x| same_value(x.value, y.value)))
        .collect();
    // Only a one-for-one change is read as a changed figure: with several figures lost or
    // gained, which became which is a guess.
    match one_for_one(&lost, &new) {
        Some((x, y)) => figure_change(x, &from.document, y, &to.document),
        None => Vec::new(),
    }
}

/// The one figure lost and the one gained: the only ones, else the only ones in some unit (or
/// both without one), when one unit alone has such a pair (a figure in another unit read on
/// one side only, such as a number word, does not hide the change).
fn one_for_one<'f, T: std::borrow::Borrow<CandidateFigure>>(
    lost: &'f [T],
    new: &'f [T],
) -> Option<(&'f T, &'f T)> {
    if lost.len() == 1 && new.len() == 1 {
        return Some((&lost[0], &new[0]));
    }
    let in_unit = |list: &'f [T], u: Option<&str>| -> Vec<&'f T> {
        list.iter()
            .filter(|f| f.borrow().unit.as_deref() == u)
            .collect()
    };
    let mut found = None;
    let mut units: Vec<Option<&str>> = lost.iter().map(|f| f.borrow().unit.as_deref()).collect();
    units.sort_unstable();
    units.dedup();
    for u in units {
        let (l, n) = (in_unit(lost, u), in_unit(new, u));
        if l.len() == 1 && n.len() == 1 {
            if found.is_some() {
                return None;
            }
            found = Some((l[0], n[0]));
        }
    }
    found
}

/// The two values of a changed figure, each with its document; none when they may be one
/// value (rounded, or with a scale word read on one side only) or are in different units.
fn figure_change(x: &CandidateFigure, from: &str, y: &CandidateFigure, to: &str) -> Vec<Figure> {
    if x.unit.is_some() && y.unit.is_some() && x.unit != y.unit
        || rounding_of(x.value, y.value)
        || scale_misread(x.value, y.value)
    {
        return Vec::new();
    }
    let unit = x.unit.clone().or_else(|| y.unit.clone());
    vec![
        Figure {
            value: x.value,
            unit: unit.clone(),
            subject: x.subject.clone(),
            sources: vec![from.to_string()],
        },
        Figure {
            value: y.value,
            unit,
            subject: y.subject.clone().or_else(|| x.subject.clone()),
            sources: vec![to.to_string()],
        },
    ]
}

/// A figure one document changed from another, over the whole documents (`mine`, `theirs`:
/// their candidates): the one value of `theirs` that `mine` does not give and the one value
/// `mine` gives instead, with the candidates that give them.
fn changed_in_document(
    cands: &[&ClaimCandidate],
    mine: &[usize],
    theirs: &[usize],
) -> Option<(usize, usize, Vec<Figure>)> {
    let only = |side: &[usize], other: &[usize]| -> Vec<(usize, CandidateFigure)> {
        let mut out: Vec<(usize, CandidateFigure)> = Vec::new();
        for &i in side {
            for f in &cands[i].figures {
                let elsewhere = other.iter().any(|&j| {
                    cands[j]
                        .figures
                        .iter()
                        .any(|g| same_value(f.value, g.value))
                });
                if !elsewhere && !out.iter().any(|(_, g)| same_value(f.value, g.value)) {
                    out.push((i, f.clone()));
                }
            }
        }
        out
    };
    let (lost, gained) = (only(theirs, mine), only(mine, theirs));
    let lf: Vec<&CandidateFigure> = lost.iter().map(|p| &p.1).collect();
    let gf: Vec<&CandidateFigure> = gained.iter().map(|p| &p.1).collect();
    let (x, y) = one_for_one(&lf, &gf)?;
    let (x, y) = (*x, *y);
    let j = &lost.iter().find(|p| std::ptr::eq(&p.1, x))?.0;
    let i = &gained.iter().find(|p| std::ptr::eq(&p.1, y))?.0;
    // The two sentences stand at about the same place of their documents.
    let rel = |c: &ClaimCandidate| c.position as f64 / c.sentences.max(1) as f64;
    if (rel(cands[*i]) - rel(cands[*j])).abs() > DOCUMENT_CHANGE_SPAN {
        return None;
    }
    let figs = figure_change(x, &cands[*j].document, y, &cands[*i].document);
    (!figs.is_empty()).then_some((*i, *j, figs))
}

/// How far apart (share of the document) the sentences of a figure changed over the whole
/// documents may be.
const DOCUMENT_CHANGE_SPAN: f64 = 0.1;

/// Whether two values differ by an exact power of ten of 10⁴ or more (142 and 142,000,000):
/// a scale word read on one side and not on the other is likelier than a report that changed
/// the figure so.
fn scale_misread(a: f64, b: f64) -> bool {
    let (lo, hi) = if a.abs() <= b.abs() {
        (a.abs(), b.abs())
    } else {
        (b.abs(), a.abs())
    };
    if lo == 0.0 {
        return false;
    }
    let r = hi / lo;
    let k = r.log10().round();
    k >= 4.0 && (r - 10f64.powf(k)).abs() <= 1e-6 * r
}

/// The smaller of two counts over the larger (1 when both are 0).
fn ratio(a: usize, b: usize) -> f64 {
    if a.max(b) == 0 {
        1.0
    } else {
        a.min(b) as f64 / a.max(b) as f64
    }
}

/// Documents in different languages are compared as parallel only when their sentence
/// counts and candidate counts are this close (smaller over larger) …
const PARALLEL_SHAPE: f64 = 0.8;
/// … and at least this share of the larger one's candidates is aligned.
const PARALLEL_SHARE: f64 = 0.8;
/// Parallel documents with this many aligned statements count as versions of one article
/// (one independent source); with fewer, only their changed figures are reported.
const PARALLEL_MIN_STATEMENTS: usize = 3;
/// Documents that make at least this many statements together, and at least this share of
/// the statements of the one that makes more, count as one source …
const COPY_MIN_STATEMENTS: usize = 3;
const COPY_SHARE: f64 = 0.5;
/// Documents whose statements made together all stand at the same place of both (within
/// `SAME_PLACE`, a share of the document), at least this many and this share of the statements
/// of the one that makes fewer, are versions of one article no link names.
const VERSION_MIN_STATEMENTS: usize = 2;
const SAME_PLACE: f64 = 0.1;
/// … counted over claims of at most this many documents (a statement every document makes
/// tells nothing about which copies which).
const MAX_COPY_GROUP: usize = 32;
/// Candidate pairs the search for parallel documents of one event may compare in all.
const MAX_PARALLEL_WORK: usize = 200_000;

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

/// Figures with the same unit and subject whose values differ between independent sources,
/// beyond rounding: key → the values with their sources. Only figures in a known unit are
/// compared across documents (a bare count could be of anything).
fn disagreements(cands: &[&ClaimCandidate], versions: &Versions) -> FxHashMap<String, Vec<Figure>> {
    // Per key, each value with the candidates that give it.
    let mut by_key: FxHashMap<String, Vec<(Figure, Vec<usize>)>> = FxHashMap::default();
    for (ci, c) in cands.iter().enumerate() {
        let unit_figures = c.figures.iter().filter(|f| f.unit.is_some()).count();
        for f in c.figures.iter().filter(|f| f.unit.is_some()) {
            // Keyed by the subject's words (one language) and by the entities the sentence
            // names (any language).
            let mut keys = Vec::new();
            if f.subject.is_some() {
                keys.push(figure_key(f));
            }
            if c.entities.len() >= 2 && unit_figures == 1 {
                keys.push(entity_key(f, c));
            }
            for key in keys {
                let list = by_key.entry(key).or_default();
                match list.iter_mut().find(|(x, _)| rounding_of(x.value, f.value)) {
                    Some((x, who)) => {
                        if !x.sources.contains(&c.document) {
                            x.sources.push(c.document.clone());
                        }
                        who.push(ci);
                    }
                    None => list.push((
                        Figure {
                            value: f.value,
                            unit: f.unit.clone(),
                            subject: f.subject.clone(),
                            sources: vec![c.document.clone()],
                        },
                        vec![ci],
                    )),
                }
            }
        }
    }
    by_key
        .into_iter()
        .filter_map(|(k, list)| {
            // Two values given by independent sources.
            let independent = list.iter().enumerate().any(|(i, (_, a))| {
                list[i + 1..].iter().any(|(_, b)| {
                    a.iter()
                        .any(|&x| b.iter().any(|&y| !versions.same_source(cands[x], cands[y])))
                })
            });
            independent.then(|| (k, list.into_iter().map(|(f, _)| f).collect()))
        })
        .collect()
}
