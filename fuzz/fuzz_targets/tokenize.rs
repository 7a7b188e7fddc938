//! Any text through the encoder's SentencePiece tokenizer (its public `tokenize`); nothing may
//! panic. Needs the model in the storyline cache (`STORYLINE_CACHE`).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn encoder() -> &'static embed::Encoder {
    static ENCODER: OnceLock<embed::Encoder> = OnceLock::new();
    ENCODER.get_or_init(|| {
        embed::Encoder::from_cache(&assets::Cache::from_env())
            .expect("the encoder model is in the storyline cache")
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let ids = encoder().tokenize(&text);
    let _ = ids.len();
});
