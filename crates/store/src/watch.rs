//! What `storyline watch` remembers between runs: each source's last fetch, validators and next
//! poll, and each URL's status, so that a restarted watch resumes where it stopped and never
//! fetches again what is stored.
//!
//! The two tables (`watch_sources`, `watch_urls`) sit beside the documents in the same store but
//! are written on a connection of their own ([`open_watch_state`]), so the watcher's bookkeeping
//! never waits for, or holds up, a document's commit. Both backends run the same statements:
//! `$n` placeholders are positional in PostgreSQL and, numbered in order of appearance, in SQLite.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use crate::postgres::{connect_client, describe};
use crate::StoreError;

/// One source (a feed, a sitemap, a list of URLs) as the watcher last saw it. Times are Unix
/// seconds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceState {
    /// The source as given: a URL, or the path of a list of URLs.
    pub source: String,
    /// `feed`, `sitemap` or `list`.
    pub kind: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub last_fetch: Option<i64>,
    /// When to poll it next.
    pub next_poll: Option<i64>,
    /// The current polling interval, in seconds (adapted to how often the source changes).
    pub interval_secs: i64,
    /// `ok`, `not modified` or `error`.
    pub last_status: Option<String>,
    /// The last error, naming what failed; `None` after a good fetch.
    pub last_error: Option<String>,
    /// Fetches made, items new to the store found, errors met; over the source's life.
    pub fetches: i64,
    pub new_items: i64,
    pub errors: i64,
}

/// One URL the watcher has dealt with, under its canonical form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UrlState {
    /// The canonical URL (tracking parameters and fragment removed).
    pub url: String,
    /// `stored` (its document went to the pipeline), `duplicate` (the same article as
    /// `document`), `gone` (a 4xx), `skipped` (not an article), `failed` (retried later),
    /// `disallowed` (robots.txt).
    pub status: String,
    /// The document id it gave (or duplicates).
    pub document: Option<String>,
    pub http_status: Option<i64>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Failed attempts so far.
    pub attempts: i64,
    pub fetched_at: Option<i64>,
    pub error: Option<String>,
}

/// Per host, the pages whose last fetch ended in an error (a failure, a 4xx, robots.txt, not
/// a page), as the watcher recorded them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostErrors {
    /// The URL's host (with its port when it has one).
    pub host: String,
    /// Pages of the host whose last fetch gave an error.
    pub pages: i64,
    /// The newest of those errors, and when (Unix seconds).
    pub last_error: Option<String>,
    pub last_at: Option<i64>,
}

/// The sources' health as the watcher's tables hold it: what `storyline serve` shows beside a
/// watch ([`crate::Store::watch_report`]). Empty when no watch ever ran on the store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WatchReport {
    /// Every source, in name order.
    pub sources: Vec<SourceState>,
    /// Hosts with errors, most pages first.
    pub hosts: Vec<HostErrors>,
}

/// The newest failed URLs read for the per-host counts, at most (the counts are of these).
const ERROR_ROWS: i64 = 10_000;

fn errors_sql() -> String {
    format!(
        "SELECT url, error, fetched_at FROM watch_urls WHERE error IS NOT NULL \
         ORDER BY fetched_at DESC, url LIMIT {ERROR_ROWS}"
    )
}

/// The host of a state row's key: a URL's `host[:port]`; a feed item without a page is keyed
/// by its source, whose host it is given.
fn host_of(key: &str) -> String {
    let rest = key.split_once("://").map_or(key, |(_, r)| r);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, h)| h)
        .to_ascii_lowercase()
}

/// Group `(url, error, fetched_at)` rows, newest first, by host.
fn group_by_host(
    rows: impl Iterator<Item = (String, Option<String>, Option<i64>)>,
) -> Vec<HostErrors> {
    let mut by_host: std::collections::BTreeMap<String, HostErrors> = Default::default();
    for (url, error, at) in rows {
        let host = host_of(&url);
        let entry = by_host.entry(host.clone()).or_insert_with(|| HostErrors {
            host,
            last_error: error.map(|e| format!("{url}: {e}")),
            last_at: at,
            ..HostErrors::default()
        });
        entry.pages += 1;
    }
    let mut hosts: Vec<HostErrors> = by_host.into_values().collect();
    hosts.sort_by(|a, b| b.pages.cmp(&a.pages).then_with(|| a.host.cmp(&b.host)));
    hosts
}

/// The report on an SQLite store (nothing when the watcher's tables were never made).
pub(crate) fn sqlite_report(conn: &rusqlite::Connection) -> Result<WatchReport, StoreError> {
    let tables: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' \
         AND name IN ('watch_sources', 'watch_urls')",
        [],
        |r| r.get(0),
    )?;
    if tables < 2 {
        return Ok(WatchReport::default());
    }
    let sql = format!("SELECT {SOURCE_COLUMNS} FROM watch_sources ORDER BY source");
    let mut stmt = conn.prepare(&sql)?;
    let sources = stmt
        .query_map([], source_from_sqlite)?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare(&errors_sql())?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(WatchReport {
        sources,
        hosts: group_by_host(rows.into_iter()),
    })
}

/// The report on a PostgreSQL store (nothing when the watcher's tables were never made).
pub(crate) fn pg_report(client: &mut postgres::Client) -> Result<WatchReport, postgres::Error> {
    let made: bool = client
        .query_one(
            "SELECT to_regclass('watch_sources') IS NOT NULL \
             AND to_regclass('watch_urls') IS NOT NULL",
            &[],
        )?
        .get(0);
    if !made {
        return Ok(WatchReport::default());
    }
    let sql = format!("SELECT {SOURCE_COLUMNS} FROM watch_sources ORDER BY source");
    let sources = client
        .query(&sql, &[])?
        .iter()
        .map(source_from_pg)
        .collect();
    let rows = client.query(&errors_sql(), &[])?;
    Ok(WatchReport {
        sources,
        hosts: group_by_host(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2)))),
    })
}

/// The watcher's tables, on a connection of their own.
pub trait WatchState: Send {
    fn source(&mut self, source: &str) -> Result<Option<SourceState>, StoreError>;
    fn put_source(&mut self, state: &SourceState) -> Result<(), StoreError>;
    /// Every source, in name order.
    fn sources(&mut self) -> Result<Vec<SourceState>, StoreError>;
    fn url(&mut self, url: &str) -> Result<Option<UrlState>, StoreError>;
    fn put_url(&mut self, state: &UrlState) -> Result<(), StoreError> {
        self.put_urls(std::slice::from_ref(state))
    }
    /// Write several URL rows in one transaction: all or none (the watcher writes its rows in
    /// batches, so that it takes the store's write lock once per batch and not once per page).
    fn put_urls(&mut self, states: &[UrlState]) -> Result<(), StoreError>;
    /// Whether a document with this id is stored (committed, not merely sent to the pipeline).
    fn has_document(&mut self, id: &str) -> Result<bool, StoreError>;
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS watch_sources (
    source TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    last_fetch BIGINT,
    next_poll BIGINT,
    interval_secs BIGINT NOT NULL,
    last_status TEXT,
    last_error TEXT,
    fetches BIGINT NOT NULL DEFAULT 0,
    new_items BIGINT NOT NULL DEFAULT 0,
    errors BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS watch_urls (
    url TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    document TEXT,
    http_status BIGINT,
    etag TEXT,
    last_modified TEXT,
    attempts BIGINT NOT NULL DEFAULT 0,
    fetched_at BIGINT,
    error TEXT
);
";

const SOURCE_COLUMNS: &str = "source, kind, etag, last_modified, last_fetch, next_poll, \
    interval_secs, last_status, last_error, fetches, new_items, errors";

const URL_COLUMNS: &str =
    "url, status, document, http_status, etag, last_modified, attempts, fetched_at, error";

fn put_source_sql() -> String {
    format!(
        "INSERT INTO watch_sources ({SOURCE_COLUMNS}) VALUES \
         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (source) DO UPDATE SET kind = excluded.kind, etag = excluded.etag, \
         last_modified = excluded.last_modified, last_fetch = excluded.last_fetch, \
         next_poll = excluded.next_poll, interval_secs = excluded.interval_secs, \
         last_status = excluded.last_status, last_error = excluded.last_error, \
         fetches = excluded.fetches, new_items = excluded.new_items, errors = excluded.errors"
    )
}

fn put_url_sql() -> String {
    format!(
        "INSERT INTO watch_urls ({URL_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (url) DO UPDATE SET status = excluded.status, document = excluded.document, \
         http_status = excluded.http_status, etag = excluded.etag, \
         last_modified = excluded.last_modified, attempts = excluded.attempts, \
         fetched_at = excluded.fetched_at, error = excluded.error"
    )
}

/// Open the watcher's tables in the store a `--db` value names (creating them if missing). The
/// store itself must have been opened once before (it creates the documents table).
pub fn open_watch_state(spec: &str) -> Result<Box<dyn WatchState>, StoreError> {
    if crate::is_postgres_url(spec) {
        let shown = crate::redact(spec);
        let open_err = |why: String| StoreError::Open {
            path: shown.clone(),
            why,
        };
        let mut config = postgres::Config::from_str(spec).map_err(|e| open_err(describe(&e)))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        let mut client = connect_client(&config).map_err(|e| open_err(describe(&e)))?;
        client
            .batch_execute(SCHEMA)
            .map_err(|e| open_err(describe(&e)))?;
        Ok(Box::new(PgWatch { client }))
    } else {
        let path = Path::new(spec).join("storyline.sqlite");
        let open_err = |why: String| StoreError::Open {
            path: path.display().to_string(),
            why,
        };
        let conn = rusqlite::Connection::open(&path).map_err(|e| open_err(e.to_string()))?;
        crate::sqlite::wait_when_busy(&conn).map_err(|e| open_err(e.to_string()))?;
        // As the store's own connection: in WAL mode, NORMAL syncs at checkpoints rather than
        // on every commit (one commit per fetched URL would otherwise be one fsync each, and
        // the watcher's workers wait on them); a crash can lose the last rows, never corrupt.
        conn.execute_batch("PRAGMA synchronous=NORMAL;")
            .map_err(|e| open_err(e.to_string()))?;
        conn.execute_batch(SCHEMA)
            .map_err(|e| open_err(e.to_string()))?;
        Ok(Box::new(SqliteWatch { conn }))
    }
}

struct SqliteWatch {
    conn: rusqlite::Connection,
}

fn source_from_sqlite(r: &rusqlite::Row<'_>) -> rusqlite::Result<SourceState> {
    Ok(SourceState {
        source: r.get(0)?,
        kind: r.get(1)?,
        etag: r.get(2)?,
        last_modified: r.get(3)?,
        last_fetch: r.get(4)?,
        next_poll: r.get(5)?,
        interval_secs: r.get(6)?,
        last_status: r.get(7)?,
        last_error: r.get(8)?,
        fetches: r.get(9)?,
        new_items: r.get(10)?,
        errors: r.get(11)?,
    })
}

fn url_from_sqlite(r: &rusqlite::Row<'_>) -> rusqlite::Result<UrlState> {
    Ok(UrlState {
        url: r.get(0)?,
        status: r.get(1)?,
        document: r.get(2)?,
        http_status: r.get(3)?,
        etag: r.get(4)?,
        last_modified: r.get(5)?,
        attempts: r.get(6)?,
        fetched_at: r.get(7)?,
        error: r.get(8)?,
    })
}

impl WatchState for SqliteWatch {
    fn source(&mut self, source: &str) -> Result<Option<SourceState>, StoreError> {
        use rusqlite::OptionalExtension;
        let sql = format!("SELECT {SOURCE_COLUMNS} FROM watch_sources WHERE source = $1");
        Ok(self
            .conn
            .query_row(&sql, [source], source_from_sqlite)
            .optional()?)
    }

    fn put_source(&mut self, s: &SourceState) -> Result<(), StoreError> {
        self.conn.execute(
            &put_source_sql(),
            rusqlite::params![
                s.source,
                s.kind,
                s.etag,
                s.last_modified,
                s.last_fetch,
                s.next_poll,
                s.interval_secs,
                s.last_status,
                s.last_error,
                s.fetches,
                s.new_items,
                s.errors
            ],
        )?;
        Ok(())
    }

    fn sources(&mut self) -> Result<Vec<SourceState>, StoreError> {
        let sql = format!("SELECT {SOURCE_COLUMNS} FROM watch_sources ORDER BY source");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], source_from_sqlite)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn url(&mut self, url: &str) -> Result<Option<UrlState>, StoreError> {
        use rusqlite::OptionalExtension;
        let sql = format!("SELECT {URL_COLUMNS} FROM watch_urls WHERE url = $1");
        Ok(self
            .conn
            .query_row(&sql, [url], url_from_sqlite)
            .optional()?)
    }

    fn put_urls(&mut self, states: &[UrlState]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(&put_url_sql())?;
            for u in states {
                stmt.execute(rusqlite::params![
                    u.url,
                    u.status,
                    u.document,
                    u.http_status,
                    u.etag,
                    u.last_modified,
                    u.attempts,
                    u.fetched_at,
                    u.error
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn has_document(&mut self, id: &str) -> Result<bool, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT 1 FROM documents WHERE id = $1")?;
        Ok(stmt.exists([id])?)
    }
}

struct PgWatch {
    client: postgres::Client,
}

fn pg(e: postgres::Error) -> StoreError {
    e.into()
}

fn source_from_pg(r: &postgres::Row) -> SourceState {
    SourceState {
        source: r.get(0),
        kind: r.get(1),
        etag: r.get(2),
        last_modified: r.get(3),
        last_fetch: r.get(4),
        next_poll: r.get(5),
        interval_secs: r.get(6),
        last_status: r.get(7),
        last_error: r.get(8),
        fetches: r.get(9),
        new_items: r.get(10),
        errors: r.get(11),
    }
}

impl WatchState for PgWatch {
    fn source(&mut self, source: &str) -> Result<Option<SourceState>, StoreError> {
        let sql = format!("SELECT {SOURCE_COLUMNS} FROM watch_sources WHERE source = $1");
        let row = self.client.query_opt(&sql, &[&source]).map_err(pg)?;
        Ok(row.as_ref().map(source_from_pg))
    }

    fn put_source(&mut self, s: &SourceState) -> Result<(), StoreError> {
        self.client
            .execute(
                &put_source_sql(),
                &[
                    &s.source,
                    &s.kind,
                    &s.etag,
                    &s.last_modified,
                    &s.last_fetch,
                    &s.next_poll,
                    &s.interval_secs,
                    &s.last_status,
                    &s.last_error,
                    &s.fetches,
                    &s.new_items,
                    &s.errors,
                ],
            )
            .map_err(pg)?;
        Ok(())
    }

    fn sources(&mut self) -> Result<Vec<SourceState>, StoreError> {
        let sql = format!("SELECT {SOURCE_COLUMNS} FROM watch_sources ORDER BY source");
        let rows = self.client.query(&sql, &[]).map_err(pg)?;
        Ok(rows.iter().map(source_from_pg).collect())
    }

    fn url(&mut self, url: &str) -> Result<Option<UrlState>, StoreError> {
        let sql = format!("SELECT {URL_COLUMNS} FROM watch_urls WHERE url = $1");
        let row = self.client.query_opt(&sql, &[&url]).map_err(pg)?;
        Ok(row.map(|r| UrlState {
            url: r.get(0),
            status: r.get(1),
            document: r.get(2),
            http_status: r.get(3),
            etag: r.get(4),
            last_modified: r.get(5),
            attempts: r.get(6),
            fetched_at: r.get(7),
            error: r.get(8),
        }))
    }

    fn put_urls(&mut self, states: &[UrlState]) -> Result<(), StoreError> {
        let mut tx = self.client.transaction().map_err(pg)?;
        let stmt = tx.prepare(&put_url_sql()).map_err(pg)?;
        for u in states {
            tx.execute(
                &stmt,
                &[
                    &u.url,
                    &u.status,
                    &u.document,
                    &u.http_status,
                    &u.etag,
                    &u.last_modified,
                    &u.attempts,
                    &u.fetched_at,
                    &u.error,
                ],
            )
            .map_err(pg)?;
        }
        tx.commit().map_err(pg)?;
        Ok(())
    }

    fn has_document(&mut self, id: &str) -> Result<bool, StoreError> {
        let row = self
            .client
            .query_opt("SELECT 1 FROM documents WHERE id = $1", &[&id])
            .map_err(pg)?;
        Ok(row.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    /// The watcher's state survives a reopen, and a URL's row is replaced, not duplicated.
    #[test]
    fn watch_state_round_trips_and_survives_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let spec = dir.path().to_str().unwrap();
        let store = crate::SqliteStore::open(dir.path()).unwrap();
        assert_eq!(store.document_count().unwrap(), 0);
        let source = SourceState {
            source: "http://example.test/feed".into(),
            kind: "feed".into(),
            etag: Some("\"v1\"".into()),
            interval_secs: 900,
            next_poll: Some(1_700_000_000),
            fetches: 1,
            ..SourceState::default()
        };
        let mut url = UrlState {
            url: "http://example.test/a".into(),
            status: "failed".into(),
            attempts: 1,
            ..UrlState::default()
        };
        {
            let mut state = open_watch_state(spec).unwrap();
            state.put_source(&source).unwrap();
            state.put_url(&url).unwrap();
            url.status = "stored".into();
            url.document = Some("http://example.test/a".into());
            state.put_url(&url).unwrap();
            assert!(!state.has_document("http://example.test/a").unwrap());
        }
        let mut state = open_watch_state(spec).unwrap();
        assert_eq!(state.source(&source.source).unwrap(), Some(source.clone()));
        assert_eq!(state.sources().unwrap(), vec![source]);
        assert_eq!(state.url(&url.url).unwrap(), Some(url));
        assert_eq!(state.url("http://example.test/b").unwrap(), None);
        // A batch is written whole; a URL twice in one batch keeps its last row.
        let b = |url: &str, status: &str| UrlState {
            url: url.into(),
            status: status.into(),
            ..UrlState::default()
        };
        let batch = [
            b("http://example.test/b", "failed"),
            b("http://example.test/c", "gone"),
            b("http://example.test/b", "skipped"),
        ];
        state.put_urls(&batch).unwrap();
        assert_eq!(
            state.url("http://example.test/b").unwrap(),
            Some(batch[2].clone())
        );
        assert_eq!(
            state.url("http://example.test/c").unwrap(),
            Some(batch[1].clone())
        );
    }
}
