//! Quotes: direct speech in any quotation marks ("" “” « » 「」 『』 „“) and clear indirect
//! speech ("X said that …", "…, X said.", "据…报道", "… заявил, что …"), each with its speaker
//! resolved to an entity of the document where possible and the outlet the words were given to
//! ("told the Global Times", "according to TASS", "in an interview with …", "据塔斯社报道",
//! "сообщает ТАСС").
//!
//! The speaker is looked for next to a speech verb around the quote: a named mention ("Li
//! noted"), a pronoun (the most recent person), a description seen earlier with a name ("the
//! Russian president"), or, failing all, the words before the verb as written ("officials").
//! A quote without an outlet of its own inherits the one its speaker was quoted through in the
//! paragraphs just before.

use std::ops::Range;
use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

use lang::Lang;
use model::{EntityKind, Quote};

use crate::doc::{lowercase, tokens, Para};
use crate::entities::{DocEntities, DocEntity};

/// A quote with where it and its speaker stand.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundQuote {
    pub quote: Quote,
    pub para: usize,
    /// Byte range of the quoted (or reported) words in the paragraph.
    pub span: Range<usize>,
    /// Where the speaker is named, when it is (paragraph, byte range).
    pub speaker_at: Option<(usize, Range<usize>)>,
    /// In quotation marks (direct) or reported (indirect).
    pub direct: bool,
    /// Entity index of the speaker, when resolved.
    pub speaker_entity: Option<usize>,
    /// Which rule chose the speaker ("name-before-verb", "pronoun", …; empty when none did).
    pub why: &'static str,
}

/// The document's entities as attribution reads them: with the paragraphs (for sentence
/// bounds) and the gender the text gives each person, so a pronoun finds its antecedent.
struct Ents<'a> {
    doc: &'a DocEntities,
    paras: &'a [Para],
    /// Per entity: `Some(true)` female, `Some(false)` male, `None` when the text does not say.
    female: Vec<Option<bool>>,
}

impl Ents<'_> {
    /// The person mentioned last before `(paragraph, offset)` that `matches`.
    fn last_person_before(
        &self,
        before: (usize, usize),
        matches: impl Fn(&DocEntity) -> bool,
    ) -> Option<usize> {
        self.doc
            .before(before.0, before.1)
            .iter()
            .rev()
            .map(|m| m.entity)
            .find(|&e| {
                let person = &self.entities[e];
                person.kind == EntityKind::Person && matches(person)
            })
    }
}

impl std::ops::Deref for Ents<'_> {
    type Target = DocEntities;
    fn deref(&self) -> &DocEntities {
        self.doc
    }
}

/// The speech verbs of a language's pack (none without a pack).
fn speech_verbs(l: Lang) -> &'static [String] {
    lang::pack(l)
        .map(|p| p.items("speech-verb"))
        .unwrap_or_default()
}

/// Whether a lowercase title (without its full stop) is a woman's (`Some(true)`) or a man's
/// (`Some(false)`) in any pack (`title.female`, `title.male`): the word before a name says it.
fn title_gender(title: &str) -> Option<bool> {
    static TITLES: OnceLock<FxHashMap<&'static str, bool>> = OnceLock::new();
    let t = TITLES.get_or_init(|| {
        let mut m = FxHashMap::default();
        for p in lang::pack_langs().into_iter().filter_map(lang::pack) {
            for (key, female) in [("title.male", false), ("title.female", true)] {
                for w in p.items(key) {
                    m.insert(w.as_str(), female);
                }
            }
        }
        m
    });
    t.get(title).copied()
}

const FEMALE_WORDS: &[&str] = &["she", "her", "hers", "herself", "она", "её", "ее", "ей"];
const MALE_WORDS: &[&str] = &["he", "him", "his", "himself", "он", "его", "ему"];

impl<'a> Ents<'a> {
    /// Gender from titles ("Mrs.", "Chairwoman") and from pronouns in sentences that name
    /// one person only ("Warren said she …").
    fn new(doc: &'a DocEntities, paras: &'a [Para]) -> Self {
        let mut votes = vec![(0u32, 0u32); doc.entities.len()];
        // The gendered pronouns of a sentence (paragraph, start), counted once.
        let mut pronouns: FxHashMap<(usize, usize), (u32, u32)> = FxHashMap::default();
        for m in &doc.mentions {
            let (Some(p), Some(v)) = (paras.get(m.para), votes.get_mut(m.entity)) else {
                continue;
            };
            if doc.entities[m.entity].kind != EntityKind::Person || m.span.end > p.text.len() {
                continue;
            }
            let title = p.text[..m.span.start]
                .split_whitespace()
                .next_back()
                .unwrap_or("")
                .trim_end_matches('.')
                .to_lowercase();
            match title_gender(&title) {
                Some(true) => v.0 += 2,
                Some(false) => v.1 += 2,
                None => {}
            }
            let s = p.sentence_at(m.span.start);
            let people = doc
                .within(m.para, s.clone())
                .filter(|o| doc.entities[o.entity].kind == EntityKind::Person)
                .any(|o| o.entity != m.entity);
            if people {
                continue;
            }
            let (f, m) = *pronouns.entry((m.para, s.start)).or_insert_with(|| {
                let sentence = &p.text[s.clone()];
                if p.is_zh() {
                    return (
                        u32::from(sentence.contains('她')),
                        u32::from(sentence.contains('他')),
                    );
                }
                let (mut f, mut m) = (0, 0);
                for w in sentence.split(|c: char| !c.is_alphabetic()) {
                    let w = lowercase(w);
                    f += u32::from(FEMALE_WORDS.contains(&&*w));
                    m += u32::from(MALE_WORDS.contains(&&*w));
                }
                (f, m)
            });
            v.0 += f;
            v.1 += m;
        }
        let female = votes
            .iter()
            .map(|&(f, m)| match f.cmp(&m) {
                std::cmp::Ordering::Greater => Some(true),
                std::cmp::Ordering::Less => Some(false),
                std::cmp::Ordering::Equal => None,
            })
            .collect();
        Ents { doc, paras, female }
    }

    /// The person a pronoun at (`para`, `at`) refers to: of the people whose gender fits, the
    /// subject (first named) of the pronoun's own sentence before it, else of the nearest
    /// sentence before that names one, up to three paragraphs back.
    fn antecedent(&self, para: usize, at: usize, female: Option<bool>) -> Option<usize> {
        let fits = |e: usize| {
            self.doc.entities[e].kind == EntityKind::Person
                && (female.is_none()
                    || self.female.get(e).copied().flatten().is_none()
                    || self.female[e] == female)
        };
        let sentence_start = |para: usize, at: usize| {
            self.paras
                .get(para)
                .map_or(0, |p| p.sentence_at(at).start.min(at))
        };
        let before = self.doc.before(para, at);
        // The mentions of the last three paragraphs before (in text order, so a slice).
        let near = &before[before.partition_point(|m| m.para + 3 < para)..];
        near.iter()
            .filter(|m| fits(m.entity))
            .max_by_key(|m| {
                (
                    m.para,
                    sentence_start(m.para, m.span.start),
                    std::cmp::Reverse(m.span.start),
                )
            })
            .or_else(|| before.iter().rev().find(|m| fits(m.entity)))
            .map(|m| m.entity)
    }
}

/// The gender a pronoun gives: `Some(true)` for she, `Some(false)` for he.
fn pronoun_gender(w: &str) -> Option<bool> {
    let w = w.to_lowercase();
    if FEMALE_WORDS.contains(&w.as_str()) || w == "她" {
        Some(true)
    } else if MALE_WORDS.contains(&w.as_str()) || w == "他" {
        Some(false)
    } else {
        None
    }
}

/// Capitalised words after a speech verb that name no speaker, besides the days and months
/// ([`is_not_name`]).
const NOT_NAMES: &[&str] = &[
    "today",
    "yesterday",
    "tonight",
    "last",
    "next",
    "this",
    "after",
    "before",
    "in",
    "on",
    "at",
    "the",
    "a",
    "an",
];

/// Whether a lowercase word is a weekday or a month name: a clause starting with one ("Monday,
/// …", "December 5 …") is not a speaker written out. (This once held
/// the weekdays and January to May only, a slice of an older word list; all twelve months
/// score the same on the enrichment eval and PolNeAR dev, and are what the rule means.)
fn starts_with_day_or_month(lower: &str) -> bool {
    use lang::calendar::{is_weekday_en, MONTHS_EN};
    is_weekday_en(lower) || MONTHS_EN.contains(&lower)
}

/// Whether a lowercase word names no speaker: a day, a month or one of [`NOT_NAMES`].
fn is_not_name(lower: &str) -> bool {
    use lang::calendar::{is_weekday_en, MONTHS_EN};
    is_weekday_en(lower) || MONTHS_EN.contains(&lower) || NOT_NAMES.contains(&lower)
}

/// Whether a period in `clause` ends a sentence: after an ordinary lowercase word of three
/// letters or more (not after an initial, a title such as "Sen." or "(D-Mo.)").
fn has_sentence_break(clause: &str) -> bool {
    clause.contains(['?', '!'])
        || clause.split_whitespace().any(|w| {
            w.ends_with('.')
                && w.chars().next().is_some_and(char::is_lowercase)
                && w.chars().filter(|c| c.is_alphabetic()).count() >= 3
        })
}

/// Whether a lowercase word is a speech verb of a pack written with spaces (asked of every word
/// of every sentence: one set lookup instead of scanning the lists).
fn is_speech_verb(word: &str) -> bool {
    static VERBS: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    VERBS
        .get_or_init(|| {
            lang::pack_langs()
                .into_iter()
                .filter(|l| !l.is_chinese())
                .filter_map(lang::pack)
                .flat_map(|p| p.items("speech-verb"))
                .map(String::as_str)
                .collect()
        })
        .contains(word)
}

/// Quotation mark pairs.
fn closer(open: char) -> Option<char> {
    Some(match open {
        '“' => '”',
        '«' => '»',
        '「' => '」',
        '『' => '』',
        '„' => '“',
        '"' => '"',
        _ => return None,
    })
}

/// Whether `c` closes a quotation.
fn closer_of(c: char) -> Option<char> {
    matches!(c, '”' | '»' | '」' | '』' | '"' | '“').then_some(c)
}

/// Byte ranges of quoted passages (marks included) in a paragraph.
///
/// Linear in the paragraph: an opening mark whose closer is not found further on is not
/// looked for again after a later mark of the same kind (there is none after it either), so
/// a paragraph of unmatched marks is read once per kind of mark, not once per mark.
fn quoted_spans(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    // Opening marks that found no closer after them.
    let mut unclosed: Vec<char> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (at, ch) = chars[i];
        let Some(close) = closer(ch) else {
            i += 1;
            continue;
        };
        if at > 0 && unclosed.contains(&ch) {
            i += 1;
            continue;
        }
        // A curly opening mark closed by a straight one ("“…,\"") still pairs.
        let closes = |c: char| c == close || ch == '“' && c == '"';
        let found = chars[i + 1..].iter().position(|&(_, c)| closes(c));
        if found.is_none() {
            unclosed.push(ch);
        }
        match found {
            Some(k) => {
                let (end_at, end_ch) = chars[i + 1 + k];
                out.push(at..end_at + end_ch.len_utf8());
                i = i + 2 + k;
            }
            // A quote running on into the next paragraph leaves its closing mark off.
            None if at == 0 => {
                out.push(at..text.len());
                break;
            }
            None => i += 1,
        }
    }
    out
}

fn long_enough(content: &str, zh: bool) -> bool {
    if zh {
        content.chars().filter(|&c| crate::names::is_han(c)).count() >= 6
    } else {
        content.split_whitespace().count() >= 4
    }
}

/// Most quotes kept of a document (the first, in text order); the paragraphs after the one
/// that reaches it are not looked at.
pub const MAX_QUOTES: usize = 1000;

/// Find the quotes of a document; a note goes to `capped` when it has more than
/// [`MAX_QUOTES`].
pub fn quotes(
    document: &str,
    paras: &[Para],
    ents: &DocEntities,
    capped: &mut Vec<String>,
) -> Vec<FoundQuote> {
    let ents = &Ents::new(ents, paras);
    let mut out: Vec<FoundQuote> = Vec::new();
    // The paragraph where the cap stopped the search, if it did.
    let mut stopped: Option<usize> = None;
    for p in paras {
        if out.len() >= MAX_QUOTES {
            stopped = Some(p.index);
            break;
        }
        let spans = quoted_spans(&p.text);
        let mut direct_sentences: Vec<Range<usize>> = Vec::new();
        // The outlet the paragraph names outside its quotes (the same for each of its quotes).
        let mut para_via_outside: Option<Option<String>> = None;
        for span in &spans {
            let inner_start = span.start
                + p.text[span.start..]
                    .chars()
                    .next()
                    .map_or(0, char::len_utf8);
            let last = p.text[..span.end].chars().last();
            let closed = span.end - span.start > 1 && last.and_then(closer_of).is_some();
            let inner_end = if closed {
                span.end - last.map_or(0, char::len_utf8)
            } else {
                span.end
            };
            if inner_end <= inner_start {
                continue;
            }
            let content = p.text[inner_start..inner_end]
                .trim()
                .trim_end_matches([',', '，'])
                .trim();
            if !long_enough(content, p.is_zh()) {
                continue;
            }
            let sentence = p.sentence_at(span.start);
            direct_sentences.push(sentence.start.min(span.start)..sentence.end.max(span.end));
            let mut attribution = transcript_speaker(p, inner_start, ents)
                .unwrap_or_else(|| attribute(p, span.clone(), &spans, ents));
            if attribution.speaker.is_none() && span.start == 0 {
                // A paragraph that is all quote continues the speaker quoted just before.
                let prev = out
                    .iter()
                    .rev()
                    .take_while(|q| q.para + 1 >= p.index)
                    .find(|q| q.direct && q.para + 1 == p.index);
                if let Some(prev) = prev {
                    attribution = Attribution {
                        speaker: prev.quote.speaker.clone(),
                        entity: prev.speaker_entity,
                        at: None,
                        via: prev.quote.via.clone(),
                        why: "continuation",
                    };
                }
            }
            let via = attribution.via.clone().or_else(|| {
                para_via_outside
                    .get_or_insert_with(|| via_in(p, 0..p.text.len(), ents, &spans))
                    .clone()
            });
            out.push(FoundQuote {
                quote: Quote {
                    document: document.to_string(),
                    speaker: attribution.speaker.clone(),
                    text: content.to_string(),
                    via,
                    direct: true,
                },
                para: p.index,
                span: inner_start..inner_end,
                speaker_at: attribution.at.clone().map(|r| (p.index, r)),
                direct: true,
                speaker_entity: attribution.entity,
                why: attribution.why,
            });
        }
        // Indirect speech in sentences without a direct quote.
        for s in &p.sentences {
            if direct_sentences
                .iter()
                .any(|d| d.start < s.end && s.start < d.end)
            {
                continue;
            }
            if let Some(q) = indirect(document, p, s.clone(), ents) {
                out.push(q);
            }
        }
    }
    out.sort_by_key(|q| (q.para, q.span.start));
    if out.len() > MAX_QUOTES || stopped.is_some() {
        let left = stopped.map_or(0, |k| paras.len() - k);
        capped.push(format!(
            "only the first {MAX_QUOTES} quotes were kept (MAX_QUOTES); {left} of {} \
             paragraphs were not looked at for quotes",
            paras.len()
        ));
        out.truncate(MAX_QUOTES);
    }
    resolve_unnamed_speakers(&mut out, paras, ents);
    // Inherit the outlet a speaker was just quoted through, or that a paragraph naming the
    // speaker just before gives ("…, he said, according to TASS.").
    // (Each paragraph's outlet is looked for when a quote first asks for it.)
    let para_via: Vec<std::cell::OnceCell<Option<String>>> =
        paras.iter().map(|_| std::cell::OnceCell::new()).collect();
    let para_via_at = |k: usize| -> Option<&Option<String>> {
        let p = paras.get(k)?;
        Some(para_via[k].get_or_init(|| via_in(p, 0..p.text.len(), ents, &[])))
    };
    for i in 0..out.len() {
        if out[i].quote.via.is_some() {
            continue;
        }
        let Some(e) = out[i].speaker_entity else {
            continue;
        };
        let para = out[i].para;
        let from_quote = out[..i]
            .iter()
            .rev()
            .take_while(|q| para - q.para <= 3)
            .find(|q| q.speaker_entity == Some(e))
            .map(|q| (q.para, q.quote.via.clone()));
        let from_para = (para.saturating_sub(3)..para)
            .rev()
            .find(|&k| {
                para_via_at(k).is_some_and(Option::is_some)
                    && ents.in_para(k).iter().any(|m| m.entity == e)
            })
            .map(|k| (k, para_via_at(k).cloned().flatten()));
        let inherited = match (from_quote, from_para) {
            (Some((qa, qv)), Some((pa, pv))) => {
                if pa > qa && qv.is_none() {
                    pv
                } else {
                    qv
                }
            }
            (Some((_, qv)), None) => qv,
            (None, Some((_, pv))) => pv,
            (None, None) => None,
        };
        out[i].quote.via = inherited;
    }
    out
}

#[derive(Debug, Default, Clone)]
struct Attribution {
    /// Which rule chose the speaker (for diagnostics).
    why: &'static str,
    speaker: Option<String>,
    entity: Option<usize>,
    at: Option<Range<usize>>,
    via: Option<String>,
}

/// Paragraphs back that a speaker left as a pronoun may take the last named speaker from.
const SPEAKER_CARRY_PARAS: usize = 3;

/// Whether a speaker as written names nobody: it has no letter (`''`, `—`), or each of its
/// words is a stopword of its language's pack (`he`, `it`, `they`, `По`).
fn names_nobody(speaker: &str, lang: &str) -> bool {
    if !speaker.chars().any(char::is_alphabetic) {
        return true;
    }
    let Some(pack) = lang::pack(Lang::parse(lang)) else {
        return false;
    };
    speaker
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .all(|w| pack.is_stopword(&w))
}

/// A speaker is never a pronoun or a punctuation mark: one the rules left as written is the
/// last speaker named (a person or organisation) in the paragraphs just before, else unknown.
fn resolve_unnamed_speakers(out: &mut [FoundQuote], paras: &[Para], ents: &Ents) {
    let mut last: Option<(usize, String, Option<usize>)> = None;
    for q in out.iter_mut() {
        let Some(s) = q.quote.speaker.clone() else {
            continue;
        };
        let lang = paras
            .iter()
            .find(|p| p.index == q.para)
            .map_or("und", |p| p.lang.as_str());
        let named = match q.speaker_entity {
            Some(e) => matches!(
                ents.entities[e].kind,
                EntityKind::Person | EntityKind::Organization
            ),
            None => !names_nobody(&s, lang),
        };
        if named {
            last = Some((q.para, s, q.speaker_entity));
            continue;
        }
        if q.speaker_entity.is_some() {
            continue;
        }
        match &last {
            Some((para, name, e)) if q.para - para <= SPEAKER_CARRY_PARAS => {
                q.quote.speaker = Some(name.clone());
                q.speaker_entity = *e;
                q.why = "unnamed-last-named";
            }
            _ => {
                q.quote.speaker = None;
                q.speaker_at = None;
                q.why = "";
            }
        }
    }
}

/// A transcript line inside the marks: "PENCE: Well, look, …" names its speaker in capitals.
fn transcript_speaker(p: &Para, inner_start: usize, ents: &Ents) -> Option<Attribution> {
    // The name is a few words: the colon is looked for near the mark only.
    let rest = head_chars(&p.text[inner_start..], 100);
    let colon = rest.find(':')?;
    let name = &rest[..colon];
    let words = name.split_whitespace().count();
    let caps = name.chars().any(char::is_alphabetic)
        && name
            .chars()
            .all(|c| c.is_uppercase() || c == ' ' || c == '.' || c == '-' || c == '\'');
    if !(1..=3).contains(&words) || !caps || name.chars().filter(|c| c.is_alphabetic()).count() < 2
    {
        return None;
    }
    let lower = name.to_lowercase();
    let entity = ents.mentions.iter().map(|m| m.entity).find(|&e| {
        ents.entities[e].kind == EntityKind::Person
            && ents.entities[e]
                .name
                .to_lowercase()
                .split_whitespace()
                .last()
                == lower.split_whitespace().last()
    });
    Some(Attribution {
        speaker: Some(entity.map_or_else(|| name.to_string(), |e| ents.entities[e].id.clone())),
        entity,
        at: Some(inner_start..inner_start + name.len()),
        via: None,
        why: "transcript",
    })
}

/// Who said the quote at `span`: the speech verb nearest the quote in the text around it.
fn attribute(p: &Para, span: Range<usize>, spans: &[Range<usize>], ents: &Ents) -> Attribution {
    let text = &p.text;
    // (The spans are in text order and do not overlap: their ends are in order too.)
    let next_quote = spans
        .get(spans.partition_point(|s| s.start < span.end))
        .map_or(text.len(), |s| s.start);
    let prev_quote = spans
        .partition_point(|s| s.end <= span.start)
        .checked_sub(1)
        .map_or(0, |k| spans[k].end);
    // After the quote, to the end of its sentence (or the next quote).
    let sentence_end = p.sentence_at(span.end.saturating_sub(1)).end;
    let after_end = sentence_end.max(span.end).min(next_quote);
    let after_end = extend_sentence(p, span.end, after_end, next_quote);
    if let Some(a) = find_attribution(p, span.end..after_end, ents, Side::After, span.start) {
        return a;
    }
    // Before the quote, from the start of its sentence (or the previous quote).
    let s = p.sentence_at(span.start);
    let from = if s.start >= span.start {
        // The quote starts its sentence: look at the sentence before.
        p.sentences
            .partition_point(|x| x.end <= span.start)
            .checked_sub(1)
            .map_or(0, |k| p.sentences[k].start)
    } else {
        s.start
    };
    let from = from.max(prev_quote);
    if let Some(a) = find_attribution(p, from..span.start, ents, Side::Before, span.start) {
        return a;
    }
    // No speech verb: the subject of the quote's sentence ("Pruitt called it “an invasion”"),
    // a person named before the quote, or a sentence-initial he/she.
    let s = p.sentence_at(span.start);
    if s.start < span.start && !p.is_zh() {
        let first = ents
            .within(p.index, s.start..span.start)
            .find(|m| ents.entities[m.entity].kind == EntityKind::Person);
        if let Some(m) = first {
            return Attribution {
                speaker: Some(ents.entities[m.entity].id.clone()),
                entity: Some(m.entity),
                at: Some(m.span.clone()),
                via: None,
                why: "subject-no-verb",
            };
        }
        let head = text[s.start..span.start]
            .split_whitespace()
            .next()
            .unwrap_or("");
        if matches!(head, "He" | "She") {
            if let Some(e) = ents.antecedent(p.index, s.start, pronoun_gender(head)) {
                return Attribution {
                    speaker: Some(ents.entities[e].id.clone()),
                    entity: Some(e),
                    at: Some(s.start..s.start + head.len()),
                    via: None,
                    why: "he-she-no-verb",
                };
            }
        }
    }
    Attribution::default()
}

/// The end of the attribution after a quote: to the sentence end, stopping at the next quote.
fn extend_sentence(p: &Para, from: usize, end: usize, next_quote: usize) -> usize {
    let text = &p.text;
    let mut e = end.max(from);
    if e <= from + 1 {
        // The quote ended its sentence ("…," he said. → the closing mark is in the sentence).
        if let Some(s) = p
            .sentences
            .get(p.sentences.partition_point(|s| s.start < from))
        {
            e = s.end;
        }
    }
    e.min(next_quote).min(text.len())
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Side {
    Before,
    After,
}

/// Look for a speech verb and its subject in `range` of the paragraph.
fn find_attribution(
    p: &Para,
    range: Range<usize>,
    ents: &Ents,
    side: Side,
    quote_at: usize,
) -> Option<Attribution> {
    if range.start >= range.end {
        return None;
    }
    let text = &p.text;
    let ctx = &text[range.clone()];
    if side == Side::After {
        // "“…” ― Pamela Padilla"
        let t = ctx.trim_start_matches([',', ' ', '\u{a0}']);
        if let Some(rest) = t.strip_prefix(['―', '—', '–']) {
            let rest_t = rest.trim_start();
            let at = range.start + (ctx.len() - rest_t.len());
            if let Some(a) = name_run(p, at, ents) {
                return Some(a);
            }
        }
    }
    // The outlet named in the range, looked for once a speaker is found.
    let via = || via_in(p, range.clone(), ents, &[]);
    if p.is_zh() {
        return zh_attribution(p, range.clone(), ents, side, quote_at, None).map(|mut a| {
            a.via = a.via.or_else(via);
            a
        });
    }
    let toks = tokens(ctx);
    let verbs: Vec<usize> = toks
        .iter()
        .enumerate()
        .filter(|(_, t)| is_speech_verb(&lowercase(t.text)))
        .map(|(i, _)| i)
        .collect();
    // Nearest verb to the quote first.
    let mut order = verbs.clone();
    if side == Side::Before {
        order.reverse();
    }
    for v in order {
        let vt = toks[v];
        let v_start = range.start + vt.start;
        let v_end = range.start + vt.end;
        if let Some(mut a) = subject_of(p, range.clone(), v_start, v_end, ents, 0) {
            a.via = a.via.or_else(via);
            return Some(a);
        }
    }
    None
}

const PRONOUNS_PERSON: &[&str] = &["he", "she", "он", "она"];

/// The subject of the speech verb at `v_start..v_end`.
fn subject_of(
    p: &Para,
    range: Range<usize>,
    v_start: usize,
    v_end: usize,
    ents: &Ents,
    depth: u8,
) -> Option<Attribution> {
    let text = &p.text;
    let resolved = |e: usize, at: Range<usize>, why: &'static str| Attribution {
        speaker: Some(ents.entities[e].id.clone()),
        entity: Some(e),
        at: Some(at),
        via: None,
        why,
    };
    let is_speaker_kind = |e: usize| {
        matches!(
            ents.entities[e].kind,
            EntityKind::Person | EntityKind::Organization
        )
    };
    let verb_word = text[v_start..v_end].to_lowercase();
    // "…, saying …" / "…, adding …": the speaker is the subject of the main clause.
    if matches!(verb_word.as_str(), "saying" | "adding" | "asking") && depth == 0 {
        let s = p.sentence_at(v_start);
        let first = ents
            .within(p.index, s.start..v_start)
            .find(|m| is_speaker_kind(m.entity));
        if let Some(m) = first {
            let gap = &text[s.start..m.span.start];
            if gap.split_whitespace().count() <= 4 {
                return Some(resolved(m.entity, m.span.clone(), "participle-subject"));
            }
        }
        let head = text[s.start..v_start]
            .split_whitespace()
            .next()
            .unwrap_or("");
        if let Some(g) = pronoun_gender(head).filter(|_| matches!(head, "He" | "She")) {
            if let Some(e) = ents.antecedent(p.index, s.start, Some(g)) {
                return Some(resolved(
                    e,
                    s.start..s.start + head.len(),
                    "participle-pronoun",
                ));
            }
        }
    }
    // A name right before the verb, possibly with an apposition between ("Wei Jinshen, a …,
    // said"; "Li Haidong, a professor at …, told"): the nearest person whose gap to the verb is
    // short or a whole apposition; an organisation right before the verb as a fallback.
    let before: Vec<_> = ents
        .within(p.index, range.start..v_start)
        .filter(|m| is_speaker_kind(m.entity))
        .collect();
    let mut fallback = None;
    for m in before.iter().rev() {
        let gap = &text[m.span.end..v_start];
        let words = gap.split_whitespace().count();
        let short = words <= 2 && !gap.contains([',', '.', ';', '"', '“', '”']);
        let apposition = gap.trim_start().starts_with(',')
            && gap.trim_end().ends_with(',')
            && words <= 30
            && !gap.contains(['.', '"', '“', '”']);
        if !(short || apposition) {
            continue;
        }
        if ents.entities[m.entity].kind == EntityKind::Person {
            return Some(resolved(m.entity, m.span.clone(), "name-before-verb"));
        }
        if short && fallback.is_none() {
            fallback = Some(resolved(m.entity, m.span.clone(), "org-before-verb"));
        }
    }
    if let Some(f) = fallback {
        return Some(f);
    }
    let pre = &text[range.start..v_start];
    let pre_words: Vec<&str> = pre.split_whitespace().collect();
    // Pronoun: "he said", "he also said"; "they said", "it wrote" as written.
    for w in pre_words.iter().rev().take(2) {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        let lw = w.to_lowercase();
        let Some(span) = pronoun_span(text, range.start, v_start) else {
            if matches!(lw.as_str(), "they" | "it" | "we" | "i") && pre_words.last() == Some(&w) {
                let at = range.start + pre.rfind(w).unwrap_or(0);
                return Some(Attribution {
                    speaker: Some(w.to_string()),
                    entity: None,
                    at: Some(at..at + w.len()),
                    via: None,
                    why: "pronoun-as-written",
                });
            }
            continue;
        };
        if PRONOUNS_PERSON.contains(&lw.as_str()) {
            // "Lynch said she recalled …": the pronoun opens a reported clause; the speaker is
            // the subject of the verb that reports it.
            let before = text[range.start..span.start].trim_end();
            let prev = before
                .rsplit(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or("")
                .to_lowercase();
            if depth == 0 && before.len() > prev.len() && speech_verbs(Lang::EN).contains(&prev) {
                let pv_end = range.start + before.len();
                let pv_start = pv_end - prev.len();
                if let Some(a) = subject_of(p, range.clone(), pv_start, pv_end, ents, 1) {
                    return Some(a);
                }
            }
            return Some(
                match ents.antecedent(p.index, span.start, pronoun_gender(&lw)) {
                    Some(e) => resolved(e, span.clone(), "pronoun"),
                    None => Attribution {
                        speaker: Some(w.to_string()),
                        entity: None,
                        at: Some(span.clone()),
                        via: None,
                        why: "pronoun-unresolved",
                    },
                },
            );
        }
    }
    let verb = text[v_start..v_end].to_lowercase();
    let addressee = matches!(verb.as_str(), "told" | "tells" | "according" | "asked");
    // The clause before the verb, back to the quote or a punctuation mark.
    let clause_start = pre
        .rfind([',', '"', '”', '“', '»', '—', ';', ':'])
        .map(|i| after_char(pre, i))
        .unwrap_or(0);
    let clause = pre[clause_start..].trim();
    // Inverted ("…,” said Xi; "— заявил Путин"): nothing stands between the quote and the verb.
    let inverted = clause.is_empty()
        || clause
            .split_whitespace()
            .all(|w| matches!(w.to_lowercase().as_str(), "also" | "then" | "later" | "—"));
    // "…,” Vann R. Newkirk II, a writer for The Atlantic, said": a name, then an apposition
    // closed by a comma right before the verb.
    if clause.is_empty() && pre.trim_end().ends_with(',') {
        let lead = pre.len() - pre.trim_start_matches([',', ' ', '\u{a0}']).len();
        let head = &pre[lead..];
        if let Some(comma) = head.find(',') {
            let name = head[..comma].trim();
            let words = name.split_whitespace().count();
            if (1..=7).contains(&words)
                && name.starts_with(|c: char| c.is_uppercase())
                && !has_sentence_break(name)
                && !is_not_name(&name.split_whitespace().next().unwrap_or("").to_lowercase())
            {
                let at = range.start + lead;
                let found = ents
                    .within(p.index, at..at + comma)
                    .find(|m| is_speaker_kind(m.entity));
                return Some(match found {
                    Some(m) => resolved(m.entity, m.span.clone(), "name-apposition"),
                    None => Attribution {
                        speaker: Some(name.to_string()),
                        entity: None,
                        at: Some(at..at + name.len()),
                        via: None,
                        why: "name-apposition-text",
                    },
                });
            }
        }
    }
    if inverted && !addressee {
        // "said one Democratic source on the panel": a description after the verb.
        let after_text = text[v_end..range.end].trim_start();
        let first = after_text.split_whitespace().next().unwrap_or("");
        if matches!(first, "a" | "an" | "one" | "the" | "two" | "several") {
            let end = after_text
                .find([',', '.', ';', '"', '“', '”'])
                .unwrap_or(after_text.len());
            let desc = after_text[..end].trim();
            if (2..=8).contains(&desc.split_whitespace().count()) {
                let at = v_end + (text[v_end..range.end].len() - after_text.len());
                return Some(Attribution {
                    speaker: Some(desc.to_string()),
                    entity: None,
                    at: Some(at..at + desc.len()),
                    via: None,
                    why: "description-after-verb",
                });
            }
        }
        // After the verb: "said Xi", "заявил Путин".
        let after = ents
            .within(p.index, v_end..range.end)
            .find(|m| is_speaker_kind(m.entity));
        if let Some(m) = after {
            let gap = &text[v_end..m.span.start];
            if gap.split_whitespace().count() <= 2 && !gap.contains(['.', '"', '“', '«']) {
                return Some(resolved(m.entity, m.span.clone(), "name-after-verb"));
            }
        }
        // "said Rep. G.K. Butterfield (D-N.C.)": a name after the verb that is no known entity.
        let after_text = &text[v_end..range.end];
        let lead = after_text.len() - after_text.trim_start().len();
        if after_text
            .trim_start()
            .starts_with(|c: char| c.is_uppercase())
        {
            if let Some(a) = name_run(p, v_end + lead, ents) {
                return Some(a);
            }
        }
    }
    // A description: "the Russian president emphasized".
    let lower = clause.to_lowercase();
    let np = lower
        .strip_prefix("the ")
        .unwrap_or(&lower)
        .trim()
        .to_string();
    if !np.is_empty() {
        if let Some(&e) = ents.descriptors.get(&np) {
            let at = range.start + clause_start..v_start;
            return Some(resolved(e, at, "descriptor"));
        }
    }
    // As written: "officials said", "a source told", "Mr. Podesta said" (a person of the
    // document when the last word is their surname).
    let n = clause.split_whitespace().count();
    if (1..=8).contains(&n) && !has_sentence_break(clause) {
        let offset = pre[clause_start..].find(clause).unwrap_or(0);
        let at = range.start + clause_start + offset;
        let last = clause
            .split_whitespace()
            .rfind(|w| !w.starts_with('('))
            .unwrap_or("")
            .trim_matches(|c: char| !c.is_alphanumeric());
        if last.starts_with(|c: char| c.is_uppercase()) && !is_not_name(&last.to_lowercase()) {
            let by_surname = ents.last_person_before((p.index, v_start), |person| {
                person.name.split_whitespace().last() == Some(last)
            });
            if let Some(e) = by_surname {
                return Some(resolved(e, at..at + clause.len(), "surname"));
            }
        }
        let first = clause
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_lowercase();
        if matches!(
            first.as_str(),
            "it" | "this" | "that" | "they" | "we" | "i" | "you" | "and" | "but"
        ) || starts_with_day_or_month(first.trim_end_matches(','))
            || first == "after"
            || first.ends_with("ly")
            || first.ends_with("ing")
            || clause.split_whitespace().any(|w| {
                matches!(w, "who" | "which" | "that")
                    || speech_verbs(Lang::EN).iter().any(|v| v == w)
            })
        {
            return None;
        }
        return Some(Attribution {
            speaker: Some(clause.to_string()),
            entity: None,
            at: Some(at..at + clause.len()),
            via: None,
            why: "as-written",
        });
    }
    None
}

/// A person named by capitalised words at byte `at` ("Rep. G.K. Butterfield", "Pamela
/// Padilla"): the entity mentioned there, else the words as written.
fn name_run(p: &Para, at: usize, ents: &Ents) -> Option<Attribution> {
    let text = &p.text;
    let in_para = ents.in_para(p.index);
    if let Some(m) = in_para[in_para.partition_point(|m| m.span.start < at)..]
        .first()
        .filter(|m| m.span.start <= at + 12)
    {
        if ents.entities[m.entity].kind == EntityKind::Person {
            return Some(Attribution {
                speaker: Some(ents.entities[m.entity].id.clone()),
                entity: Some(m.entity),
                at: Some(m.span.clone()),
                via: None,
                why: "name-run-entity",
            });
        }
    }
    let rest = &text[at..];
    let first = rest
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("")
        .to_lowercase();
    if is_not_name(&first)
        || rest
            .split(' ')
            .next()
            .is_some_and(|w| w.ends_with("'s") || w.ends_with("’s"))
    {
        return None;
    }
    let mut end = 0;
    let mut n = 0;
    for w in rest.split(' ') {
        let clean = w.trim_end_matches([',', '.', ';', ':', ')']);
        if !clean.starts_with(|c: char| c.is_uppercase()) || n >= 5 {
            break;
        }
        n += 1;
        end += w.len() + 1;
        if w.ends_with([',', ';', ':', ')']) || w.ends_with('.') && clean.len() > 3 {
            break;
        }
    }
    let name = rest[..end.min(rest.len())]
        .trim()
        .trim_end_matches([',', '.', ';', ':'])
        .trim();
    (n >= 1 && !name.is_empty()).then(|| Attribution {
        speaker: Some(name.to_string()),
        entity: None,
        at: Some(at..at + name.len()),
        via: None,
        why: "name-run-text",
    })
}

/// The byte just after the character at `i`.
fn after_char(s: &str, i: usize) -> usize {
    i + s[i..].chars().next().map_or(1, char::len_utf8)
}

fn pronoun_span(text: &str, from: usize, to: usize) -> Option<Range<usize>> {
    let pre = &text[from..to];
    for (i, w) in pre.split_whitespace().rev().take(2).enumerate() {
        let lw = w
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        if PRONOUNS_PERSON.contains(&lw.as_str()) {
            let _ = i;
            let at = pre.rfind(w).map(|k| from + k)?;
            return Some(at..at + w.len());
        }
    }
    None
}

/// Chinese: a speech verb with a name (or 他/她, or a lone surname) right before it.
fn zh_attribution(
    p: &Para,
    range: Range<usize>,
    ents: &Ents,
    side: Side,
    quote_at: usize,
    simplified: Option<&str>,
) -> Option<Attribution> {
    let text = &p.text;
    let ctx = &text[range.clone()];
    // `simplified`: the range in Simplified Chinese, when the caller has converted it already.
    let converted;
    let simplified = match simplified {
        Some(s) => s,
        None => {
            converted = lang::to_simplified(ctx);
            converted.as_str()
        }
    };
    let mut hits: Vec<(usize, usize)> = Vec::new();
    for v in speech_verbs(Lang::ZH_HANS) {
        for (at, _) in simplified.match_indices(v) {
            let orig = original_byte(ctx, simplified, at);
            hits.push((range.start + orig, v.len()));
        }
    }
    hits.sort();
    if side == Side::Before {
        hits.reverse();
    }
    for (v_start, _) in hits {
        let near: Vec<_> = ents
            .within(p.index, range.start..v_start)
            .filter(|m| {
                matches!(
                    ents.entities[m.entity].kind,
                    EntityKind::Person | EntityKind::Organization
                )
            })
            .collect();
        // The subject: the first person of the clause before the verb (普京在与习近平会晤时表示).
        let clause: Vec<_> = near
            .iter()
            .filter(|m| !text[m.span.end..v_start].contains(['。', '，', '：', ':', ',', '；']))
            .collect();
        let pick = clause
            .iter()
            .find(|m| ents.entities[m.entity].kind == EntityKind::Person)
            .or(clause.last())
            .copied()
            .copied();
        if let Some(m) = pick {
            let gap = &text[m.span.end..v_start];
            if gap.chars().count() <= 20 {
                return Some(Attribution {
                    speaker: Some(ents.entities[m.entity].id.clone()),
                    entity: Some(m.entity),
                    at: Some(m.span.clone()),
                    via: None,
                    why: "zh-name",
                });
            }
        }
        let Some((last_at, last)) = text[range.start..v_start].char_indices().next_back() else {
            continue;
        };
        let at = range.start + last_at;
        if last == '他' || last == '她' {
            let _ = quote_at;
            return ents
                .antecedent(p.index, at, pronoun_gender(&last.to_string()))
                .map(|e| Attribution {
                    speaker: Some(ents.entities[e].id.clone()),
                    entity: Some(e),
                    at: Some(at..at + last.len_utf8()),
                    via: None,
                    why: "zh-pronoun",
                });
        }
        // A lone surname: 李指出 → the last person whose Chinese name starts with 李.
        let surname = lang::to_simplified(&last.to_string());
        let by_surname = ents.last_person_before((p.index, v_start), |person| {
            person.aliases.iter().any(|(l, names)| {
                Lang::parse(l).is_chinese()
                    && names.iter().any(|n| {
                        n.chars().count() >= 2 && lang::to_simplified(n).starts_with(&surname)
                    })
            })
        });
        if let Some(e) = by_surname {
            return Some(Attribution {
                speaker: Some(ents.entities[e].id.clone()),
                entity: Some(e),
                at: Some(at..at + last.len_utf8()),
                via: None,
                why: "zh-surname",
            });
        }
    }
    None
}

fn original_byte(original: &str, converted: &str, at: usize) -> usize {
    let nth = converted[..at.min(converted.len())].chars().count();
    original
        .char_indices()
        .nth(nth)
        .map(|(b, _)| b)
        .unwrap_or(original.len())
}

/// Characters around a name in which [`via_in`] looks for the cue ("according to the"): more
/// than the longest cue.
const CUE_CHARS: usize = 32;

/// The last `n` characters of `text`.
fn tail_chars(text: &str, n: usize) -> &str {
    let at = text
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    &text[at..]
}

/// The first `n` characters of `text`.
fn head_chars(text: &str, n: usize) -> &str {
    let at = text.char_indices().nth(n).map_or(text.len(), |(i, _)| i);
    &text[..at]
}

/// The outlet named in `range` as the one the words were given to or taken from.
fn via_in(p: &Para, range: Range<usize>, ents: &Ents, exclude: &[Range<usize>]) -> Option<String> {
    let text = &p.text;
    let outside = |r: &Range<usize>| !exclude.iter().any(|x| x.start <= r.start && r.end <= x.end);
    for m in ents
        .within(p.index, range.clone())
        .filter(|m| outside(&m.span))
    {
        let e = &ents.entities[m.entity];
        if e.kind != EntityKind::Organization {
            continue;
        }
        // The cues are a few words right before or after the name: only that much of the
        // text around it is lowercased or converted (once per name, whatever the paragraph's
        // length).
        let before = tail_chars(text[range.start..m.span.start].trim_end(), CUE_CHARS);
        let before = before.to_lowercase();
        let before = before.as_str();
        let after = head_chars(text[m.span.end..range.end].trim_start(), CUE_CHARS);
        let en_cue = [
            "told the",
            "told",
            "interview with the",
            "interview with",
            "according to the",
            "according to",
            "speaking to the",
            "speaking to",
            "talking to",
            "quoted by",
            "cited by",
            "in remarks to",
            "in a statement to",
            "wrote in the",
            "writing in the",
        ]
        .iter()
        .any(|c| before.ends_with(c));
        let en_after = !p.is_zh()
            && (after.starts_with("reports")
                || after.starts_with("reported")
                || after.starts_with("said in a report"));
        // (Converted to Simplified only when no other cue tells.)
        let zh_cue = || {
            let b = lang::to_simplified(before.trim_end_matches('《'));
            let a = lang::to_simplified(after.trim_start_matches('》'));
            b.ends_with('据')
                || b.ends_with("告诉")
                || b.ends_with("接受")
                || b.ends_with("对") && a.starts_with("表示")
                || a.starts_with("报道")
                || a.starts_with("专访")
                || a.starts_with("采访")
                || a.starts_with("记者")
        };
        let ru_cue = p.is_ru()
            && [
                "сообщает",
                "передает",
                "передаёт",
                "по данным",
                "в интервью",
                "сообщил",
                "сообщила",
                "рассказал",
                "рассказала",
                "заявил",
                "заявила",
                "пишет",
            ]
            .iter()
            .any(|c| before.ends_with(c));
        if en_cue || en_after || ru_cue || p.is_zh() && zh_cue() {
            return Some(e.name.clone());
        }
    }
    None
}

/// Reported speech in one sentence without quotation marks.
fn indirect(document: &str, p: &Para, s: Range<usize>, ents: &Ents) -> Option<FoundQuote> {
    let text = &p.text;
    let sentence = &text[s.clone()];
    if p.is_zh() {
        return zh_indirect(document, p, s, ents);
    }
    let toks = tokens(sentence);
    for (i, t) in toks.iter().enumerate() {
        let w = lowercase(t.text);
        let is_verb = is_speech_verb(&w);
        if !is_verb || matches!(&*w, "adding" | "saying" | "reported" | "reports") {
            continue;
        }
        let v_start = s.start + t.start;
        let v_end = s.start + t.end;
        let before = sentence[..t.start].trim_end();
        // "…, Xi said." / "…, — заявил Путин." : content before the attribution.
        let tail_form = {
            let clause_start = before
                .rfind([',', '—'])
                .map(|k| after_char(before, k))
                .unwrap_or(0);
            let subject = &before[clause_start..];
            subject.split_whitespace().count() <= 6
                && clause_start > 0
                && (sentence[t.end..].trim_start().starts_with(['.', ','])
                    || sentence[t.end..].trim().is_empty()
                    || toks.len() <= i + 4)
        };
        let Some(a) = subject_of(p, s.clone(), v_start, v_end, ents, 0) else {
            continue;
        };
        if a.entity.is_none() && w == "according" {
            continue;
        }
        let content: Range<usize> = if w == "according" {
            // "According to TASS, …"
            let Some(comma) = sentence[t.end..].find(',') else {
                continue;
            };
            let comma = comma + t.end + 1;
            s.start + comma..s.end
        } else if tail_form {
            let clause_start = before.rfind([',', '—']).unwrap_or(0);
            s.start..s.start + clause_start
        } else {
            // "X said (on Thursday) (that) …"
            let rest = &sentence[t.end..];
            let skip = match rest.find(" that ") {
                Some(k) if k < 60 => k + 6,
                _ => {
                    if ["told", "tells"].contains(&&*w) {
                        continue;
                    }
                    match rest.find(", что ") {
                        Some(k) if k < 60 => k + ", что ".len(),
                        _ => rest.len() - rest.trim_start_matches([',', ' ', ':']).len(),
                    }
                }
            };
            s.start + t.end + skip..s.end
        };
        let c = text[content.clone()]
            .trim()
            .trim_end_matches(['.', ','])
            .trim();
        if c.split_whitespace().count() < 4 {
            continue;
        }
        let via = via_in(p, s.clone(), ents, std::slice::from_ref(&content));
        return Some(FoundQuote {
            quote: Quote {
                document: document.to_string(),
                speaker: a.speaker,
                text: c.to_string(),
                via,
                direct: false,
            },
            para: p.index,
            span: content,
            speaker_at: a.at.map(|r| (p.index, r)),
            direct: false,
            speaker_entity: a.entity,
            why: a.why,
        });
    }
    None
}

fn zh_indirect(document: &str, p: &Para, s: Range<usize>, ents: &Ents) -> Option<FoundQuote> {
    let text = &p.text;
    let sentence = &text[s.clone()];
    // "X表示，…" / "…，X指出。"
    let comma = sentence.find(['，', ','])?;
    let head = &sentence[..comma];
    // The head ends with the verb, or with the verb and the outlet it was told to
    // (王小明告诉《环球时报》).
    let head_s = lang::to_simplified(head);
    let head_core = match head_s.rfind('《') {
        Some(k) if head_s.ends_with('》') => &head_s[..k],
        _ => head_s.as_str(),
    };
    let a = if speech_verbs(Lang::ZH_HANS)
        .iter()
        .any(|v| head_core.ends_with(v.as_str()))
    {
        zh_attribution(
            p,
            s.start..s.start + comma,
            ents,
            Side::Before,
            s.start,
            Some(&head_s),
        )
    } else {
        None
    };
    let (a, content) = match a {
        Some(a) => (
            a,
            s.start
                + comma
                + '，'
                    .len_utf8()
                    .min(sentence[comma..].chars().next()?.len_utf8())..s.end,
        ),
        None => {
            let last = sentence.rfind(['，', ','])?;
            let tail = &sentence[last..];
            let t = lang::to_simplified(tail);
            if !speech_verbs(Lang::ZH_HANS)
                .iter()
                .any(|v| t.contains(v.as_str()))
                || tail.chars().count() > 16
            {
                return None;
            }
            let a = zh_attribution(
                p,
                s.start + last..s.end,
                ents,
                Side::After,
                s.start,
                Some(&t),
            )?;
            (a, s.start..s.start + last)
        }
    };
    let c = text[content.clone()]
        .trim()
        .trim_end_matches(['。', '，'])
        .trim();
    if c.chars().count() < 8 {
        return None;
    }
    let via = via_in(p, s.clone(), ents, &[]);
    Some(FoundQuote {
        quote: Quote {
            document: document.to_string(),
            speaker: a.speaker,
            text: c.to_string(),
            via,
            direct: false,
        },
        para: p.index,
        span: content,
        speaker_at: a.at.map(|r| (p.index, r)),
        direct: false,
        speaker_entity: a.entity,
        why: a.why,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_month_and_weekday_starts_no_speaker() {
        for w in ["monday", "sunday", "january", "may", "june", "december"] {
            assert!(starts_with_day_or_month(w), "{w}");
        }
        for w in ["mayor", "jun", "obama", "marchers"] {
            assert!(!starts_with_day_or_month(w), "{w}");
        }
    }
}
