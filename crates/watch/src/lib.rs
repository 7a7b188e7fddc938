//! Live acquisition for `storyline watch`: follow news feeds, sitemaps and lists of URLs
//! politely, and turn each new page into a [`model::RawDocument`] for the ingest pipeline.
//!
//! - [`address`]: which URLs may be fetched (http/https, public addresses) and their canonical
//!   form (tracking parameters and fragments stripped).
//! - [`fetch`]: the polite HTTP client — robots.txt, per-host delay and concurrency, conditional
//!   GET, redirects, timeouts, retries, `Retry-After`, streamed size caps.
//! - [`sources`]: feeds (RSS/Atom), sitemaps and sitemap indexes, OPML files, URL lists.
//! - [`page`]: a page's canonical link; a feed item made into a page when its own is missing.
//! - [`archive`]: the WARC archive (`--archive DIR`), which `storyline ingest` reads back.
//! - [`watcher`]: the loop — schedules, deduplication, state in the store, the status counts.

pub mod address;
pub mod archive;
pub mod fetch;
pub mod page;
pub mod sources;
pub mod watcher;

pub use fetch::{FetchConfig, FetchError, Fetcher};
pub use sources::{expand, Source};
pub use watcher::{Options, Sink, Stats, Watcher};
