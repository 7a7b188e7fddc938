//! Walking inputs: files and directories, format by name then by content, gzip by magic bytes.
//! A file's id is its path below the directory it was found in (see [`file_id`]); every id is
//! checked ([`model::id_problem`]) before a document leaves this crate.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use model::{Content, RawDocument, RawMeta};

use crate::decode::{decode, wide_unicode};
use crate::error::IngestError;
use crate::{feed, jsonl, warc};

/// How an input is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Text,
    Jsonl,
    Warc,
    Feed,
}

/// Limits that keep one input from taking the machine down.
#[derive(Debug, Clone)]
pub struct Options {
    /// Largest single document (a page, a JSONL line, a WARC record), after decompression.
    pub max_document_bytes: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            max_document_bytes: 32 << 20,
        }
    }
}

type Records = Box<dyn Iterator<Item = Result<RawDocument, IngestError>>>;

/// A streaming reader over many inputs. Yields documents and per-input errors in order.
pub struct Reader {
    pending: VecDeque<PathBuf>,
    walking: Option<Box<dyn Iterator<Item = walkdir::Result<walkdir::DirEntry>>>>,
    /// The directory being walked, that the ids of its files are relative to.
    root: Option<PathBuf>,
    current: Option<Records>,
    opts: Options,
}

/// Read every document under `paths` (files, directories, or `-` for JSONL on standard input).
pub fn read_paths(paths: &[PathBuf], opts: Options) -> Reader {
    Reader {
        pending: paths.iter().cloned().collect(),
        walking: None,
        root: None,
        current: None,
        opts,
    }
}

impl Iterator for Reader {
    type Item = Result<RawDocument, IngestError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(records) = &mut self.current {
                match records.next() {
                    Some(item) => return Some(item.and_then(checked)),
                    None => self.current = None,
                }
            }
            let path = match self.next_file() {
                Some(Ok(p)) => p,
                Some(Err(e)) => return Some(Err(e)),
                None => return None,
            };
            let id = file_id(&path, self.walking.as_ref().and(self.root.as_deref()));
            match open(&path, &id, &self.opts) {
                Ok(records) => self.current = Some(records),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

impl Reader {
    fn next_file(&mut self) -> Option<Result<PathBuf, IngestError>> {
        loop {
            if let Some(walk) = &mut self.walking {
                match walk.next() {
                    Some(Ok(entry)) if entry.file_type().is_file() => {
                        return Some(Ok(entry.into_path()))
                    }
                    Some(Ok(_)) => continue,
                    Some(Err(e)) => {
                        let at = e
                            .path()
                            .map(|p| p.display().to_string())
                            .unwrap_or_default();
                        return Some(Err(IngestError::new(at, format!("cannot read: {e}"))));
                    }
                    None => {
                        self.walking = None;
                        self.root = None;
                    }
                }
            }
            let path = self.pending.pop_front()?;
            if path.as_os_str() == "-" {
                return Some(Ok(path));
            }
            match std::fs::metadata(&path) {
                Ok(m) if m.is_dir() => {
                    self.root = Some(path.clone());
                    self.walking = Some(Box::new(
                        walkdir::WalkDir::new(&path)
                            .sort_by_file_name()
                            .into_iter()
                            .filter_entry(|e| {
                                e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
                            }),
                    ));
                }
                Ok(_) => return Some(Ok(path)),
                Err(e) => {
                    return Some(Err(IngestError::new(
                        path.display().to_string(),
                        format!("cannot open: {e}"),
                    )))
                }
            }
        }
    }
}

/// The format a file name says (after any `.gz`), if it says one.
pub fn format_by_name(path: &Path) -> Option<Format> {
    let name = path.file_name()?.to_string_lossy().to_lowercase();
    let name = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".gzip"))
        .unwrap_or(&name);
    let ext = name.rsplit_once('.').map(|(_, e)| e)?;
    Some(match ext {
        "html" | "htm" | "xhtml" | "shtml" => Format::Html,
        "txt" | "text" => Format::Text,
        "jsonl" | "ndjson" => Format::Jsonl,
        "warc" | "arc" => Format::Warc,
        "rss" | "atom" | "xml" | "rdf" => Format::Feed,
        _ => return None,
    })
}

/// A document whose id may not be stored (a control character in it) becomes an error naming
/// its input; the id is shown escaped.
pub(crate) fn checked(doc: RawDocument) -> Result<RawDocument, IngestError> {
    match model::id_problem(&doc.id) {
        None => Ok(doc),
        Some(why) => Err(IngestError::new(
            &doc.source,
            format!("id {:?} refused: {why}", doc.id),
        )),
    }
}

/// The id of a plain file: its path relative to `root` (the directory it was found in; `None`
/// for a file named on its own), with `/` between the parts, without `.gz` and the format
/// extension. A file at the top of the directory, or named on its own, has its stem as id.
pub fn file_id(path: &Path, root: Option<&Path>) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let stem = match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => name,
    };
    let dirs = root
        .and_then(|r| path.parent()?.strip_prefix(r).ok())
        .map(|rel| {
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let mut id = dirs.join("/");
    if !id.is_empty() {
        id.push('/');
    }
    id.push_str(stem);
    id
}

fn open(path: &Path, id: &str, opts: &Options) -> Result<Records, IngestError> {
    let shown = if path.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    };
    let raw: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(
            File::open(path).map_err(|e| IngestError::new(&shown, format!("cannot open: {e}")))?,
        )
    };
    let mut buffered = BufReader::with_capacity(1 << 16, raw);
    let head = buffered
        .fill_buf()
        .map_err(|e| IngestError::new(&shown, format!("cannot read: {e}")))?;
    if head.is_empty() {
        return Err(IngestError::new(&shown, "empty file"));
    }
    let gz = head.starts_with(&[0x1f, 0x8b]);
    let mut reader: Box<dyn BufRead> = if gz {
        Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::bufread::MultiGzDecoder::new(buffered),
        ))
    } else {
        Box::new(buffered)
    };
    let format = if path.as_os_str() == "-" {
        Some(Format::Jsonl)
    } else {
        format_by_name(path)
    };
    let format = match format {
        Some(f) => f,
        None => {
            let head = reader
                .fill_buf()
                .map_err(|e| IngestError::new(&shown, read_failure(gz, &e)))?;
            // UTF-16/UTF-32 is sniffed on its decoded text.
            let wide;
            let head = match wide_unicode(head) {
                Some(_) => {
                    let whole = head.len() / 4 * 4;
                    wide = decode(&head[..whole], None).text.into_bytes();
                    &wide[..]
                }
                None => head,
            };
            sniff(head).ok_or_else(|| {
                IngestError::new(&shown, "binary file: not HTML, text, JSONL, WARC or a feed")
            })?
        }
    };
    match format {
        Format::Jsonl => Ok(Box::new(jsonl::Records::new(reader, shown, opts.clone()))),
        // Records of other formats are not files: their ids come from inside them.
        Format::Warc => Ok(Box::new(warc::Records::new(reader, shown, opts.clone()))),
        Format::Html | Format::Text | Format::Feed => {
            let bytes = read_limited(&mut reader, opts.max_document_bytes, &shown, gz)?;
            if bytes.iter().all(|b| b.is_ascii_whitespace()) {
                return Err(IngestError::new(&shown, "empty file"));
            }
            if looks_binary(&bytes) {
                return Err(IngestError::new(
                    &shown,
                    "binary file: not HTML, text, JSONL, WARC or a feed",
                ));
            }
            if format == Format::Feed {
                return feed::records(&bytes, &shown, id);
            }
            let decoded = decode(&bytes, None);
            let is_html = format == Format::Html;
            let doc = RawDocument {
                id: id.to_string(),
                source: shown,
                content: if is_html {
                    Content::Html(decoded.text)
                } else {
                    Content::Text(decoded.text)
                },
                meta: RawMeta {
                    decoding: decoded.note,
                    ..RawMeta::default()
                },
                encoding: decoded.encoding.to_string(),
            };
            Ok(Box::new(std::iter::once(Ok(doc))))
        }
    }
}

pub(crate) fn read_failure(gz: bool, e: &std::io::Error) -> String {
    if gz {
        format!("truncated or corrupt gzip: {e}")
    } else {
        format!("cannot read: {e}")
    }
}

/// Read at most `limit` bytes; a longer input is an error, not a truncation.
pub(crate) fn read_limited(
    reader: &mut dyn BufRead,
    limit: usize,
    shown: &str,
    gz: bool,
) -> Result<Vec<u8>, IngestError> {
    let mut bytes = Vec::new();
    let n = reader
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| IngestError::new(shown, read_failure(gz, &e)))?;
    if n > limit {
        return Err(IngestError::new(
            shown,
            format!(
                "larger than the {} MiB document limit; skipped (raise it with --max-doc-mib)",
                limit >> 20
            ),
        ));
    }
    Ok(bytes)
}

/// Bytes that no text format produces: NULs scattered through them (one stray NUL is text's;
/// UTF-16/UTF-32, whose NULs fall in a pattern, is text), or many control characters.
pub(crate) fn looks_binary(bytes: &[u8]) -> bool {
    if wide_unicode(bytes).is_some() {
        return false;
    }
    let head = &bytes[..bytes.len().min(8192)];
    let nuls = head.iter().filter(|&&b| b == 0).count();
    // Compressed or image data has a NUL in every 256 bytes or so.
    if nuls > 1 && nuls * 1024 > head.len() {
        return true;
    }
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c | 0x1b))
        .count();
    control * 10 > head.len()
}

fn sniff(head: &[u8]) -> Option<Format> {
    if looks_binary(head) {
        return None;
    }
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    let t = &head[start..];
    let lower: Vec<u8> = t.iter().take(512).map(u8::to_ascii_lowercase).collect();
    if t.starts_with(b"WARC/") {
        Some(Format::Warc)
    } else if t.starts_with(b"{") {
        Some(Format::Jsonl)
    } else if lower.starts_with(b"<?xml")
        || lower.starts_with(b"<rss")
        || lower.starts_with(b"<feed")
    {
        let text = String::from_utf8_lossy(&lower);
        if text.contains("<rss") || text.contains("<feed") || text.contains("<rdf") {
            Some(Format::Feed)
        } else {
            Some(Format::Html)
        }
    } else if lower.starts_with(b"<") {
        Some(Format::Html)
    } else {
        Some(Format::Text)
    }
}
