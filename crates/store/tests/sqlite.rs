//! The shared store suite on the embedded SQLite backend, plus what only it promises.

use store::{SqliteStore, Store};

#[test]
fn sqlite_passes_the_store_suite() {
    let dirs = std::cell::RefCell::new(Vec::new());
    store::suite::run_all(&mut || {
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStore::open(dir.path()).unwrap();
        dirs.borrow_mut().push(dir);
        Box::new(s) as Box<dyn Store>
    });
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
