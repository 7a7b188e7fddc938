//! Extraction scores on the evaluation sets in `../shared/eval` (not part of the repository):
//!
//! ```text
//! cargo run --release -p extract --example extract_eval -- ../shared/eval [--verbose]
//! ```
//!
//! - `extraction/trafilatura/`: text that must be kept (`with`) and dropped (`without`) per page,
//!   scored as trafilatura's own evaluation does (a `with` string found is a true positive, a
//!   `without` string found is a false positive; precision, recall and F1 over all strings).
//! - `extraction/zh-web/`: Chinese pages with gold body, author and date; body scored as the
//!   article-extraction-benchmark does (4-gram shingles of `\w+` tokens, per-page precision and
//!   recall averaged, F1 of the averages); date correct when the day matches.
//! - `dates/`: publication dates (`eval_default.json` with pages in `eval/` and `cache/`,
//!   `eval_mediacloud_2020.json` with pages in `test_set/`); correct when the day matches.
//!
//! Bytes are decoded with the ingest crate's decoder (BOM, `<meta charset>`, then sniffing), as
//! the engine does.
//!
//! **Tuning and checking halves.** The two extraction sets are split by site so that rules (and
//! the block model's weights) are fitted on one half and judged on the other; both are printed,
//! with per-language lines for the Russian and German pages (language of the gold text, by the
//! `lang` crate's detector). The site of a page is the registrable domain ([`site_of_host`]) of:
//! - trafilatura set: the page's URL (the archived URL for `web.archive.org` copies; for the
//!   `hard::NAME` keys, the host at the start of NAME);
//! - zh-web (no URLs given): the page's `<link rel=canonical>`/`og:url`, else the host its
//!   absolute `<a href>` links point to most often (a page links mostly to its own site).
//!
//! A site is in the checking half when the first byte of SHA-256(site) is odd, else in the
//! tuning half. `--split-list` prints `set<TAB>page<TAB>site<TAB>half` for every page (the block
//! model's training script reads it).

use model::{Content, RawDocument, RawMeta};
use serde_json::Value;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The registrable domain of a host, approximately: lowercase, without port and `www.`, the
/// last two labels, or three under a two-letter country code used with a generic second level
/// (`news.sina.com.cn` → `sina.com.cn`, `www.bbc.co.uk` → `bbc.co.uk`).
fn site_of_host(host: &str) -> String {
    let h = host.trim().to_ascii_lowercase();
    let h = h.split(':').next().unwrap_or_default();
    let labels: Vec<&str> = h.split('.').filter(|l| !l.is_empty()).collect();
    let n = labels.len();
    if n <= 2 {
        return labels.join(".");
    }
    let generic = [
        "com", "co", "org", "net", "gov", "edu", "ac", "or", "ne", "go",
    ];
    let keep = if labels[n - 1].len() == 2 && generic.contains(&labels[n - 2]) {
        3
    } else {
        2
    };
    labels[n - keep.min(n)..].join(".")
}

/// The host of a URL (`scheme://host/...`); for a `web.archive.org` copy, the archived URL's.
fn host_of_url(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    if host.ends_with("web.archive.org") {
        if let Some(inner) = rest.find("http").map(|i| &rest[i..]) {
            return host_of_url(inner);
        }
    }
    Some(host)
}

/// The site of a trafilatura-set key: its URL's host, or for `hard::NAME` keys (no URL), the
/// domain NAME starts with (`hard::iwr.de.IWR-Pressedienst.html` → `iwr.de`): labels up to the
/// first one of two or three letters after the first.
fn site_of_key(key: &str) -> String {
    if let Some(h) = host_of_url(key) {
        return site_of_host(h);
    }
    let name = key.rsplit("::").next().unwrap_or(key).to_ascii_lowercase();
    let name = name.split('-').next().unwrap_or_default();
    let labels: Vec<&str> = name.split('.').collect();
    let end = (1..labels.len())
        .find(|&i| {
            (2..=3).contains(&labels[i].len()) && labels[i].chars().all(|c| c.is_ascii_alphabetic())
        })
        .unwrap_or(labels.len().saturating_sub(1));
    site_of_host(&labels[..=end.min(labels.len().saturating_sub(1))].join("."))
}

/// The site of a page given without a URL: its canonical URL's, else the host its links name
/// most often.
fn site_of_page(html: &str) -> String {
    static CANON: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(?i)<link[^>]*rel=["']?canonical["']?[^>]*href=["']?(https?://[^"'\s>]+)|<meta[^>]*property=["']og:url["'][^>]*content=["']((?:https?://)?[^"'\s>]+)"#)
            .expect("static regex")
    });
    static LINK: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(?i)<a\s[^>]*href\s*=\s*["']?https?://([^/"'\s>:?#]+)"#)
            .expect("static regex")
    });
    if let Some(c) = CANON.captures(html) {
        let u = c
            .get(1)
            .or(c.get(2))
            .map(|m| m.as_str())
            .unwrap_or_default();
        let u = if u.contains("://") {
            u.to_string()
        } else {
            format!("http://{u}")
        };
        if let Some(h) = host_of_url(&u) {
            return site_of_host(h);
        }
    }
    let mut counts: HashMap<String, usize> = HashMap::new();
    for c in LINK.captures_iter(html) {
        *counts.entry(site_of_host(&c[1])).or_insert(0) += 1;
    }
    let mut v: Vec<(String, usize)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v.into_iter().next().map(|x| x.0).unwrap_or_default()
}

/// `true` when a site is in the checking half: the first byte of SHA-256(site) is odd.
fn is_checking(site: &str) -> bool {
    use sha2::Digest;
    sha2::Sha256::digest(site.as_bytes())[0] & 1 == 1
}

/// The groups a page is scored in: all, its half, its language when Russian or German.
fn groups(site: &str, lang: &str) -> Vec<String> {
    let mut g = vec![
        "all".to_string(),
        if is_checking(site) { "check" } else { "tune" }.to_string(),
    ];
    if matches!(lang, "ru" | "de") {
        g.push(format!("lang={lang}"));
    }
    g
}

const GROUP_ORDER: &[&str] = &["all", "tune", "check", "lang=ru", "lang=de"];

fn read_bytes(p: &Path) -> std::io::Result<Vec<u8>> {
    let f = std::fs::File::open(p)?;
    let mut b = Vec::new();
    if p.extension().is_some_and(|e| e == "gz") {
        flate2::read::GzDecoder::new(f).read_to_end(&mut b)?;
    } else {
        std::io::BufReader::new(f).read_to_end(&mut b)?;
    }
    Ok(b)
}

fn decode(bytes: &[u8]) -> String {
    ingest::decode(bytes, None).text
}

fn doc(id: &str, html: String, url: Option<&str>) -> RawDocument {
    RawDocument {
        id: id.to_string(),
        source: id.to_string(),
        content: Content::Html(html),
        meta: RawMeta {
            url: url.map(str::to_string),
            ..RawMeta::default()
        },
        encoding: String::new(),
    }
}

fn load_json(p: &Path) -> Value {
    let s = std::fs::read_to_string(p).unwrap_or_else(|e| {
        eprintln!("cannot read {}: {e}", p.display());
        std::process::exit(2)
    });
    // Python's json writes NaN for a missing date.
    let s = s.replace(": NaN", ": null");
    serde_json::from_str(&s).unwrap_or_else(|e| {
        eprintln!("bad json in {}: {e}", p.display());
        std::process::exit(2)
    })
}

fn find_page(dirs: &[PathBuf], file: &str) -> Option<PathBuf> {
    for d in dirs {
        for name in [format!("{file}.gz"), file.to_string()] {
            let p = d.join(&name);
            if p.exists() {
                return Some(p);
            }
        }
    }
    None
}

struct Timer {
    pages: usize,
    bytes: usize,
    spent: Duration,
}

impl Timer {
    fn run(&mut self, raw: &RawDocument) -> model::Article {
        let t = Instant::now();
        let a = extract::extract(raw);
        self.spent += t.elapsed();
        self.pages += 1;
        self.bytes += raw.content.as_str().len();
        a
    }
}

#[derive(Default, Clone, Copy)]
struct Counts {
    pages: usize,
    tp: usize,
    fp: usize,
    tn: usize,
    fn_: usize,
}

fn trafilatura_set(root: &Path, timer: &mut Timer, opts: &Opts) {
    let dir = root.join("extraction/trafilatura");
    let ev = load_json(&dir.join("evaldata.json"));
    let mut by: HashMap<String, Counts> = HashMap::new();
    let mut sites: HashMap<String, std::collections::HashSet<String>> = HashMap::new();
    for (url, v) in ev.as_object().into_iter().flatten() {
        let Some(file) = v["file"].as_str() else {
            continue;
        };
        let Some(p) = find_page(&[dir.join("html")], file) else {
            eprintln!("missing page {file}");
            continue;
        };
        let Ok(bytes) = read_bytes(&p) else { continue };
        let site = site_of_key(url);
        let strings = |k: &str| -> Vec<&str> {
            v[k].as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect()
        };
        let (with, without) = (strings("with"), strings("without"));
        let lang = lang::detect(&with.join("\n"));
        let lang = lang.split('-').next().unwrap_or_default();
        if opts.split_list {
            let half = if is_checking(&site) { "check" } else { "tune" };
            println!("trafilatura\t{file}\t{site}\t{half}\t{lang}");
            continue;
        }
        let gs = groups(&site, lang);
        if !opts.half_ok(&gs) {
            continue;
        }
        let art = timer.run(&doc(file, decode(&bytes), Some(url)));
        let text = art.paragraphs.join("\n");
        let mut c = Counts {
            pages: 1,
            ..Counts::default()
        };
        let mut miss = Vec::new();
        let mut extra = Vec::new();
        for w in with {
            if text.contains(w) {
                c.tp += 1
            } else {
                c.fn_ += 1;
                miss.push(w);
            }
        }
        for w in without {
            if text.contains(w) {
                c.fp += 1;
                extra.push(w);
            } else {
                c.tn += 1
            }
        }
        for name in gs {
            sites.entry(name.clone()).or_default().insert(site.clone());
            let e = by.entry(name).or_default();
            e.pages += c.pages;
            e.tp += c.tp;
            e.fp += c.fp;
            e.tn += c.tn;
            e.fn_ += c.fn_;
        }
        if std::env::var_os("EVAL_POS").is_some() {
            for w in &extra {
                let pos = text.find(w).unwrap_or(0) as f64 / text.len().max(1) as f64;
                println!("POS {pos:.2} {file} {w:?}");
            }
        }
        if opts.verbose && (!miss.is_empty() || !extra.is_empty()) {
            println!(
                "  {file}: {} chars; missed {miss:?} kept {extra:?}",
                text.chars().count()
            );
        }
    }
    for name in GROUP_ORDER {
        let Some(c) = by.get(*name) else { continue };
        let p = c.tp as f64 / (c.tp + c.fp).max(1) as f64;
        let r = c.tp as f64 / (c.tp + c.fn_).max(1) as f64;
        let f1 = 2.0 * p * r / (p + r).max(1e-9);
        let acc = (c.tp + c.tn) as f64 / (c.tp + c.tn + c.fp + c.fn_).max(1) as f64;
        let target = if *name == "all" {
            "  (target >= 0.94; trafilatura 0.924)"
        } else {
            ""
        };
        println!(
            "trafilatura set [{name}]: {} pages, {} sites  precision {p:.3}  recall {r:.3}  accuracy {acc:.3}  F1 {f1:.3}{target}",
            c.pages,
            sites.get(*name).map_or(0, |s| s.len())
        );
    }
}

fn tokens(s: &str) -> Vec<&str> {
    static RE: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"\w+").expect("static regex"));
    RE.find_iter(s).map(|m| m.as_str()).collect()
}

fn shingles(s: &str) -> HashMap<Vec<&str>, usize> {
    let t = tokens(s);
    let mut out = HashMap::new();
    let n = 4;
    let last = t.len().saturating_sub(n) + 1;
    for i in 0..last.max(1) {
        let sh: Vec<&str> = t[i.min(t.len())..(i + n).min(t.len())].to_vec();
        if !sh.is_empty() {
            *out.entry(sh).or_insert(0) += 1;
        }
    }
    out
}

/// (precision, recall) of one page, article-extraction-benchmark style.
fn shingle_pr(gold: &str, pred: &str) -> (f64, f64) {
    let g = shingles(gold);
    let p = shingles(pred);
    let (mut tp, mut fp, mut fn_) = (0f64, 0f64, 0f64);
    for (k, &gc) in &g {
        let pc = p.get(k).copied().unwrap_or(0);
        tp += gc.min(pc) as f64;
        fn_ += gc.saturating_sub(pc) as f64;
    }
    for (k, &pc) in &p {
        let gc = g.get(k).copied().unwrap_or(0);
        fp += pc.saturating_sub(gc) as f64;
    }
    let prec = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
    let rec = if tp + fn_ > 0.0 { tp / (tp + fn_) } else { 0.0 };
    (prec, rec)
}

fn day_of(s: &str) -> Option<String> {
    // Gold dates come as `2005-5-7 21:23:57` or `2024-10-23`.
    let mut it = s
        .trim()
        .split(|c: char| !c.is_ascii_digit())
        .filter(|x| !x.is_empty());
    let y: u32 = it.next()?.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let d: u32 = it.next()?.parse().ok()?;
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

fn zh_set(root: &Path, timer: &mut Timer, opts: &Opts) {
    let verbose = opts.verbose;
    let mut by: HashMap<String, (Vec<f64>, Vec<f64>)> = HashMap::new();
    let mut sites: HashMap<String, std::collections::HashSet<String>> = HashMap::new();
    let dir = root.join("extraction/zh-web");
    let g = load_json(&dir.join("ground.json"));
    let body = g["cleaned"].as_object().cloned().unwrap_or_default();
    let mut ps = Vec::new();
    let mut rs = Vec::new();
    let (mut dated, mut date_ok, mut authored, mut author_ok) = (0, 0, 0, 0);
    let mut editor_ok = 0;
    for (id, v) in &body {
        let gold = v["articleBody"].as_str().unwrap_or_default();
        let Some(p) = find_page(&[dir.join("html")], &format!("{id}.html")) else {
            continue;
        };
        let Ok(bytes) = read_bytes(&p) else { continue };
        let html = decode(&bytes);
        let site = site_of_page(&html);
        let lang = lang::detect(gold);
        let lang = lang.split('-').next().unwrap_or_default();
        if opts.split_list {
            let half = if is_checking(&site) { "check" } else { "tune" };
            println!("zh-web\t{id}.html\t{site}\t{half}\t{lang}");
            continue;
        }
        let gs = groups(&site, lang);
        if !opts.half_ok(&gs) {
            continue;
        }
        let art = timer.run(&doc(id, html, None));
        let pred = art.paragraphs.join("\n");
        let (pr, rc) = shingle_pr(gold, &pred);
        for name in gs {
            sites.entry(name.clone()).or_default().insert(site.clone());
            let e = by.entry(name).or_default();
            e.0.push(pr);
            e.1.push(rc);
        }
        ps.push(pr);
        rs.push(rc);
        if verbose && (pr < 0.99 || rc < 0.99) {
            println!("  {id}: body P {pr:.2} R {rc:.2}");
        }
        if let Some(gd) = g["date"][id]["articleBody"].as_str().and_then(day_of) {
            dated += 1;
            let mine = art.published.as_deref().and_then(day_of);
            if mine.as_deref() == Some(gd.as_str()) {
                date_ok += 1;
            } else if verbose {
                println!("  {id}: date {mine:?}, gold {gd}");
            }
        }
        if let Some(ga) = g["author"][id]["articleBody"]
            .as_str()
            .filter(|a| *a != "UNKNOWN")
        {
            authored += 1;
            let want: Vec<&str> = ga.split_whitespace().collect();
            let got: Vec<&str> = art
                .byline
                .iter()
                .flat_map(|b| b.split_whitespace())
                .collect();
            // The gold names the editor as the author on pages that credit only an editor;
            // the engine keeps the two apart, so that reading is counted on its own.
            let editor_match = got.is_empty()
                && art
                    .editor
                    .as_deref()
                    .is_some_and(|e| e.split_whitespace().collect::<Vec<_>>() == want);
            if editor_match {
                editor_ok += 1;
            }
            if want == got {
                author_ok += 1;
            } else if verbose {
                println!("  {id}: author {:?}, gold {ga:?}", art.byline);
            }
        }
    }
    if opts.split_list {
        return;
    }
    for name in GROUP_ORDER.iter().filter(|n| **n != "all") {
        let Some((ps, rs)) = by.get(*name) else {
            continue;
        };
        let n = ps.len().max(1) as f64;
        let p = ps.iter().sum::<f64>() / n;
        let r = rs.iter().sum::<f64>() / n;
        let f1 = 2.0 * p * r / (p + r).max(1e-9);
        println!(
            "zh-web [{name}]: {} pages, {} sites  body precision {p:.3}  recall {r:.3}  F1 {f1:.3}",
            ps.len(),
            sites.get(*name).map_or(0, |s| s.len())
        );
    }
    let n = ps.len().max(1) as f64;
    let p = ps.iter().sum::<f64>() / n;
    let r = rs.iter().sum::<f64>() / n;
    let f1 = 2.0 * p * r / (p + r).max(1e-9);
    println!(
        "zh-web: {} pages  body precision {p:.3}  recall {r:.3}  F1 {f1:.3} (target >= 0.95)  date {date_ok}/{dated} = {:.1}% (target >= 95%)  author {author_ok}/{authored} (with the editor where no author is named: {}/{authored})",
        ps.len(),
        100.0 * date_ok as f64 / dated.max(1) as f64,
        author_ok + editor_ok
    );
}

fn dates_set(root: &Path, timer: &mut Timer, verbose: bool) {
    let dir = root.join("dates");
    let (mut n, mut ok, mut none) = (0, 0, 0);
    let mut by_lang: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    for (json, dirs) in [
        (
            "eval_default.json",
            vec![dir.join("eval"), dir.join("cache")],
        ),
        ("eval_mediacloud_2020.json", vec![dir.join("test_set")]),
    ] {
        let ev = load_json(&dir.join(json));
        for (url, v) in ev.as_object().into_iter().flatten() {
            let (Some(file), Some(gold)) = (v["file"].as_str(), v["date"].as_str()) else {
                continue;
            };
            let Some(p) = find_page(&dirs, file) else {
                eprintln!("missing page {file}");
                continue;
            };
            let Ok(bytes) = read_bytes(&p) else { continue };
            let art = timer.run(&doc(file, decode(&bytes), Some(url)));
            n += 1;
            let mine = art.published.as_deref().and_then(day_of);
            // No gold text here: the language of the extracted text.
            let lang = lang::detect(&art.paragraphs.join("\n"));
            let lang = lang.split('-').next().unwrap_or_default().to_string();
            if matches!(lang.as_str(), "ru" | "de") {
                let e = by_lang.entry(lang).or_insert((0, 0));
                e.0 += 1;
                e.1 += usize::from(mine.as_deref() == Some(gold));
            }
            if mine.as_deref() == Some(gold) {
                ok += 1;
            } else {
                if mine.is_none() {
                    none += 1;
                }
                if verbose {
                    let html = decode(&bytes);
                    let (src, meta_date) = extract::debug_date(&html, Some(url));
                    println!("  {file}: {mine:?}, gold {gold}  [{src}: {meta_date:?}]  {url}");
                }
            }
        }
    }
    for (l, (n, ok)) in &by_lang {
        println!(
            "dates [lang={l}]: {n} pages  correct {ok} = {:.1}%",
            100.0 * *ok as f64 / (*n).max(1) as f64
        );
    }
    println!(
        "dates: {n} pages  correct {ok} = {:.1}% (target >= 95%; {none} without a date)",
        100.0 * ok as f64 / n.max(1) as f64
    );
}

/// Command-line options.
struct Opts {
    verbose: bool,
    split_list: bool,
    /// Score only pages of this half (`tune` or `check`).
    half: Option<String>,
}

impl Opts {
    fn half_ok(&self, groups: &[String]) -> bool {
        self.half.as_ref().is_none_or(|h| groups.contains(h))
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut root = PathBuf::from("../shared/eval");
    let mut opts = Opts {
        verbose: false,
        split_list: false,
        half: None,
    };
    let mut only = None;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--verbose" | "-v" => opts.verbose = true,
            "--only" => only = args.next(),
            "--split-list" => opts.split_list = true,
            "--half" => opts.half = args.next(),
            _ => root = PathBuf::from(a),
        }
    }
    let mut timer = Timer {
        pages: 0,
        bytes: 0,
        spent: Duration::ZERO,
    };
    let want = |s: &str| only.is_none() || only.as_deref() == Some(s);
    if want("trafilatura") {
        trafilatura_set(&root, &mut timer, &opts);
    }
    if want("zh") {
        zh_set(&root, &mut timer, &opts);
    }
    if opts.split_list {
        return;
    }
    if want("dates") {
        dates_set(&root, &mut timer, opts.verbose);
    }
    let secs = timer.spent.as_secs_f64().max(1e-9);
    println!(
        "speed: {} pages, {:.1} MB in {:.2} s of extraction = {:.0} pages/s, {:.1} MB/s (one thread, decoding excluded)",
        timer.pages,
        timer.bytes as f64 / 1e6,
        secs,
        timer.pages as f64 / secs,
        timer.bytes as f64 / 1e6 / secs
    );
}
