//! Throughput of the encoder on a file of texts, where its time goes, and how close it comes to
//! the machine's arithmetic limit. Called by `scripts/bench-embed.sh`.
//!
//! `bench_embed TEXTS.jsonl [ROUNDS] [OTHER.jsonl]`: one JSON string per line. Every figure is the
//! best of ROUNDS (the machine is shared; slow rounds measure the neighbours):
//!
//! * **cold** (the headline): each round starts from an empty per-token-id cache, so every
//!   distinct token id of the texts is computed from scratch; texts the encoder has never seen.
//! * **no_cache**: the cache turned off; ids are shared only within one wave of ~4k tokens.
//! * **steady**: each round empties the cache, embeds OTHER.jsonl (different text: what a
//!   long-running encoder has seen before), then embeds TEXTS once: the cache helps only as far
//!   as the two share token ids.
//! * **repeat**: the same texts again right after a cold pass (every id cached): an upper bound,
//!   not a measure of encoding new text.
//!
//! Prints `key: value` lines (the script parses them). Environment: `EMBED_TOKEN_CACHE` (cache
//! capacity in ids, default the encoder's), `EMBED_PORTABLE` (set: use the portable loops).

use std::time::Instant;

use anyhow::{bail, Context, Result};
use embed::{Encoder, Stage, WorkStats};

/// Multiply-adds per token of the network as written (what the reference computes): the
/// 512 → 768 projection and two convolutions per branch (orders 2, 3, 5; each `n·256 → 256`).
const DENSE_MACS_PER_TOKEN: f64 = 512.0 * 768.0 + 2.0 * (2.0 + 3.0 + 5.0) * 256.0 * 256.0;
/// int8 multiply-adds to compute one token id's cached row: the projection and both
/// convolutions of every branch at every window position.
const MACS_PER_MISS: f64 = 512.0 * 768.0 + 2.0 * (2.0 + 3.0 + 5.0) * 256.0 * 256.0;
/// f32 additions per token besides the sparse products: 10 first- and 10 second-convolution
/// rows and the three `x` rows (256 each), and the layer norm over 1280 features (~4 passes).
const ADDS_PER_TOKEN: f64 = 23.0 * 256.0 + 4.0 * 1280.0;
/// f32 multiply-adds per text in the head (1280 → 512 projection and the DNN).
const MACS_PER_TEXT: f64 =
    1280.0 * 512.0 + 2.0 * 512.0 * 320.0 + 320.0 * 320.0 + 2.0 * 320.0 * 512.0 + 512.0 * 512.0;

/// One measured pass: wall seconds, CPU seconds, and the encoder's counters before/after.
struct Pass {
    secs: f64,
    cpu_secs: f64,
    before: WorkStats,
    after: WorkStats,
}

impl Pass {
    fn misses(&self) -> f64 {
        (self.after.misses - self.before.misses) as f64
    }
    /// int8 operations (2 per multiply-add) executed in this pass.
    fn int8_ops(&self) -> f64 {
        2.0 * self.misses() * MACS_PER_MISS
    }
    /// f32 floating-point operations executed in this pass.
    fn f32_flops(&self, texts: f64) -> f64 {
        let tokens = (self.after.tokens - self.before.tokens) as f64;
        let sparse = (self.after.sparse_macs - self.before.sparse_macs) as f64;
        2.0 * (sparse + texts * MACS_PER_TEXT) + tokens * ADDS_PER_TOKEN
    }
    fn stage_secs(&self) -> [f64; 4] {
        std::array::from_fn(|i| (self.after.stage_ns[i] - self.before.stage_ns[i]) as f64 / 1e9)
    }
}

fn measure(enc: &Encoder, texts: &[&str]) -> Pass {
    let before = enc.stats();
    let (t0, c0) = (Instant::now(), cpu_time());
    std::hint::black_box(enc.embed_batch(texts));
    let secs = t0.elapsed().as_secs_f64();
    let cpu_secs = match (c0, cpu_time()) {
        (Some(c0), Some(c1)) => c1 - c0,
        _ => f64::NAN,
    };
    Pass {
        secs,
        cpu_secs,
        before,
        after: enc.stats(),
    }
}

fn best(passes: Vec<Pass>) -> Pass {
    passes
        .into_iter()
        .min_by(|a, b| a.secs.total_cmp(&b.secs))
        .expect("at least one round")
}

fn read_texts(path: &str) -> Result<Vec<String>> {
    let raw = std::fs::read_to_string(path).with_context(|| format!("cannot read {path}"))?;
    raw.lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()
        .with_context(|| format!("{path}: expected one JSON string per line"))
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        bail!("usage: bench_embed TEXTS.jsonl [ROUNDS] [OTHER.jsonl]");
    };
    let rounds: usize = args
        .next()
        .map(|r| r.parse())
        .transpose()
        .context("ROUNDS must be a number")?
        .unwrap_or(3)
        .max(1);
    let other = args.next().map(|p| read_texts(&p)).transpose()?;
    let texts = read_texts(&path)?;
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();

    let t0 = Instant::now();
    let mut enc = Encoder::from_cache(&assets::Cache::configured())?;
    if let Ok(cap) = std::env::var("EMBED_TOKEN_CACHE") {
        enc = enc.with_token_cache(cap.parse().context("EMBED_TOKEN_CACHE must be a number")?);
    }
    if std::env::var_os("EMBED_PORTABLE").is_some() {
        enc = enc.portable();
    }
    let load = t0.elapsed().as_secs_f64();
    let capacity = enc.stats().capacity;
    let (avx512, vnni) = (enc.uses_avx512(), enc.uses_vnni());
    let tokens: usize = refs.iter().map(|t| enc.tokenize(t).len()).sum();
    enc.embed_batch(&refs[..refs.len().min(64)]); // warm up the thread pool and the pages

    let mut cold = Vec::new();
    let mut repeat = Vec::new();
    for _ in 0..rounds {
        enc = enc.with_token_cache(capacity); // empty
        cold.push(measure(&enc, &refs));
        repeat.push(measure(&enc, &refs));
    }
    let (cold, repeat) = (best(cold), best(repeat));
    enc = enc.with_token_cache(0);
    let no_cache = best((0..rounds).map(|_| measure(&enc, &refs)).collect());
    let mut steady = None;
    if let Some(other) = &other {
        let other: Vec<&str> = other.iter().map(String::as_str).collect();
        let mut passes = Vec::new();
        for _ in 0..rounds {
            enc = enc.with_token_cache(capacity);
            enc.embed_batch(&other);
            passes.push(measure(&enc, &refs));
        }
        steady = Some((best(passes), other.len()));
    }

    let n = refs.len() as f64;
    let threads = rayon::current_num_threads();
    println!("load_s: {load:.2}");
    println!("texts: {}", refs.len());
    println!("tokens_per_text: {:.1}", tokens as f64 / n);
    println!("kernels: avx512 {avx512}, vnni {vnni}; cache capacity {capacity} ids");
    let report = |name: &str, p: &Pass| {
        println!("{name}_texts_per_s: {:.1}", n / p.secs);
        println!("{name}_texts_per_cpu_s: {:.1}", n / p.cpu_secs);
        println!(
            "{name}_ids_computed: {} ({:.1}% of tokens)",
            p.misses(),
            100.0 * p.misses() / tokens as f64
        );
    };
    report("cold", &cold);
    report("no_cache", &no_cache);
    if let Some((steady, other_texts)) = &steady {
        report("steady", steady);
        println!("steady_warmed_on: {other_texts} other texts");
    }
    report("repeat", &repeat);

    let names = ["tokenize", "rows", "tokens", "head"];
    let stages = cold.stage_secs();
    let staged: f64 = stages.iter().sum();
    let line: Vec<String> = names
        .iter()
        .zip(stages)
        .map(|(name, s)| format!("{name} {:.0} ms ({:.0}%)", s * 1e3, 100.0 * s / staged))
        .collect();
    println!("cold_stages: {}", line.join(", "));
    let _ = Stage::Tokenize; // the order of `stage_ns`: Tokenize, Rows, Tokens, Head

    let dense_flops = 2.0 * (DENSE_MACS_PER_TOKEN * tokens as f64 + MACS_PER_TEXT * n);
    println!(
        "dense_mflop_per_token: {:.2} (the network as written)",
        dense_flops / tokens as f64 / 1e6
    );
    println!(
        "cold_executed_per_token: {:.3} M int8 ops + {:.3} MFLOP f32",
        cold.int8_ops() / tokens as f64 / 1e6,
        cold.f32_flops(n) / tokens as f64 / 1e6
    );
    if let Some((lanes, ghz, simd)) = cpu() {
        // Two vector pipes per core: `lanes` f32 FMAs, or 4·`lanes` int8 multiply-adds
        // (`vpdpbusd`), per pipe and cycle.
        let f32_peak = threads as f64 * ghz * lanes as f64 * 2.0 * 2.0;
        let int8_peak = if vnni { 4.0 * f32_peak } else { f32_peak };
        println!("cpu: {simd}, {ghz:.2} GHz, {threads} threads");
        println!(
            "peak_gop_per_s: f32 {f32_peak:.0} GFLOP/s, int8 {int8_peak:.0} GOP/s (threads x GHz x lanes x 2 ops per multiply-add x 2 pipes; int8 4x the lanes with VNNI)"
        );
        println!(
            "dense_f32_texts_per_s_at_peak: {:.0} (the network as written, at 100% of the f32 peak)",
            f32_peak * 1e9 / (dense_flops / n)
        );
        // How long the cold pass's executed arithmetic takes at peak, against what it took.
        let at_peak = cold.int8_ops() / (int8_peak * 1e9) + cold.f32_flops(n) / (f32_peak * 1e9);
        println!(
            "cold_arithmetic_limit_texts_per_s: {:.0} (the executed work at peak; measured {:.1}, {:.1}% of it; the rows stage alone at {:.1}% of the int8 peak)",
            n / at_peak,
            n / cold.secs,
            100.0 * at_peak / cold.secs,
            100.0 * cold.int8_ops() / (int8_peak * 1e9) / stages[1].max(1e-9)
        );
    }
    Ok(())
}

/// CPU seconds used by this process's threads so far, from /proc/self/task/*/schedstat (the first
/// field is the time on a CPU in nanoseconds; threads that have exited are not counted, which is
/// fine here: rayon's workers live as long as the process).
fn cpu_time() -> Option<f64> {
    let mut ns = 0u64;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        ns += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(ns as f64 / 1e9)
}

/// f32 SIMD lanes, clock (GHz) and the widest SIMD extension, from /proc/cpuinfo.
fn cpu() -> Option<(usize, f64, &'static str)> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    let flags: Vec<&str> = info
        .lines()
        .find(|l| l.starts_with("flags"))?
        .split_whitespace()
        .collect();
    let has = |f: &str| flags.contains(&f);
    let (lanes, simd) = if has("avx512f") && has("avx512_vnni") {
        (16, "avx512f+vnni")
    } else if has("avx512f") {
        (16, "avx512f")
    } else if has("avx2") && has("fma") {
        (8, "avx2+fma")
    } else if has("avx") {
        (8, "avx")
    } else {
        (4, "sse")
    };
    let mhz: f64 = info
        .lines()
        .find(|l| l.starts_with("cpu MHz"))?
        .split(':')
        .nth(1)?
        .trim()
        .parse()
        .ok()?;
    Some((lanes, mhz / 1000.0, simd))
}
