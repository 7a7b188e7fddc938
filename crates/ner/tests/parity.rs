//! Parity with the Python packages: for our own Russian and Chinese sentences
//! (`fixtures/sentences.json`), `fixtures/ner-reference.json` holds the words, tags and spans
//! natasha/slovnet and jiagu produce (`fixtures/regenerate.py` rewrites it). The models are
//! fetched through the asset cache on first use, as the encoder's tests fetch theirs.

use std::sync::OnceLock;

use serde_json::Value;

fn models() -> &'static ner::Ner {
    static NER: OnceLock<ner::Ner> = OnceLock::new();
    NER.get_or_init(|| {
        let (ner, errors) = ner::Ner::load(&assets::Cache::configured());
        if let Some(e) = errors.first() {
            panic!("cannot load the NER models: {e}");
        }
        ner
    })
}

fn reference() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ner-reference.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn russian_tags_words_and_spans_equal_natasha() {
    let ru = models().ru().unwrap();
    let mut n = 0;
    for case in reference().iter().filter(|c| c["lang"] == "ru") {
        let text = case["text"].as_str().unwrap();
        let words = strings(&case["words"]);
        let tokens: Vec<&str> = ner::razdel_tokens(text)
            .into_iter()
            .map(|t| &text[t.range])
            .collect();
        assert_eq!(tokens, words, "razdel tokens of {text}");
        assert_eq!(ru.tags(&words), strings(&case["tags"]), "tags of {text}");
        let spans: Vec<(String, String)> = ru
            .spans(text)
            .into_iter()
            .map(|s| {
                (
                    text[s.start..s.end].to_string(),
                    s.kind.as_str().to_string(),
                )
            })
            .collect();
        let expected: Vec<(String, String)> = case["spans"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s[0].as_str().unwrap().to_string(),
                    s[1].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(spans, expected, "spans of {text}");
        n += 1;
    }
    assert!(n >= 5, "only {n} Russian cases");
}

#[test]
fn chinese_words_and_tags_equal_jiagu() {
    let zh = models().zh().unwrap();
    let mut n = 0;
    for case in reference().iter().filter(|c| c["lang"] == "zh") {
        let text = case["text"].as_str().unwrap();
        let words = strings(&case["words"]);
        let seg: Vec<&str> = zh.segment(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(seg, words, "jiagu.seg of {text}");
        assert_eq!(zh.tags(&words), strings(&case["tags"]), "tags of {text}");
        n += 1;
    }
    assert!(n >= 5, "only {n} Chinese cases");
}

#[test]
fn empty_and_odd_input_does_not_panic() {
    let m = models();
    for text in [
        "",
        " ",
        "\r\n",
        "—",
        "…?!",
        "a",
        "1",
        "😀 Путин 😀",
        "\u{0}",
    ] {
        let _ = m.ru().unwrap().spans(text);
        let _ = m.zh().unwrap().spans(text);
    }
}

#[test]
fn russian_batch_equals_one_text_at_a_time() {
    let ru = models().ru().unwrap();
    let cases = reference();
    let mut texts: Vec<&str> = cases
        .iter()
        .filter(|c| c["lang"] == "ru")
        .map(|c| c["text"].as_str().unwrap())
        .collect();
    // Empty and one-word texts between the others: nothing may leak across a boundary.
    texts.insert(1, "");
    texts.insert(3, "Москва");
    let one_by_one: Vec<Vec<ner::Span>> = texts.iter().map(|t| ru.spans(t)).collect();
    assert!(one_by_one.iter().any(|s| !s.is_empty()));
    assert_eq!(ru.spans_many(&texts), one_by_one);
    assert!(ru.spans_many(&[]).is_empty());
}
