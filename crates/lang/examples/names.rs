//! Load the full text layer (OpenCC package dictionaries + CC-CEDICT names) and show what it does
//! with Chinese names: jieba's cut with and without the CEDICT user dictionary, and English names.
//!
//! `cargo run --release -p lang --example names -- [TEXT...]`

use std::time::Instant;

fn main() {
    let t = Instant::now();
    let (layer, cedict) = match lang::TextLayer::load() {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    println!(
        "loaded in {:?}: {} CEDICT entries ({} skipped lines, {} proper names), {} names added to jieba",
        t.elapsed(),
        cedict.len(),
        cedict.skipped(),
        cedict.proper_names().count(),
        layer.names_added()
    );
    let mut texts: Vec<String> = std::env::args().skip(1).collect();
    if texts.is_empty() {
        texts = vec![
            "习近平在喀山同普京举行会晤，金砖国家领导人出席。".into(),
            "習近平同俄羅斯總統普京舉行會晤".into(),
            "莫斯科国立大学亚非学院院长阿列克谢·马斯洛夫".into(),
        ];
    }
    for text in &texts {
        println!("{text}");
        println!("  plain jieba: {:?}", lang::words(text));
        println!("  with CEDICT: {:?}", layer.words(text));
    }
    for name in [
        "习近平",
        "習近平",
        "普京",
        "普丁",
        "喀山",
        "金砖国家",
        "王毅",
        "蔡奇",
        "李海东",
        "欧阳修",
        "马斯洛夫",
    ] {
        println!("{name} → {:?}", cedict.english_name(name));
    }
}
