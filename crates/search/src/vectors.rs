//! Stored document vectors in one contiguous matrix, ranked by dot product (the encoder's
//! vectors are unit length, so this is cosine), in two passes: a cheap pass picks candidates,
//! then the candidates are rescored exactly on the f32 rows, so the scores and order returned
//! are the exact ones.
//!
//! The first pass depends on the size. Up to [`APPROX_ROWS`] rows it scores every row against
//! an int8 copy of the matrix (exact up to rounding, so the candidates hold the true nearest
//! rows). Above, it compares one bit per component instead — the sign of the row minus the
//! mean of the rows (random-hyperplane hashing: the Hamming distance of two such codes
//! estimates the angle between the vectors) — and rescores the closest
//! `rows / APPROX_FRACTION` codes: 64 bytes a row instead of 512, a popcount instead of 512
//! products, so 100,000 rows are ranked in about a millisecond. This is approximate: a near
//! row whose code is unusually far can be missed (the server benchmark reports the overlap
//! with the exact ranking).

/// Candidates per wanted hit kept from the first pass for exact rescoring.
const OVERSAMPLE: usize = 4;
/// Fewest candidates kept from the first pass per query.
const MIN_CANDIDATES: usize = 64;
/// How far below a query's threshold an int8 score may be and still be rescored (the int8
/// score of unit vectors is within about 0.01 of the exact one; this leaves room).
const QUANT_SLACK: f32 = 0.05;

/// Rows scored as one block by every query in turn (256 × 512 bytes: fits in L2).
const BLOCK_ROWS: usize = 256;

/// Matrices of more rows than this are ranked through the sign codes (see the module text).
pub const APPROX_ROWS: usize = 20_000;
/// Above [`APPROX_ROWS`], this fraction of the rows (the nearest by code) is rescored exactly.
const APPROX_FRACTION: usize = 32;

/// How the first pass is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scan {
    /// By size: int8 over every row up to [`APPROX_ROWS`], sign codes above.
    #[default]
    Auto,
    /// int8 over every row whatever the size (exact; for comparisons).
    Exact,
    /// Sign codes whatever the size (for testing the approximation on small sets).
    Approx,
}

/// Document ids and their vectors, row by row.
#[derive(Debug, Default)]
pub struct VectorIndex {
    ids: Vec<String>,
    rows: std::collections::HashMap<String, usize>,
    dim: usize,
    data: Vec<f32>,
    /// Each row scaled so its largest component is ±127 and rounded.
    quantized: Vec<i8>,
    /// Per row, the factor from an int8 dot product back to the float one's scale.
    inverse_scale: Vec<f32>,
    /// Per row, `words()` 64-bit words: bit `c` set when component `c` is above `center[c]`.
    codes: Vec<u64>,
    /// The mean of the first `centered_rows` rows, which the codes are taken against.
    center: Vec<f32>,
    centered_rows: usize,
}

/// `v` scaled to ±127 and rounded, and the factor that undoes the scaling.
fn quantize(v: &[f32]) -> (Vec<i8>, f32) {
    let max = v.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    if max == 0.0 || !max.is_finite() {
        return (vec![0; v.len()], 0.0);
    }
    let scale = 127.0 / max;
    let q = v
        .iter()
        .map(|x| (x * scale).round().clamp(-127.0, 127.0) as i8)
        .collect();
    (q, 1.0 / scale)
}

/// The sign code of `v` against `center` (a missing center component counts as 0), appended to
/// `out`.
fn encode(v: &[f32], center: &[f32], out: &mut Vec<u64>) {
    for chunk in v.chunks(64).enumerate() {
        let (w, comps) = chunk;
        let mut word = 0u64;
        for (b, &x) in comps.iter().enumerate() {
            let c = center.get(w * 64 + b).copied().unwrap_or(0.0);
            if x > c {
                word |= 1 << b;
            }
        }
        out.push(word);
    }
}

impl VectorIndex {
    /// Add one vector; vectors of another width than the first, and ids already held, are
    /// skipped.
    pub fn push(&mut self, id: &str, v: &[f32]) {
        if self.ids.is_empty() {
            self.dim = v.len();
        }
        if v.len() != self.dim || v.is_empty() || self.rows.contains_key(id) {
            return;
        }
        self.rows.insert(id.to_string(), self.ids.len());
        self.ids.push(id.to_string());
        self.data.extend_from_slice(v);
        let (q, inv) = quantize(v);
        self.quantized.extend_from_slice(&q);
        self.inverse_scale.push(inv);
        encode(v, &self.center, &mut self.codes);
        // The center follows the rows: recomputed (and every code with it) each time the
        // count doubles, so the cost per added row stays constant.
        if self.ids.len() >= 64 && self.ids.len() >= 2 * self.centered_rows {
            self.recenter();
        }
    }

    fn words(&self) -> usize {
        self.dim.div_ceil(64)
    }

    fn recenter(&mut self) {
        let n = self.ids.len();
        let mut center = vec![0.0f32; self.dim];
        for row in self.data.chunks_exact(self.dim) {
            for (c, x) in center.iter_mut().zip(row) {
                *c += x;
            }
        }
        center.iter_mut().for_each(|c| *c /= n as f32);
        let mut codes = Vec::with_capacity(n * self.words());
        for row in self.data.chunks_exact(self.dim) {
            encode(row, &center, &mut codes);
        }
        self.center = center;
        self.codes = codes;
        self.centered_rows = n;
    }

    /// The vector stored for `id`.
    pub fn get(&self, id: &str) -> Option<&[f32]> {
        let &i = self.rows.get(id)?;
        self.row(i)
    }

    fn row(&self, i: usize) -> Option<&[f32]> {
        self.data.get(i * self.dim..(i + 1) * self.dim)
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The `k` rows closest to `q` with a score of at least `min`, best first.
    #[cfg(test)]
    pub fn top(&self, q: &[f32], k: usize, min: f32) -> Vec<(&str, f32)> {
        self.top_many(&[(q, k, min)], Scan::Auto)
            .pop()
            .unwrap_or_default()
    }

    /// The `k` rows closest to each query with a score of at least `min`, best first, for
    /// several queries `(vector, k, min)`. With the int8 pass the matrix is read once for all
    /// the queries, not once per query.
    pub fn top_many(&self, queries: &[(&[f32], usize, f32)], scan: Scan) -> Vec<Vec<(&str, f32)>> {
        let live: Vec<usize> = (0..queries.len())
            .filter(|&i| queries[i].0.len() == self.dim && self.dim > 0 && queries[i].1 > 0)
            .collect();
        let approx = match scan {
            Scan::Auto => self.ids.len() > APPROX_ROWS,
            Scan::Exact => false,
            Scan::Approx => true,
        };
        let candidates: Vec<Vec<usize>> = if live.is_empty() {
            vec![Vec::new(); queries.len()]
        } else if approx {
            queries
                .iter()
                .enumerate()
                .map(|(i, &(q, k, min))| {
                    if !live.contains(&i) {
                        return Vec::new();
                    }
                    // Codes, then int8 on the rows they pick (a quarter of the bytes of the
                    // f32 rows), then f32 on the best of those.
                    let wanted = candidate_count(k);
                    let rows = self.nearest_codes(q, wanted.max(self.ids.len() / APPROX_FRACTION));
                    let (qq, q_inv) = quantize(q);
                    let mut scored: Vec<(usize, f32)> = rows
                        .into_iter()
                        .filter_map(|r| {
                            let row = self.quantized.get(r * self.dim..(r + 1) * self.dim)?;
                            let s = dot_i8(row, &qq) as f32 * self.inverse_scale[r] * q_inv;
                            (s >= min - QUANT_SLACK).then_some((r, s))
                        })
                        .collect();
                    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                    scored.truncate(wanted);
                    scored.into_iter().map(|(r, _)| r).collect()
                })
                .collect()
        } else {
            let quantized: Vec<(Vec<i8>, f32)> = queries.iter().map(|q| quantize(q.0)).collect();
            let blocks = self.ids.len().div_ceil(BLOCK_ROWS);
            self.scan(0..blocks, queries, &quantized, &live)
                .into_iter()
                .map(|c| c.into_iter().map(|(i, _)| i).collect())
                .collect()
        };
        // Pass 2: exact scores of the candidates.
        candidates
            .into_iter()
            .zip(queries)
            .map(|(cands, &(q, k, min))| {
                let mut exact: Vec<(usize, f32)> = cands
                    .into_iter()
                    .filter_map(|i| Some((i, dot(self.row(i)?, q))))
                    .filter(|&(_, s)| s >= min)
                    .collect();
                exact.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                exact.truncate(k);
                exact
                    .into_iter()
                    .map(|(i, s)| (self.ids[i].as_str(), s))
                    .collect()
            })
            .collect()
    }

    /// The (at least) `count` rows whose sign codes are nearest to `q`'s, in row order: all
    /// rows within the Hamming distance that the `count`-th nearest has.
    fn nearest_codes(&self, q: &[f32], count: usize) -> Vec<usize> {
        let words = self.words();
        let mut code = Vec::with_capacity(words);
        encode(q, &self.center, &mut code);
        let mut distances: Vec<u16> = Vec::with_capacity(self.ids.len());
        let mut histogram = vec![0usize; words * 64 + 1];
        hamming(&self.codes, &code, &mut distances);
        for &d in &distances {
            histogram[d as usize] += 1;
        }
        let mut within = 0;
        let mut limit = histogram.len();
        for (d, &n) in histogram.iter().enumerate() {
            within += n;
            if within >= count {
                limit = d;
                break;
            }
        }
        distances
            .iter()
            .enumerate()
            .filter(|&(_, &d)| (d as usize) <= limit)
            .map(|(i, _)| i)
            .collect()
    }
}

impl VectorIndex {
    /// Pass 1 over the row blocks `blocks`: per query, its best int8 candidates.
    fn scan(
        &self,
        blocks: std::ops::Range<usize>,
        queries: &[(&[f32], usize, f32)],
        quantized: &[(Vec<i8>, f32)],
        live: &[usize],
    ) -> Vec<Vec<(usize, f32)>> {
        let mut candidates: Vec<Vec<(usize, f32)>> = queries
            .iter()
            .map(|&(_, k, _)| Vec::with_capacity(candidate_count(k) + 1))
            .collect();
        // Rows in blocks that stay in cache while every query scores them; scores first,
        // candidate bookkeeping after, so the scoring loop is a tight vectorised one.
        let mut scores = vec![0.0f32; BLOCK_ROWS];
        let block_len = BLOCK_ROWS * self.dim;
        for block_i in blocks {
            let first = block_i * BLOCK_ROWS;
            let Some(block) = self
                .quantized
                .get(first * self.dim..(first * self.dim + block_len).min(self.quantized.len()))
            else {
                continue;
            };
            let inv = &self.inverse_scale[first..first + block.len() / self.dim];
            for &qi in live {
                let (_, k, min) = queries[qi];
                let (q, q_inv) = &quantized[qi];
                score_block(block, self.dim, q, inv, *q_inv, &mut scores);
                let c = candidate_count(k);
                let b = &mut candidates[qi];
                for (j, &s) in scores.iter().take(inv.len()).enumerate() {
                    if s < min - QUANT_SLACK || (b.len() == c && s <= b[c - 1].1) {
                        continue;
                    }
                    let at = b.partition_point(|&(_, x)| x >= s);
                    b.insert(at, (first + j, s));
                    b.truncate(c);
                }
            }
        }
        candidates
    }
}

/// The Hamming distance of each code in `codes` (rows of `code.len()` words) to `code`.
/// With the `popcnt` instruction when the CPU has it (checked at run time; the portable
/// count is a dozen instructions a word).
fn hamming(codes: &[u64], code: &[u64], out: &mut Vec<u16>) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("popcnt") {
            // SAFETY: the CPU was just checked for POPCNT, the only requirement.
            #[allow(unsafe_code)]
            unsafe {
                hamming_popcnt(codes, code, out)
            };
            return;
        }
    }
    hamming_portable(codes, code, out);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
#[allow(unsafe_code)]
unsafe fn hamming_popcnt(codes: &[u64], code: &[u64], out: &mut Vec<u16>) {
    hamming_portable(codes, code, out);
}

#[inline(always)]
fn hamming_portable(codes: &[u64], code: &[u64], out: &mut Vec<u16>) {
    if code.is_empty() {
        return;
    }
    for row in codes.chunks_exact(code.len()) {
        let d: u32 = row
            .iter()
            .zip(code)
            .map(|(a, b)| (a ^ b).count_ones())
            .sum();
        out.push(d as u16);
    }
}

fn candidate_count(k: usize) -> usize {
    (k * OVERSAMPLE).max(MIN_CANDIDATES)
}

/// Dot product in eight independent lanes, so the compiler can use SIMD (a single running
/// sum of floats cannot be reordered, and stays scalar).
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let whole = a.len().min(b.len()) / 8 * 8;
    for (x, y) in a[..whole].chunks_exact(8).zip(b[..whole].chunks_exact(8)) {
        for ((s, x), y) in acc.iter_mut().zip(x).zip(y) {
            *s += x * y;
        }
    }
    let tail: f32 = a[whole..].iter().zip(&b[whole..]).map(|(x, y)| x * y).sum();
    acc.iter().sum::<f32>() + tail
}

/// `scores[j]` = the int8 dot product of row `j` of `block` with `q`, back at float scale.
/// With AVX2 when the CPU has it (checked at run time): the same loop, compiled for wider
/// registers (`pmaddwd` on 16 lanes instead of SSE2's 8), faster by about a fifth here (the scan is mostly bound by memory).
fn score_block(block: &[i8], dim: usize, q: &[i8], inv: &[f32], q_inv: f32, scores: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU was just checked for AVX2, the only requirement of this function.
            #[allow(unsafe_code)]
            unsafe {
                score_block_avx2(block, dim, q, inv, q_inv, scores)
            };
            return;
        }
    }
    score_block_portable(block, dim, q, inv, q_inv, scores);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[allow(unsafe_code)]
unsafe fn score_block_avx2(
    block: &[i8],
    dim: usize,
    q: &[i8],
    inv: &[f32],
    q_inv: f32,
    scores: &mut [f32],
) {
    score_block_portable(block, dim, q, inv, q_inv, scores);
}

#[inline(always)]
fn score_block_portable(
    block: &[i8],
    dim: usize,
    q: &[i8],
    inv: &[f32],
    q_inv: f32,
    scores: &mut [f32],
) {
    for ((s, row), &row_inv) in scores.iter_mut().zip(block.chunks_exact(dim)).zip(inv) {
        *s = dot_i8(row, q) as f32 * row_inv * q_inv;
    }
}

/// Integer dot product of two int8 rows in sixteen lanes (vectorised by the compiler; a row
/// of 512 components cannot overflow i32: 512 × 127² < 2³¹).
#[inline(always)]
fn dot_i8(a: &[i8], b: &[i8]) -> i32 {
    let mut acc = [0i32; 16];
    let whole = a.len().min(b.len()) / 16 * 16;
    for (x, y) in a[..whole].chunks_exact(16).zip(b[..whole].chunks_exact(16)) {
        for ((s, &x), &y) in acc.iter_mut().zip(x).zip(y) {
            *s += i32::from(x) * i32::from(y);
        }
    }
    let tail: i32 = a[whole..]
        .iter()
        .zip(&b[whole..])
        .map(|(&x, &y)| i32::from(x) * i32::from(y))
        .sum();
    acc.iter().sum::<i32>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pass_for_several_queries_matches_one_query_at_a_time() {
        let mut ix = VectorIndex::default();
        let dim = 19; // not a multiple of the lanes
        for r in 0..50u32 {
            let v: Vec<f32> = (0..dim)
                .map(|c| ((r * 31 + c * 7) % 13) as f32 - 6.0)
                .collect();
            ix.push(&format!("d{r}"), &v);
        }
        let q1: Vec<f32> = (0..dim).map(|c| (c % 5) as f32 - 2.0).collect();
        let q2: Vec<f32> = (0..dim).map(|c| (c % 3) as f32 - 1.0).collect();
        let many = ix.top_many(
            &[(&q1, 5, -1e9), (&q2, 3, 0.0), (&q1[..3], 4, 0.0)],
            Scan::Auto,
        );
        assert_eq!(many[0], ix.top(&q1, 5, -1e9));
        assert_eq!(many[1], ix.top(&q2, 3, 0.0));
        assert!(many[2].is_empty(), "a query of another width finds nothing");
        assert_eq!(many[0].len(), 5);
        // Best first, and the scores are the dot products.
        assert!(many[0].windows(2).all(|w| w[0].1 >= w[1].1));
        let (id, score) = many[0][0];
        let row = ix.get(id).unwrap();
        let plain: f32 = row.iter().zip(&q1).map(|(a, b)| a * b).sum();
        assert!((plain - score).abs() < 1e-3);
    }

    /// Unit vectors from a small deterministic generator.
    fn unit_vectors(n: usize, dim: usize, seed: u64) -> Vec<Vec<f32>> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                let v: Vec<f32> = (0..dim)
                    .map(|_| {
                        x = x
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        ((x >> 40) as f32 / (1u64 << 24) as f32) - 0.5
                    })
                    .collect();
                let n = v.iter().map(|a| a * a).sum::<f32>().sqrt();
                v.into_iter().map(|a| a / n).collect()
            })
            .collect()
    }

    #[test]
    fn int8_pass_then_rescoring_gives_the_exact_nearest_rows() {
        let dim = 64;
        let rows = unit_vectors(3000, dim, 7);
        let mut ix = VectorIndex::default();
        for (i, v) in rows.iter().enumerate() {
            ix.push(&format!("d{i}"), v);
        }
        for q in unit_vectors(5, dim, 99) {
            let mut exact: Vec<(String, f32)> = rows
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("d{i}"), v.iter().zip(&q).map(|(a, b)| a * b).sum()))
                .collect();
            exact.sort_by(|a, b| b.1.total_cmp(&a.1));
            let min = exact[30].1; // a threshold that cuts the list inside the candidates
            let got = ix.top(&q, 10, min);
            let want: Vec<&str> = exact.iter().take(10).map(|(id, _)| id.as_str()).collect();
            let got_ids: Vec<&str> = got.iter().map(|(id, _)| *id).collect();
            assert_eq!(got_ids, want);
            for ((_, g), (_, w)) in got.iter().zip(&exact) {
                assert!((g - w).abs() < 1e-4, "scores are the exact ones");
            }
            let strict = ix.top(&q, 10, exact[3].1 + 1e-6);
            assert_eq!(strict.len(), 3, "the threshold applies to the exact score");
        }
    }

    #[test]
    fn the_sign_code_pass_finds_near_rows_among_many() {
        // Background rows scattered round a common direction (as real embeddings share
        // one), and per query a few planted rows at cosine 0.77 to 0.95: the approximate pass
        // must return the planted rows, best first, with their exact scores.
        let dim = 128;
        let n = APPROX_ROWS + 2000;
        let noise = unit_vectors(n, dim, 11);
        let common = &unit_vectors(1, dim, 5)[0];
        let mix = |a: &[f32], b: &[f32], wa: f32| -> Vec<f32> {
            let v: Vec<f32> = a.iter().zip(b).map(|(x, y)| wa * x + y).collect();
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            v.into_iter().map(|x| x / norm).collect()
        };
        let mut ix = VectorIndex::default();
        for (i, v) in noise.iter().enumerate() {
            ix.push(&format!("d{i}"), &mix(common, v, 0.5));
        }
        let queries = unit_vectors(5, dim, 99);
        for (qi, q) in queries.iter().enumerate() {
            let q = mix(common, q, 0.5);
            let others = unit_vectors(4, dim, 1000 + qi as u64);
            for (j, o) in others.iter().enumerate() {
                // Cosine to q falls from about 0.95 to about 0.77 (the background: about 0.2).
                let w = [3.0, 2.0, 1.5, 1.2][j];
                ix.push(&format!("q{qi}-{j}"), &mix(&q, o, w));
            }
        }
        for (qi, q) in queries.iter().enumerate() {
            let q = mix(common, q, 0.5);
            let approx = ix.top_many(&[(&q, 10, 0.6)], Scan::Approx).pop().unwrap();
            let exact = ix.top_many(&[(&q, 10, 0.6)], Scan::Exact).pop().unwrap();
            let planted = |v: &[(&str, f32)]| {
                v.len() >= 4
                    && v[..4]
                        .iter()
                        .all(|(id, _)| id.starts_with(&format!("q{qi}-")))
            };
            assert!(
                planted(&exact),
                "the planted rows are the nearest: {exact:?}"
            );
            assert_eq!(approx[..4], exact[..4], "same rows, same exact scores");
            assert_eq!(
                ix.top(&q, 10, 0.6),
                approx,
                "more than APPROX_ROWS: approximate"
            );
        }
    }
}
