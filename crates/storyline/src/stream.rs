//! Streaming input for `storyline ingest`: a reader thread feeds documents through a bounded
//! channel to the ingest engine (`pipeline::Ingestor`, which batches them; back-pressure: the
//! reader waits while the engine is behind), `--follow` watches
//! directories for new files, and SIGINT/SIGTERM ask for a clean stop (the documents already
//! read are finished and committed; a second signal ends the process at once).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

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
