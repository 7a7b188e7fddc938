//! `storyline export`: the whole analysis as JSON Lines, in the record shapes of `wire`
//! (DESIGN.md, "Contracts"), read from a store.

use std::io::Write;

use serde_json::Value;
use store::{Store, StoreError};

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
/// quotes, facts, claims. Returns the number of records written.
pub fn export(store: &dyn Store, out: &mut dyn Write) -> Result<usize, ExportError> {
    let mut n = 0;
    let mut write_err = None;
    store
        .for_each_document(&mut |d| {
            if let Err(e) = line(out, &wire::document_record(&d)) {
                write_err = Some(e);
                return Err(StoreError::Db("export stopped".into()));
            }
            n += 1;
            Ok(())
        })
        .map_err(|e| write_err.take().unwrap_or(ExportError::Store(e)))?;
    let store_err = ExportError::Store;
    n += lines(out, &store.events().map_err(store_err)?, wire::event_record)?;
    n += lines(
        out,
        &store.shared_passages().map_err(store_err)?,
        wire::shared_passage_record,
    )?;
    n += lines(
        out,
        &store.entities().map_err(store_err)?,
        wire::entity_record,
    )?;
    n += lines(out, &store.quotes().map_err(store_err)?, wire::quote_record)?;
    n += lines(out, &store.facts().map_err(store_err)?, wire::fact_record)?;
    n += lines(out, &store.claims().map_err(store_err)?, wire::claim_record)?;
    Ok(n)
}

/// One line per item, in the record shape `record` gives; the number written.
fn lines<T>(
    out: &mut dyn Write,
    items: &[T],
    record: fn(&T) -> Value,
) -> Result<usize, ExportError> {
    for item in items {
        line(out, &record(item))?;
    }
    Ok(items.len())
}
