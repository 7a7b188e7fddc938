//! The dense f32 matrix product of the Russian model's layers, through `gemm` (AVX-512 kernels
//! where the CPU has them, AVX2/FMA or portable ones where not, chosen at run time), the same
//! library the encoder uses. This module holds the crate's only unsafe code: `gemm` takes raw
//! pointers with strides.

use ndarray::{Array2, ArrayView2};

/// `a · b`, as a new standard-layout array.
#[allow(unsafe_code)]
pub(crate) fn product(a: ArrayView2<f32>, b: ArrayView2<f32>) -> Array2<f32> {
    let (m, k) = a.dim();
    let (k2, n) = b.dim();
    assert_eq!(k, k2, "matrix product of {m}×{k} and {k2}×{n}");
    let mut c = Array2::<f32>::zeros((m, n));
    if m == 0 || n == 0 || k == 0 {
        return c;
    }
    let (a_rs, a_cs) = (a.strides()[0], a.strides()[1]);
    let (b_rs, b_cs) = (b.strides()[0], b.strides()[1]);
    // SAFETY: gemm reads `m × k` elements of `a` and `k × n` of `b` at the views' own strides,
    // which ndarray guarantees to lie inside their data, and writes the `m × n` elements of
    // `c`, a fresh standard-layout array of that shape (row stride n, column stride 1). The
    // destination is not read (`read_dst` false) and does not alias the inputs.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            c.as_mut_ptr(),
            1,
            n as isize,
            false,
            a.as_ptr(),
            a_cs,
            a_rs,
            b.as_ptr(),
            b_cs,
            b_rs,
            0.0,
            1.0,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equals_the_plain_product_for_views_of_any_layout() {
        let a = Array2::from_shape_fn((5, 7), |(i, j)| (i * 7 + j) as f32 * 0.25 - 3.0);
        let b = Array2::from_shape_fn((9, 4), |(i, j)| (i as f32 - j as f32) * 0.5);
        let b = b.slice(ndarray::s![1..8, ..]);
        for a in [a.view(), a.t().t()] {
            let got = product(a, b);
            let want = a.dot(&b);
            for (g, w) in got.iter().zip(want.iter()) {
                assert!((g - w).abs() < 1e-4, "{g} vs {w}");
            }
        }
        let at = a.t().to_owned();
        let got = product(at.t(), b);
        assert_eq!(got.dim(), (5, 4));
        assert!(got
            .iter()
            .zip(a.dot(&b).iter())
            .all(|(g, w)| (g - w).abs() < 1e-4));
        assert_eq!(product(a.slice(ndarray::s![..0, ..]), b).dim(), (0, 4));
    }
}
