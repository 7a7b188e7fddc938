//! WARC 1.0/1.1 (Common Crawl's news crawl): `response` records whose HTTP payload is HTML, and
//! `resource` records of HTML. Other records are passed over. A record that is cut short ends the
//! file with an error naming it; the records before it are kept. An HTTP body's content encoding
//! (gzip, deflate) is undone streaming, against the document limit, so a bomb costs no more than
//! the limit; a body that its header calls compressed but is not is read as it is.
//!
//! A `metadata` record of `application/warc-fields` that names a response or resource
//! (`WARC-Concurrent-To` or `WARC-Refers-To` its `WARC-Record-ID`) gives that document its
//! hints (`RawMeta::hints`): the fields `title`, `published`, `author`, `outlet` and `via`, as
//! `storyline watch` writes them for a feed item's page. It may come before or right after the
//! record it names.

use std::collections::VecDeque;
use std::io::{BufRead, Read};

use model::{Content, Hints, RawDocument, RawMeta};

use crate::decode::decode;
use crate::error::IngestError;
use crate::reader::{looks_binary, read_failure, Options};

/// Largest `warc-fields` block read for hints; a larger one is passed over.
const MAX_FIELDS_BYTES: u64 = 64 * 1024;

/// Hints kept for records not read yet (metadata written before its response), at most.
const PENDING_HINTS: usize = 256;

/// Longest hint value kept, in characters.
const MAX_HINT_CHARS: usize = 2000;

pub(crate) struct Records {
    reader: Box<dyn BufRead>,
    shown: String,
    record: usize,
    opts: Options,
    done: bool,
    /// A record read ahead (after a document, to see whether its metadata follows).
    held: Option<Option<Result<Found, IngestError>>>,
    /// Hints whose record has not been read yet, by that record's id.
    pending: VecDeque<(Vec<String>, Hints)>,
}

/// One record that matters: a document (with its record id), or hints for the records named.
enum Found {
    Document(Box<RawDocument>, Option<String>),
    Hints(Vec<String>, Hints),
}

impl Records {
    pub(crate) fn new(reader: Box<dyn BufRead>, shown: String, opts: Options) -> Records {
        Records {
            reader,
            shown,
            record: 0,
            opts,
            done: false,
            held: None,
            pending: VecDeque::new(),
        }
    }

    fn fail(&mut self, why: String) -> Option<Result<Found, IngestError>> {
        self.done = true;
        Some(Err(IngestError::new(
            format!("{}#record{}", self.shown, self.record),
            why,
        )))
    }

    /// The hints written earlier for the record `id`, taken out of the pending ones.
    fn pending_for(&mut self, id: &str) -> Option<Hints> {
        let at = self
            .pending
            .iter()
            .position(|(refers, _)| refers.iter().any(|r| r == id))?;
        self.pending.remove(at).map(|(_, h)| h)
    }
}

impl Iterator for Records {
    type Item = Result<RawDocument, IngestError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let read = match self.held.take() {
                Some(r) => r,
                None => self.read_next(),
            };
            match read? {
                Err(e) => return Some(Err(e)),
                Ok(Found::Hints(refers, hints)) => {
                    if self.pending.len() >= PENDING_HINTS {
                        self.pending.pop_front();
                    }
                    self.pending.push_back((refers, hints));
                }
                Ok(Found::Document(mut doc, id)) => {
                    let Some(id) = id else { return Some(Ok(*doc)) };
                    if let Some(h) = self.pending_for(&id) {
                        merge(&mut doc.meta.hints, h);
                    }
                    // Metadata about it written right after it.
                    loop {
                        match self.read_next() {
                            Some(Ok(Found::Hints(refers, h))) if refers.contains(&id) => {
                                merge(&mut doc.meta.hints, h)
                            }
                            other => {
                                self.held = Some(other);
                                break;
                            }
                        }
                    }
                    return Some(Ok(*doc));
                }
            }
        }
    }
}

impl Records {
    /// The next document or hints, an error naming the record, or `None` at the end.
    fn read_next(&mut self) -> Option<Result<Found, IngestError>> {
        let gz = self.shown.ends_with(".gz");
        while !self.done {
            // Version line, after any blank lines between records.
            let mut line = String::new();
            loop {
                line.clear();
                match read_line(&mut *self.reader, &mut line) {
                    Ok(0) => {
                        self.done = true;
                        return None;
                    }
                    Ok(_) if line.trim().is_empty() => continue,
                    Ok(_) => break,
                    Err(e) => return self.fail(read_failure(gz, &e)),
                }
            }
            self.record += 1;
            if !line.starts_with("WARC/") {
                return self.fail(format!(
                    "expected a WARC record header, found {:?}",
                    truncate(line.trim(), 40)
                ));
            }
            let mut headers: Vec<(String, String)> = Vec::new();
            loop {
                line.clear();
                match read_line(&mut *self.reader, &mut line) {
                    Ok(0) => return self.fail("truncated WARC record: headers end early".into()),
                    Ok(_) if line.trim().is_empty() => break,
                    Ok(_) => {
                        if let Some((k, v)) = line.split_once(':') {
                            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
                        }
                    }
                    Err(e) => return self.fail(read_failure(gz, &e)),
                }
            }
            let header = |name: &str| {
                headers
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.as_str())
            };
            let Some(length) = header("content-length").and_then(|v| v.parse::<u64>().ok()) else {
                return self.fail("WARC record without a valid Content-Length".into());
            };
            let kind = header("warc-type").unwrap_or("").to_ascii_lowercase();
            let uri = header("warc-target-uri").map(|u| u.trim_matches(['<', '>']).to_string());
            let record_id = header("warc-record-id").map(str::to_string);
            let captured = header("warc-date").map(str::to_string);
            let block_type = header("content-type").unwrap_or("").to_ascii_lowercase();
            let refers: Vec<String> = headers
                .iter()
                .filter(|(k, _)| k == "warc-concurrent-to" || k == "warc-refers-to")
                .map(|(_, v)| v.clone())
                .collect();
            if kind == "metadata"
                && block_type.starts_with("application/warc-fields")
                && !refers.is_empty()
                && length <= MAX_FIELDS_BYTES
            {
                let block = match read_block(&mut self.reader, length, gz, true) {
                    Ok(block) => block,
                    Err(why) => return self.fail(why),
                };
                let hints = hints_of(&block);
                if hints.is_empty() {
                    continue;
                }
                return Some(Ok(Found::Hints(refers, hints)));
            }
            let wanted = (kind == "response" && block_type.starts_with("application/http"))
                || (kind == "resource" && block_type.contains("html"));
            if !wanted || length > self.opts.max_document_bytes as u64 {
                if let Err(why) = read_block(&mut self.reader, length, gz, false) {
                    return self.fail(why);
                }
                if wanted {
                    let at = format!("{}#record{}", self.shown, self.record);
                    return Some(Err(IngestError::new(
                        at,
                        format!(
                            "record larger than the {} MiB document limit; skipped",
                            self.opts.max_document_bytes >> 20
                        ),
                    )));
                }
                continue;
            }
            let block = match read_block(&mut self.reader, length, gz, true) {
                Ok(block) => block,
                Err(why) => return self.fail(why),
            };
            let at = format!("{}#record{}", self.shown, self.record);
            let (body, charset, note) = if kind == "response" {
                match http_payload(&block, self.opts.max_document_bytes) {
                    Ok(Some(p)) => p,
                    Ok(None) => continue, // not HTML, or not a 2xx answer
                    Err(why) => return Some(Err(IngestError::new(at, why))),
                }
            } else {
                (block, charset_of(&block_type), None)
            };
            if body.iter().all(|b| b.is_ascii_whitespace()) {
                return Some(Err(IngestError::new(at, "empty HTML payload")));
            }
            if looks_binary(&body) {
                return Some(Err(IngestError::new(at, "payload is binary, not HTML")));
            }
            let decoded = decode(&body, charset.as_deref());
            let id = uri
                .clone()
                .or(record_id.clone())
                .unwrap_or_else(|| at.clone());
            let doc = Box::new(RawDocument {
                id,
                source: at,
                content: Content::Html(decoded.text),
                meta: RawMeta {
                    url: uri,
                    // The crawl date is not the publication date; extraction finds that.
                    published: None,
                    decoding: decoded.note,
                    captured,
                    notes: note.into_iter().collect(),
                    ..RawMeta::default()
                },
                encoding: decoded.encoding.to_string(),
            });
            return Some(Ok(Found::Document(doc, record_id)));
        }
        None
    }
}

/// The hints of a `warc-fields` block (`name: value` lines; names ASCII case ignored; other
/// fields passed over).
fn hints_of(block: &[u8]) -> Hints {
    let text = String::from_utf8_lossy(block);
    let mut h = Hints::default();
    for line in text.lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value: String = value.trim().chars().take(MAX_HINT_CHARS).collect();
        if value.is_empty() {
            continue;
        }
        let slot = match name.trim().to_ascii_lowercase().as_str() {
            "title" => &mut h.title,
            "published" => &mut h.published,
            "author" => &mut h.author,
            "outlet" => &mut h.outlet,
            "via" => &mut h.via,
            _ => continue,
        };
        slot.get_or_insert(value);
    }
    h
}

/// Fill what `into` lacks from `from`.
fn merge(into: &mut Hints, from: Hints) {
    let Hints {
        title,
        published,
        author,
        outlet,
        via,
    } = from;
    into.title = into.title.take().or(title);
    into.published = into.published.take().or(published);
    into.author = into.author.take().or(author);
    into.outlet = into.outlet.take().or(outlet);
    into.via = into.via.take().or(via);
}

/// Read a record's block of `length` bytes (`keep`: into memory; otherwise skipped), or say why
/// it cannot be read: cut short, or the read failed (`gz`: inside a gzip member).
fn read_block(
    reader: &mut dyn BufRead,
    length: u64,
    gz: bool,
    keep: bool,
) -> Result<Vec<u8>, String> {
    let mut block = Vec::new();
    let read = if keep {
        block.reserve(length as usize);
        Read::take(reader, length)
            .read_to_end(&mut block)
            .map(|n| n as u64)
    } else {
        std::io::copy(&mut Read::take(reader, length), &mut std::io::sink())
    };
    match read {
        Ok(n) if n == length => Ok(block),
        Ok(_) => Err("truncated WARC record: block shorter than its Content-Length".into()),
        Err(e) => Err(read_failure(gz, &e)),
    }
}

/// Read one line, tolerating bytes that are not UTF-8 (headers are ASCII in practice).
fn read_line(reader: &mut dyn BufRead, line: &mut String) -> std::io::Result<usize> {
    let mut bytes = Vec::new();
    let n = Read::take(reader, 64 * 1024).read_until(b'\n', &mut bytes)?;
    line.push_str(&String::from_utf8_lossy(&bytes));
    Ok(n)
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn charset_of(content_type: &str) -> Option<String> {
    content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("charset="))
        .map(|c| c.trim_matches(['"', '\'']).to_string())
        .next()
}

/// An HTTP body, the charset its headers declare, and what had to be overruled to read it.
type Payload = (Vec<u8>, Option<String>, Option<String>);

/// The HTML body of an HTTP response (its content encoding undone, at most `limit` bytes of
/// it), its declared charset and a note; `None` when it is not HTML or not a success.
fn http_payload(block: &[u8], limit: usize) -> Result<Option<Payload>, String> {
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut resp = httparse::Response::new(&mut headers);
    let head_len = match resp.parse(block) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => {
            return Err("truncated HTTP headers in WARC response".into())
        }
        Err(e) => return Err(format!("bad HTTP response in WARC record: {e}")),
    };
    if !(200..300).contains(&resp.code.unwrap_or(0)) {
        return Ok(None);
    }
    let get = |name: &str| {
        resp.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).to_ascii_lowercase())
    };
    let content_type = get("content-type").unwrap_or_default();
    if !content_type.is_empty() && !content_type.contains("html") {
        return Ok(None);
    }
    let mut body = block[head_len..].to_vec();
    if get("transfer-encoding").is_some_and(|t| t.contains("chunked")) {
        body = dechunk(&body).ok_or("bad chunked transfer encoding in WARC response")?;
    }
    let coding = match get("content-encoding").as_deref() {
        Some(e) if e.contains("gzip") => Some(Coding::Gzip),
        Some(e) if e.contains("deflate") => Some(Coding::Deflate),
        _ => None,
    };
    let mut note = None;
    if let Some(coding) = coding {
        match inflate(&body, coding, limit) {
            Ok(out) => body = out,
            Err(Inflate::TooLarge) => {
                return Err(format!(
                    "{} content encoding inflates past the {} MiB document limit; skipped (raise it with --max-doc-mib)",
                    coding.name(),
                    limit >> 20
                ))
            }
            // A header that says gzip over a body that is not (some crawlers store the body
            // decoded and keep the header): the body as it is.
            Err(Inflate::NotCompressed) => {
                note = Some(format!(
                    "the HTTP header says {} but the body is not compressed; read as it is",
                    coding.name()
                ))
            }
            Err(Inflate::Corrupt(e)) => {
                return Err(format!(
                    "bad {} content encoding in WARC response: {e}",
                    coding.name()
                ))
            }
        }
    }
    Ok(Some((body, charset_of(&content_type), note)))
}

#[derive(Debug, Clone, Copy)]
enum Coding {
    Gzip,
    Deflate,
}

impl Coding {
    fn name(self) -> &'static str {
        match self {
            Coding::Gzip => "gzip",
            Coding::Deflate => "deflate",
        }
    }
}

enum Inflate {
    TooLarge,
    NotCompressed,
    Corrupt(std::io::Error),
}

/// Undo a content encoding, streaming, reading at most `limit` bytes of output (one more tells
/// that there is more). A body that does not start like its coding is `NotCompressed`.
fn inflate(body: &[u8], coding: Coding, limit: usize) -> Result<Vec<u8>, Inflate> {
    let decoder: Box<dyn Read + '_> = match coding {
        Coding::Gzip if body.starts_with(&[0x1f, 0x8b]) => {
            Box::new(flate2::read::MultiGzDecoder::new(body))
        }
        Coding::Gzip => return Err(Inflate::NotCompressed),
        // `deflate` is zlib by the standard, raw deflate in practice as often.
        Coding::Deflate if zlib_header(body) => Box::new(flate2::read::ZlibDecoder::new(body)),
        Coding::Deflate => {
            let mut probe = [0u8; 512];
            match flate2::read::DeflateDecoder::new(body).read(&mut probe) {
                Ok(n) if n > 0 => Box::new(flate2::read::DeflateDecoder::new(body)),
                _ => return Err(Inflate::NotCompressed),
            }
        }
    };
    let mut out = Vec::new();
    decoder
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(Inflate::Corrupt)?;
    if out.len() > limit {
        return Err(Inflate::TooLarge);
    }
    Ok(out)
}

/// Whether `body` starts with a zlib header (RFC 1950: method 8, a checksum of the two bytes).
fn zlib_header(body: &[u8]) -> bool {
    match body {
        [a, b, ..] => a & 0x0f == 8 && ((u16::from(*a) << 8) | u16::from(*b)).is_multiple_of(31),
        _ => false,
    }
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let nl = data.iter().position(|&b| b == b'\n')?;
        let size_line = std::str::from_utf8(&data[..nl]).ok()?.trim();
        let size = usize::from_str_radix(size_line.split(';').next()?.trim(), 16).ok()?;
        data = &data[nl + 1..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size..)?;
        data = data
            .strip_prefix(b"\r\n")
            .or_else(|| data.strip_prefix(b"\n"))
            .unwrap_or(data);
    }
}
