//! natasha's Russian NER (`slovnet_ner_news_v1`) run natively.
//!
//! Per word: the navec news embedding of its lowercased form (300 floats, product-quantised:
//! 100 one-byte indexes into 100 tables of 256 three-float centroids) and a 30-float embedding
//! of its shape (`RU_Xx`, `PUNCT_,`, `NUM`, …). Three convolutions (kernel 3, padding 1,
//! 330 → 256 → 128 → 64 channels), each followed by ReLU and batch norm, a linear projection to
//! the 8 tags (`<pad>`, `O`, `B-PER`, …) and Viterbi decoding with the CRF transitions. The
//! arrays are read as the package stores them (raw little-endian float32 / uint8 in tars).
//!
//! A convolution is computed as one matrix product per layer, `X · [W₋₁ W₀ W₊₁]`, whose three
//! column blocks are added shifted (row t takes block −1 of row t−1, block 0 of row t, block +1
//! of row t+1): the same sums as the package's padded convolution, without copying every
//! window. The first layer's product depends on each word alone (its embedding and its
//! shape), so it is split in two: the shape part is computed for every shape at load time, and
//! the word part once per word and kept in a cache shared by all calls (up to
//! [`WORD_CACHE_WORDS`] words), so the common words of news skip the largest layer.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

use rustc_hash::FxHashMap;

use ndarray::{Array1, Array2, ArrayView2};

use crate::product::product;
use crate::strings::Strings;
use crate::tokenize::{razdel_tokens, Token};
use crate::{bio_spans, NerError, Span, NATASHA_PACKAGE};

const NAVEC_TAR: &str = "natasha/data/emb/navec_news_v1_1B_250K_300d_100q.tar";
const NER_TAR: &str = "natasha/data/model/slovnet_ner_news_v1.tar";

/// The first layer's word products kept at most (each `3 × 256` floats, 3 KB: 48 MB in all).
pub const WORD_CACHE_WORDS: usize = 16_384;

/// The compact copy of the slovnet part, a derived file in the asset cache (see
/// [`RuNer::from_cache`]), and its first field; bump the version when [`Slovnet`]'s fields
/// change.
const COMPACT: &str = "natasha-ner.bin";
/// The compact file earlier versions kept next to the package, removed when the derived file
/// is written.
const OLD_COMPACT: &str = ".storyline-natasha-ner-v1.bin";
const COMPACT_FORMAT: &str = "storyline-natasha-ner-1";

struct Layer {
    /// `[in, 3 * out]`: column `k * out + o` is kernel tap `k` (t−1, t, t+1) of output `o`
    /// (the package stores `[out, in, kernel]`).
    taps: Array2<f32>,
    out: usize,
    bias: Array1<f32>,
    gamma: Array1<f32>,
    beta: Array1<f32>,
    mean: Array1<f32>,
    std: Array1<f32>,
}

/// The Russian tagger. Build once (≈ 35 MB), share.
pub struct RuNer {
    /// The word vocabulary, numbered as the embeddings are (one text buffer, no allocation
    /// per word: 250,000 of them made most of the load time).
    words: Strings,
    unk: u32,
    /// navec: `vectors × qdim` centroid indexes and `qdim × centroids × chunk` codes.
    pq_indexes: Vec<u8>,
    pq_codes: Vec<f32>,
    qdim: usize,
    centroids: usize,
    chunk: usize,
    shapes: FxHashMap<Box<str>, u32>,
    shape_emb: Array2<f32>,
    layers: Vec<Layer>,
    /// The first layer's taps applied to each shape's embedding: `shapes × 3 * out`.
    shape_taps: Array2<f32>,
    /// The first layer's taps applied to word embeddings, by word id (see the module docs).
    word_taps: RwLock<FxHashMap<u32, Box<[f32]>>>,
    proj_w: Array2<f32>,
    proj_b: Array1<f32>,
    transitions: Array2<f32>,
    tags: Vec<String>,
}

impl std::fmt::Debug for RuNer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuNer")
            .field("words", &self.words.len())
            .field("tags", &self.tags)
            .finish()
    }
}

/// Members of a tar file by name.
fn read_tar(path: &Path) -> Result<HashMap<String, Vec<u8>>, NerError> {
    read_tar_members(path, |_| true)
}

/// One member of a tar file (`None` when there is no such member); the others are skipped
/// unread.
fn read_tar_member(path: &Path, name: &str) -> Result<Option<Vec<u8>>, NerError> {
    Ok(read_tar_members(path, |n| n == name)?.remove(name))
}

/// The members of a tar file whose names `wanted` accepts, by name.
fn read_tar_members(
    path: &Path,
    wanted: impl Fn(&str) -> bool,
) -> Result<HashMap<String, Vec<u8>>, NerError> {
    let f = std::fs::File::open(path).map_err(|e| NerError::format(path, e))?;
    let file_len = f.metadata().map_or(0, |m| m.len());
    let mut ar = tar::Archive::new(std::io::BufReader::new(f));
    let mut out = HashMap::new();
    for entry in ar
        .entries_with_seek()
        .map_err(|e| NerError::format(path, e))?
    {
        let mut entry = entry.map_err(|e| NerError::format(path, e))?;
        let name = entry
            .path()
            .map_err(|e| NerError::format(path, e))?
            .to_string_lossy()
            .into_owned();
        if !wanted(&name) {
            continue;
        }
        // Sized from the header (at most the file's size, should the header be damaged): navec's
        // 25 MB member is read without regrowing the buffer.
        let size = entry.size().min(file_len);
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        entry
            .read_to_end(&mut bytes)
            .map_err(|e| NerError::format(path, e))?;
        out.insert(name, bytes);
    }
    Ok(out)
}

fn gunzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out)?;
    Ok(out)
}

fn f32s(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

/// The arrays and vocabularies of the slovnet pack, keyed by the ids `model.json` names.
struct Pack {
    file: PathBuf,
    members: HashMap<String, Vec<u8>>,
    model: serde_json::Value,
}

impl Pack {
    fn err(&self, why: impl std::fmt::Display) -> NerError {
        NerError::format(&self.file, why)
    }

    /// The array at a JSON path of `model.json` (`{"shape": [...], "array": id}`).
    fn array(&self, path: &[&str]) -> Result<(Vec<usize>, Vec<f32>), NerError> {
        let mut v = &self.model;
        for p in path {
            v = match p.parse::<usize>() {
                Ok(i) => &v[i],
                Err(_) => &v[*p],
            };
        }
        let shape: Vec<usize> = v["shape"]
            .as_array()
            .ok_or_else(|| self.err(format!("model.json: no shape at {}", path.join("."))))?
            .iter()
            .filter_map(|d| d.as_u64().map(|d| d as usize))
            .collect();
        let id = v["array"]
            .as_u64()
            .ok_or_else(|| self.err(format!("model.json: no array at {}", path.join("."))))?;
        let name = format!("arrays/{id}.bin");
        let bytes = self
            .members
            .get(&name)
            .ok_or_else(|| self.err(format!("{name} missing")))?;
        let data = f32s(bytes);
        if data.len() != shape.iter().product::<usize>() {
            return Err(self.err(format!("{name}: {} floats for shape {shape:?}", data.len())));
        }
        Ok((shape, data))
    }

    /// A two-dimensional array at a JSON path of `model.json`.
    fn matrix(&self, path: &[&str]) -> Result<Matrix, NerError> {
        match self.array(path)? {
            (shape, data) if shape.len() == 2 => Ok(Matrix {
                rows: shape[0],
                cols: shape[1],
                data,
            }),
            (shape, _) => Err(self.err(format!("{}: shape {shape:?}", path.join(".")))),
        }
    }

    fn vocab(&self, name: &str) -> Result<Vec<String>, NerError> {
        Ok(self.vocab_text(name)?.lines().map(str::to_string).collect())
    }

    /// A vocabulary as its text, one entry a line.
    fn vocab_text(&self, name: &str) -> Result<String, NerError> {
        let member = format!("vocabs/{name}.gz");
        let bytes = self
            .members
            .get(&member)
            .ok_or_else(|| self.err(format!("{member} missing")))?;
        let text = gunzip(bytes).map_err(|e| self.err(format!("{member}: {e}")))?;
        String::from_utf8(text).map_err(|e| self.err(format!("{member}: {e}")))
    }
}

/// A matrix as stored: row-major.
#[derive(serde::Serialize, serde::Deserialize)]
struct Matrix {
    rows: usize,
    cols: usize,
    data: Vec<f32>,
}

/// One encoder layer as stored (`taps` already `[in, 3 * out]`, see [`Layer`]).
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredLayer {
    taps: Matrix,
    bias: Vec<f32>,
    gamma: Vec<f32>,
    beta: Vec<f32>,
    mean: Vec<f32>,
    std: Vec<f32>,
}

/// What the slovnet NER tar holds, read into the tagger's layout: the vocabularies, the shape
/// embedding, the encoder layers, the projection and the CRF transitions.
#[derive(serde::Serialize, serde::Deserialize)]
struct Slovnet {
    words: Strings,
    unk: u32,
    shapes: Vec<String>,
    tags: Vec<String>,
    shape_emb: Matrix,
    layers: Vec<StoredLayer>,
    proj_w: Matrix,
    proj_b: Vec<f32>,
    transitions: Matrix,
}

impl Slovnet {
    /// Read the slovnet NER tar.
    fn read(ner: &Path) -> Result<Slovnet, NerError> {
        let members = read_tar(ner)?;
        let model = members
            .get("model.json")
            .ok_or_else(|| NerError::format(ner, "model.json missing"))?;
        let model: serde_json::Value =
            serde_json::from_slice(model).map_err(|e| NerError::format(ner, e))?;
        let pack = Pack {
            file: ner.to_path_buf(),
            members,
            model,
        };
        let words = Strings::new(pack.vocab_text("word")?.lines());
        let unk = words
            .find("<unk>")
            .ok_or_else(|| pack.err("word vocabulary without <unk>"))?;
        let (shape_dims, shape_data) = pack.array(&["emb", "shape", "weight"])?;
        if shape_dims.len() != 2 {
            return Err(pack.err(format!("shape embedding of shape {shape_dims:?}")));
        }
        let mut layers = Vec::new();
        let n_layers = pack.model["encoder"]["layers"]
            .as_array()
            .map_or(0, |l| l.len());
        for l in 0..n_layers {
            let idx = l.to_string();
            let at = |a: &'static str, b: &'static str| ["encoder", "layers", idx.as_str(), a, b];
            let (dims, data) = pack.array(&at("conv", "weight"))?;
            if dims.len() != 3 || dims[2] != 3 {
                return Err(pack.err(format!("layer {l}: kernel shape {dims:?}")));
            }
            let (out, inp) = (dims[0], dims[1]);
            let mut taps = vec![0f32; inp * 3 * out];
            for (at, t) in taps.iter_mut().enumerate() {
                let (i, c) = (at / (3 * out), at % (3 * out));
                let (k, o) = (c / out, c % out);
                *t = data[(o * inp + i) * 3 + k];
            }
            layers.push(StoredLayer {
                taps: Matrix {
                    rows: inp,
                    cols: 3 * out,
                    data: taps,
                },
                bias: pack.array(&at("conv", "bias"))?.1,
                gamma: pack.array(&at("norm", "weight"))?.1,
                beta: pack.array(&at("norm", "bias"))?.1,
                mean: pack.array(&at("norm", "mean"))?.1,
                std: pack.array(&at("norm", "std"))?.1,
            });
        }
        let tags = pack.vocab("tag")?;
        Ok(Slovnet {
            words,
            unk,
            shapes: pack.vocab("shape")?,
            shape_emb: Matrix {
                rows: shape_dims[0],
                cols: shape_dims[1],
                data: shape_data,
            },
            layers,
            proj_w: pack.matrix(&["head", "proj", "weight"])?,
            proj_b: pack.array(&["head", "proj", "bias"])?.1,
            transitions: pack.matrix(&["head", "crf", "transitions"])?,
            tags,
        })
    }

    /// The parts as bytes (postcard): the format name, then the parts.
    fn to_compact(&self) -> Vec<u8> {
        postcard::to_stdvec(&(COMPACT_FORMAT, self)).unwrap_or_default()
    }

    /// The parts stored by [`Slovnet::to_compact`]; `None` when the bytes are of another
    /// format or damaged (sizes are checked when the tagger is assembled).
    fn from_compact(bytes: &[u8]) -> Option<Slovnet> {
        let (format, s): (String, Slovnet) = postcard::from_bytes(bytes).ok()?;
        (format == COMPACT_FORMAT).then_some(s)
    }
}

impl RuNer {
    /// Fetch natasha through the asset cache and load the model.
    ///
    /// Reading the slovnet tar (the gzipped 250,000-word vocabulary, the JSON-described
    /// arrays) takes about half the load, so the first load also keeps what it read as a
    /// derived file in the cache (`derived/natasha-ner.bin`, stamped with the format and the
    /// package's digest) and later loads read that; a damaged copy falls back to the package
    /// files. navec's embeddings are read from their tar each time (a copy would be as large).
    pub fn from_cache(cache: &assets::Cache) -> Result<RuNer, NerError> {
        let dir = cache.package_dir(&NATASHA_PACKAGE)?;
        let (navec, ner) = (dir.join(NAVEC_TAR), dir.join(NER_TAR));
        let stamp = format!("{COMPACT_FORMAT} {}", NATASHA_PACKAGE.sha256);
        if let Some(s) = cache
            .read_derived(COMPACT, &stamp)
            .and_then(|b| Slovnet::from_compact(&b))
        {
            if let Ok(model) = RuNer::assemble(s, &navec, &ner) {
                return Ok(model);
            }
        }
        let s = Slovnet::read(&ner)?;
        cache.write_derived(COMPACT, &stamp, &s.to_compact());
        let _ = std::fs::remove_file(dir.join(OLD_COMPACT));
        RuNer::assemble(s, &navec, &ner)
    }

    /// Load from the unpacked `natasha` package in `dir` (reads only).
    pub fn from_dir(dir: &Path) -> Result<RuNer, NerError> {
        RuNer::from_files(&dir.join(NAVEC_TAR), &dir.join(NER_TAR))
    }

    /// Load from the navec tar and the slovnet NER tar.
    pub fn from_files(navec: &Path, ner: &Path) -> Result<RuNer, NerError> {
        RuNer::assemble(Slovnet::read(ner)?, navec, ner)
    }

    /// The tagger from slovnet's part (read from `ner` or its compact copy) and navec's
    /// product-quantised embeddings (`pq.bin` of the `navec` tar).
    fn assemble(s: Slovnet, navec: &Path, ner: &Path) -> Result<RuNer, NerError> {
        let bad = |why: &str| NerError::format(ner, why);
        let matrix = |m: Matrix| {
            Array2::from_shape_vec((m.rows, m.cols), m.data).map_err(|e| NerError::format(ner, e))
        };
        let words = s.words;
        if words.get(s.unk) != "<unk>" {
            return Err(bad("word vocabulary without <unk>"));
        }
        let shapes: FxHashMap<Box<str>, u32> = s
            .shapes
            .into_iter()
            .enumerate()
            .map(|(i, w)| (w.into_boxed_str(), i as u32))
            .collect();
        let shape_emb = matrix(s.shape_emb)?;
        let mut layers = Vec::with_capacity(s.layers.len());
        for l in s.layers {
            layers.push(Layer {
                out: l.taps.cols / 3,
                taps: matrix(l.taps)?,
                bias: Array1::from(l.bias),
                gamma: Array1::from(l.gamma),
                beta: Array1::from(l.beta),
                mean: Array1::from(l.mean),
                std: Array1::from(l.std),
            });
        }
        let proj_w = matrix(s.proj_w)?;
        let proj_b = Array1::from(s.proj_b);
        let transitions = matrix(s.transitions)?;
        let tags = s.tags;
        if transitions.dim() != (tags.len(), tags.len())
            || proj_w.ncols() != proj_b.len()
            || layers.iter().any(|l| {
                l.taps.ncols() != 3 * l.out
                    || [&l.bias, &l.gamma, &l.beta, &l.mean, &l.std]
                        .iter()
                        .any(|v| v.len() != l.out)
            })
        {
            return Err(bad("layer sizes do not fit"));
        }

        // navec's pq.bin: u32 vectors, dim, qdim, centroids; indexes; codes.
        let mut pq = read_tar_member(navec, "pq.bin")?
            .ok_or_else(|| NerError::format(navec, "pq.bin missing"))?;
        if pq.len() < 16 {
            return Err(NerError::format(navec, "pq.bin too short"));
        }
        let head: Vec<usize> = pq[..16]
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
            .collect();
        let (vectors, dim, qdim, centroids) = (head[0], head[1], head[2], head[3]);
        let idx_end = 16 + vectors * qdim;
        if qdim == 0 || dim % qdim != 0 || pq.len() != idx_end + 4 * qdim * centroids * (dim / qdim)
        {
            return Err(NerError::format(navec, "pq.bin: sizes do not add up"));
        }
        if words.len() > vectors {
            return Err(NerError::format(
                navec,
                format!("{} words but {vectors} vectors", words.len()),
            ));
        }
        let wdim = qdim * (dim / qdim);
        let shape_taps = match layers.first() {
            Some(first) if first.taps.nrows() == wdim + shape_emb.ncols() => {
                shape_emb.dot(&first.taps.slice(ndarray::s![wdim.., ..]))
            }
            _ => return Err(bad("layer sizes do not fit")),
        };
        let pq_codes = f32s(&pq[idx_end..]);
        // The indexes in place (25 MB): the header and codes cut off, not copied out.
        pq.truncate(idx_end);
        pq.drain(..16);
        let model = RuNer {
            words,
            unk: s.unk,
            pq_indexes: pq,
            pq_codes,
            qdim,
            centroids,
            chunk: dim / qdim,
            shapes,
            shape_emb,
            layers,
            shape_taps,
            word_taps: RwLock::new(FxHashMap::default()),
            proj_w,
            proj_b,
            transitions,
            tags,
        };
        let input = model.input_dim();
        if model.layers.first().map(|l| l.taps.nrows()) != Some(input)
            || model.layers.last().map(|l| l.out) != Some(model.proj_w.nrows())
            || model
                .layers
                .windows(2)
                .any(|w| w[0].out != w[1].taps.nrows())
            || model.shapes.len() != model.shape_emb.nrows()
        {
            return Err(bad("layer sizes do not fit"));
        }
        Ok(model)
    }

    fn input_dim(&self) -> usize {
        self.qdim * self.chunk + self.shape_emb.ncols()
    }

    /// Tags of a sequence of words (natasha tags a whole text as one sequence).
    pub fn tags<S: AsRef<str>>(&self, words: &[S]) -> Vec<&str> {
        self.tag_ids(words)
            .into_iter()
            .map(|t| self.tags[t].as_str())
            .collect()
    }

    /// Tag indexes of a sequence of words.
    pub fn tag_ids<S: AsRef<str>>(&self, words: &[S]) -> Vec<usize> {
        self.tag_ids_many(&[words]).pop().unwrap_or_default()
    }

    /// Tag indexes of several sequences, each tagged as if alone: they go through the layers
    /// as one matrix (fewer, larger products), no convolution reaching across a boundary.
    pub fn tag_ids_many<S: AsRef<str>>(&self, seqs: &[&[S]]) -> Vec<Vec<usize>> {
        let n: usize = seqs.iter().map(|s| s.len()).sum();
        let Some(first) = self.layers.first() else {
            return seqs.iter().map(|_| Vec::new()).collect();
        };
        if n == 0 {
            return seqs.iter().map(|_| Vec::new()).collect();
        }
        // Which rows start and end a sequence.
        let mut edges = vec![(false, false); n];
        let mut at = 0;
        for s in seqs.iter().filter(|s| !s.is_empty()) {
            edges[at].0 = true;
            edges[at + s.len() - 1].1 = true;
            at += s.len();
        }
        let taps = 3 * first.out;
        // The first layer's products per word: shape part + word part.
        let mut ids = Vec::with_capacity(n);
        let mut shape_ids = Vec::with_capacity(n);
        // One buffer each for the lowercased word and its shape, reused for every word.
        let (mut lower, mut shape) = (String::new(), String::new());
        for w in seqs.iter().flat_map(|s| s.iter()) {
            let w = w.as_ref();
            lower.clear();
            lower.extend(w.chars().flat_map(char::to_lowercase));
            ids.push(self.words.find(&lower).unwrap_or(self.unk));
            shape.clear();
            write_shape(w, &mut shape);
            let sid = self.shapes.get(shape.as_str()).copied().unwrap_or(0) as usize;
            shape_ids.push(sid);
        }
        let z = self.first_layer(&ids, &shape_ids, taps);
        let mut x = shifted_relu_norm(z.view(), first, &edges);
        for layer in &self.layers[1..] {
            let z = product(x.view(), layer.taps.view());
            x = shifted_relu_norm(z.view(), layer, &edges);
        }
        let mut emissions = product(x.view(), self.proj_w.view());
        emissions += &self.proj_b;
        let mut out = Vec::with_capacity(seqs.len());
        let mut at = 0;
        for s in seqs {
            let rows = emissions.slice(ndarray::s![at..at + s.len(), ..]);
            out.push(if s.is_empty() {
                Vec::new()
            } else {
                viterbi(rows, self.transitions.view())
            });
            at += s.len();
        }
        out
    }

    /// The first layer's products, a row per word: its shape's (computed at load) plus its
    /// word's, from the cache, else computed (once per distinct word of the call, in one
    /// matrix product) and cached.
    fn first_layer(&self, ids: &[u32], shape_ids: &[usize], taps: usize) -> Array2<f32> {
        let shape_row = |sid: usize| {
            self.shape_taps
                .row(sid)
                .to_slice()
                .filter(|r| r.len() == taps)
        };
        let mut z = Vec::with_capacity(ids.len() * taps);
        // Rows whose word is not cached: (row, word id).
        let mut pending: Vec<(usize, u32)> = Vec::new();
        {
            let cache = self.word_taps.read().unwrap_or_else(|e| e.into_inner());
            for (t, (id, &sid)) in ids.iter().zip(shape_ids).enumerate() {
                let Some(shape) = shape_row(sid) else {
                    z.resize(z.len() + taps, 0.0);
                    continue;
                };
                match cache.get(id) {
                    Some(word) => z.extend(shape.iter().zip(word.iter()).map(|(s, w)| s + w)),
                    None => {
                        z.extend_from_slice(shape);
                        pending.push((t, *id));
                    }
                }
            }
        }
        if !pending.is_empty() {
            let mut missing: Vec<u32> = pending.iter().map(|&(_, id)| id).collect();
            missing.sort_unstable();
            missing.dedup();
            let products = self.word_products(&missing);
            for &(t, id) in &pending {
                if let (Ok(r), Some(row)) = (
                    missing.binary_search(&id),
                    z.get_mut(t * taps..(t + 1) * taps),
                ) {
                    let word = products.row(r);
                    for (a, b) in row.iter_mut().zip(word.iter()) {
                        *a += b;
                    }
                }
            }
            let mut cache = self.word_taps.write().unwrap_or_else(|e| e.into_inner());
            for (r, &id) in missing.iter().enumerate() {
                if cache.len() >= WORD_CACHE_WORDS {
                    break;
                }
                cache.insert(id, products.row(r).to_vec().into_boxed_slice());
            }
        }
        Array2::from_shape_vec((ids.len(), taps), z)
            .unwrap_or_else(|_| Array2::zeros((ids.len(), taps)))
    }

    /// The first layer's taps applied to the embeddings of `words` (ids), a row each.
    fn word_products(&self, words: &[u32]) -> Array2<f32> {
        let wdim = self.qdim * self.chunk;
        let mut emb = Array2::<f32>::zeros((words.len(), wdim));
        for (r, &id) in words.iter().enumerate() {
            let mut row = emb.row_mut(r);
            let row = row.as_slice_mut().expect("a fresh array is contiguous");
            let id = id as usize;
            let codes = &self.pq_indexes[id * self.qdim..(id + 1) * self.qdim];
            for (q, &c) in codes.iter().enumerate() {
                let from = (q * self.centroids + c as usize) * self.chunk;
                row[q * self.chunk..(q + 1) * self.chunk]
                    .copy_from_slice(&self.pq_codes[from..from + self.chunk]);
            }
        }
        product(
            emb.view(),
            self.layers[0].taps.slice(ndarray::s![..wdim, ..]),
        )
    }

    /// Entity spans of several texts (each tagged alone, as [`RuNer::spans`]), in one batch.
    pub fn spans_many(&self, texts: &[&str]) -> Vec<Vec<Span>> {
        let tokens: Vec<Vec<Token>> = texts.iter().map(|t| razdel_tokens(t)).collect();
        let words: Vec<Vec<&str>> = tokens
            .iter()
            .zip(texts)
            .map(|(ts, text)| ts.iter().map(|t| &text[t.range.clone()]).collect())
            .collect();
        let seqs: Vec<&[&str]> = words.iter().map(Vec::as_slice).collect();
        let tags = self.tag_ids_many(&seqs);
        tokens
            .into_iter()
            .zip(tags)
            .map(|(ts, tags)| {
                bio_spans(
                    ts.into_iter()
                        .map(|t| t.range)
                        .zip(tags.into_iter().map(|t| self.tags[t].as_str())),
                )
            })
            .collect()
    }

    /// Entity spans of a text: razdel tokens, tags, BIO spans.
    pub fn spans(&self, text: &str) -> Vec<Span> {
        let tokens = razdel_tokens(text);
        let words: Vec<&str> = tokens.iter().map(|t| &text[t.range.clone()]).collect();
        let tags = self.tags(&words);
        bio_spans(tokens.into_iter().map(|t| t.range).zip(tags))
    }
}

/// The rest of an encoder layer, given `z = x · taps` (`T × 3 out`): the convolution (kernel
/// 3, zero padding 1 at each sequence's ends) as the shifted sum of the three tap blocks, then ReLU and batch norm.
/// `edges[t]` says whether row t starts and whether it ends a sequence (nothing is added across).
fn shifted_relu_norm(z: ArrayView2<f32>, layer: &Layer, edges: &[(bool, bool)]) -> Array2<f32> {
    let (n, out) = (z.nrows(), layer.out);
    let width = 3 * out;
    // Rows as plain slices (the products are in standard layout; a view that is not is copied
    // once), so that the loops below run without index checks and vectorise.
    let z = z.as_standard_layout();
    let zs = z.as_slice().unwrap_or(&[]);
    // Borrowed, not copied per call: the layer's vectors are contiguous (an empty slice
    // fails the length check below).
    fn per_channel(a: &Array1<f32>) -> &[f32] {
        a.as_slice().unwrap_or(&[])
    }
    let (bias, mean, std, gamma, beta) = (
        per_channel(&layer.bias),
        per_channel(&layer.mean),
        per_channel(&layer.std),
        per_channel(&layer.gamma),
        per_channel(&layer.beta),
    );
    let mut y = vec![0f32; n * out];
    if zs.len() != n * width
        || [bias, mean, std, gamma, beta]
            .iter()
            .any(|v| v.len() != out)
    {
        return Array2::zeros((n, out));
    }
    for (t, yt) in y.chunks_exact_mut(out).enumerate() {
        // The same sums, in the same order, as the padded convolution's taps: t, bias, t−1, t+1.
        let here = &zs[t * width + out..t * width + 2 * out];
        for ((v, h), b) in yt.iter_mut().zip(here).zip(bias) {
            *v = h + b;
        }
        if t > 0 && !edges[t].0 {
            let prev = &zs[(t - 1) * width..(t - 1) * width + out];
            for (v, p) in yt.iter_mut().zip(prev) {
                *v += p;
            }
        }
        if t + 1 < n && !edges[t].1 {
            let next = &zs[(t + 1) * width + 2 * out..(t + 2) * width];
            for (v, x) in yt.iter_mut().zip(next) {
                *v += x;
            }
        }
        for ((((v, m), s), g), b) in yt.iter_mut().zip(mean).zip(std).zip(gamma).zip(beta) {
            *v = (v.max(0.0) - m) / s * g + b;
        }
    }
    Array2::from_shape_vec((n, out), y).unwrap_or_else(|_| Array2::zeros((n, out)))
}

/// Viterbi over `T × tags` emissions with `transitions[from][to]`; ties go to the lower index,
/// as numpy's argmax.
fn viterbi(emissions: ArrayView2<f32>, transitions: ArrayView2<f32>) -> Vec<usize> {
    let (n, k) = emissions.dim();
    let mut score: Vec<f32> = emissions.row(0).to_vec();
    // The back pointers of step t (t ≥ 1) at `(t - 1) * k..t * k`: one buffer for all steps.
    let mut history: Vec<usize> = vec![0; n.saturating_sub(1) * k];
    let mut next = vec![0f32; k];
    for (t, back) in (1..n).zip(history.chunks_exact_mut(k.max(1))) {
        for j in 0..k {
            let mut best = f32::NEG_INFINITY;
            let mut arg = 0;
            for i in 0..k {
                let s = score[i] + transitions[[i, j]] + emissions[[t, j]];
                if s > best {
                    best = s;
                    arg = i;
                }
            }
            next[j] = best;
            back[j] = arg;
        }
        std::mem::swap(&mut score, &mut next);
    }
    let mut best = argmax(&score);
    let mut tags = Vec::with_capacity(n);
    tags.push(best);
    for back in history.chunks_exact(k.max(1)).rev() {
        best = back[best];
        tags.push(best);
    }
    tags.reverse();
    tags
}

fn argmax(v: &[f32]) -> usize {
    let mut arg = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[arg] {
            arg = i;
        }
    }
    arg
}

/// slovnet's word shape as a new string (the tests' form of [`write_shape`]).
#[cfg(test)]
fn word_shape(word: &str) -> String {
    let mut out = String::new();
    write_shape(word, &mut out);
    out
}

/// slovnet's word shape (`RU_Xx`, `EN_XX`, `PUNCT_,`, `PUNCT_OTHER`, `NUM`, `OTHER`, …),
/// appended to `out` (one buffer serves every word of a call).
fn write_shape(word: &str, out: &mut String) {
    const PUNCTS: &str = "!#$%&()[]\\/*+,.:;<=>?@^_{|}~-‐−‒⁃–—―`\"'«»„“ʼʻ”№…";
    let first = word.chars().next();
    let is_ru = |c: char| matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё');
    let ty = match first {
        Some(c) if is_ru(c) => "RU",
        Some(c) if c.is_ascii_alphabetic() => "EN",
        Some(c) if c.is_numeric() => "NUM",
        Some(c @ ('+' | '-')) if word[c.len_utf8()..].starts_with(|d: char| d.is_numeric()) => {
            "NUM"
        }
        Some(c) if PUNCTS.contains(c) => "PUNCT",
        _ => "OTHER",
    };
    match ty {
        "RU" | "EN" => {
            out.push_str(ty);
            out.push('_');
            out.push_str(outline(word));
        }
        "PUNCT" => {
            if word.chars().count() > 1 || !PUNCTS.contains(word) {
                out.push_str("PUNCT_OTHER");
            } else {
                out.push_str("PUNCT_");
                out.push_str(word);
            }
        }
        other => out.push_str(other),
    }
}

/// Python's `str.isupper` / `str.islower`: some cased character, and all cased ones so.
fn py_is(word: &str, upper: bool) -> bool {
    let mut cased = false;
    for c in word.chars() {
        if c.is_uppercase() {
            if !upper {
                return false;
            }
            cased = true;
        } else if c.is_lowercase() {
            if upper {
                return false;
            }
            cased = true;
        }
    }
    cased
}

fn is_title(word: &str) -> bool {
    let mut cs = word.chars();
    match cs.next() {
        Some(f) => word.chars().count() > 1 && f.is_uppercase() && py_is(cs.as_str(), false),
        None => false,
    }
}

fn outline(word: &str) -> &'static str {
    if word.chars().count() == 1 {
        if py_is(word, true) {
            "X"
        } else {
            "x"
        }
    } else if py_is(word, true) {
        "XX"
    } else if py_is(word, false) {
        "xx"
    } else if is_title(word) {
        "Xx"
    } else if word
        .split_once('-')
        .is_some_and(|(l, r)| is_title(l) && is_title(r))
    {
        "Xx-Xx"
    } else {
        "OTHER"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic pseudo-random float in [-1, 1).
    fn noise(i: usize) -> f32 {
        let x = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
        x as f32 / (1u64 << 23) as f32 - 1.0
    }

    /// The convolution as the package computes it: zero padding 1, kernel 3, then ReLU and
    /// batch norm, straight from `[out, in, 3]` weights.
    fn reference(x: &Array2<f32>, w: &[f32], layer: &Layer) -> Array2<f32> {
        let (n, inp) = x.dim();
        let out = layer.out;
        Array2::from_shape_fn((n, out), |(t, o)| {
            let mut v = layer.bias[o];
            for k in 0..3 {
                let Some(src) = (t + k).checked_sub(1).filter(|&s| s < n) else {
                    continue;
                };
                for i in 0..inp {
                    v += w[(o * inp + i) * 3 + k] * x[[src, i]];
                }
            }
            let v = v.max(0.0);
            (v - layer.mean[o]) / layer.std[o] * layer.gamma[o] + layer.beta[o]
        })
    }

    #[test]
    fn shifted_taps_equal_the_padded_convolution() {
        let (inp, out) = (7, 5);
        let w: Vec<f32> = (0..out * inp * 3).map(noise).collect();
        let v = |from: usize| Array1::from_iter((0..out).map(|o| noise(from + o)));
        let layer = Layer {
            taps: Array2::from_shape_fn((inp, 3 * out), |(i, c)| {
                w[((c % out) * inp + i) * 3 + c / out]
            }),
            out,
            bias: v(1000),
            gamma: v(2000),
            beta: v(3000),
            mean: v(4000),
            std: v(5000).mapv(|s| s.abs() + 0.5),
        };
        for n in [1, 2, 3, 9] {
            let x = Array2::from_shape_fn((n, inp), |(t, i)| noise(7000 + t * inp + i));
            let mut edges = vec![(false, false); n];
            edges[0].0 = true;
            edges[n - 1].1 = true;
            let got = shifted_relu_norm(x.dot(&layer.taps).view(), &layer, &edges);
            let want = reference(&x, &w, &layer);
            for (g, e) in got.iter().zip(want.iter()) {
                assert!((g - e).abs() < 1e-4, "{n} words: {g} vs {e}");
            }
        }
    }

    #[test]
    fn shapes_as_slovnet() {
        for (w, s) in [
            ("Путин", "RU_Xx"),
            ("МИД", "RU_XX"),
            ("в", "RU_x"),
            ("Ростов-на-Дону", "RU_OTHER"),
            ("Санкт-Петербург", "RU_Xx-Xx"),
            ("СИЗО-6", "RU_XX"),
            ("NATO", "EN_XX"),
            ("2011-2020", "NUM"),
            ("-5", "NUM"),
            (",", "PUNCT_,"),
            ("«", "PUNCT_«"),
            (".?!", "PUNCT_OTHER"),
            ("ΔP", "OTHER"),
        ] {
            assert_eq!(word_shape(w), s, "{w}");
        }
    }

    fn tiny_slovnet() -> Slovnet {
        let m = |rows: usize, cols: usize| Matrix {
            rows,
            cols,
            data: (0..rows * cols).map(noise).collect(),
        };
        Slovnet {
            words: Strings::new(["<pad>", "<unk>", "путин"]),
            unk: 1,
            shapes: vec!["RU_x".into(), "PUNCT_.".into()],
            tags: vec!["O".into(), "B-PER".into()],
            shape_emb: m(2, 3),
            layers: vec![StoredLayer {
                taps: m(9, 6),
                bias: vec![0.1, 0.2],
                gamma: vec![1.0, 1.5],
                beta: vec![0.0, -0.5],
                mean: vec![0.3, 0.4],
                std: vec![1.0, 2.0],
            }],
            proj_w: m(2, 2),
            proj_b: vec![0.5, -0.5],
            transitions: m(2, 2),
        }
    }

    #[test]
    fn the_compact_copy_reads_back_and_a_damaged_one_is_refused() {
        let s = tiny_slovnet();
        let bytes = s.to_compact();
        let back = Slovnet::from_compact(&bytes).expect("reads back");
        assert_eq!(back.words, s.words);
        assert_eq!(
            (back.unk, &back.shapes, &back.tags),
            (s.unk, &s.shapes, &s.tags)
        );
        assert_eq!(back.layers[0].taps.data, s.layers[0].taps.data);
        assert_eq!(back.layers[0].std, s.layers[0].std);
        assert_eq!(back.transitions.data, s.transitions.data);
        assert_eq!(back.to_compact(), bytes);
        assert!(Slovnet::from_compact(&bytes[..bytes.len() - 5]).is_none());
        assert!(Slovnet::from_compact(b"not a model").is_none());
    }
}
