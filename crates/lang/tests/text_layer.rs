//! The text layer's public behaviour: the sample articles' language segments, script decisions,
//! conversion, normalisation, sentences, words, CEDICT parsing and name romanisation, and bad
//! input (empty, emoji, huge, broken, mixed) that must not panic.

use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Paragraphs of a plain-text file: blocks separated by blank lines.
fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

#[test]
fn sample_articles_have_the_gold_languages_in_order() {
    let root = repo_root();
    let gold: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("examples/seeds.gold.json")).unwrap(),
    )
    .unwrap();
    let docs = gold["documents"].as_object().unwrap();
    assert_eq!(docs.len(), 5);
    for (id, doc) in docs {
        let want: Vec<String> = doc["languages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        let text = std::fs::read_to_string(root.join(format!("examples/seeds/{id}.txt"))).unwrap();
        let segments = lang::segment(&paragraphs(&text));
        let got: Vec<String> = segments.iter().map(|s| s.lang.clone()).collect();
        assert_eq!(got, want, "{id}");
    }
}
