//! Throughput of the encoder on a file of texts, with an estimate of how close the forward pass
//! comes to the machine's arithmetic peak. Called by `scripts/bench-embed.sh`.
//!
//! `bench_embed TEXTS.jsonl [ROUNDS]`: one JSON string per line; every round embeds all texts
//! with `embed_batch` and the best round counts. Prints `key: value` lines (the script parses `texts_per_s`).

use std::time::Instant;

use anyhow::{bail, Context, Result};

/// Multiply-adds per token: the 512 → 768 projection and two convolutions per branch
/// (orders 2, 3, 5; each `n·256 → 256`).
const MACS_PER_TOKEN: f64 = 512.0 * 768.0 + 2.0 * (2.0 + 3.0 + 5.0) * 256.0 * 256.0;
/// Multiply-adds per text in the head (1280 → 512 projection and the DNN).
const MACS_PER_TEXT: f64 =
    1280.0 * 512.0 + 2.0 * 512.0 * 320.0 + 320.0 * 320.0 + 2.0 * 320.0 * 512.0 + 512.0 * 512.0;

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        bail!("usage: bench_embed TEXTS.jsonl [ROUNDS]");
    };
    let rounds: usize = args
        .next()
        .map(|r| r.parse())
        .transpose()
        .context("ROUNDS must be a number")?
        .unwrap_or(3);
    let raw = std::fs::read_to_string(&path).with_context(|| format!("cannot read {path}"))?;
    let texts: Vec<String> = raw
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()
        .with_context(|| format!("{path}: expected one JSON string per line"))?;
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();

    let t0 = Instant::now();
    let enc = embed::Encoder::from_cache(&assets::Cache::from_env())?;
    let load = t0.elapsed().as_secs_f64();

    let tokens: usize = refs.iter().map(|t| enc.tokenize(t).len()).sum();
    let t0 = Instant::now();
    for t in &refs {
        std::hint::black_box(enc.tokenize(t));
    }
    let tokenize_s = t0.elapsed().as_secs_f64();

    enc.embed_batch(&refs[..refs.len().min(64)]); // warm up the pool and the caches
                                                  // The best round counts: the machine is shared, and the slow rounds measure the neighbours.
                                                  // CPU time (all threads) is less sensitive to neighbours than wall time; both are reported.
    let mut secs = f64::INFINITY;
    let mut cpu_secs = f64::INFINITY;
    for _ in 0..rounds.max(1) {
        let (t0, c0) = (Instant::now(), cpu_time());
        std::hint::black_box(enc.embed_batch(&refs));
        secs = secs.min(t0.elapsed().as_secs_f64());
        if let (Some(c0), Some(c1)) = (c0, cpu_time()) {
            cpu_secs = cpu_secs.min(c1 - c0);
        }
    }
    let n = refs.len() as f64;
    let flops = 2.0 * (MACS_PER_TOKEN * tokens as f64 + MACS_PER_TEXT * n);
    let threads = rayon::current_num_threads();
    println!("load_s: {load:.2}");
    println!("texts: {}", refs.len());
    println!("tokens_per_text: {:.1}", tokens as f64 / n);
    println!(
        "tokenize_only_texts_per_s_one_thread: {:.0}",
        n / tokenize_s
    );
    println!("texts_per_s: {:.1}", n / secs);
    println!("tokens_per_s: {:.0}", tokens as f64 / secs);
    if cpu_secs.is_finite() && cpu_secs > 0.0 {
        println!("texts_per_cpu_s: {:.1}", n / cpu_secs);
    }
    println!("mflop_per_token: {:.2}", 2.0 * MACS_PER_TOKEN / 1e6);
    println!("achieved_gflop_per_s: {:.1}", flops / secs / 1e9);
    if let Some((lanes, ghz, simd)) = cpu() {
        // Two FMA pipes per core, each doing `lanes` multiply-adds per cycle.
        let peak = threads as f64 * ghz * lanes as f64 * 2.0 * 2.0;
        println!("cpu: {simd}, {lanes} f32 lanes, {ghz:.2} GHz, {threads} threads");
        println!("peak_gflop_per_s: {peak:.0} (threads x GHz x lanes x 2 flops/FMA x 2 FMA pipes)");
        println!("utilisation: {:.1}%", 100.0 * flops / secs / 1e9 / peak);
        // What these texts would reach at 100% of peak: the ceiling for any f32 implementation
        // of this network on this machine.
        println!("texts_per_s_at_peak: {:.0}", peak * 1e9 / (flops / n));
    }
    Ok(())
}

/// CPU seconds used by this process so far (user + system, all threads), from /proc/self/stat.
fn cpu_time() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0) // USER_HZ is 100 on Linux
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
    let (lanes, simd) = if has("avx512f") {
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
