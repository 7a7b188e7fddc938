//! Throughput of extraction on a folder tree of HTML pages (`.html`, `.htm`, optionally `.gz`):
//! `cargo run --release -p extract --example extract_bench -- DIR... [--list FILE]`.
//! Pages are read and decoded first; only `extract::extract` is timed, on one thread and on all
//! cores. `--list FILE` writes the page paths used, so another tool can time the same pages.

use model::{Content, RawDocument, RawMeta};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else {
                let name = p.to_string_lossy();
                if name.ends_with(".html")
                    || name.ends_with(".htm")
                    || name.ends_with(".html.gz")
                    || name.ends_with(".htm.gz")
                {
                    out.push(p);
                }
            }
        }
    }
}

fn load(p: &Path) -> Option<String> {
    let f = std::fs::File::open(p).ok()?;
    let mut b = Vec::new();
    if p.extension().is_some_and(|e| e == "gz") {
        flate2::read::GzDecoder::new(f).read_to_end(&mut b).ok()?;
    } else {
        std::io::BufReader::new(f).read_to_end(&mut b).ok()?;
    }
    Some(ingest::decode(&b, None).text)
}

fn main() {
    let mut dirs = Vec::new();
    let mut list = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--list" {
            list = args.next();
        } else {
            dirs.push(PathBuf::from(a));
        }
    }
    let mut files = Vec::new();
    for d in &dirs {
        walk(d, &mut files);
    }
    files.sort();
    if let Some(l) = list {
        if let Ok(mut f) = std::fs::File::create(&l) {
            for p in &files {
                let _ = writeln!(f, "{}", p.display());
            }
        }
    }
    let docs: Vec<RawDocument> = files
        .iter()
        .filter_map(|p| {
            Some(RawDocument {
                id: p.display().to_string(),
                source: p.display().to_string(),
                content: Content::Html(load(p)?),
                meta: RawMeta::default(),
                encoding: String::new(),
            })
        })
        .collect();
    let bytes: usize = docs.iter().map(|d| d.content.as_str().len()).sum();
    let t = Instant::now();
    let cpu0 = thread_cpu_secs();
    let mut chars = 0usize;
    for d in &docs {
        chars += extract::extract(d).text().len();
    }
    let one = t.elapsed().as_secs_f64().max(1e-9);
    let cpu = thread_cpu_secs().zip(cpu0).map(|(b, a)| b - a);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let t = Instant::now();
    std::thread::scope(|s| {
        for chunk in docs.chunks(docs.len().div_ceil(threads).max(1)) {
            s.spawn(move || {
                chunk
                    .iter()
                    .map(|d| extract::extract(d).paragraphs.len())
                    .sum::<usize>()
            });
        }
    });
    let all = t.elapsed().as_secs_f64().max(1e-9);
    println!(
        "storyline: {} pages, {:.1} MB, {} chars out; 1 thread {:.1} pages/s; {threads} threads {:.1} pages/s",
        docs.len(),
        bytes as f64 / 1e6,
        chars,
        docs.len() as f64 / one,
        docs.len() as f64 / all
    );
    // On a shared machine wall time depends on the neighbours; CPU time of the one-thread run
    // per page does not (much).
    if let Some(c) = cpu {
        println!(
            "storyline cpu: {:.3} ms per page (one thread, CPU time)",
            c * 1e3 / docs.len().max(1) as f64
        );
    }
}

/// CPU time of this thread so far, in seconds (Linux: `/proc/thread-self/schedstat`, whose
/// first field is nanoseconds on a CPU); `None` elsewhere.
fn thread_cpu_secs() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}
