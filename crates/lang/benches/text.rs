//! Throughput of the text layer on the sample articles: segmentation (language + script per
//! paragraph), the normalised view, and words (jieba for Chinese).
//!
//! `cargo bench -p lang --bench text`

use std::path::Path;

use divan::counter::BytesCount;
use divan::Bencher;

fn main() {
    divan::main();
}

/// The sample articles as paragraphs.
fn seeds() -> Vec<Vec<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/seeds");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .map(|t| {
            t.split("\n\n")
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect()
        })
        .collect()
}

fn bytes(docs: &[Vec<String>]) -> usize {
    docs.iter().flatten().map(String::len).sum()
}

#[divan::bench]
fn segment(bencher: Bencher) {
    let docs = seeds();
    let _ = lang::segment(&docs[0]);
    bencher
        .counter(BytesCount::new(bytes(&docs)))
        .bench(|| docs.iter().map(|d| lang::segment(d).len()).sum::<usize>());
}

#[divan::bench]
fn normalize(bencher: Bencher) {
    let docs = seeds();
    let _ = lang::normalize("預熱");
    bencher.counter(BytesCount::new(bytes(&docs))).bench(|| {
        docs.iter()
            .flatten()
            .map(|p| lang::normalize(p).len())
            .sum::<usize>()
    });
}

#[divan::bench]
fn words(bencher: Bencher) {
    let docs = seeds();
    let _ = lang::words("预热");
    bencher.counter(BytesCount::new(bytes(&docs))).bench(|| {
        docs.iter()
            .flatten()
            .map(|p| lang::words(p).len())
            .sum::<usize>()
    });
}

#[divan::bench]
fn sentences(bencher: Bencher) {
    let docs = seeds();
    bencher.counter(BytesCount::new(bytes(&docs))).bench(|| {
        docs.iter()
            .flatten()
            .map(|p| lang::sentences(p, "und").len())
            .sum::<usize>()
    });
}
