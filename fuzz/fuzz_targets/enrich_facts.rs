//! Any text through the figure finder alone (`enrich::facts_only`), in a language chosen by
//! the first byte; nothing may panic and the facts stay within `MAX_FACTS`.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod article;

fuzz_target!(|data: &[u8]| {
    let facts = enrich::facts_only(&article::from_bytes(data));
    assert!(facts.len() <= enrich::MAX_FACTS);
    assert!(facts
        .iter()
        .all(|f| f.text.len() <= enrich::MAX_SENTENCE_BYTES));
});
