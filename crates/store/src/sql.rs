//! The SQL both backends run, written once: the statements, the row conversion and the
//! sequence of a commit's writes. A backend gives a [`Conn`] (one connection or transaction)
//! and its [`Dialect`]; what differs between SQLite and PostgreSQL is small and lives here:
//!
//! - placeholders: statements are written with `?N`, which a PostgreSQL [`Conn`] turns into `$N`;
//! - types: a [`Value::List`] is a `TEXT[]` on PostgreSQL and JSON text on SQLite, integers fit
//!   the column's width, PostgreSQL text cannot hold NUL (replaced by U+FFFD);
//! - the order rows were inserted in (`rowid` on SQLite, a `seq` column on PostgreSQL);
//! - full text: SQLite writes the document's terms into its FTS5 index, PostgreSQL into the
//!   `search` and `tokens` columns of the document row (see [`crate::fulltext`]);
//! - several writers (PostgreSQL only): an event's rows are changed under an advisory lock, and
//!   each event row records the transaction that changed it (`changed_by`).
//!
//! Inserts that may meet a stored row use `ON CONFLICT`, which both understand.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use model::{Claim, Entity, EntityKind, Event, Fact, Quote};

use crate::fulltext::{document_terms, spaced_tokens, TextQuery};
use crate::record::{
    Commit, DocStatus, DocumentRecord, EventState, Hit, LinkCandidate, SharedPassage, StoreError,
};

/// What differs between the backends' SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The column that orders rows as they were inserted.
    fn inserted(self) -> &'static str {
        match self {
            Dialect::Sqlite => "rowid",
            Dialect::Postgres => "seq",
        }
    }
}

/// A parameter or a column value, as both drivers take and give it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value<'a> {
    Null,
    Int(i64),
    Real(f64),
    Bool(bool),
    Text(Cow<'a, str>),
    Blob(Cow<'a, [u8]>),
    /// A list of strings: `TEXT[]` on PostgreSQL, a JSON array in text on SQLite.
    List(Cow<'a, [String]>),
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(s: &'a str) -> Value<'a> {
        Value::Text(Cow::Borrowed(s))
    }
}

impl<'a> From<&'a String> for Value<'a> {
    fn from(s: &'a String) -> Value<'a> {
        Value::Text(Cow::Borrowed(s))
    }
}

impl<'a> From<&'a Option<String>> for Value<'a> {
    fn from(s: &'a Option<String>) -> Value<'a> {
        s.as_deref().map_or(Value::Null, Value::from)
    }
}

impl<'a> From<&'a Option<Vec<u8>>> for Value<'a> {
    fn from(b: &'a Option<Vec<u8>>) -> Value<'a> {
        b.as_deref()
            .map_or(Value::Null, |b| Value::Blob(Cow::Borrowed(b)))
    }
}

impl<'a> From<&'a [String]> for Value<'a> {
    fn from(l: &'a [String]) -> Value<'a> {
        Value::List(Cow::Borrowed(l))
    }
}

impl From<i64> for Value<'_> {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

impl From<f64> for Value<'_> {
    fn from(f: f64) -> Self {
        Value::Real(f)
    }
}

impl From<bool> for Value<'_> {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

/// A length or count as a parameter.
fn count(n: usize) -> Value<'static> {
    Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

/// One result row. The getters say which column did not hold what was expected.
#[derive(Debug)]
pub(crate) struct Row(pub(crate) Vec<Value<'static>>);

impl Row {
    fn at(&self, i: usize) -> &Value<'static> {
        self.0.get(i).unwrap_or(&Value::Null)
    }

    fn wrong(&self, i: usize, want: &str) -> StoreError {
        StoreError::Corrupt {
            what: format!("column {i} of a row"),
            why: format!("expected {want}, found {:?}", self.at(i)),
        }
    }

    pub(crate) fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError> {
        match self.at(i) {
            Value::Null => Ok(None),
            Value::Text(s) => Ok(Some(s.to_string())),
            _ => Err(self.wrong(i, "text")),
        }
    }

    pub(crate) fn text(&self, i: usize) -> Result<String, StoreError> {
        self.opt_text(i)?.ok_or_else(|| self.wrong(i, "text"))
    }

    pub(crate) fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        match self.at(i) {
            Value::Null => Ok(None),
            Value::Int(n) => Ok(Some(*n)),
            _ => Err(self.wrong(i, "an integer")),
        }
    }

    pub(crate) fn int(&self, i: usize) -> Result<i64, StoreError> {
        self.opt_int(i)?.ok_or_else(|| self.wrong(i, "an integer"))
    }

    fn real(&self, i: usize) -> Result<f64, StoreError> {
        match self.at(i) {
            Value::Real(f) => Ok(*f),
            Value::Int(n) => Ok(*n as f64),
            _ => Err(self.wrong(i, "a number")),
        }
    }

    fn bool(&self, i: usize) -> Result<bool, StoreError> {
        match self.at(i) {
            Value::Bool(b) => Ok(*b),
            Value::Int(n) => Ok(*n != 0),
            _ => Err(self.wrong(i, "a boolean")),
        }
    }

    pub(crate) fn blob(&self, i: usize) -> Result<Option<Vec<u8>>, StoreError> {
        match self.at(i) {
            Value::Null => Ok(None),
            Value::Blob(b) => Ok(Some(b.to_vec())),
            _ => Err(self.wrong(i, "bytes")),
        }
    }

    /// A [`Value::List`] column; `what` names the record in the error when it is corrupt.
    fn list(&self, i: usize, what: impl Fn() -> String) -> Result<Vec<String>, StoreError> {
        match self.at(i) {
            Value::List(l) => Ok(l.to_vec()),
            Value::Text(s) => serde_json::from_str(s).map_err(|e| StoreError::Corrupt {
                what: what(),
                why: e.to_string(),
            }),
            _ => Err(self.wrong(i, "a list")),
        }
    }
}

/// One connection (or transaction) of a backend.
pub(crate) trait Conn {
    fn dialect(&self) -> Dialect;
    /// Run one statement (`?N` placeholders); the number of rows it changed.
    fn exec(&mut self, sql: &str, params: &[Value<'_>]) -> Result<u64, StoreError>;
    /// Run one query (`?N` placeholders); its rows.
    fn query(&mut self, sql: &str, params: &[Value<'_>]) -> Result<Vec<Row>, StoreError>;
    /// Take the locks that keep other writers off these events until the transaction ends
    /// (in the order given: callers give them sorted). Nothing on a single-writer backend.
    fn lock_events(&mut self, events: &BTreeSet<&str>) -> Result<(), StoreError> {
        let _ = events;
        Ok(())
    }

    fn one(&mut self, sql: &str, params: &[Value<'_>]) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }
}

fn encode<T: serde::Serialize>(what: &str, v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Encoding {
        what: what.to_string(),
        why: e.to_string(),
    })
}

/// The `documents` columns a [`DocumentRecord`] is read from, in [`document_from_row`]'s order.
const DOC_COLUMNS: &str = "id, hash, event, duplicate_of, translation_of, article, vector, why";

const EVENT_COLUMNS: &str = "id, title, start, \"end\", place, storyline";

pub(crate) fn vector_to_blob(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

pub(crate) fn blob_to_vector(b: &[u8]) -> Vec<f32> {
    b.chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

fn document_from_row(r: &Row) -> Result<DocumentRecord, StoreError> {
    let id = r.text(0)?;
    let article = serde_json::from_str(&r.text(5)?).map_err(|e| StoreError::Corrupt {
        what: format!("document {id}"),
        why: e.to_string(),
    })?;
    Ok(DocumentRecord {
        article,
        hash: r.text(1)?,
        event: r.opt_text(2)?,
        duplicate_of: r.opt_text(3)?,
        translation_of: r.opt_text(4)?,
        vector: r.blob(6)?.map(|b| blob_to_vector(&b)),
        why: r.opt_text(7)?,
    })
}

fn event_from_row(r: &Row) -> Result<Event, StoreError> {
    Ok(Event {
        id: r.text(0)?,
        title: r.text(1)?,
        start: r.opt_text(2)?,
        end: r.opt_text(3)?,
        place: r.opt_text(4)?,
        storyline: r.opt_text(5)?,
        documents: Vec::new(),
    })
}

/// The claim fields beyond the contract's, stored as one JSON column.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct ClaimDetail {
    #[serde(default)]
    outlets: Vec<String>,
    #[serde(default)]
    single_source: bool,
    #[serde(default)]
    disagreement: Vec<model::Figure>,
    #[serde(default)]
    independent_sources: usize,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    evidence: Vec<model::Evidence>,
}

/// Entity and alias rows this connection knows to be in the store. A document names mostly
/// entities the store already has, and inserting each again (to do nothing on the conflict)
/// was most of the statements of a commit. A row is learnt only once the commit that wrote it
/// (or found it there) has succeeded, and rows of these tables are never deleted, so what is
/// known stays true whatever other processes write. Past [`KnownRows::MAX`] rows it starts
/// afresh.
#[derive(Default)]
pub(crate) struct KnownRows {
    /// Entity id → language → aliases.
    entities: HashMap<String, HashMap<String, HashSet<String>>>,
    rows: usize,
}

impl KnownRows {
    const MAX: usize = 500_000;

    fn has_alias(&self, id: &str, lang: &str, alias: &str) -> bool {
        self.entities
            .get(id)
            .and_then(|langs| langs.get(lang))
            .is_some_and(|aliases| aliases.contains(alias))
    }

    /// Remember the rows of a commit that succeeded.
    pub(crate) fn learn(&mut self, entities: &[Entity]) {
        if self.rows > Self::MAX {
            *self = KnownRows::default();
        }
        for ent in entities {
            let langs = self.entities.entry(ent.id.clone()).or_insert_with(|| {
                self.rows += 1;
                HashMap::new()
            });
            for (lang, aliases) in &ent.aliases {
                let known = langs.entry(lang.clone()).or_default();
                for alias in aliases {
                    if known.insert(alias.clone()) {
                        self.rows += 1;
                    }
                }
            }
        }
    }
}

/// What one attempt at a commit concluded.
pub(crate) enum Attempt {
    Stored,
    /// The id was already stored (by another worker, or before): with this hash. Nothing was
    /// written.
    IdTaken(String),
}

impl Attempt {
    /// The commit's result: an id stored with the same content is success (another worker got
    /// there first), with other content an error; the stored document is kept.
    pub(crate) fn result(self, c: &Commit) -> Result<(), StoreError> {
        match self {
            Attempt::Stored => Ok(()),
            Attempt::IdTaken(stored) if stored == c.document.hash => Ok(()),
            Attempt::IdTaken(_) => Err(StoreError::IdConflict {
                id: c.document.article.id.clone(),
            }),
        }
    }
}

/// The writes of one commit, inside a transaction the caller ends: committed when this returns
/// [`Attempt::Stored`], rolled back otherwise.
pub(crate) fn write_commit(
    tx: &mut dyn Conn,
    c: &Commit,
    known: &KnownRows,
) -> Result<Attempt, StoreError> {
    let dialect = tx.dialect();
    let a = &c.document.article;
    let article_json = encode(&format!("document {}", a.id), a)?;
    let terms = document_terms(a);
    let (search, tokens) = match dialect {
        // Not searched (the FTS5 index is): kept as earlier versions wrote it.
        Dialect::Sqlite => (
            format!("{}\n{}", a.title.as_deref().unwrap_or(""), a.text()).to_lowercase(),
            Value::Null,
        ),
        Dialect::Postgres => {
            let (spaced, n) = spaced_tokens(&terms);
            (spaced, count(n))
        }
    };
    let vector = c.document.vector.as_deref().map(vector_to_blob);
    let mut params: Vec<Value<'_>> = vec![
        (&a.id).into(),
        (&c.document.hash).into(),
        (&a.title).into(),
        (&a.published).into(),
        (&a.outlet).into(),
        (&c.document.event).into(),
        (&c.document.duplicate_of).into(),
        (&c.document.translation_of).into(),
        article_json.as_str().into(),
        search.as_str().into(),
        (&vector).into(),
        (&c.document.why).into(),
        (&c.fingerprint).into(),
    ];
    let (tokens_column, tokens_param) = match dialect {
        Dialect::Sqlite => ("", ""),
        Dialect::Postgres => (", tokens", ", ?14"),
    };
    if dialect == Dialect::Postgres {
        params.push(tokens);
    }
    // First, so that a worker racing us for the same id waits here (on the primary key) until
    // we commit or roll back, and then sees our row.
    let inserted = tx.exec(
        &format!(
            "INSERT INTO documents (id, hash, title, published, outlet, event, duplicate_of,
             translation_of, article, search, vector, why, fingerprint{tokens_column})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13{tokens_param})
             ON CONFLICT (id) DO NOTHING"
        ),
        &params,
    )?;
    if inserted == 0 {
        let stored = tx
            .one(
                "SELECT hash FROM documents WHERE id = ?1",
                &[(&a.id).into()],
            )?
            .map(|r| r.text(0))
            .transpose()?
            .unwrap_or_default();
        return Ok(Attempt::IdTaken(stored));
    }
    if dialect == Dialect::Sqlite {
        // Right after the document, in the same transaction: last_insert_rowid() is its seq.
        tx.exec(
            "INSERT INTO documents_fts (rowid, terms) VALUES (last_insert_rowid(), ?1)",
            &[terms.as_str().into()],
        )?;
    }
    // The events this commit changes, locked in a fixed order (no deadlock between workers).
    let events: BTreeSet<&str> = c
        .event
        .iter()
        .map(|e| e.event.id.as_str())
        .chain(c.claims.iter().map(|(e, _)| e.as_str()))
        .chain(c.storylines.iter().map(|(e, _)| e.as_str()))
        .collect();
    tx.lock_events(&events)?;
    let changed_by = match dialect {
        Dialect::Sqlite => "",
        Dialect::Postgres => ", changed_by = pg_current_xact_id()::text::bigint",
    };
    for (event, storyline) in &c.storylines {
        tx.exec(
            &format!("UPDATE events SET storyline = ?2{changed_by} WHERE id = ?1"),
            &[event.into(), storyline.into()],
        )?;
    }
    for p in &c.passages {
        tx.exec(
            "INSERT INTO passages (event, documents, text) VALUES (?1, ?2, ?3)",
            &[
                (&p.event).into(),
                p.documents.as_slice().into(),
                (&p.text).into(),
            ],
        )?;
    }
    if let Some(es) = &c.event {
        let e = &es.event;
        let (column, value) = match dialect {
            Dialect::Sqlite => ("", ""),
            Dialect::Postgres => (", changed_by", ", pg_current_xact_id()::text::bigint"),
        };
        let changed = if column.is_empty() {
            ""
        } else {
            ", changed_by = excluded.changed_by"
        };
        tx.exec(
            &format!(
                "INSERT INTO events (id, title, start, \"end\", place, storyline, state{column})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7{value})
                 ON CONFLICT (id) DO UPDATE SET title = excluded.title, start = excluded.start,
                 \"end\" = excluded.\"end\", place = excluded.place,
                 storyline = excluded.storyline, state = excluded.state{changed}"
            ),
            &[
                (&e.id).into(),
                (&e.title).into(),
                (&e.start).into(),
                (&e.end).into(),
                (&e.place).into(),
                (&e.storyline).into(),
                Value::Blob(Cow::Borrowed(&es.state)),
            ],
        )?;
    }
    // Entities in id order, so that two workers adding the same entities lock them in the same
    // order (a stable sort keeps each entity's aliases in their given order).
    let mut entities: Vec<&Entity> = c.entities.iter().collect();
    entities.sort_by(|x, y| x.id.cmp(&y.id));
    for ent in entities {
        if !known.entities.contains_key(&ent.id) {
            tx.exec(
                "INSERT INTO entities (id, kind, name) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO NOTHING",
                &[
                    (&ent.id).into(),
                    ent.kind.as_str().into(),
                    (&ent.name).into(),
                ],
            )?;
        }
        for (lang, aliases) in &ent.aliases {
            for alias in aliases {
                if !known.has_alias(&ent.id, lang, alias) {
                    tx.exec(
                        "INSERT INTO entity_aliases (entity, lang, alias) VALUES (?1, ?2, ?3)
                         ON CONFLICT DO NOTHING",
                        &[(&ent.id).into(), lang.into(), alias.into()],
                    )?;
                }
            }
        }
        tx.exec(
            "INSERT INTO mentions (entity, document) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            &[(&ent.id).into(), (&a.id).into()],
        )?;
    }
    for q in &c.quotes {
        tx.exec(
            "INSERT INTO quotes (document, speaker, text, via, direct) VALUES (?1, ?2, ?3, ?4, ?5)",
            &[
                (&q.document).into(),
                (&q.speaker).into(),
                (&q.text).into(),
                (&q.via).into(),
                q.direct.into(),
            ],
        )?;
    }
    for f in &c.facts {
        tx.exec(
            "INSERT INTO facts (document, value, unit, text, subject) VALUES (?1, ?2, ?3, ?4, ?5)",
            &[
                (&f.document).into(),
                f.value.into(),
                (&f.unit).into(),
                (&f.text).into(),
                (&f.subject).into(),
            ],
        )?;
    }
    if let Some((event, claims)) = &c.claims {
        write_claims(tx, event, claims)?;
    }
    if let Some(event) = &c.claims_stale {
        tx.exec(
            "INSERT INTO claims_stale (event) VALUES (?1) ON CONFLICT DO NOTHING",
            &[event.into()],
        )?;
    }
    if let Some(data) = &c.claim_candidates {
        tx.exec(
            "INSERT INTO claim_candidates (document, data) VALUES (?1, ?2)
             ON CONFLICT (document) DO UPDATE SET data = excluded.data",
            &[(&a.id).into(), data.into()],
        )?;
    }
    Ok(Attempt::Stored)
}

/// Replace an event's claims and clear its stale mark, inside the caller's transaction (which
/// holds the event's lock).
fn write_claims(tx: &mut dyn Conn, event: &str, claims: &[Claim]) -> Result<(), StoreError> {
    tx.exec("DELETE FROM claims WHERE event = ?1", &[event.into()])?;
    for (i, cl) in claims.iter().enumerate() {
        let detail = encode(
            &format!("claim {i} of event {event}"),
            &ClaimDetail {
                outlets: cl.outlets.clone(),
                single_source: cl.single_source,
                disagreement: cl.disagreement.clone(),
                independent_sources: cl.independent_sources,
                evidence: cl.evidence.clone(),
            },
        )?;
        tx.exec(
            "INSERT INTO claims (event, position, text, sources, detail)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            &[
                event.into(),
                count(i),
                (&cl.text).into(),
                cl.sources.as_slice().into(),
                detail.as_str().into(),
            ],
        )?;
    }
    tx.exec("DELETE FROM claims_stale WHERE event = ?1", &[event.into()])?;
    Ok(())
}

/// [`crate::Store::replace_claims`] inside a transaction the caller ends: the events' locks (in
/// id order, as commits take them), then their claims.
pub(crate) fn replace_claims(
    tx: &mut dyn Conn,
    claims: &[(String, Vec<Claim>)],
) -> Result<(), StoreError> {
    let events: BTreeSet<&str> = claims.iter().map(|(e, _)| e.as_str()).collect();
    tx.lock_events(&events)?;
    claims
        .iter()
        .try_for_each(|(event, claims)| write_claims(tx, event, claims))
}

/// One statement, one snapshot: with two queries, a worker committing this very id in between
/// would make it look like the same content under another id.
pub(crate) fn status(c: &mut dyn Conn, id: &str, hash: &str) -> Result<DocStatus, StoreError> {
    let Some(row) = c.one(
        "SELECT id, hash FROM documents WHERE id = ?1 OR hash = ?2
         ORDER BY (id = ?1) DESC, seq LIMIT 1",
        &[id.into(), hash.into()],
    )?
    else {
        return Ok(DocStatus::New);
    };
    let (stored_id, stored_hash) = (row.text(0)?, row.text(1)?);
    Ok(if stored_id != id {
        DocStatus::SameContentAs(stored_id)
    } else if stored_hash == hash {
        DocStatus::AlreadyIngested
    } else {
        DocStatus::IdConflict
    })
}

pub(crate) fn stale_claims(c: &mut dyn Conn) -> Result<Vec<String>, StoreError> {
    c.query("SELECT event FROM claims_stale ORDER BY event", &[])?
        .iter()
        .map(|r| r.text(0))
        .collect()
}

/// Up to `limit` documents after position `after`, with their positions.
pub(crate) fn documents_since(
    c: &mut dyn Conn,
    after: u64,
    limit: usize,
) -> Result<Vec<(u64, DocumentRecord)>, StoreError> {
    let after = i64::try_from(after).unwrap_or(i64::MAX);
    c.query(
        &format!("SELECT {DOC_COLUMNS}, seq FROM documents WHERE seq > ?1 ORDER BY seq LIMIT ?2"),
        &[after.into(), count(limit)],
    )?
    .iter()
    .map(|r| -> Result<_, StoreError> {
        Ok((u64::try_from(r.int(8)?).unwrap_or(0), document_from_row(r)?))
    })
    .collect()
}

pub(crate) fn last_position(c: &mut dyn Conn) -> Result<u64, StoreError> {
    let seq = match c.one("SELECT max(seq) FROM documents", &[])? {
        Some(r) => r.opt_int(0)?,
        None => None,
    };
    Ok(seq.and_then(|s| u64::try_from(s).ok()).unwrap_or(0))
}

pub(crate) fn document(c: &mut dyn Conn, id: &str) -> Result<Option<DocumentRecord>, StoreError> {
    c.one(
        &format!("SELECT {DOC_COLUMNS} FROM documents WHERE id = ?1"),
        &[id.into()],
    )?
    .map(|r| document_from_row(&r))
    .transpose()
}

pub(crate) fn document_count(c: &mut dyn Conn) -> Result<usize, StoreError> {
    let n = match c.one("SELECT COUNT(*) FROM documents", &[])? {
        Some(r) => r.int(0)?,
        None => 0,
    };
    Ok(usize::try_from(n).unwrap_or(0))
}

/// Up to `limit` stored vectors after position `after`: `(position, id, vector)`.
pub(crate) fn vectors_since(
    c: &mut dyn Conn,
    after: i64,
    limit: usize,
) -> Result<Vec<(i64, String, Vec<f32>)>, StoreError> {
    c.query(
        "SELECT seq, id, vector FROM documents WHERE seq > ?1 AND vector IS NOT NULL
         ORDER BY seq LIMIT ?2",
        &[after.into(), count(limit)],
    )?
    .iter()
    .map(|r| -> Result<_, StoreError> {
        let v = r.blob(2)?.unwrap_or_default();
        Ok((r.int(0)?, r.text(1)?, blob_to_vector(&v)))
    })
    .collect()
}

/// Each event's documents, in ingest order.
fn documents_of_events(c: &mut dyn Conn) -> Result<HashMap<String, Vec<String>>, StoreError> {
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for r in c.query(
        "SELECT event, id FROM documents WHERE event IS NOT NULL ORDER BY seq",
        &[],
    )? {
        map.entry(r.text(0)?).or_default().push(r.text(1)?);
    }
    Ok(map)
}

pub(crate) fn event(c: &mut dyn Conn, id: &str) -> Result<Option<Event>, StoreError> {
    let Some(row) = c.one(
        &format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = ?1"),
        &[id.into()],
    )?
    else {
        return Ok(None);
    };
    let mut ev = event_from_row(&row)?;
    ev.documents = c
        .query(
            "SELECT id FROM documents WHERE event = ?1 ORDER BY seq",
            &[id.into()],
        )?
        .iter()
        .map(|r| r.text(0))
        .collect::<Result<_, _>>()?;
    Ok(Some(ev))
}

pub(crate) fn events(c: &mut dyn Conn) -> Result<Vec<Event>, StoreError> {
    let docs = documents_of_events(c)?;
    let mut out = Vec::new();
    for r in c.query(
        &format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY start IS NULL, start, id"),
        &[],
    )? {
        let mut e = event_from_row(&r)?;
        if let Some(d) = docs.get(&e.id) {
            e.documents = d.clone();
            out.push(e);
        }
    }
    Ok(out)
}

/// Every event with its state and documents; only those changed by transactions from `since`
/// on, where the backend records it (`changed_by`).
pub(crate) fn event_states(
    c: &mut dyn Conn,
    since: Option<i64>,
) -> Result<Vec<EventState>, StoreError> {
    let docs = documents_of_events(c)?;
    let order = c.dialect().inserted();
    let rows = match since {
        None => c.query(
            &format!("SELECT {EVENT_COLUMNS}, state FROM events ORDER BY {order}"),
            &[],
        )?,
        Some(cursor) => c.query(
            &format!(
                "SELECT {EVENT_COLUMNS}, state FROM events WHERE changed_by >= ?1 ORDER BY {order}"
            ),
            &[cursor.into()],
        )?,
    };
    rows.iter()
        .map(|r| -> Result<_, StoreError> {
            let mut event = event_from_row(r)?;
            event.documents = docs.get(&event.id).cloned().unwrap_or_default();
            Ok(EventState {
                event,
                state: r.blob(6)?.unwrap_or_default(),
            })
        })
        .collect()
}

pub(crate) fn entities(c: &mut dyn Conn) -> Result<Vec<Entity>, StoreError> {
    let order = c.dialect().inserted();
    let mut aliases: HashMap<String, BTreeMap<String, Vec<String>>> = HashMap::new();
    for r in c.query(
        &format!("SELECT entity, lang, alias FROM entity_aliases ORDER BY entity, lang, {order}"),
        &[],
    )? {
        aliases
            .entry(r.text(0)?)
            .or_default()
            .entry(r.text(1)?)
            .or_default()
            .push(r.text(2)?);
    }
    let mut docs: HashMap<String, Vec<String>> = HashMap::new();
    for r in c.query(
        "SELECT m.entity, m.document FROM mentions m JOIN documents d ON d.id = m.document
         ORDER BY d.seq",
        &[],
    )? {
        docs.entry(r.text(0)?).or_default().push(r.text(1)?);
    }
    c.query("SELECT id, kind, name FROM entities ORDER BY id", &[])?
        .iter()
        .map(|r| -> Result<_, StoreError> {
            let id = r.text(0)?;
            Ok(Entity {
                kind: EntityKind::from_name(&r.text(1)?),
                name: r.text(2)?,
                aliases: aliases.remove(&id).unwrap_or_default(),
                documents: docs.remove(&id).unwrap_or_default(),
                id,
            })
        })
        .collect()
}

pub(crate) fn quotes(c: &mut dyn Conn) -> Result<Vec<Quote>, StoreError> {
    let order = c.dialect().inserted();
    c.query(
        &format!("SELECT document, speaker, text, via, direct FROM quotes ORDER BY {order}"),
        &[],
    )?
    .iter()
    .map(|r| -> Result<_, StoreError> {
        Ok(Quote {
            document: r.text(0)?,
            speaker: r.opt_text(1)?,
            text: r.text(2)?,
            via: r.opt_text(3)?,
            direct: r.bool(4)?,
        })
    })
    .collect()
}

pub(crate) fn facts(c: &mut dyn Conn) -> Result<Vec<Fact>, StoreError> {
    let order = c.dialect().inserted();
    c.query(
        &format!("SELECT document, value, unit, text, subject FROM facts ORDER BY {order}"),
        &[],
    )?
    .iter()
    .map(|r| -> Result<_, StoreError> {
        Ok(Fact {
            document: r.text(0)?,
            value: r.real(1)?,
            unit: r.opt_text(2)?,
            text: r.text(3)?,
            subject: r.opt_text(4)?,
        })
    })
    .collect()
}

/// A claim whose sources or detail cannot be read is an error naming it, on every backend.
pub(crate) fn claims(c: &mut dyn Conn) -> Result<Vec<Claim>, StoreError> {
    c.query(
        "SELECT event, position, text, sources, detail FROM claims ORDER BY event, position",
        &[],
    )?
    .iter()
    .map(|r| -> Result<_, StoreError> {
        let event = r.text(0)?;
        let what = || format!("claim {} of event {event}", r.int(1).unwrap_or(-1));
        let sources = r.list(3, what)?;
        let detail: ClaimDetail = match r.opt_text(4)? {
            Some(d) => serde_json::from_str(&d).map_err(|e| StoreError::Corrupt {
                what: what(),
                why: e.to_string(),
            })?,
            None => ClaimDetail::default(),
        };
        Ok(Claim {
            text: r.text(2)?,
            event,
            sources,
            outlets: detail.outlets,
            single_source: detail.single_source,
            disagreement: detail.disagreement,
            independent_sources: detail.independent_sources,
            evidence: detail.evidence,
        })
    })
    .collect()
}

pub(crate) fn claim_candidates(
    c: &mut dyn Conn,
    event: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    c.query(
        "SELECT c.document, c.data FROM claim_candidates c JOIN documents d ON d.id = c.document
         WHERE d.event = ?1 ORDER BY d.seq",
        &[event.into()],
    )?
    .iter()
    .map(|r| -> Result<_, StoreError> { Ok((r.text(0)?, r.text(1)?)) })
    .collect()
}

pub(crate) fn shared_passages(c: &mut dyn Conn) -> Result<Vec<SharedPassage>, StoreError> {
    let order = c.dialect().inserted();
    c.query(
        &format!("SELECT event, documents, text, {order} FROM passages ORDER BY {order}"),
        &[],
    )?
    .iter()
    .map(|r| -> Result<_, StoreError> {
        Ok(SharedPassage {
            event: r.opt_text(0)?,
            documents: r.list(1, || format!("shared passage {}", r.int(3).unwrap_or(-1)))?,
            text: r.text(2)?,
        })
    })
    .collect()
}

/// The newest `per_event` documents of each event, oldest first, events in the order given.
pub(crate) fn link_candidates(
    c: &mut dyn Conn,
    events: &[String],
    per_event: usize,
) -> Result<Vec<LinkCandidate>, StoreError> {
    let mut out = Vec::new();
    for e in events {
        let rows = c.query(
            "SELECT id, event, translation_of, vector, fingerprint FROM documents
             WHERE event = ?1 ORDER BY seq DESC LIMIT ?2",
            &[e.into(), count(per_event)],
        )?;
        for r in rows.iter().rev() {
            out.push(LinkCandidate {
                id: r.text(0)?,
                event: r.opt_text(1)?,
                translation_of: r.opt_text(2)?,
                vector: r.blob(3)?.map(|b| blob_to_vector(&b)),
                fingerprint: r.blob(4)?,
            });
        }
    }
    Ok(out)
}

/// A text search on either backend: the documents matching every group of `query`
/// (`ranked(query, true)`), then, with `fallback_any` and room left, those matching any group
/// that carries content (`ranked(content, false)`, see [`crate::fulltext::content_groups`])
/// that are not in already.
pub(crate) fn all_then_any(
    query: &TextQuery,
    limit: usize,
    mut ranked: impl FnMut(&TextQuery, bool) -> Result<Vec<Hit>, StoreError>,
) -> Result<Vec<Hit>, StoreError> {
    let mut hits = ranked(query, true)?;
    if query.fallback_any && hits.len() < limit && query.groups.len() > 1 {
        let content = crate::fulltext::content_groups(query);
        if content.groups.is_empty() {
            return Ok(hits);
        }
        for h in ranked(&content, false)? {
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

/// The [`crate::Store`] methods both backends answer with the functions above. Expanded inside
/// each backend's `impl Store`, which provides `fn read<T>(&self, f: impl FnMut(&mut dyn Conn)
/// -> Result<T, StoreError>) -> Result<T, StoreError>` (one connection, for one call of `f`).
macro_rules! shared_reads {
    () => {
        fn status(&self, id: &str, hash: &str) -> Result<DocStatus, StoreError> {
            self.read(|c| sql::status(c, id, hash))
        }
        fn stale_claims(&self) -> Result<Vec<String>, StoreError> {
            self.read(sql::stale_claims)
        }
        fn documents_since(
            &self,
            after: u64,
            limit: usize,
        ) -> Result<Vec<(u64, DocumentRecord)>, StoreError> {
            self.read(|c| sql::documents_since(c, after, limit))
        }
        fn last_position(&self) -> Result<u64, StoreError> {
            self.read(sql::last_position)
        }
        fn document(&self, id: &str) -> Result<Option<DocumentRecord>, StoreError> {
            self.read(|c| sql::document(c, id))
        }
        /// In batches, without holding the connection while `f` runs (so `f` may use the
        /// store).
        fn for_each_document(
            &self,
            f: &mut dyn FnMut(DocumentRecord) -> Result<(), StoreError>,
        ) -> Result<(), StoreError> {
            let mut after = 0;
            loop {
                let batch = self.read(|c| sql::documents_since(c, after, 256))?;
                let Some((last, _)) = batch.last() else {
                    return Ok(());
                };
                after = *last;
                batch.into_iter().try_for_each(|(_, d)| f(d))?;
            }
        }
        fn document_count(&self) -> Result<usize, StoreError> {
            self.read(sql::document_count)
        }
        fn event(&self, id: &str) -> Result<Option<Event>, StoreError> {
            self.read(|c| sql::event(c, id))
        }
        fn events(&self) -> Result<Vec<Event>, StoreError> {
            self.read(sql::events)
        }
        fn entities(&self) -> Result<Vec<Entity>, StoreError> {
            self.read(sql::entities)
        }
        fn quotes(&self) -> Result<Vec<Quote>, StoreError> {
            self.read(sql::quotes)
        }
        fn facts(&self) -> Result<Vec<Fact>, StoreError> {
            self.read(sql::facts)
        }
        fn claims(&self) -> Result<Vec<Claim>, StoreError> {
            self.read(sql::claims)
        }
        fn claim_candidates(&self, event: &str) -> Result<Vec<(String, String)>, StoreError> {
            self.read(|c| sql::claim_candidates(c, event))
        }
        fn shared_passages(&self) -> Result<Vec<SharedPassage>, StoreError> {
            self.read(sql::shared_passages)
        }
        fn link_candidates(
            &self,
            events: &[String],
            per_event: usize,
        ) -> Result<Vec<LinkCandidate>, StoreError> {
            self.read(|c| sql::link_candidates(c, events, per_event))
        }
        fn for_each_vector(&self, f: &mut crate::VectorVisitor<'_>) -> Result<(), StoreError> {
            let mut after = 0;
            loop {
                let batch = self.read(|c| sql::vectors_since(c, after, 1024))?;
                let Some((last, _, _)) = batch.last() else {
                    return Ok(());
                };
                after = *last;
                batch.iter().try_for_each(|(_, id, v)| f(id, v))?;
            }
        }
    };
}
pub(crate) use shared_reads;
