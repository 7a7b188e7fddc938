//! Storage: the [`Store`] trait every backend implements, and the embedded SQLite backend.
//!
//! A document and everything derived from it (its event's new state, entities, quotes, facts,
//! the event's claims) are written by one [`Store::commit`] in one transaction, so a crash leaves
//! either all of it or none. Re-ingesting identical content is recognised by [`Store::status`] and
//! changes nothing.

mod fulltext;
mod record;
mod sqlite;
#[doc(hidden)]
pub mod suite;

pub use fulltext::{document_terms, index_terms, TextQuery};
pub use record::{Commit, DocStatus, DocumentRecord, DocumentSummary, EventState, Hit, StoreError};
pub use sqlite::SqliteStore;

use model::{Claim, Entity, Event, Fact, Quote};

/// Called with each stored document vector and its document id.
pub type VectorVisitor<'a> = dyn FnMut(&str, &[f32]) -> Result<(), StoreError> + 'a;

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

    /// Full-text search: documents holding every word of `query` (words and stems as
    /// [`index_terms`] makes them, in any script), best first.
    fn search(&self, query: &str, limit: usize) -> Result<Vec<Hit>, StoreError> {
        self.search_text(&TextQuery::all_words(query), limit)
    }

    /// Full-text search with groups of alternatives (see [`TextQuery`]), best first.
    fn search_text(&self, query: &TextQuery, limit: usize) -> Result<Vec<Hit>, StoreError>;

    /// Every document without its text, in ingest order.
    fn document_summaries(&self) -> Result<Vec<DocumentSummary>, StoreError> {
        let mut out = Vec::new();
        self.for_each_document(&mut |d| {
            out.push(DocumentSummary::of(&d));
            Ok(())
        })?;
        Ok(out)
    }

    /// Every stored document vector, with its document id, in ingest order.
    fn for_each_vector(
        &self,
        f: &mut VectorVisitor<'_>,
    ) -> Result<(), StoreError> {
        self.for_each_document(&mut |d| match &d.vector {
            Some(v) => f(&d.article.id, v),
            None => Ok(()),
        })
    }
}
