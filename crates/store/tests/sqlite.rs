//! The shared store suite on the embedded SQLite backend, plus what only it promises.

use store::{SqliteStore, Store};

/// A fresh store in a temporary directory, kept as long as the store is used.
fn fresh() -> Option<(Box<dyn Store>, tempfile::TempDir)> {
    let dir = tempfile::tempdir().unwrap();
    let s = SqliteStore::open(dir.path()).unwrap();
    Some((Box::new(s) as Box<dyn Store>, dir))
}

store::store_suite!(fresh);

/// A claim whose stored detail cannot be read is an error naming the claim (as on PostgreSQL).
#[test]
fn a_corrupt_claim_detail_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut s = SqliteStore::open(dir.path()).unwrap();
        s.replace_claims(&[("ev-1".into(), vec![store::suite::claim("ev-1", "d1")])])
            .unwrap();
        assert_eq!(s.claims().unwrap().len(), 1);
    }
    let conn = rusqlite::Connection::open(dir.path().join("storyline.sqlite")).unwrap();
    conn.execute_batch("UPDATE claims SET detail = '{not json'")
        .unwrap();
    let s = SqliteStore::open(dir.path()).unwrap();
    let err = s.claims().unwrap_err();
    assert!(matches!(err, store::StoreError::Corrupt { .. }), "{err:?}");
    assert!(err.to_string().contains("claim 0 of event ev-1"), "{err}");
}

#[test]
fn data_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut s = SqliteStore::open(dir.path()).unwrap();
        s.commit(&store::Commit::document_only(store::suite::doc(
            "d1", "kept",
        )))
        .unwrap();
    }
    let s = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(s.document_count().unwrap(), 1);
}

#[test]
fn a_store_path_that_is_a_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    let err = SqliteStore::open(&file).err().unwrap().to_string();
    assert!(
        err.contains("cannot open the store") && err.contains("not-a-dir"),
        "{err}"
    );
}

#[test]
fn a_schema_1_store_gains_the_new_columns() {
    let dir = tempfile::tempdir().unwrap();
    {
        let conn = rusqlite::Connection::open(dir.path().join("storyline.sqlite")).unwrap();
        conn.execute_batch(
            "CREATE TABLE quotes (document TEXT NOT NULL, speaker TEXT, text TEXT NOT NULL, via TEXT);
             INSERT INTO quotes VALUES ('d0', 'xi-jinping', 'old quote', NULL);
             CREATE TABLE claims (event TEXT NOT NULL, position INTEGER NOT NULL, text TEXT NOT NULL,
                 sources TEXT NOT NULL, PRIMARY KEY (event, position));
             INSERT INTO claims VALUES ('e0', 0, 'old claim', '[\"d0\"]');
             PRAGMA user_version=1;",
        )
        .unwrap();
    }
    let s = SqliteStore::open(dir.path()).unwrap();
    let q = s.quotes().unwrap();
    assert_eq!(q.len(), 1);
    assert!(q[0].direct);
    let c = s.claims().unwrap();
    assert_eq!(c[0].sources, ["d0"]);
    assert!(!c[0].single_source);
}

/// An index built by another analyser (`lang::ANALYSER_VERSION`) is rebuilt when the store
/// opens: its documents are found by this analyser's terms, and nothing else changes.
#[test]
fn an_index_from_another_analyser_is_rebuilt_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut s = SqliteStore::open(dir.path()).unwrap();
        s.commit(&store::Commit::document_only(store::suite::doc(
            "en",
            "Leaders approved the budget.",
        )))
        .unwrap();
    }
    // What another analyser might have left: other terms, another version.
    let conn = rusqlite::Connection::open(dir.path().join("storyline.sqlite")).unwrap();
    conn.execute_batch(
        "UPDATE documents_fts SET terms = 'unrelated words';
         UPDATE index_meta SET analyser = analyser - 1;",
    )
    .unwrap();
    let s = SqliteStore::open(dir.path()).unwrap();
    let ids: Vec<String> = s
        .search("approves budget", 10)
        .unwrap()
        .into_iter()
        .map(|h| h.document)
        .collect();
    assert_eq!(ids, ["en"]);
    assert!(s.search("unrelated", 10).unwrap().is_empty());
    let version: i64 = conn
        .query_row("SELECT analyser FROM index_meta", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, lang::ANALYSER_VERSION);
    assert_eq!(s.document_count().unwrap(), 1);
}
