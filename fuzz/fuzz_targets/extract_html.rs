//! Bytes as a fetched page: decoded as ingest decodes them, then extracted and split into
//! language segments. Nothing may panic, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use model::{Content, RawDocument, RawMeta};

fuzz_target!(|data: &[u8]| {
    let decoded = ingest::decode(data, None);
    let raw = RawDocument {
        id: "fuzz".into(),
        source: "fuzz.html".into(),
        content: Content::Html(decoded.text),
        meta: RawMeta::default(),
        encoding: decoded.encoding.into(),
    };
    let article = extract::extract(&raw);
    let _ = lang::segment(&article.paragraphs);
});
