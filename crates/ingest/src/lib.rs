//! Ingest: turn files, directories and streams into decoded [`model::RawDocument`]s.
//!
//! Reads `.html/.htm`, `.txt`, `.jsonl`, WARC (`.warc`, `.warc.gz`, response records with HTML
//! payloads, with the hints of the metadata records that name them), RSS 2.0 and Atom feeds (each item an article), any of them gzipped, and directories
//! recursively. Byte encodings are detected and decoded here ([`decode()`]), so every later stage
//! sees Unicode. Reading is streaming: a bad record or file yields an [`IngestError`] naming it and
//! reading goes on with the next one.

mod decode;
mod error;
mod feed;
mod jsonl;
mod reader;
mod warc;

pub use decode::{decode, Decoded};
pub use error::IngestError;
pub use reader::{read_paths, Format, Options, Reader};

/// Read ingest JSON Lines (one article per line) from any reader, e.g. a request body; `shown`
/// names the input in errors (`shown:line`).
pub fn read_jsonl(
    reader: Box<dyn std::io::BufRead>,
    shown: &str,
    opts: Options,
) -> impl Iterator<Item = Result<model::RawDocument, IngestError>> {
    jsonl::Records::new(reader, shown.to_string(), opts)
}

/// Read WARC records from any reader (one record, or a whole uncompressed file), as
/// `storyline ingest` reads a `.warc` file; `shown` names the input in errors (`shown#recordN`).
/// The watcher turns each response it archives into a document through this, so that
/// re-ingesting its archive gives the same documents.
pub fn read_warc(
    reader: Box<dyn std::io::BufRead>,
    shown: &str,
    opts: Options,
) -> impl Iterator<Item = Result<model::RawDocument, IngestError>> {
    warc::Records::new(reader, shown.to_string(), opts)
}
