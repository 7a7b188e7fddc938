//! The shared store suite on the PostgreSQL backend, plus what several writers need.
//!
//! Needs a server: `STORYLINE_TEST_PG=postgres://…` (a role that may create databases), which
//! `scripts/with-postgres.sh` (and so `scripts/test`) provides. Without it these tests skip
//! loudly, or fail when `CI` is set. Each store gets a database of its own.

use store::{Commit, DocStatus, PgStore, Store};

fn server() -> Option<String> {
    store::suite::pg::server("PostgreSQL store tests")
}

fn fresh_database(url: &str) -> String {
    store::suite::pg::fresh_database(url, "storyline_test")
}

/// A plain connection to `db` that reads and writes the store's tables behind its back.
fn admin(db: &str) -> postgres::Client {
    let mut c = postgres::Client::connect(db, postgres::NoTls).unwrap();
    c.batch_execute("SET search_path TO storyline").unwrap();
    c
}

/// A document in event `ev`, with the event, a quote and the event's claims.
fn commit_in(id: &str, text: &str, ev: &str) -> Commit {
    let mut d = store::suite::doc(id, text);
    d.event = Some(ev.into());
    let mut c = Commit::document_only(d);
    c.event = Some(store::EventState {
        event: model::Event {
            id: ev.into(),
            title: format!("event {ev}"),
            start: Some("2024-05-16".into()),
            end: None,
            place: None,
            storyline: None,
            documents: Vec::new(),
        },
        state: id.as_bytes().to_vec(),
    });
    c.quotes = vec![model::Quote {
        document: id.into(),
        speaker: None,
        text: format!("quoted in {id}"),
        via: None,
        direct: true,
    }];
    c.claims = Some((
        ev.into(),
        vec![model::Claim {
            event: ev.into(),
            text: format!("the latest claim, from {id}"),
            sources: vec![id.into()],
            outlets: vec![format!("outlet of {id}")],
            single_source: true,
            disagreement: Vec::new(),
            independent_sources: 1,
            evidence: Vec::new(),
        }],
    ));
    c
}

/// A store in a fresh database; `None` (the test skips) without a server.
fn fresh() -> Option<(Box<dyn Store>, ())> {
    let url = server()?;
    let s = PgStore::connect(&fresh_database(&url)).unwrap();
    Some((Box::new(s) as Box<dyn Store>, ()))
}

store::store_suite!(fresh);

/// A claim whose stored detail cannot be read is an error naming the claim (as on SQLite),
/// not a default.
#[test]
fn a_corrupt_claim_detail_is_an_error_naming_it() {
    let Some(url) = server() else { return };
    let db = fresh_database(&url);
    let mut s = PgStore::connect(&db).unwrap();
    s.replace_claims(&[("ev-1".into(), vec![store::suite::claim("ev-1", "d1")])])
        .unwrap();
    assert_eq!(s.claims().unwrap().len(), 1);
    let mut raw = admin(&db);
    raw.batch_execute("UPDATE claims SET detail = '{not json'")
        .unwrap();
    let err = s.claims().unwrap_err();
    assert!(matches!(err, store::StoreError::Corrupt { .. }), "{err:?}");
    assert!(err.to_string().contains("claim 0 of event ev-1"), "{err}");
}

#[test]
fn connecting_twice_keeps_the_data_and_the_schema() {
    let Some(url) = server() else { return };
    let db = fresh_database(&url);
    {
        let mut s = PgStore::connect(&db).unwrap();
        s.commit(&Commit::document_only(store::suite::doc("d1", "kept")))
            .unwrap();
    }
    let s = store::open(&db).unwrap();
    assert_eq!(s.document_count().unwrap(), 1);
}

/// A store written by schema 1 (lowercased text in `search`) is re-analysed when opened, so
/// its documents match by terms (stems, Simplified Chinese, phrases) like new ones.
#[test]
fn a_schema_1_store_is_reanalysed_when_opened() {
    let Some(url) = server() else { return };
    let db = fresh_database(&url);
    {
        let mut s = PgStore::connect(&db).unwrap();
        let mut zh = store::suite::doc("zh", "習近平出席金磚國家領導人會晤。");
        zh.article.segments[0].lang = "zh-Hant".into();
        s.commit(&Commit::document_only(zh)).unwrap();
        s.commit(&Commit::document_only(store::suite::doc(
            "en",
            "Leaders approved the budget.",
        )))
        .unwrap();
    }
    // What schema 1 wrote.
    let mut admin = admin(&db);
    admin
        .batch_execute(
            "UPDATE documents SET search = lower(coalesce(title, '') || E'\\n' || article);
             UPDATE schema_version SET version = 1;",
        )
        .unwrap();
    let s = PgStore::connect(&db).unwrap();
    let version: i64 = admin
        .query_one("SELECT max(version) FROM schema_version", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, 3);
    let ids = |q: &str| -> Vec<String> {
        s.search(q, 10)
            .unwrap()
            .into_iter()
            .map(|h| h.document)
            .collect()
    };
    assert_eq!(ids("习近平"), ["zh"]);
    assert_eq!(ids("approves budget"), ["en"]);
    let phrase = store::TextQuery {
        groups: vec![vec!["approve the budget".into()]],
        ..Default::default()
    };
    assert_eq!(s.search_text(&phrase, 10).unwrap().len(), 1);
}

/// A store whose search column another analyser filled (`lang::ANALYSER_VERSION`) is analysed
/// again when opened.
#[test]
fn an_index_from_another_analyser_is_rebuilt_when_opened() {
    let Some(url) = server() else { return };
    let db = fresh_database(&url);
    {
        let mut s = PgStore::connect(&db).unwrap();
        s.commit(&Commit::document_only(store::suite::doc(
            "en",
            "Leaders approved the budget.",
        )))
        .unwrap();
    }
    let mut admin = admin(&db);
    admin
        .batch_execute(
            "UPDATE documents SET search = ' unrelated words ';
             UPDATE index_meta SET analyser = analyser - 1;",
        )
        .unwrap();
    let s = PgStore::connect(&db).unwrap();
    let hits = s.search("approves budget", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert!(s.search("unrelated", 10).unwrap().is_empty());
    let version: i64 = admin
        .query_one("SELECT analyser FROM index_meta", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, lang::ANALYSER_VERSION);
}

/// A store written by schema 2 (the analysed terms between single spaces in `search`, no token
/// counts) is brought to schema 3 when opened: searched and ranked like a new one.
#[test]
fn a_schema_2_store_is_reindexed_when_opened() {
    let Some(url) = server() else { return };
    let db = fresh_database(&url);
    let docs = [
        store::suite::doc("a", "Leaders approved the budget. The budget was late."),
        store::suite::doc("b", "Leaders approved the budget."),
    ];
    {
        let mut s = PgStore::connect(&db).unwrap();
        for d in &docs {
            s.commit(&Commit::document_only(d.clone())).unwrap();
        }
    }
    let mut admin = admin(&db);
    for d in &docs {
        let terms = format!(" {} ", store::document_terms(&d.article));
        admin
            .execute(
                "UPDATE documents SET search = $1, tokens = 0 WHERE id = $2",
                &[&terms, &d.article.id],
            )
            .unwrap();
    }
    admin
        .batch_execute("UPDATE schema_version SET version = 2")
        .unwrap();
    let s = PgStore::connect(&db).unwrap();
    let version: i64 = admin
        .query_one("SELECT max(version) FROM storyline.schema_version", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, 3);
    let reopened: Vec<String> = s
        .search("budget", 10)
        .unwrap()
        .into_iter()
        .map(|h| h.document)
        .collect();
    // Two mentions in a longer document against one in a shorter: bm25 over token counts.
    let dir = tempfile::tempdir().unwrap();
    let mut sqlite = store::SqliteStore::open(dir.path()).unwrap();
    for d in &docs {
        sqlite.commit(&Commit::document_only(d.clone())).unwrap();
    }
    let expected: Vec<String> = sqlite
        .search("budget", 10)
        .unwrap()
        .into_iter()
        .map(|h| h.document)
        .collect();
    assert_eq!(reopened, expected);
}

/// Both backends give the same ranked ids with the same scores: bm25 over the same tokens,
/// ties (documents of equal length and counts) to the older document, phrases (one that
/// overlaps itself too), alternatives, exclusions, the any-group fallback, terms FTS5 cuts at
/// punctuation, and Chinese.
#[test]
fn postgres_ranks_full_text_hits_as_sqlite_does() {
    let Some(url) = server() else { return };
    let texts = [
        ("long", "The budget talks ran late. Budget budget budget, said the minister of finance, and the budget passed after a long night of votes in the chamber."),
        ("short", "Budget passed."),
        ("tie-a", "The minister signed the budget."),
        ("tie-b", "The minister signed the budget."),
        ("covid", "COVID-19 cases rose; the U.S. budget for covid-19 vaccines grew."),
        ("other", "Farmers protested against the new tariffs in the capital."),
        ("zh", "金砖国家领导人会晤在喀山举行，预算问题成为焦点。"),
        ("zh2", "金砖国家扩员。"),
        ("vote", "The chamber held a vote on the budget, and a second vote on tariffs."),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut sqlite = store::SqliteStore::open(dir.path()).unwrap();
    let mut pg = PgStore::connect(&fresh_database(&url)).unwrap();
    for (id, text) in texts {
        let mut d = store::suite::doc(id, text);
        if id.starts_with("zh") {
            d.article.segments[0].lang = "zh-Hans".into();
        }
        sqlite.commit(&Commit::document_only(d.clone())).unwrap();
        pg.commit(&Commit::document_only(d)).unwrap();
    }
    let q = |groups: &[&[&str]], exclude: &[&str], fallback_any: bool| store::TextQuery {
        groups: groups
            .iter()
            .map(|g| g.iter().map(|a| a.to_string()).collect())
            .collect(),
        exclude: exclude.iter().map(|x| x.to_string()).collect(),
        fallback_any,
    };
    let queries = [
        q(&[&["budget"]], &[], false),
        q(&[&["budget"], &["minister"]], &[], false),
        q(&[&["budget", "tariffs"]], &[], false),
        q(&[&["signed the budget"]], &[], false),
        q(&[&["budget budget"]], &[], false),
        q(&[&["budget"]], &["minister"], false),
        q(&[&["budget"], &["farmers"]], &[], true),
        q(&[&["covid-19"]], &[], false),
        q(&[&["u.s. budget"]], &[], false),
        q(&[&["金砖"], &["预算", "budget"]], &[], true),
        q(&[&["vote"], &["budget"], &["tariffs"]], &["—"], true),
        q(&[&["the"]], &[], false),
    ];
    for query in &queries {
        for limit in [2, 10] {
            let ranked = |s: &dyn Store| -> Vec<(String, f32)> {
                s.search_text(query, limit)
                    .unwrap()
                    .into_iter()
                    .map(|h| (h.document, h.score))
                    .collect()
            };
            let expected = ranked(&sqlite);
            assert!(!expected.is_empty(), "{query:?} finds nothing on SQLite");
            assert_eq!(ranked(&pg), expected, "{query:?}, limit {limit}");
        }
    }
}

#[test]
fn a_server_that_is_not_there_is_a_clear_error() {
    // Port 1 on loopback: nothing listens there.
    let err = PgStore::connect("postgres://nobody:secret@127.0.0.1:1/none?connect_timeout=2")
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("cannot open the store"), "{err}");
    assert!(err.contains("127.0.0.1:1"), "{err}");
    assert!(!err.contains("secret"), "{err}");
}

/// Two connections racing to store the same id: one stores it, the other's commit is a no-op
/// (same content) or an error (other content); never two rows, never a failed run.
#[test]
fn a_commit_that_lost_the_race_for_its_id_is_a_no_op() {
    let Some(url) = server() else { return };
    let db = fresh_database(&url);
    let mut a = PgStore::connect(&db).unwrap();
    let mut b = PgStore::connect(&db).unwrap();
    let d = store::suite::doc("d1", "same text");
    // Both saw "new" before either committed.
    assert_eq!(a.status("d1", &d.hash).unwrap(), DocStatus::New);
    assert_eq!(b.status("d1", &d.hash).unwrap(), DocStatus::New);
    a.commit(&Commit::document_only(d.clone())).unwrap();
    b.commit(&Commit::document_only(d.clone())).unwrap();
    assert_eq!(a.document_count().unwrap(), 1);
    let other = store::suite::doc("d1", "other text");
    let err = b.commit(&Commit::document_only(other)).unwrap_err();
    assert!(err.to_string().contains("different content"), "{err}");
    assert_eq!(
        b.document("d1").unwrap().unwrap().article.paragraphs,
        ["same text"]
    );
}

/// Many threads, each with its own connection, committing overlapping documents into the same
/// few events: every document once, every event present, claims not interleaved.
#[test]
fn concurrent_writers_store_each_document_once() {
    let Some(url) = server() else { return };
    let db = fresh_database(&url);
    drop(PgStore::connect(&db).unwrap());
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let db = db.clone();
            std::thread::spawn(move || {
                let mut s = PgStore::connect(&db).unwrap();
                // Each thread does 0..60 from a different starting point: every id is written
                // by all four.
                for k in 0..60 {
                    let i = (k + t * 15) % 60;
                    let id = format!("d{i}");
                    let mut c = commit_in(&id, &format!("text {i}"), &format!("e{}", i % 5));
                    c.entities.push(model::Entity {
                        id: format!("ent{}", (i + t) % 3),
                        kind: model::EntityKind::Other,
                        name: "x".into(),
                        aliases: Default::default(),
                        documents: Vec::new(),
                    });
                    s.commit(&c).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let s = PgStore::connect(&db).unwrap();
    assert_eq!(s.document_count().unwrap(), 60);
    assert_eq!(s.events().unwrap().len(), 5);
    let mut docs = 0;
    s.for_each_document(&mut |_| {
        docs += 1;
        Ok(())
    })
    .unwrap();
    assert_eq!(docs, 60);
    assert_eq!(s.quotes().unwrap().len(), 60);
    assert_eq!(s.claims().unwrap().len(), 5);
}

/// `events_changed_since` returns what changed after the cursor, and everything the first time.
#[test]
fn events_changed_since_follows_other_writers() {
    let Some(url) = server() else { return };
    let db = fresh_database(&url);
    let mut writer = PgStore::connect(&db).unwrap();
    let reader = PgStore::connect(&db).unwrap();
    writer.commit(&commit_in("d1", "one", "e1")).unwrap();
    let (first, cursor) = reader.events_changed_since(0).unwrap();
    assert_eq!(first.len(), 1);
    writer.commit(&commit_in("d2", "two", "e2")).unwrap();
    let (changed, _) = reader.events_changed_since(cursor).unwrap();
    let ids: Vec<&str> = changed.iter().map(|e| e.event.id.as_str()).collect();
    assert!(ids.contains(&"e2"), "{ids:?}");
}
