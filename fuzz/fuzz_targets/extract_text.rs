//! Bytes as text a scraper extracted: extracted and split into language segments.
#![no_main]

use libfuzzer_sys::fuzz_target;
use model::{Content, RawDocument, RawMeta};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let raw = RawDocument {
        id: "fuzz".into(),
        source: "fuzz.txt".into(),
        content: Content::Text(text),
        meta: RawMeta {
            title: Some("fuzz".into()),
            ..RawMeta::default()
        },
        encoding: "UTF-8".into(),
    };
    let article = extract::extract(&raw);
    let _ = lang::segment(&article.paragraphs);
});
