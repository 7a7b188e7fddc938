//! Storage: the [`Store`] trait every backend implements, the embedded SQLite backend, the
//! PostgreSQL backend for several workers, and [`open`], which picks one from a `--db` value.
//!
//! A document and everything derived from it (its event's new state, entities, quotes, facts,
//! claim candidates) are written by one [`Store::commit`] in one transaction, so a crash leaves
//! either all of it or none. An event's claims are regrouped from its candidates apart
//! ([`Store::replace_claims`]); until then the commit marks them stale ([`Store::stale_claims`]),
//! so a crash in between leaves a mark, not a silent gap. Re-ingesting identical content is recognised by [`Store::status`] and
//! changes nothing.

mod fulltext;
mod lock;
mod postgres;
mod record;
mod sql;
mod sqlite;
#[cfg(feature = "test-support")]
pub mod suite;
mod watch;

pub use fulltext::{document_terms, index_terms, QueryText, TextQuery};
pub use lock::{IngestLock, LOCK_FILE};
pub use postgres::{redact, PgStore};
pub use record::BackendError;
pub use record::{
    Commit, DocStatus, DocumentRecord, DocumentSummary, EventState, Hit, LinkCandidate,
    SharedPassage, StoreError,
};
pub use sqlite::SqliteStore;
pub use watch::{open_watch_state, HostErrors, SourceState, UrlState, WatchReport, WatchState};

use model::{Claim, Entity, Event, Fact, Quote};

/// Called with each stored document vector and its document id.
pub type VectorVisitor<'a> = dyn FnMut(&str, &[f32]) -> Result<(), StoreError> + 'a;

/// What the pipeline, the CLI and the server need from storage.
pub trait Store: Send {
    /// Whether a document with this id (and content hash) is already stored.
    fn status(&self, id: &str, hash: &str) -> Result<DocStatus, StoreError>;
    /// Store one document and all that was derived from it, atomically.
    fn commit(&mut self, commit: &Commit) -> Result<(), StoreError>;

    /// Start a clustering decision. Until the next [`Store::commit`] (which ends it) or
    /// [`Store::end_decision`], no other writer of this store commits, and reads see everything
    /// the others committed before: a worker refreshes what it knows from
    /// [`Store::documents_since`], decides, and commits as if it were the only worker. Several
    /// `begin_decision` calls before the commit are one decision.
    fn begin_decision(&mut self) -> Result<(), StoreError>;
    /// End a decision without a commit (the document failed): nothing of it is written.
    /// Does nothing when no decision is open.
    fn end_decision(&mut self) -> Result<(), StoreError>;
    /// Up to `limit` documents stored after position `after` (`0`: from the first), in ingest
    /// order, each with its position, for a worker to catch up with what others committed.
    fn documents_since(
        &self,
        after: u64,
        limit: usize,
    ) -> Result<Vec<(u64, DocumentRecord)>, StoreError>;
    /// The position of the last document stored (`0` when there is none).
    fn last_position(&self) -> Result<u64, StoreError>;

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
    /// The events whose state may have changed since `cursor` (from a previous call; `0` the
    /// first time), and the cursor for the next call. For several writers on one store: a
    /// worker re-reads what the others did. Events may be returned again; none that changed is
    /// missed. The default returns every event.
    fn events_changed_since(&self, cursor: u64) -> Result<(Vec<EventState>, u64), StoreError> {
        let _ = cursor;
        Ok((self.event_states()?, 0))
    }

    fn entities(&self) -> Result<Vec<Entity>, StoreError>;
    fn quotes(&self) -> Result<Vec<Quote>, StoreError>;
    fn facts(&self) -> Result<Vec<Fact>, StoreError>;
    fn claims(&self) -> Result<Vec<Claim>, StoreError>;
    /// The stored claim candidates (an opaque blob per document, see [`Commit`]) of the
    /// documents in `event`, in ingest order: `(document, blob)`.
    fn claim_candidates(&self, event: &str) -> Result<Vec<(String, String)>, StoreError>;
    /// Replace the claims of each event given (regrouped from its stored candidates) and clear
    /// their stale marks, in one transaction. Ends the decision that is open, as a commit does:
    /// read the candidates and replace the claims in one decision, so that no other worker
    /// adds a document to the event in between.
    fn replace_claims(&mut self, claims: &[(String, Vec<Claim>)]) -> Result<(), StoreError>;
    /// Events whose stored claims miss the candidates of some of their documents (marked by
    /// [`Commit::claims_stale`], cleared by [`Store::replace_claims`]), in id order.
    fn stale_claims(&self) -> Result<Vec<String>, StoreError>;

    /// Passages shared between documents, in the order they were found.
    fn shared_passages(&self) -> Result<Vec<SharedPassage>, StoreError>;
    /// The most recent `per_event` documents of each of `events`, oldest first, with what the
    /// linker compares.
    fn link_candidates(
        &self,
        events: &[String],
        per_event: usize,
    ) -> Result<Vec<LinkCandidate>, StoreError>;

    /// Documents matching every word of `query` (no query syntax: see [`TextQuery`]), best
    /// first: [`Store::search_text`] of [`QueryText::all_words`].
    fn search(&self, query: &str, limit: usize) -> Result<Vec<Hit>, StoreError> {
        self.search_text(&TextQuery::all_words(query), limit)
    }

    /// Documents matching a [`TextQuery`] (groups of alternatives, exclusions), best first.
    /// Every backend matches the terms [`index_terms`] makes, in any script, with the same
    /// meaning: a word or phrase of the query matches where the document's terms hold its terms
    /// in that order.
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

    /// The sources a watch follows on this store and their health (`watch_sources`, and
    /// `watch_urls`' errors by host); empty when no watch ever ran here.
    fn watch_report(&self) -> Result<WatchReport, StoreError>;

    /// Every stored document vector, with its document id, in ingest order.
    fn for_each_vector(&self, f: &mut VectorVisitor<'_>) -> Result<(), StoreError> {
        self.for_each_document(&mut |d| match &d.vector {
            Some(v) => f(&d.article.id, v),
            None => Ok(()),
        })
    }
}

/// Open the store a `--db` value names: a `postgres://` or `postgresql://` URL is a PostgreSQL
/// database ([`PgStore`]), anything else a directory for the embedded store ([`SqliteStore`],
/// created if missing).
pub fn open(spec: &str) -> Result<Box<dyn Store>, StoreError> {
    if is_postgres_url(spec) {
        Ok(Box::new(PgStore::connect(spec)?))
    } else {
        Ok(Box::new(SqliteStore::open(std::path::Path::new(spec))?))
    }
}

/// Whether a `--db` value names a PostgreSQL database rather than a directory.
pub fn is_postgres_url(spec: &str) -> bool {
    let lower = spec.get(..13).unwrap_or(spec).to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}
