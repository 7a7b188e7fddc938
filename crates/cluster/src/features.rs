//! What separates one event from another, read off one article: its event day, the places and
//! names it mentions, the figures it gives. The multilingual embedding is computed by the caller
//! (the encoder is a loaded model) and joins these in [`Features`].
//!
//! Everything here is language-light on purpose: capitalised words and numbers work across
//! Latin and Cyrillic scripts; Chinese contributes numbers, dates and places from datelines, and
//! leaves topic identity to the embedding.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, LazyLock, RwLock};

use model::Article;
use serde::{Deserialize, Serialize};

use crate::dates::{self, Day, DaySource};

/// The signals of one article.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Features {
    /// Unit-length multilingual embedding of the lead (may be empty when no encoder ran).
    #[serde(skip)]
    pub vector: Vec<f32>,
    /// The day the reported event happened, as best told.
    pub day: Option<Day>,
    pub day_source: Option<DaySource>,
    /// The days the lead speaks of (a three-day visit), for the event's start and end.
    pub range: Option<(Day, Day)>,
    /// Where it happened, as written (English where the dateline gave it).
    pub place: Option<String>,
    /// Distinctive words (names, places), lowercased, with counts.
    pub names: BTreeMap<String, u32>,
    /// Figures written in the text, normalised (`3.6`, `240.1`, `2024`).
    pub numbers: BTreeMap<String, u32>,
    /// Whether the place came from a dateline (strong) rather than the lead (a guess).
    #[serde(default)]
    pub place_from_dateline: bool,
    /// Main language.
    pub lang: String,
    /// Every language with a substantial part of the text (a bilingual page has two).
    #[serde(default)]
    pub langs: Vec<String>,
}

/// How much of the text is read for names and numbers (characters).
const READ_CHARS: usize = 6000;
/// How much of the text is the lead, for the event day.
const LEAD_CHARS: usize = 700;

impl Features {
    /// Read the signals of `article`; `vector` is its embedding.
    pub fn of(article: &Article, vector: Vec<f32>) -> Features {
        let text = article.text();
        let head: String = text.chars().take(READ_CHARS).collect();
        let lead: String = text.chars().take(LEAD_CHARS).collect();
        let published = article
            .published
            .as_deref()
            .and_then(dates::parse_published);
        let when = event_day(article, &lead, published);
        let mut names = BTreeMap::new();
        let stop = NotNames::of(article, &head);
        if let Some(t) = &article.title {
            collect_names(t, &stop, &mut names);
        }
        collect_names(&head, &stop, &mut names);
        let mut numbers = BTreeMap::new();
        collect_numbers(&head, &mut numbers);
        let dateline_place = article
            .dateline
            .as_ref()
            .and_then(|d| d.place.clone())
            .map(|p| title_case(&p));
        // A dateline place in another script: prefer the English dateline of a bilingual page.
        let dateline_place = match dateline_place {
            Some(p) if !p.chars().any(|c| c.is_ascii_alphabetic()) => {
                english_dateline(&article.paragraphs).or(Some(p))
            }
            other => other,
        };
        let place_from_dateline = dateline_place.is_some();
        let place = dateline_place.or_else(|| place_in(&lead, &stop));
        let total: usize = article.segments.iter().map(|s| s.text.len()).sum();
        let mut langs: Vec<String> = Vec::new();
        for s in &article.segments {
            if s.text.len() * 4 >= total && !langs.contains(&s.lang) {
                langs.push(s.lang.clone());
            }
        }
        Features {
            vector,
            day: when.day,
            day_source: when.source,
            range: when.range,
            place,
            place_from_dateline,
            langs,
            names,
            numbers,
            lang: article
                .segments
                .iter()
                .max_by_key(|s| s.text.len())
                .map(|s| s.lang.clone())
                .unwrap_or_else(|| "und".into()),
        }
    }
}

/// The event day and the range of days the lead speaks of.
fn event_day(article: &Article, lead: &str, published: Option<Day>) -> DayInfo {
    let near = |d: Day, r: Option<Day>| r.is_none_or(|p| d <= p + 1 && d >= p - 10);
    let dateline = article
        .dateline
        .as_ref()
        .and_then(|d| d.date.as_deref())
        .and_then(dates::parse_published)
        .filter(|d| near(*d, published));
    let reference = dateline.or(published);
    let langs = lead_langs(article, lead);
    let relative =
        reference.and_then(|r| dates::relative_offset(lead, &langs, r).map(|off| r - off));
    // Without a publication date or dateline, a written date may be history (a birth date).
    let written: Vec<Day> = dates::written_dates(lead, &langs, reference)
        .into_iter()
        .filter(|d| reference.is_some() && near(*d, reference))
        .take(3)
        .collect();
    let strong: Vec<Day> = dateline
        .into_iter()
        .chain(relative)
        .chain(written.iter().copied())
        .collect();
    let (day, source) = if let Some(d) = dateline {
        (Some(d), Some(DaySource::Dateline))
    } else if let Some(d) = relative {
        (Some(d), Some(DaySource::Relative))
    } else if let Some(&d) = written.first() {
        (Some(d), Some(DaySource::Written))
    } else if let Some(p) = published {
        (Some(p), Some(DaySource::Published))
    } else {
        (None, None)
    };
    let range = match (strong.iter().min(), strong.iter().max()) {
        (Some(&a), Some(&b)) => Some((a, b)),
        _ => day.map(|d| (d, d)),
    };
    DayInfo { day, source, range }
}

/// The languages of the segments the lead is made of (each read with its own pack); the
/// detected language of the lead when the article has no segments.
fn lead_langs(article: &Article, lead: &str) -> Vec<lang::Lang> {
    let mut out: Vec<lang::Lang> = Vec::new();
    let mut seen = 0;
    for s in &article.segments {
        if seen >= LEAD_CHARS {
            break;
        }
        seen += s.text.chars().count();
        let l = lang::Lang::parse(&s.lang);
        if !out.contains(&l) {
            out.push(l);
        }
    }
    if out.is_empty() {
        out.push(lang::Lang::parse(&lang::detect(lead)));
    }
    out
}

struct DayInfo {
    day: Option<Day>,
    source: Option<DaySource>,
    range: Option<(Day, Day)>,
}

/// Lowercase words that are no names in the languages of one article: each language pack's
/// stopwords, titles, month and weekday names and `names.not` words (a German article's "Ein",
/// "Die", "Montag", an English one's "The", "Mr", "Photo" start sentences and clauses, or
/// stand before a name, with a capital but name nothing). A language without a pack has none.
struct NotNames {
    packs: Vec<Arc<HashSet<String>>>,
    /// One of the languages capitalises every noun (its pack says `names.capitalised-nouns:
    /// yes`): there a capitalised word alone is a noun as often as a name, and only runs of
    /// capitalised words ("Heiko Maas") and short all-capital acronyms count as names.
    nouns_capitalised: bool,
    /// What marks the place of an event in the lead, from the same packs.
    places: Vec<Arc<PlaceWords>>,
}

/// A pack's words before the place of an event (`place.before`: "in") and the capitalised
/// words after them that are no such place (`place.not`, month and weekday names), lowercase.
#[derive(Default)]
struct PlaceWords {
    before: HashSet<String>,
    not: HashSet<String>,
}

impl NotNames {
    /// For the languages of `article`'s segments (or of `text` when it has none).
    fn of(article: &Article, text: &str) -> NotNames {
        let mut langs: Vec<lang::Lang> = article
            .segments
            .iter()
            .map(|s| lang::Lang::parse(&s.lang))
            .collect();
        if langs.is_empty() {
            langs.push(lang::Lang::parse(&lang::detect(text)));
        }
        langs.sort_by(|a, b| a.code().cmp(b.code()));
        langs.dedup();
        let nouns_capitalised = langs.iter().any(|l| {
            l.pack().is_some_and(|p| {
                p.items("names.capitalised-nouns")
                    .iter()
                    .any(|v| v == "yes")
            })
        });
        NotNames {
            packs: langs.iter().copied().map(pack_not_names).collect(),
            nouns_capitalised,
            places: langs.into_iter().map(pack_place_words).collect(),
        }
    }

    /// `word` introduces the place of an event in one of the languages.
    fn before_place(&self, word: &str) -> bool {
        let w = word.to_lowercase();
        self.places.iter().any(|p| p.before.contains(&w))
    }

    /// A capitalised word after such a word that is no place of an event.
    fn not_place(&self, word: &str) -> bool {
        let w = word.to_lowercase();
        self.places.iter().any(|p| p.not.contains(&w))
    }

    fn contains(&self, w: &str) -> bool {
        self.packs.iter().any(|s| s.contains(w))
    }
}

/// A pack's stopwords, titles, `names.not` words, month forms and weekday names (lowercase),
/// built once per language.
fn pack_not_names(l: lang::Lang) -> Arc<HashSet<String>> {
    static BUILT: PerLanguage<HashSet<String>> = LazyLock::new(Default::default);
    per_language(&BUILT, l, |p| {
        let keys = [
            "stopword",
            "title",
            "title.female",
            "title.male",
            "names.not",
        ];
        keys.iter()
            .flat_map(|k| lowercase_items(p, k))
            .chain(calendar_names(p))
            .collect()
    })
}

/// A pack's [`PlaceWords`], built once per language.
fn pack_place_words(l: lang::Lang) -> Arc<PlaceWords> {
    static BUILT: PerLanguage<PlaceWords> = LazyLock::new(Default::default);
    per_language(&BUILT, l, |p| PlaceWords {
        before: lowercase_items(p, "place.before").collect(),
        not: lowercase_items(p, "place.not")
            .chain(calendar_names(p))
            .collect(),
    })
}

/// Something built from a language's pack, kept by language code.
type PerLanguage<T> = LazyLock<RwLock<HashMap<String, Arc<T>>>>;

/// `l`'s entry of `built`, made by `build` from its pack (`None`: no pack) on first use.
fn per_language<T>(
    built: &'static PerLanguage<T>,
    l: lang::Lang,
    build: impl FnOnce(Option<&lang::Pack>) -> T,
) -> Arc<T> {
    if let Some(v) = built.read().ok().and_then(|m| m.get(l.code()).cloned()) {
        return v;
    }
    let v = Arc::new(build(l.pack()));
    if let Ok(mut m) = built.write() {
        m.insert(l.code().to_string(), v.clone());
    }
    v
}

/// The words under `key` in a pack, lowercase.
fn lowercase_items<'p>(
    p: Option<&'p lang::Pack>,
    key: &'p str,
) -> impl Iterator<Item = String> + 'p {
    p.into_iter()
        .flat_map(move |p| p.items(key).iter().map(|w| w.to_lowercase()))
}

/// A pack's month forms and weekday names, lowercase.
fn calendar_names(p: Option<&lang::Pack>) -> impl Iterator<Item = String> + '_ {
    p.into_iter().flat_map(|p| {
        p.month_forms()
            .map(|(f, _)| f.to_string())
            .chain((1..=7).flat_map(move |n| p.weekday_names(n).iter().map(|w| w.to_lowercase())))
    })
}

/// Capitalised Latin and Cyrillic words (lowercased), Russian ones cut to a stem-like prefix.
/// Where the language capitalises its nouns ([`NotNames::nouns_capitalised`]), only words in a
/// run of two or more capitalised words, and acronyms.
fn collect_names(text: &str, stop: &NotNames, out: &mut BTreeMap<String, u32>) {
    let mut sentence_start = true;
    // The candidates of the current run of capitalised words: (key, is an acronym).
    let mut run: Vec<(String, bool)> = Vec::new();
    let mut run_len = 0usize;
    let mut flush = |run: &mut Vec<(String, bool)>, run_len: usize| {
        for (key, acronym) in run.drain(..) {
            if !stop.nouns_capitalised || run_len >= 2 || acronym {
                *out.entry(key).or_insert(0) += 1;
            }
        }
    };
    for raw in text.split(|c: char| c.is_whitespace()) {
        let word: String = raw
            .trim_matches(|c: char| !c.is_alphanumeric())
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '.')
            .collect();
        let word = word.trim_end_matches('.').to_string();
        let ends_sentence = raw.ends_with(['.', '!', '?', ':']) || raw.ends_with('"');
        let first = word.chars().next();
        let cap = first.is_some_and(|c| c.is_uppercase())
            && word
                .chars()
                .skip(1)
                .any(|c| c.is_lowercase() || c.is_uppercase())
            && word.chars().count() >= 2;
        let all_caps = word.chars().all(|c| !c.is_lowercase());
        let mut in_run = false;
        if cap && (!all_caps || word.chars().count() <= 5) {
            let lower = word.to_lowercase();
            if !(stop.contains(&lower) || sentence_start && is_common_opener(&lower)) {
                let key = if first.is_some_and(|c| ('А'..='я').contains(&c) || c == 'Ё') {
                    lower.chars().take(5).collect()
                } else {
                    lower.trim_end_matches("'s").to_string()
                };
                run.push((key, all_caps));
                run_len += 1;
                in_run = true;
            }
        }
        // A run ends at a word that is no name candidate, or at punctuation after this one.
        let punct_after = raw
            .chars()
            .last()
            .is_some_and(|c| !c.is_alphanumeric() && c != '.');
        if !in_run || ends_sentence || punct_after {
            flush(&mut run, run_len);
            run_len = 0;
        }
        sentence_start = ends_sentence;
    }
    flush(&mut run, run_len);
}

/// Sentence-initial words that are capitalised for grammar, not because they are names: short
/// ones (longer openers are the packs' stopwords).
fn is_common_opener(w: &str) -> bool {
    w.len() <= 3
}

/// Figures: digit runs with their decimal part, thousands separators dropped. One-digit
/// numbers say little and are skipped.
fn collect_numbers(text: &str, out: &mut BTreeMap<String, u32>) {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let mut s = String::new();
            let mut j = i;
            while j < chars.len() {
                let c = chars[j];
                if c.is_ascii_digit() {
                    s.push(c);
                } else if (c == ',' || c == '.' || c == ' ')
                    && chars.get(j + 1).is_some_and(|n| n.is_ascii_digit())
                    && j > i
                {
                    if c == '.' {
                        s.push('.');
                    } else if c == ' '
                        && !chars
                            .get(j + 1..j + 4)
                            .is_some_and(|w| w.iter().all(|c| c.is_ascii_digit()))
                    {
                        break;
                    }
                } else {
                    break;
                }
                j += 1;
            }
            let s = s.trim_end_matches('.').to_string();
            if s.len() >= 2 {
                *out.entry(s).or_insert(0) += 1;
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
}

/// The place of an English dateline (`KAZAN, Russia, Oct. 22 (Xinhua) --`) opening a paragraph.
fn english_dateline(paragraphs: &[String]) -> Option<String> {
    paragraphs.iter().find_map(|p| {
        let head: String = p.chars().take(100).collect();
        let end = head.find(" --").or_else(|| head.find(" —"))?;
        let place = head[..end].split(',').next()?.trim();
        let ok = place.chars().count() >= 3
            && place
                .chars()
                .all(|c| c.is_ascii_uppercase() || c == ' ' || c == '.' || c == '-');
        ok.then(|| title_case(place))
    })
}

fn title_case(s: &str) -> String {
    let mut out = String::new();
    for (i, w) in s.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let mut cs = w.chars();
        if let Some(f) = cs.next() {
            out.extend(f.to_uppercase());
            out.push_str(&cs.as_str().to_lowercase());
        }
    }
    out
}

/// The place of the lead: the most repeated capitalised word after a word that introduces a
/// place in the article's languages (`place.before` in their packs: "in"), when no dateline
/// gave one. The packs' `place.not` words, month and weekday names are left out (so are
/// countries where a pack lists them: a visit *to* a country happens in one of its cities).
fn place_in(lead: &str, words_of: &NotNames) -> Option<String> {
    let mut counts: BTreeMap<&str, (u32, usize)> = BTreeMap::new();
    let words: Vec<&str> = lead.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        if !words_of.before_place(w) {
            continue;
        }
        let Some(next) = words.get(i + 1) else {
            continue;
        };
        let name = next.trim_matches(|c: char| !c.is_alphanumeric());
        let ok = name.chars().next().is_some_and(|c| c.is_uppercase())
            && name.chars().skip(1).all(|c| c.is_lowercase())
            && name.chars().count() >= 3
            && !words_of.not_place(name);
        if ok {
            let e = counts.entry(name).or_insert((0, i));
            e.0 += 1;
        }
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.1 .1.cmp(&a.1 .1)))
        .map(|(n, _)| n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_skip_sentence_openers_and_numbers_normalise() {
        let mut names = BTreeMap::new();
        let stop = NotNames::of(&Article::default(), "The Angels made an offer.");
        collect_names(
            "The Angels made an offer to Mark Teixeira. It was big.",
            &stop,
            &mut names,
        );
        assert!(names.contains_key("teixeira") && names.contains_key("angels"));
        assert!(!names.contains_key("the") && !names.contains_key("it"));
        let mut nums = BTreeMap::new();
        collect_numbers(
            "trade reached $240.1 billion, 1,200 people, 3.6% and 5",
            &mut nums,
        );
        let keys: Vec<_> = nums.keys().cloned().collect();
        assert_eq!(keys, ["1200", "240.1", "3.6"]);
    }

    fn names_in(lang: &str, text: &str) -> Vec<String> {
        let article = Article {
            segments: vec![model::Segment {
                lang: lang.into(),
                text: text.into(),
            }],
            ..Article::default()
        };
        let mut names = BTreeMap::new();
        collect_names(text, &NotNames::of(&article, text), &mut names);
        names.into_keys().collect()
    }

    /// German capitalises its nouns (its pack says so): a capitalised word alone is no name
    /// there, a run of them and an acronym are; the pack's stopwords and weekdays never are.
    /// English (no such key) keeps single capitalised words.
    #[test]
    fn names_follow_the_pack_where_nouns_are_capitalised() {
        let de = names_in(
            "de",
            "Die Regierung hat am Montag beraten. Danach sprach Heiko Maas mit der CDU über die Krise.",
        );
        assert_eq!(de, ["cdu", "heiko", "maas"]);
        let en = names_in("en", "The talks in Berlin ended on Monday, officials said.");
        assert_eq!(en, ["berlin"]);
    }

    /// Words that name nothing come from the article's own pack (stopwords, titles,
    /// `names.not`), never from another language's: a language without a pack keeps every
    /// capitalised word that starts no sentence.
    #[test]
    fn not_names_come_from_the_article_language_pack() {
        let en = names_in(
            "en",
            "Photo: Reuters. Dr Jane Smith met the Minister on Monday. However, Smith left.",
        );
        assert_eq!(en, ["jane", "minister", "reuters", "smith"]);
        let es = names_in(
            "es",
            "El ministro habló con Pedro Sánchez. Según Sánchez, Durante el lunes.",
        );
        assert_eq!(es, ["pedro", "sánchez"]);
        // Swedish has no pack here: the English stopword and weekday are not dropped for it.
        let sv = names_in(
            "sv",
            "Statsministern Kristersson talade om The Monday i Stockholm.",
        );
        assert_eq!(
            sv,
            [
                "kristersson",
                "monday",
                "statsministern",
                "stockholm",
                "the"
            ]
        );
    }

    #[test]
    fn place_after_in() {
        let lead = "Xi held talks with Putin, who is in China on a visit, at the Great Hall in \
                    Beijing on Thursday. In Addition, in March, they met in Beijing again.";
        let en = NotNames::of(&Article::default(), lead);
        assert_eq!(place_in(lead, &en).as_deref(), Some("Beijing"));
        // The words come from the article's packs: German months are no place, and a language
        // whose pack has no `place.before` gets no place from its leads.
        let de =
            "Die Gespräche fanden im Januar in Berlin statt, in Januar nicht in Bonn, in Berlin.";
        let de_words = NotNames::of(&Article::default(), de);
        assert_eq!(place_in(de, &de_words).as_deref(), Some("Berlin"));
        let es = "Las conversaciones fueron en Madrid, en Madrid y in Roma.";
        let es_words = NotNames::of(&Article::default(), es);
        assert_eq!(place_in(es, &es_words), None);
    }
}
