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

use model::{EntityKind, Quote};

use crate::doc::{tokens, Para};
use crate::entities::DocEntities;

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
}

const EN_VERBS: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tells",
    "noted",
    "notes",
    "added",
    "adds",
    "stressed",
    "stresses",
    "emphasized",
    "emphasised",
    "emphasizes",
    "remarked",
    "explained",
    "argued",
    "warned",
    "believes",
    "stated",
    "announced",
    "declared",
    "wrote",
    "writes",
    "pointed",
    "insisted",
    "claimed",
    "urged",
    "asked",
    "replied",
    "commented",
    "suggested",
    "acknowledged",
    "admitted",
    "recalled",
    "reiterated",
    "underlined",
    "confirmed",
    "denied",
    "reported",
    "reports",
    "revealed",
    "predicted",
    "cautioned",
    "observed",
    "thinks",
    "continued",
    "concluded",
    "answered",
    "explains",
    "argues",
    "insists",
    "adding",
    "asking",
    "tweeted",
    "posted",
    "saying",
    "according",
];

const ZH_VERBS: &[&str] = &[
    "表示", "指出", "说道", "说", "强调", "称", "认为", "告诉", "透露", "介绍", "宣布", "坦言",
    "直言", "回应", "提到", "写道", "补充", "表明", "報道", "报道",
];

const RU_VERBS: &[&str] = &[
    "заявил",
    "заявила",
    "заявили",
    "сказал",
    "сказала",
    "сказали",
    "отметил",
    "отметила",
    "отметили",
    "подчеркнул",
    "подчеркнула",
    "сообщил",
    "сообщила",
    "сообщили",
    "добавил",
    "добавила",
    "считает",
    "пояснил",
    "пояснила",
    "рассказал",
    "рассказала",
    "признал",
    "признала",
    "заметил",
    "заметила",
    "указал",
    "указала",
    "говорит",
    "заявляет",
    "сообщает",
    "передает",
    "передаёт",
    "пишет",
    "словам",
];

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
fn quoted_spans(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, ch) = chars[i];
        let Some(close) = closer(ch) else {
            i += 1;
            continue;
        };
        match chars[i + 1..].iter().position(|&(_, c)| c == close) {
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

/// Find the quotes of a document.
pub fn quotes(document: &str, paras: &[Para], ents: &DocEntities) -> Vec<FoundQuote> {
    let mut out: Vec<FoundQuote> = Vec::new();
    for p in paras {
        let spans = quoted_spans(&p.text);
        let mut direct_sentences: Vec<Range<usize>> = Vec::new();
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
            let mut attribution = attribute(p, span.clone(), &spans, ents);
            if attribution.speaker.is_none() && span.start == 0 {
                // A paragraph that is all quote continues the speaker quoted just before.
                if let Some(prev) = out.iter().rev().find(|q| q.direct && q.para + 1 == p.index) {
                    attribution = Attribution {
                        speaker: prev.quote.speaker.clone(),
                        entity: prev.speaker_entity,
                        at: None,
                        via: prev.quote.via.clone(),
                    };
                }
            }
            let via = attribution
                .via
                .clone()
                .or_else(|| via_in(p, 0..p.text.len(), ents, &spans));
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
    // Inherit the outlet a speaker was just quoted through, or that a paragraph naming the
    // speaker just before gives ("…, he said, according to TASS.").
    let para_via: Vec<Option<String>> = paras
        .iter()
        .map(|p| via_in(p, 0..p.text.len(), ents, &[]))
        .collect();
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
                para_via.get(k).is_some_and(Option::is_some)
                    && ents.mentions.iter().any(|m| m.para == k && m.entity == e)
            })
            .map(|k| (k, para_via[k].clone()));
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
    speaker: Option<String>,
    entity: Option<usize>,
    at: Option<Range<usize>>,
    via: Option<String>,
}

/// Who said the quote at `span`: the speech verb nearest the quote in the text around it.
fn attribute(
    p: &Para,
    span: Range<usize>,
    spans: &[Range<usize>],
    ents: &DocEntities,
) -> Attribution {
    let text = &p.text;
    let next_quote = spans
        .iter()
        .map(|s| s.start)
        .find(|&s| s >= span.end)
        .unwrap_or(text.len());
    let prev_quote = spans
        .iter()
        .map(|s| s.end)
        .filter(|&e| e <= span.start)
        .max()
        .unwrap_or(0);
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
            .iter()
            .filter(|x| x.end <= span.start)
            .map(|x| x.start)
            .max()
            .unwrap_or(0)
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
            .mentions
            .iter()
            .filter(|m| m.para == p.index && m.span.start >= s.start && m.span.end <= span.start)
            .find(|m| ents.entities[m.entity].kind == EntityKind::Person);
        if let Some(m) = first {
            return Attribution {
                speaker: Some(ents.entities[m.entity].id.clone()),
                entity: Some(m.entity),
                at: Some(m.span.clone()),
                via: None,
            };
        }
        let head = text[s.start..span.start]
            .split_whitespace()
            .next()
            .unwrap_or("");
        if matches!(head, "He" | "She") {
            if let Some(e) = ents.last_person_before(p.index, s.start) {
                return Attribution {
                    speaker: Some(ents.entities[e].id.clone()),
                    entity: Some(e),
                    at: Some(s.start..s.start + head.len()),
                    via: None,
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
        if let Some(s) = p.sentences.iter().find(|s| s.start >= from) {
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
    ents: &DocEntities,
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
    let via = via_in(p, range.clone(), ents, &[]);
    if p.is_zh() {
        return zh_attribution(p, range, ents, side, quote_at).map(|mut a| {
            a.via = a.via.or(via);
            a
        });
    }
    let toks = tokens(ctx);
    let verbs: Vec<usize> = toks
        .iter()
        .enumerate()
        .filter(|(_, t)| {
            let w = t.text.to_lowercase();
            EN_VERBS.contains(&w.as_str()) || RU_VERBS.contains(&w.as_str())
        })
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
        if let Some(mut a) = subject_of(p, range.clone(), v_start, v_end, ents, quote_at) {
            a.via = a.via.or(via.clone());
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
    ents: &DocEntities,
    quote_at: usize,
) -> Option<Attribution> {
    let text = &p.text;
    let resolved = |e: usize, at: Range<usize>| Attribution {
        speaker: Some(ents.entities[e].id.clone()),
        entity: Some(e),
        at: Some(at),
        via: None,
    };
    let is_speaker_kind = |e: usize| {
        matches!(
            ents.entities[e].kind,
            EntityKind::Person | EntityKind::Organization
        )
    };
    // A name right before the verb, possibly with an apposition between ("Wei Jinshen, a …,
    // said"; "Li Haidong, a professor at …, told"): the nearest person whose gap to the verb is
    // short or a whole apposition; an organisation right before the verb as a fallback.
    let before: Vec<_> = ents
        .mentions
        .iter()
        .filter(|m| m.para == p.index && m.span.end <= v_start && m.span.start >= range.start)
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
            return Some(resolved(m.entity, m.span.clone()));
        }
        if short && fallback.is_none() {
            fallback = Some(resolved(m.entity, m.span.clone()));
        }
    }
    if let Some(f) = fallback {
        return Some(f);
    }
    let pre = &text[range.start..v_start];
    let pre_words: Vec<&str> = pre.split_whitespace().collect();
    // Pronoun: "he said", "he also said".
    for w in pre_words.iter().rev().take(2) {
        let w = w
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        if PRONOUNS_PERSON.contains(&w.as_str()) {
            let at = v_start - pre.len() + pre.rfind(|c: char| c.is_alphabetic()).unwrap_or(0);
            return ents
                .last_person_before(p.index, quote_at.min(v_start))
                .map(|e| {
                    let mut a = resolved(e, at..at);
                    a.at = pronoun_span(text, range.start, v_start);
                    a
                });
        }
    }
    // After the verb: "said Xi", "заявил Путин".
    let after: Vec<_> = ents
        .mentions
        .iter()
        .filter(|m| m.para == p.index && m.span.start >= v_end && m.span.end <= range.end)
        .filter(|m| is_speaker_kind(m.entity))
        .collect();
    let verb = text[v_start..v_end].to_lowercase();
    let addressee = matches!(verb.as_str(), "told" | "tells" | "according" | "asked");
    if let Some(m) = after.first().filter(|_| !addressee) {
        let gap = &text[v_end..m.span.start];
        if gap.split_whitespace().count() <= 2 && !gap.contains(['.', '"', '“', '«']) {
            return Some(resolved(m.entity, m.span.clone()));
        }
    }
    // "said Rep. G.K. Butterfield (D-N.C.)": a name after the verb that is no known entity.
    if !addressee {
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
    let clause_start = pre
        .rfind([',', '"', '”', '“', '»', '—', ';'])
        .map(|i| after_char(pre, i))
        .unwrap_or(0);
    let clause = pre[clause_start..].trim();
    let lower = clause.to_lowercase();
    let np = lower
        .strip_prefix("the ")
        .unwrap_or(&lower)
        .trim()
        .to_string();
    if !np.is_empty() {
        if let Some(&e) = ents.descriptors.get(&np) {
            let at = range.start + clause_start..v_start;
            return Some(resolved(e, at));
        }
    }
    // As written: "officials said", "a source told".
    let n = clause.split_whitespace().count();
    if (1..=6).contains(&n) && !clause.contains(['.', '?', '!']) {
        let first = clause
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_lowercase();
        if matches!(
            first.as_str(),
            "it" | "this" | "that" | "they" | "we" | "i" | "you" | "and" | "but"
        ) {
            return None;
        }
        let offset = pre[clause_start..].find(clause).unwrap_or(0);
        let at = range.start + clause_start + offset;
        return Some(Attribution {
            speaker: Some(clause.to_string()),
            entity: None,
            at: Some(at..at + clause.len()),
            via: None,
        });
    }
    None
}

/// A person named by capitalised words at byte `at` ("Rep. G.K. Butterfield", "Pamela
/// Padilla"): the entity mentioned there, else the words as written.
fn name_run(p: &Para, at: usize, ents: &DocEntities) -> Option<Attribution> {
    let text = &p.text;
    if let Some(m) = ents
        .mentions
        .iter()
        .find(|m| m.para == p.index && m.span.start >= at && m.span.start <= at + 12)
    {
        if ents.entities[m.entity].kind == EntityKind::Person {
            return Some(Attribution {
                speaker: Some(ents.entities[m.entity].id.clone()),
                entity: Some(m.entity),
                at: Some(m.span.clone()),
                via: None,
            });
        }
    }
    let rest = &text[at..];
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
    ents: &DocEntities,
    side: Side,
    quote_at: usize,
) -> Option<Attribution> {
    let text = &p.text;
    let ctx = &text[range.clone()];
    let simplified = lang::to_simplified(ctx);
    let mut hits: Vec<(usize, usize)> = Vec::new();
    for v in ZH_VERBS {
        for (at, _) in simplified.match_indices(v) {
            let orig = original_byte(ctx, &simplified, at);
            hits.push((range.start + orig, v.len()));
        }
    }
    hits.sort();
    if side == Side::Before {
        hits.reverse();
    }
    for (v_start, _) in hits {
        let near: Vec<_> = ents
            .mentions
            .iter()
            .filter(|m| m.para == p.index && m.span.end <= v_start && m.span.start >= range.start)
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
                });
            }
        }
        let pre: Vec<(usize, char)> = text[range.start..v_start].char_indices().collect();
        let Some(&(last_at, last)) = pre.last() else {
            continue;
        };
        let at = range.start + last_at;
        if last == '他' || last == '她' {
            return ents
                .last_person_before(p.index, quote_at.min(v_start))
                .map(|e| Attribution {
                    speaker: Some(ents.entities[e].id.clone()),
                    entity: Some(e),
                    at: Some(at..at + last.len_utf8()),
                    via: None,
                });
        }
        // A lone surname: 李指出 → the last person whose Chinese name starts with 李.
        let surname = lang::to_simplified(&last.to_string());
        let by_surname = ents
            .mentions
            .iter()
            .filter(|m| (m.para, m.span.start) < (p.index, v_start))
            .rev()
            .map(|m| m.entity)
            .find(|&e| {
                ents.entities[e].kind == EntityKind::Person
                    && ents.entities[e].aliases.iter().any(|(l, names)| {
                        l.starts_with("zh")
                            && names.iter().any(|n| {
                                n.chars().count() >= 2
                                    && lang::to_simplified(n).starts_with(&surname)
                            })
                    })
            });
        if let Some(e) = by_surname {
            return Some(Attribution {
                speaker: Some(ents.entities[e].id.clone()),
                entity: Some(e),
                at: Some(at..at + last.len_utf8()),
                via: None,
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

/// The outlet named in `range` as the one the words were given to or taken from.
fn via_in(
    p: &Para,
    range: Range<usize>,
    ents: &DocEntities,
    exclude: &[Range<usize>],
) -> Option<String> {
    let text = &p.text;
    let outside = |r: &Range<usize>| !exclude.iter().any(|x| x.start <= r.start && r.end <= x.end);
    for m in ents.mentions.iter().filter(|m| {
        m.para == p.index
            && m.span.start >= range.start
            && m.span.end <= range.end
            && outside(&m.span)
    }) {
        let e = &ents.entities[m.entity];
        if e.kind != EntityKind::Organization {
            continue;
        }
        let before = text[range.start..m.span.start].to_lowercase();
        let before = before.trim_end();
        let after = text[m.span.end..range.end].trim_start();
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
        let zh_cue = p.is_zh() && {
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
        if en_cue || en_after || zh_cue || ru_cue {
            return Some(e.name.clone());
        }
    }
    None
}

/// Reported speech in one sentence without quotation marks.
fn indirect(document: &str, p: &Para, s: Range<usize>, ents: &DocEntities) -> Option<FoundQuote> {
    let text = &p.text;
    let sentence = &text[s.clone()];
    if p.is_zh() {
        return zh_indirect(document, p, s, ents);
    }
    let toks = tokens(sentence);
    for (i, t) in toks.iter().enumerate() {
        let w = t.text.to_lowercase();
        let is_verb = EN_VERBS.contains(&w.as_str()) || RU_VERBS.contains(&w.as_str());
        if !is_verb || matches!(w.as_str(), "adding" | "saying" | "reported" | "reports") {
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
        let Some(a) = subject_of(p, s.clone(), v_start, v_end, ents, v_start) else {
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
                    if ["told", "tells"].contains(&w.as_str()) {
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
        });
    }
    None
}

fn zh_indirect(
    document: &str,
    p: &Para,
    s: Range<usize>,
    ents: &DocEntities,
) -> Option<FoundQuote> {
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
    let a = zh_attribution(p, s.start..s.start + comma, ents, Side::Before, s.start)
        .filter(|_| ZH_VERBS.iter().any(|v| head_core.ends_with(v)));
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
            if !ZH_VERBS.iter().any(|v| t.contains(v)) || tail.chars().count() > 16 {
                return None;
            }
            let a = zh_attribution(p, s.start + last..s.end, ents, Side::After, s.start)?;
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
    })
}
