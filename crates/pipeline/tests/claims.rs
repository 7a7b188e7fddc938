//! Claims are regrouped after each batch, apart from the documents' commits: a commit marks its
//! event's claims stale, the regrouping replaces them and clears the mark. A crash in between
//! leaves the mark in the store, and the next pipeline to open the store regroups the claims.

use std::path::Path;

use store::Store;

fn seeds() -> Vec<model::RawDocument> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/seeds");
    ingest::read_paths(&[dir], ingest::Options::default())
        .filter_map(Result::ok)
        .collect()
}

#[test]
fn claims_left_stale_by_a_crash_are_regrouped_when_a_pipeline_opens() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store::SqliteStore::open(dir.path()).unwrap();
    {
        let mut p = pipeline::Pipeline::open(&mut store).unwrap();
        for r in p.ingest_batch(seeds()) {
            r.unwrap();
        }
    }
    let claims = store.claims().unwrap();
    assert!(!claims.is_empty(), "the sample articles make claims");
    assert!(store.stale_claims().unwrap().is_empty());

    // A crash after a document's commit, before the regrouping: the event's claims are out of
    // date (here: gone) and marked stale.
    let event = claims[0].event.clone();
    store
        .replace_claims(&[(event.clone(), Vec::new())])
        .unwrap();
    let mut d = store.document(&claims[0].sources[0]).unwrap().unwrap();
    d.article.id = "late-copy".into();
    d.hash = "late-copy-hash".into();
    let mut commit = store::Commit::document_only(d);
    commit.claims_stale = Some(event.clone());
    store.commit(&commit).unwrap();
    assert_eq!(store.stale_claims().unwrap(), std::slice::from_ref(&event));
    assert!(store.claims().unwrap().iter().all(|c| c.event != event));

    // The next pipeline regroups them from the stored candidates (the late copy has none).
    drop(pipeline::Pipeline::open(&mut store).unwrap());
    assert!(store.stale_claims().unwrap().is_empty());
    assert_eq!(store.claims().unwrap(), claims);
}
