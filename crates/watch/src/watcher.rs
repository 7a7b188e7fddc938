//! The watch loop: poll each source on its own schedule, fetch the pages it lists that the
//! store does not have, and hand each new page to the ingest pipeline as a `RawDocument`.
//!
//! One pass polls every due source (several at once, one request per host at a time, see
//! [`crate::fetch`]), then fetches their new pages likewise. A source's validators and next poll
//! are written only once its pages are dealt with, so a run killed mid-pass polls it again on
//! restart and skips the pages already stored. A URL is known by its canonical form (and by the
//! canonical form of where it redirected and of its `<link rel=canonical>`), so the same
//! article listed by two feeds, or under two URLs, is fetched and stored once.
//!
//! Documents are made by reading back the WARC record of the response (see [`crate::archive`]),
//! with the metadata record of what its feed item said (title, date, author: hints that
//! extraction uses where the page gives nothing), exactly as `storyline ingest` reads an
//! archive.

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::SyncSender;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use ingest::IngestError;
use model::RawDocument;
use store::{SourceState, UrlState, WatchState};
use url::Url;

use crate::address::{canonical, host_key};
use crate::archive::{self, Archive, Kind};
use crate::fetch::{FetchConfig, FetchError, Fetcher, Response, Validators};
use crate::page::{canonical_link, item_page, visible_chars, ITEM_ARTICLE_CHARS};
use crate::sources::{list_urls, read_listing, Item, Listing, Source};

/// What the ingest side receives: a document, or a source or page that failed (named).
pub type Sink = SyncSender<Result<RawDocument, IngestError>>;

/// How the watch runs.
#[derive(Debug, Clone)]
pub struct Options {
    pub fetch: FetchConfig,
    /// One pass over the sources, then return.
    pub once: bool,
    /// Where to write the WARC archive.
    pub archive: Option<PathBuf>,
    /// Rotate archive files past this size (compressed bytes).
    pub archive_file_bytes: u64,
    /// Requests in flight at once (over all hosts; one per host).
    pub workers: usize,
    /// A source's first polling interval, and the bounds it adapts within.
    pub first_interval: Duration,
    pub min_interval: Duration,
    pub max_interval: Duration,
    /// Largest document handed to the pipeline (as `ingest::Options`).
    pub max_doc_bytes: usize,
    /// Sitemaps read from one sitemap index, at most.
    pub max_sitemaps: usize,
    /// Failed attempts after which a page is left alone.
    pub max_attempts: i64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            fetch: FetchConfig::default(),
            once: false,
            archive: None,
            archive_file_bytes: 1 << 30,
            workers: 8,
            first_interval: Duration::from_secs(15 * 60),
            min_interval: Duration::from_secs(5 * 60),
            max_interval: Duration::from_secs(6 * 3600),
            max_doc_bytes: 32 << 20,
            max_sitemaps: 200,
            max_attempts: 3,
        }
    }
}

/// Counts for the status line and the summary.
#[derive(Default)]
pub struct Stats {
    pub sources: AtomicU64,
    /// Sources polled (fetches of feeds, sitemaps, lists).
    pub polls: AtomicU64,
    /// Pages fetched.
    pub fetched: AtomicU64,
    /// Documents handed to the pipeline.
    pub new_articles: AtomicU64,
    /// Pages not fetched because the store has them (or they were given up on).
    pub already: AtomicU64,
    /// Pages found to be another URL of a stored article.
    pub duplicates: AtomicU64,
    pub errors: AtomicU64,
    host_errors: Mutex<BTreeMap<String, (u64, Vec<String>)>>,
}

/// Messages kept per host for the summary (the count goes on).
const HOST_MESSAGES: usize = 5;

impl Stats {
    fn error(&self, host: &str, message: String) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        let mut m = self.host_errors.lock().unwrap_or_else(|e| e.into_inner());
        let entry = m.entry(host.to_string()).or_default();
        entry.0 += 1;
        if entry.1.len() < HOST_MESSAGES {
            entry.1.push(message);
        }
    }

    /// Per host: the number of errors and the first few messages.
    pub fn host_errors(&self) -> BTreeMap<String, (u64, Vec<String>)> {
        self.host_errors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The live status line.
    pub fn line(&self) -> String {
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        format!(
            "sources {} · polls {} · fetched {} · new articles {} · errors {}",
            g(&self.sources),
            g(&self.polls),
            g(&self.fetched),
            g(&self.new_articles),
            g(&self.errors)
        )
    }
}

/// A source's schedule in this run.
struct Scheduled {
    source: Source,
    next: Instant,
}

/// The watcher. [`Watcher::run`] blocks until the pass is done (`once`) or a stop.
pub struct Watcher {
    fetcher: Fetcher,
    state: Mutex<Box<dyn WatchState>>,
    archive: Option<Arc<Mutex<Archive>>>,
    stats: Arc<Stats>,
    opts: Options,
    stop: Arc<AtomicBool>,
    sink: Sink,
    /// Canonical URLs taken up in this run, with the document they gave (if any yet).
    claimed: Mutex<HashMap<String, Option<String>>>,
    /// The receiving side hung up: nothing more to do.
    closed: AtomicBool,
    /// URL rows not yet written, by URL: written [`URL_BATCH`] at a time, at the end of each
    /// source's poll and when the watcher is dropped, so that the watch takes the store's write
    /// lock once per batch instead of once per page, between the pipeline's commits.
    pending: Mutex<HashMap<String, UrlState>>,
}

/// URL rows written together. A watch killed between two writes loses at most this many rows;
/// the pages of those that were stored are still known by their document (see
/// [`Watcher::known`]), so a restart refetches none of them.
const URL_BATCH: usize = 64;

/// What became of one page: its state row's status, the document it gave, and the error.
struct Outcome {
    status: &'static str,
    document: Option<String>,
    http_status: Option<u16>,
    error: Option<String>,
}

impl Watcher {
    pub fn new(
        opts: Options,
        state: Box<dyn WatchState>,
        sink: Sink,
        stop: Arc<AtomicBool>,
        stats: Arc<Stats>,
    ) -> std::io::Result<Watcher> {
        let archive = match &opts.archive {
            Some(dir) => Some(Arc::new(Mutex::new(Archive::open(
                dir,
                opts.archive_file_bytes,
            )?))),
            None => None,
        };
        let fetcher = Fetcher::new(opts.fetch.clone(), archive.clone(), Arc::clone(&stop));
        Ok(Watcher {
            fetcher,
            state: Mutex::new(state),
            archive,
            stats,
            opts,
            stop,
            sink,
            claimed: Mutex::new(HashMap::new()),
            closed: AtomicBool::new(false),
            pending: Mutex::new(HashMap::new()),
        })
    }

    fn state(&self) -> MutexGuard<'_, Box<dyn WatchState>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn done(&self) -> bool {
        self.stop.load(Ordering::SeqCst) || self.closed.load(Ordering::SeqCst)
    }

    /// Watch `sources` until the pass is done (`once`) or a stop is asked for.
    pub fn run(&self, sources: Vec<Source>) {
        self.stats
            .sources
            .store(sources.len() as u64, Ordering::Relaxed);
        let now_secs = chrono::Utc::now().timestamp();
        let mut schedule: Vec<Scheduled> = sources
            .into_iter()
            .map(|source| {
                // A restarted watch keeps each source's next poll; a single pass polls all.
                let wait = if self.opts.once {
                    0
                } else {
                    self.state()
                        .source(&source.name())
                        .ok()
                        .flatten()
                        .and_then(|s| s.next_poll)
                        .map_or(0, |t| (t - now_secs).max(0))
                };
                Scheduled {
                    source,
                    next: Instant::now() + Duration::from_secs(wait as u64),
                }
            })
            .collect();
        loop {
            if self.done() {
                return;
            }
            let now = Instant::now();
            let due: Vec<usize> = (0..schedule.len())
                .filter(|&i| schedule[i].next <= now)
                .collect();
            if !due.is_empty() {
                let polled: Vec<(usize, Option<Duration>)> = parallel(
                    due,
                    self.opts.workers,
                    |i| (i, self.poll_source(&schedule[i].source)),
                    || self.done(),
                );
                for (i, interval) in polled {
                    if let Some(interval) = interval {
                        schedule[i].next = Instant::now() + interval;
                    }
                }
                if self.opts.once {
                    return;
                }
                continue;
            }
            let Some(next) = schedule.iter().map(|s| s.next).min() else {
                return;
            };
            while Instant::now() < next && !self.done() {
                std::thread::sleep(
                    next.saturating_duration_since(Instant::now())
                        .min(Duration::from_millis(100)),
                );
            }
        }
    }

    /// Poll one source and fetch its new pages; the interval until its next poll, or `None`
    /// when the pass was stopped before the source was dealt with.
    fn poll_source(&self, source: &Source) -> Option<Duration> {
        let name = source.name();
        let stored = self.state().source(&name).ok().flatten();
        let mut st = stored.unwrap_or_else(|| SourceState {
            source: name.clone(),
            kind: match source {
                Source::Remote(_) => "feed".into(),
                Source::List(_) => "list".into(),
            },
            interval_secs: self.opts.first_interval.as_secs() as i64,
            ..SourceState::default()
        });
        self.stats.polls.fetch_add(1, Ordering::Relaxed);
        st.fetches += 1;
        st.last_fetch = Some(chrono::Utc::now().timestamp());
        let listed = match source {
            Source::Remote(url) => self.poll_remote(url, &mut st),
            Source::List(path) => match list_urls(path) {
                Ok(lines) => {
                    let mut items = Vec::new();
                    for line in lines {
                        match line {
                            Ok(url) => items.push(Item {
                                url: Some(url),
                                ..Item::default()
                            }),
                            Err(why) => self.report(&name, "", why),
                        }
                    }
                    Ok(items)
                }
                Err(why) => Err(why),
            },
        };
        let new_items = match listed {
            Ok(items) => {
                st.last_error = None;
                let results = parallel(
                    items,
                    self.opts.workers,
                    |item| self.page(&name, item),
                    || self.done(),
                );
                if self.done() {
                    return None;
                }
                results.into_iter().filter(|new| *new).count() as i64
            }
            Err(why) => {
                let host = match source {
                    Source::Remote(u) => host_key(u),
                    Source::List(_) => String::new(),
                };
                st.errors += 1;
                st.last_status = Some("error".into());
                st.last_error = Some(why.clone());
                self.report(&name, &host, why);
                if self.done() {
                    return None;
                }
                -1
            }
        };
        // Shorter when new items appear, longer when not (and after an error), within bounds.
        let (lo, hi) = (
            self.opts.min_interval.as_secs() as i64,
            self.opts.max_interval.as_secs().max(1) as i64,
        );
        let interval = st.interval_secs.max(1);
        st.interval_secs = match new_items {
            n if n > 0 => interval / 2,
            0 => interval * 3 / 2,
            _ => interval * 2,
        }
        .clamp(lo.min(hi), hi);
        st.new_items += new_items.max(0);
        st.next_poll = Some(chrono::Utc::now().timestamp() + st.interval_secs);
        self.flush_urls();
        if let Err(e) = self.state().put_source(&st) {
            tracing::error!(source = %name, error = %e, "cannot record the source's state");
        }
        Some(Duration::from_secs(st.interval_secs as u64))
    }

    /// Fetch a feed or sitemap (conditionally) and list its items.
    fn poll_remote(&self, url: &Url, st: &mut SourceState) -> Result<Vec<Item>, String> {
        let validators = Validators {
            etag: st.etag.clone(),
            last_modified: st.last_modified.clone(),
        };
        let r = self
            .fetcher
            .get(url, &validators)
            .map_err(|e| e.to_string())?;
        self.fetcher.archive_response(&r);
        if r.status == 304 {
            st.last_status = Some("not modified".into());
            return Ok(Vec::new());
        }
        let fresh = r.validators();
        st.etag = fresh.etag;
        st.last_modified = fresh.last_modified;
        st.last_status = Some("ok".into());
        match read_listing(&r.body, &r.url).map_err(|why| format!("{url}: {why}"))? {
            Listing::Feed(items) => {
                st.kind = "feed".into();
                Ok(items)
            }
            Listing::Sitemap(mut pages, children) => {
                st.kind = "sitemap".into();
                let mut queue: Vec<Url> = children;
                let mut read = 0;
                while let Some(child) = queue.pop() {
                    if read >= self.opts.max_sitemaps || self.done() {
                        break;
                    }
                    read += 1;
                    match self.fetcher.get(&child, &Validators::default()) {
                        Ok(r) => {
                            self.fetcher.archive_response(&r);
                            match read_listing(&r.body, &r.url) {
                                Ok(Listing::Sitemap(more, deeper)) => {
                                    pages.extend(more);
                                    queue.extend(deeper);
                                }
                                Ok(Listing::Feed(_)) => self.report(
                                    child.as_str(),
                                    &host_key(&child),
                                    "listed in a sitemap index but not a sitemap".into(),
                                ),
                                Err(why) => self.report(child.as_str(), &host_key(&child), why),
                            }
                        }
                        Err(e) => self.report(child.as_str(), &host_key(&child), e.to_string()),
                    }
                }
                Ok(pages)
            }
        }
    }

    /// Send an error to the ingest side (which prints it) and count it under its host.
    fn report(&self, input: &str, host: &str, why: String) {
        let message = if why.starts_with(input) {
            why.clone()
        } else {
            format!("{input}: {why}")
        };
        self.stats.error(host, message);
        let err = match why.strip_prefix(input).and_then(|w| w.strip_prefix(": ")) {
            Some(rest) => IngestError::new(input, rest),
            None => IngestError::new(input, why),
        };
        if self.sink.send(Err(err)).is_err() {
            self.closed.store(true, Ordering::SeqCst);
        }
    }

    /// Deal with one listed item; whether it gave a new document.
    fn page(&self, source: &str, item: Item) -> bool {
        if self.done() {
            return false;
        }
        let Some(url) = item.url.clone() else {
            // A feed item without a page: its own text, if it is an article.
            let key = format!(
                "{source}#{}",
                item.id.clone().or(item.title.clone()).unwrap_or_default()
            );
            if !self.claim(&key) || self.known(&key) {
                return false;
            }
            let outcome = self.item_document(&key, &item, None);
            let new = outcome.status == "stored";
            self.record(&key, &outcome, &Validators::default());
            return new;
        };
        let url = canonical(&url);
        let key = url.to_string();
        if !self.claim(&key) || self.known(&key) {
            self.stats.already.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        let outcome = match self.fetcher.get(&url, &Validators::default()) {
            Ok(r) => {
                self.stats.fetched.fetch_add(1, Ordering::Relaxed);
                self.fetched(source, &key, r, &item)
            }
            Err(FetchError::Stopped { .. }) => {
                self.unclaim(&key);
                return false;
            }
            Err(e) => {
                self.stats.error(&host_key(&url), e.to_string());
                let status = match &e {
                    FetchError::Status { status, .. } if (400..500).contains(status) => "gone",
                    FetchError::Refused { .. } => "disallowed",
                    _ => "failed",
                };
                let failed = Outcome {
                    status,
                    document: None,
                    http_status: e.status(),
                    error: Some(e.to_string()),
                };
                if item
                    .text
                    .as_deref()
                    .is_some_and(|t| visible_chars(t) >= ITEM_ARTICLE_CHARS)
                {
                    let why = format!(
                        "{}; the feed item's own text is kept instead",
                        failure_why(&e)
                    );
                    if self.sink.send(Err(IngestError::new(&key, why))).is_err() {
                        self.closed.store(true, Ordering::SeqCst);
                    }
                    self.item_document(&key, &item, Some(failed))
                } else {
                    if self
                        .sink
                        .send(Err(IngestError::new(&key, failure_why(&e))))
                        .is_err()
                    {
                        self.closed.store(true, Ordering::SeqCst);
                    }
                    failed
                }
            }
        };
        let new = outcome.status == "stored";
        self.record(&key, &outcome, &Validators::default());
        new
    }

    /// Take `key` for this run; false when another item of the run has it.
    fn claim(&self, key: &str) -> bool {
        let mut c = self.claimed.lock().unwrap_or_else(|e| e.into_inner());
        if c.contains_key(key) {
            return false;
        }
        c.insert(key.to_string(), None);
        true
    }

    fn unclaim(&self, key: &str) {
        let mut c = self.claimed.lock().unwrap_or_else(|e| e.into_inner());
        c.remove(key);
    }

    /// Whether an earlier run dealt with `key` for good: its document is stored, or it was a
    /// duplicate, gone, not an article, or failed too often. A URL without a row whose page
    /// is stored under its own address (the watch stopped before the row was written, or an
    /// archive of it was ingested) is known too.
    fn known(&self, key: &str) -> bool {
        let row = self.url_row(key);
        let mut state = self.state();
        let Some(row) = row else {
            return state.has_document(key).unwrap_or(false);
        };
        match row.status.as_str() {
            "stored" => row
                .document
                .as_deref()
                .is_some_and(|d| state.has_document(d).unwrap_or(false)),
            "duplicate" | "gone" | "skipped" => true,
            "failed" => row.attempts >= self.opts.max_attempts,
            _ => false,
        }
    }

    /// `key`'s row: the one waiting to be written, else the stored one.
    fn url_row(&self, key: &str) -> Option<UrlState> {
        let waiting = self
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .cloned();
        waiting.or_else(|| self.state().url(key).ok().flatten())
    }

    /// The document stored (or sent in this run) under one of `keys`, if any.
    fn stored_under(&self, keys: &[&str]) -> Option<String> {
        {
            let c = self.claimed.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(doc) = keys.iter().find_map(|k| c.get(*k).cloned().flatten()) {
                return Some(doc);
            }
        }
        let mut state = self.state();
        for k in keys {
            if let Ok(Some(row)) = state.url(k) {
                if matches!(row.status.as_str(), "stored" | "duplicate") {
                    if let Some(d) = row.document {
                        if state.has_document(&d).unwrap_or(false) {
                            return Some(d);
                        }
                    }
                }
            }
        }
        None
    }

    /// A page was fetched: a document, a duplicate, or not an article.
    fn fetched(&self, source: &str, key: &str, r: Response, item: &Item) -> Outcome {
        let html = String::from_utf8_lossy(&r.body);
        let mut aliases: Vec<String> = Vec::new();
        let final_key = canonical(&r.url).to_string();
        if final_key != key {
            aliases.push(final_key);
        }
        if let Some(link) = canonical_link(&html, &r.url) {
            let k = canonical(&link).to_string();
            if k != key && !aliases.contains(&k) {
                aliases.push(k);
            }
        }
        let alias_refs: Vec<&str> = aliases.iter().map(String::as_str).collect();
        if let Some(doc) = self.stored_under(&alias_refs) {
            self.stats.duplicates.fetch_add(1, Ordering::Relaxed);
            let profile = "urn:storyline:revisit:canonical-duplicate".to_string();
            self.write_record(
                Kind::Revisit,
                r.url.as_str(),
                &r.block(),
                &[
                    ("WARC-Profile", &profile),
                    ("WARC-Refers-To-Target-URI", &doc),
                ],
            );
            return Outcome {
                status: "duplicate",
                document: Some(doc),
                http_status: Some(r.status),
                error: None,
            };
        }
        let bytes = self.write_page(r.url.as_str(), &r.block(), source, item);
        let outcome = match self.read_back(&bytes, r.url.as_str()) {
            Some(Ok(raw)) => self.send(raw, key, &aliases),
            Some(Err(e)) => Outcome {
                status: "skipped",
                document: None,
                http_status: Some(r.status),
                error: Some(e.why),
            },
            None => Outcome {
                status: "skipped",
                document: None,
                http_status: Some(r.status),
                error: Some("not an HTML page".into()),
            },
        };
        Outcome {
            http_status: Some(r.status),
            ..outcome
        }
    }

    /// A document made of a feed item whose page could not be had (or that has none).
    fn item_document(&self, key: &str, item: &Item, failed: Option<Outcome>) -> Outcome {
        let Some(text) = item
            .text
            .as_deref()
            .filter(|t| visible_chars(t) >= ITEM_ARTICLE_CHARS)
        else {
            return failed.unwrap_or(Outcome {
                status: "skipped",
                document: None,
                http_status: None,
                error: Some("feed item without a page, and too short to be an article".into()),
            });
        };
        let html = item_page(
            item.title.as_deref(),
            item.author.as_deref(),
            item.published.as_deref(),
            item.outlet.as_deref(),
            key,
            text,
        );
        let (_, bytes) = self.write_record(Kind::Resource, key, html.as_bytes(), &[]);
        match self.read_back(&bytes, key) {
            Some(Ok(raw)) => {
                let mut out = self.send(raw, key, &[]);
                if let Some(f) = failed {
                    out.http_status = f.http_status;
                    out.error = f.error;
                }
                out
            }
            _ => failed.unwrap_or(Outcome {
                status: "skipped",
                document: None,
                http_status: None,
                error: Some("feed item is not readable as a page".into()),
            }),
        }
    }

    /// Archive a page's response and, when its listing said something about it, a metadata
    /// record of those hints right after it; return the records' bytes either way (what
    /// `storyline ingest` reads from the archive, so the document is the same).
    fn write_page(&self, uri: &str, block: &[u8], source: &str, item: &Item) -> Vec<u8> {
        let said = [&item.title, &item.published, &item.author, &item.outlet];
        let fields = said.iter().any(|f| f.is_some()).then(|| {
            archive::warc_fields(&[
                ("title", item.title.as_deref()),
                ("published", item.published.as_deref()),
                ("author", item.author.as_deref()),
                ("outlet", item.outlet.as_deref()),
                ("via", Some(source)),
            ])
        });
        let (id, mut bytes) = archive::record(Kind::Response, uri, block, &[], archive::next_seq());
        let meta = fields.as_ref().map(|f| {
            let refers = [("WARC-Concurrent-To", id.as_str())];
            archive::record(Kind::Metadata, uri, f, &refers, archive::next_seq()).1
        });
        let mut group: Vec<&[u8]> = vec![&bytes];
        group.extend(meta.as_deref());
        self.archive_group(uri, &group);
        bytes.extend(meta.unwrap_or_default());
        bytes
    }

    /// Archive a record (when archiving) and return its id and bytes either way.
    fn write_record(
        &self,
        kind: Kind,
        uri: &str,
        block: &[u8],
        extra: &[(&str, &String)],
    ) -> (String, Vec<u8>) {
        let extra: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (id, bytes) = archive::record(kind, uri, block, &extra, archive::next_seq());
        self.archive_group(uri, &[&bytes]);
        (id, bytes)
    }

    /// Write records that belong together to the archive, if there is one: compressed here,
    /// appended under the archive's lock.
    fn archive_group(&self, uri: &str, group: &[&[u8]]) {
        let Some(a) = &self.archive else {
            return;
        };
        let written = archive::compress(group)
            .and_then(|members| a.lock().unwrap_or_else(|e| e.into_inner()).append(&members));
        if let Err(e) = written {
            tracing::error!(%uri, error = %e, "cannot write to the archive");
        }
    }

    /// The document `storyline ingest` reads from this record, if it holds one.
    fn read_back(&self, record: &[u8], uri: &str) -> Option<Result<RawDocument, IngestError>> {
        let opts = ingest::Options {
            max_document_bytes: self.opts.max_doc_bytes,
        };
        let mut docs = ingest::read_warc(Box::new(Cursor::new(record.to_vec())), uri, opts);
        docs.next().map(|d| {
            d.map(|mut raw| {
                raw.source = uri.to_string();
                raw
            })
        })
    }

    /// Hand a document to the pipeline; `key` and `aliases` now name it.
    fn send(&self, raw: RawDocument, key: &str, aliases: &[String]) -> Outcome {
        let id = raw.id.clone();
        {
            let mut c = self.claimed.lock().unwrap_or_else(|e| e.into_inner());
            for k in std::iter::once(key).chain(aliases.iter().map(String::as_str)) {
                c.insert(k.to_string(), Some(id.clone()));
            }
        }
        if self.sink.send(Ok(raw)).is_err() {
            self.closed.store(true, Ordering::SeqCst);
            return Outcome {
                status: "failed",
                document: None,
                http_status: None,
                error: Some("stopped before it was stored".into()),
            };
        }
        self.stats.new_articles.fetch_add(1, Ordering::Relaxed);
        for alias in aliases {
            let row = Outcome {
                status: "stored",
                document: Some(id.clone()),
                http_status: None,
                error: None,
            };
            self.record(alias, &row, &Validators::default());
        }
        Outcome {
            status: "stored",
            document: Some(id),
            http_status: None,
            error: None,
        }
    }

    /// Keep a URL's state row, to be written with the next batch.
    fn record(&self, key: &str, o: &Outcome, validators: &Validators) {
        let attempts = match o.status {
            "failed" | "disallowed" => self.url_row(key).map_or(0, |r| r.attempts) + 1,
            _ => 0,
        };
        let row = UrlState {
            url: key.to_string(),
            status: o.status.to_string(),
            document: o.document.clone(),
            http_status: o.http_status.map(i64::from),
            etag: validators.etag.clone(),
            last_modified: validators.last_modified.clone(),
            attempts,
            fetched_at: Some(chrono::Utc::now().timestamp()),
            error: o.error.clone(),
        };
        let full = {
            let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            pending.insert(key.to_string(), row);
            pending.len() >= URL_BATCH
        };
        if full {
            self.flush_urls();
        }
    }

    /// Write the URL rows kept so far, in one transaction.
    fn flush_urls(&self) {
        let rows: Vec<UrlState> = {
            let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            pending.drain().map(|(_, row)| row).collect()
        };
        if rows.is_empty() {
            return;
        }
        if let Err(e) = self.state().put_urls(&rows) {
            tracing::error!(rows = rows.len(), error = %e, "cannot record the URLs' state");
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.flush_urls();
    }
}

/// A fetch error's message without the URL (the error is reported under it).
fn failure_why(e: &FetchError) -> String {
    let s = e.to_string();
    match s.split_once(": ") {
        Some((_, why)) => why.to_string(),
        None => s,
    }
}

/// Run `f` over `items` on up to `workers` threads, in order of the items; items not started
/// when `stop()` turns true are left out.
fn parallel<T: Send, R: Send>(
    items: Vec<T>,
    workers: usize,
    f: impl Fn(T) -> R + Sync,
    stop: impl Fn() -> bool + Sync,
) -> Vec<R> {
    let n = items.len();
    let slots: Vec<Mutex<Option<T>>> = items.into_iter().map(|t| Mutex::new(Some(t))).collect();
    let results: Vec<Mutex<Option<R>>> = (0..n).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..workers.clamp(1, n.max(1)) {
            scope.spawn(|| loop {
                if stop() {
                    return;
                }
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= n {
                    return;
                }
                let item = slots[i].lock().unwrap_or_else(|e| e.into_inner()).take();
                if let Some(item) = item {
                    let r = f(item);
                    *results[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
                }
            });
        }
    });
    results
        .into_iter()
        .filter_map(|r| r.into_inner().unwrap_or_else(|e| e.into_inner()))
        .collect()
}
