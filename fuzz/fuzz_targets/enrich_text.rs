//! Any text as an article's clean text through the whole of enrichment (entities, quotes,
//! facts, claim candidates), in a language chosen by the first byte; nothing may panic, and
//! what a document gives stays within enrichment's caps. Needs enrichment's resources in the
//! storyline cache (`STORYLINE_CACHE`), as the tests do.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod article;

fuzz_target!(|data: &[u8]| {
    let article = article::from_bytes(data);
    let e = enrich::analyse(&article, enrich::Resources::shared());
    assert!(e.quotes.len() <= enrich::MAX_QUOTES);
    assert!(e.facts.len() <= enrich::MAX_FACTS);
    assert!(e.claim_candidates.len() <= enrich::MAX_CANDIDATES);
    assert!(e.doc_entities.mentions.len() <= enrich::MAX_MENTIONS);
    let figures: usize = e.claim_candidates.iter().map(|c| c.figures.len()).sum();
    assert!(figures <= e.facts.len(), "a figure given to two sentences");
    let _ = enrich::ClaimCandidate::encode(&e.claim_candidates);
});
