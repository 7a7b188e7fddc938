//! Print what enrichment finds in sample articles: entities with aliases, quotes, facts.
//!
//! ```sh
//! cargo run -p enrich --example dump -- 000_21cd010cafc9b1ef
//! ```

use std::path::Path;

#[path = "../tests/score/mod.rs"]
mod score;

fn main() {
    let res = enrich::Resources::load();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for id in std::env::args().skip(1) {
        let a = score::article(&root, &id);
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
            println!("candidate {:?} {:?}: {:.60}", c.entities, c.figures.len(), c.text);
        }
    }
}
