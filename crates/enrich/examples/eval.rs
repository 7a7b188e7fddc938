//! Score enrichment: the sample articles against `examples/seeds.gold.json` (entities with
//! merged aliases, quotes with speaker and outlet, facts with value and unit), and, when an
//! eval folder is given, quote detection and speaker attribution on PolNeAR (brat).
//!
//! ```sh
//! cargo run --release -p enrich --example eval -- ../shared/eval [--verbose]
//! ```

use std::path::{Path, PathBuf};
use std::time::Instant;

#[path = "../tests/score/mod.rs"]
mod score;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "--verbose" || a == "-v");
    let eval_dir = args.iter().find(|a| !a.starts_with('-')).map(PathBuf::from);
    let started = Instant::now();
    let res = enrich::Resources::load();
    for d in &res.diagnostics {
        eprintln!("note: {d}");
    }
    eprintln!(
        "resources: {} gazetteer entries in {:.2}s",
        res.gazetteer.len(),
        started.elapsed().as_secs_f64()
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let report = score::seeds(&root, &res);
    report.print(verbose);
    if let Some(dir) = eval_dir {
        let polnear = dir.join("quotes/polnear/dev");
        if polnear.is_dir() {
            let r = score::polnear(&polnear, &res, verbose);
            r.print();
        } else {
            eprintln!("{}: not found, PolNeAR skipped", polnear.display());
        }
    }
}
