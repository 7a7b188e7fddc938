//! One ingest at a time on an embedded store: [`IngestLock`], an exclusive lock on a file in the
//! store directory, held by an ingest for its whole run.
//!
//! Two ingest processes on one SQLite store would otherwise interleave their batches, and the
//! events each one builds depend on that interleaving (each worker replays the other's
//! documents through its own clusterer at every decision, from event states it loaded on
//! opening). Waiting makes two concurrent ingests give what the same two ingests give one after
//! the other. Readers (`search`, `serve`, `export`) never take the lock, so they are not
//! blocked. The lock is the operating system's (`flock`), so a killed ingest releases it.
//! PostgreSQL stores take no lock: their workers are kept apart in the database.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

use crate::{is_postgres_url, StoreError};

/// Name of the lock file inside the store directory.
pub const LOCK_FILE: &str = "ingest.lock";

/// An exclusive hold on a store for one ingest; released when dropped (or when the process
/// ends, however it ends).
#[derive(Debug)]
pub struct IngestLock {
    _file: Option<File>,
}

impl IngestLock {
    /// Take the ingest lock of the store `spec` names (see [`crate::open`]). A directory is
    /// created if missing. When another ingest holds the lock, `waiting` is called once and
    /// the call blocks until that ingest ends. A PostgreSQL URL takes no lock.
    pub fn acquire(spec: &str, waiting: impl FnOnce()) -> Result<IngestLock, StoreError> {
        if is_postgres_url(spec) {
            return Ok(IngestLock { _file: None });
        }
        let dir = Path::new(spec);
        let fail = |why: String| StoreError::Open {
            path: dir.display().to_string(),
            why,
        };
        std::fs::create_dir_all(dir).map_err(|e| fail(e.to_string()))?;
        let path = dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| fail(format!("cannot open {}: {e}", path.display())))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                waiting();
                file.lock()
                    .map_err(|e| fail(format!("cannot lock {}: {e}", path.display())))?;
            }
            Err(TryLockError::Error(e)) => {
                return Err(fail(format!("cannot lock {}: {e}", path.display())))
            }
        }
        Ok(IngestLock { _file: Some(file) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    #[test]
    fn a_second_ingest_waits_for_the_first_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let spec = dir.path().join("store");
        let spec = spec.to_str().unwrap().to_string();
        let first = IngestLock::acquire(&spec, || panic!("nothing holds it yet")).unwrap();
        let released = Arc::new(AtomicBool::new(false));
        let told = Arc::new(AtomicBool::new(false));
        let second = {
            let (spec, released, told) = (spec.clone(), released.clone(), told.clone());
            std::thread::spawn(move || {
                let lock = IngestLock::acquire(&spec, || told.store(true, Ordering::SeqCst));
                // The lock is granted only once the first holder let go.
                assert!(released.load(Ordering::SeqCst));
                lock.unwrap()
            })
        };
        // Until the second caller has been told to wait, it cannot have the lock: wait for
        // that (no timing: the loop ends when the flag is set).
        while !told.load(Ordering::SeqCst) {
            std::thread::yield_now();
        }
        released.store(true, Ordering::SeqCst);
        drop(first);
        let second = second.join().unwrap();
        assert!(told.load(Ordering::SeqCst));
        drop(second);
        drop(IngestLock::acquire(&spec, || panic!("released by then")).unwrap());
        assert!(IngestLock::acquire("postgres://u@127.0.0.1:1/db", || panic!()).is_ok());
    }
}
