//! [`Ingestor`]: the one ingest engine every entry point feeds — `storyline ingest` (files,
//! stdin, `--follow`), `storyline watch` and the server's `POST /api/ingest`.
//!
//! Callers hand documents to a [`Submitter`] (cheap to clone, usable from any thread); the
//! engine runs on one thread with one long-lived [`Pipeline`] and owns what every entry point
//! needs:
//! - **batching**: documents are analysed together, up to [`Options::batch`] at a time; a batch
//!   waits up to [`Options::fill_wait`] after its first document for more. A file is read far
//!   faster than that, so its batches are always full and their bounds depend on the input
//!   alone: a file gives the same events on every run (each batch is committed in an order of
//!   its own, `cluster::commit_order`). A submission of several documents (one server request)
//!   is queued as one message, so it is never interleaved with another's documents;
//! - **overlap**: two batches in flight — the next one is analysed (enrichment included) on
//!   the other cores while this one is linked, clustered and committed one document at a time;
//! - **idle flush**: when no document arrives within [`Options::idle`], the batch in hand is
//!   committed at once instead of being held for company;
//! - **back-pressure**: the queue holds at most [`Options::queue`] submissions; a submitter
//!   waits while the engine is behind;
//! - the **ingest lock**, when [`Options::lock`] names a store: taken around each batch's
//!   commits, so an engine that lives as long as a server takes turns with `storyline ingest`.
//!
//! Each document's result goes back to its own submission's [`Reply`], tagged with its index,
//! so concurrent submitters each get exactly their own documents' results.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::Arc;
use std::time::{Duration, Instant};

use model::RawDocument;
use store::StoreError;

use crate::{analyse_batch, AnalysedBatch, Outcome, Pipeline, PipelineError};

/// Documents analysed together (in parallel) before they are committed one by one.
pub const BATCH: usize = 64;

/// How long a stream's batch waits, after its first document, for more to fill it.
pub const FILL_WAIT: Duration = Duration::from_millis(250);

/// How long a stream may stay quiet before the batch in hand is committed.
pub const IDLE: Duration = Duration::from_millis(250);

/// How often a wait for the first document of a batch looks at the stop flag.
const POLL: Duration = Duration::from_millis(100);

/// Where one document's result goes: called once per document with its index in its
/// submission (plus the submission's `first`), from the engine's thread.
pub type Reply = Arc<dyn Fn(usize, Result<Outcome, PipelineError>) + Send + Sync>;

/// How an [`Ingestor`] batches and when it commits.
#[derive(Debug, Clone)]
pub struct Options {
    /// Documents per batch, at most (at least 1).
    pub batch: usize,
    /// How long a batch waits after its first document for more.
    pub fill_wait: Duration,
    /// How long the engine waits for the next batch before it commits the one in hand.
    pub idle: Duration,
    /// Submissions the queue holds before submitters wait.
    pub queue: usize,
    /// The store (`--db` spec) whose `store::IngestLock` each batch's commits take; `None`
    /// takes none (the caller holds it, or keeps writers apart itself).
    pub lock: Option<String>,
    /// Whether a store (not input) error ends [`Ingestor::run`] with that error (the CLI) or is
    /// only the failed document's result (a server goes on serving).
    pub halt_on_store_error: bool,
}

impl Options {
    /// For one stream read by a reader (files, stdin, a watch): batches of `batch` documents
    /// that wait [`FILL_WAIT`] to fill, the batch in hand committed after [`IDLE`] of quiet, a
    /// queue of one batch, and a store error ends the run.
    pub fn stream(batch: usize) -> Options {
        Options {
            batch: batch.max(1),
            fill_wait: FILL_WAIT,
            idle: IDLE,
            queue: batch.max(1),
            lock: None,
            halt_on_store_error: true,
        }
    }

    /// For requests that each bring all their documents at once (the server): a batch takes
    /// what is queued and waits for nothing, so a lone request is committed as soon as it is
    /// analysed, and requests that queue up meanwhile share the next batch.
    pub fn requests(batch: usize) -> Options {
        Options {
            batch: batch.max(1),
            fill_wait: Duration::ZERO,
            idle: Duration::ZERO,
            queue: 64,
            lock: None,
            halt_on_store_error: false,
        }
    }
}

/// Documents of one submitter, queued as one message.
struct Submission {
    docs: Vec<RawDocument>,
    first: usize,
    reply: Reply,
}

/// One document on its way through the engine.
struct Doc {
    raw: RawDocument,
    tag: usize,
    reply: Reply,
}

/// The engine is gone (it ended, or could not start): nothing was or will be ingested.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the ingest engine has stopped")]
pub struct Stopped;

/// The submitting side of an [`Ingestor`]; clone it for each thread that submits. The engine
/// ends (once its queue is empty) when every submitter is dropped.
#[derive(Clone)]
pub struct Submitter {
    queue: SyncSender<Submission>,
}

impl Submitter {
    /// Queue `docs` (waiting while the queue is full); the result of `docs[i]` goes to
    /// `reply(first + i, ..)` once it is committed.
    pub fn submit(
        &self,
        docs: Vec<RawDocument>,
        first: usize,
        reply: Reply,
    ) -> Result<(), Stopped> {
        if docs.is_empty() {
            return Ok(());
        }
        self.queue
            .send(Submission { docs, first, reply })
            .map_err(|_| Stopped)
    }

    /// Queue `docs` and wait for their results: one per document, in order.
    pub fn ingest(
        &self,
        docs: Vec<RawDocument>,
    ) -> Result<Vec<Result<Outcome, PipelineError>>, Stopped> {
        let n = docs.len();
        let (tx, rx) = mpsc::channel();
        let reply: Reply = Arc::new(move |i, r| {
            // The receiver only goes away when its request was given up.
            let _ = tx.send((i, r));
        });
        self.submit(docs, 0, reply)?;
        let mut out: Vec<Option<Result<Outcome, PipelineError>>> = (0..n).map(|_| None).collect();
        for _ in 0..n {
            let (i, r) = rx.recv().map_err(|_| Stopped)?;
            if let Some(slot) = out.get_mut(i) {
                *slot = Some(r);
            }
        }
        Ok(out
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(PipelineError::Internal("document lost".into()))))
            .collect())
    }
}

/// The engine: batching, two batches in flight, idle flush and back-pressure over one
/// [`Pipeline`]. Made with [`Ingestor::new`], driven by [`Ingestor::run`] on the thread that
/// holds the pipeline.
pub struct Ingestor {
    queue: Receiver<Submission>,
    /// Documents of a submission that did not fit in the last batch.
    carry: VecDeque<Doc>,
    options: Options,
}

impl Ingestor {
    /// An engine and the submitter that feeds it.
    pub fn new(options: Options) -> (Ingestor, Submitter) {
        let (tx, rx) = mpsc::sync_channel(options.queue.max(1));
        (
            Ingestor {
                queue: rx,
                carry: VecDeque::new(),
                options,
            },
            Submitter { queue: tx },
        )
    }

    /// Ingest what is submitted until every [`Submitter`] is gone and the queue is empty, or
    /// `stop` is set: then what was already queued is finished, not dropped. Returns early with
    /// the first store error only when [`Options::halt_on_store_error`] is set (that document
    /// gets no reply; the other documents of its batch do).
    pub fn run(mut self, pipe: &mut Pipeline<'_>, stop: &AtomicBool) -> Result<(), PipelineError> {
        let mut pending: Option<InFlight> = None;
        let mut drained = false;
        loop {
            let mut batch = match pending.take() {
                None => self.next_batch(stop, None).unwrap_or_default(),
                Some(in_flight) => match self.next_batch(stop, Some(self.options.idle)) {
                    Some(batch) => {
                        pending = Some(in_flight);
                        batch
                    }
                    None => {
                        // The input is idle: commit what is in hand rather than hold it.
                        self.commit(pipe, in_flight)?;
                        continue;
                    }
                },
            };
            if batch.is_empty() && stop.load(Ordering::SeqCst) && !drained {
                // Documents already queued are finished, not dropped (once: submitters may go on).
                batch = self.drain();
                drained = true;
            }
            let last = batch.is_empty();
            let (replies, docs): (Vec<(usize, Reply)>, Vec<RawDocument>) =
                batch.into_iter().map(|d| ((d.tag, d.reply), d.raw)).unzip();
            let screened = pipe.screen(docs);
            let encoder = pipe.encoder();
            let (analysed, committed) = std::thread::scope(|scope| {
                let next = scope.spawn(move || analyse_batch(encoder, screened, true));
                let committed = match pending.take() {
                    Some(in_flight) => self.commit(pipe, in_flight),
                    None => Ok(()),
                };
                (next.join(), committed)
            });
            committed?;
            let in_flight = match analysed {
                Ok(analysed) => InFlight { replies, analysed },
                Err(_) => {
                    let why = "the analysis of a batch of documents panicked";
                    if self.options.halt_on_store_error {
                        return Err(PipelineError::Internal(why.into()));
                    }
                    for (tag, reply) in replies {
                        reply(tag, Err(PipelineError::Internal(why.into())));
                    }
                    if last {
                        break;
                    }
                    continue;
                }
            };
            if last {
                self.commit(pipe, in_flight)?;
                break;
            }
            pending = Some(in_flight);
        }
        Ok(())
    }

    /// When the pipeline could not be opened: answer every submission with `why` until every
    /// submitter is gone, so that no caller waits for an engine that will never run.
    pub fn refuse(self, why: &str) {
        for s in self.carry {
            (s.reply)(s.tag, Err(PipelineError::Store(StoreError::Db(why.into()))));
        }
        for s in self.queue.iter() {
            for i in 0..s.docs.len() {
                (s.reply)(
                    s.first + i,
                    Err(PipelineError::Store(StoreError::Db(why.into()))),
                );
            }
        }
    }

    /// Commit an analysed batch (under the ingest lock, when there is one) and send each
    /// document its result.
    fn commit(&self, pipe: &mut Pipeline<'_>, batch: InFlight) -> Result<(), PipelineError> {
        let InFlight { replies, analysed } = batch;
        let results = {
            let _lock = match &self.options.lock {
                Some(spec) => Some(store::IngestLock::acquire(spec, || {
                    eprintln!(
                        "storyline: waiting for another ingest on {} to finish…",
                        store::redact(spec)
                    )
                })?),
                None => None,
            };
            pipe.commit_batch(analysed)
        };
        let mut halted = None;
        for ((tag, reply), r) in replies.into_iter().zip(results) {
            match r {
                Err(e) if self.options.halt_on_store_error && !e.is_input() => {
                    halted.get_or_insert(e);
                }
                r => reply(tag, r),
            }
        }
        halted.map_or(Ok(()), Err)
    }

    /// The next batch. Without `first`: waits for a first document (looking at `stop` now and
    /// then), then for more, up to [`Options::batch`] or until [`Options::fill_wait`] has passed
    /// or the input ended; empty when the input ended or a stop was requested. With `first`:
    /// `None` when no document arrived within it (the input is idle, not ended).
    fn next_batch(&mut self, stop: &AtomicBool, first: Option<Duration>) -> Option<Vec<Doc>> {
        let max = self.options.batch.max(1);
        let mut batch = Vec::new();
        let give_up = first.map(|f| Instant::now() + f);
        while batch.is_empty() {
            if stop.load(Ordering::SeqCst) {
                return Some(batch);
            }
            if let Some(d) = self.carry.pop_front() {
                batch.push(d);
                break;
            }
            let wait = give_up
                .map_or(POLL, |t| t.saturating_duration_since(Instant::now()))
                .min(POLL);
            match self.queue.recv_timeout(wait) {
                Ok(s) => self.take(s, &mut batch, max),
                Err(RecvTimeoutError::Timeout) => {
                    if give_up.is_some_and(|t| Instant::now() >= t) {
                        return None;
                    }
                }
                Err(RecvTimeoutError::Disconnected) => return Some(batch),
            }
        }
        let deadline = Instant::now() + self.options.fill_wait;
        while batch.len() < max && !stop.load(Ordering::SeqCst) {
            if let Some(d) = self.carry.pop_front() {
                batch.push(d);
                continue;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.queue.recv_timeout(left) {
                Ok(s) => self.take(s, &mut batch, max),
                Err(_) => break,
            }
        }
        Some(batch)
    }

    /// Put a submission's documents in `batch` up to `max`, the rest in the carry (taken
    /// first by the next batch).
    fn take(&mut self, s: Submission, batch: &mut Vec<Doc>, max: usize) {
        for (i, raw) in s.docs.into_iter().enumerate() {
            let d = Doc {
                raw,
                tag: s.first + i,
                reply: Arc::clone(&s.reply),
            };
            if batch.len() < max {
                batch.push(d);
            } else {
                self.carry.push_back(d);
            }
        }
    }

    /// Everything queued now (on a stop, so that nothing submitted is dropped).
    fn drain(&mut self) -> Vec<Doc> {
        let mut batch: Vec<Doc> = self.carry.drain(..).collect();
        while let Ok(s) = self.queue.try_recv() {
            self.take(s, &mut batch, usize::MAX);
        }
        batch
    }
}

/// An analysed batch waiting for its commits, with where its results go.
struct InFlight {
    replies: Vec<(usize, Reply)>,
    analysed: AnalysedBatch,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(i: usize) -> RawDocument {
        RawDocument {
            id: format!("d{i}"),
            source: "test".into(),
            content: model::Content::Text(format!("document {i}")),
            meta: model::RawMeta::default(),
            encoding: "UTF-8".into(),
        }
    }

    fn ids(b: &[Doc]) -> Vec<String> {
        b.iter().map(|d| d.raw.id.clone()).collect()
    }

    fn nobody() -> Reply {
        Arc::new(|_, _| {})
    }

    /// A batch's bounds come from the input, not from how far the reader got: documents that
    /// trickle in (a reader slower than the engine's first look) still fill one batch.
    #[test]
    fn a_batch_waits_for_documents_that_trickle_in() {
        let options = Options {
            queue: 8,
            // A generous fill wait: a busy machine may hold the sender up far beyond its 2 ms.
            fill_wait: Duration::from_secs(30),
            ..Options::stream(8)
        };
        let (mut engine, submitter) = Ingestor::new(options);
        let sender = std::thread::spawn(move || {
            for i in 0..12 {
                submitter.submit(vec![doc(i)], 0, nobody()).unwrap();
                std::thread::sleep(Duration::from_millis(2));
            }
        });
        let stop = AtomicBool::new(false);
        let first = engine.next_batch(&stop, None).unwrap();
        let second = engine.next_batch(&stop, None).unwrap();
        sender.join().unwrap();
        let want = |r: std::ops::Range<usize>| r.map(|i| format!("d{i}")).collect::<Vec<_>>();
        assert_eq!(ids(&first), want(0..8));
        assert_eq!(ids(&second), want(8..12));
        assert!(
            engine.next_batch(&stop, None).unwrap().is_empty(),
            "the input ended"
        );
    }

    /// An idle input is told apart from an ended one, so that the engine commits the batch it
    /// holds instead of waiting with it; with no idle wait at all, what is queued is still seen.
    #[test]
    fn an_idle_input_gives_none_and_an_ended_one_an_empty_batch() {
        let (mut engine, submitter) = Ingestor::new(Options::stream(8));
        let stop = AtomicBool::new(false);
        let short = Duration::from_millis(20);
        assert!(engine.next_batch(&stop, Some(short)).is_none());
        assert!(engine.next_batch(&stop, Some(Duration::ZERO)).is_none());
        submitter.submit(vec![doc(1)], 0, nobody()).unwrap();
        let batch = engine
            .next_batch(&stop, Some(Duration::ZERO))
            .expect("a document was ready");
        assert_eq!(batch.len(), 1);
        drop(submitter);
        let ended = engine
            .next_batch(&stop, Some(short))
            .expect("the input ended");
        assert!(ended.is_empty());
    }

    /// A submission is never split from its neighbours' documents out of order: one larger
    /// than a batch fills it and its rest opens the next; a request-style batch takes what is
    /// queued without waiting.
    #[test]
    fn a_large_submission_spans_batches_in_order() {
        let (mut engine, submitter) = Ingestor::new(Options::requests(4));
        submitter
            .submit((0..6).map(doc).collect(), 10, nobody())
            .unwrap();
        submitter.submit(vec![doc(6)], 0, nobody()).unwrap();
        let stop = AtomicBool::new(false);
        let first = engine.next_batch(&stop, None).unwrap();
        assert_eq!(ids(&first), ["d0", "d1", "d2", "d3"]);
        assert_eq!(
            first.iter().map(|d| d.tag).collect::<Vec<_>>(),
            [10, 11, 12, 13]
        );
        let second = engine.next_batch(&stop, None).unwrap();
        assert_eq!(ids(&second), ["d4", "d5", "d6"]);
    }
}
