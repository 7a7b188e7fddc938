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
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use model::{Article, Claim, Entity, EntityKind, Event, Fact, Quote};
use postgres::error::SqlState;
use postgres::{Client, Config, GenericClient, NoTls, Row};

use crate::fulltext::{
    document_terms, hit_snippet, self_overlapping, spaced_tokens, Phrases, TextQuery,
};
use crate::record::{
    Commit, DocStatus, DocumentRecord, EventState, Hit, LinkCandidate, SharedPassage, StoreError,
    DOC_COLUMNS,
};
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
        mut f: impl FnMut(&mut Client) -> Result<T, postgres::Error>,
    ) -> Result<T, StoreError> {
        let mut client = self.lock();
        let mut attempt = 0;
        loop {
            attempt += 1;
            match f(&mut client) {
                Ok(v) => return Ok(v),
                // Inside a decision nothing is repeated: the transaction, and the lock it held,
                // are gone, so the decision is over (the caller starts it again).
                Err(e) if self.deciding.load(Ordering::SeqCst) => {
                    let _ = client.batch_execute("ROLLBACK");
                    self.deciding.store(false, Ordering::SeqCst);
                    return Err(StoreError::Db(format!(
                        "a clustering decision was interrupted: {}",
                        self.db_error(&e)
                    )));
                }
                Err(e) if attempt < ATTEMPTS && is_transient(&e) => {
                    std::thread::sleep(Duration::from_millis(20 << attempt.min(5)));
                }
                Err(e) if attempt < ATTEMPTS && (e.is_closed() || client.is_closed()) => {
                    match self.reconnect(&mut client) {
                        Ok(()) => {}
                        Err(why) => {
                            return Err(StoreError::Db(format!(
                                "lost the connection to {} ({}) and could not reconnect: {why}",
                                self.url,
                                describe(&e)
                            )))
                        }
                    }
                }
                Err(e) => return Err(self.db_error(&e)),
            }
        }
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

    fn db_error(&self, e: &postgres::Error) -> StoreError {
        if e.is_closed() {
            StoreError::Db(format!(
                "lost the connection to {}: {}",
                self.url,
                describe(e)
            ))
        } else {
            StoreError::Db(describe(e))
        }
    }

    fn documents_of_events(
        client: &mut Client,
    ) -> Result<HashMap<String, Vec<String>>, postgres::Error> {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for r in client.query(
            "SELECT event, id FROM documents WHERE event IS NOT NULL ORDER BY seq",
            &[],
        )? {
            map.entry(r.get(0)).or_default().push(r.get(1));
        }
        Ok(map)
    }

    fn event_states_where(&self, since: Option<i64>) -> Result<(Vec<EventState>, i64), StoreError> {
        if self.deciding.load(Ordering::SeqCst) {
            // No other writer commits during a decision: its transaction is snapshot enough.
            return self.with_client(|client| event_states_in(client, since));
        }
        self.with_client(|client| {
            // One snapshot for the horizon, the events and their documents.
            let mut tx = client
                .build_transaction()
                .isolation_level(postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()?;
            let out = event_states_in(&mut tx, since)?;
            tx.commit()?;
            Ok(out)
        })
    }
}

/// The events (all, or those changed by transactions from `since` on) with their states and
/// documents, and the cursor for the next call; one snapshot when `client` is a repeatable-read
/// transaction.
fn event_states_in<C: GenericClient>(
    tx: &mut C,
    since: Option<i64>,
) -> Result<(Vec<EventState>, i64), postgres::Error> {
    {
        {
            // Every transaction that had not committed when this snapshot was taken has an id at
            // or above its xmin: reading `changed_by >= xmin` next time misses none of them.
            let horizon: i64 = tx
                .query_one(
                    "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint",
                    &[],
                )?
                .get(0);
            let docs = {
                let mut map: HashMap<String, Vec<String>> = HashMap::new();
                for r in tx.query(
                    "SELECT event, id FROM documents WHERE event IS NOT NULL ORDER BY seq",
                    &[],
                )? {
                    map.entry(r.get(0)).or_default().push(r.get(1));
                }
                map
            };
            let rows = match since {
                None => tx.query(
                    "SELECT id, title, start, \"end\", place, storyline, state FROM events ORDER BY seq",
                    &[],
                )?,
                Some(cursor) => tx.query(
                    "SELECT id, title, start, \"end\", place, storyline, state FROM events
                     WHERE changed_by >= $1 ORDER BY seq",
                    &[&cursor],
                )?,
            };
            let out = rows
                .iter()
                .map(|r| {
                    let mut event = event_from_row(r);
                    event.documents = docs.get(&event.id).cloned().unwrap_or_default();
                    EventState {
                        event,
                        state: r.get(6),
                    }
                })
                .collect();
            Ok((out, horizon))
        }
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
                Err(_) => crate::index_terms(r.get(2)).join(" "),
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

fn opt_text(s: &Option<String>) -> Option<Cow<'_, str>> {
    s.as_deref().map(text)
}

fn vector_to_blob(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn blob_to_vector(b: &[u8]) -> Vec<f32> {
    b.chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

fn event_from_row(r: &Row) -> Event {
    Event {
        id: r.get(0),
        title: r.get(1),
        start: r.get(2),
        end: r.get(3),
        place: r.get(4),
        storyline: r.get(5),
        documents: Vec::new(),
    }
}

fn document_from_row(r: &Row) -> Result<DocumentRecord, StoreError> {
    let id: String = r.get(0);
    let json: &str = r.get(5);
    let article: Article = serde_json::from_str(json).map_err(|e| StoreError::Corrupt {
        what: format!("document {id}"),
        why: e.to_string(),
    })?;
    let vector: Option<Vec<u8>> = r.get(6);
    Ok(DocumentRecord {
        article,
        hash: r.get(1),
        event: r.get(2),
        duplicate_of: r.get(3),
        translation_of: r.get(4),
        vector: vector.map(|b| blob_to_vector(&b)),
        why: r.get(7),
    })
}

/// What one attempt at a commit concluded.
enum Attempt {
    Stored,
    /// The id was already stored (by another worker, or before): with this hash.
    IdTaken(String),
}

/// One attempt at writing `c` in one transaction: its own, or the one a decision opened
/// (`in_decision`), which this ends.
fn try_commit(
    client: &mut Client,
    c: &Commit,
    article_json: &str,
    search: &(String, i32),
    in_decision: bool,
) -> Result<Attempt, postgres::Error> {
    if in_decision {
        let r = write_commit(client, c, article_json, search)?;
        let end = match r {
            Attempt::Stored => "COMMIT",
            Attempt::IdTaken(_) => "ROLLBACK",
        };
        client.batch_execute(end)?;
        return Ok(r);
    }
    let mut tx = client.transaction()?;
    let r = write_commit(&mut tx, c, article_json, search)?;
    match r {
        Attempt::Stored => tx.commit()?,
        Attempt::IdTaken(_) => tx.rollback()?,
    }
    Ok(r)
}

/// Replace an event's claims and clear its stale mark, inside the caller's transaction (which
/// holds the event's advisory lock).
fn write_claims<C: GenericClient>(
    tx: &mut C,
    event: &str,
    claims: &[Claim],
) -> Result<(), postgres::Error> {
    tx.execute("DELETE FROM claims WHERE event = $1", &[&text(event)])?;
    for (i, cl) in claims.iter().enumerate() {
        let sources: Vec<Cow<'_, str>> = cl.sources.iter().map(|s| text(s)).collect();
        let position = i32::try_from(i).unwrap_or(i32::MAX);
        let detail = serde_json::to_string(&crate::sqlite::ClaimDetail {
            outlets: cl.outlets.clone(),
            single_source: cl.single_source,
            disagreement: cl.disagreement.clone(),
            independent_sources: cl.independent_sources,
            evidence: cl.evidence.clone(),
        })
        .unwrap_or_default(); // plain data: serialising it cannot fail
        tx.execute(
            "INSERT INTO claims (event, position, text, sources, detail) VALUES ($1, $2, $3, $4, $5)",
            &[&text(event), &position, &text(&cl.text), &sources, &detail],
        )?;
    }
    tx.execute("DELETE FROM claims_stale WHERE event = $1", &[&text(event)])?;
    Ok(())
}

/// [`Store::replace_claims`] inside a transaction the caller ends: the events' advisory locks
/// (in id order, as commits take them), then their claims.
fn write_all_claims<C: GenericClient>(
    tx: &mut C,
    claims: &[(String, Vec<Claim>)],
) -> Result<(), postgres::Error> {
    let events: BTreeSet<&str> = claims.iter().map(|(e, _)| e.as_str()).collect();
    for ev in &events {
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            &[&text(ev)],
        )?;
    }
    for (event, claims) in claims {
        write_claims(tx, event, claims)?;
    }
    Ok(())
}

/// The writes of one commit, inside a transaction the caller ends (committed when it returns
/// [`Attempt::Stored`], rolled back otherwise).
fn write_commit<C: GenericClient>(
    tx: &mut C,
    c: &Commit,
    article_json: &str,
    search: &(String, i32),
) -> Result<Attempt, postgres::Error> {
    let a = &c.document.article;
    // First, so that a worker racing us for the same id waits here (on the primary key) until we
    // commit or roll back, and then sees our row.
    let inserted = tx.execute(
        "INSERT INTO documents (id, hash, title, published, outlet, event, duplicate_of, translation_of, article, search, tokens, vector, why, fingerprint)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (id) DO NOTHING",
        &[
            &text(&a.id),
            &c.document.hash,
            &opt_text(&a.title),
            &opt_text(&a.published),
            &opt_text(&a.outlet),
            &opt_text(&c.document.event),
            &opt_text(&c.document.duplicate_of),
            &opt_text(&c.document.translation_of),
            &article_json,
            &search.0,
            &search.1,
            &c.document.vector.as_deref().map(vector_to_blob),
            &opt_text(&c.document.why),
            &c.fingerprint,
        ],
    )?;
    if inserted == 0 {
        let stored: String = tx
            .query_one("SELECT hash FROM documents WHERE id = $1", &[&text(&a.id)])?
            .get(0);
        return Ok(Attempt::IdTaken(stored));
    }
    // The events this commit changes, locked in a fixed order (no deadlock between workers).
    let events: BTreeSet<&str> = c
        .event
        .iter()
        .map(|e| e.event.id.as_str())
        .chain(c.claims.iter().map(|(e, _)| e.as_str()))
        .chain(c.storylines.iter().map(|(e, _)| e.as_str()))
        .collect();
    for ev in &events {
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            &[&text(ev)],
        )?;
    }
    for (event, storyline) in &c.storylines {
        tx.execute(
            "UPDATE events SET storyline = $2, changed_by = pg_current_xact_id()::text::bigint
             WHERE id = $1",
            &[&text(event), &text(storyline)],
        )?;
    }
    for p in &c.passages {
        let docs: Vec<Cow<'_, str>> = p.documents.iter().map(|d| text(d)).collect();
        tx.execute(
            "INSERT INTO passages (event, documents, text) VALUES ($1, $2, $3)",
            &[&opt_text(&p.event), &docs, &text(&p.text)],
        )?;
    }
    if let Some(es) = &c.event {
        let e = &es.event;
        tx.execute(
            "INSERT INTO events (id, title, start, \"end\", place, storyline, state, changed_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, pg_current_xact_id()::text::bigint)
             ON CONFLICT (id) DO UPDATE SET title = excluded.title, start = excluded.start,
             \"end\" = excluded.\"end\", place = excluded.place, storyline = excluded.storyline,
             state = excluded.state, changed_by = excluded.changed_by",
            &[
                &text(&e.id),
                &text(&e.title),
                &opt_text(&e.start),
                &opt_text(&e.end),
                &opt_text(&e.place),
                &opt_text(&e.storyline),
                &es.state,
            ],
        )?;
    }
    // Entities in id order, so that two workers adding the same entities lock them in the same
    // order (a stable sort keeps each entity's aliases in their given order).
    let mut entities: Vec<&Entity> = c.entities.iter().collect();
    entities.sort_by(|x, y| x.id.cmp(&y.id));
    for ent in entities {
        tx.execute(
            "INSERT INTO entities (id, kind, name) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
            &[&text(&ent.id), &ent.kind.as_str(), &text(&ent.name)],
        )?;
        for (lang, aliases) in &ent.aliases {
            for alias in aliases {
                tx.execute(
                    "INSERT INTO entity_aliases (entity, lang, alias) VALUES ($1, $2, $3)
                     ON CONFLICT DO NOTHING",
                    &[&text(&ent.id), &text(lang), &text(alias)],
                )?;
            }
        }
        tx.execute(
            "INSERT INTO mentions (entity, document) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&text(&ent.id), &text(&a.id)],
        )?;
    }
    for q in &c.quotes {
        tx.execute(
            "INSERT INTO quotes (document, speaker, text, via, direct) VALUES ($1, $2, $3, $4, $5)",
            &[
                &text(&q.document),
                &opt_text(&q.speaker),
                &text(&q.text),
                &opt_text(&q.via),
                &q.direct,
            ],
        )?;
    }
    for f in &c.facts {
        tx.execute(
            "INSERT INTO facts (document, value, unit, text, subject) VALUES ($1, $2, $3, $4, $5)",
            &[
                &text(&f.document),
                &f.value,
                &opt_text(&f.unit),
                &text(&f.text),
                &opt_text(&f.subject),
            ],
        )?;
    }
    if let Some((event, claims)) = &c.claims {
        write_claims(tx, event, claims)?;
    }
    if let Some(event) = &c.claims_stale {
        tx.execute(
            "INSERT INTO claims_stale (event) VALUES ($1) ON CONFLICT DO NOTHING",
            &[&text(event)],
        )?;
    }
    if let Some(data) = &c.claim_candidates {
        tx.execute(
            "INSERT INTO claim_candidates (document, data) VALUES ($1, $2)
             ON CONFLICT (document) DO UPDATE SET data = excluded.data",
            &[&text(&a.id), &text(data)],
        )?;
    }
    Ok(Attempt::Stored)
}

impl Store for PgStore {
    fn watch_report(&self) -> Result<crate::WatchReport, StoreError> {
        self.with_client(crate::watch::pg_report)
    }

    fn status(&self, id: &str, hash: &str) -> Result<DocStatus, StoreError> {
        let id = text(id);
        // One statement, one snapshot: with two queries, a worker committing this very id in
        // between would make it look like the same content under another id.
        let row = self.with_client(|client| {
            client.query_opt(
                "SELECT id, hash FROM documents WHERE id = $1 OR hash = $2
                 ORDER BY (id = $1) DESC, seq LIMIT 1",
                &[&id, &hash],
            )
        })?;
        let Some(row) = row else {
            return Ok(DocStatus::New);
        };
        let (stored_id, stored_hash): (String, String) = (row.get(0), row.get(1));
        Ok(if stored_id != id {
            DocStatus::SameContentAs(stored_id)
        } else if stored_hash == hash {
            DocStatus::AlreadyIngested
        } else {
            DocStatus::IdConflict
        })
    }

    /// One transaction. When the document's id is already stored, nothing is written: with the
    /// same content that is success (another worker got there first), with other content it is
    /// an error, as on every backend.
    fn commit(&mut self, c: &Commit) -> Result<(), StoreError> {
        let a = &c.document.article;
        let article_json = serde_json::to_string(a).map_err(|e| StoreError::Db(e.to_string()))?;
        let (spaced, n) = spaced_tokens(&document_terms(a));
        let search = (
            text(&spaced).into_owned(),
            i32::try_from(n).unwrap_or(i32::MAX),
        );
        let in_decision = self.deciding.load(Ordering::SeqCst);
        let attempt =
            self.with_client(|client| try_commit(client, c, &article_json, &search, in_decision));
        self.deciding.store(false, Ordering::SeqCst);
        match attempt? {
            Attempt::Stored => Ok(()),
            Attempt::IdTaken(stored) if stored == c.document.hash => Ok(()),
            Attempt::IdTaken(_) => Err(StoreError::Db(format!(
                "document id `{}` is already stored with different content; the stored document is kept",
                a.id
            ))),
        }
    }

    fn replace_claims(&mut self, claims: &[(String, Vec<Claim>)]) -> Result<(), StoreError> {
        let in_decision = self.deciding.load(Ordering::SeqCst);
        let r = self.with_client(|client| {
            if in_decision {
                write_all_claims(client, claims)?;
                return client.batch_execute("COMMIT");
            }
            let mut tx = client.transaction()?;
            write_all_claims(&mut tx, claims)?;
            tx.commit()
        });
        self.deciding.store(false, Ordering::SeqCst);
        r
    }

    fn stale_claims(&self) -> Result<Vec<String>, StoreError> {
        self.with_client(|client| {
            Ok(client
                .query("SELECT event FROM claims_stale ORDER BY event", &[])?
                .iter()
                .map(|r| r.get(0))
                .collect())
        })
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
            r
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
                    return Err(self.db_error(&e));
                }
            }
        }
        Ok(())
    }

    fn documents_since(
        &self,
        after: u64,
        limit: usize,
    ) -> Result<Vec<(u64, DocumentRecord)>, StoreError> {
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.with_client(|client| {
            client.query(
                &format!(
                    "SELECT {DOC_COLUMNS}, seq FROM documents WHERE seq > $1 ORDER BY seq LIMIT $2"
                ),
                &[&after, &limit],
            )
        })?;
        rows.iter()
            .map(|r| {
                let seq: i64 = r.get(8);
                Ok((u64::try_from(seq).unwrap_or(0), document_from_row(r)?))
            })
            .collect()
    }

    fn last_position(&self) -> Result<u64, StoreError> {
        let seq: Option<i64> = self.with_client(|client| {
            Ok(client
                .query_one("SELECT max(seq) FROM documents", &[])?
                .get(0))
        })?;
        Ok(seq.and_then(|s| u64::try_from(s).ok()).unwrap_or(0))
    }

    fn document(&self, id: &str) -> Result<Option<DocumentRecord>, StoreError> {
        let id = text(id);
        let row = self.with_client(|client| {
            client.query_opt(
                &format!("SELECT {DOC_COLUMNS} FROM documents WHERE id = $1"),
                &[&id],
            )
        })?;
        row.map(|r| document_from_row(&r)).transpose()
    }

    /// In batches, without holding the connection while `f` runs (so `f` may use the store).
    fn for_each_document(
        &self,
        f: &mut dyn FnMut(DocumentRecord) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        const BATCH: i64 = 256;
        let mut after = 0i64;
        loop {
            let rows = self.with_client(|client| {
                client.query(
                    &format!(
                        "SELECT {DOC_COLUMNS}, seq FROM documents WHERE seq > $1 ORDER BY seq LIMIT $2"
                    ),
                    &[&after, &BATCH],
                )
            })?;
            let Some(last) = rows.last() else {
                return Ok(());
            };
            after = last.get(8);
            for r in &rows {
                f(document_from_row(r)?)?;
            }
        }
    }

    fn document_count(&self) -> Result<usize, StoreError> {
        let n: i64 = self.with_client(|client| {
            Ok(client
                .query_one("SELECT COUNT(*) FROM documents", &[])?
                .get(0))
        })?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    fn event(&self, id: &str) -> Result<Option<Event>, StoreError> {
        let id = text(id);
        self.with_client(|client| {
            let Some(row) = client.query_opt(
                "SELECT id, title, start, \"end\", place, storyline FROM events WHERE id = $1",
                &[&id],
            )?
            else {
                return Ok(None);
            };
            let mut ev = event_from_row(&row);
            ev.documents = client
                .query(
                    "SELECT id FROM documents WHERE event = $1 ORDER BY seq",
                    &[&id],
                )?
                .iter()
                .map(|r| r.get(0))
                .collect();
            Ok(Some(ev))
        })
    }

    fn events(&self) -> Result<Vec<Event>, StoreError> {
        self.with_client(|client| {
            let docs = PgStore::documents_of_events(client)?;
            let mut out: Vec<Event> = client
                .query(
                    "SELECT id, title, start, \"end\", place, storyline FROM events
                     ORDER BY start IS NULL, start, id",
                    &[],
                )?
                .iter()
                .map(event_from_row)
                .collect();
            for e in &mut out {
                e.documents = docs.get(&e.id).cloned().unwrap_or_default();
            }
            out.retain(|e| !e.documents.is_empty());
            Ok(out)
        })
    }

    fn event_states(&self) -> Result<Vec<EventState>, StoreError> {
        Ok(self.event_states_where(None)?.0)
    }

    fn events_changed_since(&self, cursor: u64) -> Result<(Vec<EventState>, u64), StoreError> {
        let since = i64::try_from(cursor).unwrap_or(i64::MAX);
        let (events, horizon) = self.event_states_where(Some(since))?;
        Ok((events, u64::try_from(horizon).unwrap_or(0)))
    }

    fn entities(&self) -> Result<Vec<Entity>, StoreError> {
        self.with_client(|client| {
            let mut aliases: HashMap<String, BTreeMap<String, Vec<String>>> = HashMap::new();
            for r in client.query(
                "SELECT entity, lang, alias FROM entity_aliases ORDER BY entity, lang, seq",
                &[],
            )? {
                aliases
                    .entry(r.get(0))
                    .or_default()
                    .entry(r.get(1))
                    .or_default()
                    .push(r.get(2));
            }
            let mut docs: HashMap<String, Vec<String>> = HashMap::new();
            for r in client.query(
                "SELECT m.entity, m.document FROM mentions m JOIN documents d ON d.id = m.document
                 ORDER BY d.seq",
                &[],
            )? {
                docs.entry(r.get(0)).or_default().push(r.get(1));
            }
            let rows = client.query("SELECT id, kind, name FROM entities ORDER BY id", &[])?;
            Ok(rows
                .iter()
                .map(|r| {
                    let id: String = r.get(0);
                    Entity {
                        kind: EntityKind::from_name(r.get(1)),
                        name: r.get(2),
                        aliases: aliases.remove(&id).unwrap_or_default(),
                        documents: docs.remove(&id).unwrap_or_default(),
                        id,
                    }
                })
                .collect())
        })
    }

    fn quotes(&self) -> Result<Vec<Quote>, StoreError> {
        self.with_client(|client| {
            Ok(client
                .query(
                    "SELECT document, speaker, text, via, direct FROM quotes ORDER BY seq",
                    &[],
                )?
                .iter()
                .map(|r| Quote {
                    document: r.get(0),
                    speaker: r.get(1),
                    text: r.get(2),
                    via: r.get(3),
                    direct: r.get(4),
                })
                .collect())
        })
    }

    fn facts(&self) -> Result<Vec<Fact>, StoreError> {
        self.with_client(|client| {
            Ok(client
                .query(
                    "SELECT document, value, unit, text, subject FROM facts ORDER BY seq",
                    &[],
                )?
                .iter()
                .map(|r| Fact {
                    document: r.get(0),
                    value: r.get(1),
                    unit: r.get(2),
                    text: r.get(3),
                    subject: r.get(4),
                })
                .collect())
        })
    }

    fn claims(&self) -> Result<Vec<Claim>, StoreError> {
        self.with_client(|client| {
            Ok(client
                .query(
                    "SELECT event, text, sources, detail FROM claims ORDER BY event, position",
                    &[],
                )?
                .iter()
                .map(|r| {
                    let detail: crate::sqlite::ClaimDetail = r
                        .get::<_, Option<String>>(3)
                        .and_then(|d| serde_json::from_str(&d).ok())
                        .unwrap_or_default();
                    Claim {
                        event: r.get(0),
                        text: r.get(1),
                        sources: r.get(2),
                        outlets: detail.outlets,
                        single_source: detail.single_source,
                        disagreement: detail.disagreement,
                        independent_sources: detail.independent_sources,
                        evidence: detail.evidence,
                    }
                })
                .collect())
        })
    }

    fn claim_candidates(&self, event: &str) -> Result<Vec<(String, String)>, StoreError> {
        self.with_client(|client| {
            Ok(client
                .query(
                    "SELECT c.document, c.data FROM claim_candidates c JOIN documents d ON d.id = c.document
                     WHERE d.event = $1 ORDER BY d.seq",
                    &[&text(event)],
                )?
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect())
        })
    }

    fn shared_passages(&self) -> Result<Vec<SharedPassage>, StoreError> {
        self.with_client(|client| {
            Ok(client
                .query(
                    "SELECT event, documents, text FROM passages ORDER BY seq",
                    &[],
                )?
                .iter()
                .map(|r| SharedPassage {
                    event: r.get(0),
                    documents: r.get(1),
                    text: r.get(2),
                })
                .collect())
        })
    }

    fn link_candidates(
        &self,
        events: &[String],
        per_event: usize,
    ) -> Result<Vec<LinkCandidate>, StoreError> {
        let events: Vec<Cow<'_, str>> = events.iter().map(|e| text(e)).collect();
        let per_event = i64::try_from(per_event).unwrap_or(i64::MAX);
        // The newest `per_event` of each asked event, oldest first, events in the asked order.
        let rows = self.with_client(|client| {
            client.query(
                "SELECT d.id, d.event, d.translation_of, d.vector, d.fingerprint
                 FROM unnest($1::text[]) WITH ORDINALITY AS e(id, n)
                 CROSS JOIN LATERAL (
                     SELECT id, event, translation_of, vector, fingerprint, seq FROM documents
                     WHERE event = e.id ORDER BY seq DESC LIMIT $2
                 ) d
                 ORDER BY e.n, d.seq",
                &[&events, &per_event],
            )
        })?;
        Ok(rows
            .iter()
            .map(|r| LinkCandidate {
                id: r.get(0),
                event: r.get(1),
                translation_of: r.get(2),
                vector: r.get::<_, Option<Vec<u8>>>(3).map(|b| blob_to_vector(&b)),
                fingerprint: r.get(4),
            })
            .collect())
    }

    /// Ranked as SQLite ranks (see `PgStore::ranked`): the documents matching every group
    /// first, then, with `fallback_any`, those matching any.
    fn search_text(&self, query: &TextQuery, limit: usize) -> Result<Vec<Hit>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let phrases = Phrases::of(query);
        if phrases.groups.is_empty() {
            return Ok(Vec::new());
        }
        let mut hits = self.ranked(&phrases, true, limit)?;
        if query.fallback_any && hits.len() < limit && query.groups.len() > 1 {
            for h in self.ranked(&phrases, false, limit)? {
                if hits.len() >= limit {
                    break;
                }
                if !hits.iter().any(|k| k.document == h.document) {
                    hits.push(h);
                }
            }
        }
        Ok(hits)
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
            client.query(&sql, &args)
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
