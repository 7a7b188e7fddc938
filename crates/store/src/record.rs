//! The records a store keeps and the unit of work it commits.

use model::{Claim, Entity, Event, Fact, Quote};
pub use model::{DocumentRecord, DocumentSummary, SharedPassage};
use serde::Serialize;

/// What can go wrong in a store.
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
    /// A commit of a document whose id is stored with other content; the stored one is kept.
    #[error(
        "document id `{id}` is already stored with different content; the stored document is kept"
    )]
    IdConflict { id: String },
    /// A record that could not be encoded for storage.
    #[error("cannot encode {what}: {why}")]
    Encoding { what: String, why: String },
    /// A stored record that cannot be read back (named: `claim 0 of event ev-1`).
    #[error("stored record {what} is corrupt: {why}")]
    Corrupt { what: String, why: String },
    /// The database reported an error.
    #[error("database error: {source}")]
    Backend {
        #[from]
        source: BackendError,
    },
    /// Any other failure, in words (a connection lost for good, a caller stopping a visit).
    #[error("database error: {0}")]
    Db(String),
}

/// The error of the database driver underneath, kept whole.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    /// Shown with what the server said (the driver's own message is only "db error").
    #[error("{}", crate::postgres::describe(.0))]
    Postgres(#[from] postgres::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        BackendError::from(e).into()
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> StoreError {
        BackendError::from(e).into()
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

/// A stored document as the linker needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkCandidate {
    pub id: String,
    pub event: Option<String>,
    pub translation_of: Option<String>,
    pub vector: Option<Vec<f32>>,
    pub fingerprint: Option<Vec<u8>>,
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
    /// An event whose stored claims this commit leaves out of date (its candidates are not in
    /// them yet): marked so, until [`crate::Store::replace_claims`] regroups it.
    pub claims_stale: Option<String>,
    /// The linker's fingerprint of the document (opaque bytes).
    pub fingerprint: Option<Vec<u8>>,
    /// Passages this document shares with earlier ones.
    pub passages: Vec<SharedPassage>,
    /// Other events whose storyline was set by this document's clustering (event id, storyline).
    pub storylines: Vec<(String, String)>,
    /// What this document contributes to its event's claims, as an opaque blob (enrichment's
    /// claim candidates, JSON), kept so claims can be recomputed without re-reading documents.
    pub claim_candidates: Option<String>,
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
            claims_stale: None,
            fingerprint: None,
            passages: Vec::new(),
            storylines: Vec::new(),
            claim_candidates: None,
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
