//! [`Searcher`]: the dictionary and the encoder loaded once, plus what it caches of the store
//! (entity aliases, document vectors), refreshed when the store's document count changes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use embed::Encoder;
use lang::Cedict;
use store::{Hit, Store, StoreError};

use crate::expand::{expand, Dictionary};
use crate::vectors::VectorIndex;

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

/// What a search found and how the query was read.
#[derive(Debug, Clone, Default)]
pub struct Results {
    pub hits: Vec<Hit>,
    /// Query word → translations that were searched too.
    pub translations: Vec<(String, Vec<String>)>,
    /// Whether the vector ranking took part.
    pub semantic: bool,
}

/// What the searcher keeps of one state of the store.
#[derive(Default)]
struct Snapshot {
    documents: usize,
    dict: Dictionary,
    vectors: VectorIndex,
}

/// Runs searches against any [`Store`]. `Sync`: share one per process.
pub struct Searcher {
    base: Dictionary,
    encoder: Option<Arc<Encoder>>,
    snapshot: Mutex<Option<Arc<Snapshot>>>,
}

impl Searcher {
    /// A searcher with the given dictionary (none: no dictionary translations) and encoder
    /// (none: full text only).
    pub fn new(cedict: Option<&Cedict>, encoder: Option<Arc<Encoder>>) -> Searcher {
        Searcher {
            base: cedict.map(Dictionary::from_cedict).unwrap_or_default(),
            encoder,
            snapshot: Mutex::new(None),
        }
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
            match Encoder::from_cache(&assets::Cache::from_env()) {
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

    fn snapshot(&self, store: &dyn Store) -> Result<Arc<Snapshot>, StoreError> {
        let documents = store.document_count()?;
        if let Ok(guard) = self.snapshot.lock() {
            if let Some(s) = guard.as_ref().filter(|s| s.documents == documents) {
                return Ok(s.clone());
            }
        }
        let mut dict = self.base.clone();
        dict.add_entities(&store.entities()?);
        let mut vectors = VectorIndex::default();
        if self.encoder.is_some() {
            store.for_each_vector(&mut |id, v| {
                vectors.push(id, v);
                Ok(())
            })?;
        }
        let snap = Arc::new(Snapshot {
            documents,
            dict,
            vectors,
        });
        if let Ok(mut guard) = self.snapshot.lock() {
            *guard = Some(snap.clone());
        }
        Ok(snap)
    }

    /// Search `store` for `query`: full text with translations, fused with the vector ranking
    /// where available. At most `limit` hits, best first.
    pub fn search(
        &self,
        store: &dyn Store,
        query: &str,
        limit: usize,
    ) -> Result<Results, StoreError> {
        let query = query.trim();
        if query.is_empty() || limit == 0 {
            return Ok(Results::default());
        }
        let snap = self.snapshot(store)?;
        let expansion = expand(query, &snap.dict);
        let text_hits = store.search_text(&expansion.query, limit.max(20))?;
        let mut semantic = false;
        let mut vector_hits: Vec<(String, f32)> = Vec::new();
        let mut companions: Vec<(String, Vec<String>)> = Vec::new();
        if let (Some(enc), false) = (&self.encoder, snap.vectors.is_empty()) {
            let mut q = enc.embed(&lang::to_simplified(query));
            // Pseudo-relevance feedback: the best full-text hits' own vectors pull the query
            // towards their coverage in other languages (a document and its translation sit
            // far closer together than a short query and either of them).
            let feedback: Vec<&[f32]> = text_hits
                .iter()
                .take(FEEDBACK_DOCS)
                .filter_map(|h| snap.vectors.get(&h.document))
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
            let min = std::env::var("STORYLINE_MIN_COSINE")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(MIN_COSINE);
            // One pass over the vectors: the query, and each of the best full-text hits for
            // its coverage in other languages (nearest documents: a translation or rewrite of
            // the same report), placed right after it.
            let anchors: Vec<(&str, &[f32])> = text_hits
                .iter()
                .take(FEEDBACK_DOCS)
                .filter_map(|h| Some((h.document.as_str(), snap.vectors.get(&h.document)?)))
                .collect();
            let mut queries: Vec<(&[f32], usize, f32)> = vec![(&q, limit.max(20), min)];
            queries.extend(
                anchors
                    .iter()
                    .map(|&(_, v)| (v, COMPANIONS + 1, COMPANION_COSINE)),
            );
            let mut found = snap.vectors.top_many(&queries).into_iter();
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
        let mut hits = fuse(
            store,
            text_hits,
            &vector_hits,
            limit + COMPANIONS * FEEDBACK_DOCS,
        )?;
        place_companions(store, &mut hits, &companions)?;
        hits.truncate(limit);
        Ok(Results {
            hits,
            translations: expansion.translations,
            semantic,
        })
    }
}

/// Fusion of the full-text and vector lists by best reciprocal rank; documents only the vectors found
/// are read from the store for their title and opening.
fn fuse(
    store: &dyn Store,
    text: Vec<Hit>,
    vectors: &[(String, f32)],
    limit: usize,
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
    order.truncate(limit);
    let mut by_id: HashMap<String, Hit> =
        text.into_iter().map(|h| (h.document.clone(), h)).collect();
    let mut out = Vec::with_capacity(order.len());
    for (id, s) in order {
        let hit = match by_id.remove(&id) {
            Some(h) => Some(h),
            None => store.document(&id)?.map(|d| Hit {
                snippet: opening(&d.article.text()),
                title: d.article.title.clone(),
                event: d.event.clone(),
                document: id.clone(),
                score: 0.0,
            }),
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
                    Some(d) => Hit {
                        snippet: opening(&d.article.text()),
                        title: d.article.title.clone(),
                        event: d.event.clone(),
                        document: id.clone(),
                        score: 0.0,
                    },
                    None => continue,
                },
            };
            at += 1;
            let score = hits.get(at - 1).map_or(0.0, |h| h.score);
            hits.insert(at.min(hits.len()), Hit { score, ..hit });
        }
    }
    Ok(())
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
