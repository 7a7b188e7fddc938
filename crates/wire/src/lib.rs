//! Wire formats: the one place that knows the JSON shapes of the export and extract contracts
//! (DESIGN.md, "Contracts"). Fields named there must stay; more are welcome. [`api`] holds the
//! bodies of the HTTP API.

pub mod api;

use std::io::Write;

use model::{Article, Claim, Entity, Event, Fact, Quote};
use serde::Serialize;
use serde_json::{json, Value};
use store::{DocumentRecord, SharedPassage, Store, StoreError};

/// `storyline extract` output for one document.
pub fn extract_record(a: &Article) -> Value {
    json!({
        "id": a.id,
        "path": a.source,
        "url": a.url,
        "title": a.title,
        "published": a.published,
        "outlet": a.outlet,
        "byline": a.byline,
        "editor": a.editor,
        "dateline": a.dateline,
        "languages": a.languages(),
        "segments": a.segments,
        "text": a.text(),
        "diagnostics": a.diagnostics,
    })
}

/// Export `document` record.
pub fn document_record(d: &DocumentRecord) -> Value {
    let a = &d.article;
    let mut record = json!({
        "type": "document",
        "id": a.id,
        "title": a.title,
        "published": a.published,
        "outlet": a.outlet,
        "languages": a.languages(),
        "event": d.event,
        "duplicate_of": d.duplicate_of,
        "translation_of": d.translation_of,
        "text": a.text(),
        "url": a.url,
        "path": a.source,
        "byline": a.byline,
        "editor": a.editor,
        "dateline": a.dateline,
        "segments": a.segments,
        "why": d.why,
    });
    // Only on a later capture of a URL: the id of the capture before it.
    if let (Some(earlier), Some(fields)) = (&a.capture_of, record.as_object_mut()) {
        fields.insert("capture_of".into(), json!(earlier));
    }
    record
}

/// Export `shared_passage` record: text several documents share (syndicated copy).
pub fn shared_passage_record(p: &SharedPassage) -> Value {
    json!({
        "type": "shared_passage",
        "event": p.event,
        "documents": p.documents,
        "text": p.text,
    })
}

fn typed<T: Serialize>(kind: &str, value: &T) -> Value {
    let mut v = serde_json::to_value(value).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut v {
        map.insert("type".into(), Value::String(kind.into()));
    }
    v
}

pub fn event_record(e: &Event) -> Value {
    typed("event", e)
}

pub fn entity_record(e: &Entity) -> Value {
    typed("entity", e)
}

pub fn quote_record(q: &Quote) -> Value {
    typed("quote", q)
}

pub fn fact_record(f: &Fact) -> Value {
    typed("fact", f)
}

pub fn claim_record(c: &Claim) -> Value {
    typed("claim", c)
}

/// Errors while exporting: from the store, or from writing the output.
#[derive(Debug)]
pub enum ExportError {
    Store(StoreError),
    Write(std::io::Error),
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportError::Store(e) => write!(f, "{e}"),
            ExportError::Write(e) => write!(f, "cannot write the export: {e}"),
        }
    }
}

impl std::error::Error for ExportError {}

fn line(out: &mut dyn Write, v: &Value) -> Result<(), ExportError> {
    serde_json::to_writer(&mut *out, v).map_err(|e| ExportError::Write(e.into()))?;
    out.write_all(b"\n").map_err(ExportError::Write)
}

/// Write the whole analysis as JSON Lines: documents, events, shared passages, entities,
/// quotes, facts, claims.
/// Returns the number of records written.
pub fn export(store: &dyn Store, out: &mut dyn Write) -> Result<usize, ExportError> {
    let mut n = 0;
    let mut write_err = None;
    store
        .for_each_document(&mut |d| {
            if let Err(e) = line(out, &document_record(&d)) {
                write_err = Some(e);
                return Err(StoreError::Db("export stopped".into()));
            }
            n += 1;
            Ok(())
        })
        .map_err(|e| write_err.take().unwrap_or(ExportError::Store(e)))?;
    for e in store.events().map_err(ExportError::Store)? {
        line(out, &event_record(&e))?;
        n += 1;
    }
    for p in store.shared_passages().map_err(ExportError::Store)? {
        line(out, &shared_passage_record(&p))?;
        n += 1;
    }
    for e in store.entities().map_err(ExportError::Store)? {
        line(out, &entity_record(&e))?;
        n += 1;
    }
    for q in store.quotes().map_err(ExportError::Store)? {
        line(out, &quote_record(&q))?;
        n += 1;
    }
    for f in store.facts().map_err(ExportError::Store)? {
        line(out, &fact_record(&f))?;
        n += 1;
    }
    for c in store.claims().map_err(ExportError::Store)? {
        line(out, &claim_record(&c))?;
        n += 1;
    }
    Ok(n)
}
