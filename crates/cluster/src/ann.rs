//! Candidate retrieval: an insert-only HNSW graph (Malkov & Yashunin) over unit vectors, so
//! that finding the events near a new article costs about log(n), not n.
//!
//! Points are never moved or deleted (a document's vector does not change), which keeps the
//! structure small: one flat vector arena and neighbour lists per layer. Levels are drawn from
//! a hash of the point number, so the same insertion order always builds the same graph.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashSet};

/// Neighbours kept per point on upper layers (twice that on layer 0).
const M: usize = 12;
/// Candidate list size while inserting.
const EF_CONSTRUCTION: usize = 48;

#[derive(Debug, Default)]
pub struct Hnsw {
    dim: usize,
    data: Vec<f32>,
    /// `links[point][layer]` = neighbour point numbers.
    links: Vec<Vec<Vec<u32>>>,
    entry: Option<u32>,
    top: usize,
}

#[derive(Clone, Copy, PartialEq)]
struct Cand {
    sim: f32,
    id: u32,
}

impl Eq for Cand {}

impl PartialOrd for Cand {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Cand {
    fn cmp(&self, other: &Self) -> Ordering {
        self.sim.total_cmp(&other.sim).then(other.id.cmp(&self.id))
    }
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn level_of(n: u32) -> usize {
    // splitmix64 of the point number → uniform in (0,1] → geometric level with ratio 1/M.
    let mut z = (n as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    let u = ((z >> 11) as f64 + 1.0) / (1u64 << 53) as f64;
    let level = (-u.ln() / (M as f64).ln()).floor();
    (level as usize).min(12)
}

impl Hnsw {
    pub fn new(dim: usize) -> Hnsw {
        Hnsw {
            dim,
            ..Hnsw::default()
        }
    }

    pub fn len(&self) -> usize {
        self.links.len()
    }

    pub fn is_empty(&self) -> bool {
        self.links.is_empty()
    }

    fn vec(&self, id: u32) -> &[f32] {
        let i = id as usize * self.dim;
        &self.data[i..i + self.dim]
    }

    /// Add a point; returns its number (0, 1, 2, … in insertion order). Vectors of another
    /// width are stored as zeros (they then match nothing).
    pub fn insert(&mut self, v: &[f32]) -> u32 {
        let id = self.links.len() as u32;
        if v.len() == self.dim {
            self.data.extend_from_slice(v);
        } else {
            self.data.extend(std::iter::repeat_n(0.0, self.dim));
        }
        let level = level_of(id);
        self.links.push(vec![Vec::new(); level + 1]);
        let Some(mut ep) = self.entry else {
            self.entry = Some(id);
            self.top = level;
            return id;
        };
        let q: Vec<f32> = self.vec(id).to_vec();
        for layer in (level + 1..=self.top).rev() {
            ep = self.greedy(&q, ep, layer);
        }
        let mut eps = vec![ep];
        for layer in (0..=level.min(self.top)).rev() {
            let found = self.search_layer(&q, &eps, EF_CONSTRUCTION, layer);
            let max = if layer == 0 { 2 * M } else { M };
            let chosen: Vec<u32> = self.select(&found, M);
            self.links[id as usize][layer] = chosen.clone();
            for &n in &chosen {
                let nl = &mut self.links[n as usize][layer];
                nl.push(id);
                if nl.len() > max {
                    let nv: Vec<f32> = self.vec(n).to_vec();
                    let mut cands: Vec<Cand> = self.links[n as usize][layer]
                        .iter()
                        .map(|&m| Cand {
                            sim: dot(&nv, self.vec(m)),
                            id: m,
                        })
                        .collect();
                    cands.sort_by(|a, b| b.cmp(a));
                    let kept = self.select(&cands, max);
                    self.links[n as usize][layer] = kept;
                }
            }
            eps = found.iter().map(|c| c.id).collect();
        }
        if level > self.top {
            self.top = level;
            self.entry = Some(id);
        }
        id
    }

    /// The heuristic neighbour selection: keep a candidate only if it is closer to the new
    /// point than to any neighbour already kept (spreads links across directions); fill up with
    /// the nearest of the rest. `cands` is sorted best first.
    fn select(&self, cands: &[Cand], m: usize) -> Vec<u32> {
        let mut kept: Vec<Cand> = Vec::with_capacity(m);
        let mut rest = Vec::new();
        for c in cands {
            if kept.len() >= m {
                break;
            }
            let cv = self.vec(c.id);
            if kept.iter().all(|k| dot(cv, self.vec(k.id)) < c.sim) {
                kept.push(*c);
            } else {
                rest.push(*c);
            }
        }
        for c in rest {
            if kept.len() >= m {
                break;
            }
            kept.push(c);
        }
        kept.into_iter().map(|c| c.id).collect()
    }

    fn greedy(&self, q: &[f32], mut ep: u32, layer: usize) -> u32 {
        let mut best = dot(q, self.vec(ep));
        loop {
            let mut moved = false;
            for &n in self.links[ep as usize].get(layer).into_iter().flatten() {
                let s = dot(q, self.vec(n));
                if s > best {
                    best = s;
                    ep = n;
                    moved = true;
                }
            }
            if !moved {
                return ep;
            }
        }
    }

    /// Best-first search on one layer; returns up to `ef` points, best first.
    fn search_layer(&self, q: &[f32], eps: &[u32], ef: usize, layer: usize) -> Vec<Cand> {
        let mut seen: HashSet<u32> = eps.iter().copied().collect();
        let mut frontier: BinaryHeap<Cand> = BinaryHeap::new();
        // Worst-first heap of the results (min-heap through Reverse).
        let mut results: BinaryHeap<std::cmp::Reverse<Cand>> = BinaryHeap::new();
        for &e in eps {
            let c = Cand {
                sim: dot(q, self.vec(e)),
                id: e,
            };
            frontier.push(c);
            results.push(std::cmp::Reverse(c));
            if results.len() > ef {
                results.pop();
            }
        }
        while let Some(c) = frontier.pop() {
            let worst = results.peek().map_or(f32::NEG_INFINITY, |r| r.0.sim);
            if c.sim < worst && results.len() >= ef {
                break;
            }
            for &n in self.links[c.id as usize].get(layer).into_iter().flatten() {
                if !seen.insert(n) {
                    continue;
                }
                let s = dot(q, self.vec(n));
                let worst = results.peek().map_or(f32::NEG_INFINITY, |r| r.0.sim);
                if results.len() < ef || s > worst {
                    let nc = Cand { sim: s, id: n };
                    frontier.push(nc);
                    results.push(std::cmp::Reverse(nc));
                    if results.len() > ef {
                        results.pop();
                    }
                }
            }
        }
        let mut out: Vec<Cand> = results.into_iter().map(|r| r.0).collect();
        out.sort_by(|a, b| b.cmp(a));
        out
    }

    /// The `k` points most similar to `q` (searching `ef` ≥ k candidates), best first, with
    /// their cosine similarity.
    pub fn search(&self, q: &[f32], k: usize, ef: usize) -> Vec<(u32, f32)> {
        let Some(mut ep) = self.entry else {
            return Vec::new();
        };
        if q.len() != self.dim {
            return Vec::new();
        }
        for layer in (1..=self.top).rev() {
            ep = self.greedy(q, ep, layer);
        }
        self.search_layer(q, &[ep], ef.max(k), 0)
            .into_iter()
            .take(k)
            .map(|c| (c.id, c.sim))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(seed: u64, dim: usize) -> Vec<f32> {
        let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
        let mut v: Vec<f32> = (0..dim)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((x >> 33) as f32 / (1u64 << 31) as f32) - 0.5
            })
            .collect();
        let n = v.iter().map(|a| a * a).sum::<f32>().sqrt();
        v.iter_mut().for_each(|a| *a /= n);
        v
    }

    #[test]
    fn finds_the_true_nearest_neighbours() {
        let dim = 32;
        let mut h = Hnsw::new(dim);
        let pts: Vec<Vec<f32>> = (0..2000).map(|i| unit(i, dim)).collect();
        for p in &pts {
            h.insert(p);
        }
        let mut hits = 0;
        for q in 0..50u64 {
            let qv = unit(10_000 + q, dim);
            let best = (0..pts.len())
                .max_by(|&a, &b| dot(&qv, &pts[a]).total_cmp(&dot(&qv, &pts[b])))
                .unwrap() as u32;
            if h.search(&qv, 10, 64).iter().any(|(id, _)| *id == best) {
                hits += 1;
            }
        }
        assert!(hits >= 47, "recall {hits}/50");
    }
}
