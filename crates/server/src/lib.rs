//! The HTTP side of Storyline: a JSON API under `/api` and a server-rendered web UI, both over
//! one [`store::Store`], served by [`serve`].
//!
//! Reads go through a small pool of store connections on blocking threads; what lists and
//! filters need (document summaries, events, entities, quotes, facts, claims) is kept in a
//! catalog snapshot (module `catalog`) that is rebuilt when the store's document count changes.
//! Everything the UI shows is escaped by the template engine; the only write endpoint
//! (`POST /api/ingest`) is off unless enabled and then needs a bearer token.

mod app;
mod atlas;
mod catalog;
mod charts;
mod error;
mod handlers;
mod params;
mod passages;
mod searching;
mod ui;

pub use app::{
    api_paths, router, serve, serve_until, token_ok, App, Config, StoreFactory, MIN_TOKEN_CHARS,
};
pub use atlas::{Atlas, WORLD_ATLAS_PACKAGE};
pub use catalog::{Catalog, EventFilter, MAX_PAGE};
pub use error::ApiError;
pub use searching::{search_results, SearchFilter, SEARCH_DEPTH};
