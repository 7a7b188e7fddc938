//! Wire formats: the one place that knows the JSON shapes of the export and extract contracts
//! (DESIGN.md, "Contracts"). Fields named there must stay; more are welcome. [`api`] holds the
//! bodies of the HTTP API. It depends on `model` alone: what reads a store and writes the
//! records out (`storyline export`) lives with the caller.

pub mod api;

use model::{Article, Claim, DocumentRecord, Entity, Event, Fact, Quote, SharedPassage};
use serde::Serialize;
use serde_json::{json, Value};

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
