//! `storyline watch`: the `watch` crate's watcher on a thread, feeding the same ingest loop as
//! `storyline ingest` (a bounded channel of documents), a live status line on a terminal, and
//! the summary at the end (per-host errors included).

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use serde_json::json;

use crate::args::WatchArgs;
use crate::commands::{batch_size, ingest_stream, open_store, plural, print_ingest_summary};
use crate::Done;

fn secs(v: f64) -> Duration {
    Duration::try_from_secs_f64(v.max(0.0)).unwrap_or(Duration::MAX)
}

pub fn watch(db: &Path, a: WatchArgs) -> Result<Done> {
    let mut sources: Vec<watch::Source> = Vec::new();
    let mut bad_sources = 0usize;
    for arg in &a.sources {
        match watch::expand(arg) {
            Ok(found) => {
                for s in found {
                    if !sources.contains(&s) {
                        sources.push(s);
                    }
                }
            }
            Err(why) => {
                bad_sources += 1;
                eprintln!("storyline: {why}");
            }
        }
    }
    if sources.is_empty() {
        anyhow::bail!("no source to watch (every SOURCE given was refused, see above)");
    }
    let contact = a
        .contact
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if contact.is_none() {
        eprintln!(
            "storyline: warning: no --contact given; site owners cannot tell whom to ask about this crawler"
        );
    }
    let version = env!("CARGO_PKG_VERSION");
    let user_agent = match contact {
        Some(c) => format!("storyline/{version} (news monitor; +{c})"),
        None => format!("storyline/{version} (news monitor)"),
    };
    let timeout = secs(a.timeout_secs).max(Duration::from_millis(100));
    let (min_interval, max_interval) = (
        Duration::from_secs(a.min_interval_secs.max(1)),
        Duration::from_secs(a.max_interval_secs.max(a.min_interval_secs).max(1)),
    );
    let opts = watch::Options {
        fetch: watch::FetchConfig {
            user_agent,
            allow_private: a.allow_private,
            max_bytes: a.max_page_mib.max(1) << 20,
            connect_timeout: timeout,
            header_timeout: timeout,
            body_timeout: timeout * 2,
            retries: a.retries,
            backoff: secs(a.backoff_secs),
            min_delay: secs(a.delay_secs),
            per_host: a.per_host as usize,
            max_wait: Duration::from_secs(a.max_wait_secs),
            ..watch::FetchConfig::default()
        },
        once: a.once,
        archive: a.archive.clone(),
        archive_file_bytes: a.archive_file_mib.max(1) << 20,
        workers: a.workers.max(1),
        first_interval: Duration::from_secs(15 * 60).clamp(min_interval, max_interval),
        min_interval,
        max_interval,
        ..watch::Options::default()
    };

    // A watch commits like an ingest, so it takes turns with them on an embedded store.
    let _lock = crate::commands::ingest_lock(db)?;
    let stop = crate::stream::Stop::on_signals().context("cannot catch SIGINT and SIGTERM")?;
    // The store first: it creates the tables the watcher's state reads beside its own.
    drop(open_store(db)?);
    let spec = db
        .to_str()
        .with_context(|| format!("--db {} is not valid UTF-8", db.display()))?;
    let state = store::open_watch_state(spec)?;
    let stats = Arc::new(watch::Stats::default());
    let batch_size = batch_size();
    let (tx, rx) = std::sync::mpsc::sync_channel(batch_size);
    let watcher = watch::Watcher::new(opts, state, tx, stop.flag(), Arc::clone(&stats))
        .with_context(|| {
            format!(
                "cannot write the archive in {}",
                a.archive.as_deref().unwrap_or(Path::new("")).display()
            )
        })?;
    let fetching = std::thread::spawn(move || watcher.run(sources));

    let bar = crate::commands::progress("watching");
    let finished = Arc::new(AtomicBool::new(false));
    let status = {
        let (bar, stats, finished) = (bar.clone(), Arc::clone(&stats), Arc::clone(&finished));
        std::thread::spawn(move || {
            while !finished.load(Ordering::SeqCst) {
                bar.set_message(stats.line());
                std::thread::sleep(Duration::from_millis(250));
            }
        })
    };
    let ingested = ingest_stream(db, rx, &stop, batch_size, &bar);
    finished.store(true, Ordering::SeqCst);
    let _ = status.join();
    let (summary, read, store) = ingested?;
    if fetching.join().is_err() {
        anyhow::bail!("the watcher stopped on an internal error (a panic)");
    }
    if stop.requested() {
        eprintln!(
            "storyline: stopped by a signal; every document fetched was committed (run the same watch again to resume)"
        );
    }

    let g = |v: &std::sync::atomic::AtomicU64| v.load(Ordering::Relaxed);
    let host_errors = stats.host_errors();
    let mut out = std::io::stdout().lock();
    if a.json {
        let hosts: serde_json::Map<String, serde_json::Value> = host_errors
            .iter()
            .map(|(h, (n, msgs))| (h.clone(), json!({"errors": n, "messages": msgs})))
            .collect();
        let v = json!({
            "sources": g(&stats.sources), "polls": g(&stats.polls), "fetched": g(&stats.fetched),
            "new_articles": g(&stats.new_articles), "already_known": g(&stats.already),
            "duplicates": g(&stats.duplicates), "errors": g(&stats.errors) + bad_sources as u64,
            "host_errors": hosts,
        });
        writeln!(out, "{v}")?;
    } else {
        let errors = g(&stats.errors) as usize + bad_sources;
        writeln!(
            out,
            "watched {} source{}: {} polls, {} pages fetched, {} new article{}, {} already known, {} duplicate{} of stored articles, {} error{}",
            g(&stats.sources),
            plural(g(&stats.sources) as usize),
            g(&stats.polls),
            g(&stats.fetched),
            g(&stats.new_articles),
            plural(g(&stats.new_articles) as usize),
            g(&stats.already),
            g(&stats.duplicates),
            plural(g(&stats.duplicates) as usize),
            errors,
            plural(errors),
        )?;
        for (host, (n, msgs)) in &host_errors {
            let host = if host.is_empty() {
                "(local files)"
            } else {
                host
            };
            writeln!(out, "  {host}: {n} error{}", plural(*n as usize))?;
            for m in msgs {
                writeln!(out, "    {m}")?;
            }
        }
    }
    drop(out);
    let done = print_ingest_summary(db, &summary, read, store.as_ref(), a.json)?;
    Ok(if bad_sources > 0 {
        Done::PartlyFailed
    } else {
        done
    })
}
