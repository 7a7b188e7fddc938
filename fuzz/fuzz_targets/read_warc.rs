//! Bytes as a .warc file, read through ingest's public reader (the only way in: the format
//! readers are private), every record drained. Errors are fine; panics are not.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("storyline-fuzz-{}.warc", std::process::id()));
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let opts = ingest::Options {
        max_document_bytes: 1 << 20,
    };
    for item in ingest::read_paths(&[path], opts) {
        let _ = item;
    }
});
