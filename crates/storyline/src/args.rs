//! Command-line arguments (the CLI contract in DESIGN.md).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Storyline: news pages in many languages → events, who said what, and which outlets report it.
#[derive(Debug, Parser)]
#[command(name = "storyline", version, about, max_term_width = 100)]
pub struct Cli {
    /// The store: a directory (embedded, created if missing) or a PostgreSQL URL
    /// (`postgres://user@host:port/dbname`) shared by several workers.
    #[arg(
        long,
        global = true,
        env = "STORYLINE_DB",
        default_value = "./storyline-data"
    )]
    pub db: PathBuf,
    /// A TOML configuration file (default: `$XDG_CONFIG_HOME/storyline/config.toml` when it
    /// exists). The environment (`STORYLINE_*`) overrides it, the command line both.
    #[arg(long, global = true, env = "STORYLINE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read files or directories (HTML, text, JSONL, WARC, RSS/Atom, gzipped or not) into the store.
    ///
    /// Safe to re-run: content already stored is recognised and not duplicated. Bad inputs are
    /// reported one per line on stderr and the rest is ingested. One ingest at a time runs on
    /// an embedded store: a second one waits for the first (and says so), readers do not.
    ///
    /// Exit status: 0 when documents were read (new or already stored), 1 when the inputs held
    /// none (an empty directory, a feed without items), 2 when any input or document failed.
    Ingest {
        /// Files or directories; `-` reads JSON Lines from standard input.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Largest document to read, in MiB (a page, a JSONL line, a WARC record).
        #[arg(long, default_value_t = 32)]
        max_doc_mib: usize,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
        /// Keep watching the input directories: ingest the files there, then each new file once
        /// it is complete (its size stopped changing, or it was renamed into place), until
        /// SIGINT or SIGTERM.
        #[arg(long)]
        follow: bool,
    },
    /// Extract clean text and metadata, without storing anything.
    ///
    /// Exit status: 0 when some document gave text, 1 when none did (an empty directory, a
    /// feed without items, pages without article text), 2 when any input could not be read.
    Extract {
        /// Files or directories (the formats ingest reads).
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// `jsonl`: one JSON object per document; `text`: the clean text only.
        #[arg(long, value_enum, default_value_t = Format::Jsonl)]
        format: Format,
        /// Largest document to read, in MiB (a page, a JSONL line, a WARC record).
        #[arg(long, default_value_t = 32)]
        max_doc_mib: usize,
    },
    /// Write the whole analysis as JSON Lines (documents, events, entities, quotes, facts, claims).
    Export,
    /// Embed texts with the multilingual encoder: one text per line, or JSONL with `id` and `text`
    /// (and the other fields ingest reads). Each vector is the one ingest stores for the same
    /// document: the title and lead of each language segment, Traditional Chinese converted to
    /// Simplified, averaged.
    Embed {
        /// Input file; standard input when absent or `-`.
        input: Option<PathBuf>,
        /// Embed each text exactly as given (no extraction, lead, segments or Traditional →
        /// Simplified conversion): not the vector the pipeline stores.
        #[arg(long)]
        raw: bool,
    },
    /// List events, newest first, with the filters of the API's event list (`GET /api/events`).
    ///
    /// Columns: id, dates, place, documents, languages, outlets, title.
    Events {
        /// Only events ending on or after this day: an ISO date (2024-05-16) or an RFC 3339
        /// date-time (2024-05-16T08:00:00+08:00, whose own day counts).
        #[arg(long)]
        from: Option<String>,
        /// Only events starting on or before this day (an ISO date or date-time, as --from).
        #[arg(long)]
        to: Option<String>,
        /// Only events with a document in this language (a code: en, zh-Hans, zh-Hant, ru…).
        #[arg(long)]
        lang: Option<String>,
        /// Only events with a document from this outlet, named as the documents name it.
        #[arg(long)]
        outlet: Option<String>,
        /// Which events come first.
        #[arg(long, value_enum, default_value_t = Order::Newest)]
        order: Order,
        /// Skip this many events first.
        #[arg(long, default_value_t = 0)]
        offset: usize,
        /// Show at most this many events (all when absent).
        #[arg(long)]
        limit: Option<usize>,
        /// One JSON object per line, each with the fields of an item of `GET /api/events`.
        #[arg(long)]
        json: bool,
    },
    /// Show one event: when and where, reports, sources and languages, key figures, claims
    /// (most independent sources first), figures that disagree, quotes and documents.
    Event {
        /// The event's id (`storyline events` lists them).
        id: String,
        /// Print the event as one JSON object: the body of `GET /api/events/{id}`.
        #[arg(long)]
        json: bool,
        /// Say for each document which signals put it in this event.
        #[arg(long)]
        why: bool,
    },
    /// Search documents; one hit per line, starting with the document id.
    ///
    /// Query syntax (the same in the API and the web UI):
    ///
    ///   council budget          both words
    ///   council OR budget       either word (OR in capitals); `summit Kazan OR Johannesburg`
    ///                           is summit and either city: OR binds tighter than the AND
    ///   "city council"          the words in that order, next to each other
    ///   -budget  -"city hall"   leave out documents with this word or phrase
    ///
    /// Words match in any form the index knows: Russian and English inflections (stems),
    /// Traditional or Simplified Chinese, cut into words as in the documents. Words and phrases
    /// are also searched in their translations (CC-CEDICT, the names of stored entities), and,
    /// when documents carry vectors, by meaning; exclusions are taken as written, never
    /// translated. A quote left open runs to the end; a lone `-` is ignored; `OR` without a word
    /// or phrase on each side, or a query of exclusions only, is an error. Quote the whole query
    /// for the shell: storyline search 'council OR budget -"city hall"'
    #[command(verbatim_doc_comment)]
    Search {
        /// The query; several arguments are joined with spaces.
        #[arg(required = true, allow_hyphen_values = true)]
        query: Vec<String>,
        /// Show at most this many hits (1–100).
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=100))]
        limit: u64,
        /// Only documents in this language (a code: en, zh-Hans, ru…; zh takes both scripts).
        #[arg(long)]
        lang: Option<String>,
        /// Only documents from this outlet, named as the documents name it (any case).
        #[arg(long)]
        outlet: Option<String>,
        /// Only documents published on or after this day (an ISO date or RFC 3339 date-time).
        #[arg(long)]
        from: Option<String>,
        /// Only documents published on or before this day (an ISO date or date-time).
        #[arg(long)]
        to: Option<String>,
        /// One JSON object per line, each with the fields of a hit of `GET /api/search`.
        #[arg(long)]
        json: bool,
        /// Full text and dictionary translations only; do not load the multilingual encoder.
        #[arg(long)]
        no_semantic: bool,
    },
    /// Serve the JSON API (under /api, described at /api/openapi.json) and the web UI.
    ///
    /// Binds the loopback interface unless told otherwise. Ingest over HTTP is off unless
    /// `--allow-ingest` is given together with a token (`--token` or STORYLINE_TOKEN).
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Enable POST /api/ingest (needs a token).
        #[arg(long)]
        allow_ingest: bool,
        /// Bearer token for POST /api/ingest, at least 16 characters.
        #[arg(long, env = "STORYLINE_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// Largest request body, in MiB.
        #[arg(long, default_value_t = 16)]
        max_body_mib: usize,
        /// Longest a request may take, in seconds.
        #[arg(long, default_value_t = 30)]
        timeout_secs: u64,
        /// Longest a client may take to send a request's headers, and longest an idle
        /// keep-alive connection is kept, in seconds; then the connection is closed.
        #[arg(long, default_value_t = 15)]
        header_timeout_secs: u64,
        /// Do not load the multilingual encoder for search.
        #[arg(long)]
        no_semantic: bool,
    },
    /// Follow live sources politely and ingest each new article: RSS/Atom feed URLs, news
    /// sitemap URLs (indexes too), OPML files of feeds, text files of URLs (one per line).
    ///
    /// Obeys robots.txt, asks each host at most once at a time and at most once a second (or
    /// its Crawl-delay), uses conditional GET, and remembers in the store what it fetched, so a
    /// restart resumes without fetching again. Without --once it keeps polling, each source on
    /// its own schedule, until SIGINT or SIGTERM.
    Watch(WatchArgs),
}

/// The order of the event list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Order {
    /// Latest start first (the API's default).
    Newest,
    /// Earliest start first.
    Oldest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Jsonl,
    Text,
}

/// `storyline watch`'s arguments.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Feed or sitemap URLs, OPML files, files of URLs.
    #[arg(required = true)]
    pub sources: Vec<String>,
    /// Poll every source once, fetch what is new, print a summary and exit.
    #[arg(long)]
    pub once: bool,
    /// Write every response (feeds, pages, robots.txt) to WARC files in this directory;
    /// `storyline ingest DIR` gives the same documents again.
    #[arg(long)]
    pub archive: Option<PathBuf>,
    /// Rotate archive files past this size, in MiB.
    #[arg(long, default_value_t = 1024)]
    pub archive_file_mib: u64,
    /// How site owners can reach you (an e-mail address or a URL), sent in the User-Agent.
    #[arg(long, env = "STORYLINE_CONTACT")]
    pub contact: Option<String>,
    /// Also fetch from private, loopback and link-local addresses.
    #[arg(long)]
    pub allow_private: bool,
    /// Least time between two requests to one host, in seconds (robots.txt's Crawl-delay
    /// makes it longer).
    #[arg(long, default_value_t = 1.0)]
    pub delay_secs: f64,
    /// Requests in flight at once, over all hosts (at most --per-host to each).
    #[arg(long, default_value_t = 8)]
    pub workers: usize,
    /// Requests to one host in flight at once. The default, 1, is what a site owner expects;
    /// raise it only for a site that is yours or that asks for it.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub per_host: u64,
    /// Largest response, in MiB (as sent and decompressed).
    #[arg(long, default_value_t = 16)]
    pub max_page_mib: u64,
    /// Seconds to connect and to receive the response headers; the body gets twice as long.
    #[arg(long, default_value_t = 30.0)]
    pub timeout_secs: f64,
    /// Retries after a 5xx, a 429 or a network failure.
    #[arg(long, default_value_t = 3)]
    pub retries: u32,
    /// First back-off before a retry, in seconds (doubled each time).
    #[arg(long, default_value_t = 2.0)]
    pub backoff_secs: f64,
    /// Longest Retry-After or Crawl-delay honoured, in seconds; a host asking for more is
    /// left for the next pass.
    #[arg(long, default_value_t = 600)]
    pub max_wait_secs: u64,
    /// Bounds of each source's polling interval, in seconds (it shortens when new items
    /// appear and lengthens when not).
    #[arg(long, default_value_t = 300)]
    pub min_interval_secs: u64,
    /// The longest polling interval, in seconds (see --min-interval-secs).
    #[arg(long, default_value_t = 21600)]
    pub max_interval_secs: u64,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every argument of every command says what it is for in `--help`.
    #[test]
    fn every_argument_has_help() {
        let cli = super::Cli::command();
        let mut missing = Vec::new();
        for cmd in cli.get_subcommands() {
            for arg in cmd.get_arguments() {
                let builtin = ["help", "version"].contains(&arg.get_id().as_str());
                if arg.get_help().is_none() && !builtin {
                    missing.push(format!("{} {}", cmd.get_name(), arg.get_id()));
                }
            }
        }
        assert!(missing.is_empty(), "arguments without help: {missing:?}");
    }
}
