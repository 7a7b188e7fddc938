//! The pipeline: raw documents in, committed analyses out.
//!
//! [`Pipeline::ingest_batch`] runs the pure, costly stages (extract → text layer → features,
//! fingerprint, embedding) over a batch of documents in parallel on rayon's pool, then, one
//! document at a time in the batch's commit order (`cluster::commit_order`), links it to earlier
//! documents, puts it in an event and commits the document and everything derived from it to
//! the [`Store`] in one transaction; after the batch, the claims of the events it added to are
//! regrouped (`Pipeline::regroup_claims`). Enrichment (also pure) runs on the pool meanwhile,
//! in commit order, so it uses the cores the one-at-a-time commits leave idle; each commit
//! waits for its document's enrichment. The three steps are public ([`Pipeline::screen`],
//! [`analyse_batch`], [`Pipeline::commit_batch`]) so that a caller can analyse (and enrich) the
//! next batch while this one commits, as [`Ingestor`] (the one ingest engine: batching, two
//! batches in flight, idle flush, back-pressure; see [`ingestor`]) does for every entry point.
//! Stages are pure; this crate only sequences them and talks to the store.
//!
//! Several workers (processes) may share one store. The link, cluster and commit step of each
//! document is a *decision* ([`Store::begin_decision`]): one worker at a time, and before it
//! decides, the worker catches up with the documents the others committed since its last
//! decision by replaying them through its clusterer (the clusterer is deterministic, so a replay
//! reaches the decision its worker reached). The result is the one a single worker gets by
//! ingesting the documents in the order they were committed; only the costly analysis runs in
//! parallel.

pub mod ingestor;

pub use ingestor::{Ingestor, Submitter};

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use model::{Article, RawDocument};
use rayon::prelude::*;
use store::{Commit, DocStatus, DocumentRecord, SharedPassage, Store, StoreError};

/// Documents of each candidate event the linker compares a new document with.
const LINK_PER_EVENT: usize = 12;
/// How many of the nearest events the linker looks in.
const LINK_EVENTS: usize = 5;

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
    /// A fault of the program, not of the input or the store (a stage panicked).
    #[error("internal error: {0}")]
    Internal(String),
}

impl PipelineError {
    /// Whether the input is at fault (the other documents are not concerned).
    pub fn is_input(&self) -> bool {
        matches!(self, PipelineError::Input { .. })
    }
}

/// Documents fetched per query when catching up with other workers.
const CATCH_UP_BATCH: usize = 256;

/// How often one document's decision is tried when the store fails in the middle of it (a lost
/// connection, a restarted server).
const DECISION_ATTEMPTS: u32 = 3;

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
    encoder: Option<&'s embed::Encoder>,
    clusterer: cluster::Clusterer,
    /// Position of the last stored document the clusterer knows about.
    cursor: u64,
    /// Documents this worker committed after `cursor` (not to be replayed).
    mine: HashSet<String>,
    /// Claim candidates read back from the store, decoded once per document.
    decoded: DecodedCandidates,
    /// Events whose claims this worker's commits left stale since the last regrouping, with the
    /// event's size before the first of them and after the last (see `Pipeline::regroup_claims`).
    stale: BTreeMap<String, (usize, usize)>,
    pub summary: Summary,
}

/// A document after the parallel stages.
struct Analysed {
    raw: RawDocument,
    hash: String,
    article: Article,
    features: cluster::Features,
    links: link::Analysed,
    /// Segment-level translation inside one page, for the "why".
    inner: Vec<String>,
    /// Entities, quotes, facts and claim candidates (pure, so computed in the parallel stage).
    enrichment: Enrichment,
}

/// What a commit stores of a document's enrichment, made ready on the pool: its entities,
/// quotes and facts, and its claim candidates encoded. The mentions and quote positions that
/// analysis also returns (for evaluation and the UI) are dropped there, not on the commit
/// thread, which each commit's copy of the enrichment would otherwise also pay for.
#[derive(Debug, Clone, Default)]
struct Enrichment {
    entities: Vec<model::Entity>,
    quotes: Vec<model::Quote>,
    facts: Vec<model::Fact>,
    claim_candidates: String,
}

impl Enrichment {
    /// Enrich `article` (on the calling thread). A document that hits one of enrichment's
    /// caps (it reads and keeps a bounded amount of each document) gets a warning naming it.
    fn of(article: &Article) -> Enrichment {
        let e = enrich::analyse(article, enrich::Resources::shared());
        for note in &e.capped {
            eprintln!("warning: {}: enrichment: {note}", article.id);
        }
        Enrichment {
            claim_candidates: enrich::ClaimCandidate::encode(&e.claim_candidates),
            entities: e.entities,
            quotes: e.quotes,
            facts: e.facts,
        }
    }
}

impl<'s> Pipeline<'s> {
    /// Load the online state (events so far) from the store. Without an encoder, documents
    /// are clustered on dates, places, names and figures only.
    pub fn open(store: &'s mut dyn Store) -> Result<Pipeline<'s>, PipelineError> {
        Pipeline::with_encoder(store, None)
    }

    /// Like [`Pipeline::open`], embedding each document with `encoder`.
    pub fn with_encoder(
        store: &'s mut dyn Store,
        encoder: Option<&'s embed::Encoder>,
    ) -> Result<Pipeline<'s>, PipelineError> {
        preload_enrichment();
        let mut pipeline = Pipeline {
            store,
            encoder,
            clusterer: cluster::Clusterer::default(),
            cursor: 0,
            mine: HashSet::new(),
            decoded: DecodedCandidates::default(),
            stale: BTreeMap::new(),
            summary: Summary::default(),
        };
        pipeline.reload()?;
        // Claims a crash left stale (between a batch's commits and its regrouping).
        for event in pipeline.store.stale_claims()? {
            let size = pipeline
                .store
                .event(&event)?
                .map_or(0, |e| e.documents.len());
            pipeline.stale.insert(event, (size, size));
        }
        pipeline.regroup_claims()?;
        Ok(pipeline)
    }

    /// Rebuild the clusterer from the stored events, and the position it knows, in one
    /// decision (so no document is counted twice or missed).
    fn reload(&mut self) -> Result<(), PipelineError> {
        self.store.begin_decision()?;
        let loaded = self
            .store
            .last_position()
            .and_then(|p| Ok((p, self.store.event_states()?)));
        self.store.end_decision()?;
        let (cursor, states) = loaded?;
        self.clusterer =
            cluster::Clusterer::from_states(states.into_iter().map(|s| (s.event, s.state)));
        self.cursor = cursor;
        self.mine.clear();
        Ok(())
    }

    /// Inside a decision: replay, in commit order, the documents other workers committed since
    /// this one last looked, so its clusterer is where a single worker's would be.
    fn catch_up(&mut self) -> Result<(), PipelineError> {
        loop {
            let docs = self.store.documents_since(self.cursor, CATCH_UP_BATCH)?;
            let Some(&(last, _)) = docs.last() else { break };
            for (_, record) in docs {
                if !self.mine.remove(&record.article.id) {
                    self.replay(record)?;
                }
            }
            self.cursor = last;
        }
        self.mine.clear();
        Ok(())
    }

    /// Put a document another worker committed through the clusterer as that worker did.
    fn replay(&mut self, record: DocumentRecord) -> Result<(), PipelineError> {
        let Some(event) = record.event else {
            return Ok(());
        };
        // A copy or a translation joined the event of the document it copies without a look at
        // the rest (see `commit_one`), and that event is the one stored with it.
        let same_article_event = (record.duplicate_of.is_some() || record.translation_of.is_some())
            .then(|| event.clone());
        let features = features_of(&record.article, record.vector.unwrap_or_default());
        let replayed =
            self.clusterer
                .assign(&record.article, &features, same_article_event.as_deref());
        if replayed.event.id != event {
            // Cannot happen while every worker runs the same clusterer; if it does (workers of
            // different versions), fall back to the stored events' states.
            eprintln!(
                "warning: replaying document {} gave event {} where its worker chose {event}; reloading the events from the store",
                record.article.id, replayed.event.id
            );
            let states = self.store.event_states()?;
            self.clusterer =
                cluster::Clusterer::from_states(states.into_iter().map(|s| (s.event, s.state)));
        }
        Ok(())
    }

    /// Analyse and store one document.
    pub fn ingest(&mut self, raw: RawDocument) -> Result<Outcome, PipelineError> {
        self.ingest_batch(vec![raw])
            .pop()
            .unwrap_or_else(|| Err(PipelineError::Store(StoreError::Db("empty batch".into()))))
    }

    /// Analyse a batch in parallel, then cluster and commit its documents one by one, in
    /// order. One result per input document, in order.
    pub fn ingest_batch(&mut self, raws: Vec<RawDocument>) -> Vec<Result<Outcome, PipelineError>> {
        let screened = self.screen(raws);
        let analysed = analyse_batch(self.encoder, screened, false);
        self.commit_batch(analysed)
    }

    /// The encoder this pipeline embeds with (for [`analyse_batch`] on another thread).
    pub fn encoder(&self) -> Option<&'s embed::Encoder> {
        self.encoder
    }

    /// The first step of [`Pipeline::ingest_batch`]: documents already stored are recognised
    /// before any costly work.
    pub fn screen(&self, raws: Vec<RawDocument>) -> ScreenedBatch {
        let mut todo = Vec::new();
        let mut results: Vec<Option<Result<Outcome, PipelineError>>> = Vec::new();
        for raw in raws {
            // Ingest refuses such ids; a caller that builds documents itself is held to it too.
            if let Some(why) = model::id_problem(&raw.id) {
                results.push(Some(Err(PipelineError::Input {
                    source_name: raw.source,
                    why: format!("id {:?} refused: {why}", raw.id),
                })));
                continue;
            }
            let hash = raw.content_hash();
            match status_of(&*self.store, &raw, &hash) {
                Ok((DocStatus::AlreadyIngested, capture)) => {
                    let id = capture.map_or(raw.id, |(id, _)| id);
                    results.push(Some(Ok(Outcome::AlreadyIngested { id })))
                }
                Ok(_) => {
                    results.push(None);
                    todo.push((results.len() - 1, raw, hash));
                }
                Err(e) => results.push(Some(Err(e.into()))),
            }
        }
        ScreenedBatch { results, todo }
    }

    /// The last step of [`Pipeline::ingest_batch`]: link, cluster and commit the analysed
    /// documents one at a time, in the batch's commit order, with their enrichment computed on
    /// the pool meanwhile. The results are in the order the documents were given.
    pub fn commit_batch(&mut self, batch: AnalysedBatch) -> Vec<Result<Outcome, PipelineError>> {
        let AnalysedBatch {
            mut results,
            analysed,
            enriched,
        } = batch;
        // Committed in an order of their own (see `cluster::commit_order`), so that the order
        // in which a batch's documents arrive does not change its events.
        let order = {
            let keyed: Vec<(&str, &cluster::Features)> = analysed
                .iter()
                .filter_map(|(_, a)| a.as_ref().ok().map(|a| (a.raw.id.as_str(), &a.features)))
                .collect();
            cluster::commit_order(&keyed)
        };
        let (ok, failed): (Vec<_>, Vec<_>) = analysed.into_iter().partition(|(_, a)| a.is_ok());
        for (i, a) in failed {
            if let Err(e) = a {
                results[i] = Some(Err(e));
            }
        }
        let mut ok: Vec<Option<(usize, Analysed)>> = ok
            .into_iter()
            .filter_map(|(i, a)| a.ok().map(|a| Some((i, a))))
            .collect();
        // Enrichment of the documents in commit order, on the pool, while they are committed.
        // Called from a thread of the pool itself, waiting for the pool could stall it: then the
        // batch is enriched first, in parallel, as a whole.
        let enrich = !enrichment_off() && !enriched;
        let overlap = enrich && rayon::current_thread_index().is_none();
        if enrich && !overlap {
            ok.par_iter_mut().flatten().for_each(|(_, a)| {
                a.enrichment = Enrichment::of(&a.article);
            });
        }
        let jobs: Vec<(usize, Article)> = if !overlap {
            Vec::new()
        } else {
            order
                .iter()
                .filter_map(|&k| Some((k, ok.get(k)?.as_ref()?.1.article.clone())))
                .collect()
        };
        let (tx, rx) = std::sync::mpsc::channel::<(usize, Enrichment)>();
        std::thread::scope(|scope| {
            if !jobs.is_empty() {
                scope.spawn(move || {
                    jobs.into_par_iter().for_each_with(tx, |tx, (k, article)| {
                        let e = Enrichment::of(&article);
                        // The receiver only goes away when the commits stopped early.
                        let _ = tx.send((k, e));
                    });
                });
            } else {
                drop(tx);
            }
            let mut ready: std::collections::HashMap<usize, Enrichment> =
                std::collections::HashMap::new();
            for &k in &order {
                let Some((i, mut a)) = ok.get_mut(k).and_then(Option::take) else {
                    continue;
                };
                if overlap {
                    while !ready.contains_key(&k) {
                        match rx.recv() {
                            Ok((j, e)) => {
                                ready.insert(j, e);
                            }
                            Err(_) => break,
                        }
                    }
                    a.enrichment = ready.remove(&k).unwrap_or_default();
                }
                results[i] = Some(self.decide(a));
            }
        });
        if let Err(e) = self.regroup_claims() {
            // The documents are stored; their events' claims stay marked stale and are
            // regrouped after the next batch.
            eprintln!("warning: the claims of this batch's events were not regrouped: {e}");
        }
        results
            .into_iter()
            .map(|r| {
                let r = r.unwrap_or_else(|| {
                    Err(PipelineError::Store(StoreError::Db("document lost".into())))
                });
                match &r {
                    Ok(Outcome::Ingested { .. }) => self.summary.ingested += 1,
                    Ok(Outcome::AlreadyIngested { .. }) => self.summary.already += 1,
                    Err(_) => self.summary.failed += 1,
                }
                r
            })
            .collect()
    }

    /// Link, cluster and commit one analysed document as one decision; when the store fails in
    /// the middle, reload what is stored and try again (a commit that did land is then
    /// recognised as already stored).
    fn decide(&mut self, mut a: Analysed) -> Result<Outcome, PipelineError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let r = self
                .store
                .begin_decision()
                .map_err(PipelineError::from)
                .and_then(|()| self.catch_up())
                .and_then(|()| self.commit_one(&mut a));
            // Ends a decision the commit did not end (an input error, a failed read). A failure
            // here is the connection's, and the server ends the transaction itself then.
            let _ = self.store.end_decision();
            match r {
                Ok(outcome) => {
                    if let Outcome::Ingested { id, .. } = &outcome {
                        self.mine.insert(id.clone());
                    }
                    return Ok(outcome);
                }
                Err(e @ PipelineError::Input { .. }) => return Err(e),
                Err(e) => {
                    // The clusterer may hold this document's effect, or miss others': reload.
                    let reloaded = self.reload();
                    if attempt >= DECISION_ATTEMPTS {
                        return Err(e);
                    }
                    reloaded?;
                }
            }
        }
    }

    fn commit_one(&mut self, a: &mut Analysed) -> Result<Outcome, PipelineError> {
        let hash = a.hash.clone();
        // Checked again: an earlier document of the same batch may have had this content or id.
        let (status, capture) = status_of(&*self.store, &a.raw, &hash)?;
        if let Some((id, earlier)) = capture {
            a.raw.id = id.clone();
            a.article.id = id;
            a.article.capture_of = Some(earlier);
        }
        let raw = &a.raw;
        let article = a.article.clone();
        let (features, links, inner) = (&a.features, &a.links, &a.inner);
        let duplicate_of = match status {
            DocStatus::AlreadyIngested => {
                return Ok(Outcome::AlreadyIngested { id: raw.id.clone() })
            }
            DocStatus::IdConflict => return Err(id_conflict(&raw.source, &raw.id)),
            DocStatus::SameContentAs(other) => Some(other),
            DocStatus::New => None,
        };
        let duplicate_event = match &duplicate_of {
            Some(other) => self.store.document(other)?.and_then(|d| d.event),
            None => None,
        };
        if duplicate_of.is_some() {
            self.summary.duplicates += 1;
        }
        // Link against the documents of the nearest events (and of the copied document's), then
        // place: a copy or a translation joins the event of the document it copies.
        let ranking = self.clusterer.rank(features);
        let mut events = self.clusterer.nearest(&ranking, LINK_EVENTS);
        if let Some(e) = &duplicate_event {
            events.retain(|x| x != e);
            events.insert(0, e.clone());
        }
        let candidates: Vec<link::Candidate> = self
            .store
            .link_candidates(&events, LINK_PER_EVENT)?
            .into_iter()
            .filter_map(|c| {
                Some(link::Candidate {
                    fingerprint: link::Fingerprint::from_bytes(c.fingerprint.as_deref()?)?,
                    vector: c.vector.unwrap_or_default(),
                    translation_of: c.translation_of,
                    event: c.event,
                    id: c.id,
                })
            })
            .collect();
        let found = link::compare(links, &features.vector, &candidates);
        let same_article_event = duplicate_event.or(found.same_article_event.clone());
        let assignment =
            self.clusterer
                .place(ranking, &article, features, same_article_event.as_deref());
        let event_id = assignment.event.id.clone();
        let mut why = assignment.why.clone();
        for note in found.notes.iter().chain(inner) {
            why.push_str("; ");
            why.push_str(note);
        }
        let duplicate_of = duplicate_of.or(found.near_duplicate_of.clone());
        let passages = found
            .passages
            .iter()
            .map(|p| SharedPassage {
                event: Some(event_id.clone()),
                documents: vec![p.other.clone(), article.id.clone()],
                text: p.text.clone(),
            })
            .collect();
        let is_duplicate = duplicate_of.is_some();
        let record = DocumentRecord {
            article,
            hash,
            event: Some(event_id.clone()),
            duplicate_of,
            translation_of: found.translation_of,
            vector: (!features.vector.is_empty()).then(|| features.vector.clone()),
            why: Some(why),
        };
        let mut commit = Commit::document_only(record);
        commit.event = Some(store::EventState {
            event: assignment.event,
            state: assignment.state,
        });
        commit.fingerprint = Some(links.fingerprint.to_bytes());
        commit.passages = passages;
        if let Some(other) = assignment.storyline_of {
            if let Some(s) = other.storyline.clone() {
                commit.storylines.push((other.id, s));
            }
        }
        let event_size = commit.event.as_ref().map_or(1, |e| e.event.documents.len());
        let mut enrichment = std::mem::take(&mut a.enrichment);
        add_enrichment(&mut commit, &mut enrichment, &event_id, is_duplicate);
        let id = commit.document.article.id.clone();
        if let Err(e) = self.store.commit(&commit) {
            // The decision is tried again (`decide`): the enrichment goes back where it was.
            enrichment.entities = commit.entities;
            enrichment.quotes = commit.quotes;
            enrichment.facts = commit.facts;
            if let Some(c) = commit.claim_candidates {
                enrichment.claim_candidates = c;
            }
            a.enrichment = enrichment;
            // Another worker stored this id with other content since the status was read: the
            // input's to fix, not a store failure worth a retry.
            return Err(match e {
                StoreError::IdConflict { id } => id_conflict(&a.raw.source, &id),
                e => e.into(),
            });
        }
        if commit.claims_stale.is_some() {
            self.stale
                .entry(event_id.clone())
                .and_modify(|(_, after)| *after = event_size)
                .or_insert((event_size.saturating_sub(1), event_size));
        }
        Ok(Outcome::Ingested {
            id,
            event: event_id,
        })
    }
}

/// A document whose id is stored with other content: an input error (the stored one is kept).
fn id_conflict(source: &str, id: &str) -> PipelineError {
    PipelineError::Input {
        source_name: source.to_string(),
        why: format!(
            "id `{id}` is already stored with different content; the stored document is kept (give this one another id)"
        ),
    }
}

/// The id a later capture of a stored URL is stored under: the URL's id and the capture date.
fn capture_id(id: &str, captured: &str) -> String {
    format!("{id}@{}", captured.trim())
}

/// Whether `raw` is stored, and, for a later capture (it has a capture date) whose id is stored
/// with other content, the id it is stored under instead (see [`capture_id`]) and the earlier
/// capture's id. The same content under the capture id, or under the id of another capture of
/// the same URL, is already stored.
fn status_of(
    store: &dyn Store,
    raw: &RawDocument,
    hash: &str,
) -> Result<(DocStatus, Option<(String, String)>), StoreError> {
    let status = store.status(&raw.id, hash)?;
    let Some(captured) = raw
        .meta
        .captured
        .as_deref()
        .filter(|c| !c.trim().is_empty())
    else {
        return Ok((status, None));
    };
    if status != DocStatus::IdConflict {
        return Ok((status, None));
    }
    let id = capture_id(&raw.id, captured);
    let status = match store.status(&id, hash)? {
        DocStatus::SameContentAs(other)
            if other == raw.id || other.starts_with(&format!("{}@", raw.id)) =>
        {
            DocStatus::AlreadyIngested
        }
        s => s,
    };
    Ok((status, Some((id, raw.id.clone()))))
}

/// A batch whose stored documents are recognised ([`Pipeline::screen`]), for
/// [`analyse_batch`].
pub struct ScreenedBatch {
    results: Vec<Option<Result<Outcome, PipelineError>>>,
    todo: Vec<(usize, RawDocument, String)>,
}

/// A batch whose costly stages are done ([`analyse_batch`]), for [`Pipeline::commit_batch`].
pub struct AnalysedBatch {
    results: Vec<Option<Result<Outcome, PipelineError>>>,
    analysed: Vec<(usize, Result<Analysed, PipelineError>)>,
    /// Whether the documents' enrichment is done too (else the commit computes it alongside).
    enriched: bool,
}

/// The middle step of [`Pipeline::ingest_batch`], pure and parallel on rayon's pool: extract,
/// text layer, features, fingerprint and embedding of every new document of the batch, and its
/// enrichment when `enrich` is set. It needs no store, so a caller may run it for the next
/// batch while this one commits (the commit checks again whether a document was stored
/// meanwhile); such a caller enriches here, so that the commits never wait for it. Without
/// `enrich`, [`Pipeline::commit_batch`] enriches on the pool while it commits.
pub fn analyse_batch(
    encoder: Option<&embed::Encoder>,
    batch: ScreenedBatch,
    enrich: bool,
) -> AnalysedBatch {
    let ScreenedBatch { results, todo } = batch;
    let prepared: Vec<(usize, Result<Analysed, PipelineError>)> = todo
        .into_par_iter()
        .map(|(i, raw, hash)| (i, prepare(raw, hash)))
        .collect();
    let mut analysed = embed_all(encoder, prepared);
    let enriched = enrich && !enrichment_off();
    if enriched {
        analysed.par_iter_mut().for_each(|(_, a)| {
            if let Ok(a) = a {
                a.enrichment = Enrichment::of(&a.article);
            }
        });
    }
    AnalysedBatch {
        results,
        analysed,
        enriched,
    }
}

/// Start loading enrichment's dictionaries in the background (at most once per process), so
/// they are ready by the first analysis: call it before other slow start-up work such as
/// loading the encoder; [`Pipeline::open`] calls it too. The first batch is read, extracted
/// and embedded meanwhile; its enrichment waits for the load to finish.
pub fn preload_enrichment() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    if !enrichment_off() {
        STARTED.call_once(|| {
            std::thread::spawn(enrich::Resources::shared);
        });
    }
}

/// Enrichment switched off ([`enrich::Settings::enabled`]): no entities, quotes, facts or
/// claims are stored, so that its share of the ingest time can be measured
/// (`scripts/bench-enrich.sh`).
fn enrichment_off() -> bool {
    !enrich::settings().enabled
}

/// Extraction and language segments of one document, or why it has no article text.
fn article_of(raw: &RawDocument) -> Result<Article, PipelineError> {
    let mut article = extract::extract(raw);
    if article.paragraphs.is_empty() {
        let why = article
            .diagnostics
            .first()
            .cloned()
            .unwrap_or_else(|| "no article text found".into());
        return Err(PipelineError::Input {
            source_name: raw.source.clone(),
            why,
        });
    }
    article.segments = lang::segment(&article.paragraphs);
    Ok(article)
}

/// The texts the pipeline embeds for a document: its article's [`cluster::embedding_texts`]
/// (title and lead of each substantial language segment, Traditional Chinese converted to
/// Simplified). Their [`cluster::mean_vector`] is the document's vector. A text too short for
/// extraction to call it an article (a headline, a query), which ingest would refuse, is
/// taken whole as one paragraph and given the same view; only an empty one is an error.
pub fn embedding_view(raw: &RawDocument) -> Result<Vec<String>, PipelineError> {
    match article_of(raw) {
        Ok(article) => Ok(cluster::embedding_texts(&article)),
        Err(e) => {
            let text = match &raw.content {
                model::Content::Text(t) => t.trim(),
                model::Content::Html(_) => return Err(e),
            };
            if text.is_empty() {
                return Err(e);
            }
            let paragraphs = vec![text.to_string()];
            let article = Article {
                id: raw.id.clone(),
                title: raw.meta.title.clone(),
                segments: lang::segment(&paragraphs),
                paragraphs,
                ..Article::default()
            };
            Ok(cluster::embedding_texts(&article))
        }
    }
}

/// The vector the pipeline stores for a document (what `storyline embed` prints).
pub fn document_vector(
    encoder: &embed::Encoder,
    raw: &RawDocument,
) -> Result<Vec<f32>, PipelineError> {
    let texts = embedding_view(raw)?;
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    Ok(cluster::mean_vector(&encoder.embed_batch(&refs)))
}

/// Extraction, text layer, features and fingerprint of one document (no embedding or
/// enrichment yet).
fn prepare(raw: RawDocument, hash: String) -> Result<Analysed, PipelineError> {
    let article = article_of(&raw)?;
    let features = features_of(&article, Vec::new());
    let links = link::analyse(&article);
    Ok(Analysed {
        raw,
        hash,
        article,
        features,
        links,
        inner: Vec::new(),
        enrichment: Enrichment::default(),
    })
}

/// The clusterer's features of an article with its embedding (empty without an encoder): the
/// same for a new document and for one replayed from the store.
fn features_of(article: &Article, vector: Vec<f32>) -> cluster::Features {
    cluster::Features::of(article, vector)
}

/// Embed every prepared document's texts in one parallel batch and set their vectors.
fn embed_all(
    encoder: Option<&embed::Encoder>,
    mut prepared: Vec<(usize, Result<Analysed, PipelineError>)>,
) -> Vec<(usize, Result<Analysed, PipelineError>)> {
    let Some(encoder) = encoder else {
        return prepared;
    };
    let mut texts: Vec<String> = Vec::new();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for (_, a) in &prepared {
        let start = texts.len();
        if let Ok(a) = a {
            texts.extend(cluster::embedding_texts(&a.article));
        }
        spans.push((start, texts.len()));
    }
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let vectors = encoder.embed_batch(&refs);
    for ((_, a), (lo, hi)) in prepared.iter_mut().zip(spans) {
        if let Ok(a) = a {
            let vs = &vectors[lo.min(vectors.len())..hi.min(vectors.len())];
            a.features.vector = cluster::mean_vector(vs);
            if vs.len() > 1 {
                let langs: Vec<String> = cluster::embedding_langs(&a.article);
                for (i, j, s) in link::inner_translations(&langs, vs) {
                    a.inner.push(format!(
                        "its {} and {} parts translate each other (similarity {s:.2})",
                        langs[i], langs[j]
                    ));
                }
            }
        }
    }
    prepared
}

/// Events up to this many documents have their claims regrouped after every batch that adds
/// to them; larger ones each time their size reaches a power of two.
const CLAIMS_EVERY_BATCH: usize = 64;

/// Enrichment's part of a commit: the document's entities, quotes and facts and its claim
/// candidates; the event's claims are marked stale, for `Pipeline::regroup_claims` after the
/// batch. A duplicate adds its entity mentions only (its quotes and claims are the original's).
/// What the commit takes is moved out of `e`.
fn add_enrichment(commit: &mut Commit, e: &mut Enrichment, event: &str, is_duplicate: bool) {
    commit.entities = std::mem::take(&mut e.entities);
    if is_duplicate {
        return;
    }
    let blob = std::mem::take(&mut e.claim_candidates);
    // A translation or capture names its origin in its candidates: claims count it as one
    // independent source with its origin, and compare their figures sentence by sentence.
    let origin = commit
        .document
        .translation_of
        .clone()
        .or_else(|| commit.document.article.capture_of.clone());
    commit.claim_candidates = Some(match origin {
        Some(o) => {
            let mut list = enrich::ClaimCandidate::decode(&blob);
            for c in &mut list {
                c.origin = Some(o.clone());
            }
            enrich::ClaimCandidate::encode(&list)
        }
        None => blob,
    });
    commit.quotes = std::mem::take(&mut e.quotes);
    commit.facts = std::mem::take(&mut e.facts);
    commit.claims_stale = Some(event.to_string());
}

impl Pipeline<'_> {
    /// Regroup the claims of the events this worker's commits left stale, all in one decision
    /// (so no other worker adds a document to them between the read and the write).
    ///
    /// Regrouping reads every candidate of the event. Done at every commit, it cost the size of
    /// the event per document, and rewrote all its claims each time; after the batch, it costs
    /// that once per event per batch. An event past [`CLAIMS_EVERY_BATCH`] documents is
    /// regrouped when its size reaches a power of two, so its cost per document stays
    /// constant; in between its claims lag behind its newest documents, and stay marked stale.
    fn regroup_claims(&mut self) -> Result<(), PipelineError> {
        // The others keep their mark in the store and are counted afresh from their next commit.
        let due: BTreeMap<_, _> = std::mem::take(&mut self.stale)
            .into_iter()
            .filter(|(_, (before, after))| {
                *after <= CLAIMS_EVERY_BATCH || (before + 1).next_power_of_two() <= *after
            })
            .collect();
        if due.is_empty() {
            return Ok(());
        }
        let r = self
            .store
            .begin_decision()
            .map_err(PipelineError::from)
            .and_then(|()| {
                let claims = due
                    .keys()
                    .map(|event| Ok((event.clone(), self.regroup(event)?)))
                    .collect::<Result<Vec<_>, PipelineError>>()?;
                Ok(self.store.replace_claims(&claims)?)
            });
        if r.is_err() {
            let _ = self.store.end_decision();
            // Tried again after the next batch.
            self.stale.extend(due);
        }
        r
    }

    /// The claims of `event`, from the candidates stored for its documents.
    fn regroup(&mut self, event: &str) -> Result<Vec<model::Claim>, PipelineError> {
        let stored: Vec<Arc<Vec<enrich::ClaimCandidate>>> = self
            .store
            .claim_candidates(event)?
            .iter()
            .map(|(document, blob)| self.decoded.get(document, blob))
            .collect();
        let candidates: Vec<&enrich::ClaimCandidate> =
            stored.iter().flat_map(|c| c.iter()).collect();
        Ok(enrich::claims_by_ref(event, &candidates))
    }
}

/// Documents whose decoded claim candidates are kept at most (then the cache starts afresh).
const DECODED_DOCUMENTS: usize = 4096;

/// Claim candidates as stored (JSON), decoded once per document: regrouping an event's claims
/// reads the candidates of all its documents after every batch, and decoding them again each
/// time was a third of the regrouping's cost. Keyed by document id alone: a stored document's
/// candidates never change (the same id with other content is refused, and nothing deletes a
/// document), so there is nothing to check the blob against. The store stays the one source
/// of which documents an event holds.
#[derive(Default)]
struct DecodedCandidates {
    documents: HashMap<String, Arc<Vec<enrich::ClaimCandidate>>>,
}

impl DecodedCandidates {
    fn get(&mut self, document: &str, blob: &str) -> Arc<Vec<enrich::ClaimCandidate>> {
        if let Some(list) = self.documents.get(document) {
            return list.clone();
        }
        if self.documents.len() >= DECODED_DOCUMENTS {
            self.documents.clear();
        }
        let list = Arc::new(enrich::ClaimCandidate::decode(blob));
        self.documents.insert(document.to_string(), list.clone());
        list
    }
}
