//! When an article says its event happened: a day number from the dateline, a date written in
//! the lead, a relative day ("on Thursday", "周四", "в четверг", "yesterday") resolved against
//! the publication date, or the publication date itself.
//!
//! Days are counted from 1970-01-01 ([`Day`]) so that gaps are plain subtraction. Parsing is
//! lenient (publication dates arrive as `2024-05-16T17:54`, `December 22nd, 2008 8 : 55 am`,
//! `PUBLISHED : WEDNESDAY, MARCH 13, 2013`) and never fails: what cannot be read is `None`.

use chrono::{Datelike, NaiveDate};
use lang::calendar::month_en;

/// Days since 1970-01-01.
pub type Day = i32;

/// How the event day of an article was found, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DaySource {
    Dateline,
    Relative,
    Written,
    Published,
}

impl DaySource {
    pub fn as_str(self) -> &'static str {
        match self {
            DaySource::Dateline => "dateline",
            DaySource::Relative => "relative day in the lead",
            DaySource::Written => "date in the lead",
            DaySource::Published => "publication date",
        }
    }
}

pub fn day_of(y: i32, m: u32, d: u32) -> Option<Day> {
    let date = NaiveDate::from_ymd_opt(y, m, d)?;
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)?;
    Some((date - epoch).num_days() as Day)
}

/// `YYYY-MM-DD` of a day.
pub fn iso(day: Day) -> String {
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|e| e.checked_add_signed(chrono::Duration::days(day as i64)))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn weekday_of(day: Day) -> u32 {
    // 1970-01-01 was a Thursday (Monday = 0).
    ((day as i64 + 3).rem_euclid(7)) as u32
}

fn year_of(day: Day) -> i32 {
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|e| e.checked_add_signed(chrono::Duration::days(day as i64)))
        .map_or(1970, |d| d.year())
}

const MONTHS_RU: [&str; 12] = [
    "янв", "фев", "мар", "апр", "ма", "июн", "июл", "авг", "сен", "окт", "ноя", "дек",
];

fn month_ru(word: &str) -> Option<u32> {
    let w = word.to_lowercase();
    // Genitive forms: января, февраля, марта, апреля, мая, июня, июля, августа, …
    if w == "мая" || w == "май" {
        return Some(5);
    }
    if w.chars().count() < 4 {
        return None;
    }
    MONTHS_RU
        .iter()
        .position(|m| *m != "ма" && w.starts_with(m))
        .map(|i| i as u32 + 1)
}

/// Words of a text: letters and digits runs, with their character class kept apart.
fn tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    let mut kind = 0u8;
    for (i, c) in s.char_indices() {
        let k = if c.is_ascii_digit() {
            1
        } else if c.is_alphabetic() && !is_han(c) {
            2
        } else if is_han(c) {
            3
        } else {
            0
        };
        if k != kind || k == 3 {
            if let Some(st) = start.take() {
                out.push(&s[st..i]);
            }
            if k != 0 {
                start = Some(i);
            }
            kind = k;
        }
    }
    if let Some(st) = start {
        out.push(&s[st..]);
    }
    out
}

pub(crate) fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

/// A publication date as written anywhere: ISO first, then month names with a year.
pub fn parse_published(s: &str) -> Option<Day> {
    let s = s.trim();
    if s.len() >= 10 && s.is_char_boundary(10) {
        let head = &s[..10];
        let b = head.as_bytes();
        if b[4] == b'-' && b[7] == b'-' {
            if let (Ok(y), Ok(m), Ok(d)) = (
                head[..4].parse::<i32>(),
                head[5..7].parse::<u32>(),
                head[8..10].parse::<u32>(),
            ) {
                return day_of(y, m, d);
            }
        }
    }
    written_dates(s, None).into_iter().next()
}

/// Dates written in a text (`May 16, 2024`, `16 May 2024`, `2024年5月16日`, `16 мая 2024`,
/// `Oct. 22` with the year of `reference`), in order of appearance.
pub fn written_dates(s: &str, reference: Option<Day>) -> Vec<Day> {
    let toks = tokens(s);
    let mut out = Vec::new();
    let num = |t: &str| -> Option<u32> {
        if t.len() <= 4 && t.bytes().all(|b| b.is_ascii_digit()) {
            t.parse().ok()
        } else {
            None
        }
    };
    let year = |t: Option<&&str>| -> Option<i32> {
        let t = t?;
        let y: i32 = num(t)? as i32;
        (1900..=2100).contains(&y).then_some(y)
    };
    let ref_year = reference.map(year_of);
    // A date without a year is the latest one on or before the reference.
    let with_ref = |m: u32, d: u32| -> Option<Day> {
        let r = reference?;
        let y = ref_year?;
        let this = day_of(y, m, d)?;
        if this <= r + 1 {
            Some(this)
        } else {
            day_of(y - 1, m, d)
        }
    };
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        // 2024年5月16日
        if let (Some(y), Some("年"), Some(m), Some("月"), Some(d), Some("日")) = (
            year(Some(&t)),
            toks.get(i + 1).copied(),
            toks.get(i + 2).and_then(|t| num(t)),
            toks.get(i + 3).copied(),
            toks.get(i + 4).and_then(|t| num(t)),
            toks.get(i + 5).copied(),
        ) {
            if let Some(day) = day_of(y, m, d) {
                out.push(day);
                i += 6;
                continue;
            }
        }
        // 5月16日
        if let (Some(m), Some("月"), Some(d), Some("日")) = (
            num(t),
            toks.get(i + 1).copied(),
            toks.get(i + 2).and_then(|t| num(t)),
            toks.get(i + 3).copied(),
        ) {
            if let Some(day) = with_ref(m, d) {
                out.push(day);
                i += 4;
                continue;
            }
        }
        // May 16(th), 2024 / May 16
        if let Some(m) = month_en(t) {
            if let Some(d) = toks.get(i + 1).and_then(|t| num(t)).filter(|d| *d <= 31) {
                let mut j = i + 2;
                if matches!(toks.get(j).copied(), Some("st" | "nd" | "rd" | "th")) {
                    j += 1;
                }
                if let Some(y) = year(toks.get(j)) {
                    if let Some(day) = day_of(y, m, d) {
                        out.push(day);
                        i = j + 1;
                        continue;
                    }
                } else if let Some(day) = with_ref(m, d) {
                    out.push(day);
                    i = j;
                    continue;
                }
            }
        }
        // 16 May 2024 / 16 мая 2024 / 16 May
        if let Some(d) = num(t).filter(|d| (1..=31).contains(d)) {
            if let Some(m) = toks
                .get(i + 1)
                .and_then(|w| month_en(w).or_else(|| month_ru(w)))
            {
                if let Some(y) = year(toks.get(i + 2)) {
                    if let Some(day) = day_of(y, m, d) {
                        out.push(day);
                        i += 3;
                        continue;
                    }
                } else if let Some(day) = with_ref(m, d) {
                    out.push(day);
                    i += 2;
                    continue;
                }
            }
        }
        i += 1;
    }
    out
}

/// Weekday named in a text, Monday = 0, with how far back from publication it points
/// ("yesterday" = 1 day). Returns the offset in days before `published`.
pub fn relative_offset(s: &str, published: Day) -> Option<i32> {
    let lower = s.to_lowercase();
    let pw = weekday_of(published) as i32;
    let back_to = |wd: i32| -> i32 { (pw - wd).rem_euclid(7) };
    const RU: [&str; 7] = [
        "в понедельник",
        "во вторник",
        "в среду",
        "в четверг",
        "в пятницу",
        "в субботу",
        "в воскресенье",
    ];
    const ZH: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
    let mut best: Option<(usize, i32)> = None;
    let mut consider = |pos: usize, off: i32| {
        if best.is_none_or(|(p, _)| pos < p) {
            best = Some((pos, off));
        }
    };
    for (wd, name) in lang::calendar::WEEKDAYS_EN.iter().enumerate() {
        if let Some(p) = find_word(&lower, name) {
            consider(p, back_to(wd as i32));
        }
    }
    for (wd, name) in RU.iter().enumerate() {
        if let Some(p) = lower.find(name) {
            consider(p, back_to(wd as i32));
        }
    }
    for (wd, d) in ZH.iter().enumerate() {
        for prefix in ["周", "週", "星期", "禮拜", "礼拜"] {
            let pat = format!("{prefix}{d}");
            if let Some(p) = lower.find(&pat) {
                consider(p, back_to(wd as i32));
            }
        }
        if *d == "日" {
            for pat in ["星期天", "周天"] {
                if let Some(p) = lower.find(pat) {
                    consider(p, back_to(6));
                }
            }
        }
    }
    for (pat, off) in [
        ("yesterday", 1),
        ("昨天", 1),
        ("昨日", 1),
        ("вчера", 1),
        ("today", 0),
        ("今天", 0),
        ("今日", 0),
        ("сегодня", 0),
    ] {
        if let Some(p) = find_word(&lower, pat) {
            consider(p, off);
        }
    }
    best.map(|(_, off)| off)
}

/// Position of `word` in `text` at word boundaries (for Latin/Cyrillic words).
fn find_word(text: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(p) = text[from..].find(word) {
        let at = from + p;
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let edge = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric() || is_han(c));
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

    #[test]
    fn reads_publication_dates() {
        assert_eq!(
            iso(parse_published("2024-05-16T17:54").unwrap()),
            "2024-05-16"
        );
        assert_eq!(
            iso(parse_published("December 22nd, 2008 8 : 55 am").unwrap()),
            "2008-12-22"
        );
        assert_eq!(
            iso(parse_published("PUBLISHED : WEDNESDAY, MARCH 13, 2013, 2 : 29 PM").unwrap()),
            "2013-03-13"
        );
        assert_eq!(
            parse_published("on Apr 12 2007").map(iso).as_deref(),
            Some("2007-04-12")
        );
        assert_eq!(parse_published("yesterday"), None);
    }

    #[test]
    fn resolves_weekdays_against_publication() {
        let thu = day_of(2024, 5, 16).unwrap();
        assert_eq!(relative_offset("in Beijing on Thursday.", thu), Some(0));
        let fri = day_of(2024, 5, 17).unwrap();
        assert_eq!(relative_offset("普京周四在北京", fri), Some(1));
        assert_eq!(relative_offset("Путин в четверг прибыл", fri), Some(1));
        assert_eq!(relative_offset("nothing here", fri), None);
    }

    #[test]
    fn written_dates_take_the_year_from_the_reference() {
        let pubd = day_of(2024, 10, 23);
        let found = written_dates("KAZAN, Russia, Oct. 22 (Xinhua) --", pubd);
        assert_eq!(
            found.into_iter().map(iso).collect::<Vec<_>>(),
            ["2024-10-22"]
        );
        let found = written_dates("新华社喀山10月22日电", pubd);
        assert_eq!(
            found.into_iter().map(iso).collect::<Vec<_>>(),
            ["2024-10-22"]
        );
        let found = written_dates("в 16 мая 2024 года", None);
        assert_eq!(
            found.into_iter().map(iso).collect::<Vec<_>>(),
            ["2024-05-16"]
        );
    }
}
