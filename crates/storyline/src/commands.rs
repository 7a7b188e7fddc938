//! One function per command; each returns how it ended or an error with context.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::json;
use store::{SqliteStore, Store};

use crate::args::{Cli, Command, Format, Order};
use crate::Done;

pub fn run(cli: Cli) -> Result<Done> {
    match cli.command {
        Command::Ingest {
            inputs,
            max_doc_mib,
            json,
            follow,
        } => ingest(&cli.db, &inputs, max_doc_mib, json, follow),
        Command::Extract {
            inputs,
            format,
            max_doc_mib,
        } => extract(&inputs, format, max_doc_mib),
        Command::Export => export(&cli.db),
        Command::Embed { input, raw } => embed(input.as_deref(), raw),
        Command::Events {
            from,
            to,
            lang,
            outlet,
            order,
            offset,
            limit,
            json,
        } => {
            let filter = server::EventFilter {
                from,
                to,
                lang,
                outlet,
                order: Some(
                    match order {
                        Order::Newest => "newest",
                        Order::Oldest => "oldest",
                    }
                    .into(),
                ),
                offset: Some(offset),
                ..server::EventFilter::default()
            };
            events(&cli.db, filter, limit, json)
        }
        Command::Event { id, json, why } => event(&cli.db, &id, json, why),
        Command::Search {
            query,
            limit,
            lang,
            outlet,
            from,
            to,
            json,
            no_semantic,
        } => search(
            &cli.db,
            &query.join(" "),
            &server::SearchFilter {
                lang,
                outlet,
                from,
                to,
            },
            usize::try_from(limit).unwrap_or(100),
            json,
            !no_semantic,
        ),
        Command::Serve {
            addr,
            allow_ingest,
            token,
            max_body_mib,
            timeout_secs,
            header_timeout_secs,
            no_semantic,
        } => {
            let config = server::Config {
                addr,
                allow_ingest,
                token,
                max_body_bytes: max_body_mib.max(1) << 20,
                timeout: std::time::Duration::from_secs(timeout_secs.max(1)),
                header_timeout: std::time::Duration::from_secs(header_timeout_secs.max(1)),
                // The server's ingest takes turns with `storyline ingest` on an embedded store.
                ingest_lock: Some(cli.db.to_string_lossy().into_owned()),
                ..server::Config::default()
            };
            serve(&cli.db, config, !no_semantic)
        }
        Command::Watch(args) => crate::live::watch(&cli.db, args),
    }
}

/// The store `--db` names: a `postgres://` URL or a directory (see `store::open`).
pub(crate) fn open_store(db: &Path) -> Result<Box<dyn Store>> {
    match db.to_str() {
        Some(spec) => Ok(store::open(spec)?),
        None => Ok(Box::new(SqliteStore::open(db)?)),
    }
}

/// The `--db` value as it may be printed (a URL without its password).
/// The store's ingest lock (one ingest or watch at a time on an embedded store), saying so on
/// stderr while another one holds it.
pub(crate) fn ingest_lock(db: &Path) -> Result<store::IngestLock> {
    store::IngestLock::acquire(&db.to_string_lossy(), || {
        eprintln!(
            "storyline: waiting for another ingest on {} to finish…",
            shown(db)
        )
    })
    .context("cannot take the store's ingest lock")
}

pub(crate) fn shown(db: &Path) -> String {
    store::redact(&db.display().to_string())
}

/// An existing store, for commands that only read.
fn existing_store(db: &Path) -> Result<Box<dyn Store>> {
    let is_database = db.to_str().is_some_and(store::is_postgres_url);
    if !is_database && !db.join("storyline.sqlite").exists() {
        anyhow::bail!(
            "no store at {} (run `storyline ingest --db {} INPUT...` first)",
            db.display(),
            db.display()
        );
    }
    open_store(db)
}

pub(crate) fn progress(label: &str) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {prefix} {pos} documents ({per_sec}) {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.set_prefix(label.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

fn ingest_options(max_doc_mib: usize) -> ingest::Options {
    ingest::Options {
        max_document_bytes: max_doc_mib.max(1) << 20,
    }
}

/// Documents analysed together (in parallel) before they are committed one by one:
/// `pipeline::ingestor::BATCH`, unless the configuration's `batch` (`STORYLINE_BATCH`) says
/// otherwise (1..=4096; 1 commits in exactly the input order, since the pipeline orders each
/// batch's commits by its own rule — see `cluster::commit_order`).
pub(crate) fn batch_size() -> usize {
    crate::config::current().batch()
}

/// Ingest `inputs` (or, with `follow`, keep watching them). The input is read on another
/// thread into a bounded channel; SIGINT or SIGTERM stop the run cleanly: what was read is
/// analysed and committed, the summary printed, and the exit status is that of a finished run.
fn ingest(
    db: &Path,
    inputs: &[PathBuf],
    max_doc_mib: usize,
    as_json: bool,
    follow: bool,
) -> Result<Done> {
    if follow {
        if let Some(bad) = inputs.iter().find(|p| !p.is_dir()) {
            anyhow::bail!("--follow watches directories; {} is not one", bad.display());
        }
    }
    // One ingest at a time on an embedded store, so that concurrent runs give the events of
    // the same runs in sequence; readers take no lock. Taken before the signal handlers, so
    // Ctrl-C ends a wait at once.
    let _lock = ingest_lock(db)?;
    let stop = crate::stream::Stop::on_signals().context("cannot catch SIGINT and SIGTERM")?;
    // The reader keeps one document ahead; the engine's queue (one batch) is the read-ahead.
    let items = crate::stream::spawn_reader(
        inputs.to_vec(),
        ingest_options(max_doc_mib),
        follow,
        1,
        stop.clone(),
    );
    let bar = progress("ingesting");
    let (s, read, store) = ingest_stream(db, items, &stop, batch_size(), &bar)?;
    print_ingest_summary(db, &s, read, store.as_ref(), as_json)
}

/// Ingest what arrives on `items` until it ends or a stop is asked for, through the one ingest
/// engine (`pipeline::Ingestor`: batches of `batch_size` that wait to fill, two in flight, the
/// batch in hand committed when the input goes quiet); `storyline ingest` and `storyline watch`
/// both feed it through this. Input errors are printed as they come; a store error ends the
/// ingest. Returns the pipeline's summary, what was read and the store.
pub(crate) fn ingest_stream(
    db: &Path,
    items: std::sync::mpsc::Receiver<crate::stream::Item>,
    stop: &crate::stream::Stop,
    batch_size: usize,
    bar: &indicatif::ProgressBar,
) -> Result<(pipeline::Summary, Read, Box<dyn Store>)> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    let mut store = open_store(db)?;
    // Enrichment's dictionaries load while the encoder does.
    pipeline::preload_enrichment();
    let encoder = embed::Encoder::from_cache(&assets::Cache::configured())
        .context("cannot load the multilingual encoder")?;
    let mut pipe = pipeline::Pipeline::with_encoder(store.as_mut(), Some(&encoder))
        .context("cannot load the store's events")?;
    // The caller holds the store's ingest lock for the whole run.
    let (ingestor, submitter) =
        pipeline::Ingestor::new(pipeline::ingestor::Options::stream(batch_size));
    let read_errors = Arc::new(AtomicUsize::new(0));
    // Documents taken by the engine (stored or not): none at all is "nothing found".
    let taken = Arc::new(AtomicUsize::new(0));
    let reply: pipeline::ingestor::Reply = {
        let (bar, taken) = (bar.clone(), Arc::clone(&taken));
        Arc::new(move |_, r| {
            taken.fetch_add(1, Ordering::SeqCst);
            if let Err(e) = r {
                bar.suspend(|| eprintln!("storyline: {e}"));
            }
            bar.inc(1);
        })
    };
    {
        let (bar, read_errors, stop) = (bar.clone(), Arc::clone(&read_errors), stop.clone());
        // Hands what is read to the engine; on a stop, what was read already is handed over
        // (not dropped) and the engine's queue closes, so it finishes that and ends. Not
        // joined: it may wait on an input (stdin, a watch) after a store error ended the engine.
        std::thread::spawn(move || {
            let hand_over = |item: crate::stream::Item| match item {
                Ok(raw) => submitter.submit(vec![raw], 0, Arc::clone(&reply)).is_ok(),
                Err(e) => {
                    if !e.empty {
                        read_errors.fetch_add(1, Ordering::SeqCst);
                    }
                    bar.suspend(|| eprintln!("storyline: {e}"));
                    true
                }
            };
            loop {
                if stop.requested() {
                    for item in items.try_iter() {
                        if !hand_over(item) {
                            break;
                        }
                    }
                    return;
                }
                match items.recv_timeout(std::time::Duration::from_millis(100)) {
                    Ok(item) => {
                        if !hand_over(item) {
                            return;
                        }
                    }
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
                }
            }
        });
    }
    // The stop reaches the engine through the reader side (above), so nothing read is lost
    // between the two.
    let no_stop = std::sync::atomic::AtomicBool::new(false);
    ingestor
        .run(&mut pipe, &no_stop)
        .context("cannot store a document")?;
    if stop.requested() {
        bar.suspend(|| {
            eprintln!(
                "storyline: stopped by a signal; every document read was committed (run the same ingest again to resume)"
            )
        });
    }
    bar.finish_and_clear();
    let s = pipe.summary.clone();
    drop(pipe);
    Ok((
        s,
        Read {
            errors: read_errors.load(Ordering::SeqCst),
            documents: taken.load(Ordering::SeqCst),
        },
        store,
    ))
}

/// What an ingest read from its inputs, beside what the pipeline did with it.
pub(crate) struct Read {
    /// Inputs that failed to read (each printed as it came).
    pub errors: usize,
    /// Documents read, stored or not.
    pub documents: usize,
}

/// The summary of an ingest (or of the ingest side of a watch); its exit status.
pub(crate) fn print_ingest_summary(
    db: &Path,
    s: &pipeline::Summary,
    read: Read,
    store: &dyn Store,
    as_json: bool,
) -> Result<Done> {
    let failed = s.failed + read.errors;
    let events = store.events()?.len();
    let documents = store.document_count()?;
    let mut out = std::io::stdout().lock();
    if as_json {
        let v = json!({
            "ingested": s.ingested, "already_ingested": s.already, "duplicates": s.duplicates,
            "failed": failed, "documents": documents, "events": events, "store": shown(db),
        });
        writeln!(out, "{v}")?;
    } else {
        writeln!(
            out,
            "ingested {} new document{} ({} already ingested, {} exact duplicate{}, {} failed); the store at {} now holds {} documents in {} events",
            s.ingested,
            plural(s.ingested),
            s.already,
            s.duplicates,
            plural(s.duplicates),
            failed,
            shown(db),
            documents,
            events
        )?;
    }
    Ok(if failed > 0 {
        Done::PartlyFailed
    } else if read.documents == 0 {
        Done::NothingFound
    } else {
        Done::Ok
    })
}

pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn extract(inputs: &[PathBuf], format: Format, max_doc_mib: usize) -> Result<Done> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failed = 0usize;
    let mut found = 0usize;
    for item in ingest::read_paths(inputs, ingest_options(max_doc_mib)) {
        let raw = match item {
            Ok(raw) => raw,
            Err(e) => {
                if !e.empty {
                    failed += 1;
                }
                eprintln!("storyline: {e}");
                continue;
            }
        };
        let mut article = extract::extract(&raw);
        article.segments = lang::segment(&article.paragraphs);
        for d in &article.diagnostics {
            eprintln!("storyline: {}: {d}", raw.source);
        }
        if article.paragraphs.iter().any(|p| !p.trim().is_empty()) {
            found += 1;
        }
        match format {
            Format::Jsonl => {
                serde_json::to_writer(&mut out, &wire::extract_record(&article))?;
                out.write_all(b"\n")?;
            }
            Format::Text => {
                writeln!(out, "# {}", article.title.as_deref().unwrap_or(&article.id))?;
                let meta = [
                    ("id", Some(article.id.clone())),
                    ("path", Some(article.source.clone())),
                    ("published", article.published.clone()),
                    ("outlet", article.outlet.clone()),
                    (
                        "byline",
                        (!article.byline.is_empty()).then(|| article.byline.join(", ")),
                    ),
                    ("editor", article.editor.clone()),
                    (
                        "dateline",
                        article.dateline.as_ref().map(|d| d.text.clone()),
                    ),
                    ("languages", Some(article.languages().join(", "))),
                ];
                for (k, v) in meta {
                    if let Some(v) = v {
                        writeln!(out, "{k}: {v}")?;
                    }
                }
                writeln!(out, "\n{}\n", article.text())?;
            }
        }
    }
    out.flush()?;
    Ok(if failed > 0 {
        Done::PartlyFailed
    } else if found == 0 {
        Done::NothingFound
    } else {
        Done::Ok
    })
}

fn export(db: &Path) -> Result<Done> {
    let store = existing_store(db)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let n = crate::export::export(store.as_ref(), &mut out).map_err(|e| match e {
        crate::export::ExportError::Write(io) => anyhow::Error::new(io),
        other => anyhow::Error::new(other),
    })?;
    out.flush()?;
    Ok(if n == 0 { Done::NothingFound } else { Done::Ok })
}

fn embed(input: Option<&Path>, raw: bool) -> Result<Done> {
    let reader: Box<dyn BufRead> = match input {
        None => Box::new(std::io::stdin().lock()),
        Some(p) if p.as_os_str() == "-" => Box::new(std::io::stdin().lock()),
        Some(p) => Box::new(std::io::BufReader::new(
            std::fs::File::open(p).with_context(|| format!("cannot open {}", p.display()))?,
        )),
    };
    let shown = input.map_or("<stdin>".to_string(), |p| p.display().to_string());
    let encoder = embed::Encoder::from_cache(&assets::Cache::configured())
        .context("cannot load the multilingual encoder")?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failed = 0;
    let mut n = 0;
    for (i, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("cannot read {shown}"))?;
        let at = format!("{shown}:{}", i + 1);
        let doc = if line.trim_start().starts_with('{') {
            // The same reading of a JSON line as ingest's (id, title, text or html, lang…).
            let opts = ingest::Options::default();
            let cursor = Box::new(std::io::Cursor::new(line.into_bytes()));
            match ingest::read_jsonl(cursor, &shown, opts).next() {
                Some(Ok(mut d)) => {
                    d.source = at.clone();
                    d
                }
                Some(Err(e)) => {
                    failed += 1;
                    eprintln!("storyline: {at}: {}", e.why);
                    continue;
                }
                None => continue,
            }
        } else {
            model::RawDocument {
                id: (i + 1).to_string(),
                source: at.clone(),
                content: model::Content::Text(line),
                meta: model::RawMeta::default(),
                encoding: "UTF-8".into(),
            }
        };
        let vector = if raw {
            encoder.embed(doc.content.as_str())
        } else {
            match pipeline::document_vector(&encoder, &doc) {
                Ok(v) => v,
                Err(e) => {
                    failed += 1;
                    eprintln!("storyline: {e}");
                    continue;
                }
            }
        };
        serde_json::to_writer(&mut out, &json!({"id": doc.id, "vector": vector}))?;
        out.write_all(b"\n")?;
        n += 1;
    }
    out.flush()?;
    Ok(if failed > 0 {
        Done::PartlyFailed
    } else if n == 0 {
        Done::NothingFound
    } else {
        Done::Ok
    })
}

/// The catalog the server lists from, built over `store`: the CLI's lists are the API's.
fn catalog(store: &dyn Store) -> Result<server::Catalog> {
    server::Catalog::build(store).context("cannot read the store")
}

/// An API error (a bad filter value) as the CLI's error.
fn api(e: server::ApiError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// `storyline events`: the API's event list (`GET /api/events`, the same filters and order),
/// every page of it up to `limit`.
fn events(
    db: &Path,
    mut filter: server::EventFilter,
    limit: Option<usize>,
    as_json: bool,
) -> Result<Done> {
    let store = existing_store(db)?;
    let catalog = catalog(store.as_ref())?;
    let want = limit.unwrap_or(usize::MAX);
    let mut rows = Vec::new();
    while rows.len() < want {
        filter.limit = Some((want - rows.len()).min(server::MAX_PAGE));
        let page = catalog.events_page(&filter).map_err(api)?;
        let n = page.items.len();
        rows.extend(page.items);
        let next = filter.offset.unwrap_or(0) + n;
        filter.offset = Some(next);
        if n == 0 || next >= page.total {
            break;
        }
    }
    rows.truncate(want);
    let mut out = std::io::stdout().lock();
    if as_json {
        for e in &rows {
            writeln!(out, "{}", serde_json::to_string(e)?)?;
        }
    } else {
        let table: Vec<[String; 7]> = rows
            .iter()
            .map(|e| {
                let dates = match (&e.start, &e.end) {
                    (Some(s), Some(t)) if s != t => format!("{s}..{t}"),
                    (Some(s), _) => s.clone(),
                    _ => "undated".into(),
                };
                [
                    e.id.clone(),
                    dates,
                    e.place.clone().unwrap_or_else(|| "-".into()),
                    format!("{} doc{}", e.document_count, plural(e.document_count)),
                    list_or_dash(&e.languages, 4),
                    list_or_dash(&e.outlets, 2),
                    e.title.clone(),
                ]
            })
            .collect();
        write_table(
            &mut out,
            [
                "ID",
                "DATES",
                "PLACE",
                "DOCS",
                "LANGUAGES",
                "OUTLETS",
                "TITLE",
            ],
            &table,
        )?;
    }
    Ok(if rows.is_empty() {
        Done::NothingFound
    } else {
        Done::Ok
    })
}

/// The first `n` items joined with commas, `+K` for the rest; `-` for none.
fn list_or_dash(items: &[String], n: usize) -> String {
    if items.is_empty() {
        return "-".into();
    }
    let mut s = items.iter().take(n).cloned().collect::<Vec<_>>().join(",");
    if items.len() > n {
        s.push_str(&format!(" +{}", items.len() - n));
    }
    s
}

/// Rows under a header, each column as wide as its widest cell on screen (CJK characters take
/// two columns), two spaces apart; the last column is not padded.
fn write_table<const N: usize>(
    out: &mut impl Write,
    header: [&str; N],
    rows: &[[String; N]],
) -> std::io::Result<()> {
    use unicode_width::UnicodeWidthStr;
    let mut widths = header.map(UnicodeWidthStr::width);
    for r in rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.width());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == N {
                s.push_str(cell);
            } else {
                s.push_str(cell);
                s.push_str(&" ".repeat(widths[i] - cell.width() + 2));
            }
        }
        s.trim_end().to_string()
    };
    writeln!(out, "{}", line(header.to_vec()))?;
    for r in rows {
        writeln!(out, "{}", line(r.iter().map(String::as_str).collect()))?;
    }
    Ok(())
}

/// A figure as the pages write it: whole numbers without decimals.
fn figure(value: f64, unit: Option<&str>) -> String {
    let v = if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    };
    match unit {
        Some(u) if !u.is_empty() => format!("{v} {u}"),
        _ => v,
    }
}

/// The outlets (or, for a source without one, the document) of `sources`, once each.
fn outlets_of(sources: &[wire::api::SourceRef]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for s in sources {
        let n = s.outlet.as_deref().unwrap_or(&s.document);
        if !names.contains(&n) {
            names.push(n);
        }
    }
    names.join(", ")
}

/// Claims and quotes `storyline event` prints; `--json` has them all.
const SHOWN: usize = 10;

/// "… and N more" under a list cut at [`SHOWN`].
fn more(out: &mut impl Write, total: usize, what: &str) -> std::io::Result<()> {
    if total > SHOWN {
        writeln!(
            out,
            "  … and {} more {what} (all {total} with --json)",
            total - SHOWN
        )?;
    }
    Ok(())
}

/// `storyline event ID`: the API's event (`GET /api/events/{id}`) as text, or as its JSON body.
fn event(db: &Path, id: &str, as_json: bool, why: bool) -> Result<Done> {
    let store = existing_store(db)?;
    let catalog = catalog(store.as_ref())?;
    let Some(v) = catalog.event_view(store.as_ref(), id).map_err(api)? else {
        eprintln!("storyline: no event `{id}` (list them with `storyline events`)");
        return Ok(Done::NothingFound);
    };
    let mut out = std::io::stdout().lock();
    if as_json {
        writeln!(out, "{}", serde_json::to_string(&v)?)?;
        return Ok(Done::Ok);
    }
    let e = &v.summary;
    writeln!(out, "{}  {}", e.id, e.title)?;
    writeln!(
        out,
        "when: {} .. {}   where: {}   storyline: {}",
        e.start.as_deref().unwrap_or("?"),
        e.end.as_deref().unwrap_or("?"),
        e.place.as_deref().unwrap_or("?"),
        e.storyline.as_deref().unwrap_or("-")
    )?;
    writeln!(
        out,
        "reports: {}   independent sources: {}   languages: {}   outlets: {}",
        e.document_count,
        v.independent_sources,
        list_or_dash(&e.languages, usize::MAX),
        list_or_dash(&e.outlets, usize::MAX)
    )?;
    if !v.key_figures.is_empty() {
        writeln!(out, "key figures:")?;
        for f in &v.key_figures {
            writeln!(
                out,
                "  {}{}  ({})",
                figure(f.value, f.unit.as_deref()),
                f.subject
                    .as_deref()
                    .map(|s| format!(" {s}"))
                    .unwrap_or_default(),
                outlets_of(&f.sources)
            )?;
        }
    }
    if !v.claims.is_empty() {
        writeln!(out, "claims (most independent sources first):")?;
        for c in v.claims.iter().take(SHOWN) {
            writeln!(
                out,
                "  [{} source{}] {}  ({}){}",
                c.independent_sources,
                plural(c.independent_sources),
                c.text,
                outlets_of(&c.sources),
                if c.disagreement.is_empty() {
                    ""
                } else {
                    "  [figures disagree]"
                }
            )?;
        }
        more(&mut out, v.claims.len(), "claims")?;
    }
    if !v.disagreements.is_empty() {
        writeln!(out, "figures that disagree:")?;
        for d in &v.disagreements {
            let sides: Vec<String> = d
                .facts
                .iter()
                .map(|f| {
                    format!(
                        "{} {}",
                        f.outlet.as_deref().unwrap_or(&f.document),
                        figure(f.value, f.unit.as_deref())
                    )
                })
                .collect();
            writeln!(out, "  {}: {}", d.subject, sides.join(" | "))?;
        }
    }
    if !v.quotes.is_empty() {
        writeln!(out, "quotes:")?;
        for q in v.quotes.iter().take(SHOWN) {
            writeln!(
                out,
                "  {}: {} ({})",
                q.speaker.as_deref().unwrap_or("?"),
                q.text,
                q.outlet.as_deref().unwrap_or(&q.document)
            )?;
        }
        more(&mut out, v.quotes.len(), "quotes")?;
    }
    writeln!(out, "documents:")?;
    let event = store.event(id)?;
    for d in event.iter().flat_map(|e| &e.documents) {
        if let Some(rec) = store.document(d)? {
            let a = &rec.article;
            writeln!(
                out,
                "  {}  {}  {}  [{}]  {}{}",
                a.id,
                a.published.as_deref().unwrap_or("-"),
                a.outlet.as_deref().unwrap_or("-"),
                a.languages().join(","),
                a.title.as_deref().unwrap_or(""),
                rec.duplicate_of
                    .as_ref()
                    .map(|o| format!("  (duplicate of {o})"))
                    .unwrap_or_default()
            )?;
            if why {
                writeln!(
                    out,
                    "      why: {}",
                    rec.why.as_deref().unwrap_or("(not recorded)")
                )?;
            }
        }
    }
    Ok(Done::Ok)
}

/// `storyline search`: the API's hits (`GET /api/search`, with its filters); `--json` prints
/// each as the API does, else one line each: id, event, title, snippet.
fn search(
    db: &Path,
    query: &str,
    filter: &server::SearchFilter,
    limit: usize,
    as_json: bool,
    semantic: bool,
) -> Result<Done> {
    let store = existing_store(db)?;
    let searcher = search::Searcher::load(semantic && search::has_vectors(store.as_ref()))
        .with_settings(crate::config::current().search());
    let catalog = catalog(store.as_ref())?;
    let r = server::search_results(&searcher, store.as_ref(), &catalog, query, filter, 0, limit)
        .map_err(api)?;
    let mut out = std::io::stdout().lock();
    for h in &r.hits {
        if as_json {
            writeln!(out, "{}", serde_json::to_string(h)?)?;
        } else {
            writeln!(
                out,
                "{}\t{}\t{}\t{}",
                h.document,
                h.event.as_deref().unwrap_or("-"),
                h.title.as_deref().unwrap_or(""),
                h.snippet
            )?;
        }
    }
    Ok(if r.hits.is_empty() {
        Done::NothingFound
    } else {
        Done::Ok
    })
}

fn serve(db: &Path, config: server::Config, semantic: bool) -> Result<Done> {
    if config.allow_ingest {
        match config.token.as_deref() {
            None | Some("") => anyhow::bail!(
                "--allow-ingest needs a token: give --token TOKEN or set STORYLINE_TOKEN"
            ),
            Some(t) if !server::token_ok(t) => anyhow::bail!(
                "the ingest token is {} characters long; give one of at least {} (e.g. from `openssl rand -hex 16`)",
                t.chars().count(),
                server::MIN_TOKEN_CHARS
            ),
            Some(_) => {}
        }
    }
    if !config.addr.ip().is_loopback() {
        eprintln!(
            "storyline: warning: listening on {}, reachable from other machines",
            config.addr
        );
    }
    let store = open_store(db)?;
    // The encoder ranks searches when documents carry vectors, and embeds what is ingested
    // over HTTP (as `storyline ingest` does).
    let searcher = std::sync::Arc::new(
        search::Searcher::load(
            semantic && (config.allow_ingest || search::has_vectors(store.as_ref())),
        )
        .with_settings(crate::config::current().search()),
    );
    drop(store);
    let db = db.to_path_buf();
    let open = move || -> Result<Box<dyn Store>, store::StoreError> {
        match db.to_str() {
            Some(spec) => store::open(spec),
            None => Ok(Box::new(SqliteStore::open(&db)?)),
        }
    };
    let addr = config.addr;
    let app = server::App::new(config, &open, searcher).context("cannot open the store")?;
    // The event pages' map: loaded before the first request, so every page has it (or, when
    // its data cannot be fetched, none does and the pages list places as text).
    match server::Atlas::load() {
        Ok(atlas) => app.set_atlas(std::sync::Arc::new(atlas)),
        Err(e) => eprintln!("storyline: warning: the event pages' map is off: {e}"),
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let bound = listener.local_addr()?;
        println!(
            "storyline: serving http://{bound}/ (API under /api, description at /api/openapi.json)"
        );
        let _ = std::io::stdout().flush();
        server::serve(app, listener)
            .await
            .context("the server stopped")?;
        anyhow::Ok(())
    })?;
    Ok(Done::Ok)
}
