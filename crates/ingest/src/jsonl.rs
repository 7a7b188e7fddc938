//! JSON Lines: one article per line (`id`, `text` or `html`, optional `title`, `published`, `url`,
//! `source`, `lang`). A bad line is an error naming `path:line`; the next line is read as usual.

use std::io::BufRead;

use model::{Content, RawDocument, RawMeta};
use serde_json::Value;

use crate::error::IngestError;
use crate::reader::{read_failure, Options};

pub(crate) struct Records {
    reader: Box<dyn BufRead>,
    shown: String,
    line: usize,
    opts: Options,
    done: bool,
}

impl Records {
    pub(crate) fn new(reader: Box<dyn BufRead>, shown: String, opts: Options) -> Records {
        Records {
            reader,
            shown,
            line: 0,
            opts,
            done: false,
        }
    }
}

impl Iterator for Records {
    type Item = Result<RawDocument, IngestError>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut buf = Vec::new();
        while !self.done {
            buf.clear();
            self.line += 1;
            let at = format!("{}:{}", self.shown, self.line);
            let limit = self.opts.max_document_bytes as u64 + 1;
            let n = match std::io::Read::take(&mut self.reader, limit).read_until(b'\n', &mut buf) {
                Ok(n) => n,
                Err(e) => {
                    self.done = true;
                    let gz = self.shown.ends_with(".gz");
                    return Some(Err(IngestError::new(at, read_failure(gz, &e))));
                }
            };
            if n == 0 {
                self.done = true;
                return None;
            }
            if buf.len() as u64 >= limit && buf.last() != Some(&b'\n') {
                // Skip the rest of the over-long line, a buffer at a time (never holding it).
                while let Ok(chunk) = self.reader.fill_buf() {
                    if chunk.is_empty() {
                        break;
                    }
                    match chunk.iter().position(|&b| b == b'\n') {
                        Some(nl) => {
                            self.reader.consume(nl + 1);
                            break;
                        }
                        None => {
                            let n = chunk.len();
                            self.reader.consume(n);
                        }
                    }
                }
                return Some(Err(IngestError::new(
                    at,
                    format!(
                        "line longer than the {} MiB document limit; skipped",
                        self.opts.max_document_bytes >> 20
                    ),
                )));
            }
            let text = match std::str::from_utf8(&buf) {
                // A UTF-8 byte-order mark before the first line is not part of it.
                Ok(t) if self.line == 1 => t.trim_start_matches('\u{feff}').trim(),
                Ok(t) => t.trim(),
                Err(e) => {
                    return Some(Err(IngestError::new(
                        at,
                        format!("not valid UTF-8 ({e}); JSON Lines must be UTF-8"),
                    )))
                }
            };
            if text.is_empty() {
                continue;
            }
            return Some(parse_line(text, &at));
        }
        None
    }
}

fn parse_line(text: &str, at: &str) -> Result<RawDocument, IngestError> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| IngestError::new(at, format!("not JSON: {e}")))?;
    let obj = value
        .as_object()
        .ok_or_else(|| IngestError::new(at, "not a JSON object"))?;
    let field = |name: &str| -> Result<Option<String>, IngestError> {
        match obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) if name == "id" => Ok(Some(n.to_string())),
            Some(_) => Err(IngestError::new(
                at,
                format!("field `{name}` must be a string"),
            )),
        }
    };
    let id = field("id")?
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| IngestError::new(at, "missing required field `id`"))?;
    if let Some(why) = model::id_problem(&id) {
        return Err(IngestError::new(at, format!("id {id:?} refused: {why}")));
    }
    let content = match (field("html")?, field("text")?) {
        (Some(h), _) if !h.trim().is_empty() => Content::Html(h),
        (_, Some(t)) if !t.trim().is_empty() => Content::Text(t),
        (Some(_), _) | (_, Some(_)) => {
            return Err(IngestError::new(
                at,
                format!("article `{id}` has empty `text`/`html`"),
            ))
        }
        (None, None) => {
            return Err(IngestError::new(
                at,
                format!("article `{id}` has neither `text` nor `html`"),
            ))
        }
    };
    Ok(RawDocument {
        id,
        source: at.to_string(),
        content,
        meta: RawMeta {
            title: field("title")?,
            published: field("published")?,
            url: field("url")?,
            outlet: field("source")?.or(field("outlet")?),
            lang: field("lang")?,
            ..RawMeta::default()
        },
        encoding: "UTF-8".into(),
    })
}
