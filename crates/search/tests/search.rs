//! The searcher over a real SQLite store, without downloaded assets: cross-lingual expansion
//! through stored entity names, Traditional/Simplified folding, ranking of what matches over
//! what does not, and queries that are not valid full-text syntax.

use model::{Entity, EntityKind, Segment};
use search::Searcher;
use store::{Commit, SqliteStore, Store};

fn doc(id: &str, lang: &str, text: &str, entities: Vec<Entity>) -> Commit {
    let mut d = store::suite::doc(id, text);
    d.vector = None;
    d.article.segments = vec![Segment {
        lang: lang.into(),
        text: text.into(),
    }];
    let mut c = Commit::document_only(d);
    c.entities = entities;
    c
}

fn putin(doc: &str) -> Entity {
    let mut aliases = std::collections::BTreeMap::new();
    aliases.insert("en".to_string(), vec!["Vladimir Putin".to_string()]);
    aliases.insert("ru".to_string(), vec!["Путин".to_string()]);
    aliases.insert("zh-Hans".to_string(), vec!["普京".to_string()]);
    Entity {
        id: "person:putin".into(),
        kind: EntityKind::Person,
        name: "Vladimir Putin".into(),
        aliases,
        documents: vec![doc.into()],
    }
}

fn store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let mut s = SqliteStore::open(dir.path()).unwrap();
    for c in [
        doc(
            "en-1",
            "en",
            "Vladimir Putin arrived in Beijing for talks on trade and energy.",
            vec![putin("en-1")],
        ),
        doc(
            "ru-1",
            "ru",
            "Путин прибыл в Пекин для переговоров о торговле и энергетике.",
            vec![putin("ru-1")],
        ),
        doc(
            "zh-1",
            "zh-Hans",
            "习近平在北京会见了来访的客人,双方讨论了贸易问题。",
            Vec::new(),
        ),
        doc(
            "other",
            "en",
            "A storm closed schools along the coast for two days this week.",
            Vec::new(),
        ),
    ] {
        s.commit(&c).unwrap();
    }
    (dir, s)
}

fn ids(s: &Searcher, store: &SqliteStore, q: &str) -> Vec<String> {
    s.search(store, q, 10)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.document)
        .collect()
}

#[test]
fn a_chinese_name_finds_english_and_russian_documents_through_entity_aliases() {
    let (_dir, store) = store();
    let s = Searcher::new(None, None);
    let found = ids(&s, &store, "普京");
    assert!(found.contains(&"en-1".to_string()), "{found:?}");
    assert!(found.contains(&"ru-1".to_string()), "{found:?}");
    assert!(!found.contains(&"other".to_string()), "{found:?}");
    let r = s.search(&store, "普京", 10).unwrap();
    assert!(
        r.translations
            .iter()
            .any(|(w, t)| w == "普京" && !t.is_empty()),
        "{:?}",
        r.translations
    );
    // And the other way round: the Russian name finds the English report.
    assert!(ids(&s, &store, "Путин").contains(&"en-1".to_string()));
}

#[test]
fn traditional_characters_find_simplified_text() {
    let (_dir, store) = store();
    let s = Searcher::new(None, None);
    assert_eq!(ids(&s, &store, "習近平"), vec!["zh-1".to_string()]);
}

#[test]
fn full_text_syntax_in_a_query_is_just_words() {
    let (_dir, store) = store();
    let s = Searcher::new(None, None);
    for q in ["\"a* OR NEAR(", "storm AND", ")(", "-", "*"] {
        assert!(s.search(&store, q, 10).is_ok(), "{q}");
    }
    assert_eq!(ids(&s, &store, "\"storm*"), vec!["other".to_string()]);
    assert!(ids(&s, &store, "   ").is_empty());
}

/// The documents the query syntax is tried on: words in and out of order, a Chinese phrase.
fn syntax_documents(store: &mut dyn Store) {
    for (id, lang, text) in [
        ("council", "en", "The city council met on Monday."),
        ("budget", "en", "The budget was published on Tuesday."),
        ("both", "en", "The council approved the budget."),
        ("reversed", "en", "Budget talks: the budget council met."),
        ("zh-phrase", "zh-Hans", "金砖国家领导人在喀山举行峰会。"),
        (
            "zh-apart",
            "zh-Hans",
            "峰会期间，领导人讨论了金砖国家的扩员。",
        ),
        ("zh-reversed", "zh-Hans", "峰会于周二在喀山举行。"),
    ] {
        store.commit(&doc(id, lang, text, Vec::new())).unwrap();
    }
}

/// The syntax as every entry point reads it, on any backend.
fn check_syntax(store: &dyn Store) {
    let s = Searcher::new(None, None);
    let found = |q: &str| {
        let mut ids: Vec<String> = s
            .search(store, q, 10)
            .unwrap_or_else(|e| panic!("{q}: {e}"))
            .hits
            .into_iter()
            .map(|h| h.document)
            .collect();
        ids.sort();
        ids
    };
    // AND by default; OR gives the union.
    assert_eq!(found("council"), ["both", "council", "reversed"]);
    assert_eq!(found("council budget"), ["both", "reversed"]);
    assert_eq!(
        found("council OR budget"),
        ["both", "budget", "council", "reversed"]
    );
    // OR binds tighter than the AND: approved and (council or Tuesday).
    assert_eq!(found("approved council OR Tuesday"), ["both"]);
    // A phrase: its words in order; the words alone match both orders.
    assert_eq!(found("\"budget council\""), ["reversed"]);
    assert_eq!(found("\"council budget\""), Vec::<String>::new());
    assert_eq!(
        found("\"city council\" OR \"budget talks\""),
        ["council", "reversed"]
    );
    // Exclusions, of words (any form: "meeting" is not "met", "approves" is "approved") and phrases.
    assert_eq!(found("council -met"), ["both"]);
    assert_eq!(found("council -approves"), ["council", "reversed"]);
    assert_eq!(found("council -\"budget council\""), ["both", "council"]);
    assert_eq!(
        found("council OR budget -monday -tuesday"),
        ["both", "reversed"]
    );
    // Chinese: a phrase of the index's words, in Traditional characters too.
    assert_eq!(found("峰会 领导人"), ["zh-apart", "zh-phrase"]);
    assert_eq!(found("举行 峰会"), ["zh-phrase", "zh-reversed"]);
    assert_eq!(found("\"举行峰会\""), ["zh-phrase"]);
    assert_eq!(found("「舉行峰會」"), ["zh-phrase"]);
    assert_eq!(found("峰会 -\"举行峰会\""), ["zh-apart", "zh-reversed"]);
    // Lenient readings: an open quote runs to the end, a lone dash is punctuation.
    assert_eq!(found("\"budget council"), ["reversed"]);
    assert_eq!(found("council - budget"), ["both", "reversed"]);
    // Bad syntax: an error naming the query and the problem, never a store error.
    for (q, problem) in [
        ("council OR", search::Problem::OrAtEnd),
        ("OR council", search::Problem::OrAtStart),
        ("council OR OR budget", search::Problem::OrTwice),
        ("council OR -budget", search::Problem::OrWithExclusion),
        ("-council -\"city hall\"", search::Problem::OnlyExclusions),
    ] {
        match s.search(store, q, 10) {
            Err(search::SearchError::Query(e)) => {
                assert_eq!(e.problem, problem, "{q}");
                assert!(e.to_string().contains(q), "{e}");
            }
            other => panic!("{q}: {other:?}"),
        }
    }
    // FTS5 syntax is text: nothing of it reaches the index as an operator.
    for q in [
        "NEAR(council budget)",
        "council* ^budget",
        "council AND NOT budget",
        "{x}: y",
    ] {
        assert!(s.search(store, q, 10).is_ok(), "{q}");
    }
}

#[test]
fn query_syntax_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = SqliteStore::open(dir.path()).unwrap();
    syntax_documents(&mut s);
    check_syntax(&s);
}

#[test]
fn query_syntax_on_postgres() {
    let Some(url) = store::suite::pg::server("search syntax on PostgreSQL") else {
        return;
    };
    let db = store::suite::pg::fresh_database(&url, "storyline_search");
    let mut s = store::PgStore::connect(&db).unwrap();
    syntax_documents(&mut s);
    check_syntax(&s);
}

/// Both backends rank a query's hits alike (bm25 over the same tokens, ties to the older):
/// the same ids in the same order, through the whole search path.
#[test]
fn both_backends_rank_alike() {
    let Some(url) = store::suite::pg::server("search ranking on PostgreSQL") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut sqlite = SqliteStore::open(dir.path()).unwrap();
    let db = store::suite::pg::fresh_database(&url, "storyline_search");
    let mut pg = store::PgStore::connect(&db).unwrap();
    syntax_documents(&mut sqlite);
    syntax_documents(&mut pg);
    let s = Searcher::new(None, None);
    let ranked = |store: &dyn Store, q: &str| -> Vec<String> {
        s.search(store, q, 10)
            .unwrap_or_else(|e| panic!("{q}: {e}"))
            .hits
            .into_iter()
            .map(|h| h.document)
            .collect()
    };
    for q in [
        "council",
        "budget",
        "the",
        "council budget",
        "council OR budget",
        "\"budget council\" OR met",
        "budget -approved",
        "峰会",
        "峰会 OR 领导人",
        "喀山 -\"举行峰会\"",
    ] {
        let expected = ranked(&sqlite, q);
        assert!(!expected.is_empty(), "{q}");
        assert_eq!(ranked(&pg, q), expected, "{q}");
    }
}

#[test]
fn phrases_are_translated_whole_and_exclusions_not_at_all() {
    let (_dir, store) = store();
    let s = Searcher::new(None, None);
    // The phrase is a stored entity's alias: its other names are searched too.
    let mut found = ids(&s, &store, "\"Vladimir Putin\"");
    found.sort();
    assert_eq!(found, ["en-1", "ru-1"]);
    // 普京 finds the English and the Russian report; excluding the English word Beijing
    // leaves the Russian one, which says Пекин.
    assert_eq!(ids(&s, &store, "普京 -Beijing"), ["ru-1".to_string()]);
    // Excluding the name in one script does not exclude it in others.
    assert_eq!(
        ids(&s, &store, "энергетике OR energy -Putin"),
        ["ru-1".to_string()]
    );
}
