//! Language identification of one piece of text, as a BCP-47-style tag.
//!
//! The script routes the decision: Chinese characters give `zh-Hans` / `zh-Hant` (script read off
//! the characters, see [`crate::chinese`]), kana `ja`, Hangul `ko`; alphabetic text goes to
//! `whatlang` (69 languages, trigram model), with `whichlang` as a second opinion when whatlang is
//! unsure (short text). Any language the detectors know passes through under its ISO 639-1 code
//! (639-3 where there is none); text without letters is `und`.

use crate::chinese::{prefix, Converters, HanEvidence, HanScript};
use crate::script::{Counts, Group, CJK_WEIGHT};

/// Only this many bytes of a text are read to identify its language.
const SAMPLE_BYTES: usize = 16 * 1024;

/// The outcome of identifying one text, with what segmentation needs to weigh it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// `en`, `ru`, `zh-Hans`, `zh-Hant`, … or `und`.
    pub lang: String,
    /// Letters behind the decision (a Chinese character counts three): how much evidence there is.
    pub weight: usize,
    /// Whether the text was Chinese whose characters read the same in both scripts (then `lang`
    /// is `zh-Hans` by default).
    pub han_either: bool,
    /// Whether no script holds three quarters of the letters (e.g. a bilingual title line).
    pub mixed: bool,
    /// The Simplified/Traditional character counts (zero for non-Chinese text).
    pub han: HanEvidence,
}

impl Detection {
    fn und() -> Detection {
        Detection {
            lang: "und".into(),
            weight: 0,
            han_either: false,
            mixed: false,
            han: HanEvidence::default(),
        }
    }
}

/// Identify the language of `text`.
pub fn analyse(text: &str, converters: &Converters) -> Detection {
    let sample = prefix(text, SAMPLE_BYTES);
    let counts = Counts::of(sample);
    let total = counts.weight();
    let (group, weight) = counts.dominant();
    if total == 0 {
        return Detection::und();
    }
    let mixed = weight * 4 < total * 3;
    let mut han = HanEvidence::default();
    let mut han_either = false;
    let lang = match group {
        Group::None => return Detection::und(),
        Group::Cjk => {
            if counts.hangul > 0 && counts.hangul >= counts.kana && counts.hangul * 2 >= counts.han
            {
                "ko".to_string()
            } else if counts.kana > 0 && counts.kana * 5 >= counts.han {
                "ja".to_string()
            } else {
                han = converters.evidence(sample);
                match han.script() {
                    HanScript::Simplified => "zh-Hans".to_string(),
                    HanScript::Traditional => "zh-Hant".to_string(),
                    HanScript::Either => {
                        han_either = true;
                        "zh-Hans".to_string()
                    }
                }
            }
        }
        Group::Latin | Group::Cyrillic | Group::Other(_) => alphabetic(sample, group),
    };
    Detection {
        lang,
        weight,
        han_either,
        mixed,
        han,
    }
}

/// Identify alphabetic text of script group `group`.
///
/// whichlang (16 languages) is the more accurate on what it knows, short text included; whatlang
/// (69 languages) speaks for the languages whichlang does not know when it has enough letters
/// and some confidence (whichlang then tends to answer Turkish or Russian).
fn alphabetic(text: &str, group: Group) -> String {
    let wl = iso639_1(whichlang::detect_language(text).three_letter_code());
    let known = group_of_tag(wl) == Some(group);
    let letters = text
        .chars()
        .filter(|&c| c.is_alphabetic() && in_group(c, group))
        .count();
    match whatlang::detect(text) {
        Some(info) => {
            let wt = iso639_1(info.lang().code());
            let other = group_of_tag(wt).is_none() && script_group(info.script()) == Some(group);
            let marked = group == Group::Cyrillic && foreign_cyrillic(text, letters);
            let sure = info.is_reliable()
                || (info.confidence() >= MIN_OTHER_CONFIDENCE
                    && (marked || letters >= 2 * MIN_OTHER_LETTERS));
            let plausible = group != Group::Cyrillic || marked || no_russian_letters(text, letters);
            if !known || (other && sure && plausible && letters >= MIN_OTHER_LETTERS) {
                wt.to_string()
            } else {
                wl.to_string()
            }
        }
        None if known => wl.to_string(),
        None => "und".to_string(),
    }
}

/// Letters a text needs before whatlang may overrule whichlang with a language whichlang does
/// not know (short English titles otherwise come out as Italian or Latin).
const MIN_OTHER_LETTERS: usize = 40;

/// whatlang's confidence needed to overrule whichlang (Czech and Ukrainian sentences score about
/// 0.3–0.8 without being "reliable").
const MIN_OTHER_CONFIDENCE: f64 = 0.3;

/// Whether Cyrillic text shows letters Russian does not use (Ukrainian і ї є ґ, Belarusian ў,
/// Serbian and Macedonian ђ ј љ њ ћ џ ѓ ќ ѕ) in at least one letter of a hundred.
fn foreign_cyrillic(text: &str, letters: usize) -> bool {
    let foreign = text
        .chars()
        .filter(|c| "іїєґўђјљњћџѓќѕІЇЄҐЎЂЈЉЊЋЏЃЌЅ".contains(*c))
        .count();
    foreign * 100 >= letters.max(1)
}

/// Whether a long Cyrillic text lacks the Russian-only ы and э (as Bulgarian does). Russian comes
/// first: without such evidence Cyrillic text stays Russian.
fn no_russian_letters(text: &str, letters: usize) -> bool {
    letters >= 150 && !text.chars().any(|c| "ыэЫЭ".contains(c))
}

fn script_group(script: whatlang::Script) -> Option<Group> {
    match script {
        whatlang::Script::Latin => Some(Group::Latin),
        whatlang::Script::Cyrillic => Some(Group::Cyrillic),
        _ => None,
    }
}

fn in_group(ch: char, group: Group) -> bool {
    use unicode_script::{Script as Us, UnicodeScript};
    match (group, ch.script()) {
        (Group::Latin, Us::Latin) | (Group::Cyrillic, Us::Cyrillic) => true,
        (Group::Other(s), t) => s == t,
        _ => false,
    }
}

/// The script group whichlang's answers belong to (whichlang knows 16 languages).
fn group_of_tag(tag: &str) -> Option<Group> {
    match tag {
        "en" | "de" | "fr" | "it" | "nl" | "pt" | "es" | "sv" | "tr" | "vi" => Some(Group::Latin),
        "ru" => Some(Group::Cyrillic),
        _ => None,
    }
}

/// The ISO 639-1 code for an ISO 639-3 code where one exists, else the 639-3 code itself
/// (which is a valid BCP-47 primary tag too).
pub fn iso639_1(code: &str) -> &str {
    match code {
        "afr" => "af",
        "aka" => "ak",
        "amh" => "am",
        "ara" => "ar",
        "aze" => "az",
        "bel" => "be",
        "ben" => "bn",
        "bul" => "bg",
        "cat" => "ca",
        "ces" => "cs",
        "cmn" => "zh",
        "cym" => "cy",
        "dan" => "da",
        "deu" => "de",
        "ell" => "el",
        "eng" => "en",
        "epo" => "eo",
        "est" => "et",
        "fin" => "fi",
        "fra" => "fr",
        "guj" => "gu",
        "heb" => "he",
        "hin" => "hi",
        "hrv" => "hr",
        "hun" => "hu",
        "hye" => "hy",
        "ind" => "id",
        "ita" => "it",
        "jav" => "jv",
        "jpn" => "ja",
        "kan" => "kn",
        "kat" => "ka",
        "khm" => "km",
        "kor" => "ko",
        "lat" => "la",
        "lav" => "lv",
        "lit" => "lt",
        "mal" => "ml",
        "mar" => "mr",
        "mkd" => "mk",
        "mya" => "my",
        "nep" => "ne",
        "nld" => "nl",
        "nob" => "nb",
        "ori" => "or",
        "pan" => "pa",
        "pes" => "fa",
        "pol" => "pl",
        "por" => "pt",
        "ron" => "ro",
        "rus" => "ru",
        "sin" => "si",
        "slk" => "sk",
        "slv" => "sl",
        "sna" => "sn",
        "spa" => "es",
        "srp" => "sr",
        "swe" => "sv",
        "tam" => "ta",
        "tel" => "te",
        "tgl" => "tl",
        "tha" => "th",
        "tuk" => "tk",
        "tur" => "tr",
        "ukr" => "uk",
        "urd" => "ur",
        "uzb" => "uz",
        "vie" => "vi",
        "yid" => "yi",
        "zul" => "zu",
        other => other,
    }
}

/// Weight a paragraph needs before it may start a language segment of its own: about ten words of
/// English or Russian, or fifteen Chinese characters. Lighter paragraphs (captions, headings,
/// page furniture) join the segment around them.
pub(crate) const STRONG_WEIGHT: usize = 15 * CJK_WEIGHT;
