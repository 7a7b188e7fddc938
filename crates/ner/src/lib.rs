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
//! outside the repository; an offline directory of package files may stand in for the registry).
//! Once loaded, tagging is pure. [`Ner::lazy`] fetches the packages but reads each model on
//! its first use ([`Ner::ru`], [`Ner::zh`]), so a program that meets only one of the two
//! languages reads only that model.

mod features;
mod pickle;
mod product;
mod ru;
mod strings;
mod tokenize;
mod zh;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

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

/// Both models, each present when it could be loaded: loaded at once ([`Ner::load`]) or each
/// on its first use ([`Ner::lazy`]), so that a run that sees no Russian (or no Chinese) text
/// never reads that model.
#[derive(Clone, Default)]
pub struct Ner {
    ru: Slot<RuNer>,
    zh: Slot<ZhNer>,
}

/// One model: loaded, or loaded on first use from the asset cache (its derived copy, else its
/// package).
struct Slot<T> {
    cell: Arc<OnceLock<Result<Arc<T>, String>>>,
    /// Where to load it from on first use (`None`: absent unless given).
    cache: Option<assets::Cache>,
}

impl<T> Clone for Slot<T> {
    fn clone(&self) -> Self {
        Slot {
            cell: self.cell.clone(),
            cache: self.cache.clone(),
        }
    }
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot {
            cell: Arc::new(OnceLock::new()),
            cache: None,
        }
    }
}

impl<T> Slot<T> {
    fn given(model: Option<T>) -> Slot<T> {
        let cell = OnceLock::new();
        let _ = cell.set(model.map(Arc::new).ok_or_else(String::new));
        Slot {
            cell: Arc::new(cell),
            cache: None,
        }
    }

    fn get(&self, load: impl FnOnce(&assets::Cache) -> Result<T, NerError>) -> Option<&T> {
        let loaded = self.cell.get_or_init(|| match &self.cache {
            Some(cache) => load(cache).map(Arc::new).map_err(|e| e.to_string()),
            None => Err(String::new()),
        });
        loaded.as_deref().ok()
    }

    fn error(&self) -> Option<&str> {
        match self.cell.get() {
            Some(Err(e)) if !e.is_empty() => Some(e),
            _ => None,
        }
    }
}

impl std::fmt::Debug for Ner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = |loaded: Option<bool>| match loaded {
            Some(true) => "loaded",
            Some(false) => "absent",
            None => "not loaded yet",
        };
        f.debug_struct("Ner")
            .field("ru", &state(self.ru.cell.get().map(Result::is_ok)))
            .field("zh", &state(self.zh.cell.get().map(Result::is_ok)))
            .finish()
    }
}

impl Ner {
    /// Load both models through the asset cache; what cannot be loaded is left out and its
    /// error returned beside the rest.
    pub fn load(cache: &assets::Cache) -> (Ner, Vec<NerError>) {
        let mut errors = Vec::new();
        let ru = RuNer::from_cache(cache).map_err(|e| errors.push(e)).ok();
        let zh = ZhNer::from_cache(cache).map_err(|e| errors.push(e)).ok();
        (Ner::from_models(ru, zh), errors)
    }

    /// Fetch both packages through the asset cache now (errors returned, as by [`Ner::load`]),
    /// and read each model when it is first asked for. A model that then fails to read is
    /// absent; [`Ner::errors`] names it.
    pub fn lazy(cache: &assets::Cache) -> (Ner, Vec<NerError>) {
        let mut errors = Vec::new();
        let mut fetched = |pkg: &assets::Package| {
            cache
                .package_dir(pkg)
                .map(|_| cache.clone())
                .map_err(|e| errors.push(NerError::from(e)))
                .ok()
        };
        let ner = Ner {
            ru: Slot {
                cache: fetched(&NATASHA_PACKAGE),
                ..Slot::default()
            },
            zh: Slot {
                cache: fetched(&JIAGU_PACKAGE),
                ..Slot::default()
            },
        };
        (ner, errors)
    }

    /// Models already loaded (or none).
    pub fn from_models(ru: Option<RuNer>, zh: Option<ZhNer>) -> Ner {
        Ner {
            ru: Slot::given(ru),
            zh: Slot::given(zh),
        }
    }

    /// The Russian model, read now if it was not yet.
    pub fn ru(&self) -> Option<&RuNer> {
        self.ru.get(RuNer::from_cache)
    }

    /// The Chinese model, read now if it was not yet.
    pub fn zh(&self) -> Option<&ZhNer> {
        self.zh.get(ZhNer::from_cache)
    }

    /// Why a model asked for could not be read.
    pub fn errors(&self) -> Vec<String> {
        [("Russian", self.ru.error()), ("Chinese", self.zh.error())]
            .into_iter()
            .filter_map(|(l, e)| Some(format!("{l} NER model: {}", e?)))
            .collect()
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
