//! Polite HTTP: one [`Fetcher`] shared by the watcher's workers.
//!
//! Every request goes through the same gate: the URL must be `http`/`https`; robots.txt of its
//! host (fetched on first use, cached for [`FetchConfig::robots_ttl`]) must allow it; the host
//! must have a free place (at most [`FetchConfig::per_host`] requests in flight, one by default)
//! and its delay since the last request started or ended passed (at least [`FetchConfig::min_delay`], more when robots.txt's `Crawl-delay` or a
//! `Retry-After` says so); the name must resolve to public addresses unless private ones are
//! allowed (checked on the resolved addresses of every connection, so every redirect hop too).
//! Redirects are followed here, hop by hop, up to a limit and never in a loop. 5xx answers and
//! network timeouts are retried with exponential back-off; a 4xx is not. Bodies are read to a
//! hard cap, and compressed bodies are inflated as a stream that stops at the same cap.

use std::collections::HashMap;
use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};
use url::Url;

use crate::address::{allowed_addresses, check_scheme, host_key};
use crate::archive::{http_block, Archive};

/// How the fetcher behaves; the defaults are what a site owner would accept.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// Sent with every request; names the tool and a contact.
    pub user_agent: String,
    /// The token matched against robots.txt `User-agent` lines.
    pub robots_agent: String,
    /// Fetch from private, loopback and link-local addresses (tests, intranets).
    pub allow_private: bool,
    /// Largest body, as sent and after decompression.
    pub max_bytes: u64,
    pub connect_timeout: Duration,
    /// Until the response headers are in.
    pub header_timeout: Duration,
    /// For the whole body, once the headers are in.
    pub body_timeout: Duration,
    pub max_redirects: usize,
    /// Retries after a 5xx, a 429 or a network failure.
    pub retries: u32,
    /// The first back-off; doubled on every retry.
    pub backoff: Duration,
    /// Least time between two requests to one host: between one's start and the next's, and
    /// between one's end and the next's start.
    pub min_delay: Duration,
    /// Requests to one host in flight at once (at least 1).
    pub per_host: usize,
    /// Longest `Retry-After` or `Crawl-delay` honoured; a server asking for more is given up on
    /// for this pass.
    pub max_wait: Duration,
    /// How long a host's robots.txt is trusted.
    pub robots_ttl: Duration,
}

impl Default for FetchConfig {
    fn default() -> FetchConfig {
        FetchConfig {
            user_agent: format!("storyline/{} (news monitor)", env!("CARGO_PKG_VERSION")),
            robots_agent: "storyline".into(),
            allow_private: false,
            max_bytes: 16 << 20,
            connect_timeout: Duration::from_secs(10),
            header_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(60),
            max_redirects: 5,
            retries: 3,
            backoff: Duration::from_secs(2),
            min_delay: Duration::from_secs(1),
            per_host: 1,
            max_wait: Duration::from_secs(600),
            robots_ttl: Duration::from_secs(24 * 3600),
        }
    }
}

/// Validators from an earlier fetch, for a conditional GET.
#[derive(Debug, Clone, Default)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A final answer (not a redirect).
#[derive(Debug, Clone)]
pub struct Response {
    /// The URL that answered (after redirects).
    pub url: Url,
    pub status: u16,
    /// The response headers as received (names lowercased).
    pub headers: Vec<(String, String)>,
    /// The body as received (still content-encoded).
    pub raw: Vec<u8>,
    /// The body decoded from its content encoding.
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn validators(&self) -> Validators {
        Validators {
            etag: self.header("etag").map(str::to_string),
            last_modified: self.header("last-modified").map(str::to_string),
        }
    }

    /// The HTTP response as a WARC `response` block: status line, headers, body as received.
    pub fn block(&self) -> Vec<u8> {
        http_block(self.status, &self.headers, &self.raw)
    }
}

/// Why a URL could not be had. Each message names the URL.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FetchError {
    /// Not fetched by rule: scheme, robots.txt, private address.
    #[error("{url}: {why}")]
    Refused { url: String, why: String },
    /// A final 4xx or 5xx answer.
    #[error("{url}: HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: {why}")]
    Redirect { url: String, why: String },
    #[error("{url}: body larger than {limit} bytes; not kept")]
    TooLarge { url: String, limit: u64 },
    /// DNS, connection, TLS, timeout: after the retries.
    #[error("{url}: {why}")]
    Network { url: String, why: String },
    #[error("{url}: {why}")]
    Body { url: String, why: String },
    #[error("{url}: stopped")]
    Stopped { url: String },
}

impl FetchError {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            FetchError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// A host's robots.txt as last fetched.
struct RobotsEntry {
    /// `None`: no rules (absent or 4xx): everything allowed. `Some(None)` is never stored.
    robot: Option<texting_robots::Robot>,
    /// robots.txt could not be read (5xx, network): nothing is fetched until it expires.
    unreachable: bool,
    expires: Instant,
}

#[derive(Default)]
struct HostSlot {
    /// Requests to the host in flight.
    in_flight: usize,
    /// Tickets of the workers waiting for the host, first come first served.
    waiting: std::collections::VecDeque<u64>,
    next_ticket: u64,
    /// No request before this.
    next_at: Option<Instant>,
    robots: Option<Arc<RobotsEntry>>,
    /// robots.txt is being fetched by some worker.
    robots_loading: bool,
}

/// The fetcher: an HTTP agent, the per-host gates and robots cache, and the archive.
pub struct Fetcher {
    agent: ureq::Agent,
    config: FetchConfig,
    hosts: Mutex<HashMap<String, HostSlot>>,
    freed: Condvar,
    archive: Option<Arc<Mutex<Archive>>>,
    stop: Arc<AtomicBool>,
}

/// The resolver that drops addresses the fetcher may not reach.
#[derive(Debug)]
struct CheckedResolver {
    inner: DefaultResolver,
    allow_private: bool,
}

impl Resolver for CheckedResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let found = self.inner.resolve(uri, config, timeout)?;
        let host = uri.host().unwrap_or("");
        let kept = allowed_addresses(host, found.iter().copied(), self.allow_private)
            .map_err(|why| std::io::Error::new(std::io::ErrorKind::PermissionDenied, why))?;
        let mut out = self.empty();
        for a in kept {
            if out.try_push(a).is_err() {
                break;
            }
        }
        if out.is_empty() {
            return Err(ureq::Error::HostNotFound);
        }
        Ok(out)
    }
}

/// One exchange's outcome, before redirects are followed.
enum Hop {
    Final(Response),
    Redirect(Response, Url),
}

impl Fetcher {
    pub fn new(
        config: FetchConfig,
        archive: Option<Arc<Mutex<Archive>>>,
        stop: Arc<AtomicBool>,
    ) -> Fetcher {
        let agent_config = ureq::Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .user_agent(config.user_agent.as_str())
            .timeout_connect(Some(config.connect_timeout))
            .timeout_resolve(Some(config.connect_timeout))
            .timeout_recv_response(Some(config.header_timeout))
            .timeout_recv_body(Some(config.body_timeout))
            .max_idle_connections_per_host(2)
            .build();
        let resolver = CheckedResolver {
            inner: DefaultResolver::default(),
            allow_private: config.allow_private,
        };
        let agent = ureq::Agent::with_parts(agent_config, DefaultConnector::default(), resolver);
        Fetcher {
            agent,
            config,
            hosts: Mutex::new(HashMap::new()),
            freed: Condvar::new(),
            archive,
            stop,
        }
    }

    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    fn hosts(&self) -> MutexGuard<'_, HashMap<String, HostSlot>> {
        // A worker that panicked while holding the lock left plain data behind; go on with it.
        self.hosts.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// GET `url`, following redirects, obeying robots.txt; with `validators`, a conditional
    /// GET (a `304` comes back as a [`Response`] with that status). Every response but the
    /// final one is archived here; the caller archives the final one as it sees fit.
    pub fn get(&self, url: &Url, validators: &Validators) -> Result<Response, FetchError> {
        self.follow(url, validators, true)
    }

    fn follow(
        &self,
        url: &Url,
        validators: &Validators,
        obey_robots: bool,
    ) -> Result<Response, FetchError> {
        let mut seen = vec![url.clone()];
        let mut at = url.clone();
        loop {
            check_scheme(&at).map_err(|why| FetchError::Refused {
                url: at.to_string(),
                why,
            })?;
            if obey_robots {
                self.check_robots(&at)?;
            }
            // Validators belong to the URL asked for, not to where it redirects.
            let conditional = if seen.len() == 1 {
                validators.clone()
            } else {
                Validators::default()
            };
            match self.exchange(&at, &conditional)? {
                Hop::Final(r) => return Ok(r),
                Hop::Redirect(r, next) => {
                    self.archive_response(&r);
                    if seen.contains(&next) {
                        return Err(FetchError::Redirect {
                            url: url.to_string(),
                            why: format!("redirect loop ({} → {next})", r.url),
                        });
                    }
                    if seen.len() > self.config.max_redirects {
                        return Err(FetchError::Redirect {
                            url: url.to_string(),
                            why: format!(
                                "more than {} redirects (last to {next})",
                                self.config.max_redirects
                            ),
                        });
                    }
                    seen.push(next.clone());
                    at = next;
                }
            }
        }
    }

    /// Write a response to the archive, if there is one.
    pub fn archive_response(&self, r: &Response) {
        if let Some(archive) = &self.archive {
            let (_, bytes) = crate::archive::record(
                crate::archive::Kind::Response,
                r.url.as_str(),
                &r.block(),
                &[],
                crate::archive::next_seq(),
            );
            let written = crate::archive::compress(&[&bytes]).and_then(|members| {
                archive
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .append(&members)
            });
            if let Err(e) = written {
                tracing::error!(url = %r.url, error = %e, "cannot write to the archive");
            }
        }
    }

    /// One request to `url` (retried as the rules say), under the host's gate.
    fn exchange(&self, url: &Url, validators: &Validators) -> Result<Hop, FetchError> {
        let host = host_key(url);
        let mut attempt = 0u32;
        loop {
            self.acquire(&host, url)?;
            let outcome = self.request(url, validators);
            let delay = self.host_delay(&host);
            match outcome {
                Ok(r) if r.status >= 500 || r.status == 429 => {
                    let asked = retry_after(&r);
                    let wait = asked.unwrap_or(self.config.backoff * 2u32.pow(attempt.min(16)));
                    if attempt >= self.config.retries || wait > self.config.max_wait {
                        self.release(&host, delay.max(asked.unwrap_or_default()));
                        self.archive_response(&r);
                        let status = r.status;
                        tracing::debug!(%url, status, "giving up");
                        return Err(FetchError::Status {
                            url: url.to_string(),
                            status,
                        });
                    }
                    self.archive_response(&r);
                    self.release(&host, delay.max(wait));
                    attempt += 1;
                }
                Ok(r) if (300..400).contains(&r.status) && r.status != 304 => {
                    self.release(&host, delay);
                    let Some(location) = r.header("location") else {
                        return Ok(Hop::Final(r));
                    };
                    let next = r.url.join(location).map_err(|e| FetchError::Redirect {
                        url: url.to_string(),
                        why: format!("bad redirect location {location:?}: {e}"),
                    })?;
                    return Ok(Hop::Redirect(r, next));
                }
                Ok(r) if r.status >= 400 => {
                    self.release(&host, delay);
                    self.archive_response(&r);
                    return Err(FetchError::Status {
                        url: url.to_string(),
                        status: r.status,
                    });
                }
                Ok(r) => {
                    self.release(&host, delay);
                    return Ok(Hop::Final(r));
                }
                Err(Failure::Retry(why)) if attempt < self.config.retries => {
                    tracing::debug!(%url, %why, attempt, "retrying");
                    let wait = self.config.backoff * 2u32.pow(attempt.min(16));
                    self.release(&host, delay.max(wait));
                    attempt += 1;
                }
                Err(Failure::Retry(why)) => {
                    self.release(&host, delay);
                    return Err(FetchError::Network {
                        url: url.to_string(),
                        why: format!("{why} (after {} attempts)", attempt + 1),
                    });
                }
                Err(Failure::Final(e)) => {
                    self.release(&host, delay);
                    return Err(e);
                }
            }
        }
    }

    /// Send one GET and read the answer to the cap.
    fn request(&self, url: &Url, validators: &Validators) -> Result<Response, Failure> {
        let mut req = self
            .agent
            .get(url.as_str())
            .header("Accept-Encoding", "gzip, deflate");
        if let Some(etag) = &validators.etag {
            req = req.header("If-None-Match", etag.as_str());
        }
        if let Some(lm) = &validators.last_modified {
            req = req.header("If-Modified-Since", lm.as_str());
        }
        let response = req.call().map_err(|e| failure(url, e))?;
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let cap = self.config.max_bytes;
        let mut raw = Vec::new();
        let read = response
            .into_body()
            .into_with_config()
            .limit(cap)
            .reader()
            .read_to_end(&mut raw);
        if let Err(e) = read {
            return Err(
                match e.get_ref().and_then(|i| i.downcast_ref::<ureq::Error>()) {
                    Some(ureq::Error::BodyExceedsLimit(_)) => {
                        Failure::Final(FetchError::TooLarge {
                            url: url.to_string(),
                            limit: cap,
                        })
                    }
                    Some(ureq::Error::Timeout(what)) => {
                        Failure::Retry(format!("timed out reading the body ({what})"))
                    }
                    _ => Failure::Retry(format!("reading the body failed: {e}")),
                },
            );
        }
        let encoding = headers
            .iter()
            .find(|(k, _)| k == "content-encoding")
            .map(|(_, v)| v.trim().to_ascii_lowercase());
        let body = inflate(&raw, encoding.as_deref(), cap).map_err(|why| {
            Failure::Final(match why {
                Inflate::TooLarge => FetchError::TooLarge {
                    url: url.to_string(),
                    limit: cap,
                },
                Inflate::Bad(why) => FetchError::Body {
                    url: url.to_string(),
                    why,
                },
            })
        })?;
        Ok(Response {
            url: url.clone(),
            status,
            headers,
            raw,
            body,
        })
    }

    /// Wait until `host` has a free place, its delay has passed and the workers that asked
    /// before are served, then take the place.
    fn acquire(&self, host: &str, url: &Url) -> Result<(), FetchError> {
        let delay = self.host_delay(host);
        let mut hosts = self.hosts();
        let ticket = {
            let slot = hosts.entry(host.to_string()).or_default();
            slot.next_ticket += 1;
            slot.waiting.push_back(slot.next_ticket);
            slot.next_ticket
        };
        loop {
            let slot = hosts.entry(host.to_string()).or_default();
            if self.stopped() {
                slot.waiting.retain(|t| *t != ticket);
                drop(hosts);
                self.freed.notify_all();
                return Err(FetchError::Stopped {
                    url: url.to_string(),
                });
            }
            let now = Instant::now();
            let wait = slot.next_at.map(|t| t.saturating_duration_since(now));
            let first = slot.waiting.front() == Some(&ticket);
            if first
                && slot.in_flight < self.config.per_host.max(1)
                && wait.unwrap_or_default().is_zero()
            {
                slot.in_flight += 1;
                slot.next_at = Some(now + delay);
                slot.waiting.pop_front();
                drop(hosts);
                // The next in line may be free to go now too (when more than one may be in flight).
                self.freed.notify_all();
                return Ok(());
            }
            let nap = wait
                .filter(|w| !w.is_zero())
                .unwrap_or(Duration::from_millis(100))
                .min(Duration::from_millis(100));
            hosts = self
                .freed
                .wait_timeout(hosts, nap)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Free `host`; its next request may start `delay` from now.
    fn release(&self, host: &str, delay: Duration) {
        let mut hosts = self.hosts();
        let slot = hosts.entry(host.to_string()).or_default();
        slot.in_flight = slot.in_flight.saturating_sub(1);
        let at_least = Instant::now() + delay;
        if slot.next_at.is_none_or(|t| t < at_least) {
            slot.next_at = Some(at_least);
        }
        drop(hosts);
        self.freed.notify_all();
    }

    /// The least time between two requests to `host`: the configured delay, or robots.txt's
    /// `Crawl-delay` when longer (bounded by [`FetchConfig::max_wait`]).
    fn host_delay(&self, host: &str) -> Duration {
        let crawl_delay = self
            .hosts()
            .get(host)
            .and_then(|s| s.robots.as_ref())
            .and_then(|r| r.robot.as_ref())
            .and_then(|r| r.delay)
            .filter(|d| d.is_finite() && *d > 0.0)
            .map(|d| Duration::from_secs_f32(d).min(self.config.max_wait))
            .unwrap_or_default();
        self.config.min_delay.max(crawl_delay)
    }

    /// Refuse `url` when its host's robots.txt disallows it (fetching robots.txt if needed).
    fn check_robots(&self, url: &Url) -> Result<(), FetchError> {
        let entry = self.robots(url)?;
        if entry.unreachable {
            return Err(FetchError::Refused {
                url: url.to_string(),
                why: "robots.txt could not be read; not fetched until it can".into(),
            });
        }
        match &entry.robot {
            Some(robot) if !robot.allowed(url.as_str()) => Err(FetchError::Refused {
                url: url.to_string(),
                why: "disallowed by robots.txt".into(),
            }),
            _ => Ok(()),
        }
    }

    /// The host's robots.txt, from the cache or fetched once (other workers wait for it).
    fn robots(&self, url: &Url) -> Result<Arc<RobotsEntry>, FetchError> {
        let host = host_key(url);
        {
            let mut hosts = self.hosts();
            loop {
                let slot = hosts.entry(host.clone()).or_default();
                if let Some(r) = slot.robots.as_ref().filter(|r| r.expires > Instant::now()) {
                    return Ok(Arc::clone(r));
                }
                if !slot.robots_loading {
                    slot.robots_loading = true;
                    break;
                }
                if self.stopped() {
                    return Err(FetchError::Stopped {
                        url: url.to_string(),
                    });
                }
                hosts = self
                    .freed
                    .wait_timeout(hosts, Duration::from_millis(100))
                    .unwrap_or_else(|e| e.into_inner())
                    .0;
            }
        }
        let mut robots_url = url.clone();
        robots_url.set_path("/robots.txt");
        robots_url.set_query(None);
        robots_url.set_fragment(None);
        let now = Instant::now();
        let retry_soon = now + self.config.robots_ttl.min(Duration::from_secs(600));
        let entry = match self.follow(&robots_url, &Validators::default(), false) {
            Ok(r) => {
                self.archive_response(&r);
                let robot = texting_robots::Robot::new(&self.config.robots_agent, &r.body).ok();
                RobotsEntry {
                    robot,
                    unreachable: false,
                    expires: now + self.config.robots_ttl,
                }
            }
            // No robots.txt (or not ours to read): no rules.
            Err(FetchError::Status { status, .. }) if (400..500).contains(&status) => RobotsEntry {
                robot: None,
                unreachable: false,
                expires: now + self.config.robots_ttl,
            },
            Err(e @ FetchError::Stopped { .. }) => {
                self.robots_done(&host, None);
                return Err(e);
            }
            Err(e) => {
                tracing::debug!(url = %robots_url, error = %e, "robots.txt unreachable");
                RobotsEntry {
                    robot: None,
                    unreachable: true,
                    expires: retry_soon,
                }
            }
        };
        let entry = Arc::new(entry);
        self.robots_done(&host, Some(Arc::clone(&entry)));
        Ok(entry)
    }

    fn robots_done(&self, host: &str, entry: Option<Arc<RobotsEntry>>) {
        let mut hosts = self.hosts();
        let slot = hosts.entry(host.to_string()).or_default();
        slot.robots_loading = false;
        if entry.is_some() {
            slot.robots = entry;
        }
        drop(hosts);
        // The request for robots.txt was spaced before its Crawl-delay was known.
        let delay = self.host_delay(host);
        let mut hosts = self.hosts();
        let slot = hosts.entry(host.to_string()).or_default();
        let at_least = Instant::now() + delay;
        if slot.next_at.is_none_or(|t| t < at_least) {
            slot.next_at = Some(at_least);
        }
        drop(hosts);
        self.freed.notify_all();
    }
}

/// A request that failed before a complete answer: worth retrying, or not.
enum Failure {
    Retry(String),
    Final(FetchError),
}

fn failure(url: &Url, e: ureq::Error) -> Failure {
    let network = |why: String| {
        Failure::Final(FetchError::Network {
            url: url.to_string(),
            why,
        })
    };
    match e {
        ureq::Error::Timeout(what) => Failure::Retry(format!("timed out ({what})")),
        ureq::Error::HostNotFound => network("DNS lookup failed: host not found".into()),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::PermissionDenied => {
            Failure::Final(FetchError::Refused {
                url: url.to_string(),
                why: io.to_string(),
            })
        }
        ureq::Error::Io(io)
            if matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionRefused
                    | std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::ConnectionAborted
                    | std::io::ErrorKind::TimedOut
                    | std::io::ErrorKind::UnexpectedEof
                    | std::io::ErrorKind::BrokenPipe
            ) =>
        {
            Failure::Retry(format!("connection failed: {io}"))
        }
        ureq::Error::Io(io) => network(format!("network error: {io}")),
        ureq::Error::Tls(why) => network(format!("TLS error: {why}")),
        ureq::Error::Rustls(e) => network(format!("TLS error: {e}")),
        ureq::Error::BadUri(why) => network(format!("invalid URL: {why}")),
        ureq::Error::ConnectionFailed => Failure::Retry("connection failed".into()),
        other => network(other.to_string()),
    }
}

/// `Retry-After` in seconds or as an HTTP date.
fn retry_after(r: &Response) -> Option<Duration> {
    let v = r.header("retry-after")?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let secs = (at.timestamp() - chrono::Utc::now().timestamp()).max(0);
    Some(Duration::from_secs(secs as u64))
}

enum Inflate {
    TooLarge,
    Bad(String),
}

/// Decode a body from its content encoding, as a stream that stops past `cap` bytes (a small
/// compressed body may inflate to gigabytes).
fn inflate(raw: &[u8], encoding: Option<&str>, cap: u64) -> Result<Vec<u8>, Inflate> {
    let reader: Box<dyn Read + '_> = match encoding {
        None | Some("") | Some("identity") => return Ok(raw.to_vec()),
        Some("gzip") | Some("x-gzip") => Box::new(flate2::read::MultiGzDecoder::new(raw)),
        Some("deflate") => {
            // Servers send zlib-wrapped or raw deflate under this name.
            if raw.first().is_some_and(|b| b & 0x0f == 8) {
                Box::new(flate2::read::ZlibDecoder::new(raw))
            } else {
                Box::new(flate2::read::DeflateDecoder::new(raw))
            }
        }
        Some(other) => {
            return Err(Inflate::Bad(format!(
                "unsupported content encoding {other:?}"
            )))
        }
    };
    let mut out = Vec::new();
    reader
        .take(cap + 1)
        .read_to_end(&mut out)
        .map_err(|e| Inflate::Bad(format!("bad compressed body: {e}")))?;
    if out.len() as u64 > cap {
        return Err(Inflate::TooLarge);
    }
    Ok(out)
}
