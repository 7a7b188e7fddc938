//! Claims counted by independent sources, and figures that disagree, on small hand-written
//! multi-outlet events: a translation is one source with its original, two outlets are two, a
//! credited wire copy collapses into the agency, rounding is no disagreement and a real
//! difference, or a figure a translation changed, is flagged with each source's value.

use std::sync::OnceLock;

use enrich::{analyse, claims, ClaimCandidate, Resources};
use model::{Article, Claim, Segment};

fn res() -> &'static Resources {
    static R: OnceLock<Resources> = OnceLock::new();
    R.get_or_init(Resources::load)
}

fn doc(id: &str, lang: &str, outlet: Option<&str>, paragraphs: &[&str]) -> Article {
    Article {
        id: id.into(),
        outlet: outlet.map(str::to_string),
        paragraphs: paragraphs.iter().map(|p| p.to_string()).collect(),
        segments: vec![Segment {
            lang: lang.into(),
            text: paragraphs.join("\n\n"),
        }],
        ..Article::default()
    }
}

/// The candidates of `d` as the store keeps them, with the origin a commit sets on a version.
fn candidates(d: &Article, origin: Option<&str>) -> Vec<ClaimCandidate> {
    let e = analyse(d, res());
    let mut list = ClaimCandidate::decode(&ClaimCandidate::encode(&e.claim_candidates));
    for c in &mut list {
        c.origin = origin.map(str::to_string);
    }
    list
}

fn made_by<'a>(out: &'a [Claim], document: &str) -> Vec<&'a Claim> {
    out.iter()
        .filter(|c| c.sources.iter().any(|s| s == document))
        .collect()
}

const EN: &[&str] = &[
    "Rescuers searched the rubble through the night after the earthquake.",
    "The earthquake killed 1,500 people in the province of Anatolia, the governor's office said on Tuesday.",
    "Schools will stay closed for the rest of the week.",
];

const DE: &[&str] = &[
    "Die Retter suchten nach dem Erdbeben die ganze Nacht in den Trümmern.",
    "Das Erdbeben tötete 1.500 Menschen in der Provinz Anatolien, teilte das Büro des Gouverneurs am Dienstag mit.",
    "Die Schulen bleiben für den Rest der Woche geschlossen.",
];

#[test]
fn a_translation_is_one_source_with_its_original() {
    let mut cands = candidates(&doc("en", "en", Some("Daily Alpha"), EN), None);
    // Another outlet's translation, linked to its original (translation_of).
    cands.extend(candidates(
        &doc("de", "de", Some("Tagesblatt Beta"), DE),
        Some("en"),
    ));
    let out = claims("ev", &cands);
    let toll = made_by(&out, "en")
        .into_iter()
        .find(|c| c.text.contains("1,500"))
        .unwrap_or_else(|| panic!("the toll claim: {out:?}"));
    assert_eq!(toll.sources, ["en", "de"], "{out:?}");
    assert_eq!(toll.independent_sources, 1);
    assert!(toll.single_source);
    assert_eq!(toll.outlets.len(), 2);
    assert_eq!(toll.evidence.len(), 2);
    assert_eq!(toll.evidence[1].lang, "de");
    assert!(toll.evidence[1].text.contains("1.500"));
    assert!(toll.disagreement.is_empty(), "{toll:?}");
}

#[test]
fn two_outlets_are_two_sources_and_lead_the_list() {
    let a = doc("a", "en", Some("Daily Alpha"), EN);
    let b = doc(
        "b",
        "en",
        Some("Evening Gamma"),
        &[
            "Schools in the region will open again next month.",
            "The earthquake killed 1,500 people in the province of Anatolia, the governor's office said.",
        ],
    );
    let mut cands = candidates(&a, None);
    cands.extend(candidates(&b, None));
    let out = claims("ev", &cands);
    assert_eq!(out[0].sources, ["a", "b"], "{out:?}");
    assert_eq!(out[0].independent_sources, 2);
    assert!(!out[0].single_source);
    assert!(out[1..].iter().all(|c| c.independent_sources <= 1));
}

#[test]
fn a_credited_wire_copy_collapses_into_the_agency() {
    let wire = doc(
        "wire",
        "en",
        Some("Reuters"),
        &[
            "ANKARA (Reuters) - The earthquake killed 1,500 people in the province of Anatolia, the governor's office said.",
        ],
    );
    let copy = doc(
        "copy",
        "en",
        Some("Evening Gamma"),
        &[
            "ANKARA (Reuters) - The earthquake killed 1,500 people in the province of Anatolia, the governor's office said on Tuesday.",
        ],
    );
    let zh = doc(
        "zh",
        "zh-Hans",
        Some("某某晚报"),
        &["据路透社报道，安纳托利亚省发生地震，造成1500人死亡，省长办公室周二表示。"],
    );
    let mut cands = candidates(&wire, None);
    cands.extend(candidates(&copy, None));
    cands.extend(candidates(&zh, None));
    assert!(
        cands.iter().all(|c| c.wire.as_deref() == Some("reuters")),
        "{cands:?}"
    );
    let out = claims("ev", &cands);
    let toll = out
        .iter()
        .find(|c| c.sources.len() >= 2)
        .unwrap_or_else(|| panic!("the copies make one claim: {out:?}"));
    assert_eq!(toll.independent_sources, 1, "{toll:?}");
    assert!(toll.single_source);
}

#[test]
fn rounding_is_no_disagreement_and_a_real_difference_is() {
    let exact = doc(
        "exact",
        "en",
        Some("Daily Alpha"),
        &["The earthquake killed 2,314 people in the province of Anatolia, the governor's office said."],
    );
    let round = doc(
        "round",
        "en",
        Some("Evening Gamma"),
        &["The earthquake killed about 2,300 people in the province of Anatolia, officials said."],
    );
    let mut cands = candidates(&exact, None);
    cands.extend(candidates(&round, None));
    let out = claims("ev", &cands);
    assert!(
        out.iter().all(|c| c.disagreement.is_empty()),
        "2,314 against about 2,300 is rounding: {out:?}"
    );

    let other = doc(
        "other",
        "en",
        Some("Morning Delta"),
        &["The earthquake killed 1,500 people in the province of Anatolia, officials said."],
    );
    cands.extend(candidates(&other, None));
    let out = claims("ev", &cands);
    let flagged = out
        .iter()
        .find(|c| !c.disagreement.is_empty())
        .unwrap_or_else(|| panic!("1,500 against 2,300 is flagged: {out:?}"));
    let values: Vec<f64> = flagged.disagreement.iter().map(|f| f.value).collect();
    assert!(values.contains(&1500.0), "{values:?}");
    let other_side = flagged
        .disagreement
        .iter()
        .find(|f| f.value != 1500.0)
        .expect("the other value");
    assert!(other_side
        .sources
        .iter()
        .any(|s| s == "exact" || s == "round"));
}

#[test]
fn a_figure_a_translation_changed_is_flagged() {
    let mut cands = candidates(&doc("en", "en", Some("Daily Alpha"), EN), None);
    let changed: Vec<String> = DE.iter().map(|p| p.replace("1.500", "2.500")).collect();
    let changed: Vec<&str> = changed.iter().map(String::as_str).collect();
    cands.extend(candidates(
        &doc("de", "de", Some("Tagesblatt Beta"), &changed),
        Some("en"),
    ));
    let out = claims("ev", &cands);
    let flagged: Vec<&Claim> = out.iter().filter(|c| !c.disagreement.is_empty()).collect();
    assert_eq!(flagged.len(), 1, "{out:?}");
    let d = &flagged[0].disagreement;
    assert!(
        d.iter().any(|f| f.value == 1500.0 && f.sources == ["en"]),
        "{d:?}"
    );
    assert!(
        d.iter().any(|f| f.value == 2500.0 && f.sources == ["de"]),
        "{d:?}"
    );
}

#[test]
fn a_credit_only_a_version_words_is_no_second_source() {
    // The toll past the first two paragraphs, where a credit is the sentence's, not the
    // document's.
    let original = [
        EN[0],
        EN[2],
        "Officials gave no other figures on Tuesday.",
        "The earthquake killed 1,500 people in the province of Anatolia, the governor's office said.",
    ];
    let mut cands = candidates(&doc("en", "en", Some("Daily Alpha"), &original), None);
    // A version whose translator credited the toll to an agency the original does not name.
    let version = [
        EN[0],
        EN[2],
        "Officials gave no other figures on Tuesday.",
        "The earthquake killed 1,500 people in the province of Anatolia, according to Reuters.",
    ];
    cands.extend(candidates(
        &doc("en-v", "en", Some("Daily Alpha"), &version),
        Some("en"),
    ));
    let out = claims("ev", &cands);
    let toll = made_by(&out, "en")
        .into_iter()
        .find(|c| c.text.contains("1,500") && c.sources.iter().any(|s| s == "en-v"))
        .unwrap_or_else(|| panic!("the toll claim of both versions: {out:?}"));
    assert_eq!(toll.independent_sources, 1, "{toll:?}");
}
