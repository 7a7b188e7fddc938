//! Print what extraction makes of one file (HTML, optionally gzipped, or `.txt`):
//! `cargo run --release -p extract --example extract_dump -- PAGE [URL]`.

use model::{Content, RawDocument, RawMeta};
use std::io::Read;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: dump PAGE [URL]");
        std::process::exit(2);
    };
    let url = args.next();
    let mut bytes = Vec::new();
    let f = std::fs::File::open(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(2)
    });
    let res = if path.ends_with(".gz") {
        flate2::read::GzDecoder::new(f).read_to_end(&mut bytes)
    } else {
        std::io::BufReader::new(f).read_to_end(&mut bytes)
    };
    if let Err(e) = res {
        eprintln!("{path}: {e}");
        std::process::exit(2);
    }
    let text = ingest::decode(&bytes, None).text;
    let content = if path.ends_with(".txt") {
        Content::Text(text)
    } else {
        Content::Html(text)
    };
    let raw = RawDocument {
        id: path.clone(),
        source: path.clone(),
        content,
        meta: RawMeta {
            url,
            ..RawMeta::default()
        },
        encoding: String::new(),
    };
    if std::env::var_os("DUMP_BLOCKS").is_some() {
        print!("{}", extract::debug_html(raw.content.as_str()));
    }
    let a = extract::extract(&raw);
    println!("title:     {:?}", a.title);
    println!("published: {:?}", a.published);
    println!("outlet:    {:?}", a.outlet);
    println!("byline:    {:?}", a.byline);
    println!("editor:    {:?}", a.editor);
    println!("dateline:  {:?}", a.dateline);
    println!("diag:      {:?}", a.diagnostics);
    println!("---");
    for p in &a.paragraphs {
        println!("{p}");
    }
}
