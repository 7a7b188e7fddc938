//! Enrichment's public behaviour: the sample articles against the gold file (every entity once
//! with its aliases merged across scripts, every quote with speaker and outlet, every fact with
//! value and unit), Chinese and Russian sentences of our own, claims across documents, and bad
//! input that must not panic.

mod score;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use enrich::{analyse, claims, DocEnrichment, Resources};
use model::{Article, EntityKind, Segment};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn res() -> &'static Resources {
    static R: OnceLock<Resources> = OnceLock::new();
    R.get_or_init(Resources::load)
}

fn doc(id: &str, lang: &str, paragraphs: &[&str]) -> Article {
    Article {
        id: id.into(),
        paragraphs: paragraphs.iter().map(|p| p.to_string()).collect(),
        segments: vec![Segment {
            lang: lang.into(),
            text: paragraphs.join("\n\n"),
        }],
        ..Article::default()
    }
}

fn entity_id(e: &DocEnrichment, alias: &str) -> Option<String> {
    e.entities
        .iter()
        .find(|x| x.aliases.values().flatten().any(|a| a == alias))
        .map(|x| x.id.clone())
}

#[test]
fn sample_articles_meet_the_gold() {
    let r = score::seeds(&root(), res());
    r.print(true);
    assert_eq!(r.entities_found, r.entities_total, "{:#?}", r.misses);
    assert!(
        r.split.is_empty(),
        "entities split across scripts: {:?}",
        r.split
    );
    assert_eq!(r.aliases_found, r.aliases_total, "{:#?}", r.misses);
    assert_eq!(r.quotes_found, r.quotes_total, "{:#?}", r.misses);
    assert_eq!(r.quotes_speaker, r.quotes_total, "{:#?}", r.misses);
    assert_eq!(r.quotes_via, r.quotes_total, "{:#?}", r.misses);
    assert_eq!(r.facts_found, r.facts_total, "{:#?}", r.misses);
}

#[test]
fn chinese_names_quotes_and_figures() {
    let a = doc(
        "zh1",
        "zh-Hans",
        &[
            "俄罗斯总统普京周二在莫斯科表示：“俄中关系处于历史最好水平，我们将继续深化各领域合作。”",
            "据塔斯社报道，2023年中俄贸易额达到2401亿美元，同比增长26.3%。",
            "中国人民大学教授王小明周三告诉《环球时报》，两国在金砖国家框架内的合作前景广阔。",
        ],
    );
    let e = analyse(&a, res());
    assert_eq!(entity_id(&e, "普京").as_deref(), Some("vladimir-putin"));
    assert_eq!(entity_id(&e, "莫斯科").as_deref(), Some("moscow"));
    assert_eq!(entity_id(&e, "金砖国家").as_deref(), Some("brics"));
    assert_eq!(entity_id(&e, "王小明").as_deref(), Some("wang-xiaoming"));
    let q = &e.quotes[0];
    assert!(q.direct && q.text.starts_with("俄中关系"), "{q:?}");
    assert_eq!(q.speaker.as_deref(), Some("vladimir-putin"));
    let wang = e
        .quotes
        .iter()
        .find(|q| q.speaker.as_deref() == Some("wang-xiaoming"))
        .expect("indirect quote of Wang Xiaoming");
    assert_eq!(wang.via.as_deref(), Some("Global Times"));
    let has = |v: f64, u: &str| {
        e.facts
            .iter()
            .any(|f| (f.value - v).abs() < 1e-6 * v && f.unit.as_deref() == Some(u))
    };
    assert!(has(240_100_000_000.0, "USD"), "{:?}", e.facts);
    assert!(has(26.3, "percent"), "{:?}", e.facts);
    assert!(
        !e.facts.iter().any(|f| f.value == 2023.0),
        "a year is not a fact"
    );
}

#[test]
fn traditional_chinese_is_the_same_entity() {
    let a = doc(
        "zh2",
        "zh-Hant",
        &["習近平指出，今年是中俄建交75週年，金磚國家合作機制是重要平臺。"],
    );
    let e = analyse(&a, res());
    assert_eq!(entity_id(&e, "習近平").as_deref(), Some("xi-jinping"));
    assert_eq!(entity_id(&e, "金磚國家").as_deref(), Some("brics"));
    let xi = e.entities.iter().find(|x| x.id == "xi-jinping").unwrap();
    assert!(xi.aliases.contains_key("zh-Hant"));
    assert!(e
        .facts
        .iter()
        .any(|f| f.value == 75.0 && f.unit.as_deref() == Some("anniversary")));
    let q = e.quotes.first().expect("indirect quote");
    assert_eq!(q.speaker.as_deref(), Some("xi-jinping"));
}

#[test]
fn russian_names_inflect_and_link() {
    let a = doc(
        "ru1",
        "ru",
        &[
            "Президент России Владимир Путин заявил, что отношения с Китаем находятся на беспрецедентно высоком уровне.",
            "«Мы будем укреплять сотрудничество с нашими китайскими друзьями», — сказал Путин в интервью ТАСС.",
            "Председатель КНР Си Цзиньпин поблагодарил Путина за поддержку в рамках БРИКС.",
            "Товарооборот между странами в 2023 году достиг 240,1 млрд долларов, рост составил 26,3%.",
        ],
    );
    let e = analyse(&a, res());
    let putin = e
        .entities
        .iter()
        .find(|x| x.id == "vladimir-putin")
        .expect("Putin");
    assert_eq!(putin.kind, EntityKind::Person);
    let forms = &putin.aliases["ru"];
    assert!(forms.iter().any(|f| f == "Путина"), "{forms:?}");
    assert_eq!(entity_id(&e, "Си Цзиньпин").as_deref(), Some("xi-jinping"));
    assert_eq!(entity_id(&e, "БРИКС").as_deref(), Some("brics"));
    let direct = e.quotes.iter().find(|q| q.direct).expect("direct quote");
    assert_eq!(direct.speaker.as_deref(), Some("vladimir-putin"));
    assert_eq!(direct.via.as_deref(), Some("TASS"));
    let indirect = e.quotes.iter().find(|q| !q.direct).expect("indirect quote");
    assert_eq!(indirect.speaker.as_deref(), Some("vladimir-putin"));
    assert!(
        indirect.text.starts_with("отношения с Китаем"),
        "{indirect:?}"
    );
    assert!(e
        .facts
        .iter()
        .any(|f| (f.value - 240.1e9).abs() < 1.0 && f.unit.as_deref() == Some("USD")));
    assert!(e
        .facts
        .iter()
        .any(|f| f.value == 26.3 && f.unit.as_deref() == Some("percent")));
}

#[test]
fn english_titles_appositions_and_short_forms() {
    let a = doc(
        "en1",
        "en",
        &[
            "Chinese President Xi Jinping met Russian President Vladimir Putin in Kazan on Tuesday.",
            "Anna Petrova, a professor at Moscow State University, told Reuters that the meeting set the tone for the summit.",
            "\"Both sides want stability above all else,\" Petrova said.",
            "\"We will keep working together on many fronts,\" the Russian president said, according to TASS.",
            "Trade rose 5.2% to $56.68 billion, from 187,000 to 600,000 tourists visited, on the 75th anniversary.",
        ],
    );
    let e = analyse(&a, res());
    assert_eq!(entity_id(&e, "Xi Jinping").as_deref(), Some("xi-jinping"));
    assert_eq!(entity_id(&e, "Kazan").as_deref(), Some("kazan"));
    assert_eq!(entity_id(&e, "Petrova").as_deref(), Some("anna-petrova"));
    let q: Vec<_> = e.quotes.iter().filter(|q| q.direct).collect();
    assert_eq!(q[0].speaker.as_deref(), Some("anna-petrova"));
    assert_eq!(
        q[0].via.as_deref(),
        Some("Reuters"),
        "inherited from the paragraph before"
    );
    assert_eq!(q[1].speaker.as_deref(), Some("vladimir-putin"));
    assert_eq!(q[1].via.as_deref(), Some("TASS"));
    for (v, u) in [
        (5.2, "percent"),
        (56.68e9, "USD"),
        (187_000.0, "people"),
        (600_000.0, "people"),
        (75.0, "anniversary"),
    ] {
        assert!(
            e.facts
                .iter()
                .any(|f| (f.value - v).abs() < 1e-6 * v && f.unit.as_deref() == Some(u)),
            "{v} {u}: {:?}",
            e.facts
        );
    }
}

#[test]
fn claims_group_documents_and_flag_disagreement() {
    let a = doc(
        "a",
        "en",
        &["Last year, the two-way trade reached a record $240.1 billion, officials said on Monday."],
    );
    let mut b = doc(
        "b",
        "en",
        &["Last year, the two-way trade reached a record $240.1 billion, officials said on Monday in Beijing."],
    );
    b.outlet = Some("Other Outlet".into());
    // A real difference (250 against 240.1 billion; 240 would be the same figure rounded).
    let c = doc(
        "c",
        "en",
        &["The two-way trade reached $250 billion last year, the ministry said."],
    );
    let mut cands = Vec::new();
    for d in [&a, &b, &c] {
        let e = analyse(d, res());
        let blob = enrich::ClaimCandidate::encode(&e.claim_candidates);
        cands.extend(enrich::ClaimCandidate::decode(&blob));
    }
    let out = claims("ev", &cands);
    let shared = out
        .iter()
        .find(|c| c.sources.len() == 2)
        .expect("a claim made by two documents");
    assert_eq!(shared.sources, ["a", "b"]);
    assert!(!shared.single_source);
    assert!(
        !shared.disagreement.is_empty(),
        "240.1 vs 250 billion: {shared:?}"
    );
    let alone = out
        .iter()
        .find(|c| c.sources == ["c"])
        .expect("c's own claim");
    assert!(alone.single_source);
}

#[test]
fn bad_input_does_not_panic() {
    let long = "Putin said, \"".repeat(2000);
    let inputs: Vec<&str> = vec![
        "",
        "\"",
        "“”«»「」",
        "$",
        "99999999999999999999999999 billion",
        "第一百亿万",
        "·",
        "阿·",
        "Путин «",
        "🙂🙂🙂 said that 🙂",
        &long,
    ];
    for s in inputs {
        for lang in ["en", "zh-Hans", "zh-Hant", "ru", "und"] {
            let _ = analyse(&doc("x", lang, &[s]), res());
        }
    }
    let _ = claims("ev", &[]);
    assert!(enrich::ClaimCandidate::decode("not json").is_empty());
}

#[test]
fn syndicated_passages_of_the_sample_event_are_one_claim() {
    let gold: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("examples/seeds.gold.json")).unwrap(),
    )
    .unwrap();
    let event_docs = [
        "000_21cd010cafc9b1ef",
        "002_27885933036f0cc7",
        "004_48b45f1752d154fa",
    ];
    let mut cands = Vec::new();
    for id in event_docs {
        let a = score::article(&root(), id);
        cands.extend(analyse(&a, res()).claim_candidates);
    }
    let out = claims("E2", &cands);
    let mut found = 0;
    for p in gold["shared_passages"].as_array().unwrap() {
        let text = p["text"].as_str().unwrap();
        let docs: Vec<&str> = p["documents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_str().unwrap())
            .collect();
        let hit = out.iter().any(|c| {
            c.text.contains(text)
                || docs.iter().all(|d| c.sources.iter().any(|s| s == d))
                    && cands
                        .iter()
                        .any(|x| x.text.contains(text) && x.text == c.text)
        });
        if hit {
            found += 1;
        } else {
            eprintln!("not grouped: {text}");
        }
        let grouped = out
            .iter()
            .filter(|c| c.sources.len() > 1)
            .any(|c| docs.iter().all(|d| c.sources.iter().any(|s| s == d)));
        assert!(grouped, "no claim made by {docs:?}");
    }
    assert!(found >= 2, "{found} of 3 shared passages found as claims");
    assert!(out.iter().any(|c| c.single_source));
}

#[test]
fn claims_are_checkable_sentences_grouped_across_languages() {
    let en = doc(
        "en1",
        "en",
        &[
            "Russia and China signed 15 agreements worth $2 billion on Tuesday, Putin said.",
            "The weather in the city was pleasant and many people walked along the river.",
        ],
    );
    let zh = doc(
        "zh1",
        "zh-Hans",
        &[
            "普京表示，俄罗斯和中国签署了15项协议，总额达20亿美元。",
            "这座城市的天气很好，很多人在河边散步。",
        ],
    );
    let ru = doc(
        "ru1",
        "ru",
        &[
            "Путин заявил, что Россия и Китай подписали 15 соглашений на сумму 2 млрд долларов.",
            "Погода в городе была хорошей, и многие гуляли вдоль реки.",
        ],
    );
    let mut other = doc(
        "ru2",
        "ru",
        &["Путин заявил, что Россия и Китай подписали соглашения на сумму 3 млрд долларов."],
    );
    other.outlet = Some("Another".into());
    let mut cands = Vec::new();
    for d in [&en, &zh, &ru, &other] {
        let e = analyse(d, res());
        // The weather sentences state nothing checkable.
        assert_eq!(
            e.claim_candidates.len(),
            1,
            "{}: {:?}",
            d.id,
            e.claim_candidates
        );
        assert_eq!(e.claim_candidates[0].kind, "figure");
        cands.extend(e.claim_candidates);
    }
    let out = claims("ev", &cands);
    let shared = out
        .iter()
        .find(|c| c.sources.len() == 3)
        .unwrap_or_else(|| panic!("en, zh and ru as one claim: {out:?}"));
    assert!(!shared.single_source);
    assert!(
        shared.text.contains("signed"),
        "the English text: {}",
        shared.text
    );
    let alone = out
        .iter()
        .find(|c| c.sources == ["ru2"])
        .expect("the 3 billion claim stands apart");
    assert!(alone.single_source);
    assert!(
        alone.disagreement.iter().any(|f| f.value == 2e9)
            || shared.disagreement.iter().any(|f| f.value == 3e9),
        "2 vs 3 billion flagged: {out:?}"
    );
}

#[test]
fn attributed_speech_groups_across_languages_by_speaker_and_participants() {
    let en = doc(
        "a",
        "en",
        &["\"Russia and China will keep strengthening their cooperation,\" Putin said in Kazan."],
    );
    let ru = doc(
        "b",
        "ru",
        &["«Россия и Китай будут и дальше укреплять сотрудничество», — заявил Путин."],
    );
    let mut cands = Vec::new();
    for d in [&en, &ru] {
        let e = analyse(d, res());
        assert!(
            e.claim_candidates
                .iter()
                .any(|c| c.kind == "quote" && c.speaker.as_deref() == Some("vladimir-putin")),
            "{}: {:?}",
            d.id,
            e.claim_candidates
        );
        cands.extend(e.claim_candidates);
    }
    let out = claims("ev", &cands);
    assert!(
        out.iter().any(|c| c.sources.len() == 2),
        "one claim from both languages: {out:?}"
    );
}

#[test]
fn cities_are_one_place_across_scripts_and_cases() {
    let zh = analyse(
        &doc(
            "zh-city",
            "zh-Hans",
            &["普京周二抵达喀山，随后前往杭州与中方代表会谈。"],
        ),
        res(),
    );
    let ru = analyse(
        &doc(
            "ru-city",
            "ru",
            &[
                "Делегации прибыли в Казань во вторник.",
                "Переговоры в Казани продолжатся, а затем стороны отправятся в Ханчжоу и Сочи.",
                "Глава делегации Владимир Путин заявил, что переговоры России и Китая прошли успешно.",
            ],
        ),
        res(),
    );
    let en = analyse(
        &doc(
            "en-city",
            "en",
            &["The delegations met in Kazan before flying to Hangzhou. Senator Warren said nothing."],
        ),
        res(),
    );
    for (e, kazan, hangzhou) in [
        (&zh, "喀山", "杭州"),
        (&ru, "Казани", "Ханчжоу"),
        (&en, "Kazan", "Hangzhou"),
    ] {
        assert_eq!(entity_id(e, kazan).as_deref(), Some("kazan"), "{kazan}");
        assert_eq!(
            entity_id(e, hangzhou).as_deref(),
            Some("hangzhou"),
            "{hangzhou}"
        );
    }
    assert_eq!(entity_id(&ru, "Казань").as_deref(), Some("kazan"));
    assert_eq!(entity_id(&ru, "Сочи").as_deref(), Some("sochi"));
    // Genitive country names after another one.
    assert_eq!(entity_id(&ru, "России").as_deref(), Some("russia"));
    assert_eq!(entity_id(&ru, "Китая").as_deref(), Some("china"));
    // A city's name used as a first name or a surname stays the person's.
    assert!(
        !ru.entities.iter().any(|x| x.id == "vladimir"),
        "{:?}",
        ru.entities
    );
    assert_eq!(
        entity_id(&ru, "Владимир Путин").as_deref(),
        Some("vladimir-putin")
    );
    let warren = en
        .entities
        .iter()
        .find(|x| x.aliases.values().flatten().any(|a| a.contains("Warren")));
    assert!(
        warren.is_some_and(|w| w.kind == EntityKind::Person),
        "{:?}",
        en.entities
    );
}

/// The same resources without the statistical NER models: what the rules alone find.
fn rules_only() -> &'static Resources {
    static R: OnceLock<Resources> = OnceLock::new();
    R.get_or_init(|| Resources {
        ner: Default::default(),
        ..res().clone()
    })
}

fn kind_of(e: &DocEnrichment, alias: &str) -> Option<EntityKind> {
    e.entities
        .iter()
        .find(|x| x.aliases.values().flatten().any(|a| a == alias))
        .map(|x| x.kind)
}

#[test]
fn russian_ner_finds_names_the_rules_miss() {
    let a = doc(
        "ru-ner",
        "ru",
        &[
            "Переговоры прошли при участии Набиуллиной и Грефа в Коммунарке.",
            "На встрече присутствовали представители Сбербанка и Ростелекома.",
            "Президент России Владимир Путин поблагодарил участников.",
        ],
    );
    let plain = analyse(&a, rules_only());
    let e = analyse(&a, res());
    for (alias, kind) in [
        ("Набиуллиной", EntityKind::Person),
        ("Грефа", EntityKind::Person),
        ("Сбербанка", EntityKind::Organization),
        ("Ростелекома", EntityKind::Organization),
        ("Коммунарке", EntityKind::Place),
    ] {
        assert_eq!(
            entity_id(&plain, alias),
            None,
            "the rules alone find {alias}"
        );
        assert_eq!(kind_of(&e, alias), Some(kind), "{alias}: {:#?}", e.entities);
    }
    // The gazetteer keeps its say: Путин is still the one Putin.
    assert_eq!(
        entity_id(&e, "Владимир Путин").as_deref(),
        Some("vladimir-putin")
    );
}

#[test]
fn chinese_ner_finds_names_the_rules_miss_in_both_scripts() {
    let hans = doc(
        "zh-ner",
        "zh-Hans",
        &["昨天，张伟和刘芳在长沙参加了一场讨论会，普京发来了贺信。"],
    );
    let hant = doc(
        "zh-ner-t",
        "zh-Hant",
        &["昨天，張偉和劉芳在長沙參加了一場討論會，普京發來了賀信。"],
    );
    let plain = analyse(&hans, rules_only());
    let e = analyse(&hans, res());
    let t = analyse(&hant, res());
    for (s, tr, id) in [("张伟", "張偉", "zhang-wei"), ("刘芳", "劉芳", "liu-fang")] {
        assert_eq!(entity_id(&plain, s), None, "the rules alone find {s}");
        assert_eq!(entity_id(&e, s).as_deref(), Some(id), "{:#?}", e.entities);
        assert_eq!(entity_id(&t, tr).as_deref(), Some(id), "{:#?}", t.entities);
        assert_eq!(kind_of(&e, s), Some(EntityKind::Person));
    }
    assert_eq!(entity_id(&e, "普京").as_deref(), Some("vladimir-putin"));
    assert_eq!(entity_id(&t, "普京").as_deref(), Some("vladimir-putin"));
}

// ---------------------------------------------------------------- bounded work on hostile text
// (issue 17: memory and time per document grow about linearly, and stop growing at the caps).

/// `n` copies of `unit` joined by spaces, as one paragraph.
fn repeated(unit: &str, n: usize) -> String {
    vec![unit; n].join(" ")
}

#[test]
fn a_repeated_figure_sentence_gives_each_figure_once() {
    // Each copy used to take the figures of every copy (matched by sentence text): the claim
    // candidates held n² figures, and 256 KB of this took over 2 GB.
    let unit = "Two-way trade reached $240.1 billion in 2023, up 26.3 percent, with 1,200 \
                tonnes of grain and 187,000 tourists, Putin said.";
    let text = repeated(unit, 150);
    let e = analyse(&doc("figures", "en", &[&text]), rules_only());
    assert!(e.facts.len() >= 150, "{} facts", e.facts.len());
    let figures: usize = e.claim_candidates.iter().map(|c| c.figures.len()).sum();
    assert!(
        figures <= e.facts.len(),
        "{figures} figures in candidates for {} facts",
        e.facts.len()
    );
    // A sentence the document repeats word for word is one statement.
    assert_eq!(
        e.claim_candidates.len(),
        1,
        "{:?}",
        e.claim_candidates.len()
    );
}

#[test]
fn figures_and_claim_candidates_stop_at_their_caps() {
    // Distinct sentences of one figure each: more than MAX_FACTS figures, and more than
    // MAX_CANDIDATES checkable sentences before the figures stop.
    let n = enrich::MAX_FACTS + 100;
    const { assert!(enrich::MAX_FACTS > enrich::MAX_CANDIDATES) };
    let paras: Vec<String> = (0..n)
        .map(|i| format!("Exports of grain rose {i} percent in the quarter, officials noted."))
        .collect();
    let paras: Vec<&str> = paras.iter().map(String::as_str).collect();
    let e = analyse(&doc("caps", "en", &paras), rules_only());
    assert_eq!(e.facts.len(), enrich::MAX_FACTS);
    assert_eq!(e.claim_candidates.len(), enrich::MAX_CANDIDATES);
    for cap in ["MAX_FACTS", "MAX_CANDIDATES"] {
        assert!(
            e.capped.iter().any(|c| c.contains(cap)),
            "no note for {cap}: {:?}",
            e.capped
        );
    }
    // The candidates are the first sentences, in text order.
    assert!(e.claim_candidates[0].text.contains("rose 0 percent"));
}

#[test]
fn repeated_chinese_quotes_stop_at_the_cap() {
    // One paragraph of a quoted, attributed sentence repeated: quote detection was quadratic
    // in it (11 s at 512 KB); now it is read in paragraphs of bounded size and keeps at most
    // MAX_QUOTES quotes.
    let unit = "普京表示：“中俄贸易额达到2401亿美元，同比增长百分之二十六，双方将继续合作。”";
    let text: String = unit.repeat(enrich::MAX_QUOTES + 200);
    let e = analyse(&doc("zh-quotes", "zh-Hans", &[&text]), rules_only());
    assert_eq!(e.quotes.len(), enrich::MAX_QUOTES, "{:?}", e.capped);
    assert!(e
        .quotes
        .iter()
        .all(|q| q.direct && q.text.starts_with("中俄")));
    assert!(
        e.capped.iter().any(|c| c.contains("MAX_QUOTES")),
        "{:?}",
        e.capped
    );
    assert!(
        e.capped.iter().any(|c| c.contains("MAX_PARA_BYTES")),
        "{:?}",
        e.capped
    );
    // The quote finder alone, without entities, stops at the same cap.
    let alone = enrich::quotes_only(&doc("zh-quotes", "zh-Hans", &[&text]));
    assert_eq!(alone.len(), enrich::MAX_QUOTES);
}

#[test]
fn sentences_read_stop_at_the_cap() {
    let text = repeated("Officials met again on Tuesday in the capital.", 400);
    let paras: Vec<&str> = vec![text.as_str(); enrich::MAX_SENTENCES / 400 + 3];
    let e = analyse(&doc("many", "en", &paras), rules_only());
    assert!(
        e.capped.iter().any(|c| c.contains("MAX_SENTENCES")),
        "{:?}",
        e.capped
    );
}

#[test]
fn hostile_text_stays_within_the_caps() {
    let giant: String = (0..20_000)
        .map(|i| ["trade", "Putin", "said", "Moscow", "grew", "9 percent"][i % 6])
        .collect::<Vec<_>>()
        .join(" ");
    let digits = format!(
        "{} percent, and $ {} billion.",
        "7".repeat(400),
        "3".repeat(400)
    );
    let inputs: Vec<(&str, String)> = vec![
        ("en", giant),
        ("en", "Vladimir Putin ".repeat(8000)),
        (
            "en",
            "“ said Xi « he told the Global Times \" and 「 ".repeat(2000),
        ),
        ("en", digits.repeat(100)),
        ("zh-Hans", "亿亿亿万".repeat(20_000)),
        (
            "zh-Hans",
            "中国俄罗斯贸易合作表示习近平普京会见".repeat(5000),
        ),
        (
            "en",
            format!(
                "{}Putin said 5 percent{}",
                "([{".repeat(5000),
                ")]}".repeat(4000)
            ),
        ),
    ];
    for (lang, text) in &inputs {
        let e = analyse(&doc("hostile", lang, &[text]), rules_only());
        let what = &text[..text.char_indices().nth(20).map_or(text.len(), |(i, _)| i)];
        assert!(e.quotes.len() <= enrich::MAX_QUOTES, "{what}");
        assert!(e.facts.len() <= enrich::MAX_FACTS, "{what}");
        assert!(e.claim_candidates.len() <= enrich::MAX_CANDIDATES, "{what}");
        assert!(
            e.doc_entities.mentions.len() <= enrich::MAX_MENTIONS,
            "{what}"
        );
        assert!(
            e.facts
                .iter()
                .all(|f| f.text.len() <= enrich::MAX_SENTENCE_BYTES),
            "{what}: a fact keeps a sentence longer than MAX_SENTENCE_BYTES"
        );
        let figures: usize = e.claim_candidates.iter().map(|c| c.figures.len()).sum();
        assert!(figures <= e.facts.len(), "{what}");
    }
}

#[test]
fn a_speaker_is_never_a_pronoun_or_punctuation() {
    // A pronoun with nobody named before it stays unknown; after a named speaker it is that one.
    let e = enrich::quotes_only(&doc(
        "pronoun",
        "en",
        &[
            "\"We will not stop until the work is done,\" he said on Monday.",
            "\"The plan is ready for the whole city now,\" said Maria Lopez, the mayor.",
            "\"It will work for everyone who lives in the city,\" he said.",
        ],
    ));
    assert_eq!(e.len(), 3, "{e:?}");
    for q in &e {
        let s = q.quote.speaker.as_deref().unwrap_or("");
        assert!(
            !matches!(
                s.to_lowercase().as_str(),
                "he" | "she" | "it" | "they" | "''"
            ),
            "{e:?}"
        );
    }
    assert_eq!(e[0].quote.speaker, None, "{e:?}");
    assert_eq!(e[1].quote.speaker, e[2].quote.speaker, "{e:?}");
    assert!(e[2].quote.speaker.is_some(), "{e:?}");
}

#[test]
fn one_person_across_scripts_read_by_sound() {
    let en = analyse(
        &doc(
            "en",
            "en",
            &["Donald Trump said on Monday that the talks would go on."],
        ),
        res(),
    );
    let id = entity_id(&en, "Donald Trump").expect("English name");
    for (lang, text, alias) in [
        (
            "ja",
            "ドナルド・トランプ大統領は月曜日、協議を続けると述べた。",
            "ドナルド・トランプ",
        ),
        (
            "ko",
            "도널드 트럼프 대통령은 월요일 협상을 계속하겠다고 말했다.",
            "도널드 트럼프",
        ),
        (
            "ar",
            "قال دونالد ترامب يوم الاثنين إن المحادثات ستستمر.",
            "دونالد ترامب",
        ),
        (
            "ru",
            "Дональд Трамп заявил в понедельник, что переговоры продолжатся.",
            "Дональд Трамп",
        ),
    ] {
        let e = analyse(&doc(lang, lang, &[text]), res());
        assert_eq!(entity_id(&e, alias).as_deref(), Some(id.as_str()), "{lang}");
    }
}

#[test]
fn ordinary_words_of_other_scripts_are_not_names() {
    // Korean words whose consonants sound like gazetteer names (Jimsar, Gonggar), a katakana
    // word that begins with a country's name (タイ in タイムズ), a French article at a sentence
    // start (Le, the one-word name of a person CEDICT knows).
    for (lang, text) in [
        ("ko", "그는 진술을 거부했고 경기를 보았다."),
        ("ja", "タイムズ紙のスペースによると、サービスは続く。"),
        ("fr", "Le président a parlé. Le texte est long."),
    ] {
        let e = analyse(&doc(lang, lang, &[text]), res());
        assert!(e.entities.is_empty(), "{lang}: {:?}", e.entities);
    }
}

#[test]
fn place_names_after_a_clitic_and_short_forms_from_the_packs() {
    // بالصين: "in China", the clitic ب and the article ال before الصين.
    let ar = analyse(&doc("ar", "ar", &["وتحدث الوزير بالصين أمس."]), res());
    assert_eq!(entity_id(&ar, "الصين").as_deref(), Some("china"));
    // EE.UU. (es) and ABD (tr) are the United States (names.alias).
    let es = analyse(
        &doc("es", "es", &["EE.UU. anunció nuevas sanciones."]),
        res(),
    );
    assert!(
        es.entities.iter().any(|x| x.id == "united-states"),
        "{:?}",
        es.entities
    );
    let tr = analyse(&doc("tr", "tr", &["ABD yeni yaptırımlar açıkladı."]), res());
    assert_eq!(entity_id(&tr, "ABD").as_deref(), Some("united-states"));
    // American is an adjective, not the place.
    let en = analyse(
        &doc("en2", "en", &["American officials met on Monday."]),
        res(),
    );
    assert!(
        !en.entities.iter().any(|e| e.name == "American"),
        "{:?}",
        en.entities
    );
}
