//! Value types shared by every Storyline stage.
//!
//! Nothing here does IO. A [`RawDocument`] is what ingest read; an [`Article`] is what extraction
//! and the text layer made of it; [`Event`], [`Entity`], [`Quote`], [`Fact`] and [`Claim`] are what
//! the later stages conclude; [`DocumentRecord`], [`DocumentSummary`], [`SharedPassage`] and
//! [`TextQuery`] are what a store keeps and is asked. Wire formats (export JSONL, the HTTP API) live in the crates that
//! speak them, not here.

mod article;
mod ids;
mod records;
mod stored;

pub use article::{content_hash, Article, Content, Dateline, Hints, RawDocument, RawMeta, Segment};
pub use ids::id_problem;
pub use records::{Claim, Entity, EntityKind, Event, Evidence, Fact, Figure, Quote};
pub use stored::{DocumentRecord, DocumentSummary, SharedPassage, TextQuery};
