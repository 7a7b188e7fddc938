//! Search as the CLI and the server both run it: a query in any language finds documents in all.
//!
//! The store holds the full-text index (words as [`store::index_terms`] cuts them). This crate
//! adds the query side: [`parse`] reads the query syntax (words all required, `a OR b`,
//! `"a phrase"`, `-word`; see `syntax.rs`), [`expand`] turns the query's words into groups of alternatives — the
//! word itself plus its translations through CC-CEDICT (金砖 → BRICS, Putin → 普京) and through
//! the aliases of stored entities (Путин ↔ 普京 ↔ Putin) — and [`Searcher`] runs that query,
//! then, when the multilingual encoder is loaded and documents carry vectors, ranks documents
//! by cosine to the query's embedding and fuses both lists; the best full-text hits also bring their nearest documents by vector (their coverage in other languages).
//! Vectors are ranked exactly up to [`APPROX_ROWS`] documents and through sign codes with
//! exact rescoring above (see `vectors.rs`).

mod expand;
mod pace;
mod searcher;
mod syntax;
mod vectors;

pub use expand::{expand, Dictionary, Expansion};
pub use pace::Pace;
pub use searcher::{Results, SearchError, Searcher, Settings};
pub use syntax::{parse, Problem, Query, QueryError, Unit, MAX_PARTS};
pub use vectors::{Scan, APPROX_ROWS};

/// Whether any stored document carries a vector (worth loading the encoder for).
pub fn has_vectors(store: &dyn store::Store) -> bool {
    let mut found = false;
    let _ = store.for_each_vector(&mut |_, _| {
        found = true;
        Err(store::StoreError::Db("enough".into()))
    });
    found
}
