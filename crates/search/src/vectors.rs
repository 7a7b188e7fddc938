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
    pub fn top(&self, q: &[f32], k: usize, min: f32) -> Vec<(&str, f32)> {
        if q.len() != self.dim || self.dim == 0 || k == 0 {
            return Vec::new();
        }
        let mut best: Vec<(usize, f32)> = Vec::with_capacity(k + 1);
        for (i, row) in self.data.chunks_exact(self.dim).enumerate() {
            let s: f32 = row.iter().zip(q).map(|(a, b)| a * b).sum();
            if s < min || (best.len() == k && s <= best[k - 1].1) {
                continue;
            }
            let at = best.partition_point(|&(_, b)| b >= s);
            best.insert(at, (i, s));
            best.truncate(k);
        }
        best.into_iter()
            .map(|(i, s)| (self.ids[i].as_str(), s))
            .collect()
    }
}
