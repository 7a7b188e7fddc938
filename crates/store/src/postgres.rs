//! The PostgreSQL backend, for deployments where several ingest workers share one database.
//!
//! [`PgStore::connect`] takes a connection URL (`postgres://user@host:port/dbname`), creates the
//! schema `storyline` and its tables if they are missing (idempotently, under an advisory lock,
//! with a schema version row) and keeps one connection. It means exactly what [`SqliteStore`]
//! means; what differs is what several writers need:
//!
//! - Each [`Store::commit`] is one transaction. The document row is inserted first with
//!   `ON CONFLICT DO NOTHING`: when another worker stored the same id first (its transaction
//!   commits, ours waits on the primary key and then sees it), ours is rolled back and the commit
//!   is a no-op if the stored content is the same, an error if it differs. So two workers on
//!   overlapping inputs store every document exactly once and neither run fails.
//! - The rows of one event (its state, its claims) are changed under a transaction-scoped
//!   advisory lock keyed by the event id (`pg_advisory_xact_lock`), so claims replaced by two
//!   workers at once do not interleave.
//! - Deadlocks and serialisation failures are retried; a lost connection is re-established and
//!   the commit retried (safe: a commit that did land is recognised as above).
//! - [`Store::events_changed_since`] returns the events whose state changed since a cursor (a
//!   transaction id horizon), so a worker can re-read what other workers did.
//!
//! [`SqliteStore`]: crate::SqliteStore

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use model::{Article, Claim, Entity, Event, Fact, Quote};
use postgres::error::SqlState;
use postgres::types::{FromSql, IsNull, ToSql, Type};
use postgres::{Client, Config, GenericClient, NoTls};

use crate::fulltext::{
    document_terms, hit_snippet, self_overlapping, spaced_tokens, Phrases, TextQuery,
};
use crate::record::{
    BackendError, Commit, DocStatus, DocumentRecord, EventState, Hit, LinkCandidate, SharedPassage,
    StoreError,
};
use crate::sql::{self, Conn, Dialect, KnownRows, Row, Value};
use crate::Store;

/// 2: the `search` column holds the analysed terms, not the lowercased text.
/// 3: `search` holds the tokens SQLite's full-text index makes of those terms, each between two
/// spaces of its own ([`spaced_tokens`]), and `tokens` their number, for bm25.
/// A store of an older version is re-analysed when opened.
const SCHEMA_VERSION: i64 = 3;

/// Documents re-analysed per statement when an older store is brought to this version.
const REINDEX_BATCH: i64 = 256;

/// Any constant will do: it only has to be the same for every storyline process.
const SCHEMA_LOCK: i64 = 0x5354_4f52_594c_494e; // "STORYLIN"

/// The lock a clustering decision holds (see [`Store::begin_decision`]); the same for every
/// storyline process, and other than [`SCHEMA_LOCK`].
const DECISION_LOCK: i64 = 0x5354_4f52_5944_4543; // "STORYDEC"

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS schema_version (
    version BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS index_meta (
    analyser BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    seq BIGSERIAL NOT NULL UNIQUE,
    id TEXT COLLATE "C" PRIMARY KEY,
    hash TEXT NOT NULL,
    title TEXT,
    published TEXT,
    outlet TEXT,
    event TEXT COLLATE "C",
    duplicate_of TEXT,
    translation_of TEXT,
    article TEXT NOT NULL,
    search TEXT NOT NULL,
    vector BYTEA,
    why TEXT,
    fingerprint BYTEA
);
CREATE INDEX IF NOT EXISTS documents_hash ON documents(hash);
-- (event, seq), not (event): an event's latest documents (link candidates) are read newest
-- first, and an index on event alone made the planner walk the whole seq index backward for
-- an event whose last document is old (the 1M benchmark fell from 60 to 6 articles/s).
CREATE INDEX IF NOT EXISTS documents_event_seq ON documents(event, seq);
DROP INDEX IF EXISTS documents_event;
CREATE TABLE IF NOT EXISTS events (
    seq BIGSERIAL NOT NULL UNIQUE,
    id TEXT COLLATE "C" PRIMARY KEY,
    title TEXT NOT NULL,
    start TEXT COLLATE "C",
    "end" TEXT,
    place TEXT,
    storyline TEXT,
    state BYTEA NOT NULL,
    changed_by BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_changed_by ON events(changed_by);
CREATE TABLE IF NOT EXISTS entities (
    id TEXT COLLATE "C" PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS entity_aliases (
    seq BIGSERIAL NOT NULL,
    entity TEXT COLLATE "C" NOT NULL,
    lang TEXT COLLATE "C" NOT NULL,
    alias TEXT NOT NULL,
    PRIMARY KEY (entity, lang, alias)
);
CREATE TABLE IF NOT EXISTS mentions (
    entity TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (entity, document)
);
CREATE TABLE IF NOT EXISTS quotes (
    seq BIGSERIAL PRIMARY KEY,
    document TEXT NOT NULL,
    speaker TEXT,
    text TEXT NOT NULL,
    via TEXT
);
CREATE INDEX IF NOT EXISTS quotes_document ON quotes(document);
CREATE TABLE IF NOT EXISTS facts (
    seq BIGSERIAL PRIMARY KEY,
    document TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    unit TEXT,
    text TEXT NOT NULL,
    subject TEXT
);
CREATE INDEX IF NOT EXISTS facts_document ON facts(document);
CREATE TABLE IF NOT EXISTS passages (
    seq BIGSERIAL PRIMARY KEY,
    event TEXT,
    documents TEXT[] NOT NULL,
    text TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS claims (
    event TEXT COLLATE "C" NOT NULL,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    sources TEXT[] NOT NULL,
    PRIMARY KEY (event, position)
);
ALTER TABLE quotes ADD COLUMN IF NOT EXISTS direct BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE claims ADD COLUMN IF NOT EXISTS detail TEXT;
CREATE TABLE IF NOT EXISTS claim_candidates (
    document TEXT COLLATE "C" PRIMARY KEY,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS claims_stale (
    event TEXT COLLATE "C" PRIMARY KEY
);
ALTER TABLE documents ADD COLUMN IF NOT EXISTS tokens INTEGER NOT NULL DEFAULT 0;
-- How often the spaced phrase `pat` occurs in `hay`, counting overlapping occurrences (for a
-- phrase such as `a b a`; others are counted by `replace`, see `PgStore::search_text`).
CREATE OR REPLACE FUNCTION phrase_count(hay TEXT, pat TEXT) RETURNS INTEGER
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    n INTEGER := 0;
    at INTEGER;
BEGIN
    LOOP
        at := strpos(hay, pat);
        EXIT WHEN at = 0;
        n := n + 1;
        hay := substr(hay, at + 1);
    END LOOP;
    RETURN n;
END
$$;
"#;

/// How often a commit is tried when the server reports a deadlock, a serialisation failure or a
/// lost connection.
const ATTEMPTS: u32 = 6;

/// A store in a PostgreSQL database (schema `storyline`).
pub struct PgStore {
    /// The connection; reads take `&self`, so it sits behind a lock.
    client: Mutex<Client>,
    config: Config,
    /// The URL without its password, for messages.
    url: String,
    /// A transaction opened by [`Store::begin_decision`] is open on the connection.
    deciding: AtomicBool,
    /// Entity and alias rows known to be stored, whose inserts a commit skips.
    known: KnownRows,
}

impl PgStore {
    /// Connect to `url` (`postgres://user[:password]@host[:port]/dbname`, or any form libpq's
    /// connection strings take) and create the schema if needed.
    pub fn connect(url: &str) -> Result<PgStore, StoreError> {
        let shown = redact(url);
        let open_err = |why: String| StoreError::Open {
            path: shown.clone(),
            why,
        };
        let mut config = Config::from_str(url).map_err(|e| open_err(describe(&e)))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        if config.get_application_name().is_none() {
            config.application_name("storyline");
        }
        let mut client = connect_client(&config).map_err(|e| open_err(describe(&e)))?;
        create_schema(&mut client, &shown)?;
        Ok(PgStore {
            client: Mutex::new(client),
            config,
            url: shown,
            deciding: AtomicBool::new(false),
            known: KnownRows::default(),
        })
    }

    /// The connection URL, without its password.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn lock(&self) -> MutexGuard<'_, Client> {
        // A panic while holding the lock cannot leave the client half-used in a way that matters:
        // the next statement either works or reports the broken connection.
        self.client.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Run `f` on the connection; when the connection was lost, reconnect and run it again.
    /// `f` must be safe to repeat (reads are; [`Store::commit`] is, see the module docs).
    fn with_client<T>(
        &self,
        mut f: impl FnMut(&mut Client) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut client = self.lock();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let e = match f(&mut client) {
                Ok(v) => return Ok(v),
                Err(StoreError::Backend {
                    source: BackendError::Postgres(e),
                }) => e,
                Err(other) => return Err(other),
            };
            // Inside a decision nothing is repeated: the transaction, and the lock it held, are
            // gone, so the decision is over (the caller starts it again).
            if self.deciding.load(Ordering::SeqCst) {
                let _ = client.batch_execute("ROLLBACK");
                self.deciding.store(false, Ordering::SeqCst);
                return Err(StoreError::Db(format!(
                    "a clustering decision was interrupted: {}",
                    self.db_error(e)
                )));
            }
            if attempt < ATTEMPTS && is_transient(&e) {
                std::thread::sleep(Duration::from_millis(20 << attempt.min(5)));
            } else if attempt < ATTEMPTS && (e.is_closed() || client.is_closed()) {
                if let Err(why) = self.reconnect(&mut client) {
                    return Err(StoreError::Db(format!(
                        "lost the connection to {} ({}) and could not reconnect: {why}",
                        self.url,
                        describe(&e)
                    )));
                }
            } else {
                return Err(self.db_error(e));
            }
        }
    }

    /// Run `f` on the connection (again after a reconnection, see [`PgStore::with_client`]).
    fn read<T>(
        &self,
        mut f: impl FnMut(&mut dyn Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.with_client(|client| f(&mut Pg(client)))
    }

    /// Replace a broken connection, waiting up to about half a minute for the server to return.
    fn reconnect(&self, client: &mut Client) -> Result<(), String> {
        let mut last = String::new();
        for wait_ms in [0u64, 200, 500, 1000, 2000, 4000, 8000, 15000] {
            std::thread::sleep(Duration::from_millis(wait_ms));
            match connect_client(&self.config) {
                Ok(c) => {
                    *client = c;
                    return Ok(());
                }
                Err(e) => last = describe(&e),
            }
        }
        Err(last)
    }

    fn db_error(&self, e: postgres::Error) -> StoreError {
        if e.is_closed() {
            StoreError::Db(format!(
                "lost the connection to {}: {}",
                self.url,
                describe(&e)
            ))
        } else {
            e.into()
        }
    }

    /// The events (all, or those changed by transactions from `since` on) with their states
    /// and documents, and the cursor for the next call, from one snapshot.
    fn event_states_where(&self, since: Option<i64>) -> Result<(Vec<EventState>, i64), StoreError> {
        // Every transaction that had not committed when this snapshot was taken has an id at or
        // above its xmin: reading `changed_by >= xmin` next time misses none of them.
        const HORIZON: &str = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint";
        if self.deciding.load(Ordering::SeqCst) {
            // No other writer commits during a decision: its transaction is snapshot enough.
            return self.read(|c| {
                let horizon = c.one(HORIZON, &[])?.map_or(Ok(0), |r| r.int(0))?;
                Ok((sql::event_states(c, since)?, horizon))
            });
        }
        self.with_client(|client| {
            let mut tx = client
                .build_transaction()
                .isolation_level(postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()?;
            let horizon: i64 = tx.query_one(HORIZON, &[])?.get(0);
            let out = sql::event_states(&mut Pg(&mut tx), since)?;
            tx.commit()?;
            Ok((out, horizon))
        })
    }
}

/// A connection or a transaction as the shared SQL layer uses it.
struct Pg<'c, C>(&'c mut C);

/// `?N` placeholders as PostgreSQL writes them (`$N`). The statements hold no `?` otherwise.
fn dollars(sql: &str) -> String {
    sql.replace('?', "$")
}

impl<C: GenericClient> Conn for Pg<'_, C> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn exec(&mut self, sql: &str, params: &[Value<'_>]) -> Result<u64, StoreError> {
        let params: Vec<&(dyn ToSql + Sync)> = params.iter().map(|v| v as _).collect();
        Ok(self.0.execute(dollars(sql).as_str(), &params)?)
    }

    fn query(&mut self, sql: &str, params: &[Value<'_>]) -> Result<Vec<Row>, StoreError> {
        let params: Vec<&(dyn ToSql + Sync)> = params.iter().map(|v| v as _).collect();
        let rows = self.0.query(dollars(sql).as_str(), &params)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(Row((0..r.len())
                .map(|i| r.try_get::<_, Value<'static>>(i))
                .collect::<Result<_, _>>()?));
        }
        Ok(out)
    }

    /// Transaction-scoped advisory locks keyed by the event ids.
    fn lock_events(&mut self, events: &BTreeSet<&str>) -> Result<(), StoreError> {
        for ev in events {
            self.exec(
                "SELECT pg_advisory_xact_lock(hashtextextended(?1, 0))",
                &[(*ev).into()],
            )?;
        }
        Ok(())
    }
}

type SqlResult<T> = Result<T, Box<dyn std::error::Error + Sync + Send>>;

/// Values go to the column's own type: an integer to `INT4` or `INT8`, a list to `TEXT[]`.
impl ToSql for Value<'_> {
    fn to_sql(&self, ty: &Type, out: &mut bytes::BytesMut) -> SqlResult<IsNull> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) if *ty == Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
            Value::Int(i) if *ty == Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
            Value::Int(i) => i.to_sql(ty, out),
            Value::Real(f) => f.to_sql(ty, out),
            Value::Bool(b) => b.to_sql(ty, out),
            Value::Text(s) => <&str as ToSql>::to_sql(&&*text(s), ty, out),
            Value::Blob(b) => <&[u8] as ToSql>::to_sql(&&**b, ty, out),
            Value::List(l) => l
                .iter()
                .map(|s| text(s).into_owned())
                .collect::<Vec<String>>()
                .to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

impl<'a> FromSql<'a> for Value<'static> {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> SqlResult<Self> {
        Ok(if *ty == Type::INT8 {
            Value::Int(i64::from_sql(ty, raw)?)
        } else if *ty == Type::INT4 {
            Value::Int(i32::from_sql(ty, raw)?.into())
        } else if *ty == Type::FLOAT8 {
            Value::Real(f64::from_sql(ty, raw)?)
        } else if *ty == Type::BOOL {
            Value::Bool(bool::from_sql(ty, raw)?)
        } else if *ty == Type::BYTEA {
            Value::Blob(Cow::Owned(Vec::from_sql(ty, raw)?))
        } else if *ty == Type::TEXT_ARRAY {
            Value::List(Cow::Owned(Vec::from_sql(ty, raw)?))
        } else if <&str as FromSql>::accepts(ty) {
            Value::Text(Cow::Owned(String::from_sql(ty, raw)?))
        } else {
            return Err(format!("a column of type {ty}, which the store does not read").into());
        })
    }

    fn from_sql_null(_: &Type) -> SqlResult<Self> {
        Ok(Value::Null)
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

pub(crate) fn connect_client(config: &Config) -> Result<Client, postgres::Error> {
    let mut client = config.connect(NoTls)?;
    client.batch_execute("SET search_path TO storyline")?;
    Ok(client)
}

fn create_schema(client: &mut Client, shown: &str) -> Result<(), StoreError> {
    let open_err = |e: postgres::Error| StoreError::Open {
        path: shown.to_string(),
        why: describe(&e),
    };
    let mut tx = client.transaction().map_err(open_err)?;
    // Two workers starting at once must not both create the tables.
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
        .map_err(open_err)?;
    tx.batch_execute("CREATE SCHEMA IF NOT EXISTS storyline")
        .map_err(open_err)?;
    tx.batch_execute(SCHEMA).map_err(open_err)?;
    let found: Option<i64> = tx
        .query_one("SELECT max(version) FROM schema_version", &[])
        .map_err(open_err)?
        .get(0);
    match found {
        Some(found) if found > SCHEMA_VERSION => {
            return Err(StoreError::Schema {
                path: shown.to_string(),
                found,
                known: SCHEMA_VERSION,
            })
        }
        Some(found) if found < SCHEMA_VERSION => {
            reindex_search(&mut tx, found).map_err(open_err)?;
            tx.execute("UPDATE schema_version SET version = $1", &[&SCHEMA_VERSION])
                .map_err(open_err)?;
        }
        Some(_) => {}
        None => {
            tx.execute(
                "INSERT INTO schema_version (version) VALUES ($1)",
                &[&SCHEMA_VERSION],
            )
            .map_err(open_err)?;
        }
    }
    // Terms from another analyser would not match this one's queries: analyse again.
    let built_by: Option<i64> = tx
        .query_opt("SELECT analyser FROM index_meta", &[])
        .map_err(open_err)?
        .map(|r| r.get(0));
    if built_by != Some(lang::ANALYSER_VERSION) {
        reindex_search(&mut tx, SCHEMA_VERSION).map_err(open_err)?;
        tx.execute("DELETE FROM index_meta", &[])
            .map_err(open_err)?;
        tx.execute(
            "INSERT INTO index_meta (analyser) VALUES ($1)",
            &[&lang::ANALYSER_VERSION],
        )
        .map_err(open_err)?;
    }
    tx.commit().map_err(open_err)
}

/// Replace what an older schema kept in `search` (schema 1: the lowercased text; 2: the analysed
/// terms between single spaces) by the spaced tokens, and count them, batch by batch (inside the
/// schema transaction: other workers wait, and a failure leaves the old schema). A stored
/// article that cannot be read is analysed from that column, which holds the same words.
fn reindex_search<C: GenericClient>(tx: &mut C, found: i64) -> Result<(), postgres::Error> {
    let mut after = 0i64;
    loop {
        let rows = tx.query(
            "SELECT seq, article, search FROM documents WHERE seq > $1 ORDER BY seq LIMIT $2",
            &[&after, &REINDEX_BATCH],
        )?;
        for r in &rows {
            let seq: i64 = r.get(0);
            let article: &str = r.get(1);
            let terms = match serde_json::from_str::<Article>(article) {
                Ok(a) => document_terms(&a),
                Err(_) if found >= 2 => r.get::<_, &str>(2).trim().to_string(),
                Err(_) => crate::index_terms(r.get(2), "und").join(" "),
            };
            let (spaced, n) = spaced_tokens(&terms);
            let n = i32::try_from(n).unwrap_or(i32::MAX);
            tx.execute(
                "UPDATE documents SET search = $1, tokens = $2 WHERE seq = $3",
                &[&text(&spaced), &n, &seq],
            )?;
            after = seq;
        }
        if (rows.len() as i64) < REINDEX_BATCH {
            return Ok(());
        }
    }
}

/// A connection URL (or key=value string) as it may be shown: without its password. Anything
/// else is returned as it is.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        // key=value form
        return url
            .split_whitespace()
            .map(|kv| match kv.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => "password=***",
                _ => kv,
            })
            .collect::<Vec<_>>()
            .join(" ");
    };
    let (authority, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
            let hidden = if user.len() < userinfo.len() {
                ":***"
            } else {
                ""
            };
            format!("{scheme}://{user}{hidden}@{host}{tail}")
        }
        None => url.to_string(),
    }
}

/// The whole error: the client's `Display` says only "db error" for what the server reported.
pub(crate) fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        let mut s = db.message().to_string();
        if let Some(detail) = db.detail() {
            s.push_str(" (");
            s.push_str(detail);
            s.push(')');
        }
        return s;
    }
    let mut s = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        source = cause.source();
    }
    s
}

fn is_transient(e: &postgres::Error) -> bool {
    matches!(
        e.code(),
        Some(c) if *c == SqlState::T_R_DEADLOCK_DETECTED || *c == SqlState::T_R_SERIALIZATION_FAILURE
    )
}

/// PostgreSQL text cannot hold NUL; everything else passes unchanged.
fn text(s: &str) -> Cow<'_, str> {
    if s.contains('\0') {
        Cow::Owned(s.replace('\0', "\u{FFFD}"))
    } else {
        Cow::Borrowed(s)
    }
}

impl Store for PgStore {
    sql::shared_reads!();

    fn watch_report(&self) -> Result<crate::WatchReport, StoreError> {
        self.with_client(|client| Ok(crate::watch::pg_report(client)?))
    }

    /// One transaction. When the document's id is already stored, nothing is written: with the
    /// same content that is success (another worker got there first), with other content it is
    /// an error, as on every backend.
    fn commit(&mut self, c: &Commit) -> Result<(), StoreError> {
        let in_decision = self.deciding.load(Ordering::SeqCst);
        let known = &self.known;
        let attempt = self.with_client(|client| {
            if in_decision {
                let r = sql::write_commit(&mut Pg(client), c, known);
                let end = match r {
                    Ok(sql::Attempt::Stored) => "COMMIT",
                    _ => "ROLLBACK",
                };
                client.batch_execute(end)?;
                return r;
            }
            let mut tx = client.transaction()?;
            let r = sql::write_commit(&mut Pg(&mut tx), c, known)?;
            match r {
                sql::Attempt::Stored => tx.commit()?,
                sql::Attempt::IdTaken(_) => tx.rollback()?,
            }
            Ok(r)
        });
        self.deciding.store(false, Ordering::SeqCst);
        let attempt = attempt?;
        if matches!(attempt, sql::Attempt::Stored) {
            self.known.learn(&c.entities);
        }
        attempt.result(c)
    }

    fn replace_claims(&mut self, claims: &[(String, Vec<Claim>)]) -> Result<(), StoreError> {
        let in_decision = self.deciding.load(Ordering::SeqCst);
        let r = self.with_client(|client| {
            if in_decision {
                let r = sql::replace_claims(&mut Pg(client), claims);
                client.batch_execute(if r.is_ok() { "COMMIT" } else { "ROLLBACK" })?;
                return r;
            }
            let mut tx = client.transaction()?;
            sql::replace_claims(&mut Pg(&mut tx), claims)?;
            Ok(tx.commit()?)
        });
        self.deciding.store(false, Ordering::SeqCst);
        r
    }

    /// A transaction holding a transaction-scoped advisory lock (`DECISION_LOCK`) that every
    /// decision of every worker takes: decisions (and their commits) happen one at a time, while
    /// the costly analysis before them runs in parallel. The lock goes with the transaction, so a
    /// worker killed or cut off mid-decision holds nobody up.
    fn begin_decision(&mut self) -> Result<(), StoreError> {
        if self.deciding.load(Ordering::SeqCst) {
            return Ok(());
        }
        self.with_client(|client| {
            let r = client.batch_execute("BEGIN").and_then(|()| {
                client
                    .execute("SELECT pg_advisory_xact_lock($1)", &[&DECISION_LOCK])
                    .map(drop)
            });
            if r.is_err() {
                let _ = client.batch_execute("ROLLBACK");
            }
            Ok(r?)
        })?;
        self.deciding.store(true, Ordering::SeqCst);
        Ok(())
    }

    fn end_decision(&mut self) -> Result<(), StoreError> {
        if self.deciding.swap(false, Ordering::SeqCst) {
            let mut client = self.lock();
            // A lost connection has rolled back already.
            if let Err(e) = client.batch_execute("ROLLBACK") {
                if !(e.is_closed() || client.is_closed()) {
                    return Err(self.db_error(e));
                }
            }
        }
        Ok(())
    }

    fn event_states(&self) -> Result<Vec<EventState>, StoreError> {
        Ok(self.event_states_where(None)?.0)
    }

    fn events_changed_since(&self, cursor: u64) -> Result<(Vec<EventState>, u64), StoreError> {
        let since = i64::try_from(cursor).unwrap_or(i64::MAX);
        let (events, horizon) = self.event_states_where(Some(since))?;
        Ok((events, u64::try_from(horizon).unwrap_or(0)))
    }

    /// Ranked as SQLite ranks (see `PgStore::ranked`): the documents matching every group
    /// first, then, with `fallback_any`, those matching any.
    fn search_text(&self, query: &TextQuery, limit: usize) -> Result<Vec<Hit>, StoreError> {
        let phrases = Phrases::of(query);
        if limit == 0 || phrases.groups.is_empty() {
            return Ok(Vec::new());
        }
        sql::all_then_any(query, limit, |q, all| {
            if std::ptr::eq(q, query) {
                self.ranked(&phrases, all, limit)
            } else {
                self.ranked(&Phrases::of(q), all, limit)
            }
        })
    }
}

/// FTS5's bm25 parameters (`fts5_aux.c`).
const BM25_K1: f64 = 1.2;
const BM25_B: f64 = 0.75;
/// The least idf FTS5 gives a phrase (one in over half the documents).
const BM25_MIN_IDF: f64 = 1e-6;

/// Full-text queries in a large store rank the newest this many documents first, as on SQLite.
const RECENT_ROWS: i64 = 20_000;

impl PgStore {
    /// The best `limit` documents matching every group of `phrases` (`all`) or any, best
    /// first, exactly as SQLite's FTS5 index ranks them: over the same tokens (the `search`
    /// column), by the same bm25 (k1 1.2, b 0.75; idf `ln((N - n + 0.5) / (n + 0.5))`, at least
    /// 1e-6, from the documents holding each phrase among all N; a document's length and the
    /// average in tokens), summed over the phrases in the same order, so the same floating-point
    /// numbers; ties go to the older document on both. In a store of over twice [`RECENT_ROWS`]
    /// documents the newest [`RECENT_ROWS`] are ranked first, as on SQLite.
    fn ranked(&self, phrases: &Phrases, all: bool, limit: usize) -> Result<Vec<Hit>, StoreError> {
        let (n, last): (i64, Option<i64>) = self.with_client(|client| {
            let r = client.query_one(
                "SELECT count(*), (SELECT seq FROM documents ORDER BY seq DESC OFFSET $1 LIMIT 1)
                 FROM documents",
                &[&RECENT_ROWS],
            )?;
            Ok((r.get(0), r.get(1)))
        })?;
        if n > 2 * RECENT_ROWS {
            if let Some(after) = last {
                let recent = self.ranked_after(phrases, all, limit, after)?;
                if recent.len() >= limit {
                    return Ok(recent);
                }
            }
        }
        self.ranked_after(phrases, all, limit, 0)
    }

    /// [`PgStore::ranked`] over the documents stored after position `after`.
    fn ranked_after(
        &self,
        phrases: &Phrases,
        all: bool,
        limit: usize,
        after: i64,
    ) -> Result<Vec<Hit>, StoreError> {
        // Parameters: $1 k1, $2 b, $3 least idf, $4 limit, $5 after, then one spaced phrase per
        // positive phrase (in FTS5's order, repeats across groups included: FTS5 counts them
        // twice), then the exclusions. Only parameter numbers reach the statement's text.
        let mut params: Vec<String> = Vec::new();
        let mut counts = Vec::new(); // per positive phrase: the expression of its occurrences
        let mut groups: Vec<Vec<String>> = Vec::new(); // per group: its alternatives' conditions
        for alts in &phrases.groups {
            let mut conds = Vec::new();
            for a in alts {
                let (spaced, tokens) = spaced_tokens(a);
                let i = counts.len() + 1;
                if tokens == 0 {
                    // FTS5: a phrase with no token matches nothing.
                    counts.push("0".to_string());
                    conds.push("false".to_string());
                    continue;
                }
                let p = params.len() + 6;
                counts.push(if self_overlapping(&spaced) {
                    format!("phrase_count(search, ${p})")
                } else {
                    format!("(length(search) - length(replace(search, ${p}, ''))) / length(${p})")
                });
                conds.push(format!("f{i} > 0"));
                params.push(spaced);
            }
            groups.push(conds);
        }
        let mut excluded = Vec::new();
        for x in &phrases.exclude {
            let (spaced, tokens) = spaced_tokens(x);
            // FTS5: excluding a phrase with no token excludes nothing.
            if tokens > 0 {
                params.push(spaced);
                excluded.push(format!("strpos(search, ${}) = 0", params.len() + 5));
            }
        }
        let k = counts.len();
        let f_cols: Vec<String> = counts
            .iter()
            .enumerate()
            .map(|(i, c)| format!("({c})::float8 AS f{}", i + 1))
            .collect();
        let hits: Vec<String> = (1..=k)
            .map(|i| format!("count(*) FILTER (WHERE f{i} > 0)::float8 AS h{i}"))
            .collect();
        // As fts5_aux.c computes it, operation by operation, in double precision.
        let idf: Vec<String> = (1..=k)
            .map(|i| {
                let raw = format!("ln((n - h{i} + 0.5) / (h{i} + 0.5))");
                format!("CASE WHEN {raw} <= 0 THEN $3::float8 ELSE {raw} END AS i{i}")
            })
            .collect();
        let mut score = "0::float8".to_string();
        for i in 1..=k {
            score = format!(
                "({score} + i{i} * ((f{i} * ($1::float8 + 1.0)) / (f{i} + $1::float8 * ((1.0 - $2::float8) + ($2::float8 * tokens::float8) / avgdl))))"
            );
        }
        let conds: Vec<String> = groups
            .iter()
            .map(|g| format!("({})", g.join(" OR ")))
            .collect();
        let filter = format!("({})", conds.join(if all { " AND " } else { " OR " }));
        let kept = if excluded.is_empty() {
            "true".to_string()
        } else {
            excluded.join(" AND ")
        };
        let sql = format!(
            "WITH f AS MATERIALIZED (SELECT seq, tokens, {f_cols}, {kept} AS kept FROM documents),
             s AS (SELECT count(*)::float8 AS n, coalesce(sum(tokens), 0)::float8 AS total, {hits}
                   FROM f),
             w AS (SELECT total / nullif(n, 0) AS avgdl, {idf} FROM s)
             SELECT d.id, d.title, d.event, d.article, r.score FROM
               (SELECT f.seq, {score} AS score FROM f, w
                WHERE f.seq > $5::bigint AND kept AND {filter}
                ORDER BY score DESC, f.seq LIMIT $4::bigint) r
             JOIN documents d ON d.seq = r.seq
             ORDER BY r.score DESC, r.seq",
            f_cols = f_cols.join(", "),
            hits = hits.join(", "),
            idf = idf.join(", "),
        );
        let terms = phrases.terms();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.with_client(|client| {
            let mut args: Vec<&(dyn postgres::types::ToSql + Sync)> =
                vec![&BM25_K1, &BM25_B, &BM25_MIN_IDF, &limit, &after];
            args.extend(
                params
                    .iter()
                    .map(|p| p as &(dyn postgres::types::ToSql + Sync)),
            );
            Ok(client.query(&sql, &args)?)
        })?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let title: Option<String> = r.get(1);
            let article: String = r.get(3);
            let paragraphs = serde_json::from_str::<serde_json::Value>(&article)
                .ok()
                .and_then(|v| v.get("paragraphs").map(|p| p.to_string()));
            let score: f64 = r.get(4);
            out.push(Hit {
                snippet: hit_snippet(title.as_deref(), paragraphs.as_deref(), &terms),
                score: score as f32,
                document: r.get(0),
                title,
                event: r.get(2),
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            redact("postgres://me:secret@db:5432/news"),
            "postgres://me:***@db:5432/news"
        );
        assert_eq!(
            redact("postgres://me@127.0.0.1/news"),
            "postgres://me@127.0.0.1/news"
        );
        assert_eq!(
            redact("host=/tmp password=secret dbname=x"),
            "host=/tmp password=*** dbname=x"
        );
    }
}
