//! Print what enrichment finds in sample articles: entities with aliases, quotes, facts.
//!
//! ```sh
//! cargo run -p enrich --example enrich_dump -- 000_21cd010cafc9b1ef
//! ```

use std::path::Path;

#[path = "../tests/score/mod.rs"]
mod score;

fn main() {
    let res = enrich::Resources::load();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `--lang ru PARAGRAPH…`: analyse the given paragraphs instead of sample articles.
    let given = if args.first().map(String::as_str) == Some("--lang") && args.len() > 2 {
        let lang = args[1].clone();
        Some(model::Article {
            id: "given".into(),
            paragraphs: args[2..].to_vec(),
            segments: vec![model::Segment {
                lang,
                text: args[2..].join("\n\n"),
            }],
            ..model::Article::default()
        })
    } else {
        None
    };
    let articles: Vec<model::Article> = match given {
        Some(a) => vec![a],
        None => args.iter().map(|id| score::article(&root, id)).collect(),
    };
    for a in articles {
        let id = a.id.clone();
        let e = enrich::analyse(&a, &res);
        println!("== {id}");
        for x in &e.entities {
            println!("entity {} [{}] {:?}", x.id, x.kind.as_str(), x.aliases);
        }
        for q in &e.quotes {
            println!(
                "quote {} {:?} via {:?}: {:.70}",
                if q.direct { "direct" } else { "reported" },
                q.speaker,
                q.via,
                q.text
            );
        }
        for f in &e.facts {
            println!("fact {} {:?} about {:?}", f.value, f.unit, f.subject);
        }
        for c in &e.claim_candidates {
            println!(
                "candidate {:?} {:?}: {:.60}",
                c.entities,
                c.figures.len(),
                c.text
            );
        }
    }
}
