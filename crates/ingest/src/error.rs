//! The one error type of ingest: which input (file, line, record) and what is wrong with it.

use std::fmt;

/// A problem with one input: a file, a JSONL line or a WARC/feed record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestError {
    /// `path`, `path:line` or `path#record`.
    pub input: String,
    pub why: String,
}

impl IngestError {
    pub fn new(input: impl Into<String>, why: impl Into<String>) -> IngestError {
        IngestError {
            input: input.into(),
            why: why.into(),
        }
    }
}

impl fmt::Display for IngestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.input, self.why)
    }
}

impl std::error::Error for IngestError {}
