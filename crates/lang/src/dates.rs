//! The date layer shared by extraction and clustering: calendar days, month names of every pack,
//! dates written in a text (absolute `16. Mai 2024`, partial `Oct. 22` with the year of a
//! reference day) and relative days (`yesterday`, `am Donnerstag`, `el pasado martes`, `上周四`,
//! `الخميس الماضي`, `木曜日`, `в прошлый четверг`) resolved against the publication day.
//!
//! Everything language-specific comes from the packs ([`crate::pack`]): month and weekday names,
//! relative-day words and phrases, and the CLDR date patterns, which are compiled here into token
//! sequences. A text in a language without a pack reads numeric ISO dates only.
//!
//! Days are counted from 1970-01-01 ([`Day`]) so that gaps are plain subtraction.

use crate::pack::{pack, pack_langs, Lang, Pack};
use std::sync::{LazyLock, Mutex};

/// Days since 1970-01-01.
pub type Day = i32;

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The day of a calendar date, `None` when it is not one.
pub fn day_of(y: i32, m: u32, d: u32) -> Option<Day> {
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    i32::try_from(days_from_civil(y as i64, m, d)).ok()
}

/// Days in month `m` of year `y`.
pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The calendar date `(year, month, day)` of a day.
pub fn civil(day: Day) -> (i32, u32, u32) {
    let z = day as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
    (y, m, d)
}

/// `YYYY-MM-DD` of a day.
pub fn iso(day: Day) -> String {
    let (y, m, d) = civil(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The weekday of a day, Monday = 1 … Sunday = 7.
pub fn weekday(day: Day) -> u32 {
    // 1970-01-01 was a Thursday.
    ((day as i64 + 3).rem_euclid(7) + 1) as u32
}

/// The month (1–12) a word names in `lang`'s pack, or in any pack when `lang` is `None` (for
/// metadata, whose language is not known). A language without a pack names no month.
pub fn month_name(word: &str, lang: Option<Lang>) -> Option<u32> {
    match lang {
        Some(l) => pack(l)?.month(word),
        None => pack_langs()
            .into_iter()
            .filter_map(pack)
            .find_map(|p| p.month(word)),
    }
}

/// Every month form of every pack (lowercase, at least `min_chars` characters) with its month,
/// longest first: for building matchers over text whose language is not known.
pub fn all_month_forms(min_chars: usize) -> Vec<(String, u32)> {
    let mut v: Vec<(String, u32)> = pack_langs()
        .into_iter()
        .filter_map(pack)
        .flat_map(|p| p.month_forms().map(|(f, m)| (f.to_string(), m)))
        .filter(|(f, _)| f.chars().count() >= min_chars)
        .collect();
    v.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
    v.dedup_by(|a, b| a.0 == b.0);
    v
}

/// Arabic-Indic, Persian and full-width digits as ASCII digits; other characters unchanged.
fn ascii_digit(c: char) -> char {
    let zero = match c {
        '\u{0660}'..='\u{0669}' => 0x0660,
        '\u{06F0}'..='\u{06F9}' => 0x06F0,
        '\u{FF10}'..='\u{FF19}' => 0xFF10,
        _ => return c,
    };
    char::from_u32('0' as u32 + (c as u32 - zero)).unwrap_or(c)
}

fn is_cjk(c: char) -> bool {
    crate::script::is_han(c)
        || matches!(c, '\u{3040}'..='\u{30FF}' | '\u{0E00}'..='\u{0E7F}' | '\u{AC00}'..='\u{D7AF}')
}

/// Tokens of a lowercase text: digit runs, letter runs, and single Han, kana, Hangul or Thai
/// characters (so that `5月16日` and `16일` split).
fn tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<(usize, u8)> = None;
    for (i, c) in s.char_indices() {
        let k = if c.is_ascii_digit() {
            1
        } else if is_cjk(c) {
            3
        } else if c.is_alphabetic() {
            2
        } else {
            0
        };
        if let Some((st, kind)) = start {
            if kind != k || k == 3 {
                out.push(&s[st..i]);
                start = None;
            }
        }
        if k != 0 && start.is_none() {
            start = Some((i, k));
        }
    }
    if let Some((st, _)) = start {
        out.push(&s[st..]);
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
enum Field {
    Day,
    MonthNum,
    MonthName,
    Year,
    Lit(String),
}

/// A date pattern compiled to tokens (without a year field it is a partial date).
#[derive(Debug, Clone)]
struct Compiled {
    fields: Vec<Field>,
}

/// CLDR pattern → fields. Weekday and era fields are dropped; punctuation separates.
fn compile(pattern: &str) -> Vec<Field> {
    let mut out = Vec::new();
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            let mut lit = String::new();
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                lit.push(chars[i]);
                i += 1;
            }
            i += 1;
            for t in tokens(&lit.to_lowercase()) {
                out.push(Field::Lit(t.to_string()));
            }
            continue;
        }
        let mut n = 1;
        while i + n < chars.len() && chars[i + n] == c {
            n += 1;
        }
        match c {
            'd' => out.push(Field::Day),
            'M' | 'L' if n >= 3 => out.push(Field::MonthName),
            'M' | 'L' => out.push(Field::MonthNum),
            'y' => out.push(Field::Year),
            'E' | 'c' | 'G' => {}
            c if is_cjk(c) || c.is_alphabetic() => {
                for t in tokens(&c.to_lowercase().to_string()) {
                    out.push(Field::Lit(t.to_string()));
                }
            }
            _ => {}
        }
        i += n;
    }
    // A literal that ends a pattern ('г'., 日) may be written otherwise ("года") or not at all.
    while matches!(out.last(), Some(Field::Lit(_))) {
        out.pop();
    }
    out
}

/// The patterns of a pack: its CLDR patterns and hand-written `date.extra`, each also without
/// its year (and the literal bound to it) for partial dates. Numeric-only patterns are kept
/// only when they have a year and a literal or name.
fn patterns(p: &Pack) -> Vec<Compiled> {
    let mut out: Vec<Vec<Field>> = Vec::new();
    let mut push = |f: Vec<Field>| {
        let named = f
            .iter()
            .any(|x| matches!(x, Field::MonthName | Field::Lit(_)));
        if named && f.contains(&Field::Day) && !out.contains(&f) {
            out.push(f);
        }
    };
    for key in ["date.full", "date.long", "date.medium", "date.extra"] {
        for pat in p.items(key) {
            let f = compile(pat);
            if !f.contains(&Field::Year) {
                push(f);
                continue;
            }
            push(f.clone());
            // Without the year: drop it and a literal right after it (年, 'г', de) or right
            // before it (de, 'de').
            let y = f.iter().position(|x| *x == Field::Year).unwrap_or(0);
            let mut g = f.clone();
            g.remove(y);
            if matches!(g.get(y), Some(Field::Lit(_))) {
                g.remove(y);
            } else if y > 0 && matches!(g.get(y - 1), Some(Field::Lit(_))) {
                g.remove(y - 1);
            }
            while matches!(g.first(), Some(Field::Lit(_))) && !p.lang().is_chinese() {
                g.remove(0);
            }
            push(g);
        }
    }
    out.sort_by_key(|f| std::cmp::Reverse(f.len()));
    out.into_iter().map(|fields| Compiled { fields }).collect()
}

/// Compiled patterns and relative words per language, built once per pack.
struct LangDates {
    patterns: Vec<Compiled>,
    ordinals: Vec<String>,
    /// (phrase, kind): kind is a weekday (1–7) with `Some(-1|0|1)` (last/this/next week), or a
    /// day offset.
    phrases: Vec<(String, Rel)>,
    weekday_words: Vec<(String, u32)>,
    markers_last: Vec<String>,
    markers_next: Vec<String>,
    spaced: bool,
}

#[derive(Debug, Clone, Copy)]
enum Rel {
    /// The day `n` days from the reference (yesterday = -1).
    Day(i32),
    /// Weekday (1–7): the latest before the reference (-1), the latest on or before it (0), the
    /// next after it (1), or that weekday of the calendar week before the reference's (-2).
    Weekday(u32, i32),
}

fn lang_dates(lang: Lang) -> Option<&'static LangDates> {
    type Cached = (Lang, usize, &'static LangDates);
    static CACHE: LazyLock<Mutex<Vec<Cached>>> = LazyLock::new(|| Mutex::new(Vec::new()));
    let p = pack(lang)?;
    let id = p as *const Pack as usize;
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, _, d)) = cache.iter().find(|(l, i, _)| *l == lang && *i == id) {
        return Some(d);
    }
    let mut phrases = Vec::new();
    for n in -7..=7 {
        for w in p.items(&format!("day.{n}")) {
            phrases.push((w.to_lowercase(), Rel::Day(n)));
        }
    }
    let last_week = p.items("week.last");
    for wd in 1..=7u32 {
        for (key, rel) in [("last", -1), ("this", 0), ("next", 1)] {
            for w in p.items(&format!("weekday.{key}.{wd}")) {
                let w = w.to_lowercase();
                // "上周四", "先週の木曜日": a day of the calendar week before.
                let rel = if rel == -1 && last_week.iter().any(|lw| w.contains(&lw.to_lowercase()))
                {
                    -2
                } else {
                    rel
                };
                phrases.push((w, Rel::Weekday(wd, rel)));
            }
        }
    }
    // Longest first, so that "上周四" wins over "周四" at the same place.
    phrases.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
    let mut weekday_words: Vec<(String, u32)> = (1..=7u32)
        .flat_map(|wd| {
            p.weekday_names(wd)
                .iter()
                .map(move |w| (w.to_lowercase(), wd))
        })
        .collect();
    weekday_words.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
    // Languages whose month names are written in Han, kana, Hangul or Thai attach particles to
    // words ("목요일에", "木曜日に"): their words are found anywhere, not only between spaces.
    let spaced = !p.items("month.1").iter().any(|w| w.chars().any(is_cjk));
    let d = LangDates {
        patterns: patterns(p),
        ordinals: p.items("date.ordinal").to_vec(),
        phrases,
        weekday_words,
        markers_last: p.items("weekday.marker.last").to_vec(),
        markers_next: p.items("weekday.marker.next").to_vec(),
        spaced,
    };
    let leaked: &'static LangDates = Box::leak(Box::new(d));
    cache.push((lang, id, leaked));
    Some(leaked)
}

/// Dates written in a text, in order of appearance: numeric ISO dates in any language, and the
/// pack's date patterns of each language in `langs` (`May 16, 2024`, `16. Mai 2024`,
/// `16 de mayo de 2024`, `2024年5月16日`, `16 мая 2024 г.`). A date without a year is the latest
/// such day on or before `reference` (+1 day), and none without a reference.
pub fn written_dates(text: &str, langs: &[Lang], reference: Option<Day>) -> Vec<Day> {
    let lower: String = text.to_lowercase().chars().map(ascii_digit).collect();
    let toks = tokens(&lower);
    let num = |t: &str| -> Option<u32> {
        (t.len() <= 4 && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    let ref_year = reference.map(|r| civil(r).0);
    let with_ref = |m: u32, d: u32| -> Option<Day> {
        let r = reference?;
        let y = ref_year?;
        match day_of(y, m, d) {
            Some(this) if this <= r + 1 => Some(this),
            _ => day_of(y - 1, m, d),
        }
    };
    let packs: Vec<(Lang, &LangDates)> = langs
        .iter()
        .filter_map(|l| Some((*l, lang_dates(*l)?)))
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    'outer: while i < toks.len() {
        // ISO: 2024-05-16 (digits tokens; separators were dropped, so check the text shape).
        if let (Some(y), Some(m), Some(d)) = (
            num(toks[i]).filter(|_| toks[i].len() == 4),
            toks.get(i + 1).and_then(|t| num(t)),
            toks.get(i + 2).and_then(|t| num(t)),
        ) {
            let start = toks[i].as_ptr() as usize - lower.as_ptr() as usize;
            let s = &lower[start..];
            if s.len() >= 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-' {
                if let Some(day) = day_of(y as i32, m, d) {
                    out.push(day);
                    i += 3;
                    continue;
                }
            }
        }
        for (lang, ld) in &packs {
            for pat in &ld.patterns {
                if let Some((day, used)) = match_at(&toks, i, pat, *lang, ld, &num, &with_ref) {
                    out.push(day);
                    i += used;
                    continue 'outer;
                }
            }
        }
        i += 1;
    }
    out
}

fn match_at(
    toks: &[&str],
    start: usize,
    pat: &Compiled,
    lang: Lang,
    ld: &LangDates,
    num: &dyn Fn(&str) -> Option<u32>,
    with_ref: &dyn Fn(u32, u32) -> Option<Day>,
) -> Option<(Day, usize)> {
    let (mut y, mut m, mut d) = (None, None, None);
    let mut j = start;
    for f in &pat.fields {
        let t = *toks.get(j)?;
        match f {
            Field::Day => {
                d = Some(num(t).filter(|d| (1..=31).contains(d))?);
                j += 1;
                if toks
                    .get(j)
                    .is_some_and(|t| ld.ordinals.iter().any(|o| o == t))
                {
                    j += 1;
                }
            }
            Field::MonthNum => {
                m = Some(num(t).filter(|m| (1..=12).contains(m))?);
                j += 1;
            }
            Field::MonthName => {
                let p = pack(lang)?;
                if let Some(mm) = p.month(t) {
                    m = Some(mm);
                    j += 1;
                } else {
                    // Names written with a digit: 5월, 5月.
                    let next = toks.get(j + 1)?;
                    m = Some(p.month(&format!("{t}{next}"))?);
                    j += 2;
                }
            }
            Field::Year => {
                y = Some(
                    num(t)
                        .filter(|y| t.len() == 4 && (1900..=2100).contains(y))
                        .map(|y| y as i32)?,
                );
                j += 1;
            }
            Field::Lit(l) => {
                if t != l {
                    return None;
                }
                j += 1;
            }
        }
    }
    let (m, d) = (m?, d?);
    let day = match y {
        Some(y) => day_of(y, m, d)?,
        None => with_ref(m, d)?,
    };
    Some((day, j - start))
}

/// A relative day named in a text in `lang`, resolved against `reference` (the publication
/// day): the earliest of `yesterday`, a weekday (the latest one on or before the reference), a
/// weekday marked as the last one (strictly before) or the next one, found in the text. `None`
/// for a language without a pack.
pub fn relative_day(text: &str, lang: Lang, reference: Day) -> Option<(Day, usize)> {
    let ld = lang_dates(lang)?;
    let lower = text.to_lowercase();
    let rw = weekday(reference) as i32;
    let resolve = |wd: u32, rel: i32| -> Day {
        let back = (rw - wd as i32).rem_euclid(7);
        match rel {
            -2 => reference - (rw - 1) - 7 + (wd as i32 - 1),
            -1 if back == 0 => reference - 7,
            1 => {
                let fwd = (wd as i32 - rw).rem_euclid(7);
                reference + if fwd == 0 { 7 } else { fwd }
            }
            _ => reference - back,
        }
    };
    let mut best: Option<(usize, Day)> = None;
    let consider = |best: &mut Option<(usize, Day)>, pos: usize, day: Day| {
        if best.is_none_or(|(p, _)| pos < p) {
            *best = Some((pos, day));
        }
    };
    for (phrase, rel) in &ld.phrases {
        if let Some(p) = find(&lower, phrase, ld.spaced) {
            consider(
                &mut best,
                p,
                match *rel {
                    Rel::Day(n) => reference + n,
                    Rel::Weekday(wd, r) => resolve(wd, r),
                },
            );
        }
    }
    for (name, wd) in &ld.weekday_words {
        let Some(p) = find(&lower, name, ld.spaced) else {
            continue;
        };
        if best.is_some_and(|(bp, _)| bp <= p) {
            continue;
        }
        // A marker word next to the weekday ("el pasado martes", "martes pasado").
        let near = |markers: &[String]| {
            let before: Vec<&str> = lower[..p].split_whitespace().rev().take(2).collect();
            let after: Vec<&str> = lower[p + name.len()..].split_whitespace().take(2).collect();
            before.iter().chain(after.iter()).any(|w| {
                let w = w.trim_matches(|c: char| !c.is_alphanumeric());
                markers.iter().any(|m| m == w)
            })
        };
        let rel = if near(&ld.markers_last) {
            -1
        } else if near(&ld.markers_next) {
            1
        } else {
            0
        };
        consider(&mut best, p, resolve(*wd, rel));
    }
    best.map(|(p, d)| (d, p))
}

/// Position of `word` in `text`; for languages written with spaces, only at word boundaries.
fn find(text: &str, word: &str, spaced: bool) -> Option<usize> {
    if word.is_empty() {
        return None;
    }
    let mut from = 0;
    while let Some(p) = text[from..].find(word) {
        let at = from + p;
        if !spaced {
            return Some(at);
        }
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let edge = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric() || is_cjk(c));
        if edge(before) && edge(after) {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> Day {
        day_of(y, m, dd).unwrap()
    }

    #[test]
    fn calendar_arithmetic() {
        assert_eq!(day_of(1970, 1, 1), Some(0));
        assert_eq!(iso(d(2024, 2, 29)), "2024-02-29");
        assert_eq!(day_of(2023, 2, 29), None);
        assert_eq!(weekday(d(2024, 5, 16)), 4);
        for day in [-1000, 0, 19_000, 20_000] {
            let (y, m, dd) = civil(day);
            assert_eq!(day_of(y, m, dd), Some(day));
        }
    }

    #[test]
    fn months_of_every_pack() {
        assert_eq!(month_name("März", Some(Lang::DE)), Some(3));
        assert_eq!(month_name("octubre", Some(Lang::ES)), Some(10));
        assert_eq!(month_name("октября", None), Some(10));
        assert_eq!(month_name("octubre", Some(Lang::parse("sw"))), None);
    }

    /// Publication on Friday 2024-05-17; Thursday is the day before.
    #[test]
    fn relative_days_per_pack() {
        let fri = d(2024, 5, 17);
        let thu = d(2024, 5, 16);
        let tue = d(2024, 5, 14);
        let cases: &[(Lang, &str, Day)] = &[
            (Lang::EN, "Officials said on Thursday that", thu),
            (Lang::EN, "The minister resigned yesterday.", thu),
            (Lang::DE, "Der Minister sagte am Donnerstag in Berlin", thu),
            (Lang::DE, "Die Polizei teilte gestern mit", thu),
            (Lang::ES, "el pasado martes, el gobierno", tue),
            (Lang::ES, "El martes pasado el gobierno", tue),
            (Lang::FR, "jeudi dernier, le ministre", thu),
            (Lang::IT, "giovedì scorso il ministro", thu),
            (Lang::PT, "na terça-feira passada", tue),
            (Lang::NL, "De minister zei donderdag dat", thu),
            (Lang::PL, "w czwartek minister", thu),
            (Lang::TR, "Bakan perşembe günü açıkladı", thu),
            (Lang::RU, "в прошлый четверг министр", thu),
            (Lang::RU, "Путин в среду прибыл", d(2024, 5, 15)),
            (Lang::ZH_HANS, "普京上周四在北京", d(2024, 5, 9)),
            (Lang::ZH_HANS, "普京周四在北京", thu),
            (Lang::ZH_HANT, "普丁週四在北京", thu),
            (Lang::AR, "قال الوزير الخميس الماضي إن", thu),
            (Lang::JA, "首相は木曜日に述べた", thu),
            (Lang::KO, "장관은 지난 목요일 말했다", thu),
            (Lang::TH, "เมื่อวานนี้ รัฐมนตรี", thu),
        ];
        for (lang, text, want) in cases {
            let got = relative_day(text, *lang, fri).map(|(d, _)| iso(d));
            assert_eq!(got, Some(iso(*want)), "{lang}: {text}");
        }
        // Last Friday, said on a Friday, is a week back.
        assert_eq!(
            relative_day("el viernes pasado", Lang::ES, fri).map(|x| x.0),
            Some(fri - 7)
        );
        // No pack: no relative day; another language's words do nothing.
        assert_eq!(relative_day("on Thursday", Lang::parse("sw"), fri), None);
        assert_eq!(relative_day("on Thursday", Lang::DE, fri), None);
    }

    #[test]
    fn written_dates_per_pack() {
        let r = Some(d(2024, 10, 23));
        let cases: &[(Lang, &str, &str)] = &[
            (Lang::EN, "KAZAN, Russia, Oct. 22 (Xinhua) --", "2024-10-22"),
            (Lang::EN, "on May 16, 2024 the", "2024-05-16"),
            (Lang::EN, "on 16 May 2024 the", "2024-05-16"),
            (Lang::ZH_HANS, "新华社喀山10月22日电", "2024-10-22"),
            (Lang::ZH_HANS, "2024年5月16日", "2024-05-16"),
            (Lang::RU, "в 16 мая 2024 года", "2024-05-16"),
            (Lang::DE, "am 16. Mai 2024 in Berlin", "2024-05-16"),
            (Lang::ES, "el 16 de mayo de 2024", "2024-05-16"),
            (Lang::FR, "le 1er octobre", "2024-10-01"),
            (Lang::JA, "2024年5月16日に", "2024-05-16"),
            (Lang::KO, "2024년 5월 16일", "2024-05-16"),
            (Lang::AR, "في 16 مايو 2024", "2024-05-16"),
            (Lang::AR, "في ١٦ مايو ٢٠٢٤", "2024-05-16"),
            (Lang::parse("sw"), "tarehe 2024-05-16", "2024-05-16"),
        ];
        for (lang, text, want) in cases {
            let got: Vec<String> = written_dates(text, &[*lang], r)
                .into_iter()
                .map(iso)
                .collect();
            assert_eq!(
                got.first().map(String::as_str),
                Some(*want),
                "{lang}: {text} {got:?}"
            );
        }
        assert!(written_dates("16 Mai 2024", &[Lang::parse("sw")], r).is_empty());
    }
}
