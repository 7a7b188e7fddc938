//! Print each paragraph's detection for files given on the command line (a debugging aid).

fn main() {
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for p in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
            let d = lang::TextLayer::shared().analyse(p);
            let head: String = p.chars().take(60).collect();
            println!(
                "{:8} w={:4} mixed={} either={} {:?} | {}",
                d.lang,
                d.weight,
                d.mixed,
                d.han_either,
                d.han,
                head.replace('\n', " ")
            );
        }
    }
}
