//! The embedded backend: one SQLite database in the store directory, in WAL mode.
//!
//! Several processes may open the same directory; writers take turns (SQLite's own locking, with
//! a generous busy timeout). Each [`Store::commit`] is one `IMMEDIATE` transaction.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::Duration;

use model::{Article, Claim, Entity, Event, Fact, Quote};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::fulltext::{document_terms, fts_expression, hit_snippet, TextQuery};
use crate::record::{
    Commit, DocStatus, DocumentRecord, DocumentSummary, EventState, Hit, LinkCandidate,
    SharedPassage, StoreError,
};
use crate::sql::{self, Conn, Dialect, KnownRows, Row, Value};
use crate::Store;

const SCHEMA_VERSION: i64 = 2;

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS documents (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL,
    title TEXT,
    published TEXT,
    outlet TEXT,
    event TEXT,
    duplicate_of TEXT,
    translation_of TEXT,
    article TEXT NOT NULL,
    search TEXT NOT NULL,
    vector BLOB,
    why TEXT,
    fingerprint BLOB
);
CREATE INDEX IF NOT EXISTS documents_hash ON documents(hash);
CREATE INDEX IF NOT EXISTS documents_event ON documents(event);
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    start TEXT,
    "end" TEXT,
    place TEXT,
    storyline TEXT,
    state BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS entities (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS entity_aliases (
    entity TEXT NOT NULL,
    lang TEXT NOT NULL,
    alias TEXT NOT NULL,
    PRIMARY KEY (entity, lang, alias)
);
CREATE TABLE IF NOT EXISTS mentions (
    entity TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (entity, document)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS quotes (
    document TEXT NOT NULL,
    speaker TEXT,
    text TEXT NOT NULL,
    via TEXT,
    direct INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS quotes_document ON quotes(document);
CREATE TABLE IF NOT EXISTS facts (
    document TEXT NOT NULL,
    value REAL NOT NULL,
    unit TEXT,
    text TEXT NOT NULL,
    subject TEXT
);
CREATE INDEX IF NOT EXISTS facts_document ON facts(document);
CREATE TABLE IF NOT EXISTS passages (
    event TEXT,
    documents TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS claims (
    event TEXT NOT NULL,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    sources TEXT NOT NULL,
    detail TEXT,
    PRIMARY KEY (event, position)
);
CREATE TABLE IF NOT EXISTS claim_candidates (
    document TEXT PRIMARY KEY,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS claims_stale (
    event TEXT PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS index_meta (
    analyser INTEGER NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5(
    terms,
    tokenize = "unicode61 remove_diacritics 0"
);
"#;

/// Full-text queries in a large store rank the newest this many documents first (see
/// [`SqliteStore::fts`]).
const RECENT_ROWS: i64 = 20_000;

/// Columns added after schema 1, for stores written by an older storyline.
const ADDED_COLUMNS: &[(&str, &str, &str)] = &[
    ("documents", "why", "TEXT"),
    ("documents", "fingerprint", "BLOB"),
    ("quotes", "direct", "INTEGER NOT NULL DEFAULT 1"),
    ("claims", "detail", "TEXT"),
];

fn add_missing_columns(conn: &Connection) -> rusqlite::Result<()> {
    for (table, column, decl) in ADDED_COLUMNS {
        let mut stmt = conn.prepare(&format!("PRAGMA table_info({table})"))?;
        let names: Vec<String> = stmt
            .query_map([], |r| r.get::<_, String>(1))?
            .collect::<Result<_, _>>()?;
        if !names.iter().any(|n| n == column) {
            conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} {decl}"))?;
        }
    }
    Ok(())
}

/// The embedded store: `DIR/storyline.sqlite`.
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
    /// A transaction opened by [`Store::begin_decision`] is open.
    deciding: bool,
    /// Entity and alias rows known to be stored, whose inserts a commit skips.
    known: KnownRows,
}

/// A connection (or a transaction: it derefs to one) as the shared SQL layer uses it.
struct Lite<'c>(&'c Connection);

impl rusqlite::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            Value::Real(f) => ToSqlOutput::Borrowed(ValueRef::Real(*f)),
            Value::Bool(b) => ToSqlOutput::Borrowed(ValueRef::Integer(i64::from(*b))),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::Blob(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
            Value::List(l) => ToSqlOutput::Owned(rusqlite::types::Value::Text(
                serde_json::to_string(l)
                    .map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into()))?,
            )),
        })
    }
}

fn value_of(v: ValueRef<'_>) -> Result<Value<'static>, StoreError> {
    Ok(match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(f) => Value::Real(f),
        ValueRef::Text(t) => {
            Value::Text(Cow::Owned(String::from_utf8(t.to_vec()).map_err(|e| {
                StoreError::Corrupt {
                    what: "a text column".into(),
                    why: e.to_string(),
                }
            })?))
        }
        ValueRef::Blob(b) => Value::Blob(Cow::Owned(b.to_vec())),
    })
}

impl Conn for Lite<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn exec(&mut self, sql: &str, params: &[Value<'_>]) -> Result<u64, StoreError> {
        let n = self
            .0
            .prepare_cached(sql)?
            .execute(rusqlite::params_from_iter(params))?;
        Ok(n as u64)
    }

    fn query(&mut self, sql: &str, params: &[Value<'_>]) -> Result<Vec<Row>, StoreError> {
        let mut stmt = self.0.prepare_cached(sql)?;
        let n = stmt.column_count();
        let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(Row((0..n)
                .map(|i| value_of(r.get_ref(i)?))
                .collect::<Result<_, _>>()?));
        }
        Ok(out)
    }
}

/// How long a connection waits for another writer (another process's ingest, or the watch's
/// state beside a pipeline) before a statement fails as busy.
const BUSY_WAIT: Duration = Duration::from_secs(60);

/// Let `conn` wait for other writers, in short steps. SQLite's own busy timeout sleeps in
/// steps that grow to 100 ms: a commit that finds the lock held for a millisecond by the
/// watch's state row slept 25–100 ms (`scripts/bench-watch.sh` under `strace`: hundreds of
/// such sleeps, seconds of the pipeline's time). Here a wait starts at a quarter of a
/// millisecond and grows to 10 ms, for [`BUSY_WAIT`] in all.
pub(crate) fn wait_when_busy(conn: &Connection) -> rusqlite::Result<()> {
    fn retry(retries: i32) -> bool {
        let r = retries.max(0) as u32;
        let ms = Duration::from_millis;
        // This retry's sleep, and the time waited before it.
        let (step, waited) = match r {
            0..100 => (Duration::from_micros(250), Duration::from_micros(250) * r),
            100..300 => (ms(1), ms(25) + ms(1) * (r - 100)),
            _ => (ms(10), ms(225) + ms(10) * (r - 300)),
        };
        if waited >= BUSY_WAIT {
            return false;
        }
        std::thread::sleep(step);
        true
    }
    conn.busy_handler(Some(retry))
}

impl SqliteStore {
    /// Run `f` in one write transaction: the one [`Store::begin_decision`] opened, which this
    /// ends, or else a new one.
    fn write<T>(
        &mut self,
        f: impl FnOnce(&mut dyn Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if self.deciding {
            self.deciding = false;
            return match f(&mut Lite(&self.conn)) {
                Ok(v) => {
                    self.conn.execute_batch("COMMIT")?;
                    Ok(v)
                }
                Err(e) => {
                    let _ = self.conn.execute_batch("ROLLBACK");
                    Err(e)
                }
            };
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let v = f(&mut Lite(&tx))?;
        tx.commit()?;
        Ok(v)
    }

    /// Run `f` on the connection.
    fn read<T>(
        &self,
        f: impl FnOnce(&mut dyn Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        f(&mut Lite(&self.conn))
    }

    /// Open (creating if needed) the store in directory `dir`.
    pub fn open(dir: &Path) -> Result<SqliteStore, StoreError> {
        let open_err = |why: String| StoreError::Open {
            path: dir.display().to_string(),
            why,
        };
        std::fs::create_dir_all(dir).map_err(|e| open_err(e.to_string()))?;
        let path = dir.join("storyline.sqlite");
        let conn = Connection::open(&path).map_err(|e| open_err(e.to_string()))?;
        wait_when_busy(&conn).map_err(|e| open_err(e.to_string()))?;
        // Commits insert enrichment rows (entities, aliases, quotes, facts, claims) with
        // statements kept prepared: room for those beside the queries.
        conn.set_prepared_statement_cache_capacity(64);
        conn.execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        )
        .map_err(|e| open_err(e.to_string()))?;
        let found: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| open_err(e.to_string()))?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::Schema {
                path: path.display().to_string(),
                found,
                known: SCHEMA_VERSION,
            });
        }
        conn.execute_batch(SCHEMA)
            .map_err(|e| open_err(e.to_string()))?;
        add_missing_columns(&conn).map_err(|e| open_err(e.to_string()))?;
        conn.execute_batch(&format!("PRAGMA user_version={SCHEMA_VERSION}"))
            .map_err(|e| open_err(e.to_string()))?;
        let mut store = SqliteStore {
            conn,
            path,
            deciding: false,
            known: KnownRows::default(),
        };
        store
            .index_missing()
            .map_err(|e| open_err(format!("cannot build the search index: {e}")))?;
        Ok(store)
    }

    /// Index what the full-text index lacks, in one transaction: documents stored before it
    /// existed (a store from an older version), or every document when the index was built by
    /// another analyser (`lang::ANALYSER_VERSION`, kept in `index_meta`).
    fn index_missing(&mut self) -> Result<(), StoreError> {
        let built_by: Option<i64> = self
            .conn
            .query_row("SELECT analyser FROM index_meta", [], |r| r.get(0))
            .optional()?;
        let stale = built_by != Some(lang::ANALYSER_VERSION);
        let missing: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM documents WHERE seq NOT IN (SELECT rowid FROM documents_fts)",
            [],
            |r| r.get(0),
        )?;
        if missing == 0 && !stale {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if stale {
            tx.execute("DELETE FROM documents_fts", [])?;
            tx.execute("DELETE FROM index_meta", [])?;
            tx.execute(
                "INSERT INTO index_meta (analyser) VALUES (?1)",
                [lang::ANALYSER_VERSION],
            )?;
        }
        {
            let mut stmt = tx.prepare(
                "SELECT seq, id, article FROM documents WHERE seq NOT IN (SELECT rowid FROM documents_fts)",
            )?;
            let mut insert =
                tx.prepare("INSERT INTO documents_fts (rowid, terms) VALUES (?1, ?2)")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let seq: i64 = r.get(0)?;
                let id: String = r.get(1)?;
                let json: String = r.get(2)?;
                let article: Article =
                    serde_json::from_str(&json).map_err(|e| StoreError::Corrupt {
                        what: format!("document {id}"),
                        why: e.to_string(),
                    })?;
                insert.execute(params![seq, document_terms(&article)])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The best `limit` documents for an FTS5 expression. Ranking costs time in proportion
    /// to the matching rows (a common word matches most of a large store), so in a store of
    /// more than twice [`RECENT_ROWS`] documents the newest [`RECENT_ROWS`] are ranked first,
    /// and when they hold `limit` matches those are the answer; otherwise (a rarer query)
    /// every document is ranked.
    fn fts(&self, expr: &str, terms: &[String], limit: usize) -> Result<Vec<Hit>, StoreError> {
        let last: Option<i64> = self
            .conn
            .query_row("SELECT max(seq) FROM documents", [], |r| r.get(0))?;
        if let Some(last) = last.filter(|&l| l > 2 * RECENT_ROWS) {
            let recent = self.fts_after(expr, terms, limit, last - RECENT_ROWS)?;
            if recent.len() >= limit {
                return Ok(recent);
            }
        }
        self.fts_after(expr, terms, limit, 0)
    }

    /// [`SqliteStore::fts`] over the documents stored after position `after`.
    fn fts_after(
        &self,
        expr: &str,
        terms: &[String],
        limit: usize,
        after: i64,
    ) -> Result<Vec<Hit>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            // Ranked inside the full-text index first, so only the best `limit` rows are
            // joined to their documents and have their paragraphs read (a common word
            // matches tens of thousands of rows). Equal scores go to the older document, as
            // on PostgreSQL.
            "SELECT d.id, d.title, d.event, json_extract(d.article, '$.paragraphs'), f.rank
             FROM (SELECT rowid, rank FROM documents_fts
                   WHERE documents_fts MATCH ?1 AND rowid > ?3 ORDER BY rank, rowid LIMIT ?2) f
             JOIN documents d ON d.seq = f.rowid
             ORDER BY f.rank, f.rowid",
        )?;
        let rows = stmt.query_map(params![expr, limit as i64, after], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, f64>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (document, title, event, paragraphs, rank) = row?;
            out.push(Hit {
                snippet: hit_snippet(title.as_deref(), paragraphs.as_deref(), terms),
                // bm25 is lower-is-better and negative; report higher-is-better.
                score: (-rank) as f32,
                document,
                title,
                event,
            });
        }
        Ok(out)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Store for SqliteStore {
    sql::shared_reads!();

    fn watch_report(&self) -> Result<crate::WatchReport, StoreError> {
        crate::watch::sqlite_report(&self.conn)
    }

    fn commit(&mut self, c: &Commit) -> Result<(), StoreError> {
        let known = std::mem::take(&mut self.known);
        let r = self.write(|tx| sql::write_commit(tx, c, &known));
        self.known = known;
        let attempt = r?;
        if matches!(attempt, sql::Attempt::Stored) {
            self.known.learn(&c.entities);
        }
        attempt.result(c)
    }

    fn replace_claims(&mut self, claims: &[(String, Vec<Claim>)]) -> Result<(), StoreError> {
        self.write(|tx| sql::replace_claims(tx, claims))
    }

    fn begin_decision(&mut self) -> Result<(), StoreError> {
        if !self.deciding {
            // The write lock now, so that other processes on this store wait for our commit.
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
            self.deciding = true;
        }
        Ok(())
    }

    fn end_decision(&mut self) -> Result<(), StoreError> {
        if self.deciding {
            self.deciding = false;
            self.conn.execute_batch("ROLLBACK")?;
        }
        Ok(())
    }

    fn event_states(&self) -> Result<Vec<EventState>, StoreError> {
        self.read(|c| sql::event_states(c, None))
    }

    fn search_text(&self, query: &TextQuery, limit: usize) -> Result<Vec<Hit>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        sql::all_then_any(query, limit, |query, all| {
            match fts_expression(query, if all { "AND" } else { "OR" }) {
                Some((expr, terms)) => self.fts(&expr, &terms, limit),
                None => Ok(Vec::new()),
            }
        })
    }

    fn document_summaries(&self) -> Result<Vec<DocumentSummary>, StoreError> {
        // Languages come from the stored article's segments, read by SQLite's JSON functions
        // so the texts are not deserialised here.
        let mut stmt = self.conn.prepare(
            "SELECT d.id, d.title, d.published, d.outlet, d.event, d.duplicate_of,
                    (SELECT json_group_array(lang) FROM (
                        SELECT json_extract(s.value, '$.lang') AS lang, MIN(s.key) AS k
                        FROM json_each(d.article, '$.segments') s GROUP BY lang ORDER BY k))
             FROM documents d ORDER BY d.seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                DocumentSummary {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    published: r.get(2)?,
                    outlet: r.get(3)?,
                    event: r.get(4)?,
                    duplicate_of: r.get(5)?,
                    languages: Vec::new(),
                },
                r.get::<_, Option<String>>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (mut d, langs) = row?;
            if let Some(l) = langs {
                d.languages = serde_json::from_str(&l).map_err(|e| StoreError::Corrupt {
                    what: format!("languages of document {}", d.id),
                    why: e.to_string(),
                })?;
            }
            out.push(d);
        }
        Ok(out)
    }
}
