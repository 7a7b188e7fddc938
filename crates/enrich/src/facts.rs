//! Numeric facts: numbers with their unit and scale normalised (`$240.1 billion` → 240100000000
//! USD, `5.2 percent` and `5.2%` → 5.2 percent, `75th anniversary` → 75 anniversary,
//! `2401亿美元` → 240100000000 USD, `240,1 млрд долларов` → 240100000000 USD), with the
//! sentence they come from and, where it can be told, what they describe ("two-way trade").
//!
//! Years, dates, times, phone numbers and bare numbers without a unit are not facts.

use std::sync::OnceLock;

use model::Fact;
use regex::Regex;

use crate::doc::Para;

fn en_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?x)
            (?P<cur>US\$|\$|€|£|¥)?\s?
            (?P<num>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<dec>\d+))?
            (?P<ord>st|nd|rd|th)?
            (?:\s?(?P<scale>trillion|billion|million|thousand|bn|mn|m|k)\b)?
            (?:\s?(?P<unit>percentage\ points?|per\ ?cent|%|yuan|US\ dollars|dollars|euros|rubles|roubles|pounds|yen|tons|tonnes|kilometers|kilometres|km|years)\b|\s?(?P<pct>%))?",
        )
        .expect("static regex")
    })
}

fn zh_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?P<num>\d+(?:\.\d+)?|[零一二两三四五六七八九十百千]+)(?P<scale>万亿|亿|万|千)?(?P<unit>美元|亿美元|元人民币|元|人民币|卢布|欧元|%|％|个百分点|周年|人次|名|人|吨|公里)?",
        )
        .expect("static regex")
    })
}

fn ru_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?P<cur>\$|€)?(?P<num>\d{1,3}(?:[\u{00A0} ]\d{3})+|\d+)(?:,(?P<dec>\d+))?(?:-?(?P<ord>й|я|е|го|летие|летия|летию))?(?:\s?(?P<scale>трлн|млрд|млн|тыс)\.?)?(?:\s?(?P<unit>процентн\w*\s+пункт\w*|процент\w*|%|долл\w*|руб\w*|юан\w*|евро|тонн\w*|человек|км))?",
        )
        .expect("static regex")
    })
}

const PEOPLE: &[&str] = &[
    "people",
    "persons",
    "foreigners",
    "tourists",
    "visitors",
    "residents",
    "workers",
    "students",
    "citizens",
    "migrants",
    "refugees",
    "soldiers",
    "troops",
    "passengers",
    "children",
    "employees",
    "users",
    "participants",
    "delegates",
    "deaths",
    "patients",
    "voters",
    "members",
    "travelers",
    "travellers",
    "individuals",
    "civilians",
    "staff",
];

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
            let found = if p.is_zh() {
                zh_facts(p.simplified_sentence(k))
            } else if p.is_ru() {
                ru_facts(sentence)
            } else {
                en_facts(sentence)
            };
            for (value, unit, subject) in found {
                out.push(PlacedFact {
                    para: p.index,
                    sentence: k,
                    fact: Fact {
                        document: document.to_string(),
                        value,
                        unit: Some(unit),
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

type Found = (f64, String, Option<String>);

fn parse_num(int: &str, dec: Option<&str>) -> Option<f64> {
    let int: String = int.chars().filter(|c| c.is_ascii_digit()).collect();
    let s = match dec {
        Some(d) => format!("{int}.{d}"),
        None => int,
    };
    s.parse().ok()
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

/// Whether `text` has a character the number patterns need (`\d` is a Unicode decimal digit, a
/// numeric character): the patterns are not run on sentences without one.
fn has_digit(text: &str) -> bool {
    text.chars().any(char::is_numeric)
}

fn en_facts(sentence: &str) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    if !has_digit(sentence) {
        return out;
    }
    let mut pending: Vec<(f64, usize, usize)> = Vec::new();
    for c in en_re().captures_iter(sentence) {
        let Some(m) = c.get(0) else { continue };
        let num = c.name("num").map(|x| x.as_str()).unwrap_or("");
        let dec = c.name("dec").map(|x| x.as_str());
        let Some(mut value) = parse_num(num, dec) else {
            continue;
        };
        let num_at = c
            .name("cur")
            .or(c.name("num"))
            .map_or(m.start(), |x| x.start());
        let before = &sentence[..num_at];
        let after = &sentence[m.end()..];
        // Part of a longer token (phone numbers, ids, times, "G20", "COVID-19").
        let prev = before.chars().last();
        let next = after.chars().next();
        if prev.is_some_and(|c| c.is_alphanumeric() || matches!(c, '-' | '/' | ':' | '.'))
            || next.is_some_and(|c| c.is_alphanumeric() || matches!(c, '-' | '/' | ':'))
                && c.name("unit").is_none()
                && c.name("ord").is_none()
        {
            continue;
        }
        if next == Some('-') && c.name("ord").is_none() {
            continue;
        }
        let prev_word = before
            .split_whitespace()
            .last()
            .unwrap_or("")
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        let next_words = words_after(after, 4);
        let next_word = next_words
            .first()
            .map(|w| w.to_lowercase())
            .unwrap_or_default();
        if lang::calendar::is_month_en(&prev_word) || lang::calendar::is_month_en(&next_word) {
            continue;
        }
        let cur = c.name("cur").map(|x| x.as_str());
        let scale = c.name("scale").map(|x| x.as_str());
        let unit_word = c
            .name("unit")
            .or(c.name("pct"))
            .map(|x| x.as_str().to_lowercase());
        let ordinal = c.name("ord").is_some();
        if ordinal {
            if next_word == "anniversary" {
                let subject = after
                    .split_once(" of ")
                    .map(|(_, r)| phrase(r.trim_start_matches("the "), 5));
                out.push((value, "anniversary".into(), subject));
            }
            continue;
        }
        let year_like = dec.is_none()
            && cur.is_none()
            && scale.is_none()
            && unit_word.is_none()
            && (1900.0..=2100.0).contains(&value)
            && !num.contains(',');
        if year_like {
            continue;
        }
        match scale {
            Some("trillion") => value *= 1e12,
            Some("billion") | Some("bn") => value *= 1e9,
            Some("million") | Some("mn") | Some("m") => value *= 1e6,
            Some("thousand") | Some("k") => value *= 1e3,
            _ => {}
        }
        let mut unit = match (cur, unit_word.as_deref()) {
            (Some("$") | Some("US$"), _) => Some("USD".to_string()),
            (Some("€"), _) => Some("EUR".into()),
            (Some("£"), _) => Some("GBP".into()),
            (Some("¥"), _) => Some("CNY".into()),
            (_, Some("%") | Some("percent") | Some("per cent")) => Some("percent".into()),
            (_, Some(u)) if u.starts_with("percentage") => Some("percentage points".into()),
            (_, Some("yuan")) => Some("CNY".into()),
            (_, Some("dollars") | Some("us dollars")) => Some("USD".into()),
            (_, Some("euros")) => Some("EUR".into()),
            (_, Some("rubles") | Some("roubles")) => Some("RUB".into()),
            (_, Some("pounds")) => Some("GBP".into()),
            (_, Some("yen")) => Some("JPY".into()),
            (_, Some("tons") | Some("tonnes")) => Some("tonnes".into()),
            (_, Some("kilometers") | Some("kilometres") | Some("km")) => Some("km".into()),
            (_, Some("years")) => Some("years".into()),
            _ => None,
        };
        if unit.is_none() {
            // A counted noun: "5,000 products", "16 Russian regions".
            let noun: Vec<&String> = next_words
                .iter()
                .take_while(|w| !w.is_empty() && !STOP_AFTER.contains(&w.to_lowercase().as_str()))
                .take_while(|w| !(w.ends_with("ed") || w.ends_with("ing") || w.ends_with("ly")))
                .take(3)
                .collect();
            if noun
                .iter()
                .any(|n| PEOPLE.contains(&n.to_lowercase().as_str()))
            {
                unit = Some("people".into());
            } else if let Some(n) = noun.last() {
                let n = n.to_lowercase();
                if n.chars().all(|c| c.is_alphabetic() || c == '-') && n.len() > 2 {
                    unit = Some(if PEOPLE.contains(&n.as_str()) {
                        "people".into()
                    } else {
                        n
                    });
                }
            }
        }
        let in_range = next_word == "to" || prev_word == "to" || prev_word == "from";
        let Some(unit) = unit.or_else(|| in_range.then(|| count_unit(sentence)).flatten()) else {
            if next_word == "to" {
                pending.push((value, num_at, m.end()));
            }
            continue;
        };
        // "from 187,000 to 600,000 tourists": the first number of a range takes the unit of
        // the second.
        if prev_word == "to" {
            for (v, s, e) in pending.drain(..) {
                let subject = en_subject(sentence, s, e, &unit);
                out.push((v, unit.clone(), subject));
            }
        }
        let subject = en_subject(sentence, num_at, m.end(), &unit);
        out.push((value, unit, subject));
    }
    out
}

/// "the number of foreigners visiting Russia …" → people.
fn count_unit(sentence: &str) -> Option<String> {
    let lower = sentence.to_lowercase();
    let (_, rest) = lower.split_once("number of ")?;
    let noun = rest
        .split_whitespace()
        .next()?
        .trim_matches(|c: char| !c.is_alphabetic());
    Some(if PEOPLE.contains(&noun) {
        "people".into()
    } else {
        noun.to_string()
    })
}

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

fn zh_numeral(s: &str) -> Option<f64> {
    if s.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return s.parse().ok();
    }
    let digit = |c: char| {
        "零一二三四五六七八九"
            .find(c)
            .map(|i| (i / 3) as f64)
            .or((c == '两').then_some(2.0))
    };
    let mut total = 0.0;
    let mut current = 0.0;
    for c in s.chars() {
        if let Some(d) = digit(c) {
            current = d;
        } else {
            let mult = match c {
                '十' => 10.0,
                '百' => 100.0,
                '千' => 1000.0,
                _ => return None,
            };
            total += if current == 0.0 { 1.0 } else { current } * mult;
            current = 0.0;
        }
    }
    Some(total + current)
}

/// The characters a Chinese number is written with besides digits.
const ZH_NUMERALS: &str = "零一二两三四五六七八九十百千";

/// Facts of a Chinese sentence, given in Simplified form.
fn zh_facts(simplified: &str) -> Vec<Found> {
    let mut out = Vec::new();
    if !simplified
        .chars()
        .any(|c| c.is_numeric() || ZH_NUMERALS.contains(c))
    {
        return out;
    }
    for c in zh_re().captures_iter(simplified) {
        let (Some(m), Some(num)) = (c.get(0), c.name("num")) else {
            continue;
        };
        let unit = c.name("unit").map(|x| x.as_str());
        let scale = c.name("scale").map(|x| x.as_str());
        let after = &simplified[m.end()..];
        let before = &simplified[..m.start()];
        if before.ends_with('第')
            || after.starts_with(['年', '月', '日', '时', '点', '届', '次', '号']) && unit.is_none()
        {
            continue;
        }
        if unit.is_none() && scale.is_none() {
            continue;
        }
        let Some(mut value) = zh_numeral(num.as_str()) else {
            continue;
        };
        match scale {
            Some("万亿") => value *= 1e12,
            Some("亿") => value *= 1e8,
            Some("万") => value *= 1e4,
            Some("千") => value *= 1e3,
            _ => {}
        }
        let unit = match unit {
            Some("亿美元") => {
                value *= 1e8;
                "USD"
            }
            Some("美元") => "USD",
            Some("元") | Some("元人民币") | Some("人民币") => "CNY",
            Some("卢布") => "RUB",
            Some("欧元") => "EUR",
            Some("%") | Some("％") => "percent",
            Some("个百分点") => "percentage points",
            Some("周年") => "anniversary",
            Some("人次") | Some("名") | Some("人") => "people",
            Some("吨") => "tonnes",
            Some("公里") => "km",
            _ => continue,
        };
        let subject = zh_subject(before);
        out.push((value, unit.to_string(), subject));
    }
    out
}

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

fn ru_facts(sentence: &str) -> Vec<Found> {
    let mut out = Vec::new();
    if !has_digit(sentence) {
        return out;
    }
    for c in ru_re().captures_iter(sentence) {
        let (Some(m), Some(num)) = (c.get(0), c.name("num")) else {
            continue;
        };
        let dec = c.name("dec").map(|x| x.as_str());
        let Some(mut value) = parse_num(num.as_str(), dec) else {
            continue;
        };
        let before = &sentence[..m.start()];
        let after = &sentence[m.end()..];
        if before
            .chars()
            .last()
            .is_some_and(|c| c.is_alphanumeric() || c == '-')
            || after.starts_with(|c: char| c.is_alphanumeric())
                && c.name("unit").is_none()
                && c.name("ord").is_none()
        {
            continue;
        }
        let scale = c.name("scale").map(|x| x.as_str());
        let unit = c.name("unit").map(|x| x.as_str().to_lowercase());
        let ord = c.name("ord").map(|x| x.as_str());
        if let Some(o) = ord {
            if o.starts_with("лети") || after.trim_start().starts_with("годовщин") {
                out.push((value, "anniversary".into(), None));
            }
            continue;
        }
        match scale {
            Some("трлн") => value *= 1e12,
            Some("млрд") => value *= 1e9,
            Some("млн") => value *= 1e6,
            Some("тыс") => value *= 1e3,
            _ => {}
        }
        let unit = match (c.name("cur").map(|x| x.as_str()), unit.as_deref()) {
            (Some("$"), _) => "USD".to_string(),
            (Some("€"), _) => "EUR".to_string(),
            (_, Some(u)) if u.starts_with("процентн") => "percentage points".into(),
            (_, Some(u)) if u.starts_with("процент") || u == "%" => "percent".into(),
            (_, Some(u)) if u.starts_with("долл") => "USD".into(),
            (_, Some(u)) if u.starts_with("руб") => "RUB".into(),
            (_, Some(u)) if u.starts_with("юан") => "CNY".into(),
            (_, Some("евро")) => "EUR".into(),
            (_, Some(u)) if u.starts_with("тонн") => "tonnes".into(),
            (_, Some("человек")) => "people".into(),
            (_, Some("км")) => "km".into(),
            _ => continue,
        };
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
        out.push((value, unit, (!subject.is_empty()).then_some(subject)));
    }
    out
}
