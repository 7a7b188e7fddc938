//! A bounded cache of per-token-id results: everything in the network that depends on one token
//! alone (see `forward`), about 12 KB per id in half precision.
//!
//! Least-recently-used entries are evicted (the `lru` crate); the cache is split into shards by
//! id so that rayon's workers rarely wait on one another's lock. Entries are shared (`Arc`), so a
//! micro-batch keeps the rows it uses even if another worker evicts them meanwhile.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use half::f16;
use lru::LruCache;

/// One token id's row (layout in `forward`).
pub type Entry = Arc<[f16]>;

const SHARDS: usize = 16;

pub struct TokenCache {
    capacity: usize,
    shards: Vec<Mutex<LruCache<u32, Entry>>>,
    hits: AtomicU64,
    misses: AtomicU64,
    /// Tokens whose features were computed, and multiply-adds of the sparse products.
    tokens: AtomicU64,
    sparse_macs: AtomicU64,
    /// Wall-clock nanoseconds spent in each stage of `embed_batch` (see [`crate::Stage`]).
    stage_ns: [AtomicU64; 4],
}

impl TokenCache {
    /// A cache holding at most `capacity` ids (0: nothing is kept).
    pub fn new(capacity: usize) -> TokenCache {
        let per_shard = capacity.div_ceil(SHARDS);
        let shards = match NonZeroUsize::new(per_shard) {
            Some(n) => (0..SHARDS).map(|_| Mutex::new(LruCache::new(n))).collect(),
            None => Vec::new(),
        };
        TokenCache {
            capacity,
            shards,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            tokens: AtomicU64::new(0),
            sparse_macs: AtomicU64::new(0),
            stage_ns: std::array::from_fn(|_| AtomicU64::new(0)),
        }
    }

    fn shard(&self, id: u32) -> Option<&Mutex<LruCache<u32, Entry>>> {
        if self.shards.is_empty() {
            None
        } else {
            Some(&self.shards[id as usize % SHARDS])
        }
    }

    /// The entry of `id`, if cached (and mark it as recently used).
    pub fn get(&self, id: u32) -> Option<Entry> {
        let found = self.shard(id).and_then(|s| {
            let mut s = s.lock().unwrap_or_else(|p| p.into_inner());
            s.get(&id).cloned()
        });
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    pub fn put(&self, id: u32, entry: Entry) {
        if let Some(s) = self.shard(id) {
            s.lock().unwrap_or_else(|p| p.into_inner()).put(id, entry);
        }
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Ids held now.
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(|p| p.into_inner()).len())
            .sum()
    }

    /// Count work done by the forward pass (for [`crate::WorkStats`]).
    pub fn record(&self, tokens: u64, sparse_macs: u64) {
        self.tokens.fetch_add(tokens, Ordering::Relaxed);
        self.sparse_macs.fetch_add(sparse_macs, Ordering::Relaxed);
    }

    /// Add wall-clock time spent in a stage.
    pub fn record_stage(&self, stage: usize, ns: u64) {
        self.stage_ns[stage].fetch_add(ns, Ordering::Relaxed);
    }

    pub fn stage_ns(&self) -> [u64; 4] {
        std::array::from_fn(|i| self.stage_ns[i].load(Ordering::Relaxed))
    }

    /// Look-ups that found their id, that did not, tokens computed and sparse multiply-adds,
    /// since the cache was made.
    pub fn counts(&self) -> [u64; 4] {
        [&self.hits, &self.misses, &self.tokens, &self.sparse_macs]
            .map(|c| c.load(Ordering::Relaxed))
    }
}
