//! Measure the text layer on the shared evaluation data (never copied into the repo):
//!
//! - OpenCC's own conversion test cases (`opencc/test/testcases/testcases.json`), pass counts per
//!   configuration; with `--opencc-dicts`, also with the dictionaries beside the test cases
//!   (`opencc/data/dictionary`), to tell dictionary-version differences from conversion bugs;
//! - NTREX (`clustering/ntrex-dev/docs.jsonl`): each document's language/script label against its
//!   `lang` field, and the same per line as a stress test on short text.
//!
//! `cargo run --release -p lang --example lang_eval -- ../shared/eval [--opencc-dicts] [--verbose]`

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lang::{Conversion, Converters};

fn main() {
    let mut args = std::env::args().skip(1);
    let mut root = None;
    let (mut dicts, mut verbose) = (false, false);
    for a in args.by_ref() {
        match a.as_str() {
            "--opencc-dicts" => dicts = true,
            "--verbose" | "-v" => verbose = true,
            _ => root = Some(PathBuf::from(a)),
        }
    }
    let root = root.unwrap_or_else(|| PathBuf::from("../shared/eval"));
    let mut failed = false;
    let mut report = |what: &str, r: Result<(), String>| {
        if let Err(e) = r {
            eprintln!("{what}: {e}");
            failed = true;
        }
    };
    report(
        "opencc",
        opencc(
            &root,
            verbose,
            "built-in dictionaries (ferrous-opencc)",
            Converters::shared(),
        ),
    );
    match Converters::from_package() {
        Ok(c) => report(
            "opencc",
            opencc(
                &root,
                verbose,
                "OpenCC 1.4.2 npm dictionaries (Converters::from_package)",
                &c,
            ),
        ),
        Err(e) => report("opencc package", Err(e.to_string())),
    }
    if dicts {
        match eval_dictionaries(&root) {
            Ok((c, tmp)) => {
                report(
                    "opencc",
                    opencc(&root, verbose, "the eval's own dictionaries", &c),
                );
                let _ = std::fs::remove_dir_all(tmp);
            }
            Err(e) => report("opencc eval dictionaries", Err(e)),
        }
    }
    if let Err(e) = ntrex(&root, verbose) {
        eprintln!("ntrex: {e}");
        failed = true;
    }
    if failed {
        std::process::exit(2);
    }
}

/// JSON with trailing commas (as OpenCC's test file has) made strict.
fn strip_trailing_commas(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        if c == '"' {
            in_string = true;
        }
        if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some(']') | Some('}')) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

type Cases = Vec<(String, String, BTreeMap<String, String>)>;

fn load_cases(root: &Path) -> Result<Cases, String> {
    let path = root.join("opencc/test/testcases/testcases.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let json: serde_json::Value = serde_json::from_str(&strip_trailing_commas(&text))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let mut cases = Vec::new();
    for c in json["cases"].as_array().ok_or("no `cases` array")? {
        let id = c["id"].as_str().unwrap_or("?").to_string();
        let input = c["input"].as_str().unwrap_or("").to_string();
        let mut expected = BTreeMap::new();
        if let Some(obj) = c["expected"].as_object() {
            for (k, v) in obj {
                expected.insert(k.clone(), v.as_str().unwrap_or("").to_string());
            }
        }
        cases.push((id, input, expected));
    }
    Ok(cases)
}

/// Pass counts per configuration with `converters` (configurations they cannot build are
/// reported as unavailable).
fn opencc(root: &Path, verbose: bool, label: &str, converters: &Converters) -> Result<(), String> {
    let cases = load_cases(root)?;
    let mut tally: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (id, input, expected) in &cases {
        for (config, want) in expected {
            let Some(c) = Conversion::from_name(config).filter(|&c| converters.check(c).is_ok())
            else {
                tally
                    .entry(format!("{config} (not available)"))
                    .or_default()
                    .1 += 1;
                continue;
            };
            let got = converters.convert(c, input);
            let t = tally.entry(config.clone()).or_default();
            t.1 += 1;
            if &got == want {
                t.0 += 1;
            } else if verbose {
                println!("  {id} {config}: {input} → {got} (expected {want})");
            }
        }
    }
    println!("opencc, {label}: {} cases", cases.len());
    for (config, (pass, total)) in &tally {
        println!("  {config:24} {pass:3}/{total:3}");
    }
    Ok(())
}

/// The dictionaries beside the test cases, copied to a scratch directory.
fn eval_dictionaries(root: &Path) -> Result<(Converters, PathBuf), String> {
    let src = root.join("opencc/data/dictionary");
    let tmp = std::env::temp_dir().join(format!("lang-eval-opencc-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).map_err(|e| e.to_string())?;
    for entry in std::fs::read_dir(&src).map_err(|e| format!("{}: {e}", src.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if let Some(name) = path.file_name() {
            std::fs::copy(&path, tmp.join(name)).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    let converters = Converters::from_dictionary_dir(&tmp).map_err(|e| e.to_string())?;
    Ok((converters, tmp))
}

fn ntrex(root: &Path, verbose: bool) -> Result<(), String> {
    let path = root.join("clustering/ntrex-dev/docs.jsonl");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut docs: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut lines: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut confusions: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("{}:{}: {e}", path.display(), n + 1))?;
        let id = v["id"].as_str().unwrap_or("");
        let want = v["lang"].as_str().unwrap_or("").to_string();
        let body = v["text"].as_str().unwrap_or("");
        // The id suffix must agree with the label (zh-CN ↔ zh-Hans, zh-TW ↔ zh-Hant).
        let suffix = id.rsplit(':').next().unwrap_or("");
        let from_suffix = match suffix {
            "zh-CN" => "zh-Hans",
            "zh-TW" => "zh-Hant",
            s => s,
        };
        if from_suffix != want {
            return Err(format!("{id}: lang {want} disagrees with the id suffix"));
        }
        let paragraphs: Vec<String> = body.lines().map(str::to_string).collect();
        let segments = lang::segment(&paragraphs);
        let labels: Vec<&str> = segments.iter().map(|s| s.lang.as_str()).collect();
        let got = lang::detect(body);
        let ok = got == want && labels == [want.as_str()];
        let t = docs.entry(want.clone()).or_default();
        t.1 += 1;
        if ok {
            t.0 += 1;
        } else if verbose {
            println!("  {id}: detect {got}, segments {labels:?}");
        }
        for l in body.lines().filter(|l| !l.trim().is_empty()) {
            let got = lang::detect(l);
            let t = lines.entry(want.clone()).or_default();
            t.1 += 1;
            if got == want {
                t.0 += 1;
            } else {
                *confusions.entry((want.clone(), got)).or_default() += 1;
            }
        }
    }
    let (p, t) = docs.values().fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    println!("ntrex documents (detect + one segment with the right label): {p}/{t}");
    for (l, (p, t)) in &docs {
        println!("  {l:8} {p:3}/{t:3}");
    }
    let (p, t) = lines.values().fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    println!("ntrex single lines (short-text stress test): {p}/{t}");
    for (l, (p, t)) in &lines {
        println!("  {l:8} {p:4}/{t:4}");
    }
    if !confusions.is_empty() {
        let list: Vec<String> = confusions
            .iter()
            .map(|((w, g), n)| format!("{w}→{g} {n}"))
            .collect();
        println!("  confusions: {}", list.join(", "));
    }
    Ok(())
}
