//! The WARC archive of what the watcher fetched (`--archive DIR`): every response — feeds,
//! sitemaps, pages, robots.txt, redirects, errors — as a WARC/1.1 `response` record holding the
//! HTTP status line, headers and body as received; a feed item used for want of its page as a
//! `resource` record; a page set aside as a copy of a stored one (its canonical URL) as a
//! `revisit` record; what a feed or sitemap said about a page (title, date, author, outlet) as
//! a `metadata` record of `application/warc-fields` right after the page's `response`, naming
//! it in `WARC-Concurrent-To` (the two are written together, never split by rotation). Each record is its own gzip member, written whole and flushed, so a killed
//! run leaves only complete records; files are rotated past a size. Records are made and
//! compressed ([`compress`]) by the thread that fetched them; the archive's lock is held only
//! to append the compressed bytes ([`Archive::append`]).
//!
//! [`record`] is also how the watcher makes its documents: it reads the same bytes back through
//! `ingest::read_warc`, so `storyline ingest DIR` on the archive gives the same documents.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

/// The status line's reason phrase (the reader does not need it; people do).
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// An HTTP response as a WARC `response` block. The body is the one received, still
/// content-encoded; it was de-chunked by the client, so `Transfer-Encoding` is dropped and
/// `Content-Length` set to what follows.
pub fn http_block(status: u16, headers: &[(String, String)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status)).into_bytes();
    for (k, v) in headers {
        if k == "transfer-encoding" || k == "content-length" {
            continue;
        }
        out.extend_from_slice(format!("{k}: {}\r\n", v.replace(['\r', '\n'], " ")).as_bytes());
    }
    out.extend_from_slice(format!("content-length: {}\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(body);
    out
}

/// A record's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An HTTP response (block: [`http_block`]).
    Response,
    /// A document made from a feed item (block: HTML).
    Resource,
    /// A response whose page is a copy of one already stored (block: [`http_block`]).
    Revisit,
    /// Fields about another record (block: [`warc_fields`]).
    Metadata,
}

/// A `application/warc-fields` block: one `name: value` line per field with a value (line
/// breaks in a value made spaces).
pub fn warc_fields(fields: &[(&str, Option<&str>)]) -> Vec<u8> {
    let mut out = String::new();
    for (name, value) in fields {
        let Some(v) = value.map(|v| v.replace(['\r', '\n'], " ")) else {
            continue;
        };
        let v = v.trim();
        if !v.is_empty() {
            out.push_str(&format!("{name}: {v}\r\n"));
        }
    }
    out.into_bytes()
}

/// A record id: `<urn:uuid:…>` made from a digest of what it holds and when.
fn record_id(uri: &str, block: &[u8], date: &str, seq: u64) -> String {
    let mut h = Sha256::new();
    h.update(uri.as_bytes());
    h.update(date.as_bytes());
    h.update(seq.to_le_bytes());
    h.update(block);
    let d = h.finalize();
    let x = hex::encode(&d[..16]);
    format!(
        "<urn:uuid:{}-{}-4{}-8{}-{}>",
        &x[0..8],
        &x[8..12],
        &x[13..16],
        &x[17..20],
        &x[20..32]
    )
}

/// Record sequence numbers of this process: with the date, the URI and the block they make
/// each record's id unique.
static SEQ: AtomicU64 = AtomicU64::new(0);

/// The next record's sequence number.
pub fn next_seq() -> u64 {
    SEQ.fetch_add(1, Ordering::Relaxed)
}

/// Records that belong together (a response and its metadata), each compressed as its own
/// gzip member, ready for [`Archive::append`].
pub struct Members {
    bytes: Vec<u8>,
    records: u64,
}

/// Compress records made by [`record`] (outside the archive's lock: this is the slow part).
pub fn compress(records: &[&[u8]]) -> std::io::Result<Members> {
    let mut bytes = Vec::new();
    for record in records {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(record)?;
        bytes.extend_from_slice(&gz.finish()?);
    }
    Ok(Members {
        bytes,
        records: records.len() as u64,
    })
}

/// One WARC record, uncompressed. `extra` headers follow the standard ones.
pub fn record(
    kind: Kind,
    uri: &str,
    block: &[u8],
    extra: &[(&str, &str)],
    seq: u64,
) -> (String, Vec<u8>) {
    let date = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let id = record_id(uri, block, &date, seq);
    let (warc_type, content_type) = match kind {
        Kind::Response => ("response", "application/http; msgtype=response"),
        Kind::Resource => ("resource", "text/html; charset=utf-8"),
        Kind::Revisit => ("revisit", "application/http; msgtype=response"),
        Kind::Metadata => ("metadata", "application/warc-fields"),
    };
    let mut head = format!(
        "WARC/1.1\r\nWARC-Type: {warc_type}\r\nWARC-Record-ID: {id}\r\nWARC-Date: {date}\r\n\
         WARC-Target-URI: {}\r\nContent-Type: {content_type}\r\n\
         WARC-Block-Digest: sha256:{}\r\n",
        uri.replace(['\r', '\n', ' '], ""),
        hex::encode(Sha256::digest(block))
    );
    for (k, v) in extra {
        head.push_str(&format!("{k}: {}\r\n", v.replace(['\r', '\n'], " ")));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", block.len()));
    let mut out = head.into_bytes();
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    (id, out)
}

/// The archive directory and the file being written.
pub struct Archive {
    dir: PathBuf,
    /// Rotate to a new file once the current one holds this many (compressed) bytes.
    max_file_bytes: u64,
    file: Option<(File, u64)>,
    files: u64,
    records: u64,
}

impl Archive {
    /// An archive in `dir` (created if missing); nothing is written until the first record.
    pub fn open(dir: &Path, max_file_bytes: u64) -> std::io::Result<Archive> {
        std::fs::create_dir_all(dir)?;
        Ok(Archive {
            dir: dir.to_path_buf(),
            max_file_bytes: max_file_bytes.max(1),
            file: None,
            files: 0,
            records: 0,
        })
    }

    /// Records written so far (in this run).
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Archive an HTTP response (block from [`http_block`]).
    pub fn response(&mut self, uri: &str, block: &[u8]) -> std::io::Result<String> {
        let (id, bytes) = record(Kind::Response, uri, block, &[], next_seq());
        self.write(&bytes)?;
        Ok(id)
    }

    /// Write one record made by [`record`], as its own gzip member.
    pub fn write(&mut self, record: &[u8]) -> std::io::Result<()> {
        self.write_group(&[record])
    }

    /// Write records that belong together (a response and its metadata), each as its own gzip
    /// member, one after the other in one file.
    pub fn write_group(&mut self, records: &[&[u8]]) -> std::io::Result<()> {
        self.append(&compress(records)?)
    }

    /// Append compressed records, all in one file (rotating before them when the file is full).
    pub fn append(&mut self, members: &Members) -> std::io::Result<()> {
        let rotate = self
            .file
            .as_ref()
            .is_none_or(|(_, size)| *size >= self.max_file_bytes);
        if rotate {
            self.file = Some((self.new_file()?, 0));
        }
        if let Some((file, size)) = self.file.as_mut() {
            file.write_all(&members.bytes)?;
            file.flush()?;
            *size += members.bytes.len() as u64;
        }
        self.records += members.records;
        Ok(())
    }

    fn new_file(&mut self) -> std::io::Result<File> {
        let stamp = chrono::Utc::now().format("%Y%m%d%H%M%S");
        loop {
            self.files += 1;
            let name = format!(
                "storyline-{stamp}-{}-{:05}.warc.gz",
                std::process::id(),
                self.files
            );
            match File::options()
                .write(true)
                .create_new(true)
                .open(self.dir.join(name))
            {
                Ok(f) => return Ok(f),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A response and its metadata record are never split by rotation, and the metadata names
    /// the response.
    #[test]
    fn a_group_of_records_stays_in_one_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = Archive::open(dir.path(), 1).unwrap();
        let (_, first) = record(Kind::Response, "http://example.test/a", b"x", &[], 0);
        a.write(&first).unwrap();
        let (id, response) = record(Kind::Response, "http://example.test/b", b"y", &[], 1);
        let fields = warc_fields(&[("title", Some("B\r\nline")), ("author", None)]);
        assert_eq!(fields, b"title: B  line\r\n");
        let (_, meta) = record(
            Kind::Metadata,
            "http://example.test/b",
            &fields,
            &[("WARC-Concurrent-To", &id)],
            2,
        );
        a.write_group(&[&response, &meta]).unwrap();
        assert_eq!(a.records(), 3);
        let mut files: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert_eq!(files.len(), 2, "rotated once, before the group");
        let mut text = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::MultiGzDecoder::new(std::fs::File::open(&files[1]).unwrap()),
            &mut text,
        )
        .unwrap();
        assert!(text.contains("WARC-Type: response") && text.contains("WARC-Type: metadata"));
        assert!(text.contains(&format!("WARC-Concurrent-To: {id}")));
        assert!(text.contains("Content-Type: application/warc-fields"));
    }
}
