//! natasha's Russian NER (`slovnet_ner_news_v1`) run natively.
//!
//! Per word: the navec news embedding of its lowercased form (300 floats, product-quantised:
//! 100 one-byte indexes into 100 tables of 256 three-float centroids) and a 30-float embedding
//! of its shape (`RU_Xx`, `PUNCT_,`, `NUM`, …). Three convolutions (kernel 3, padding 1,
//! 330 → 256 → 128 → 64 channels), each followed by ReLU and batch norm, a linear projection to
//! the 8 tags (`<pad>`, `O`, `B-PER`, …) and Viterbi decoding with the CRF transitions. The
//! arrays are read as the package stores them (raw little-endian float32 / uint8 in tars).

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use ndarray::{linalg::general_mat_mul, Array1, Array2, ArrayView2};

use crate::tokenize::razdel_tokens;
use crate::{bio_spans, NerError, Span, NATASHA_PACKAGE};

const NAVEC_TAR: &str = "natasha/data/emb/navec_news_v1_1B_250K_300d_100q.tar";
const NER_TAR: &str = "natasha/data/model/slovnet_ner_news_v1.tar";

struct Layer {
    /// `[out, in * 3]`, column `i * 3 + k` (the package's `[out, in, kernel]`).
    weight: Array2<f32>,
    bias: Array1<f32>,
    gamma: Array1<f32>,
    beta: Array1<f32>,
    mean: Array1<f32>,
    std: Array1<f32>,
}

/// The Russian tagger. Build once (≈ 35 MB), share.
pub struct RuNer {
    words: FxHashMap<Box<str>, u32>,
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
    let f = std::fs::File::open(path).map_err(|e| NerError::format(path, e))?;
    let mut ar = tar::Archive::new(std::io::BufReader::new(f));
    let mut out = HashMap::new();
    for entry in ar.entries().map_err(|e| NerError::format(path, e))? {
        let mut entry = entry.map_err(|e| NerError::format(path, e))?;
        let name = entry
            .path()
            .map_err(|e| NerError::format(path, e))?
            .to_string_lossy()
            .into_owned();
        let mut bytes = Vec::new();
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

    fn matrix(&self, path: &[&str], rows: usize, cols: usize) -> Result<Array2<f32>, NerError> {
        let (_, data) = self.array(path)?;
        Array2::from_shape_vec((rows, cols), data).map_err(|e| self.err(e))
    }

    fn vector(&self, path: &[&str]) -> Result<Array1<f32>, NerError> {
        Ok(Array1::from(self.array(path)?.1))
    }

    fn vocab(&self, name: &str) -> Result<Vec<String>, NerError> {
        let member = format!("vocabs/{name}.gz");
        let bytes = self
            .members
            .get(&member)
            .ok_or_else(|| self.err(format!("{member} missing")))?;
        let text = gunzip(bytes).map_err(|e| self.err(format!("{member}: {e}")))?;
        let text = String::from_utf8(text).map_err(|e| self.err(format!("{member}: {e}")))?;
        Ok(text.lines().map(str::to_string).collect())
    }
}

impl RuNer {
    /// Fetch natasha through the asset cache and load the model.
    pub fn from_cache(cache: &assets::Cache) -> Result<RuNer, NerError> {
        let dir = cache.package_dir(&NATASHA_PACKAGE)?;
        RuNer::from_files(&dir.join(NAVEC_TAR), &dir.join(NER_TAR))
    }

    /// Load from the navec tar and the slovnet NER tar.
    pub fn from_files(navec: &Path, ner: &Path) -> Result<RuNer, NerError> {
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
        let words = pack.vocab("word")?;
        let unk = words
            .iter()
            .position(|w| w == "<unk>")
            .ok_or_else(|| pack.err("word vocabulary without <unk>"))? as u32;
        let words: FxHashMap<Box<str>, u32> = words
            .into_iter()
            .enumerate()
            .map(|(i, w)| (w.into_boxed_str(), i as u32))
            .collect();
        let shapes: FxHashMap<Box<str>, u32> = pack
            .vocab("shape")?
            .into_iter()
            .enumerate()
            .map(|(i, w)| (w.into_boxed_str(), i as u32))
            .collect();
        let tags = pack.vocab("tag")?;
        let (shape_dims, shape_data) = pack.array(&["emb", "shape", "weight"])?;
        let shape_emb = Array2::from_shape_vec((shape_dims[0], shape_dims[1]), shape_data)
            .map_err(|e| pack.err(e))?;
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
            let weight =
                Array2::from_shape_vec((dims[0], dims[1] * 3), data).map_err(|e| pack.err(e))?;
            layers.push(Layer {
                weight,
                bias: pack.vector(&at("conv", "bias"))?,
                gamma: pack.vector(&at("norm", "weight"))?,
                beta: pack.vector(&at("norm", "bias"))?,
                mean: pack.vector(&at("norm", "mean"))?,
                std: pack.vector(&at("norm", "std"))?,
            });
        }
        let (pdims, _) = pack.array(&["head", "proj", "weight"])?;
        let proj_w = pack.matrix(&["head", "proj", "weight"], pdims[0], pdims[1])?;
        let proj_b = pack.vector(&["head", "proj", "bias"])?;
        let transitions = pack.matrix(&["head", "crf", "transitions"], tags.len(), tags.len())?;

        // navec's pq.bin: u32 vectors, dim, qdim, centroids; indexes; codes.
        let nav = read_tar(navec)?;
        let pq = nav
            .get("pq.bin")
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
        let model = RuNer {
            words,
            unk,
            pq_indexes: pq[16..idx_end].to_vec(),
            pq_codes: f32s(&pq[idx_end..]),
            qdim,
            centroids,
            chunk: dim / qdim,
            shapes,
            shape_emb,
            layers,
            proj_w,
            proj_b,
            transitions,
            tags,
        };
        let input = model.input_dim();
        if model.layers.first().map(|l| l.weight.ncols()) != Some(input * 3)
            || model.layers.last().map(|l| l.weight.nrows()) != Some(model.proj_w.nrows())
            || model.shapes.len() != model.shape_emb.nrows()
        {
            return Err(NerError::format(ner, "layer sizes do not fit"));
        }
        Ok(model)
    }

    fn input_dim(&self) -> usize {
        self.qdim * self.chunk + self.shape_emb.ncols()
    }

    /// The tag names, indexed as [`RuNer::tag_ids`] returns them.
    pub fn tag_names(&self) -> &[String] {
        &self.tags
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
        let n = words.len();
        if n == 0 {
            return Vec::new();
        }
        let wdim = self.qdim * self.chunk;
        let d = self.input_dim();
        let mut x = Array2::<f32>::zeros((n, d));
        let mut lower = String::new();
        for (t, w) in words.iter().enumerate() {
            let w = w.as_ref();
            lower.clear();
            lower.extend(w.chars().flat_map(char::to_lowercase));
            let id = self.words.get(lower.as_str()).copied().unwrap_or(self.unk) as usize;
            let mut row = x.row_mut(t);
            let row = row.as_slice_mut().expect("a fresh array is contiguous");
            let codes = &self.pq_indexes[id * self.qdim..(id + 1) * self.qdim];
            for (q, &c) in codes.iter().enumerate() {
                let from = (q * self.centroids + c as usize) * self.chunk;
                row[q * self.chunk..(q + 1) * self.chunk]
                    .copy_from_slice(&self.pq_codes[from..from + self.chunk]);
            }
            let shape = word_shape(w);
            let sid = self.shapes.get(shape.as_str()).copied().unwrap_or(0) as usize;
            row[wdim..].copy_from_slice(
                self.shape_emb
                    .row(sid)
                    .as_slice()
                    .expect("a loaded array is contiguous"),
            );
        }
        for layer in &self.layers {
            x = conv_relu_norm(x.view(), layer);
        }
        let mut emissions = x.dot(&self.proj_w);
        emissions += &self.proj_b;
        viterbi(emissions.view(), self.transitions.view())
    }

    /// Entity spans of a text: razdel tokens, tags, BIO spans.
    pub fn spans(&self, text: &str) -> Vec<Span> {
        let tokens = razdel_tokens(text);
        let words: Vec<&str> = tokens.iter().map(|t| &text[t.range.clone()]).collect();
        let tags = self.tags(&words);
        bio_spans(tokens.into_iter().map(|t| t.range).zip(tags))
    }
}

/// One encoder layer over a `T × in` sequence: convolution (kernel 3, zero padding 1), ReLU,
/// batch norm.
fn conv_relu_norm(x: ArrayView2<f32>, layer: &Layer) -> Array2<f32> {
    let (n, d) = x.dim();
    // im2col: window row t holds x[t-1+k][i] at column i * 3 + k.
    let mut windows = Array2::<f32>::zeros((n, d * 3));
    for t in 0..n {
        let mut row = windows.row_mut(t);
        let row = row.as_slice_mut().expect("a fresh array is contiguous");
        for k in 0..3 {
            let Some(src) = (t + k).checked_sub(1).filter(|&s| s < n) else {
                continue;
            };
            for (i, v) in x.row(src).iter().enumerate() {
                row[i * 3 + k] = *v;
            }
        }
    }
    let out_dim = layer.weight.nrows();
    let mut y = Array2::<f32>::zeros((n, out_dim));
    general_mat_mul(1.0, &windows, &layer.weight.t(), 0.0, &mut y);
    for mut row in y.rows_mut() {
        for (o, v) in row.iter_mut().enumerate() {
            let z = (*v + layer.bias[o]).max(0.0);
            *v = (z - layer.mean[o]) / layer.std[o] * layer.gamma[o] + layer.beta[o];
        }
    }
    y
}

/// Viterbi over `T × tags` emissions with `transitions[from][to]`; ties go to the lower index,
/// as numpy's argmax.
fn viterbi(emissions: ArrayView2<f32>, transitions: ArrayView2<f32>) -> Vec<usize> {
    let (n, k) = emissions.dim();
    let mut score: Vec<f32> = emissions.row(0).to_vec();
    let mut history: Vec<Vec<usize>> = Vec::with_capacity(n.saturating_sub(1));
    let mut next = vec![0f32; k];
    for t in 1..n {
        let mut back = vec![0usize; k];
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
        history.push(back);
    }
    let mut best = argmax(&score);
    let mut tags = vec![best];
    for back in history.iter().rev() {
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

/// slovnet's word shape: `RU_Xx`, `EN_XX`, `PUNCT_,`, `PUNCT_OTHER`, `NUM`, `OTHER`, ….
pub fn word_shape(word: &str) -> String {
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
        "RU" | "EN" => format!("{ty}_{}", outline(word)),
        "PUNCT" => {
            if word.chars().count() > 1 || !PUNCTS.contains(word) {
                "PUNCT_OTHER".into()
            } else {
                format!("PUNCT_{word}")
            }
        }
        other => other.into(),
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
}
