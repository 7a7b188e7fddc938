//! When an article says its event happened: a day number from the dateline, a date written in
//! the lead, a relative day ("on Thursday", "周四", "в четверг", "yesterday") resolved against
//! the publication date, or the publication date itself.
//!
//! Days are counted from 1970-01-01 ([`Day`]) so that gaps are plain subtraction. Parsing is
//! lenient (publication dates arrive as `2024-05-16T17:54`, `December 22nd, 2008 8 : 55 am`,
//! `PUBLISHED : WEDNESDAY, MARCH 13, 2013`) and never fails: what cannot be read is `None`.

use lang::Lang;

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
    lang::dates::day_of(y, m, d)
}

/// `YYYY-MM-DD` of a day.
pub fn iso(day: Day) -> String {
    lang::dates::iso(day)
}

/// A publication date as written anywhere: ISO first, then month names with a year in any
/// pack's language (metadata does not say its language).
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
    written_dates(s, &lang::pack_langs(), None)
        .into_iter()
        .next()
}

/// Dates written in a text in the languages `langs` (see [`lang::dates::written_dates`]).
pub fn written_dates(s: &str, langs: &[Lang], reference: Option<Day>) -> Vec<Day> {
    lang::dates::written_dates(s, langs, reference)
}

/// The relative day named first in a text written in any of `langs` ("yesterday", "am
/// Donnerstag", "上周四"), as days before `published` (negative for a day after it).
pub fn relative_offset(s: &str, langs: &[Lang], published: Day) -> Option<i32> {
    langs
        .iter()
        .filter_map(|l| lang::dates::relative_day(s, *l, published))
        .min_by_key(|(_, pos)| *pos)
        .map(|(day, _)| published - day)
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
        assert_eq!(
            relative_offset("in Beijing on Thursday.", &[Lang::EN], thu),
            Some(0)
        );
        let fri = day_of(2024, 5, 17).unwrap();
        assert_eq!(
            relative_offset("普京周四在北京", &[Lang::ZH_HANS], fri),
            Some(1)
        );
        assert_eq!(
            relative_offset("Путин в четверг прибыл", &[Lang::RU], fri),
            Some(1)
        );
        assert_eq!(relative_offset("nothing here", &[Lang::EN], fri), None);
    }

    #[test]
    fn written_dates_take_the_year_from_the_reference() {
        let pubd = day_of(2024, 10, 23);
        let found = written_dates("KAZAN, Russia, Oct. 22 (Xinhua) --", &[Lang::EN], pubd);
        assert_eq!(
            found.into_iter().map(iso).collect::<Vec<_>>(),
            ["2024-10-22"]
        );
        let found = written_dates("新华社喀山10月22日电", &[Lang::ZH_HANS], pubd);
        assert_eq!(
            found.into_iter().map(iso).collect::<Vec<_>>(),
            ["2024-10-22"]
        );
        let found = written_dates("в 16 мая 2024 года", &[Lang::RU], None);
        assert_eq!(
            found.into_iter().map(iso).collect::<Vec<_>>(),
            ["2024-05-16"]
        );
    }
}
