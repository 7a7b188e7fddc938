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
