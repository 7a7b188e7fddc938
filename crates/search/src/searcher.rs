//! [`Searcher`]: the dictionary and the encoder loaded once, plus what it caches of the store
//! (entity aliases, document vectors), brought up to date when the store's last position
//! moves: new documents' vectors are appended (never a reload of all of them), the entity
//! dictionary is rebuilt (in a server, at most every few seconds while another process ingests).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, RwLock, TryLockError};
use std::time::{Duration, Instant};

use embed::Encoder;
use lang::Cedict;
use store::{DocumentRecord, Hit, QueryText, Store, StoreError};

use crate::expand::{expand, Dictionary};
use crate::pace::Pace;
use crate::syntax::{parse, QueryError};
use crate::vectors::{Scan, VectorIndex};

/// Lowest cosine between the query and a document for a vector hit (short queries against
/// unrelated news leads score about 0.1–0.3 with USE-m3; a headline against its article in
/// another language well above 0.5).
const MIN_COSINE: f32 = 0.45;
/// Full-text hits whose vectors refine the query vector.
const FEEDBACK_DOCS: usize = 2;
/// Nearest documents placed after each of the best full-text hits, and how close they must be.
const COMPANIONS: usize = 3;
const COMPANION_COSINE: f32 = 0.6;
/// Weight of the weaker of a document's two ranks.
const BOTH_BONUS: f32 = 0.2;
/// Reciprocal-rank fusion constant.
const RRF_K: f32 = 60.0;

/// Why a search failed: the query cannot be read (the user's to fix), or the store failed.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a search found and how the query was read.
#[derive(Debug, Clone, Default)]
pub struct Results {
    pub hits: Vec<Hit>,
    /// Query word → translations that were searched too.
    pub translations: Vec<(String, Vec<String>)>,
    /// Whether the vector ranking took part.
    pub semantic: bool,
}

/// With lazy refreshing, the entity dictionary is rebuilt at most every 2 s, and at most every
/// ten times as long as its last rebuild took.
const DICT_PACE: Pace = Pace::new(Duration::from_secs(2), 10);
/// Documents read per round when catching up with new vectors.
const CATCH_UP_BATCH: usize = 512;

/// What the searcher has read of the store, guarded by the refresh lock.
struct Refresh {
    /// When the dictionary may be rebuilt again.
    dict_pace: Pace,
}

/// Runs searches against any [`Store`]. `Sync`: share one per process.
pub struct Searcher {
    base: Dictionary,
    encoder: Option<Arc<Encoder>>,
    /// Base dictionary plus the stored entities' aliases.
    dict: RwLock<Arc<Dictionary>>,
    vectors: RwLock<VectorIndex>,
    /// Store positions the vectors and the dictionary cover (0: nothing read yet; `u64::MAX`
    /// marks "read again").
    vectors_at: AtomicU64,
    dict_at: AtomicU64,
    refresh: Mutex<Refresh>,
    /// See [`Searcher::set_lazy_refresh`].
    lazy: AtomicBool,
    /// Set by [`Searcher::invalidate`]: the next search refreshes fully, waiting if need be.
    must: AtomicBool,
    /// 0 auto, 1 exact, 2 approximate (see [`Searcher::set_exact_scan`]).
    scan: AtomicU8,
    /// Least cosine for a hit found by meaning alone ([`Settings::min_cosine`]).
    min_cosine: f32,
}

/// Search settings the program chooses (the `storyline` binary reads `[search]` from its config
/// file and `STORYLINE_SCAN`, `STORYLINE_MIN_COSINE`); this crate reads no `STORYLINE_*`
/// variable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    pub scan: Scan,
    /// Least cosine between the query and a document found by meaning alone.
    pub min_cosine: f32,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            scan: Scan::Auto,
            min_cosine: MIN_COSINE,
        }
    }
}

impl Searcher {
    /// A searcher with the given dictionary (none: no dictionary translations) and encoder
    /// (none: full text only).
    pub fn new(cedict: Option<&Cedict>, encoder: Option<Arc<Encoder>>) -> Searcher {
        let base = cedict.map(Dictionary::from_cedict).unwrap_or_default();
        Searcher {
            dict: RwLock::new(Arc::new(base.clone())),
            base,
            encoder,
            vectors: RwLock::new(VectorIndex::default()),
            vectors_at: AtomicU64::new(0),
            dict_at: AtomicU64::new(0),
            refresh: Mutex::new(Refresh {
                dict_pace: DICT_PACE,
            }),
            lazy: AtomicBool::new(false),
            must: AtomicBool::new(false),
            scan: AtomicU8::new(0),
            min_cosine: MIN_COSINE,
        }
    }

    /// This searcher with `settings`.
    pub fn with_settings(mut self, settings: Settings) -> Searcher {
        let scan = match settings.scan {
            Scan::Auto => 0,
            Scan::Exact => 1,
            Scan::Approx => 2,
        };
        self.scan = AtomicU8::new(scan);
        self.min_cosine = settings.min_cosine;
        self
    }

    /// Load CC-CEDICT and, when `semantic`, the multilingual encoder from the asset cache.
    /// What cannot be loaded is logged and left out; search still works on full text.
    pub fn load(semantic: bool) -> Searcher {
        let cedict = match Cedict::load() {
            Ok(c) => Some(c),
            Err(e) => {
                tracing::warn!(error = %e, "search without CC-CEDICT translations");
                None
            }
        };
        let encoder = if semantic {
            match Encoder::from_cache(&assets::Cache::configured()) {
                Ok(e) => Some(Arc::new(e)),
                Err(e) => {
                    tracing::warn!(error = %e, "search without the multilingual encoder");
                    None
                }
            }
        } else {
            None
        };
        Searcher::new(cedict.as_ref(), encoder)
    }

    /// Whether queries are also ranked by the encoder (when documents carry vectors).
    pub fn has_encoder(&self) -> bool {
        self.encoder.is_some()
    }

    /// The loaded encoder, for ingesting with the same model.
    pub fn encoder(&self) -> Option<&Encoder> {
        self.encoder.as_deref()
    }

    /// For a server whose store another process writes to: a search that finds the store
    /// moved on catches up only when no other search is doing so (the others use what is
    /// loaded, a few documents behind), and the entity dictionary is rebuilt at most every
    /// 2 s (and at most a tenth of the time). Off (the default), every search sees every
    /// stored document.
    pub fn set_lazy_refresh(&self, on: bool) {
        self.lazy.store(on, Ordering::Release);
    }

    /// The store was written through this process: the next search catches up fully, waiting
    /// for a refresh under way if need be.
    pub fn invalidate(&self) {
        self.must.store(true, Ordering::Release);
    }

    /// Rank vectors exactly (int8 over every row, then exact rescoring) whatever the number
    /// of documents, instead of through sign codes above [`crate::APPROX_ROWS`]; for
    /// measuring what the approximation loses ([`Settings::scan`] also sets it, and can ask
    /// for codes whatever the size).
    pub fn set_exact_scan(&self, exact: bool) {
        self.scan.store(u8::from(exact), Ordering::Release);
    }

    /// Read what searches need of `store` now (all document vectors, the entity dictionary)
    /// rather than in the first search.
    pub fn warm(&self, store: &dyn Store) -> Result<(), StoreError> {
        self.must.store(true, Ordering::Release);
        self.catch_up(store)
    }

    fn scan_mode(&self) -> Scan {
        match self.scan.load(Ordering::Acquire) {
            1 => Scan::Exact,
            2 => Scan::Approx,
            _ => Scan::Auto,
        }
    }

    /// Bring the vectors and the dictionary up to the store's last position (see
    /// [`Searcher::set_lazy_refresh`] for when this may leave them behind).
    fn catch_up(&self, store: &dyn Store) -> Result<(), StoreError> {
        let at = store.last_position()?;
        let must = self.must.load(Ordering::Acquire);
        if !must
            && self.vectors_at.load(Ordering::Acquire) == at
            && self.dict_at.load(Ordering::Acquire) == at
        {
            return Ok(());
        }
        let lazy = self.lazy.load(Ordering::Acquire) && !must;
        let poisoned = || StoreError::Db("search cache lock poisoned".into());
        let mut refresh = if lazy {
            match self.refresh.try_lock() {
                Ok(guard) => guard,
                Err(TryLockError::WouldBlock) => return Ok(()),
                Err(TryLockError::Poisoned(_)) => return Err(poisoned()),
            }
        } else {
            self.refresh.lock().map_err(|_| poisoned())?
        };
        self.must.store(false, Ordering::Release);
        // Vectors: all of them the first time, then the documents stored since.
        let from = self.vectors_at.load(Ordering::Acquire);
        if self.encoder.is_some() && from != at {
            if from == 0 {
                let mut fresh = VectorIndex::default();
                store.for_each_vector(&mut |id, v| {
                    fresh.push(id, v);
                    Ok(())
                })?;
                *self.vectors.write().map_err(|_| poisoned())? = fresh;
            } else {
                let mut after = from;
                loop {
                    let batch = store.documents_since(after, CATCH_UP_BATCH)?;
                    let Some(&(last, _)) = batch.last() else {
                        break;
                    };
                    let mut vectors = self.vectors.write().map_err(|_| poisoned())?;
                    for (_, d) in &batch {
                        if let Some(v) = &d.vector {
                            vectors.push(&d.article.id, v);
                        }
                    }
                    after = last;
                    if batch.len() < CATCH_UP_BATCH {
                        break;
                    }
                }
            }
        }
        self.vectors_at.store(at, Ordering::Release);
        // The dictionary: rebuilt from every stored entity.
        if self.dict_at.load(Ordering::Acquire) != at && (!lazy || refresh.dict_pace.is_due()) {
            let started = Instant::now();
            let mut dict = self.base.clone();
            dict.add_entities(&store.entities()?);
            *self.dict.write().map_err(|_| poisoned())? = Arc::new(dict);
            refresh.dict_pace.record(started.elapsed());
            self.dict_at.store(at, Ordering::Release);
        }
        Ok(())
    }

    /// Search `store` for `query` (in the syntax [`crate::parse`] reads): full text with
    /// translations, fused with the vector ranking where available. At most `limit` hits, best
    /// first. The encoder ranks by what the query asks for (its words and phrases, not its
    /// exclusions), and no document it brings contains an exclusion.
    pub fn search(
        &self,
        store: &dyn Store,
        query: &str,
        limit: usize,
    ) -> Result<Results, SearchError> {
        let parsed = parse(query)?;
        let query = parsed.positive_text();
        if query.trim().is_empty() || limit == 0 {
            return Ok(Results::default());
        }
        self.catch_up(store)?;
        let dict = self
            .dict
            .read()
            .map_err(|_| StoreError::Db("search cache lock poisoned".into()))?
            .clone();
        let expansion = expand(&parsed, &dict);
        let text_hits = store.search_text(&expansion.query, limit.max(20))?;
        let wanted = |d: &DocumentRecord| !expansion.query.excludes(&d.article);
        let mut semantic = false;
        let mut vector_hits: Vec<(String, f32)> = Vec::new();
        let mut companions: Vec<(String, Vec<String>)> = Vec::new();
        let vectors = self
            .vectors
            .read()
            .map_err(|_| StoreError::Db("search cache lock poisoned".into()))?;
        if let (Some(enc), false) = (&self.encoder, vectors.is_empty()) {
            let mut q = enc.embed(&lang::to_simplified(&query));
            // Pseudo-relevance feedback: the best full-text hits' own vectors pull the query
            // towards their coverage in other languages (a document and its translation sit
            // far closer together than a short query and either of them).
            let feedback: Vec<&[f32]> = text_hits
                .iter()
                .take(FEEDBACK_DOCS)
                .filter_map(|h| vectors.get(&h.document))
                .collect();
            if !feedback.is_empty() {
                for v in &feedback {
                    for (a, b) in q.iter_mut().zip(v.iter()) {
                        *a += b / feedback.len() as f32;
                    }
                }
                let n = q.iter().map(|a| a * a).sum::<f32>().sqrt().max(1e-6);
                q.iter_mut().for_each(|a| *a /= n);
            }
            let min = self.min_cosine;
            // One pass over the vectors: the query, and each of the best full-text hits for
            // its coverage in other languages (nearest documents: a translation or rewrite of
            // the same report), placed right after it.
            let anchors: Vec<(&str, &[f32])> = text_hits
                .iter()
                .take(FEEDBACK_DOCS)
                .filter_map(|h| Some((h.document.as_str(), vectors.get(&h.document)?)))
                .collect();
            let mut queries: Vec<(&[f32], usize, f32)> = vec![(&q, limit.max(20), min)];
            queries.extend(
                anchors
                    .iter()
                    .map(|&(_, v)| (v, COMPANIONS + 1, COMPANION_COSINE)),
            );
            let mut found = vectors.top_many(&queries, self.scan_mode()).into_iter();
            vector_hits = found
                .next()
                .unwrap_or_default()
                .into_iter()
                .map(|(id, s)| (id.to_string(), s))
                .collect();
            for ((anchor, _), near) in anchors.iter().zip(found) {
                let near: Vec<String> = near
                    .into_iter()
                    .map(|(id, _)| id.to_string())
                    .filter(|id| id != anchor)
                    .take(COMPANIONS)
                    .collect();
                companions.push((anchor.to_string(), near));
            }
            semantic = true;
        }
        drop(vectors);
        let mut hits = fuse(
            store,
            text_hits,
            &vector_hits,
            limit + COMPANIONS * FEEDBACK_DOCS,
            &wanted,
        )?;
        place_companions(store, &mut hits, &companions, &wanted)?;
        hits.truncate(limit);
        Ok(Results {
            hits,
            translations: expansion.translations,
            semantic,
        })
    }
}

/// Fusion of the full-text and vector lists by best reciprocal rank; documents only the vectors found
/// are read from the store for their title and opening, and kept when `wanted`.
fn fuse(
    store: &dyn Store,
    text: Vec<Hit>,
    vectors: &[(String, f32)],
    limit: usize,
    wanted: &dyn Fn(&DocumentRecord) -> bool,
) -> Result<Vec<Hit>, StoreError> {
    if vectors.is_empty() {
        let mut text = text;
        text.truncate(limit);
        return Ok(text);
    }
    // Each document's best reciprocal rank in either list, plus a little for being in both:
    // a document only the vectors find (the coverage in another language) can rank as high
    // as the best full-text hit instead of trailing every document both lists hold.
    let mut ranks: HashMap<String, (f32, f32)> = HashMap::new();
    for (rank, h) in text.iter().enumerate() {
        ranks.entry(h.document.clone()).or_default().0 = 1.0 / (RRF_K + rank as f32 + 1.0);
    }
    for (rank, (id, _)) in vectors.iter().enumerate() {
        ranks.entry(id.clone()).or_default().1 = 1.0 / (RRF_K + rank as f32 + 1.0);
    }
    let mut order: Vec<(String, f32)> = ranks
        .into_iter()
        .map(|(id, (t, v))| (id, t.max(v) + BOTH_BONUS * t.min(v)))
        .collect();
    order.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut by_id: HashMap<String, Hit> =
        text.into_iter().map(|h| (h.document.clone(), h)).collect();
    let mut out = Vec::with_capacity(limit.min(order.len()));
    for (id, s) in order {
        if out.len() == limit {
            break;
        }
        let hit = match by_id.remove(&id) {
            Some(h) => Some(h),
            None => store
                .document(&id)?
                .filter(|d| wanted(d))
                .map(|d| opening_hit(&id, &d)),
        };
        if let Some(mut h) = hit {
            h.score = s;
            out.push(h);
        }
    }
    Ok(out)
}

/// Move (or add) each hit's companions to just after it.
fn place_companions(
    store: &dyn Store,
    hits: &mut Vec<Hit>,
    companions: &[(String, Vec<String>)],
    wanted: &dyn Fn(&DocumentRecord) -> bool,
) -> Result<(), StoreError> {
    for (anchor, near) in companions {
        let Some(mut at) = hits.iter().position(|h| &h.document == anchor) else {
            continue;
        };
        for id in near {
            let existing = hits.iter().position(|h| &h.document == id);
            let hit = match existing {
                Some(i) if i <= at => continue,
                Some(i) => hits.remove(i),
                None => match store.document(id)? {
                    Some(d) if wanted(&d) => opening_hit(id, &d),
                    _ => continue,
                },
            };
            at += 1;
            let score = hits.get(at - 1).map_or(0.0, |h| h.score);
            hits.insert(at.min(hits.len()), Hit { score, ..hit });
        }
    }
    Ok(())
}

/// A hit for a document found by its vector: its title and opening.
fn opening_hit(id: &str, d: &DocumentRecord) -> Hit {
    Hit {
        snippet: opening(&d.article.text()),
        title: d.article.title.clone(),
        event: d.event.clone(),
        document: id.to_string(),
        score: 0.0,
    }
}

/// The first 120 characters of a text, on one line.
fn opening(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut s: String = flat.chars().take(120).collect();
    if flat.chars().count() > 120 {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use store::{Commit, SqliteStore};

    fn ids(hits: &[Hit]) -> Vec<&str> {
        hits.iter().map(|h| h.document.as_str()).collect()
    }

    /// Documents that only the vectors find, as hits or as companions of a hit, are dropped
    /// when they contain an exclusion, and kept otherwise.
    #[test]
    fn documents_found_by_meaning_respect_exclusions() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = SqliteStore::open(dir.path()).unwrap();
        for (id, text) in [
            ("a", "The council met."),
            ("b", "The budget council met."),
            ("c", "Budget news."),
            ("d", "The municipal assembly gathered."),
        ] {
            s.commit(&Commit::document_only(store::suite::doc(id, text)))
                .unwrap();
        }
        let parsed = crate::parse("council -budget").unwrap();
        let q = expand(&parsed, &Dictionary::default()).query;
        let text = s.search_text(&q, 10).unwrap();
        assert_eq!(ids(&text), ["a"]);
        let wanted = |d: &DocumentRecord| !q.excludes(&d.article);
        let vectors: Vec<(String, f32)> = ["b", "c", "d", "a"]
            .iter()
            .map(|id| (id.to_string(), 0.9))
            .collect();
        let mut hits = fuse(&s, text.clone(), &vectors, 10, &wanted).unwrap();
        let mut found = ids(&hits);
        found.sort();
        assert_eq!(found, ["a", "d"]);
        hits.retain(|h| h.document == "a");
        let near = [("a".to_string(), vec!["b".into(), "c".into(), "d".into()])];
        place_companions(&s, &mut hits, &near, &wanted).unwrap();
        assert_eq!(ids(&hits), ["a", "d"]);
        // Without the exclusion, all of them.
        let all = |_: &DocumentRecord| true;
        assert_eq!(fuse(&s, text, &vectors, 10, &all).unwrap().len(), 4);
    }
}
