//! The one error type of ingest: which input (file, line, record) and what is wrong with it.

use std::fmt;

/// A problem with one input: a file, a JSONL line or a WARC/feed record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestError {
    /// `path`, `path:line` or `path#record`.
    pub input: String,
    pub why: String,
    /// The input is readable but holds no document (a feed without items): worth a message,
    /// but "nothing found" rather than a failure (the CLI's exit status 1, not 2).
    pub empty: bool,
}

impl IngestError {
    pub fn new(input: impl Into<String>, why: impl Into<String>) -> IngestError {
        IngestError {
            input: input.into(),
            why: why.into(),
            empty: false,
        }
    }

    /// An input that was read without fault but holds no document.
    pub fn empty(input: impl Into<String>, why: impl Into<String>) -> IngestError {
        IngestError {
            empty: true,
            ..IngestError::new(input, why)
        }
    }
}

impl fmt::Display for IngestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.input, self.why)
    }
}

impl std::error::Error for IngestError {}
