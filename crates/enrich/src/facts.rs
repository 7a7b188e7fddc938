//! Numeric facts: the figures of each sentence as `numbers` reads them with the table of the
//! paragraph's language (`$240.1 billion` → 240100000000 USD, `5.2 percent` → 5.2 percent,
//! `75th anniversary` → 75 anniversary, `2401亿美元` → 240100000000 USD, `240,1 млрд долларов`
//! → 240100000000 USD, `6 百萬人` → 6000000 people), with the sentence they come from and, where
//! it can be told, what they describe ("two-way trade").
//!
//! Years, dates, times, ordinals and approximate quantity words are not facts. A number counted
//! in something outside the closed set of units keeps no unit rather than a guessed word.

use model::Fact;

use crate::doc::Para;
use crate::numbers;

/// Most facts kept of a document (the first, in text order). Each keeps a copy of its
/// sentence (at most [`crate::doc::MAX_SENTENCE_BYTES`]), so this bounds their memory too.
pub const MAX_FACTS: usize = 2000;

/// A fact with the sentence it comes from: paragraph index and sentence number in it.
#[derive(Debug, Clone)]
pub struct PlacedFact {
    pub para: usize,
    pub sentence: usize,
    pub fact: Fact,
}

/// Find the facts of a document, in text order; a note goes to `capped` when it has more
/// than [`MAX_FACTS`].
pub fn facts(document: &str, paras: &[Para], capped: &mut Vec<String>) -> Vec<PlacedFact> {
    let mut out = Vec::new();
    for p in paras {
        for (k, s) in p.sentences.iter().enumerate() {
            if out.len() >= MAX_FACTS {
                return capped_facts(out, capped);
            }
            let sentence = &p.text[s.clone()];
            let found = sentence_facts(sentence, &p.lang, || p.simplified_sentence(k));
            for (value, unit, subject) in found {
                out.push(PlacedFact {
                    para: p.index,
                    sentence: k,
                    fact: Fact {
                        document: document.to_string(),
                        value,
                        unit,
                        text: sentence.to_string(),
                        subject,
                    },
                });
            }
        }
    }
    if out.len() > MAX_FACTS {
        return capped_facts(out, capped);
    }
    out
}

/// `out` cut to [`MAX_FACTS`], with the note that says so.
fn capped_facts(mut out: Vec<PlacedFact>, capped: &mut Vec<String>) -> Vec<PlacedFact> {
    let last = out.get(MAX_FACTS.saturating_sub(1)).map_or(0, |f| f.para);
    capped.push(format!(
        "only the first {MAX_FACTS} facts were kept (MAX_FACTS); the text after paragraph {} \
         was not looked at for figures",
        last + 1
    ));
    out.truncate(MAX_FACTS);
    out
}

type Found = (f64, Option<String>, Option<String>);

/// The facts of one sentence in language `lang` (`simplified`: the sentence in Simplified
/// Chinese, asked for only for Chinese subjects).
fn sentence_facts<'a>(sentence: &str, lang: &str, simplified: impl Fn() -> &'a str) -> Vec<Found> {
    if !numbers::has_number_words(lang)
        && !sentence
            .chars()
            .any(|c| c.is_numeric() || ZH_NUMERALS.contains(c))
    {
        return Vec::new();
    }
    numbers::figures(sentence, lang)
        .into_iter()
        .map(|f| {
            let l = lang::Lang::parse(lang);
            let subject = if l.is_chinese() {
                let before = &sentence[..f.start];
                let chars = before.chars().count();
                let simple: String = simplified().chars().take(chars).collect();
                zh_subject(&simple)
            } else if l == lang::Lang::RU {
                ru_subject(&sentence[..f.start])
            } else if l == lang::Lang::EN {
                en_subject(sentence, f.start, f.end, f.unit.as_deref().unwrap_or(""))
            } else {
                None
            };
            (f.value, f.unit, subject)
        })
        .collect()
}

fn words_after(text: &str, n: usize) -> Vec<String> {
    text.split_whitespace()
        .take(n)
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
                .to_string()
        })
        .collect()
}

const STOP_AFTER: &[&str] = &[
    "in", "of", "from", "to", "with", "and", "or", "on", "at", "by", "for", "than", "as", "that",
    "which", "who", "were", "was", "are", "is", "have", "has", "had", "will", "would", "more",
    "over", "per", "a", "an", "the", "this", "last", "year", "years", "since", "into",
];

const MEASURE_VERBS: &[&str] = &[
    "reached",
    "reach",
    "reaches",
    "amounted",
    "amounting",
    "totaled",
    "totalled",
    "totaling",
    "totalling",
    "was",
    "were",
    "is",
    "are",
    "rose",
    "grew",
    "increased",
    "fell",
    "dropped",
    "hit",
    "stood",
    "exceeded",
    "surpassed",
    "topped",
    "climbed",
    "declined",
    "jumped",
    "doubled",
    "tripled",
    "realized",
    "realised",
    "recorded",
    "posted",
    "saw",
    "expanded",
    "contracted",
    "shrank",
    "came",
];

/// What a number describes: the noun phrase before "of" ("increase of 5.2 percent"), the
/// subject of the measuring verb ("two-way trade reached …"), the noun phrase after a percent
/// ("3.6 percent GDP increase"), or "number of …".
fn en_subject(sentence: &str, start: usize, end: usize, unit: &str) -> Option<String> {
    let before = &sentence[..start];
    let after = &sentence[end..];
    let bw: Vec<&str> = before.split_whitespace().collect();
    let clean = |w: &str| {
        w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
            .to_string()
    };
    if unit == "percent" {
        let np: Vec<String> = words_after(after, 3)
            .into_iter()
            .take_while(|w| !w.is_empty() && !STOP_AFTER.contains(&w.to_lowercase().as_str()))
            .collect();
        if !np.is_empty() && !after.trim_start().starts_with([',', '.']) {
            return Some(np.join(" "));
        }
    }
    if bw.last().is_some_and(|w| *w == "of") {
        let np = noun_phrase_before(&bw[..bw.len() - 1]);
        if !np.is_empty() {
            return Some(np);
        }
    }
    // Measuring verb within the last few words: "trade reached a record $240.1 billion".
    for k in (0..bw.len()).rev().take(6) {
        let w = clean(bw[k]).to_lowercase();
        if MEASURE_VERBS.contains(&w.as_str()) {
            let np = noun_phrase_before(&bw[..k]);
            if !np.is_empty() {
                return Some(np);
            }
        }
    }
    let lower = sentence.to_lowercase();
    if let Some((_, rest)) = lower.split_once("number of ") {
        return Some(format!("number of {}", phrase(rest, 3)));
    }
    None
}

const NP_STOP: &[&str] = &[
    "the", "a", "an", "with", "and", "that", "which", "while", "as", "its", "their", "his", "her",
    "of", "in", "on", "at", "by", "for", "to", "from", "year", "last", "this",
];

fn noun_phrase_before(words: &[&str]) -> String {
    let mut np: Vec<String> = Vec::new();
    for w in words.iter().rev() {
        let ends_clause = w.ends_with([',', ';', ':', '.']);
        let c = w
            .trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
            .to_string();
        if ends_clause && !np.is_empty() {
            break;
        }
        let lower = c.to_lowercase();
        if c.is_empty() || NP_STOP.contains(&lower.as_str()) || np.len() >= 4 {
            break;
        }
        np.push(c);
        if ends_clause {
            break;
        }
    }
    np.reverse();
    np.join(" ")
}

fn phrase(text: &str, n: usize) -> String {
    text.split([',', '.', ';', ':'])
        .next()
        .unwrap_or("")
        .split_whitespace()
        .take(n)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The characters a Chinese number is written with besides digits.
const ZH_NUMERALS: &str = "零一二两三四五六七八九十百千";

fn zh_subject(before: &str) -> Option<String> {
    let clause = before
        .rsplit(['，', '。', '、', '；', '：', ',', '“', '”'])
        .next()
        .unwrap_or("");
    let mut s = clause.to_string();
    for verb in [
        "达到",
        "达",
        "为",
        "增长",
        "超过",
        "突破",
        "约",
        "实现了",
        "实现",
        "的",
        "了",
        "共",
        "同比",
        "在",
        "年",
        "是",
    ] {
        while let Some(t) = s.strip_suffix(verb) {
            s = t.to_string();
        }
    }
    let chars: Vec<char> = s.chars().collect();
    let take = chars.len().min(10);
    let s: String = chars[chars.len() - take..].iter().collect();
    (!s.is_empty()).then_some(s)
}

/// What a Russian number describes: the last words of its clause, without the measuring verb.
fn ru_subject(before: &str) -> Option<String> {
    let clause = before.rsplit([',', '.', ';', ':']).next().unwrap_or("");
    let words: Vec<&str> = clause
        .split_whitespace()
        .filter(|w| {
            !matches!(
                w.to_lowercase().as_str(),
                "составил"
                    | "составила"
                    | "составило"
                    | "достиг"
                    | "достигла"
                    | "достигло"
                    | "вырос"
                    | "выросла"
                    | "выросло"
                    | "на"
                    | "до"
                    | "в"
                    | "около"
                    | "более"
                    | "свыше"
                    | "почти"
                    | "году"
                    | "году,"
                    | "г."
            )
        })
        .collect();
    let subject = words
        .iter()
        .rev()
        .take(3)
        .rev()
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    (!subject.is_empty()).then_some(subject)
}
