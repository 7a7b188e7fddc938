//! Storage: the [`Store`] trait every backend implements, and the embedded SQLite backend.
//!
//! A document and everything derived from it (its event's new state, entities, quotes, facts,
//! the event's claims) are written by one [`Store::commit`] in one transaction, so a crash leaves
//! either all of it or none. Re-ingesting identical content is recognised by [`Store::status`] and
//! changes nothing.

mod record;
mod sqlite;
#[doc(hidden)]
pub mod suite;

pub use record::{
    Commit, DocStatus, DocumentRecord, EventState, Hit, LinkCandidate, SharedPassage, StoreError,
};
pub use sqlite::SqliteStore;

use model::{Claim, Entity, Event, Fact, Quote};

/// What the pipeline, the CLI and the server need from storage.
pub trait Store: Send {
    /// Whether a document with this id (and content hash) is already stored.
    fn status(&self, id: &str, hash: &str) -> Result<DocStatus, StoreError>;
    /// Store one document and all that was derived from it, atomically.
    fn commit(&mut self, commit: &Commit) -> Result<(), StoreError>;

    fn document(&self, id: &str) -> Result<Option<DocumentRecord>, StoreError>;
    /// Every document, in ingest order.
    fn for_each_document(
        &self,
        f: &mut dyn FnMut(DocumentRecord) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;
    fn document_count(&self) -> Result<usize, StoreError>;

    fn event(&self, id: &str) -> Result<Option<Event>, StoreError>;
    /// Every event, earliest start first (undated last).
    fn events(&self) -> Result<Vec<Event>, StoreError>;
    /// Every event with the clustering state stored for it.
    fn event_states(&self) -> Result<Vec<EventState>, StoreError>;

    fn entities(&self) -> Result<Vec<Entity>, StoreError>;
    fn quotes(&self) -> Result<Vec<Quote>, StoreError>;
    fn facts(&self) -> Result<Vec<Fact>, StoreError>;
    fn claims(&self) -> Result<Vec<Claim>, StoreError>;
    /// The stored claim candidates (an opaque blob per document, see [`Commit`]) of the
    /// documents in `event`, in ingest order: `(document, blob)`.
    fn claim_candidates(&self, event: &str) -> Result<Vec<(String, String)>, StoreError>;

    /// Passages shared between documents, in the order they were found.
    fn shared_passages(&self) -> Result<Vec<SharedPassage>, StoreError>;
    /// The most recent `per_event` documents of each of `events`, oldest first, with what the
    /// linker compares.
    fn link_candidates(
        &self,
        events: &[String],
        per_event: usize,
    ) -> Result<Vec<LinkCandidate>, StoreError>;

    /// Documents whose title or text contains `query` (case-insensitive), best first.
    fn search(&self, query: &str, limit: usize) -> Result<Vec<Hit>, StoreError>;
}
