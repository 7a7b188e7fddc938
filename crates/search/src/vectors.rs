//! Stored document vectors in one contiguous matrix, ranked by dot product (the encoder's
//! vectors are unit length, so this is cosine). Brute force: 100,000 × 512 floats is about
//! 200 MB and a few tens of milliseconds per query on one core.

/// Document ids and their vectors, row by row.
#[derive(Debug, Default)]
pub struct VectorIndex {
    ids: Vec<String>,
    rows: std::collections::HashMap<String, usize>,
    dim: usize,
    data: Vec<f32>,
}

impl VectorIndex {
    /// Add one vector; vectors of another width than the first are skipped.
    pub fn push(&mut self, id: &str, v: &[f32]) {
        if self.ids.is_empty() {
            self.dim = v.len();
        }
        if v.len() != self.dim || v.is_empty() {
            return;
        }
        self.rows.insert(id.to_string(), self.ids.len());
        self.ids.push(id.to_string());
        self.data.extend_from_slice(v);
    }

    /// The vector stored for `id`.
    pub fn get(&self, id: &str) -> Option<&[f32]> {
        let &i = self.rows.get(id)?;
        self.data.get(i * self.dim..(i + 1) * self.dim)
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The `k` rows closest to `q` with a score of at least `min`, best first.
    #[cfg(test)]
    pub fn top(&self, q: &[f32], k: usize, min: f32) -> Vec<(&str, f32)> {
        self.top_many(&[(q, k, min)]).pop().unwrap_or_default()
    }

    /// The `k` rows closest to each query with a score of at least `min`, best first, for
    /// several queries `(vector, k, min)` in one pass over the rows
    /// (the matrix is read once, not once per query).
    pub fn top_many(&self, queries: &[(&[f32], usize, f32)]) -> Vec<Vec<(&str, f32)>> {
        let mut best: Vec<Vec<(usize, f32)>> = queries
            .iter()
            .map(|&(_, k, _)| Vec::with_capacity(k + 1))
            .collect();
        let live: Vec<usize> = (0..queries.len())
            .filter(|&i| queries[i].0.len() == self.dim && self.dim > 0 && queries[i].1 > 0)
            .collect();
        if !live.is_empty() {
            for (row_i, row) in self.data.chunks_exact(self.dim).enumerate() {
                for &qi in &live {
                    let (q, k, min) = queries[qi];
                    let s = dot(row, q);
                    let b = &mut best[qi];
                    if s < min || (b.len() == k && s <= b[k - 1].1) {
                        continue;
                    }
                    let at = b.partition_point(|&(_, x)| x >= s);
                    b.insert(at, (row_i, s));
                    b.truncate(k);
                }
            }
        }
        best.into_iter()
            .map(|b| {
                b.into_iter()
                    .map(|(i, s)| (self.ids[i].as_str(), s))
                    .collect()
            })
            .collect()
    }
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
        let many = ix.top_many(&[(&q1, 5, -1e9), (&q2, 3, 0.0), (&q1[..3], 4, 0.0)]);
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
}
