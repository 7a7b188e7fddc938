//! What a store keeps of a document and what is asked of it: records every layer reads (the
//! store, search, the wire formats, the server), defined here so none of them depends on
//! another for its types.

use serde::{Deserialize, Serialize};

use crate::Article;

/// A stored document with what the analysis concluded about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentRecord {
    pub article: Article,
    pub hash: String,
    pub event: Option<String>,
    pub duplicate_of: Option<String>,
    pub translation_of: Option<String>,
    /// The document embedding, where one was computed.
    #[serde(skip)]
    pub vector: Option<Vec<f32>>,
    /// Why the document is in its event (the signals that put it there).
    #[serde(default)]
    pub why: Option<String>,
}

/// Text that several documents share (syndicated agency copy).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedPassage {
    /// The event of the document that found it.
    pub event: Option<String>,
    /// The earlier document first, then the one that reprinted it.
    pub documents: Vec<String>,
    pub text: String,
}

/// What lists and filters need of a document, without its text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentSummary {
    pub id: String,
    pub title: Option<String>,
    pub published: Option<String>,
    pub outlet: Option<String>,
    pub event: Option<String>,
    pub duplicate_of: Option<String>,
    /// Distinct languages, in order of first appearance.
    pub languages: Vec<String>,
}

impl DocumentSummary {
    pub fn of(d: &DocumentRecord) -> DocumentSummary {
        let a = &d.article;
        DocumentSummary {
            id: a.id.clone(),
            title: a.title.clone(),
            published: a.published.clone(),
            outlet: a.outlet.clone(),
            event: d.event.clone(),
            duplicate_of: d.duplicate_of.clone(),
            languages: a.languages(),
        }
    }
}

/// A full-text query: every group must match, a group matches when any one of its
/// alternatives does, and no exclusion may match. An alternative or an exclusion is a word or
/// a phrase, analysed as the store's index is (`store::index_terms`); when it has several terms
/// they must follow each other in that order. The store makes and applies them
/// (`store::QueryText`).
///
/// `金砖 峰会` with cross-lingual expansion becomes `[[金砖, BRICS], [峰会, summit]]`;
/// `"Xi Jinping" OR 习近平 -Kazan` becomes `[[Xi Jinping, 习近平]]` excluding `[Kazan]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextQuery {
    pub groups: Vec<Vec<String>>,
    /// When no document matches every group, return documents matching any (fewer groups
    /// matched rank lower). Exclusions still apply.
    pub fallback_any: bool,
    /// Words or phrases no returned document may contain.
    pub exclude: Vec<String>,
}

impl TextQuery {
    pub fn is_empty(&self) -> bool {
        self.groups.iter().all(|g| g.is_empty())
    }
}
