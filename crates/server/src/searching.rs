//! A search as the API, the page and the CLI give it: the searcher's best-ranked hits (at least
//! [`FACET_DEPTH`], as far as the page needs, at most [`SEARCH_DEPTH`]), described from the catalog, filtered by language, outlet and publication
//! date, counted per value of each filter (the facets), and each hit's snippet cut where the
//! query's words occur (the highlights).

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use wire::api::{
    DateFacet, EventFacet, FacetCount, Marked, SearchFacets, SearchHit, SearchResults, Translation,
};

use crate::catalog::Catalog;
use crate::error::ApiError;
use crate::params;

/// Hits a search ranks at most: pages, totals and facets reach down to this rank.
pub const SEARCH_DEPTH: usize = 200;

/// Longest query accepted, in characters.
const MAX_QUERY_CHARS: usize = 500;

/// Hits a search ranks at least, for its total and facets: ranking all [`SEARCH_DEPTH`] on
/// every search would cost several times as much (the vector hits are read from the store).
pub const FACET_DEPTH: usize = 50;

/// Most values a facet lists.
const FACET_VALUES: usize = 20;

/// The filters of a search: the values its facets offer.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SearchFilter {
    /// A language tag of the document (`zh` takes `zh-Hans` and `zh-Hant`).
    pub lang: Option<String>,
    /// The document's outlet, as it names itself (any case).
    pub outlet: Option<String>,
    /// Published on or after this day (an ISO date or date-time).
    pub from: Option<String>,
    /// Published on or before this day.
    pub to: Option<String>,
}

impl SearchFilter {
    pub fn is_empty(&self) -> bool {
        [&self.lang, &self.outlet, &self.from, &self.to]
            .iter()
            .all(|v| v.as_deref().is_none_or(|s| s.trim().is_empty()))
    }
}

fn set(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_lowercase)
}

/// Whether the tag `x` is `want` or a subtag of it (`zh-Hans` for `zh`); both lower case.
fn lang_matches(x: &str, want: &str) -> bool {
    x == want || x.strip_prefix(want).is_some_and(|r| r.starts_with('-'))
}

/// The body of `GET /api/search`: `searcher`'s hits for `q` that pass `filter`, from rank
/// `offset` on (within the first [`SEARCH_DEPTH`]), described from the catalog, with their
/// total and facets (the CLI's `search --json` prints the same hits).
pub fn search_results(
    searcher: &search::Searcher,
    store: &dyn store::Store,
    c: &Catalog,
    q: &str,
    filter: &SearchFilter,
    offset: usize,
    limit: usize,
) -> Result<SearchResults, ApiError> {
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::BadRequest(format!(
            "the query is longer than {MAX_QUERY_CHARS} characters"
        )));
    }
    let from = params::filter_day("from", filter.from.as_deref())?;
    let to = params::filter_day("to", filter.to.as_deref())?;
    let lang = set(&filter.lang);
    let outlet = set(&filter.outlet);
    let limit = limit.clamp(1, 100);
    let offset = offset.min(SEARCH_DEPTH);
    // Ranked: enough for the page, and at least FACET_DEPTH for the total and the facets; a
    // filtered page reaches further down the ranking.
    let depth = if filter.is_empty() {
        (offset + limit).clamp(FACET_DEPTH, SEARCH_DEPTH)
    } else {
        ((offset + limit) * 4).clamp(FACET_DEPTH, SEARCH_DEPTH)
    };
    let mut r = searcher.search(store, q, depth)?;
    // The nearest documents placed next to the best hits may run past the depth.
    r.hits.truncate(depth);
    let terms = highlight_terms(q, &r.translations);

    // Each hit with what the filters read of it.
    struct Seen {
        hit: store::Hit,
        languages: Vec<String>,
        outlet: Option<String>,
        published: Option<String>,
        day: Option<NaiveDate>,
        /// Passes the language, outlet and date filters.
        ok: [bool; 3],
    }
    let seen: Vec<Seen> = r
        .hits
        .into_iter()
        .map(|hit| {
            let d = c.doc(&hit.document);
            let languages = d.map(|d| d.languages.clone()).unwrap_or_default();
            let outlet_name = d.and_then(|d| d.outlet.clone());
            let day = c
                .doc_time(&hit.document)
                .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
                .map(|t| t.date_naive());
            let ok = [
                lang.as_deref()
                    .is_none_or(|l| languages.iter().any(|x| lang_matches(&x.to_lowercase(), l))),
                outlet.as_deref().is_none_or(|o| {
                    outlet_name
                        .as_deref()
                        .is_some_and(|x| x.to_lowercase() == o)
                }),
                (from.is_none() && to.is_none())
                    || day
                        .is_some_and(|d| from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t)),
            ];
            Seen {
                languages,
                outlet: outlet_name,
                published: d.and_then(|d| d.published.clone()),
                day,
                ok,
                hit,
            }
        })
        .collect();

    // Each facet counts the hits that pass the other two filters.
    let others = |s: &Seen, own: usize| (0..3).all(|k| k == own || s.ok[k]);
    let mut langs: HashMap<&str, usize> = HashMap::new();
    let mut outlets: HashMap<&str, usize> = HashMap::new();
    let mut days: Vec<NaiveDate> = Vec::new();
    let mut events: HashMap<&str, usize> = HashMap::new();
    for s in &seen {
        if others(s, 0) {
            let mut mine: Vec<&str> = s.languages.iter().map(String::as_str).collect();
            mine.sort_unstable();
            mine.dedup();
            for l in mine {
                *langs.entry(l).or_default() += 1;
            }
        }
        if others(s, 1) {
            if let Some(o) = &s.outlet {
                *outlets.entry(o).or_default() += 1;
            }
        }
        if others(s, 2) {
            days.extend(s.day);
        }
        if s.ok.iter().all(|&k| k) {
            if let Some(e) = &s.hit.event {
                *events.entry(e).or_default() += 1;
            }
        }
    }
    let facets = SearchFacets {
        languages: top(langs),
        outlets: top(outlets),
        dates: date_buckets(&days),
        events: top(events)
            .into_iter()
            .map(|f| EventFacet {
                title: c
                    .event_summary(&f.value)
                    .map(|e| e.title.clone())
                    .unwrap_or_else(|| f.value.clone()),
                id: f.value,
                count: f.count,
            })
            .collect(),
    };

    let passing: Vec<Seen> = seen
        .into_iter()
        .filter(|s| s.ok.iter().all(|&k| k))
        .collect();
    let total = passing.len();
    let hits = passing
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|s| {
            let h = s.hit;
            SearchHit {
                event_title: h
                    .event
                    .as_deref()
                    .and_then(|e| c.event_summary(e))
                    .map(|e| e.title.clone()),
                outlet: s.outlet,
                published: s.published,
                languages: s.languages,
                snippet_spans: mark(&h.snippet, &terms),
                document: h.document,
                title: h.title,
                event: h.event,
                score: h.score,
                snippet: h.snippet,
            }
        })
        .collect();
    Ok(SearchResults {
        query: q.to_string(),
        offset,
        limit,
        total,
        hits,
        facets,
        translations: r
            .translations
            .into_iter()
            .map(|(word, alternatives)| Translation { word, alternatives })
            .collect(),
        semantic: r.semantic,
    })
}

/// An answer without hits (a blank query).
pub fn no_results(q: &str, offset: usize, limit: usize) -> SearchResults {
    SearchResults {
        query: q.to_string(),
        offset,
        limit: limit.clamp(1, 100),
        total: 0,
        hits: Vec::new(),
        facets: SearchFacets::default(),
        translations: Vec::new(),
        semantic: false,
    }
}

/// The values with the most hits first (ties by value), at most [`FACET_VALUES`].
fn top(counts: HashMap<&str, usize>) -> Vec<FacetCount> {
    let mut v: Vec<FacetCount> = counts
        .into_iter()
        .map(|(value, count)| FacetCount {
            value: value.to_string(),
            count,
        })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    v.truncate(FACET_VALUES);
    v
}

/// The hits' days counted per day when they span at most a month, per month when they span
/// at most two years, else per year; oldest first.
fn date_buckets(days: &[NaiveDate]) -> Vec<DateFacet> {
    let (Some(&first), Some(&last)) = (days.iter().min(), days.iter().max()) else {
        return Vec::new();
    };
    let span = (last - first).num_days();
    let mut buckets: BTreeMap<(NaiveDate, NaiveDate), usize> = BTreeMap::new();
    for &d in days {
        let range = if span <= 31 {
            (d, d)
        } else if span <= 731 {
            month_of(d)
        } else {
            year_of(d)
        };
        *buckets.entry(range).or_default() += 1;
    }
    buckets
        .into_iter()
        .map(|((from, to), count)| DateFacet {
            label: if from == to {
                from.to_string()
            } else if from.year() == to.year() && from.month() == to.month() {
                format!("{:04}-{:02}", from.year(), from.month())
            } else {
                format!("{:04}", from.year())
            },
            from: from.to_string(),
            to: to.to_string(),
            count,
        })
        .collect()
}

/// The first and last day of `d`'s month.
pub(crate) fn month_of(d: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = d.with_day(1).unwrap_or(d);
    let next = if d.month() == 12 {
        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
    };
    (first, next.and_then(|n| n.pred_opt()).unwrap_or(d))
}

/// The first and last day of `d`'s year.
pub(crate) fn year_of(d: NaiveDate) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(d.year(), 1, 1).unwrap_or(d),
        NaiveDate::from_ymd_opt(d.year(), 12, 31).unwrap_or(d),
    )
}

/// The forms of the query's words a snippet may show: each word and phrase of the query (not
/// its exclusions) and of its translations, as the analyser cuts them into words, each lower
/// case, in Simplified and Traditional Chinese, and as its stems (a stem is a prefix of the
/// words it stands for). Stopwords are left out unless they are all the query has.
fn highlight_terms(q: &str, translations: &[(String, Vec<String>)]) -> Vec<Vec<char>> {
    let Ok(parsed) = search::parse(q) else {
        return Vec::new();
    };
    let mut texts: Vec<String> = parsed
        .clauses
        .iter()
        .flatten()
        .map(|u| u.text().to_string())
        .collect();
    for (_, alternatives) in translations {
        texts.extend(alternatives.iter().cloned());
    }
    let mut words: Vec<String> = Vec::new();
    for t in &texts {
        for w in lang::query_words(t) {
            if !words.contains(&w) {
                words.push(w);
            }
        }
    }
    let content: Vec<&String> = words.iter().filter(|w| !lang::is_stopword(w)).collect();
    let words: Vec<&String> = if content.is_empty() {
        words.iter().collect()
    } else {
        content
    };
    let mut forms: Vec<String> = Vec::new();
    let mut push = |f: String| {
        // Words of scripts written without spaces stand without them in the text.
        let f = if f.chars().any(|c| c.is_ascii_alphanumeric()) {
            f
        } else {
            f.replace(' ', "")
        };
        if !f.is_empty() && !forms.contains(&f) {
            forms.push(f);
        }
    };
    for w in words {
        push(w.clone());
        push(lang::to_traditional(w));
        for analysed in lang::query_forms(w) {
            for f in analysed {
                for part in f
                    .split(' ')
                    .filter(|p| p.chars().any(char::is_alphanumeric))
                {
                    push(part.to_string());
                }
            }
        }
    }
    forms
        .into_iter()
        .map(|f| f.chars().collect::<Vec<char>>())
        // One letter of a spaced script marks nothing worth seeing.
        .filter(|f| f.len() > 1 || f.first().is_some_and(|&c| unspaced(c)))
        .collect()
}

/// Whether `c` belongs to a script written without spaces between words (Han, kana, Thai,
/// Lao, Khmer, Myanmar), where a match may start and end anywhere.
fn unspaced(c: char) -> bool {
    matches!(c,
        '\u{0E00}'..='\u{0EFF}'
        | '\u{1000}'..='\u{109F}'
        | '\u{1780}'..='\u{17FF}'
        | '\u{3040}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}')
}

/// `text` cut into pieces where one of `terms` occurs (compared lower case, character by
/// character). In a spaced script a match starts at a word's start and runs to the word's
/// end (a stem marks the whole word); elsewhere it is just the term. Overlapping matches
/// merge. The pieces joined are `text`.
pub(crate) fn mark(text: &str, terms: &[Vec<char>]) -> Vec<Marked> {
    let chars: Vec<char> = text.chars().collect();
    let lower: Vec<char> = chars
        .iter()
        .map(|&c| {
            let mut l = c.to_lowercase();
            match (l.next(), l.next()) {
                (Some(one), None) => one,
                _ => c,
            }
        })
        .collect();
    let word = |c: char| c.is_alphanumeric() && !unspaced(c);
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for t in terms.iter().filter(|t| !t.is_empty()) {
        let spaced = word(t[0]);
        let mut i = 0;
        while i + t.len() <= lower.len() {
            if lower[i..i + t.len()] == t[..] && (!spaced || i == 0 || !word(lower[i - 1])) {
                let mut end = i + t.len();
                if spaced {
                    while end < lower.len() && word(lower[end]) {
                        end += 1;
                    }
                }
                ranges.push((i, end));
                i = end;
            } else {
                i += 1;
            }
        }
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (a, b) in ranges {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    let mut out = Vec::new();
    let mut at = 0;
    for (a, b) in merged {
        if a > at {
            out.push(Marked {
                text: chars[at..a].iter().collect(),
                matched: false,
            });
        }
        out.push(Marked {
            text: chars[a..b].iter().collect(),
            matched: true,
        });
        at = b;
    }
    if at < chars.len() || out.is_empty() {
        out.push(Marked {
            text: chars[at..].iter().collect(),
            matched: false,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(text: &str, terms: &[&str]) -> Vec<(String, bool)> {
        let terms: Vec<Vec<char>> = terms.iter().map(|t| t.chars().collect()).collect();
        mark(text, &terms)
            .into_iter()
            .map(|m| (m.text, m.matched))
            .collect()
    }

    #[test]
    fn marks_whole_words_from_stems_and_han_anywhere() {
        let m = marked(
            "The Meetings of BRICS in 金砖国家",
            &["meet", "brics", "金砖"],
        );
        let hits: Vec<&str> = m.iter().filter(|p| p.1).map(|p| p.0.as_str()).collect();
        assert_eq!(hits, ["Meetings", "BRICS", "金砖"]);
        let joined: String = m.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(joined, "The Meetings of BRICS in 金砖国家");
        // Not inside a word.
        assert!(marked("unmeet", &["meet"]).iter().all(|p| !p.1));
        // Nothing to mark: the text as one piece.
        assert_eq!(marked("abc", &[]), [("abc".to_string(), false)]);
    }

    #[test]
    fn query_terms_include_stems_translations_and_traditional_forms() {
        let terms: Vec<String> = highlight_terms(
            "Meetings -budget 习近平",
            &[("习近平".into(), vec!["Xi Jinping".into()])],
        )
        .into_iter()
        .map(|t| t.into_iter().collect())
        .collect();
        assert!(terms.contains(&"meet".to_string()), "{terms:?}");
        assert!(terms.contains(&"習近平".to_string()), "{terms:?}");
        assert!(terms.contains(&"jinping".to_string()), "{terms:?}");
        assert!(!terms.iter().any(|t| t.starts_with("budget")), "{terms:?}");
    }

    #[test]
    fn dates_bucket_by_day_month_or_year() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let b = date_buckets(&[d("2024-05-16"), d("2024-05-16"), d("2024-05-18")]);
        assert_eq!(b.len(), 2);
        assert_eq!((b[0].label.as_str(), b[0].count), ("2024-05-16", 2));
        let b = date_buckets(&[d("2024-01-31"), d("2024-12-01"), d("2024-02-29")]);
        assert_eq!(
            b.iter().map(|b| b.label.as_str()).collect::<Vec<_>>(),
            ["2024-01", "2024-02", "2024-12"]
        );
        assert_eq!(
            (b[1].from.as_str(), b[1].to.as_str()),
            ("2024-02-01", "2024-02-29")
        );
        let b = date_buckets(&[d("2019-03-01"), d("2024-12-01")]);
        assert_eq!(b[0].label, "2019");
        assert_eq!(b[1].to, "2024-12-31");
        assert!(date_buckets(&[]).is_empty());
    }
}
