//! The crate's only unsafe code: the dense f32 matrix product (through `gemm`, whose API takes raw
//! pointers), the int8 matrix product of the per-token-id rows (AVX-512 VNNI `vpdpbusd`), and the
//! inner loops of the sparse forward pass in AVX-512, chosen at run time.
//!
//! Every other module calls the safe functions here. [`Kernels::detect`] picks AVX-512 when the
//! CPU reports `avx512f` (checked with `is_x86_feature_detected!`), with the VNNI int8 kernel when
//! it also reports `avx512bw` and `avx512vnni`, and the portable loops otherwise;
//! [`Kernels::Portable`] can also be chosen explicitly, so the tests cover both. The int8 product
//! is exact integer arithmetic, so both implementations give the same sums. (`gemm` and
//! `matrixmultiply` have no int8 product; `rten-gemm` has a u8 × i8 one with VNNI, but takes its
//! own tensor views and returns raw i32 sums, where this kernel applies the zero points and scales
//! in registers and writes f32 rows straight into the layout `forward` caches.)

use half::f16;

use crate::weights::Matrix;

/// Width of the rows the sparse kernels work on (the CNN branch width).
pub const ROW: usize = 256;

/// Which implementation of the inner loops runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kernels {
    /// AVX-512F intrinsics: only constructed by [`Kernels::detect`] after the CPU check; `vnni`
    /// is true only if the CPU also has AVX-512 BW and VNNI.
    Avx512 { vnni: bool },
    /// Plain Rust, on any CPU.
    Portable,
}

impl Kernels {
    /// The fastest implementation this CPU supports.
    pub fn detect() -> Kernels {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx512f") {
            let vnni = std::arch::is_x86_feature_detected!("avx512bw")
                && std::arch::is_x86_feature_detected!("avx512vnni");
            return Kernels::Avx512 { vnni };
        }
        Kernels::Portable
    }

    /// Layer-norm statistics of one feature row and the running sum of normalised rows:
    /// `out += inv · feat` with `inv = 1 / √(var + eps)`; returns `inv · mean`.
    pub fn ln_accumulate(self, feat: &[f32], out: &mut [f32], eps: f32) -> f32 {
        assert_eq!(feat.len(), out.len(), "ln_accumulate: lengths");
        match self {
            #[cfg(target_arch = "x86_64")]
            Kernels::Avx512 { .. } => {
                // SAFETY: `Avx512` is only constructed after `is_x86_feature_detected!("avx512f")`.
                #[allow(unsafe_code)]
                unsafe {
                    avx512::ln_accumulate(feat, out, eps)
                }
            }
            _ => ln_accumulate(feat, out, eps),
        }
    }

    /// `out[i] = q[i] as f32 * scale + lo`, the embedding table's dequantisation (the same two
    /// float operations as the reference, so the same bits).
    pub fn dequantise(self, q: &[u8], scale: f32, lo: f32, out: &mut [f32]) {
        assert_eq!(q.len(), out.len(), "dequantise: lengths");
        match self {
            #[cfg(target_arch = "x86_64")]
            Kernels::Avx512 { .. } => {
                // SAFETY: as in `ln_accumulate`.
                #[allow(unsafe_code)]
                unsafe {
                    avx512::dequantise(q, scale, lo, out)
                }
            }
            _ => dequantise(q, scale, lo, out),
        }
    }

    /// The first convolution of one row, from cached products: `pre = bias + Σ srcs`; writes
    /// `relu(pre)` to `relu` and appends its nonzero entries (position, value) to `idx`/`val`.
    pub fn conv1_row(
        self,
        bias: &[f32],
        srcs: &[&[f16]],
        relu: &mut [f32],
        idx: &mut Vec<u32>,
        val: &mut Vec<f32>,
    ) {
        let bias: &[f32; ROW] = bias.try_into().expect("conv1_row: bias of 256");
        let relu: &mut [f32; ROW] = relu.try_into().expect("conv1_row: row of 256");
        let n = srcs.len();
        let srcs = rows_of(srcs);
        let mut ix = [0u32; ROW];
        let mut vs = [0.0f32; ROW];
        let count = match self {
            #[cfg(target_arch = "x86_64")]
            Kernels::Avx512 { .. } => {
                // SAFETY: `Avx512` is only constructed after `is_x86_feature_detected!("avx512f")`.
                #[allow(unsafe_code)]
                unsafe {
                    avx512::conv1_row(bias, &srcs[..n], relu, &mut ix, &mut vs)
                }
            }
            _ => {
                *relu = *bias;
                for src in &srcs[..n] {
                    for (d, s) in relu.iter_mut().zip(src.iter()) {
                        *d += s.to_f32();
                    }
                }
                let mut count = 0;
                for (i, p) in relu.iter_mut().enumerate() {
                    if *p > 0.0 {
                        ix[count] = i as u32;
                        vs[count] = *p;
                        count += 1;
                    } else {
                        *p = 0.0;
                    }
                }
                count
            }
        };
        idx.extend_from_slice(&ix[..count]);
        val.extend_from_slice(&vs[..count]);
    }

    /// The second convolution and residuals of one row:
    /// `out = relu(bias + Σ dense + Σ sparse) + relu1 + x`, where each dense term is a cached
    /// product and each sparse term `(idx, val, w)` is a sparse row times a `256 × 256` matrix.
    pub fn conv2_row(
        self,
        bias: &[f32],
        dense: &[&[f16]],
        sparse: &[Sparse],
        relu1: &[f32],
        x: &[f16],
        out: &mut [f32],
    ) {
        let bias: &[f32; ROW] = bias.try_into().expect("conv2_row: bias of 256");
        let relu1: &[f32; ROW] = relu1.try_into().expect("conv2_row: row of 256");
        let x: &[f16; ROW] = x.try_into().expect("conv2_row: row of 256");
        let out: &mut [f32; ROW] = out.try_into().expect("conv2_row: row of 256");
        let n = dense.len();
        let dense = rows_of(dense);
        for t in sparse {
            assert_eq!(
                t.idx.len(),
                t.val.len(),
                "conv2_row: index and value counts"
            );
            assert_eq!(t.w.len(), ROW * ROW, "conv2_row: matrix shape");
            assert!(
                t.idx.iter().all(|&k| (k as usize) < ROW),
                "conv2_row: index"
            );
        }
        match self {
            #[cfg(target_arch = "x86_64")]
            Kernels::Avx512 { .. } => {
                // SAFETY: as in `conv1_row`; the indices were checked above.
                #[allow(unsafe_code)]
                unsafe {
                    avx512::conv2_row(bias, &dense[..n], sparse, relu1, x, out)
                }
            }
            _ => {
                *out = *bias;
                for src in &dense[..n] {
                    for (d, s) in out.iter_mut().zip(src.iter()) {
                        *d += s.to_f32();
                    }
                }
                for t in sparse {
                    for (&k, &v) in t.idx.iter().zip(t.val) {
                        let row = &t.w[k as usize * ROW..(k as usize + 1) * ROW];
                        for (a, &w) in out.iter_mut().zip(row) {
                            *a += v * w.to_f32();
                        }
                    }
                }
                for ((o, &r), xv) in out.iter_mut().zip(relu1).zip(x) {
                    *o = o.max(0.0) + r + xv.to_f32();
                }
            }
        }
    }
}

/// Plain Rust of [`Kernels::ln_accumulate`], also compiled for AVX-512 in `avx512`.
#[inline(always)]
fn ln_accumulate(feat: &[f32], out: &mut [f32], eps: f32) -> f32 {
    let n = feat.len() as f32;
    let mean = lane_sum(feat, |x| x) / n;
    let var = lane_sum(feat, |x| (x - mean) * (x - mean)) / n;
    let inv = 1.0 / (var + eps).sqrt();
    for (o, &f) in out.iter_mut().zip(feat) {
        *o += inv * f;
    }
    inv * mean
}

/// Sum of a slice in 16 independent lanes, so the compiler can keep it in SIMD registers.
#[inline(always)]
pub fn lane_sum(v: &[f32], f: impl Fn(f32) -> f32) -> f32 {
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

/// Plain Rust of [`Kernels::dequantise`], also compiled for AVX-512 in `avx512`.
#[inline(always)]
fn dequantise(q: &[u8], scale: f32, lo: f32, out: &mut [f32]) {
    for (o, &b) in out.iter_mut().zip(q) {
        *o = b as f32 * scale + lo;
    }
}

/// A sparse row (`val[i]` at position `idx[i]`) and the `256 × 256` row-major matrix it
/// multiplies, in half precision (half the memory traffic of the scattered row reads).
pub struct Sparse<'a> {
    pub idx: &'a [u32],
    pub val: &'a [f32],
    pub w: &'a [f16],
}

/// Cached rows as fixed-size arrays (panics on a wrong length: a bug, not input).
fn rows_of<'a>(srcs: &[&'a [f16]]) -> [&'a [f16; ROW]; MAX_TERMS] {
    assert!(srcs.len() <= MAX_TERMS, "at most {MAX_TERMS} cached rows");
    std::array::from_fn(|i| {
        srcs.get(i).map_or(&ZERO_ROW, |s| {
            <&[f16; ROW]>::try_from(*s).expect("a cached row is 256 values")
        })
    })
}

/// Most window positions of a convolution (the widest n-gram).
pub const MAX_TERMS: usize = 5;
static ZERO_ROW: [f16; ROW] = [f16::ZERO; ROW];

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod avx512 {
    use std::arch::x86_64::*;

    use half::f16;

    use super::{Sparse, ROW};

    /// The plain-Rust loop compiled with AVX-512 enabled.
    ///
    /// SAFETY (callers): the CPU must support AVX-512F.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn ln_accumulate(feat: &[f32], out: &mut [f32], eps: f32) -> f32 {
        super::ln_accumulate(feat, out, eps)
    }

    /// The plain-Rust loop compiled with AVX-512 enabled.
    ///
    /// SAFETY (callers): the CPU must support AVX-512F.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn dequantise(q: &[u8], scale: f32, lo: f32, out: &mut [f32]) {
        super::dequantise(q, scale, lo, out)
    }

    /// The AVX-512 form of [`super::quantise_row`]: the same float operations (multiply, then
    /// add; no FMA), so the same bytes.
    ///
    /// SAFETY (callers): the CPU must support AVX-512F.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn quantise_row(x: &[f32; ROW], q: &mut [u8; ROW]) -> (f32, i32) {
        // SAFETY (all blocks below): offsets 16·r with r < 16 inside ROW-long arrays.
        let v: [__m512; 16] =
            std::array::from_fn(|r| unsafe { _mm512_loadu_ps(x.as_ptr().add(16 * r)) });
        let (mut lo, mut hi) = (_mm512_setzero_ps(), _mm512_setzero_ps());
        for vr in &v {
            lo = _mm512_min_ps(lo, *vr);
            hi = _mm512_max_ps(hi, *vr);
        }
        let (lo, hi) = (_mm512_reduce_min_ps(lo), _mm512_reduce_max_ps(hi));
        let scale = if hi > lo { (hi - lo) / 255.0 } else { 1.0 };
        let inv = 1.0 / scale;
        let zero = (-lo * inv + 0.5) as i32;
        let (vinv, zf) = (_mm512_set1_ps(inv), _mm512_set1_ps(zero as f32 + 0.5));
        let (floor, ceil) = (_mm512_setzero_ps(), _mm512_set1_ps(255.0));
        for (r, vr) in v.iter().enumerate() {
            let t = _mm512_add_ps(_mm512_mul_ps(*vr, vinv), zf);
            let t = _mm512_min_ps(_mm512_max_ps(t, floor), ceil);
            let bytes = _mm512_cvtepi32_epi8(_mm512_cvttps_epi32(t));
            unsafe { _mm_storeu_si128(q.as_mut_ptr().add(16 * r).cast(), bytes) };
        }
        (scale, zero)
    }

    /// SAFETY (callers): the CPU must support AVX-512F; `src` and `dst` have the same length.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn to_half(src: &[f32], dst: &mut [f16]) {
        let whole = src.len() / 16 * 16;
        for (s, d) in src[..whole]
            .chunks_exact(16)
            .zip(dst[..whole].chunks_exact_mut(16))
        {
            // SAFETY: 16 f32 read and 16 f16 (a transparent u16) written, inside the chunks.
            unsafe {
                let h = _mm512_cvtps_ph::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(
                    _mm512_loadu_ps(s.as_ptr()),
                );
                _mm256_storeu_si256(d.as_mut_ptr().cast(), h);
            }
        }
        for (s, d) in src[whole..].iter().zip(&mut dst[whole..]) {
            *d = f16::from_f32(*s);
        }
    }

    /// 16 lanes of a half-float row.
    ///
    /// SAFETY (callers): AVX-512F available; `16 * r + 16 <= ROW`.
    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn half16(src: &[f16; ROW], r: usize) -> __m512 {
        // SAFETY: `f16` is a transparent `u16`, so 16 of them are the 32 bytes read; in bounds by
        // the caller's contract; unaligned loads are allowed.
        unsafe {
            _mm512_cvtph_ps(_mm256_loadu_si256(
                src.as_ptr().add(16 * r).cast::<__m256i>(),
            ))
        }
    }

    /// SAFETY (callers): the CPU must support AVX-512F.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn conv1_row(
        bias: &[f32; ROW],
        srcs: &[&[f16; ROW]],
        relu: &mut [f32; ROW],
        ix: &mut [u32; ROW],
        vs: &mut [f32; ROW],
    ) -> usize {
        // SAFETY (all blocks below): offsets are 16·r with r < 16, inside ROW-long arrays; the
        // compress stores write popcount(mask) ≤ 16 values at `count`, and `count` grows by at
        // most 16 per r, so `count + 16 ≤ ROW` before each store.
        let mut a: [__m512; 16] =
            std::array::from_fn(|r| unsafe { _mm512_loadu_ps(bias.as_ptr().add(16 * r)) });
        for src in srcs {
            for (r, ar) in a.iter_mut().enumerate() {
                *ar = _mm512_add_ps(*ar, unsafe { half16(src, r) });
            }
        }
        let lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        let zero = _mm512_setzero_ps();
        let mut count = 0usize;
        for (r, ar) in a.iter().enumerate() {
            let v = _mm512_max_ps(*ar, zero);
            unsafe { _mm512_storeu_ps(relu.as_mut_ptr().add(16 * r), v) };
            let m = _mm512_cmp_ps_mask::<_CMP_GT_OQ>(*ar, zero);
            if m != 0 {
                let pos = _mm512_add_epi32(lanes, _mm512_set1_epi32(16 * r as i32));
                unsafe {
                    _mm512_mask_compressstoreu_ps(vs.as_mut_ptr().add(count).cast(), m, v);
                    _mm512_mask_compressstoreu_epi32(ix.as_mut_ptr().add(count).cast(), m, pos);
                }
                count += m.count_ones() as usize;
            }
        }
        count
    }

    /// SAFETY (callers): the CPU must support AVX-512F, and every `idx` entry is below ROW.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn conv2_row(
        bias: &[f32; ROW],
        dense: &[&[f16; ROW]],
        sparse: &[Sparse],
        relu1: &[f32; ROW],
        x: &[f16; ROW],
        out: &mut [f32; ROW],
    ) {
        // The 256 sums stay in 16 registers while the nonzero inputs stream their weight rows.
        // SAFETY (all blocks below): offsets 16·r < ROW in ROW-long arrays; a weight row starts at
        // k·ROW with k < ROW (caller's contract) in a ROW·ROW-long matrix of f16 (a transparent
        // u16), and its r-th 32-byte chunk (r < 16) is halves 16·r .. 16·r + 16 of that row.
        let mut a: [__m512; 16] =
            std::array::from_fn(|r| unsafe { _mm512_loadu_ps(bias.as_ptr().add(16 * r)) });
        for src in dense {
            for (r, ar) in a.iter_mut().enumerate() {
                *ar = _mm512_add_ps(*ar, unsafe { half16(src, r) });
            }
        }
        for t in sparse {
            for (i, (&k, &v)) in t.idx.iter().zip(t.val).enumerate() {
                // The rows of a term are scattered over a 256 KB matrix: fetch the next one while
                // this one is multiplied (a prefetch never faults, so its address needs no check).
                if let Some(&next) = t.idx.get(i + 1) {
                    let p = t.w.as_ptr().wrapping_add(next as usize * ROW).cast::<i8>();
                    for line in 0..ROW * 2 / 64 {
                        _mm_prefetch::<_MM_HINT_T0>(p.wrapping_add(64 * line));
                    }
                }
                let row = unsafe { t.w.as_ptr().add(k as usize * ROW).cast::<__m256i>() };
                let vb = _mm512_set1_ps(v);
                for (r, ar) in a.iter_mut().enumerate() {
                    let w = unsafe { _mm512_cvtph_ps(_mm256_loadu_si256(row.add(r))) };
                    *ar = _mm512_fmadd_ps(vb, w, *ar);
                }
            }
        }
        let zero = _mm512_setzero_ps();
        for (r, ar) in a.iter().enumerate() {
            unsafe {
                let h = _mm512_add_ps(_mm512_loadu_ps(relu1.as_ptr().add(16 * r)), half16(x, r));
                _mm512_storeu_ps(
                    out.as_mut_ptr().add(16 * r),
                    _mm512_add_ps(_mm512_max_ps(*ar, zero), h),
                );
            }
        }
    }
}

/// Ask the CPU to start loading `data` into its caches (a hint: no effect on results). The
/// forward pass reads cached rows scattered over ~100 MB, so it asks a few tokens ahead.
#[allow(unsafe_code)]
pub fn prefetch<T>(data: &[T]) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let p = data.as_ptr().cast::<i8>();
        for off in (0..std::mem::size_of_val(data)).step_by(64) {
            // SAFETY: SSE is part of every x86_64 CPU; a prefetch reads nothing the program can
            // observe and never faults, and the address lies inside `data` anyway.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(p.wrapping_add(off)) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = data;
}

/// `c = a · b`, or `c += a · b` when `accumulate`: `a` is `m × k` with rows `lda` apart, `b` a
/// contiguous `k × n` [`Matrix`], `c` is `m × n` with rows `ldc` apart starting at `c_off`.
#[allow(unsafe_code)]
#[allow(clippy::too_many_arguments)]
pub fn matmul(
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

/// Columns per packed block of a [`QMatrix`] (one 512-bit register of i32 sums).
const QN: usize = 16;
/// Consecutive inputs per packed group (what one `vpdpbusd` lane adds up).
const QK: usize = 4;
/// Column blocks of one register tile (64 columns).
const TILE_N: usize = 4;
/// Rows of one register tile: 6 × 4 accumulators, 4 weight vectors and a broadcast fit in the 32
/// registers.
const TILE_M: usize = 6;

/// A `k × n` f32 weight matrix quantised to i8 per output column (`scale[j] = max |w[·][j]| / 127`),
/// packed for the int8 product: for each block of 16 columns, for each group of 4 inputs, the
/// 16 × 4 bytes one `vpdpbusd` consumes. `k` must be a multiple of 4, `n` of 64.
pub struct QMatrix {
    pub k: usize,
    pub n: usize,
    packed: Vec<i8>,
    scale: Vec<f32>,
    /// Column sums of the quantised values (the zero-point correction).
    qsum: Vec<i32>,
    /// Exact column sums of the f32 matrix (for rows that carry an additive offset).
    colsum: Vec<f32>,
    bias: Vec<f32>,
}

impl QMatrix {
    /// Quantise a row-major `k × n` matrix, with an optional bias added to every product row.
    pub fn quantise(w: &[f32], k: usize, n: usize, bias: Option<&[f32]>) -> QMatrix {
        assert_eq!(w.len(), k * n, "QMatrix: shape");
        assert!(
            k.is_multiple_of(QK) && n.is_multiple_of(QN * TILE_N),
            "QMatrix: {k} × {n} is not a multiple of 4 × 64"
        );
        let mut scale = vec![0.0f32; n];
        for row in w.chunks_exact(n) {
            for (s, &v) in scale.iter_mut().zip(row) {
                *s = s.max(v.abs());
            }
        }
        for s in &mut scale {
            *s = if *s > 0.0 { *s / 127.0 } else { 1.0 };
        }
        let mut packed = vec![0i8; k * n];
        let mut qsum = vec![0i32; n];
        for (kk, row) in w.chunks_exact(n).enumerate() {
            for (j, &v) in row.iter().enumerate() {
                let q = (v / scale[j]).round().clamp(-127.0, 127.0) as i8;
                qsum[j] += i32::from(q);
                let (block, lane) = (j / QN, j % QN);
                let at = ((block * (k / QK) + kk / QK) * QN + lane) * QK + kk % QK;
                packed[at] = q;
            }
        }
        // The column sums of the matrix as quantised, not as given: a row offset then multiplies
        // the same weights as the row's values, and the large common part of a row that is all
        // offset (the embedding's codes) cancels instead of leaving its quantisation error.
        let colsum = qsum
            .iter()
            .zip(&scale)
            .map(|(&q, &s)| q as f32 * s)
            .collect();
        QMatrix {
            k,
            n,
            packed,
            scale,
            qsum,
            colsum,
            bias: bias.map_or_else(|| vec![0.0; n], <[f32]>::to_vec),
        }
    }

    /// The packed bytes of column block `block`: `k / 4` groups of 64.
    fn block(&self, block: usize) -> &[i8] {
        let len = self.k * QN;
        &self.packed[block * len..(block + 1) * len]
    }
}

/// How the rows of an int8 left operand are dequantised: row `i` stands for
/// `scale[i] · (q − zero[i]) + add[i]` (the same `add` for every value of the row).
pub struct RowScales<'a> {
    pub scale: &'a [f32],
    pub zero: &'a [i32],
    pub add: &'a [f32],
}

/// Quantise `x` to bytes with its own scale and zero point (0 is exactly representable):
/// `x ≈ scale · (q − zero)`. Returns `(scale, zero)`.
pub fn quantise_row(x: &[f32], q: &mut [u8]) -> (f32, i32) {
    assert_eq!(x.len(), q.len(), "quantise_row: lengths");
    let (lo, hi) = x
        .iter()
        .fold((0.0f32, 0.0f32), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    let scale = if hi > lo { (hi - lo) / 255.0 } else { 1.0 };
    let inv = 1.0 / scale;
    // `lo ≤ 0`, so the zero point is in 0..=255; `+ 0.5` then truncation rounds the non-negative
    // values to nearest (and vectorises, unlike `round`).
    let zero = (-lo * inv + 0.5) as i32;
    let zf = zero as f32 + 0.5;
    for (d, &v) in q.iter_mut().zip(x) {
        *d = (v * inv + zf).clamp(0.0, 255.0) as u8;
    }
    (scale, zero)
}

impl Kernels {
    /// [`quantise_row`], with AVX-512 where available (the same operations, so the same bytes).
    pub fn quantise_row(self, x: &[f32], q: &mut [u8]) -> (f32, i32) {
        match (
            self,
            <&[f32; ROW]>::try_from(x),
            <&mut [u8; ROW]>::try_from(&mut *q),
        ) {
            #[cfg(target_arch = "x86_64")]
            (Kernels::Avx512 { .. }, Ok(x), Ok(q)) => {
                // SAFETY: `Avx512` is only constructed after `is_x86_feature_detected!("avx512f")`.
                #[allow(unsafe_code)]
                unsafe {
                    avx512::quantise_row(x, q)
                }
            }
            _ => quantise_row(x, q),
        }
    }

    /// `dst = src` in half precision (round to nearest even, as `half` and F16C do).
    pub fn to_half(self, src: &[f32], dst: &mut [f16]) {
        assert_eq!(src.len(), dst.len(), "to_half: lengths");
        match self {
            #[cfg(target_arch = "x86_64")]
            Kernels::Avx512 { .. } => {
                // SAFETY: as in `quantise_row`.
                #[allow(unsafe_code)]
                unsafe {
                    avx512::to_half(src, dst)
                }
            }
            _ => {
                use half::slice::HalfFloatSliceExt;
                dst.convert_from_f32_slice(src);
            }
        }
    }

    /// `c[i][j] = rows.scale[i] · b.scale[j] · Σₖ (a[i][k] − rows.zero[i]) · bq[k][j]
    /// + rows.add[i] · Σₖ b[k][j] + bias[j]` for `m` rows of `a` (`lda` apart), written to `c`
    /// rows `ldc` apart starting at `c_off`. The integer sums are exact, whichever kernel runs.
    #[allow(clippy::too_many_arguments)]
    pub fn qgemm(
        self,
        a: &[u8],
        lda: usize,
        rows: &RowScales,
        b: &QMatrix,
        c: &mut [f32],
        ldc: usize,
        c_off: usize,
        m: usize,
    ) {
        if m == 0 {
            return;
        }
        assert!((m - 1) * lda + b.k <= a.len(), "qgemm: lhs out of bounds");
        assert!(
            b.n <= ldc && c_off + (m - 1) * ldc + b.n <= c.len(),
            "qgemm: dst out of bounds"
        );
        assert!(
            rows.scale.len() >= m && rows.zero.len() >= m && rows.add.len() >= m,
            "qgemm: row scales"
        );
        for panel in 0..b.n / (QN * TILE_N) {
            let mut i = 0;
            while i < m {
                let tile = (m - i).min(TILE_M);
                match self {
                    #[cfg(target_arch = "x86_64")]
                    Kernels::Avx512 { vnni: true } => {
                        // SAFETY: `vnni` is only true after `is_x86_feature_detected!` reported
                        // avx512f, avx512bw and avx512vnni; the bounds were asserted above.
                        #[allow(unsafe_code)]
                        unsafe {
                            vnni::tile(a, lda, rows, b, c, ldc, c_off, i, tile, panel)
                        }
                    }
                    _ => qtile(a, lda, rows, b, c, ldc, c_off, i, tile, panel),
                }
                i += tile;
            }
        }
    }
}

/// The epilogue of one 16-column block of one row: dequantise the i32 sums into `out`.
fn dequantise_sums(
    sums: &[i32; QN],
    rows: &RowScales,
    i: usize,
    b: &QMatrix,
    j0: usize,
    out: &mut [f32],
) {
    let (s, z, add) = (rows.scale[i], rows.zero[i], rows.add[i]);
    let out: &mut [f32; QN] = out.try_into().expect("16 outputs");
    for (l, o) in out.iter_mut().enumerate() {
        let j = j0 + l;
        let exact = sums[l] - z * b.qsum[j];
        *o = exact as f32 * (s * b.scale[j]) + add * b.colsum[j] + b.bias[j];
    }
}

/// Portable int8 product of rows `i0 .. i0 + tile` and the 64 columns of `panel`.
#[allow(clippy::too_many_arguments)]
fn qtile(
    a: &[u8],
    lda: usize,
    rows: &RowScales,
    b: &QMatrix,
    c: &mut [f32],
    ldc: usize,
    c_off: usize,
    i0: usize,
    tile: usize,
    panel: usize,
) {
    for i in i0..i0 + tile {
        let ar = &a[i * lda..i * lda + b.k];
        for blk in panel * TILE_N..(panel + 1) * TILE_N {
            let mut sums = [0i32; QN];
            for (group, a4) in b.block(blk).chunks_exact(QN * QK).zip(ar.chunks_exact(QK)) {
                for (s, w4) in sums.iter_mut().zip(group.chunks_exact(QK)) {
                    for (&x, &w) in a4.iter().zip(w4) {
                        *s += i32::from(x) * i32::from(w);
                    }
                }
            }
            let at = c_off + i * ldc + blk * QN;
            dequantise_sums(&sums, rows, i, b, blk * QN, &mut c[at..at + QN]);
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod vnni {
    use std::arch::x86_64::*;

    use super::{QMatrix, RowScales, QK, QN, TILE_M, TILE_N};

    /// Rows `i0 .. i0 + tile` (`tile ≤ TILE_M`) times the 64 columns of `panel`, with the sums of
    /// a register tile kept in registers over the whole `k`.
    ///
    /// SAFETY (callers): the CPU supports AVX-512 F, BW and VNNI; `(i0 + tile - 1) * lda + b.k ≤
    /// a.len()`; row `i0 + tile - 1` of `c` (from `c_off`, `ldc` apart) holds `b.n` values.
    #[allow(clippy::too_many_arguments)]
    #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
    pub unsafe fn tile(
        a: &[u8],
        lda: usize,
        rows: &RowScales,
        b: &QMatrix,
        c: &mut [f32],
        ldc: usize,
        c_off: usize,
        i0: usize,
        tile: usize,
        panel: usize,
    ) {
        // SAFETY: forwarded from the caller's contract.
        unsafe {
            match tile {
                6 => tile_n::<6>(a, lda, rows, b, c, ldc, c_off, i0, panel),
                5 => tile_n::<5>(a, lda, rows, b, c, ldc, c_off, i0, panel),
                4 => tile_n::<4>(a, lda, rows, b, c, ldc, c_off, i0, panel),
                3 => tile_n::<3>(a, lda, rows, b, c, ldc, c_off, i0, panel),
                2 => tile_n::<2>(a, lda, rows, b, c, ldc, c_off, i0, panel),
                _ => tile_n::<1>(a, lda, rows, b, c, ldc, c_off, i0, panel),
            }
        }
    }

    /// SAFETY (callers): as [`tile`] with `tile = R`.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
    unsafe fn tile_n<const R: usize>(
        a: &[u8],
        lda: usize,
        rows: &RowScales,
        b: &QMatrix,
        c: &mut [f32],
        ldc: usize,
        c_off: usize,
        i0: usize,
        panel: usize,
    ) {
        const { assert!(R <= TILE_M) };
        let groups = b.k / QK;
        let blocks: [&[i8]; TILE_N] = std::array::from_fn(|t| b.block(panel * TILE_N + t));
        let mut acc = [[_mm512_setzero_si512(); TILE_N]; R];
        let a0 = a.as_ptr().wrapping_add(i0 * lda);
        for g in 0..groups {
            // SAFETY: each block holds `groups` runs of 64 bytes (QMatrix layout), g < groups.
            let w: [__m512i; TILE_N] = std::array::from_fn(|t| unsafe {
                _mm512_loadu_si512(blocks[t].as_ptr().add(g * QN * QK).cast())
            });
            for (r, acc_r) in acc.iter_mut().enumerate() {
                // SAFETY: row i0 + r < i0 + R holds `b.k` bytes from `(i0 + r) * lda` (caller's
                // contract), and 4·g + 4 ≤ b.k; an unaligned 4-byte read.
                let x = unsafe { std::ptr::read_unaligned(a0.add(r * lda + g * QK).cast::<i32>()) };
                let xb = _mm512_set1_epi32(x);
                for (s, wt) in acc_r.iter_mut().zip(&w) {
                    *s = _mm512_dpbusd_epi32(*s, xb, *wt);
                }
            }
        }
        for (r, acc_r) in acc.iter().enumerate() {
            let i = i0 + r;
            let (s, z, add) = (rows.scale[i], rows.zero[i], rows.add[i]);
            for (t, acc) in acc_r.iter().enumerate() {
                let j0 = (panel * TILE_N + t) * QN;
                let at = c_off + i * ldc + j0;
                let out = &mut c[at..at + QN];
                let cols = j0..j0 + QN;
                let (qsum, scale) = (&b.qsum[cols.clone()], &b.scale[cols.clone()]);
                let (colsum, bias) = (&b.colsum[cols.clone()], &b.bias[cols]);
                // SAFETY: every slice above is 16 values long (bounds-checked slicing), the loads
                // and the store are unaligned 64-byte accesses inside them.
                unsafe {
                    let q = _mm512_loadu_si512(qsum.as_ptr().cast());
                    let exact = _mm512_sub_epi32(*acc, _mm512_mullo_epi32(_mm512_set1_epi32(z), q));
                    let scale = _mm512_mul_ps(_mm512_set1_ps(s), _mm512_loadu_ps(scale.as_ptr()));
                    let shift = _mm512_fmadd_ps(
                        _mm512_set1_ps(add),
                        _mm512_loadu_ps(colsum.as_ptr()),
                        _mm512_loadu_ps(bias.as_ptr()),
                    );
                    let v = _mm512_fmadd_ps(_mm512_cvtepi32_ps(exact), scale, shift);
                    _mm512_storeu_ps(out.as_mut_ptr(), v);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic pseudo-random values in `-1 .. 1`.
    fn values(n: usize, seed: u32) -> Vec<f32> {
        let mut state = seed.wrapping_mul(2_654_435_761).max(1);
        (0..n)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                (state % 20_001) as f32 / 10_000.0 - 1.0
            })
            .collect()
    }

    #[test]
    fn int8_product_matches_float_product_in_both_kernels() {
        let (k, n) = (256, 128);
        let w = values(k * n, 1);
        let bias = values(n, 2);
        let qm = QMatrix::quantise(&w, k, n, Some(&bias));
        // 13 rows: two full 6-row tiles and a tail of one.
        for m in [1usize, 6, 13] {
            let x = values(m * k, 3 + m as u32);
            let mut q = vec![0u8; m * k];
            let (mut scale, mut zero) = (vec![0.0f32; m], vec![0i32; m]);
            for i in 0..m {
                (scale[i], zero[i]) =
                    quantise_row(&x[i * k..(i + 1) * k], &mut q[i * k..(i + 1) * k]);
            }
            let add = vec![0.0f32; m];
            let rows = RowScales {
                scale: &scale,
                zero: &zero,
                add: &add,
            };
            let mut outs = Vec::new();
            for kernels in [Kernels::detect(), Kernels::Portable] {
                let mut c = vec![0.0f32; m * (n + 8)];
                kernels.qgemm(&q, k, &rows, &qm, &mut c, n + 8, 4, m);
                outs.push(c);
            }
            for i in 0..m {
                for j in 0..n {
                    let exact: f32 =
                        (0..k).map(|kk| x[i * k + kk] * w[kk * n + j]).sum::<f32>() + bias[j];
                    let got = outs[0][i * (n + 8) + 4 + j];
                    // Errors of a few per cent of the product's typical size (√k / 2 ≈ 8).
                    assert!(
                        (got - exact).abs() < 0.25,
                        "row {i} col {j}: {got} vs {exact}"
                    );
                    // The same integer sums; the epilogues may round differently (FMA).
                    let other = outs[1][i * (n + 8) + 4 + j];
                    assert!(
                        (got - other).abs() <= 1e-5 * got.abs().max(1.0),
                        "{got} vs {other}"
                    );
                }
                // Outside the written columns nothing changed.
                assert_eq!(outs[0][i * (n + 8)..i * (n + 8) + 4], [0.0; 4]);
            }
        }
    }
}

#[cfg(test)]
mod conversion_tests {
    use super::*;

    #[test]
    fn row_quantisation_and_half_conversion_agree_across_kernels() {
        let x: Vec<f32> = (0..ROW)
            .map(|i| ((i * 37 % 101) as f32 - 40.0) / 7.0)
            .collect();
        let (mut a, mut b) = ([0u8; ROW], [0u8; ROW]);
        let qa = Kernels::detect().quantise_row(&x, &mut a);
        let qb = Kernels::Portable.quantise_row(&x, &mut b);
        assert_eq!(qa, qb);
        assert_eq!(a, b);
        for (v, q) in x.iter().zip(a) {
            assert!((qa.0 * (i32::from(q) - qa.1) as f32 - v).abs() <= qa.0 * 0.51);
        }
        let src: Vec<f32> = (0..37).map(|i| i as f32 * 0.37 - 5.0).collect();
        let (mut ha, mut hb) = (vec![f16::ZERO; 37], vec![f16::ZERO; 37]);
        Kernels::detect().to_half(&src, &mut ha);
        Kernels::Portable.to_half(&src, &mut hb);
        assert_eq!(ha, hb);
    }
}
