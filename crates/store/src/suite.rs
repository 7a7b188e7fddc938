//! One test suite for every [`Store`] backend: each backend's tests expand [`store_suite!`]
//! with a factory for fresh, empty stores, which makes one test per scenario. Built only with
//! the `test-support` feature (other crates' tests use [`doc`] and [`pg`] too), so it is not in
//! the production library.

use std::collections::BTreeMap;

use model::{Article, Claim, Entity, EntityKind, Event, Evidence, Fact, Figure, Quote, Segment};

use crate::{Commit, DocStatus, DocumentRecord, EventState, QueryText, Store, TextQuery};

/// A small document with a fixed id and text.
pub fn doc(id: &str, text: &str) -> DocumentRecord {
    DocumentRecord {
        article: Article {
            id: id.into(),
            source: format!("{id}.txt"),
            title: Some(format!("Title of {id}")),
            paragraphs: vec![text.into()],
            segments: vec![Segment {
                lang: "en".into(),
                text: text.into(),
            }],
            ..Article::default()
        },
        hash: model::content_hash(text),
        event: Some(format!("ev-{id}")),
        duplicate_of: None,
        translation_of: None,
        vector: Some(vec![0.5, -0.25, 1.0]),
        why: Some(format!("why {id}")),
    }
}

/// A claim of event `ev` with one source and some detail (outlets, a disagreement).
pub fn claim(ev: &str, source: &str) -> Claim {
    Claim {
        event: ev.into(),
        text: format!("a claim of {ev}"),
        sources: vec![source.into()],
        outlets: vec!["Xinhua".into()],
        single_source: true,
        disagreement: vec![Figure {
            value: 3.0,
            unit: None,
            subject: None,
            sources: vec![source.into()],
        }],
        independent_sources: 1,
        evidence: vec![Evidence {
            document: source.into(),
            outlet: Some("Xinhua".into()),
            lang: "en".into(),
            text: format!("a claim of {ev}"),
        }],
    }
}

fn event(id: &str, start: Option<&str>) -> EventState {
    EventState {
        event: Event {
            id: id.into(),
            title: format!("event {id}"),
            start: start.map(Into::into),
            end: start.map(Into::into),
            place: Some("Kazan".into()),
            storyline: None,
            documents: Vec::new(),
        },
        state: vec![1, 2, 3],
    }
}

fn entity(id: &str, lang: &str, alias: &str) -> Entity {
    Entity {
        id: id.into(),
        kind: EntityKind::Person,
        name: "Xi Jinping".into(),
        aliases: BTreeMap::from([(lang.to_string(), vec![alias.to_string()])]),
        documents: Vec::new(),
    }
}

/// One `#[test]` per scenario of this suite, each on a fresh store from `$fresh`, a function
/// returning `Option<(Box<dyn Store>, G)>`: `None` skips the test (no server), and `G` (a
/// temporary directory, say) is kept until the scenario is over.
///
/// ```ignore
/// store::store_suite!(fresh_sqlite_store);
/// ```
#[macro_export]
macro_rules! store_suite {
    (@each $fresh:path; $($scenario:ident),* $(,)?) => {
        $(
            #[test]
            fn $scenario() {
                if let Some((store, _keep)) = $fresh() {
                    $crate::suite::$scenario(store);
                }
            }
        )*
    };
    ($fresh:path) => {
        $crate::store_suite!(@each $fresh; round_trip, status_tells_new_same_and_conflicting, a_failed_commit_changes_nothing, entities_merge_aliases_and_documents, entities_of_a_failed_commit_are_stored_by_a_later_one, claims_are_replaced_per_event, stale_claims_are_marked_until_replaced, events_are_ordered_and_list_their_documents, search_finds_words_in_any_script, search_matches_words_across_scripts_and_stems, search_takes_alternatives, search_matches_phrases_in_order, search_excludes_words_and_phrases, summaries_and_vectors, claim_candidates_are_kept_per_document_of_an_event, links_passages_and_storylines, decisions_commit_or_write_nothing);
    };
}

/// A decision ends with its commit (stored) or with `end_decision` (nothing stored, and the
/// store usable again); `documents_since` lists documents after a position, in ingest order.
pub fn decisions_commit_or_write_nothing(mut s: Box<dyn Store>) {
    assert_eq!(s.last_position().unwrap(), 0);
    assert!(s.documents_since(0, 10).unwrap().is_empty());
    s.begin_decision().unwrap();
    s.begin_decision().unwrap(); // the same decision
    assert_eq!(s.status("a", &doc("a", "x").hash).unwrap(), DocStatus::New);
    s.commit(&full_commit("a", "first text", "ev-1")).unwrap();
    s.end_decision().unwrap(); // nothing open: does nothing
    s.begin_decision().unwrap();
    s.commit(&full_commit("b", "second text", "ev-1")).unwrap();
    // A commit that fails inside a decision ends it; the store goes on.
    s.begin_decision().unwrap();
    assert!(s.commit(&full_commit("a", "other text", "ev-2")).is_err());
    s.end_decision().unwrap();
    s.begin_decision().unwrap();
    s.end_decision().unwrap();
    s.commit(&full_commit("d", "fourth text", "ev-2")).unwrap();
    let after_a = s.documents_since(0, 1).unwrap();
    assert_eq!(after_a.len(), 1);
    assert_eq!(after_a[0].1.article.id, "a");
    let rest: Vec<String> = s
        .documents_since(after_a[0].0, 10)
        .unwrap()
        .into_iter()
        .map(|(_, d)| d.article.id)
        .collect();
    assert_eq!(rest, ["b", "d"]);
    let all = s.documents_since(0, 10).unwrap();
    assert_eq!(s.last_position().unwrap(), all.last().unwrap().0);
    assert!(all.windows(2).all(|w| w[0].0 < w[1].0));
    assert_eq!(s.document_count().unwrap(), 3);
    assert_eq!(
        s.document("a").unwrap().unwrap().hash,
        doc("a", "first text").hash
    );
}

/// An entity or alias first named by a commit that fails is stored by the next commit that
/// names it (a backend that remembers which rows it has learns them from commits that succeed).
pub fn entities_of_a_failed_commit_are_stored_by_a_later_one(mut s: Box<dyn Store>) {
    let mut first = Commit::document_only(doc("a", "first text"));
    first.entities = vec![entity("E1", "en", "Xi")];
    s.commit(&first).unwrap();
    // The same id with other content is refused.
    let mut failed = Commit::document_only(doc("a", "other text"));
    failed.entities = vec![entity("E2", "en", "Putin"), entity("E1", "zh", "习近平")];
    assert!(s.commit(&failed).is_err());
    let mut later = Commit::document_only(doc("b", "second text"));
    later.entities = failed.entities.clone();
    s.commit(&later).unwrap();
    let entities = s.entities().unwrap();
    let e2 = entities
        .iter()
        .find(|e| e.id == "E2")
        .expect("E2 is stored");
    assert_eq!(e2.documents, ["b"]);
    assert_eq!(e2.aliases["en"], ["Putin"]);
    let e1 = entities
        .iter()
        .find(|e| e.id == "E1")
        .expect("E1 is stored");
    assert_eq!(e1.documents, ["a", "b"]);
    assert_eq!(e1.aliases["en"], ["Xi"]);
    assert_eq!(e1.aliases["zh"], ["习近平"]);
}

pub fn links_passages_and_storylines(mut s: Box<dyn Store>) {
    s.commit(&full_commit("a", "first text", "ev-1")).unwrap();
    let mut second = full_commit("b", "second text", "ev-2");
    second.passages = vec![crate::SharedPassage {
        event: Some("ev-2".into()),
        documents: vec!["a".into(), "b".into()],
        text: "a shared sentence".into(),
    }];
    second.storylines = vec![("ev-1".into(), "sl-1".into())];
    s.commit(&second).unwrap();
    let mut third = full_commit("c", "third text", "ev-1");
    third.event = None;
    s.commit(&third).unwrap();
    assert_eq!(s.shared_passages().unwrap(), second.passages);
    assert_eq!(
        s.event("ev-1").unwrap().unwrap().storyline.as_deref(),
        Some("sl-1")
    );
    let cands = s
        .link_candidates(&["ev-1".into(), "ev-9".into()], 5)
        .unwrap();
    let ids: Vec<&str> = cands.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["a", "c"], "oldest first, only the asked events");
    assert_eq!(cands[0].fingerprint.as_deref(), Some(&[1u8, 2, 3, 4][..]));
    assert_eq!(cands[0].vector, Some(vec![0.5, -0.25, 1.0]));
    let only_last = s.link_candidates(&["ev-1".into()], 1).unwrap();
    assert_eq!(only_last.len(), 1);
    assert_eq!(only_last[0].id, "c");
    assert_eq!(
        s.document("b").unwrap().unwrap().why.as_deref(),
        Some("why b")
    );
}

fn full_commit(id: &str, text: &str, ev: &str) -> Commit {
    let mut d = doc(id, text);
    d.event = Some(ev.into());
    Commit {
        document: d,
        event: Some(event(ev, Some("2024-05-16"))),
        entities: vec![entity("xi-jinping", "en", "Xi Jinping")],
        quotes: vec![Quote {
            document: id.into(),
            speaker: Some("xi-jinping".into()),
            text: "China highly appreciates this.".into(),
            via: Some("Xinhua".into()),
            direct: true,
        }],
        facts: vec![Fact {
            document: id.into(),
            value: 240.1e9,
            unit: Some("USD".into()),
            text: "trade reached a record $240.1 billion".into(),
            subject: Some("two-way trade".into()),
        }],
        claims: Some((
            ev.into(),
            vec![Claim {
                event: ev.into(),
                text: "the two sides signed a joint statement".into(),
                sources: vec![id.into()],
                outlets: vec!["Xinhua".into()],
                single_source: true,
                disagreement: vec![Figure {
                    value: 240.0e9,
                    unit: Some("USD".into()),
                    subject: Some("two-way trade".into()),
                    sources: vec!["other".into()],
                }],
                independent_sources: 1,
                evidence: vec![Evidence {
                    document: id.into(),
                    outlet: Some("Xinhua".into()),
                    lang: "en".into(),
                    text: "The two sides signed a joint statement.".into(),
                }],
            }],
        )),
        claims_stale: None,
        fingerprint: Some(vec![1, 2, 3, 4]),
        passages: Vec::new(),
        storylines: Vec::new(),
        claim_candidates: Some(format!("[\"candidates of {id}\"]")),
    }
}

pub fn round_trip(mut s: Box<dyn Store>) {
    let c = full_commit("d1", "Xi met Putin.", "e1");
    s.commit(&c).unwrap();
    let back = s.document("d1").unwrap().unwrap();
    assert_eq!(back, c.document);
    assert_eq!(s.document_count().unwrap(), 1);
    assert_eq!(s.quotes().unwrap(), c.quotes);
    assert_eq!(s.facts().unwrap(), c.facts);
    assert_eq!(s.claims().unwrap(), c.claims.unwrap().1);
    let ev = s.event("e1").unwrap().unwrap();
    assert_eq!(ev.documents, ["d1"]);
    assert_eq!(s.event_states().unwrap()[0].state, vec![1, 2, 3]);
    assert!(s.document("nope").unwrap().is_none());
}

pub fn status_tells_new_same_and_conflicting(mut s: Box<dyn Store>) {
    let d = doc("d1", "text one");
    assert_eq!(s.status("d1", &d.hash).unwrap(), DocStatus::New);
    s.commit(&Commit::document_only(d.clone())).unwrap();
    assert_eq!(s.status("d1", &d.hash).unwrap(), DocStatus::AlreadyIngested);
    assert_eq!(s.status("d1", "other-hash").unwrap(), DocStatus::IdConflict);
    assert_eq!(
        s.status("d2", &d.hash).unwrap(),
        DocStatus::SameContentAs("d1".into())
    );
}

pub fn a_failed_commit_changes_nothing(mut s: Box<dyn Store>) {
    s.commit(&full_commit("d1", "first", "e1")).unwrap();
    // Same id again: the document insert fails, and nothing of the commit may remain.
    let mut again = full_commit("d1", "second", "e2");
    again.entities = vec![entity("putin", "en", "Putin")];
    assert!(s.commit(&again).is_err());
    assert_eq!(s.document_count().unwrap(), 1);
    assert!(s.event("e2").unwrap().is_none());
    assert_eq!(s.entities().unwrap().len(), 1);
    assert_eq!(s.quotes().unwrap().len(), 1);
    assert_eq!(
        s.document("d1").unwrap().unwrap().article.paragraphs,
        ["first"]
    );
}

pub fn entities_merge_aliases_and_documents(mut s: Box<dyn Store>) {
    let mut a = Commit::document_only(doc("d1", "习近平"));
    a.entities = vec![entity("xi-jinping", "zh-Hans", "习近平")];
    let mut b = Commit::document_only(doc("d2", "習近平"));
    b.entities = vec![
        entity("xi-jinping", "zh-Hant", "習近平"),
        entity("xi-jinping", "zh-Hans", "习近平"),
    ];
    s.commit(&a).unwrap();
    s.commit(&b).unwrap();
    let ents = s.entities().unwrap();
    assert_eq!(ents.len(), 1);
    assert_eq!(ents[0].documents, ["d1", "d2"]);
    assert_eq!(ents[0].aliases["zh-Hans"], ["习近平"]);
    assert_eq!(ents[0].aliases["zh-Hant"], ["習近平"]);
}

pub fn claims_are_replaced_per_event(mut s: Box<dyn Store>) {
    s.commit(&full_commit("d1", "one", "e1")).unwrap();
    let mut c = full_commit("d2", "two", "e1");
    c.claims = Some((
        "e1".into(),
        vec![Claim {
            event: "e1".into(),
            text: "the two sides signed a joint statement".into(),
            sources: vec!["d1".into(), "d2".into()],
            ..Claim::default()
        }],
    ));
    s.commit(&c).unwrap();
    let claims = s.claims().unwrap();
    assert_eq!(claims.len(), 1);
    assert_eq!(claims[0].sources, ["d1", "d2"]);
}

/// A commit that leaves its event's claims out of date marks them stale; `replace_claims`
/// (inside a decision, which it ends, or on its own) replaces them and clears the mark, and a
/// commit with the claims clears it too.
pub fn stale_claims_are_marked_until_replaced(mut s: Box<dyn Store>) {
    assert!(s.stale_claims().unwrap().is_empty());
    let mut c = full_commit("d1", "one", "e2");
    c.claims = None;
    c.claims_stale = Some("e2".into());
    s.commit(&c).unwrap();
    let mut c = full_commit("d2", "two", "e1");
    c.claims = None;
    c.claims_stale = Some("e1".into());
    s.commit(&c).unwrap();
    assert_eq!(s.stale_claims().unwrap(), ["e1", "e2"]);
    assert!(s.claims().unwrap().is_empty());

    let claim = |ev: &str, text: &str| Claim {
        event: ev.into(),
        text: text.into(),
        sources: vec!["d1".into()],
        ..Claim::default()
    };
    s.begin_decision().unwrap();
    assert_eq!(s.claim_candidates("e2").unwrap().len(), 1);
    s.replace_claims(&[("e2".into(), vec![claim("e2", "first")])])
        .unwrap();
    // The decision is over: another one can start, and what was written is kept.
    s.begin_decision().unwrap();
    s.end_decision().unwrap();
    assert_eq!(s.stale_claims().unwrap(), ["e1"]);
    assert_eq!(s.claims().unwrap(), [claim("e2", "first")]);

    // Outside a decision; replacing again replaces.
    s.replace_claims(&[
        ("e1".into(), vec![claim("e1", "one"), claim("e1", "two")]),
        ("e2".into(), vec![claim("e2", "second")]),
    ])
    .unwrap();
    assert!(s.stale_claims().unwrap().is_empty());
    let texts: Vec<String> = s.claims().unwrap().into_iter().map(|c| c.text).collect();
    assert_eq!(texts, ["one", "two", "second"]);

    // A commit with its event's claims clears a mark too.
    let mut c = full_commit("d3", "three", "e1");
    c.claims = None;
    c.claims_stale = Some("e1".into());
    s.commit(&c).unwrap();
    assert_eq!(s.stale_claims().unwrap(), ["e1"]);
    s.commit(&full_commit("d4", "four", "e1")).unwrap();
    assert!(s.stale_claims().unwrap().is_empty());
}

pub fn events_are_ordered_and_list_their_documents(mut s: Box<dyn Store>) {
    for (id, ev, start) in [
        ("a", "late", Some("2024-10-22")),
        ("b", "undated", None),
        ("c", "early", Some("2023-03-20")),
    ] {
        let mut d = doc(id, id);
        d.event = Some(ev.into());
        let mut c = Commit::document_only(d);
        c.event = Some(event(ev, start));
        s.commit(&c).unwrap();
    }
    let order: Vec<String> = s.events().unwrap().into_iter().map(|e| e.id).collect();
    assert_eq!(order, ["early", "late", "undated"]);
}

pub fn search_finds_words_in_any_script(mut s: Box<dyn Store>) {
    s.commit(&Commit::document_only(doc(
        "en",
        "Leaders met at the BRICS summit in Kazan.",
    )))
    .unwrap();
    s.commit(&Commit::document_only(doc(
        "zh",
        "习近平出席金砖国家领导人第十六次会晤。",
    )))
    .unwrap();
    s.commit(&Commit::document_only(doc(
        "ru",
        "Саммит БРИКС прошёл в Казани.",
    )))
    .unwrap();
    assert_eq!(s.search("brics", 10).unwrap()[0].document, "en");
    let zh = s.search("金砖", 10).unwrap();
    assert_eq!(zh.len(), 1);
    assert!(zh[0].snippet.contains("金砖"));
    assert_eq!(s.search("казани", 10).unwrap()[0].document, "ru");
    assert!(s.search("nothing like this", 10).unwrap().is_empty());
    assert!(s.search("", 10).unwrap().is_empty());
    assert!(s.search("\"*) OR NEAR(", 10).unwrap().is_empty());
}

/// Words are matched as [`crate::index_terms`] analyses them: Traditional folded to
/// Simplified, stems for inflected forms, every word required.
pub fn search_matches_words_across_scripts_and_stems(mut s: Box<dyn Store>) {
    let mut zh = doc("zh", "習近平出席金磚國家領導人會晤。");
    zh.article.segments[0].lang = "zh-Hant".into();
    let mut ru = doc("ru", "Путин встретился с лидерами в Казани.");
    ru.article.segments[0].lang = "ru".into();
    s.commit(&Commit::document_only(zh)).unwrap();
    s.commit(&Commit::document_only(ru)).unwrap();
    s.commit(&Commit::document_only(doc("en", "Leaders met in Kazan.")))
        .unwrap();
    // Simplified query, Traditional document.
    let hits = s.search("习近平", 10).unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].document, "zh");
    assert!(hits[0].snippet.contains("習近平"), "{}", hits[0].snippet);
    // Another case of the same Russian word.
    assert_eq!(s.search("Казань", 10).unwrap()[0].document, "ru");
    // Every word must match.
    assert!(s.search("Kazan Putin", 10).unwrap().is_empty());
    assert_eq!(s.search("leaders kazan", 10).unwrap()[0].document, "en");
}

pub fn search_takes_alternatives(mut s: Box<dyn Store>) {
    s.commit(&Commit::document_only(doc(
        "en",
        "The BRICS summit opened.",
    )))
    .unwrap();
    s.commit(&Commit::document_only(doc("zh", "金砖国家峰会开幕。")))
        .unwrap();
    s.commit(&Commit::document_only(doc("other", "A summit in Lisbon.")))
        .unwrap();
    let q = TextQuery {
        groups: vec![vec!["金砖".into(), "BRICS".into()]],
        ..TextQuery::default()
    };
    let mut found: Vec<String> = s
        .search_text(&q, 10)
        .unwrap()
        .into_iter()
        .map(|h| h.document)
        .collect();
    found.sort();
    assert_eq!(found, ["en", "zh"]);
    // Both groups must match, unless falling back to any.
    let mut q = TextQuery {
        groups: vec![vec!["BRICS".into()], vec!["opened".into()]],
        ..TextQuery::default()
    };
    assert_eq!(s.search_text(&q, 10).unwrap().len(), 1);
    q.groups[1] = vec!["Lisbon".into()];
    assert!(s.search_text(&q, 10).unwrap().is_empty());
    q.fallback_any = true;
    assert_eq!(s.search_text(&q, 10).unwrap().len(), 2);
    assert_eq!(s.search_text(&q, 1).unwrap().len(), 1);
    // The fallback leaves out groups of stopwords only: sharing "the" brings nothing.
    let q = TextQuery {
        groups: vec![
            vec!["Lisbon".into()],
            vec!["the".into()],
            vec!["nowhere-to-be-found".into()],
        ],
        fallback_any: true,
        ..TextQuery::default()
    };
    let found: Vec<String> = s
        .search_text(&q, 10)
        .unwrap()
        .into_iter()
        .map(|h| h.document)
        .collect();
    assert_eq!(found, ["other"]);
}

fn found(s: &dyn Store, q: &TextQuery) -> Vec<String> {
    let mut ids: Vec<String> = s
        .search_text(q, 10)
        .unwrap()
        .into_iter()
        .map(|h| h.document)
        .collect();
    ids.sort();
    ids
}

fn phrase_query(groups: &[&[&str]], exclude: &[&str]) -> TextQuery {
    TextQuery {
        groups: groups
            .iter()
            .map(|g| g.iter().map(|a| a.to_string()).collect())
            .collect(),
        exclude: exclude.iter().map(|x| x.to_string()).collect(),
        ..TextQuery::default()
    }
}

/// An alternative of several words is a phrase: its words (as analysed: stemmed, Simplified,
/// cut by jieba) in that order, next to each other.
pub fn search_matches_phrases_in_order(mut s: Box<dyn Store>) {
    for (id, text) in [
        ("order", "The city council approved the budget on Monday."),
        (
            "reversed",
            "The budget council met, but nothing was approved.",
        ),
        ("zh-phrase", "金砖国家领导人在喀山举行峰会。"),
        ("zh-apart", "峰会期间，领导人讨论了金砖国家的扩员。"),
    ] {
        s.commit(&Commit::document_only(doc(id, text))).unwrap();
    }
    // Words: both documents; the phrase: only where its words follow each other.
    assert_eq!(
        found(s.as_ref(), &phrase_query(&[&["council"], &["budget"]], &[])),
        ["order", "reversed"]
    );
    assert_eq!(
        found(s.as_ref(), &phrase_query(&[&["budget council"]], &[])),
        ["reversed"]
    );
    // Stems: "approves the budget" matches "approved the budget".
    assert_eq!(
        found(s.as_ref(), &phrase_query(&[&["approves the budget"]], &[])),
        ["order"]
    );
    // Chinese: a phrase of jieba's words, also given in Traditional characters.
    assert_eq!(
        found(s.as_ref(), &phrase_query(&[&["领导人"], &["峰会"]], &[])),
        ["zh-apart", "zh-phrase"]
    );
    assert_eq!(
        found(s.as_ref(), &phrase_query(&[&["舉行峰會"]], &[])),
        ["zh-phrase"]
    );
    // A phrase or a word as alternatives.
    assert_eq!(
        found(
            s.as_ref(),
            &phrase_query(&[&["budget council", "举行峰会"]], &[])
        ),
        ["reversed", "zh-phrase"]
    );
}

/// No document containing an exclusion (a word, or a phrase in order) is returned, whether it
/// matches every group or, with `fallback_any`, some.
pub fn search_excludes_words_and_phrases(mut s: Box<dyn Store>) {
    for (id, text) in [
        ("council", "The council met on Monday."),
        ("both", "The council voted on the budget."),
        ("budget", "A budget was published."),
        ("reversed", "The budget council met."),
    ] {
        s.commit(&Commit::document_only(doc(id, text))).unwrap();
    }
    assert_eq!(
        found(s.as_ref(), &phrase_query(&[&["council", "budget"]], &[])),
        ["both", "budget", "council", "reversed"]
    );
    assert_eq!(
        found(
            s.as_ref(),
            &phrase_query(&[&["council", "budget"]], &["budget"])
        ),
        ["council"]
    );
    assert_eq!(
        found(
            s.as_ref(),
            &phrase_query(&[&["council", "budget"]], &["budget council"])
        ),
        ["both", "budget", "council"]
    );
    // Several exclusions: none may match.
    assert_eq!(
        found(
            s.as_ref(),
            &phrase_query(&[&["council"]], &["monday", "votes"])
        ),
        ["reversed"]
    );
    // With the fallback to any group.
    let mut q = phrase_query(&[&["council"], &["published"]], &["met"]);
    assert!(found(s.as_ref(), &q).is_empty());
    q.fallback_any = true;
    assert_eq!(found(s.as_ref(), &q), ["both", "budget"]);
    // An exclusion that analyses to nothing excludes nothing.
    assert_eq!(
        found(s.as_ref(), &phrase_query(&[&["published"]], &["!!"])),
        ["budget"]
    );
    // And the check for documents that reach a result by meaning agrees with the index.
    let q = phrase_query(&[&["council"]], &["budget council"]);
    let reversed = s.document("reversed").unwrap().unwrap();
    let both = s.document("both").unwrap().unwrap();
    assert!(q.excludes(&reversed.article));
    assert!(!q.excludes(&both.article));
}

pub fn summaries_and_vectors(mut s: Box<dyn Store>) {
    let mut d = doc("bi", "Xi met Putin.");
    d.article.segments.push(Segment {
        lang: "zh-Hans".into(),
        text: "习近平会见普京。".into(),
    });
    d.article.segments.push(Segment {
        lang: "en".into(),
        text: "More.".into(),
    });
    d.article.outlet = Some("Xinhua".into());
    s.commit(&Commit::document_only(d)).unwrap();
    let mut plain = doc("plain", "no vector");
    plain.vector = None;
    s.commit(&Commit::document_only(plain)).unwrap();
    let sums = s.document_summaries().unwrap();
    assert_eq!(sums.len(), 2);
    assert_eq!(sums[0].id, "bi");
    assert_eq!(sums[0].languages, ["en", "zh-Hans"]);
    assert_eq!(sums[0].outlet.as_deref(), Some("Xinhua"));
    assert_eq!(sums[0].event.as_deref(), Some("ev-bi"));
    let mut vectors = Vec::new();
    s.for_each_vector(&mut |id, v| {
        vectors.push((id.to_string(), v.to_vec()));
        Ok(())
    })
    .unwrap();
    assert_eq!(vectors, [("bi".to_string(), vec![0.5, -0.25, 1.0])]);
}

pub fn claim_candidates_are_kept_per_document_of_an_event(mut s: Box<dyn Store>) {
    s.commit(&full_commit("d1", "one", "e1")).unwrap();
    s.commit(&full_commit("d2", "two", "e1")).unwrap();
    s.commit(&full_commit("d3", "three", "e2")).unwrap();
    let mut plain = Commit::document_only(doc("d4", "four"));
    plain.document.event = Some("e1".into());
    s.commit(&plain).unwrap();
    let got = s.claim_candidates("e1").unwrap();
    assert_eq!(
        got,
        [
            ("d1".to_string(), "[\"candidates of d1\"]".to_string()),
            ("d2".to_string(), "[\"candidates of d2\"]".to_string()),
        ]
    );
    assert_eq!(s.claim_candidates("e2").unwrap().len(), 1);
    assert!(s.claim_candidates("nope").unwrap().is_empty());
    // The claim fields beyond the contract survive the round trip.
    let claims = s.claims().unwrap();
    assert!(claims
        .iter()
        .all(|c| c.single_source && c.disagreement.len() == 1));
    assert_eq!(claims[0].outlets, ["Xinhua"]);
}

/// What PostgreSQL tests share: finding the test server and making a fresh database on it.
pub mod pg {
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// The test server's URL from `STORYLINE_TEST_PG`, or `None` after saying loudly that the
    /// tests named by `what` are skipped. Panics when `CI` is set, because CI must run them.
    pub fn server(what: &str) -> Option<String> {
        match std::env::var("STORYLINE_TEST_PG") {
            Ok(url) if !url.is_empty() => Some(url),
            _ if std::env::var_os("CI").is_some() => {
                panic!("STORYLINE_TEST_PG is not set and CI is: run the tests through scripts/test (scripts/with-postgres.sh)")
            }
            _ => {
                eprintln!(
                    "\n*** SKIPPED: {what} (set STORYLINE_TEST_PG=postgres://…, or run them through scripts/with-postgres.sh) ***\n"
                );
                None
            }
        }
    }

    /// A URL for a fresh, empty database on the server at `url`, named `{prefix}_{pid}_{n}`.
    pub fn fresh_database(url: &str, prefix: &str) -> String {
        static N: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "{prefix}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        let mut admin = postgres::Client::connect(url, postgres::NoTls)
            .unwrap_or_else(|e| panic!("cannot connect to the test server {url}: {e}"));
        // One statement each: neither may run inside a transaction block.
        for sql in [
            format!("DROP DATABASE IF EXISTS {name}"),
            format!("CREATE DATABASE {name}"),
        ] {
            admin
                .batch_execute(&sql)
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        with_database(url, &name)
    }

    /// `url` with its database name replaced by `name`.
    pub fn with_database(url: &str, name: &str) -> String {
        let (base, query) = match url.split_once('?') {
            Some((b, q)) => (b, format!("?{q}")),
            None => (url, String::new()),
        };
        let scheme_end = base.find("://").map_or(0, |i| i + 3);
        let host_end = base[scheme_end..]
            .find('/')
            .map_or(base.len(), |i| scheme_end + i);
        format!("{}/{name}{query}", &base[..host_end])
    }
}
