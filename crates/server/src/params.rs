//! Query parameters as clients send them: counts (`offset`, `limit`), dates (`from`, `to`) and
//! names from a fixed list (`kind`), checked once here so that a bad value is answered with a
//! `bad_request` naming the parameter and what it takes, never silently with an empty list.
//! Also the one reading of stored dates used for ordering (`published` may be raw text).

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Deserializer};

use crate::error::ApiError;

/// `deserialize_with` for an optional count (`offset`, `limit`): a whole number, 0 or more; an
/// empty value is the same as none.
pub fn count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    let Some(raw) = Option::<String>::deserialize(d)? else {
        return Ok(None);
    };
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    // A whole number too large for this machine is as good as the largest one: an offset past
    // the end gives an empty page and a limit is capped anyway.
    if v.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Some(v.parse::<usize>().unwrap_or(usize::MAX)));
    }
    v.parse::<usize>().map(Some).map_err(|_| {
        serde::de::Error::custom(format!(
            "must be a whole number, 0 or more (got `{}`)",
            shorten(v)
        ))
    })
}

/// A value as it may be quoted in a message: at most 40 characters.
fn shorten(v: &str) -> String {
    match v.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &v[..i]),
        None => v.to_string(),
    }
}

/// The day a filter date names: an ISO date (`2024-05-16`), or an RFC 3339 date-time
/// (`2024-05-16T00:00:00Z`, `2024-05-16T08:00:00+08:00`), whose own calendar day is taken, so a
/// filter compares days and never drops an event dated that day. Exactly the OpenAPI
/// description's `date` and `date-time` formats.
pub fn filter_day(name: &str, value: Option<&str>) -> Result<Option<NaiveDate>, ApiError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let day = if v.len() == 10 {
        leading_day(v)
    } else {
        DateTime::parse_from_rfc3339(v)
            .ok()
            .and_then(|_| leading_day(&v[..10]))
    };
    day.map(Some).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "`{name}` must be an ISO date such as 2024-05-16 or a date-time such as \
             2024-05-16T00:00:00Z (got `{}`)",
            shorten(v)
        ))
    })
}

/// The calendar day at the start of `s` when `s` is an ISO date, alone or followed by a time
/// (`T` or a space); `None` for anything else, or an impossible date (`2024-13-45`).
pub fn leading_day(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let head = s.get(..10)?;
    let rest = &s[10..];
    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
        return None;
    }
    NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()
}

/// A stored date (`published`, which may be raw text from a page) as seconds since 1970 for
/// ordering: RFC 3339 or ISO date-times, ISO dates, and RFC 2822 (feeds); `None` when it is
/// none of these, so undated documents sort last.
pub fn sort_time(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.timestamp());
    }
    if let Ok(t) = DateTime::parse_from_rfc2822(s) {
        return Some(t.timestamp());
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(t.and_utc().timestamp());
        }
    }
    leading_day(s).and_then(|d| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp()))
}

/// The API's parameters typed as a number, a date or a name from a list: under `/api` each
/// must be given as its type in the OpenAPI description (not empty, no spaces around), where
/// the pages' forms, which send empty fields, may leave them empty.
const TYPED: [&str; 6] = ["offset", "limit", "kind", "order", "from", "to"];

/// Checks a raw `/api` query string for typed parameters given empty or padded.
pub fn strict_api_query(raw: &str) -> Result<(), ApiError> {
    for (name, value) in form_urlencoded::parse(raw.as_bytes()) {
        if !TYPED.contains(&name.as_ref()) {
            continue;
        }
        if value.is_empty() {
            return Err(ApiError::BadRequest(format!(
                "`{name}` is empty: give a value or leave the parameter out"
            )));
        }
        if value.trim() != value {
            return Err(ApiError::BadRequest(format!(
                "`{name}` has spaces around its value (got `{}`)",
                shorten(&value)
            )));
        }
    }
    Ok(())
}

/// The value of a parameter that takes one of `allowed` (empty means any).
pub fn one_of<'a>(
    name: &str,
    value: Option<&'a str>,
    allowed: &[&str],
) -> Result<Option<&'a str>, ApiError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if allowed.contains(&v) {
        Ok(Some(v))
    } else {
        Err(ApiError::BadRequest(format!(
            "`{name}` must be one of {} (got `{}`)",
            allowed.join(", "),
            shorten(v)
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_days_accept_dates_and_date_times_and_name_bad_values() {
        let d = NaiveDate::from_ymd_opt(2024, 5, 16);
        for ok in [
            "2024-05-16",
            "2024-05-16T00:00:00Z",
            "2024-05-16T23:59:59+08:00",
            "2024-05-16T08:00:00.5-03:00",
        ] {
            assert_eq!(filter_day("from", Some(ok)).unwrap(), d, "{ok}");
        }
        assert_eq!(filter_day("from", Some("  ")).unwrap(), None);
        for bad in [
            "notadate",
            "2024-13-45",
            "2024-05-16x",
            "16/05/2024",
            "2024-5-1",
            "2024-05-16T",
            "2024-05-16 08:00",
        ] {
            let e = filter_day("from", Some(bad)).unwrap_err().to_string();
            assert!(e.contains("`from`") && e.contains(bad), "{e}");
        }
    }

    #[test]
    fn sort_times_read_the_common_forms_and_leave_text_undated() {
        let day = sort_time("2024-05-16").unwrap();
        assert_eq!(sort_time("2024-05-16T00:00:00Z"), Some(day));
        assert_eq!(sort_time("Thu, 16 May 2024 00:00:00 +0000"), Some(day));
        assert_eq!(sort_time("2024-05-16T02:00:00+02:00"), Some(day));
        assert!(sort_time("2024-05-17 00:00:01").unwrap() > day);
        assert_eq!(sort_time("yesterday"), None);
        assert_eq!(sort_time("May 16"), None);
    }

    #[test]
    fn api_queries_refuse_empty_or_padded_typed_values_only() {
        assert!(strict_api_query("limit=5&q=&lang=").is_ok());
        assert!(strict_api_query("").is_ok());
        for bad in ["limit=", "kind=%09", "from=+2024-05-16", "order=newest%20"] {
            let e = strict_api_query(bad).unwrap_err().to_string();
            let name = bad.split('=').next().unwrap();
            assert!(e.contains(&format!("`{name}`")), "{bad}: {e}");
        }
    }

    #[test]
    fn counts_too_large_for_the_machine_saturate() {
        #[derive(Deserialize)]
        struct C {
            #[serde(deserialize_with = "count")]
            n: Option<usize>,
        }
        let c: C = serde_json::from_str(r#"{"n":"89487336043871515680111067136"}"#).unwrap();
        assert_eq!(c.n, Some(usize::MAX));
        assert!(serde_json::from_str::<C>(r#"{"n":"-1"}"#).is_err());
    }

    #[test]
    fn one_of_names_the_choices() {
        let kinds = ["person", "place"];
        assert_eq!(
            one_of("kind", Some("place"), &kinds).unwrap(),
            Some("place")
        );
        assert_eq!(one_of("kind", Some(""), &kinds).unwrap(), None);
        let e = one_of("kind", Some("bogus"), &kinds)
            .unwrap_err()
            .to_string();
        assert!(e.contains("person, place") && e.contains("bogus"), "{e}");
    }
}
