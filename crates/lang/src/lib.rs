//! The text layer: language and script per paragraph, and a normalised view for matching; the
//! language packs ([`Lang`], [`pack`]: everything known about one language, as data in
//! `crates/lang/packs/<code>/`), the date layer built on them ([`dates`]) and the full-text
//! analyser both store backends index and query with ([`analyse`], [`query_forms`]).
//!
//! Nothing here replaces original text: [`segment`] labels it, [`normalize`], [`words`] and
//! [`sentences`] build a separate matching view. Costly parts (jieba, OpenCC, CC-CEDICT) live in
//! a [`TextLayer`] built once; the free functions use a shared lazily-built one
//! ([`TextLayer::shared`], without CEDICT names).

mod analyser;
pub mod calendar;
mod cedict;
mod chinese;
pub mod dates;
mod detect;
mod error;
mod layer;
mod normalize;
mod pack;
mod romanize;
mod script;
mod segment;
mod sentences;

pub use analyser::{analyse, is_stopword, query_forms, query_words, ANALYSER_VERSION};
#[cfg(feature = "fetch")]
pub use cedict::CEDICT_PACKAGE;
pub use cedict::{Cedict, Entry, CEDICT_PATH};
#[cfg(feature = "fetch")]
pub use chinese::OPENCC_PACKAGE;
pub use chinese::{Conversion, Converters, HanEvidence, HanScript, OPENCC_DICTIONARY_PATH};
pub use detect::{iso639_1, Detection};
pub use error::LangError;
pub use layer::TextLayer;
pub use pack::{add_pack, check_packs, pack, pack_langs, Lang, Pack, PackError};
pub use romanize::pinyin_to_name;
pub use script::{is_han, Script};
pub use sentences::sentence_spans;

use model::Segment;

/// Split clean paragraphs into runs of one language each (a bilingual page gives two segments).
pub fn segment(paragraphs: &[String]) -> Vec<Segment> {
    segment::segment(paragraphs, Converters::shared())
}

/// A BCP-47-style language tag for a piece of text: `en`, `ru`, `zh-Hans`, `zh-Hant`, any other
/// language the detectors know, or `und` when there is nothing to tell.
pub fn detect(text: &str) -> String {
    detect::analyse(text, Converters::shared()).lang
}

/// The dominant script of a text, Chinese decided as Simplified or Traditional.
pub fn script_of(text: &str) -> Script {
    TextLayer::shared().script_of(text)
}

/// The matching view of a text: NFKC, half-width, lowercase, Simplified Chinese.
pub fn normalize(text: &str) -> String {
    normalize::normalize(text, Converters::shared())
}

/// Words for matching (of the normalised view; Chinese cut by jieba).
pub fn words(text: &str) -> Vec<String> {
    TextLayer::shared().words(text)
}

/// [`words`] one by one, as slices of the normalised view.
pub fn for_each_word(text: &str, f: impl FnMut(&str)) {
    TextLayer::shared().for_each_word(text, f)
}

/// Traditional → Simplified Chinese (OpenCC t2s).
pub fn to_simplified(text: &str) -> String {
    Converters::shared().convert(Conversion::T2s, text)
}

/// Simplified → Traditional Chinese (OpenCC s2t).
pub fn to_traditional(text: &str) -> String {
    Converters::shared().convert(Conversion::S2t, text)
}

/// Convert with any OpenCC configuration this crate ships.
pub fn convert(conversion: Conversion, text: &str) -> String {
    Converters::shared().convert(conversion, text)
}

/// The sentences of `text` in language `lang` (a tag as [`detect`] gives), as slices of it.
pub fn sentences<'a>(text: &'a str, lang: &str) -> Vec<&'a str> {
    sentences::sentences(text, lang)
}
