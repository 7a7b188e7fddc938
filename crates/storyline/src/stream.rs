//! Streaming input for `storyline ingest`: a reader thread feeds documents through a bounded
//! channel (back-pressure: it waits while the pipeline is behind), `--follow` watches
//! directories for new files, and SIGINT/SIGTERM ask for a clean stop (the documents already
//! read are finished and committed; a second signal ends the process at once).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use model::RawDocument;

/// What the reader thread sends: a document, or an input that could not be read.
pub type Item = Result<RawDocument, ingest::IngestError>;

/// How often `--follow` looks at its directories.
const POLL: Duration = Duration::from_millis(300);

/// A file untouched for this long is complete even if it was not seen twice (files already
/// there when the watch starts).
const SETTLED: Duration = Duration::from_secs(2);

/// Set by SIGINT or SIGTERM.
#[derive(Clone)]
pub struct Stop(Arc<AtomicBool>);

impl Stop {
    /// Catch SIGINT and SIGTERM: the first sets the flag, a second one (flag already set) ends
    /// the process with the signal's usual status.
    pub fn on_signals() -> std::io::Result<Stop> {
        let flag = Arc::new(AtomicBool::new(false));
        for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
            // Registered first, so that it sees the flag as the previous signal left it.
            signal_hook::flag::register_conditional_shutdown(sig, 130, Arc::clone(&flag))?;
            signal_hook::flag::register(sig, Arc::clone(&flag))?;
        }
        Ok(Stop(flag))
    }

    pub fn requested(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// The flag itself, for a thread that checks it on its own (the watcher).
    pub fn flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.0)
    }
}

/// Start reading `inputs` (files, directories, `-`) on a thread; documents arrive on the
/// returned channel, which holds at most `capacity` of them. With `follow`, directories are
/// watched for new files until `stop`.
pub fn spawn_reader(
    inputs: Vec<PathBuf>,
    opts: ingest::Options,
    follow: bool,
    capacity: usize,
    stop: Stop,
) -> Receiver<Item> {
    let (tx, rx) = mpsc::sync_channel(capacity.max(1));
    std::thread::spawn(move || {
        if follow {
            watch(&inputs, &opts, &tx, &stop);
        } else {
            // Whatever is read is sent, even after a stop: the ingest finishes what it took.
            for item in ingest::read_paths(&inputs, opts) {
                if tx.send(item).is_err() {
                    return;
                }
            }
        }
    });
    rx
}

/// How long a batch waits, after its first document, for more to fill it. A file is read far
/// faster than this, so its batches are always full and their bounds depend on the input
/// alone, not on how fast the reader got ahead (the events depend on the batches: each batch
/// is committed in an order of its own); a live stream waits at most this long for company.
const FILL_WAIT: Duration = Duration::from_millis(250);

/// The next batch: waits for a first document (checking `stop` now and then), then for more,
/// up to `max` or until [`FILL_WAIT`] has passed or the input ended. Empty when the input
/// ended or a stop was requested.
pub fn next_batch(rx: &Receiver<Item>, max: usize, stop: &Stop) -> Vec<Item> {
    next_batch_within(rx, max, stop, FILL_WAIT)
}

/// [`next_batch`] with a fill wait of `fill`.
fn next_batch_within(rx: &Receiver<Item>, max: usize, stop: &Stop, fill: Duration) -> Vec<Item> {
    batch_arriving_within(rx, max, stop, fill, None).unwrap_or_default()
}

/// [`next_batch`], but `None` when no document arrives within `first` (the input is idle, not
/// ended): the caller can then finish work in hand instead of holding it while it waits.
pub fn next_batch_if_ready(
    rx: &Receiver<Item>,
    max: usize,
    stop: &Stop,
    first: Duration,
) -> Option<Vec<Item>> {
    batch_arriving_within(rx, max, stop, FILL_WAIT, Some(first))
}

/// A batch filled for up to `fill` after its first document; `None` when `first` is given and
/// no document came within it.
fn batch_arriving_within(
    rx: &Receiver<Item>,
    max: usize,
    stop: &Stop,
    fill: Duration,
    first: Option<Duration>,
) -> Option<Vec<Item>> {
    let mut batch = Vec::new();
    let give_up = first.map(|f| Instant::now() + f);
    while batch.is_empty() {
        if stop.requested() {
            return Some(batch);
        }
        let left = match give_up {
            Some(t) => t.saturating_duration_since(Instant::now()),
            None => Duration::from_millis(100),
        };
        if left.is_zero() {
            return None;
        }
        match rx.recv_timeout(left.min(Duration::from_millis(100))) {
            Ok(item) => batch.push(item),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return Some(batch),
        }
    }
    let deadline = Instant::now() + fill;
    while batch.len() < max && !stop.requested() {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(item) => batch.push(item),
            Err(_) => break,
        }
    }
    Some(batch)
}

/// What has been read but not yet taken (at most the channel's capacity): finished on a stop
/// so that nothing read is dropped.
pub fn drain(rx: &Receiver<Item>) -> Vec<Item> {
    rx.try_iter().collect()
}

/// `--follow`: read each file under `inputs` once it is complete, until `stop`. Hidden files
/// (`.name`, where writers put a file before renaming it into place) are skipped.
fn watch(inputs: &[PathBuf], opts: &ingest::Options, tx: &SyncSender<Item>, stop: &Stop) {
    let mut done: HashSet<PathBuf> = HashSet::new();
    let mut last_seen: HashMap<PathBuf, (u64, Option<SystemTime>)> = HashMap::new();
    while !stop.requested() {
        let mut ready = Vec::new();
        for input in inputs {
            for (path, size, modified) in files_under(input) {
                if done.contains(&path) {
                    continue;
                }
                let old_enough = modified
                    .and_then(|m| SystemTime::now().duration_since(m).ok())
                    .is_some_and(|age| age >= SETTLED);
                let unchanged = last_seen.get(&path) == Some(&(size, modified));
                if unchanged || old_enough {
                    ready.push(path);
                } else {
                    last_seen.insert(path, (size, modified));
                }
            }
        }
        ready.sort();
        for path in ready {
            last_seen.remove(&path);
            done.insert(path.clone());
            for item in ingest::read_paths(&[path], opts.clone()) {
                if stop.requested() || tx.send(item).is_err() {
                    return;
                }
            }
        }
        std::thread::sleep(POLL);
    }
}

/// Regular, non-hidden files under `input` (itself, when it is a file), with size and mtime.
fn files_under(input: &Path) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    walkdir::WalkDir::new(input)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            Some((e.into_path(), meta.len(), meta.modified().ok()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(i: usize) -> Item {
        Ok(RawDocument {
            id: format!("d{i}"),
            source: "test".into(),
            content: model::Content::Text(format!("document {i}")),
            meta: model::RawMeta::default(),
            encoding: "UTF-8".into(),
        })
    }

    /// A batch's bounds come from the input, not from how far the reader got: documents that
    /// trickle in (a reader slower than the pipeline's first look) still fill one batch.
    #[test]
    fn a_batch_waits_for_documents_that_trickle_in() {
        let (tx, rx) = mpsc::sync_channel(8);
        let sender = std::thread::spawn(move || {
            for i in 0..12 {
                tx.send(doc(i)).unwrap();
                std::thread::sleep(Duration::from_millis(2));
            }
        });
        let stop = Stop(Arc::new(AtomicBool::new(false)));
        // A generous fill wait: a busy machine may hold the sender up far beyond its 2 ms.
        let fill = Duration::from_secs(30);
        let first = next_batch_within(&rx, 8, &stop, fill);
        let second = next_batch_within(&rx, 8, &stop, fill);
        sender.join().unwrap();
        let ids = |b: &[Item]| -> Vec<String> {
            b.iter().map(|d| d.as_ref().unwrap().id.clone()).collect()
        };
        assert_eq!(
            ids(&first),
            (0..8).map(|i| format!("d{i}")).collect::<Vec<_>>()
        );
        assert_eq!(
            ids(&second),
            (8..12).map(|i| format!("d{i}")).collect::<Vec<_>>()
        );
        assert!(
            next_batch_within(&rx, 8, &stop, fill).is_empty(),
            "the input ended"
        );
    }

    /// An idle input is told apart from an ended one, so that the ingest commits the batch it
    /// holds instead of waiting with it.
    #[test]
    fn an_idle_input_gives_none_and_an_ended_one_an_empty_batch() {
        let (tx, rx) = mpsc::sync_channel(8);
        let stop = Stop(Arc::new(AtomicBool::new(false)));
        let short = Duration::from_millis(20);
        assert!(next_batch_if_ready(&rx, 8, &stop, short).is_none());
        tx.send(doc(1)).unwrap();
        drop(tx);
        let batch = next_batch_if_ready(&rx, 8, &stop, short).expect("a document was ready");
        assert_eq!(batch.len(), 1);
        let ended = next_batch_if_ready(&rx, 8, &stop, short).expect("the input ended");
        assert!(ended.is_empty());
    }
}
