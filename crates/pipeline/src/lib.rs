//! The pipeline: one raw document in, one committed analysis out.
//!
//! [`Pipeline::ingest`] runs extract → text layer → link → cluster → enrich on a document and
//! commits the document and everything derived from it to the [`Store`] in one transaction.
//! Stages are pure; this crate only sequences them and talks to the store.

use model::RawDocument;
use store::{Commit, DocStatus, DocumentRecord, Store, StoreError};

/// What happened to one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Stored, in this event.
    Ingested { id: String, event: String },
    /// Already stored with the same content: nothing changed.
    AlreadyIngested { id: String },
}

/// Why a document was not stored.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The document itself is at fault; the user should look at the input.
    #[error("{source_name}: {why}")]
    Input { source_name: String, why: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Counts for the ingest summary.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub ingested: usize,
    pub already: usize,
    pub duplicates: usize,
    pub failed: usize,
}

/// The stages, wired to a store.
pub struct Pipeline<'s> {
    store: &'s mut dyn Store,
    clusterer: cluster::Clusterer,
    pub summary: Summary,
}

impl<'s> Pipeline<'s> {
    /// Load the online state (events so far) from the store.
    pub fn open(store: &'s mut dyn Store) -> Result<Pipeline<'s>, PipelineError> {
        let states = store.event_states()?;
        // Load enrichment's dictionaries now rather than inside the first document.
        let _ = enrich::Resources::shared();
        let clusterer =
            cluster::Clusterer::from_states(states.into_iter().map(|s| (s.event, s.state)));
        Ok(Pipeline {
            store,
            clusterer,
            summary: Summary::default(),
        })
    }

    /// Analyse and store one document.
    pub fn ingest(&mut self, raw: RawDocument) -> Result<Outcome, PipelineError> {
        let result = self.ingest_inner(raw);
        match &result {
            Ok(Outcome::Ingested { .. }) => self.summary.ingested += 1,
            Ok(Outcome::AlreadyIngested { .. }) => self.summary.already += 1,
            Err(_) => self.summary.failed += 1,
        }
        result
    }

    fn ingest_inner(&mut self, raw: RawDocument) -> Result<Outcome, PipelineError> {
        let hash = raw.content_hash();
        let duplicate_of = match self.store.status(&raw.id, &hash)? {
            DocStatus::AlreadyIngested => return Ok(Outcome::AlreadyIngested { id: raw.id }),
            DocStatus::IdConflict => {
                return Err(PipelineError::Input {
                    source_name: raw.source,
                    why: format!(
                        "id `{}` is already stored with different content; the stored document is kept (give this one another id)",
                        raw.id
                    ),
                })
            }
            DocStatus::SameContentAs(other) => Some(other),
            DocStatus::New => None,
        };
        let mut article = extract::extract(&raw);
        if article.paragraphs.is_empty() {
            let why = article
                .diagnostics
                .first()
                .cloned()
                .unwrap_or_else(|| "no article text found".into());
            return Err(PipelineError::Input {
                source_name: raw.source,
                why,
            });
        }
        article.segments = lang::segment(&article.paragraphs);
        let duplicate_event = match &duplicate_of {
            Some(other) => self.store.document(other)?.and_then(|d| d.event),
            None => None,
        };
        if duplicate_of.is_some() {
            self.summary.duplicates += 1;
        }
        let assignment = self.clusterer.assign(&article, duplicate_event.as_deref());
        let event_id = assignment.event.id.clone();
        let enrichment = enrich::analyse(&article, enrich::Resources::shared());
        let is_duplicate = duplicate_of.is_some();
        let record = DocumentRecord {
            article,
            hash,
            event: Some(event_id.clone()),
            duplicate_of,
            translation_of: None,
            vector: None,
        };
        let mut commit = Commit::document_only(record);
        commit.event = Some(store::EventState {
            event: assignment.event,
            state: assignment.state,
        });
        add_enrichment(
            &*self.store,
            &mut commit,
            enrichment,
            &event_id,
            is_duplicate,
        )?;
        let id = commit.document.article.id.clone();
        self.store.commit(&commit)?;
        Ok(Outcome::Ingested {
            id,
            event: event_id,
        })
    }
}

/// Enrichment's part of a commit: the document's entities, quotes and facts, its claim
/// candidates, and its event's claims regrouped with the candidates stored for the event.
/// A duplicate adds its entity mentions only (its quotes and claims are the original's).
fn add_enrichment(
    store: &dyn Store,
    commit: &mut Commit,
    e: enrich::DocEnrichment,
    event: &str,
    is_duplicate: bool,
) -> Result<(), PipelineError> {
    commit.entities = e.entities;
    if is_duplicate {
        return Ok(());
    }
    let mut candidates = Vec::new();
    for (_, blob) in store.claim_candidates(event)? {
        candidates.extend(enrich::ClaimCandidate::decode(&blob));
    }
    commit.claim_candidates = Some(enrich::ClaimCandidate::encode(&e.claim_candidates));
    candidates.extend(e.claim_candidates);
    commit.claims = Some((event.to_string(), enrich::claims(event, &candidates)));
    commit.quotes = e.quotes;
    commit.facts = e.facts;
    Ok(())
}
