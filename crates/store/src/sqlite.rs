//! The embedded backend: one SQLite database in the store directory, in WAL mode.
//!
//! Several processes may open the same directory; writers take turns (SQLite's own locking, with
//! a generous busy timeout). Each [`Store::commit`] is one `IMMEDIATE` transaction.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use model::{Article, Claim, Entity, EntityKind, Event, Fact, Quote};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::fulltext::{document_terms, fts_expression, hit_snippet, TextQuery};
use crate::record::{
    Commit, DocStatus, DocumentRecord, DocumentSummary, EventState, Hit, LinkCandidate,
    SharedPassage, StoreError, DOC_COLUMNS,
};
use crate::{Store, VectorVisitor};

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

/// The claim fields beyond the contract's, stored as one JSON column.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct ClaimDetail {
    #[serde(default)]
    pub(crate) outlets: Vec<String>,
    #[serde(default)]
    pub(crate) single_source: bool,
    #[serde(default)]
    pub(crate) disagreement: Vec<model::Figure>,
    #[serde(default)]
    pub(crate) independent_sources: usize,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) evidence: Vec<model::Evidence>,
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

/// Entity and alias rows this connection knows to be in the store. A document names mostly
/// entities the store already has, and inserting each again (to do nothing on the conflict)
/// was most of the statements of a commit. A row is learnt only once the commit that wrote it
/// (or found it there) has succeeded, and rows of these tables are never deleted, so what is
/// known stays true whatever other processes write. Past [`KnownRows::MAX`] rows it starts
/// afresh.
#[derive(Default)]
struct KnownRows {
    /// Entity id → language → aliases.
    entities: HashMap<String, HashMap<String, HashSet<String>>>,
    rows: usize,
}

impl KnownRows {
    const MAX: usize = 500_000;

    fn has_entity(&self, id: &str) -> bool {
        self.entities.contains_key(id)
    }

    fn has_alias(&self, id: &str, lang: &str, alias: &str) -> bool {
        self.entities
            .get(id)
            .and_then(|langs| langs.get(lang))
            .is_some_and(|aliases| aliases.contains(alias))
    }

    /// Remember the rows of a commit that succeeded.
    fn learn(&mut self, entities: &[Entity]) {
        if self.rows > Self::MAX {
            *self = KnownRows::default();
        }
        for ent in entities {
            if !self.entities.contains_key(&ent.id) {
                self.entities.insert(ent.id.clone(), HashMap::new());
                self.rows += 1;
            }
            let Some(langs) = self.entities.get_mut(&ent.id) else {
                continue;
            };
            for (lang, aliases) in &ent.aliases {
                if !langs.contains_key(lang) {
                    langs.insert(lang.clone(), HashSet::new());
                }
                let Some(known) = langs.get_mut(lang) else {
                    continue;
                };
                for alias in aliases {
                    if !known.contains(alias) {
                        known.insert(alias.clone());
                        self.rows += 1;
                    }
                }
            }
        }
    }
}

impl SqliteStore {
    /// Run `f` in one write transaction: the one [`Store::begin_decision`] opened, which this
    /// ends, or else a new one.
    fn write(
        &mut self,
        f: impl FnOnce(&Connection) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        if self.deciding {
            self.deciding = false;
            return match f(&self.conn) {
                Ok(()) => Ok(self.conn.execute_batch("COMMIT")?),
                Err(e) => {
                    let _ = self.conn.execute_batch("ROLLBACK");
                    Err(e)
                }
            };
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        f(&tx)?;
        tx.commit()?;
        Ok(())
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
        conn.busy_timeout(Duration::from_secs(60))
            .map_err(|e| open_err(e.to_string()))?;
        // Commits insert enrichment rows (entities, aliases, quotes, facts, claims) with
        // statements kept prepared: room for those beside the queries.
        conn.set_prepared_statement_cache_capacity(48);
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

    /// Index documents stored before the full-text index existed (a store from an older
    /// version), in one transaction.
    fn index_missing(&mut self) -> Result<(), StoreError> {
        let missing: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM documents WHERE seq NOT IN (SELECT rowid FROM documents_fts)",
            [],
            |r| r.get(0),
        )?;
        if missing == 0 {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
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

    fn documents_of_events(&self) -> Result<HashMap<String, Vec<String>>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT event, id FROM documents WHERE event IS NOT NULL ORDER BY seq",
        )?;
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (event, id) = row?;
            map.entry(event).or_default().push(id);
        }
        Ok(map)
    }
}

fn vector_to_blob(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn blob_to_vector(b: &[u8]) -> Vec<f32> {
    b.chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

fn event_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Event> {
    Ok(Event {
        id: r.get(0)?,
        title: r.get(1)?,
        start: r.get(2)?,
        end: r.get(3)?,
        place: r.get(4)?,
        storyline: r.get(5)?,
        documents: Vec::new(),
    })
}

fn document_from_row(r: &rusqlite::Row<'_>) -> Result<DocumentRecord, StoreError> {
    let id: String = r.get(0)?;
    let json: String = r.get(5)?;
    let article: Article = serde_json::from_str(&json).map_err(|e| StoreError::Corrupt {
        what: format!("document {id}"),
        why: e.to_string(),
    })?;
    let vector: Option<Vec<u8>> = r.get(6)?;
    Ok(DocumentRecord {
        article,
        hash: r.get(1)?,
        event: r.get(2)?,
        duplicate_of: r.get(3)?,
        translation_of: r.get(4)?,
        vector: vector.map(|b| blob_to_vector(&b)),
        why: r.get(7)?,
    })
}

/// The writes of one commit, inside a transaction the caller opened and ends. The rows of
/// enrichment, written many to a commit, reuse prepared statements.
/// Replace an event's claims and clear its stale mark, inside the caller's transaction.
fn write_claims(tx: &Connection, event: &str, claims: &[Claim]) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM claims WHERE event = ?1")?
        .execute([event])?;
    for (i, cl) in claims.iter().enumerate() {
        let sources =
            serde_json::to_string(&cl.sources).map_err(|e| StoreError::Db(e.to_string()))?;
        let detail = serde_json::to_string(&ClaimDetail {
            outlets: cl.outlets.clone(),
            single_source: cl.single_source,
            disagreement: cl.disagreement.clone(),
            independent_sources: cl.independent_sources,
            evidence: cl.evidence.clone(),
        })
        .map_err(|e| StoreError::Db(e.to_string()))?;
        tx.prepare_cached("INSERT INTO claims (event, position, text, sources, detail) VALUES (?1, ?2, ?3, ?4, ?5)")?.execute(params![event, i as i64, cl.text, sources, detail])?;
    }
    tx.prepare_cached("DELETE FROM claims_stale WHERE event = ?1")?
        .execute([event])?;
    Ok(())
}

fn write_commit(tx: &Connection, c: &Commit, known: &KnownRows) -> Result<(), StoreError> {
    let a = &c.document.article;
    let article_json = serde_json::to_string(a).map_err(|e| StoreError::Db(e.to_string()))?;
    let search = format!("{}\n{}", a.title.as_deref().unwrap_or(""), a.text()).to_lowercase();
    tx.execute(
            "INSERT INTO documents (id, hash, title, published, outlet, event, duplicate_of, translation_of, article, search, vector, why, fingerprint)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                a.id,
                c.document.hash,
                a.title,
                a.published,
                a.outlet,
                c.document.event,
                c.document.duplicate_of,
                c.document.translation_of,
                article_json,
                search,
                c.document.vector.as_deref().map(vector_to_blob),
                c.document.why,
                c.fingerprint,
            ],
        )?;
    // Right after the document, in the same transaction: last_insert_rowid() is its seq.
    tx.execute(
        "INSERT INTO documents_fts (rowid, terms) VALUES (last_insert_rowid(), ?1)",
        [document_terms(a)],
    )?;
    for (event, storyline) in &c.storylines {
        tx.execute(
            "UPDATE events SET storyline = ?2 WHERE id = ?1",
            params![event, storyline],
        )?;
    }
    for p in &c.passages {
        let docs =
            serde_json::to_string(&p.documents).map_err(|e| StoreError::Db(e.to_string()))?;
        tx.execute(
            "INSERT INTO passages (event, documents, text) VALUES (?1, ?2, ?3)",
            params![p.event, docs, p.text],
        )?;
    }
    if let Some(es) = &c.event {
        let e = &es.event;
        tx.execute(
                "INSERT INTO events (id, title, start, \"end\", place, storyline, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT(id) DO UPDATE SET title = excluded.title, start = excluded.start, \"end\" = excluded.\"end\",
                 place = excluded.place, storyline = excluded.storyline, state = excluded.state",
                params![e.id, e.title, e.start, e.end, e.place, e.storyline, es.state],
            )?;
    }
    for ent in &c.entities {
        if !known.has_entity(&ent.id) {
            tx.prepare_cached(
                "INSERT INTO entities (id, kind, name) VALUES (?1, ?2, ?3) ON CONFLICT(id) DO NOTHING",
            )?
            .execute(params![ent.id, ent.kind.as_str(), ent.name])?;
        }
        for (lang, aliases) in &ent.aliases {
            for alias in aliases {
                if known.has_alias(&ent.id, lang, alias) {
                    continue;
                }
                tx.prepare_cached("INSERT OR IGNORE INTO entity_aliases (entity, lang, alias) VALUES (?1, ?2, ?3)")?.execute(params![ent.id, lang, alias])?;
            }
        }
        tx.prepare_cached("INSERT OR IGNORE INTO mentions (entity, document) VALUES (?1, ?2)")?
            .execute(params![ent.id, a.id])?;
    }
    for q in &c.quotes {
        tx.prepare_cached(
            "INSERT INTO quotes (document, speaker, text, via, direct) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![q.document, q.speaker, q.text, q.via, q.direct])?;
    }
    for f in &c.facts {
        tx.prepare_cached(
            "INSERT INTO facts (document, value, unit, text, subject) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![f.document, f.value, f.unit, f.text, f.subject])?;
    }
    if let Some((event, claims)) = &c.claims {
        write_claims(tx, event, claims)?;
    }
    if let Some(event) = &c.claims_stale {
        tx.prepare_cached("INSERT OR IGNORE INTO claims_stale (event) VALUES (?1)")?
            .execute([event])?;
    }
    if let Some(data) = &c.claim_candidates {
        tx.prepare_cached(
            "INSERT OR REPLACE INTO claim_candidates (document, data) VALUES (?1, ?2)",
        )?
        .execute(params![a.id, data])?;
    }
    Ok(())
}

impl Store for SqliteStore {
    fn watch_report(&self) -> Result<crate::WatchReport, StoreError> {
        crate::watch::sqlite_report(&self.conn)
    }

    fn status(&self, id: &str, hash: &str) -> Result<DocStatus, StoreError> {
        let stored: Option<String> = self
            .conn
            .query_row("SELECT hash FROM documents WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        match stored {
            Some(h) if h == hash => return Ok(DocStatus::AlreadyIngested),
            Some(_) => return Ok(DocStatus::IdConflict),
            None => {}
        }
        let other: Option<String> = self
            .conn
            .query_row(
                "SELECT id FROM documents WHERE hash = ?1 ORDER BY seq LIMIT 1",
                [hash],
                |r| r.get(0),
            )
            .optional()?;
        Ok(other.map_or(DocStatus::New, DocStatus::SameContentAs))
    }

    fn commit(&mut self, c: &Commit) -> Result<(), StoreError> {
        let known = std::mem::take(&mut self.known);
        let r = self.write(|tx| write_commit(tx, c, &known));
        self.known = known;
        if r.is_ok() {
            self.known.learn(&c.entities);
        }
        r
    }

    fn replace_claims(&mut self, claims: &[(String, Vec<Claim>)]) -> Result<(), StoreError> {
        self.write(|tx| {
            claims
                .iter()
                .try_for_each(|(event, claims)| write_claims(tx, event, claims))
        })
    }

    fn stale_claims(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT event FROM claims_stale ORDER BY event")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
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

    fn documents_since(
        &self,
        after: u64,
        limit: usize,
    ) -> Result<Vec<(u64, DocumentRecord)>, StoreError> {
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {DOC_COLUMNS}, seq FROM documents WHERE seq > ?1 ORDER BY seq LIMIT ?2"
        ))?;
        let mut rows = stmt.query(params![after, limit])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(8)?;
            out.push((u64::try_from(seq).unwrap_or(0), document_from_row(r)?));
        }
        Ok(out)
    }

    fn last_position(&self) -> Result<u64, StoreError> {
        let seq: Option<i64> = self
            .conn
            .query_row("SELECT max(seq) FROM documents", [], |r| r.get(0))?;
        Ok(seq.and_then(|s| u64::try_from(s).ok()).unwrap_or(0))
    }

    fn document(&self, id: &str) -> Result<Option<DocumentRecord>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {DOC_COLUMNS} FROM documents WHERE id = ?1"
        ))?;
        let mut rows = stmt.query([id])?;
        match rows.next()? {
            Some(r) => Ok(Some(document_from_row(r)?)),
            None => Ok(None),
        }
    }

    fn for_each_document(
        &self,
        f: &mut dyn FnMut(DocumentRecord) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {DOC_COLUMNS} FROM documents ORDER BY seq"))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            f(document_from_row(r)?)?;
        }
        Ok(())
    }

    fn document_count(&self) -> Result<usize, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM documents", [], |r| r.get(0))?;
        Ok(n as usize)
    }

    fn event(&self, id: &str) -> Result<Option<Event>, StoreError> {
        let ev = self
            .conn
            .query_row(
                "SELECT id, title, start, \"end\", place, storyline FROM events WHERE id = ?1",
                [id],
                event_from_row,
            )
            .optional()?;
        let Some(mut ev) = ev else { return Ok(None) };
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM documents WHERE event = ?1 ORDER BY seq")?;
        ev.documents = stmt
            .query_map([id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(Some(ev))
    }

    fn events(&self) -> Result<Vec<Event>, StoreError> {
        let docs = self.documents_of_events()?;
        let mut stmt = self.conn.prepare(
            "SELECT id, title, start, \"end\", place, storyline FROM events ORDER BY start IS NULL, start, id",
        )?;
        let mut out: Vec<Event> = stmt
            .query_map([], event_from_row)?
            .collect::<Result<_, _>>()?;
        for e in &mut out {
            e.documents = docs.get(&e.id).cloned().unwrap_or_default();
        }
        out.retain(|e| !e.documents.is_empty());
        Ok(out)
    }

    fn event_states(&self) -> Result<Vec<EventState>, StoreError> {
        let docs = self.documents_of_events()?;
        let mut stmt = self.conn.prepare(
            "SELECT id, title, start, \"end\", place, storyline, state FROM events ORDER BY rowid",
        )?;
        let rows = stmt.query_map([], |r| Ok((event_from_row(r)?, r.get::<_, Vec<u8>>(6)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (mut event, state) = row?;
            event.documents = docs.get(&event.id).cloned().unwrap_or_default();
            out.push(EventState { event, state });
        }
        Ok(out)
    }

    fn entities(&self) -> Result<Vec<Entity>, StoreError> {
        let mut aliases: HashMap<String, BTreeMap<String, Vec<String>>> = HashMap::new();
        let mut stmt = self.conn.prepare(
            "SELECT entity, lang, alias FROM entity_aliases ORDER BY entity, lang, rowid",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (e, lang, alias) = row?;
            aliases
                .entry(e)
                .or_default()
                .entry(lang)
                .or_default()
                .push(alias);
        }
        let mut docs: HashMap<String, Vec<String>> = HashMap::new();
        let mut stmt = self.conn.prepare(
            "SELECT m.entity, m.document FROM mentions m JOIN documents d ON d.id = m.document ORDER BY d.seq",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (e, d) = row?;
            docs.entry(e).or_default().push(d);
        }
        let mut stmt = self
            .conn
            .prepare("SELECT id, kind, name FROM entities ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, kind, name) = row?;
            out.push(Entity {
                kind: EntityKind::from_name(&kind),
                name,
                aliases: aliases.remove(&id).unwrap_or_default(),
                documents: docs.remove(&id).unwrap_or_default(),
                id,
            });
        }
        Ok(out)
    }

    fn quotes(&self) -> Result<Vec<Quote>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT document, speaker, text, via, direct FROM quotes ORDER BY rowid")?;
        let rows = stmt.query_map([], |r| {
            Ok(Quote {
                document: r.get(0)?,
                speaker: r.get(1)?,
                text: r.get(2)?,
                via: r.get(3)?,
                direct: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn facts(&self) -> Result<Vec<Fact>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT document, value, unit, text, subject FROM facts ORDER BY rowid")?;
        let rows = stmt.query_map([], |r| {
            Ok(Fact {
                document: r.get(0)?,
                value: r.get(1)?,
                unit: r.get(2)?,
                text: r.get(3)?,
                subject: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn claims(&self) -> Result<Vec<Claim>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT event, text, sources, detail FROM claims ORDER BY event, position")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (event, text, sources, detail) = row?;
            let corrupt = |e: serde_json::Error| StoreError::Corrupt {
                what: format!("claim of event {event}"),
                why: e.to_string(),
            };
            let sources = serde_json::from_str(&sources).map_err(corrupt)?;
            let detail: ClaimDetail = match detail {
                Some(d) => serde_json::from_str(&d).map_err(corrupt)?,
                None => ClaimDetail::default(),
            };
            out.push(Claim {
                event,
                text,
                sources,
                outlets: detail.outlets,
                single_source: detail.single_source,
                disagreement: detail.disagreement,
                independent_sources: detail.independent_sources,
                evidence: detail.evidence,
            });
        }
        Ok(out)
    }

    fn shared_passages(&self) -> Result<Vec<SharedPassage>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT event, documents, text FROM passages ORDER BY rowid")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (event, docs, text) = row?;
            let documents = serde_json::from_str(&docs).map_err(|e| StoreError::Corrupt {
                what: "shared passage".into(),
                why: e.to_string(),
            })?;
            out.push(SharedPassage {
                event,
                documents,
                text,
            });
        }
        Ok(out)
    }

    fn link_candidates(
        &self,
        events: &[String],
        per_event: usize,
    ) -> Result<Vec<LinkCandidate>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, event, translation_of, vector, fingerprint FROM documents
             WHERE event = ?1 ORDER BY seq DESC LIMIT ?2",
        )?;
        let mut out = Vec::new();
        for e in events {
            let rows = stmt.query_map(params![e, per_event as i64], |r| {
                Ok(LinkCandidate {
                    id: r.get(0)?,
                    event: r.get(1)?,
                    translation_of: r.get(2)?,
                    vector: r.get::<_, Option<Vec<u8>>>(3)?.map(|b| blob_to_vector(&b)),
                    fingerprint: r.get(4)?,
                })
            })?;
            let mut these: Vec<LinkCandidate> = rows.collect::<Result<_, _>>()?;
            these.reverse();
            out.extend(these);
        }
        Ok(out)
    }

    fn claim_candidates(&self, event: &str) -> Result<Vec<(String, String)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.document, c.data FROM claim_candidates c JOIN documents d ON d.id = c.document
             WHERE d.event = ?1 ORDER BY d.seq",
        )?;
        let rows = stmt.query_map([event], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn search_text(&self, query: &TextQuery, limit: usize) -> Result<Vec<Hit>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let Some((all, terms)) = fts_expression(query, "AND") else {
            return Ok(Vec::new());
        };
        let mut hits = self.fts(&all, &terms, limit)?;
        if query.fallback_any && hits.len() < limit && query.groups.len() > 1 {
            if let Some((any, _)) = fts_expression(query, "OR") {
                for h in self.fts(&any, &terms, limit)? {
                    if hits.len() >= limit {
                        break;
                    }
                    if !hits.iter().any(|k| k.document == h.document) {
                        hits.push(h);
                    }
                }
            }
        }
        Ok(hits)
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

    fn for_each_vector(&self, f: &mut VectorVisitor<'_>) -> Result<(), StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, vector FROM documents WHERE vector IS NOT NULL ORDER BY seq")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            let blob: Vec<u8> = r.get(1)?;
            f(&id, &blob_to_vector(&blob))?;
        }
        Ok(())
    }
}
