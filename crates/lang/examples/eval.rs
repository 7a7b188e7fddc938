//! Measure the text layer on the shared evaluation data (never copied into the repo):
//!
//! - OpenCC's own conversion test cases (`opencc/test/testcases/testcases.json`), pass counts per
//!   configuration; with `--opencc-dicts`, also with the dictionaries beside the test cases
//!   (`opencc/data/dictionary`), to tell dictionary-version differences from conversion bugs;
//! - NTREX (`clustering/ntrex-dev/docs.jsonl`): each document's language/script label against its
//!   `lang` field, and the same per line as a stress test on short text.
//!
//! `cargo run --release -p lang --example eval -- ../shared/eval [--opencc-dicts] [--verbose]`

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lang::Conversion;

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
    match opencc(&root, verbose, None) {
        Ok(()) => {}
        Err(e) => {
            eprintln!("opencc: {e}");
            failed = true;
        }
    }
    if dicts {
        if let Err(e) = opencc_with_eval_dicts(&root, verbose) {
            eprintln!("opencc (eval dictionaries): {e}");
            failed = true;
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

/// A converter by OpenCC configuration name (`None`: not available).
type Convert<'a> = &'a dyn Fn(&str, &str) -> Option<String>;

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

/// Pass counts per configuration; `custom` converts with other converters where given.
fn opencc(root: &Path, verbose: bool, custom: Option<Convert<'_>>) -> Result<(), String> {
    let cases = load_cases(root)?;
    let mut tally: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (id, input, expected) in &cases {
        for (config, want) in expected {
            let got = match custom {
                Some(f) => match f(config, input) {
                    Some(g) => g,
                    None => continue,
                },
                None => match Conversion::from_name(config) {
                    Some(c) => lang::convert(c, input),
                    None => {
                        tally
                            .entry(format!("{config} (not shipped)"))
                            .or_default()
                            .1 += 1;
                        continue;
                    }
                },
            };
            let t = tally.entry(config.clone()).or_default();
            t.1 += 1;
            if &got == want {
                t.0 += 1;
            } else if verbose {
                println!("  {id} {config}: {input} → {got} (expected {want})");
            }
        }
    }
    let label = if custom.is_some() {
        "opencc with the eval's dictionaries"
    } else {
        "opencc (built-in dictionaries)"
    };
    println!("{label}: {} cases", cases.len());
    for (config, (pass, total)) in &tally {
        println!("  {config:24} {pass:3}/{total:3}");
    }
    Ok(())
}

/// t2s and s2t rebuilt from the dictionary text files beside the test cases.
fn opencc_with_eval_dicts(root: &Path, verbose: bool) -> Result<(), String> {
    let src = root.join("opencc/data/dictionary");
    let tmp = std::env::temp_dir().join(format!("lang-eval-opencc-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).map_err(|e| e.to_string())?;
    for f in ["STCharacters", "STPhrases", "TSCharacters", "TSPhrases"] {
        std::fs::copy(src.join(format!("{f}.txt")), tmp.join(format!("{f}.txt")))
            .map_err(|e| format!("{f}: {e}"))?;
    }
    let config = |name: &str, phrases: &str, chars: &str| {
        format!(
            r#"{{"name":"{name}","segmentation":{{"type":"mmseg","dict":{{"type":"text","file":"{phrases}.txt"}}}},
            "conversion_chain":[{{"dict":{{"type":"group","dicts":[{{"type":"text","file":"{phrases}.txt"}},{{"type":"text","file":"{chars}.txt"}}]}}}}]}}"#
        )
    };
    std::fs::write(
        tmp.join("s2t.json"),
        config("s2t", "STPhrases", "STCharacters"),
    )
    .map_err(|e| e.to_string())?;
    std::fs::write(
        tmp.join("t2s.json"),
        config("t2s", "TSPhrases", "TSCharacters"),
    )
    .map_err(|e| e.to_string())?;
    let s2t = ferrous_opencc::OpenCC::new(tmp.join("s2t.json")).map_err(|e| e.to_string())?;
    let t2s = ferrous_opencc::OpenCC::new(tmp.join("t2s.json")).map_err(|e| e.to_string())?;
    let f = |config: &str, input: &str| match config {
        "s2t" => Some(s2t.convert(input)),
        "t2s" => Some(t2s.convert(input)),
        _ => None,
    };
    let result = opencc(root, verbose, Some(&f));
    let _ = std::fs::remove_dir_all(&tmp);
    result
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
