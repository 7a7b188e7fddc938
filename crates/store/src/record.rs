//! The records a store keeps and the unit of work it commits.

use model::{Article, Claim, Entity, Event, Fact, Quote};
use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the store at {path}: {why}")]
    Open { path: String, why: String },
    #[error(
        "store {path} was written by a newer storyline (schema {found}, this one knows {known})"
    )]
    Schema {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("database error: {0}")]
    Db(String),
    #[error("stored record {what} is corrupt: {why}")]
    Corrupt { what: String, why: String },
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError::Db(e.to_string())
    }
}

/// Whether a document is new to the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocStatus {
    New,
    /// Same id, same content: nothing to do.
    AlreadyIngested,
    /// Same content already stored under another id.
    SameContentAs(String),
    /// Same id, different content: the stored one is kept.
    IdConflict,
}

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
}

/// An event with the opaque state the clusterer keeps for it.
#[derive(Debug, Clone, PartialEq)]
pub struct EventState {
    pub event: Event,
    pub state: Vec<u8>,
}

/// Everything one ingested document changes, written in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct Commit {
    pub document: DocumentRecord,
    /// The event the document joined or started, with its new state (upserted).
    pub event: Option<EventState>,
    /// Entities mentioned; aliases are merged into what is stored, and the document is added.
    pub entities: Vec<Entity>,
    pub quotes: Vec<Quote>,
    pub facts: Vec<Fact>,
    /// The event's claims, replacing those stored for it (claims are recomputed per event).
    pub claims: Option<(String, Vec<Claim>)>,
}

impl Commit {
    pub fn document_only(document: DocumentRecord) -> Commit {
        Commit {
            document,
            event: None,
            entities: Vec::new(),
            quotes: Vec::new(),
            facts: Vec::new(),
            claims: None,
        }
    }
}

/// A search result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub document: String,
    pub title: Option<String>,
    pub event: Option<String>,
    pub score: f32,
    /// A short passage around the match.
    pub snippet: String,
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
