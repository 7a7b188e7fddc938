//! Date parsing for metadata values and visible date lines: ISO 8601 and its common variants,
//! day-first numeric dates (`16/05/2024 17:54`, `23.10.2024`), Chinese (`2024年10月23日`), and
//! month names of every language pack, read through the shared date layer `lang::dates`
//! (`23 Mar., 2023`, `March 22, 2023`, `22 октября 2024`, `16 mayo 2024`). Results are ISO strings: a date, or a
//! date-time when a time is given.

use regex::Regex;
use std::sync::LazyLock;

/// Years outside this range are not publication dates.
const MIN_YEAR: i32 = 1995;
const MAX_YEAR: i32 = 2035;

/// A parsed date with optional time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub y: i32,
    pub m: u32,
    pub d: u32,
    /// `(hour, minute, second)`; second is `None` when not given.
    pub time: Option<(u32, u32, Option<u32>)>,
}

impl Date {
    pub fn new(y: i32, m: u32, d: u32) -> Option<Date> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&y) || !(1..=12).contains(&m) || d == 0 {
            return None;
        }
        let dim = match m {
            2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        (d <= dim).then_some(Date {
            y,
            m,
            d,
            time: None,
        })
    }

    fn with_time(mut self, h: Option<u32>, mi: Option<u32>, s: Option<u32>) -> Date {
        if let (Some(h), Some(mi)) = (h, mi) {
            if h < 24 && mi < 60 && s.is_none_or_lt60() {
                self.time = Some((h, mi, s));
            }
        }
        self
    }

    /// `YYYY-MM-DD`.
    pub fn date_iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }

    /// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS]`.
    pub fn iso(&self) -> String {
        match self.time {
            None => self.date_iso(),
            Some((h, m, None)) => format!("{}T{:02}:{:02}", self.date_iso(), h, m),
            Some((h, m, Some(s))) => format!("{}T{:02}:{:02}:{:02}", self.date_iso(), h, m, s),
        }
    }

    /// Days since an arbitrary epoch, for comparisons.
    pub fn day_number(&self) -> i64 {
        civil_day(self.y as i64, self.m, self.d)
    }
}

/// Days since the epoch of [`Date::day_number`] of a calendar date.
fn civil_day(y: i64, m: u32, d: u32) -> i64 {
    let (y, m) = if m <= 2 {
        (y - 1, m as i64 + 9)
    } else {
        (y, m as i64 - 3)
    };
    365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + d as i64
}

/// The earliest year a publication date given with the input may have.
const EARLIEST_PUBLISHED_YEAR: i64 = 1800;
/// How many days a publication date may lie after its reference day (time zones, embargoes).
const FUTURE_DAYS: i64 = 3;

/// Check a publication date against its reference day (see [`reference_day`]): `Ok` with the
/// value to keep (an ISO 8601 value as given, another form that [`parse_value`] reads in ISO
/// form), or `Err` saying why it cannot be a publication date.
pub fn check_published(value: &str, reference: i64) -> Result<String, String> {
    static ISO: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^([+-]?\d{1,6})-(\d{1,2})-(\d{1,2})(?:$|[T\s])").expect("valid regex")
    });
    let v = value.trim();
    let (kept, y, m, d) = match ISO.captures(v) {
        Some(c) => {
            let y: i64 = c[1].parse().map_err(|_| format!("`{v}` is not a date"))?;
            let (m, d): (u32, u32) = (c[2].parse().unwrap_or(0), c[3].parse().unwrap_or(0));
            (v.to_string(), y, m, d)
        }
        None => match parse_value(v) {
            Some(p) => (p.iso(), p.y as i64, p.m, p.d),
            None => return Err(format!("`{v}` is not a date")),
        },
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in_month = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => 0,
    };
    if d == 0 || d > days_in_month {
        return Err(format!("`{v}` is not a calendar date"));
    }
    if y < EARLIEST_PUBLISHED_YEAR {
        return Err(format!(
            "`{v}` is before {EARLIEST_PUBLISHED_YEAR}, not a publication date"
        ));
    }
    if civil_day(y, m, d) > reference + FUTURE_DAYS {
        return Err(format!(
            "`{v}` is more than {FUTURE_DAYS} days after the document was captured or read"
        ));
    }
    Ok(kept)
}

/// The day publication dates are checked against: the capture date when the input has one,
/// else today (by the system clock).
pub fn reference_day(captured: Option<&str>) -> i64 {
    if let Some(c) = captured.and_then(parse_value) {
        return c.day_number();
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    civil_day(1970, 1, 1) + secs.div_euclid(86_400)
}

trait LtSixty {
    fn is_none_or_lt60(&self) -> bool;
}
impl LtSixty for Option<u32> {
    fn is_none_or_lt60(&self) -> bool {
        !matches!(self, Some(s) if *s >= 60)
    }
}

/// Month number from a name or abbreviation in any language pack (`lang::dates`; metadata and
/// page chrome do not say their language).
pub fn month_from_name(name: &str) -> Option<u32> {
    let l = name
        .trim_end_matches('.')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    lang::dates::month_name(&l, None)
}

/// A regex alternation of every month name and abbreviation of every pack (at least three
/// characters, longest first), with an optional final full stop.
static MONTHS_RE: LazyLock<String> = LazyLock::new(|| {
    let forms: Vec<String> = lang::dates::all_month_forms(3)
        .into_iter()
        .map(|(f, _)| regex::escape(f.trim_end_matches('.')).replace(' ', r"\s+"))
        .collect();
    format!(r"(?:{})\.?", forms.join("|"))
});

static ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)(?:^|[^\d])((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?:\s*日)?
          (?:(?:T|\s*,?\s*)(\d{1,2})[:时時](\d{2})(?:[:分](\d{2}))?)?",
    )
    .expect("static regex")
});

static DMY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)(?:^|[^\d])(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*((?:19|20)\d\d)
          (?:(?:\s*,?\s*(?:um|à|a\s+las|at|в)?\s*|\s*-\s*)(\d{1,2})[:h.](\d{2})(?::(\d{2}))?)?",
    )
    .expect("static regex")
});

/// `28.09.1912:44`: a short dotted date with its time glued on (two adjacent elements, one for
/// the day and one for the time, printed without a space between them).
static DMY_SHORT_GLUED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d.])(\d{2})\.(\d{2})\.(\d{2})([01]\d|2[0-3]):([0-5]\d)(?:[^\d]|$)")
        .expect("static regex")
});

/// `26 | 01 | 2022`: day, month and year set apart by bars, as some page sublines print them.
static DMY_BAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d|])(\d{1,2}) \| (\d{1,2}) \| ((?:19|20)\d\d)").expect("static regex")
});

/// `31.10.23`: a two-digit year only with dots and two-digit day and month (German and Swiss
/// pages print it so), never inside a longer run of numbers (`1.10.23.4`, `31.10.2023`).
static DMY_SHORT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)(?:^|[^\d.])(\d{2})\.(\d{2})\.(\d{2})(?:[^\d.]|\.\D|\.$|$)
          (?:\s*,?\s*(?:um\s*)?(\d{1,2}):(\d{2}))?",
    )
    .expect("static regex")
});

static D_MONTH_Y: LazyLock<Regex> = LazyLock::new(|| {
    let months = &*MONTHS_RE;
    Regex::new(&format!(
        r"(?ix)(?:^|[^\w])(\d{{1,2}})(?:\.|er|st|nd|rd|th)?\s*(?:de\s+)?({months})(?:\s*,?\s*(?:de\s+)?|\s+)((?:19|20)\d\d)
          (?:\s*(?:г\.|года)?\s*,?\s*(?:um|at|à|в|-|\|)?\s*(\d{{1,2}})[:h](\d{{2}})(?::(\d{{2}}))?)?"
    ))
    .expect("static regex")
});

static MONTH_D_Y: LazyLock<Regex> = LazyLock::new(|| {
    let months = &*MONTHS_RE;
    Regex::new(&format!(
        r"(?ix)(?:^|[^\w])({months})\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s+((?:19|20)\d\d)
          (?:\s*(?:,|at|-|\|)?\s*(\d{{1,2}}):(\d{{2}})(?::(\d{{2}}))?\s*([ap]\.?m\.?)?)?"
    ))
    .expect("static regex")
});

static COMPACT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d])((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?:[^\d]|$)")
        .expect("static regex")
});

fn num(m: Option<regex::Match>) -> Option<u32> {
    m.and_then(|m| m.as_str().parse().ok())
}

/// The year group ends the number: no digit follows it (`2017durch` is a date glued to the
/// next word, `20171` is not a year).
fn year_ends(s: &str, c: &regex::Captures, group: usize) -> bool {
    c.get(group)
        .is_none_or(|m| !s[m.end()..].starts_with(|ch: char| ch.is_ascii_digit()))
}

/// A date found in text, with its byte span.
#[derive(Debug, Clone, Copy)]
pub struct Found {
    pub date: Date,
    pub start: usize,
    pub end: usize,
}

/// All dates in `s`, in order of position. Overlapping matches keep the earliest-starting one.
pub fn find_all(s: &str) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    if !s.bytes().any(|b| b.is_ascii_digit()) {
        return out;
    }
    for c in ISO.captures_iter(s) {
        let (Some(y), Some(m), Some(d)) = (num(c.get(1)), num(c.get(2)), num(c.get(3))) else {
            continue;
        };
        if let Some(date) = Date::new(y as i32, m, d) {
            let whole = c.get(1).map_or(0, |m| m.start())..c.get(0).map_or(0, |m| m.end());
            out.push(Found {
                date: date.with_time(num(c.get(4)), num(c.get(5)), num(c.get(6))),
                start: whole.start,
                end: whole.end,
            });
        }
    }
    let bars = if s.contains(" | ") { s } else { "" };
    for c in DMY.captures_iter(s).chain(DMY_BAR.captures_iter(bars)) {
        let (Some(a), Some(b), Some(y)) = (num(c.get(1)), num(c.get(2)), num(c.get(3))) else {
            continue;
        };
        if !year_ends(s, &c, 3) {
            continue;
        }
        // Day first unless that is impossible.
        let date = Date::new(y as i32, b, a).or_else(|| Date::new(y as i32, a, b));
        if let Some(date) = date {
            let whole = c.get(1).map_or(0, |m| m.start())..c.get(0).map_or(0, |m| m.end());
            out.push(Found {
                date: date.with_time(num(c.get(4)), num(c.get(5)), num(c.get(6))),
                start: whole.start,
                end: whole.end,
            });
        }
    }
    // `dd.dd.dd` somewhere, checked on bytes first: most text has none.
    let short_dotted = s.as_bytes().windows(8).any(|w| {
        w[2] == b'.' && w[5] == b'.' && [0, 1, 3, 4, 6, 7].iter().all(|&i| w[i].is_ascii_digit())
    });
    let dotted = if short_dotted { s } else { "" };
    for c in DMY_SHORT
        .captures_iter(dotted)
        .chain(DMY_SHORT_GLUED.captures_iter(dotted))
    {
        let (Some(d), Some(m), Some(y)) = (num(c.get(1)), num(c.get(2)), num(c.get(3))) else {
            continue;
        };
        if let Some(date) = Date::new(2000 + y as i32, m, d) {
            let whole = c.get(1).map_or(0, |m| m.start())..c.get(3).map_or(0, |m| m.end());
            let end = c.get(5).map_or(whole.end, |m| m.end());
            out.push(Found {
                date: date.with_time(num(c.get(4)), num(c.get(5)), None),
                start: whole.start,
                end,
            });
        }
    }
    for c in D_MONTH_Y.captures_iter(s) {
        let (Some(d), Some(m), Some(y)) = (
            num(c.get(1)),
            c.get(2).and_then(|m| month_name_prefix(m.as_str())),
            num(c.get(3)),
        ) else {
            continue;
        };
        if !year_ends(s, &c, 3) {
            continue;
        }
        if let Some(date) = Date::new(y as i32, m, d) {
            let whole = c.get(1).map_or(0, |m| m.start())..c.get(0).map_or(0, |m| m.end());
            out.push(Found {
                date: date.with_time(num(c.get(4)), num(c.get(5)), num(c.get(6))),
                start: whole.start,
                end: whole.end,
            });
        }
    }
    for c in MONTH_D_Y.captures_iter(s) {
        let (Some(m), Some(d), Some(y)) = (
            c.get(1).and_then(|m| month_name_prefix(m.as_str())),
            num(c.get(2)),
            num(c.get(3)),
        ) else {
            continue;
        };
        if let Some(date) = Date::new(y as i32, m, d) {
            let mut h = num(c.get(4));
            if let (Some(hh), Some(ap)) = (h, c.get(7)) {
                let pm = ap.as_str().to_ascii_lowercase().starts_with('p');
                h = Some(match (hh, pm) {
                    (12, false) => 0,
                    (h, true) if h < 12 => h + 12,
                    (h, _) => h,
                });
            }
            let whole = c.get(1).map_or(0, |m| m.start())..c.get(0).map_or(0, |m| m.end());
            out.push(Found {
                date: date.with_time(h, num(c.get(5)), num(c.get(6))),
                start: whole.start,
                end: whole.end,
            });
        }
    }
    out.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    let mut kept: Vec<Found> = Vec::with_capacity(out.len());
    for f in out {
        if kept.last().is_some_and(|k| f.start < k.end) {
            continue;
        }
        kept.push(f);
    }
    kept
}

fn month_name_prefix(s: &str) -> Option<u32> {
    month_from_name(s).or_else(|| {
        let l = s.trim_end_matches('.').to_lowercase();
        let p: String = l.chars().take(3).collect();
        month_from_name(&p)
    })
}

/// The first date in `s`.
pub fn find_first(s: &str) -> Option<Date> {
    find_all(s).first().map(|f| f.date)
}

/// Parse a metadata value (`2024-10-23T08:59:26+08:00`, `2024-10-23`, `Oct 23, 2024`, …).
pub fn parse_value(s: &str) -> Option<Date> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    // Unix timestamps (seconds or milliseconds).
    if s.len() >= 9 && s.len() <= 13 && s.bytes().all(|b| b.is_ascii_digit()) {
        let mut t: i64 = s.parse().ok()?;
        if s.len() == 13 {
            t /= 1000;
        }
        return from_unix(t);
    }
    if let Some(d) = find_first(s) {
        return Some(d);
    }
    if let Some(c) = COMPACT.captures(s) {
        let (Some(y), Some(m), Some(d)) = (num(c.get(1)), num(c.get(2)), num(c.get(3))) else {
            return None;
        };
        return Date::new(y as i32, m, d);
    }
    None
}

/// The UTC offset in minutes of a metadata date-time (`…T06:35:29+00:00`, `…Z`, `…+0530`);
/// `None` when there is no time or no offset.
pub fn utc_offset(s: &str) -> Option<i32> {
    static OFFSET: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"\d:\d{1,2}(?::\d{1,2})?(?:[.,]\d+)?\s*(?:(Z|UTC|GMT)|([+-])(\d{2}):?(\d{2}))\s*$",
        )
        .expect("static regex")
    });
    let c = OFFSET.captures(s.trim())?;
    if c.get(1).is_some() {
        return Some(0);
    }
    let sign = if c.get(2)?.as_str() == "-" { -1 } else { 1 };
    Some(sign * (num(c.get(3))? as i32 * 60 + num(c.get(4))? as i32))
}

/// A date in a URL path (`/2024/10/23/`, `/2024-10-23/`, `/20241023/`); `(date, day_known)`.
pub fn from_url(url: &str) -> Option<(Date, bool)> {
    // Separators must be consistent: all present (`2006/12/04`, `2006-1-4`) or all absent
    // (`20061204`); a mix would read `2006/12/04` as 2006-1-2.
    static URL_YMD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"[/_-]((?:19|20)\d\d)(?:[/_.-](0?[1-9]|1[0-2])[/_.-](0?[1-9]|[12]\d|3[01])|(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01]))(?:[/_.-]|\.html?|$)")
            .expect("static regex")
    });
    static URL_YM: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"/((?:19|20)\d\d)[/-](0[1-9]|1[0-2])/").expect("static regex")
    });
    if let Some(c) = URL_YMD.captures(url) {
        let m = num(c.get(2)).or(num(c.get(4)));
        let d = num(c.get(3)).or(num(c.get(5)));
        // `/2023/10/3-fragen-an…`: a one-digit "day" running into the slug is a title word.
        let whole = c.get(0).map_or("", |w| w.as_str());
        let slug_digit = c.get(3).is_some_and(|d| d.len() == 1)
            && (whole.ends_with('-') || whole.ends_with('_'));
        if let (Some(y), Some(m), Some(d), false) = (num(c.get(1)), m, d, slug_digit) {
            if let Some(date) = Date::new(y as i32, m, d) {
                return Some((date, true));
            }
        }
    }
    // `/news/23-01-2022-a-story/`, `/meldungen/29-10-2021`: day first.
    static URL_DMY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"/(0?[1-9]|[12]\d|3[01])[-_.](0?[1-9]|1[0-2])[-_.]((?:19|20)\d\d)(?:[/_.-]|$)")
            .expect("static regex")
    });
    if let Some(c) = URL_DMY.captures(url) {
        if let (Some(d), Some(m), Some(y)) = (num(c.get(1)), num(c.get(2)), num(c.get(3))) {
            if let Some(date) = Date::new(y as i32, m, d) {
                return Some((date, true));
            }
        }
    }
    if let Some(c) = URL_YM.captures(url) {
        if let (Some(y), Some(m)) = (num(c.get(1)), num(c.get(2))) {
            return Date::new(y as i32, m, 1).map(|d| (d, false));
        }
    }
    None
}

fn from_unix(t: i64) -> Option<Date> {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = if m <= 2 { y + 1 } else { y };
    let date = Date::new(y as i32, m, d)?;
    Some(date.with_time(
        Some((secs / 3600) as u32),
        Some((secs % 3600 / 60) as u32),
        Some((secs % 60) as u32),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_values_are_checked() {
        let today = civil_day(2024, 10, 23);
        assert_eq!(
            check_published("2024-10-22T08:00:00+08:00", today).unwrap(),
            "2024-10-22T08:00:00+08:00"
        );
        assert_eq!(
            check_published("Oct 21, 2024", today).unwrap(),
            "2024-10-21"
        );
        assert_eq!(check_published("1850-02-03", today).unwrap(), "1850-02-03");
        for bad in [
            "yesterday",
            "2024-13-45",
            "0000-00-00",
            "1700-01-01",
            "2024-11-30",
            "9999-12-31",
            "2023-02-29",
        ] {
            assert!(check_published(bad, today).is_err(), "{bad} accepted");
        }
        assert_eq!(reference_day(Some("2024-10-23T10:00:00Z")), today);
    }

    #[test]
    fn formats() {
        let f = |s: &str| find_first(s).map(|d| d.iso());
        assert_eq!(
            f("發佈時間:2024-10-23 08:59:26 |").as_deref(),
            Some("2024-10-23T08:59:26")
        );
        assert_eq!(f("23 Mar., 2023 | Source").as_deref(), Some("2023-03-23"));
        assert_eq!(
            f("Eurasia/Xinhua 16/05/2024 17:54").as_deref(),
            Some("2024-05-16T17:54")
        );
        assert_eq!(f("22 октября 2024").as_deref(), Some("2024-10-22"));
        assert_eq!(f("26 | 01 | 2022 Schweiz").as_deref(), Some("2022-01-26"));
        assert_eq!(f("Seite 3 | 4 | 12").as_deref(), None);
        assert_eq!(
            f("الأربعاء، 07 أكتوبر 2020 - 12:09 م").as_deref(),
            Some("2020-10-07T12:09")
        );
        assert_eq!(f("3 تشرين الأول 2021").as_deref(), Some("2021-10-03"));
        assert_eq!(f("2024年10月23日").as_deref(), Some("2024-10-23"));
        assert_eq!(f("March 22, 2023").as_deref(), Some("2023-03-22"));
        assert_eq!(f("22. Oktober 2024").as_deref(), Some("2024-10-22"));
        assert_eq!(f("23.10.2024, 14:05").as_deref(), Some("2024-10-23T14:05"));
        assert_eq!(
            parse_value("2024-10-23T08:59:26+08:00")
                .map(|d| d.iso())
                .as_deref(),
            Some("2024-10-23T08:59:26")
        );
        assert_eq!(
            from_url("https://x.org/news/2019/04/12/story")
                .map(|d| d.0.date_iso())
                .as_deref(),
            Some("2019-04-12")
        );
    }

    #[test]
    fn day_first_url_dates() {
        let u = |s: &str| from_url(s).map(|(d, full)| (d.date_iso(), full));
        assert_eq!(
            u("https://x.it/de/newsroom/23-01-2022-wierer-jubelt/17-378.html"),
            Some(("2022-01-23".into(), true))
        );
        assert_eq!(
            u("https://x.de/meldungen/29-10-2021"),
            Some(("2022-10-29".replace("2022", "2021"), true))
        );
        assert_eq!(u("https://x.de/a/12-34-2021-x"), None);
    }

    #[test]
    fn offsets() {
        assert_eq!(utc_offset("2023-11-09T06:35:29+00:00"), Some(0));
        assert_eq!(utc_offset("2021-11-04T23:00Z"), Some(0));
        assert_eq!(utc_offset("2020-10-02T18:16:21+05:30"), Some(330));
        assert_eq!(utc_offset("2020-01-20T09:49:32-0400"), Some(-240));
        assert_eq!(utc_offset("2020-01-20T09:49:32"), None);
        assert_eq!(utc_offset("2020-01-20"), None);
    }

    #[test]
    fn dates_glued_to_letters() {
        // Labels and names printed without a space before the date (`입력2023.11.02.`).
        let f = |s: &str| find_first(s).map(|d| d.date_iso());
        assert_eq!(
            f("입력2023.11.02. 오후 8:06").as_deref(),
            Some("2023-11-02")
        );
        assert_eq!(f("Tanja Karrasch3.11.2023").as_deref(), Some("2023-11-03"));
        assert_eq!(f("v12023-11-02").as_deref(), None);
        // A date glued to the word after it (adjacent links: `08/08/2017durch Stephan`).
        assert_eq!(f("08/08/2017durch Stephan").as_deref(), Some("2017-08-08"));
        assert_eq!(f("3. Mai 2019von Anna").as_deref(), Some("2019-05-03"));
        assert_eq!(f("12.10.20191").as_deref(), None);
        // A short date and its time in two elements printed without a space.
        assert_eq!(
            find_first("28.09.1912:44").map(|d| d.iso()).as_deref(),
            Some("2019-09-28T12:44")
        );
    }

    #[test]
    fn two_digit_years_with_dots() {
        let f = |s: &str| find_first(s).map(|d| d.iso());
        assert_eq!(f("Sport, 07.11.24").as_deref(), Some("2024-11-07"));
        assert_eq!(
            f("Erstellt 05.03.21 um 9:41").as_deref(),
            Some("2021-03-05T09:41")
        );
        assert_eq!(f("Ausgabe vom 05.03.21.").as_deref(), Some("2021-03-05"));
        // Versions, longer number runs and impossible days are not dates.
        assert_eq!(f("Release 1.10.23").as_deref(), None);
        assert_eq!(f("Build 3.05.03.21").as_deref(), None);
        assert_eq!(f("05.03.21.7").as_deref(), None);
        assert_eq!(f("32.13.21").as_deref(), None);
    }

    #[test]
    fn url_dates_need_consistent_separators() {
        let u = |s: &str| from_url(s).map(|(d, full)| (d.date_iso(), full));
        assert_eq!(
            u("http://x.com/2006/12/04/a-story/"),
            Some(("2006-12-04".into(), true))
        );
        assert_eq!(
            u("http://x.com/news/2011/12/no-day/"),
            Some(("2011-12-01".into(), false))
        );
        assert_eq!(
            u("http://x.com/a/20191204-story.html"),
            Some(("2019-12-04".into(), true))
        );
        assert_eq!(
            u("http://x.com/2019-4-7/story"),
            Some(("2019-04-07".into(), true))
        );
        assert_eq!(u("http://x.com/item/2019123"), None);
        assert_eq!(
            u("http://x.com/2023/10/3-questions-for/"),
            Some(("2023-10-01".into(), false))
        );
    }
}
