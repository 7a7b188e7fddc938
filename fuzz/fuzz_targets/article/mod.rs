//! The article the enrichment targets read: the first byte chooses the language label of its
//! one segment (a label the text may well contradict, as real labels sometimes do), the rest
//! is its text, paragraphs split at blank lines.

use model::{Article, Segment};

/// Language labels the text layer gives, and none (enrichment then guesses per paragraph).
const LANGS: &[&str] = &["en", "zh-Hans", "zh-Hant", "ru", "und", "de", ""];

pub fn from_bytes(data: &[u8]) -> Article {
    let (lang, text) = match data.split_first() {
        Some((&b, rest)) => (LANGS[b as usize % LANGS.len()], rest),
        None => ("en", data),
    };
    let text = String::from_utf8_lossy(text).into_owned();
    let paragraphs: Vec<String> = text.split("\n\n").map(str::to_string).collect();
    Article {
        id: "fuzz".into(),
        segments: if lang.is_empty() {
            Vec::new()
        } else {
            vec![Segment {
                lang: lang.into(),
                text,
            }]
        },
        paragraphs,
        ..Article::default()
    }
}
