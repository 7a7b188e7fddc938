//! Named-entity recognition for Russian and Chinese: people, places and organisations as byte
//! spans of a text, with the statistical models two PyPI packages ship, run natively (no Python).
//!
//! - Russian ([`RuNer`]): natasha's `slovnet_ner_news_v1` — navec product-quantised word
//!   embeddings plus a word-shape embedding, three convolution layers with batch norm, a linear
//!   projection and a CRF decoded with Viterbi; words come from a port of razdel's tokenizer.
//! - Chinese ([`ZhNer`]): jiagu's averaged-perceptron tagger over the words of jiagu's own
//!   dictionary segmenter (a DAG of dictionary words, most probable route). It expects
//!   Simplified Chinese: convert Traditional text first.
//!
//! [`Ner::load`] fetches the packages through [`assets`] (pinned, SHA-256-checked, cached
//! outside the repository; `STORYLINE_ASSETS` points at local copies of the package files).
//! Once loaded, tagging is pure.

mod pickle;
mod ru;
mod tokenize;
mod zh;

use std::path::PathBuf;
use std::sync::Arc;

pub use ru::RuNer;
pub use tokenize::{razdel_tokens, Token};
pub use zh::ZhNer;

/// PyPI `natasha` (MIT): bundles the navec news embeddings and the slovnet NER model as tars.
pub const NATASHA_PACKAGE: assets::Package = assets::Package {
    registry: assets::Registry::PyPi,
    name: "natasha",
    version: "1.6.0",
    file: "natasha-1.6.0-py3-none-any.whl",
    sha256: "e12b130d05a0b4d2eb6442092ed5b5769a68a311c17f2095b1aa739fb8d6dc78",
};

/// PyPI `jiagu` (MIT), a source distribution: the NER perceptron and the segmenter dictionary.
pub const JIAGU_PACKAGE: assets::Package = assets::Package {
    registry: assets::Registry::PyPi,
    name: "jiagu",
    version: "0.2.3",
    file: "jiagu-0.2.3.tar.gz",
    sha256: "4fe546c07d5afcc30f36990726699e197739cb49b78283ba5ce8171322d090cf",
};

/// What an entity span is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Person,
    Location,
    Organization,
}

impl Kind {
    /// `PER`, `LOC`, `ORG`, as both packages write them.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Person => "PER",
            Kind::Location => "LOC",
            Kind::Organization => "ORG",
        }
    }

    fn from_type(t: &str) -> Option<Kind> {
        match t {
            "PER" => Some(Kind::Person),
            "LOC" => Some(Kind::Location),
            "ORG" => Some(Kind::Organization),
            _ => None,
        }
    }
}

/// An entity found in a text: byte range and kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
}

#[derive(Debug, thiserror::Error)]
pub enum NerError {
    #[error(transparent)]
    Asset(#[from] assets::AssetError),
    #[error("{file}: {why}")]
    Format { file: PathBuf, why: String },
}

impl NerError {
    /// A model file that is not what it should be.
    pub fn format(file: impl Into<PathBuf>, why: impl std::fmt::Display) -> NerError {
        NerError::Format {
            file: file.into(),
            why: why.to_string(),
        }
    }
}

/// Both models, each present when it could be loaded.
#[derive(Clone, Default)]
pub struct Ner {
    pub ru: Option<Arc<RuNer>>,
    pub zh: Option<Arc<ZhNer>>,
}

impl std::fmt::Debug for Ner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ner")
            .field("ru", &self.ru.is_some())
            .field("zh", &self.zh.is_some())
            .finish()
    }
}

impl Ner {
    /// Load both models through the asset cache; what cannot be loaded is left out and its
    /// error returned beside the rest.
    pub fn load(cache: &assets::Cache) -> (Ner, Vec<NerError>) {
        let mut errors = Vec::new();
        let ru = RuNer::from_cache(cache)
            .map_err(|e| errors.push(e))
            .ok()
            .map(Arc::new);
        let zh = ZhNer::from_cache(cache)
            .map_err(|e| errors.push(e))
            .ok()
            .map(Arc::new);
        (Ner { ru, zh }, errors)
    }
}

/// BIO tags to spans over tokens given as byte ranges, as slovnet's `bio_spans` does: `B-X`
/// opens a span, `I-…` extends the open one, `O` closes it.
pub(crate) fn bio_spans<'a>(
    tokens: impl IntoIterator<Item = (std::ops::Range<usize>, &'a str)>,
) -> Vec<Span> {
    let mut out = Vec::new();
    let mut open: Option<Span> = None;
    for (range, tag) in tokens {
        let (part, ty) = tag.split_once('-').unwrap_or((tag, ""));
        match part {
            "B" => {
                out.extend(open.take());
                open = Kind::from_type(ty).map(|kind| Span {
                    start: range.start,
                    end: range.end,
                    kind,
                });
            }
            "I" => {
                if let Some(s) = open.as_mut() {
                    s.end = range.end;
                }
            }
            _ => out.extend(open.take()),
        }
    }
    out.extend(open);
    out
}
