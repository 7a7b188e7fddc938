//! The application: configuration, the store connections, the catalog snapshot, the router and
//! the listener.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post, MethodRouter};
use axum::Router;
use search::{Pace, Searcher};
use store::{Store, StoreError};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::atlas::Atlas;
use crate::catalog::Catalog;
use crate::error::ApiError;
use crate::{handlers, ui};

/// Opens a connection to the store; called once per pooled connection.
pub type StoreFactory = dyn Fn() -> Result<Box<dyn Store>, StoreError> + Send + Sync;

/// How the server runs. Defaults are safe: loopback, no ingest.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on (default `127.0.0.1:8080`).
    pub addr: SocketAddr,
    /// Whether `POST /api/ingest` is enabled (it also needs `token`).
    pub allow_ingest: bool,
    /// The bearer token `POST /api/ingest` requires: at least [`MIN_TOKEN_CHARS`] characters
    /// (a shorter one opens nothing).
    pub token: Option<String>,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Longest a request may take before it is answered with `timeout`.
    pub timeout: Duration,
    /// Read connections to the store.
    pub readers: usize,
    /// Longest a client may take to send a request's headers, counted from when the
    /// connection opens or its last answer was sent: a connection that stays half-open, or
    /// idle between keep-alive requests, longer than this is closed.
    pub header_timeout: Duration,
    /// The store (`--db` spec) whose ingest lock (`store::IngestLock`) the server's ingest
    /// takes while it opens its pipeline and while it commits each batch, so that it takes
    /// turns with `storyline ingest` and `storyline watch`; `None` takes none (a caller that
    /// keeps writers apart itself).
    pub ingest_lock: Option<String>,
}

/// Shortest bearer token accepted for `POST /api/ingest`.
pub const MIN_TOKEN_CHARS: usize = 16;

/// Whether `token` is long enough to guard the write endpoint.
pub fn token_ok(token: &str) -> bool {
    token.chars().count() >= MIN_TOKEN_CHARS
}

impl Default for Config {
    fn default() -> Config {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            allow_ingest: false,
            token: None,
            max_body_bytes: 16 << 20,
            timeout: Duration::from_secs(30),
            readers: 4,
            header_timeout: Duration::from_secs(15),
            ingest_lock: None,
        }
    }
}

/// Shared state of a running server.
pub struct App {
    pub(crate) config: Config,
    readers: Vec<Mutex<Box<dyn Store>>>,
    next: AtomicUsize,
    /// The ingest engine's queue (with `allow_ingest`): one engine and one pipeline, on a
    /// thread of their own, for the server's lifetime.
    ingest: Option<pipeline::Submitter>,
    pub(crate) searcher: Arc<Searcher>,
    catalog: RwLock<Arc<Catalog>>,
    /// The connection catalogs are rebuilt on (held by the one rebuild under way).
    rebuild: Mutex<Box<dyn Store>>,
    /// When the catalog may be rebuilt again in the background.
    pace: Mutex<Pace>,
    /// Whether a background rebuild is under way.
    rebuilding: AtomicBool,
    /// Set by this server's own writes: the next read waits for a fresh catalog.
    written: AtomicBool,
    /// Requests running on blocking threads at once (the number of cores): the others wait
    /// in line, first come first served, instead of all sharing the cores and all finishing
    /// late.
    permits: Arc<tokio::sync::Semaphore>,
    pub(crate) templates: ui::Templates,
    /// The world map's shapes, once loaded ([`App::set_atlas`]); pages list places as text
    /// without them.
    atlas: RwLock<Option<Arc<Atlas>>>,
}

/// While another process ingests, the catalog is rebuilt in the background at most every 2 s
/// (and at most a quarter of the time: every four times as long as the last rebuild took);
/// requests are served the previous catalog meanwhile, so a busy ingest does not stall any
/// reader.
const CATALOG_PACE: Pace = Pace::new(Duration::from_secs(2), 4);

impl App {
    /// Open the store connections and build the first catalog.
    pub fn new(
        config: Config,
        open: &StoreFactory,
        searcher: Arc<Searcher>,
    ) -> Result<Arc<App>, StoreError> {
        let mut readers = Vec::new();
        for _ in 0..config.readers.max(1) {
            readers.push(Mutex::new(open()?));
        }
        let ingest = if config.allow_ingest {
            Some(start_ingest(
                open()?,
                searcher.clone(),
                config.ingest_lock.clone(),
            )?)
        } else {
            None
        };
        let rebuild = open()?;
        let started = Instant::now();
        let catalog = Catalog::build(rebuild.as_ref())?;
        let mut pace = CATALOG_PACE;
        pace.record(started.elapsed());
        searcher.warm(rebuild.as_ref())?;
        searcher.set_lazy_refresh(true);
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(Arc::new(App {
            config,
            readers,
            next: AtomicUsize::new(0),
            ingest,
            searcher,
            catalog: RwLock::new(Arc::new(catalog)),
            rebuild: Mutex::new(rebuild),
            pace: Mutex::new(pace),
            rebuilding: AtomicBool::new(false),
            written: AtomicBool::new(false),
            permits: Arc::new(tokio::sync::Semaphore::new(cores)),
            templates: ui::Templates::new(),
            atlas: RwLock::new(None),
        }))
    }

    /// Give the event pages their map (see [`Atlas::load`]).
    pub fn set_atlas(&self, atlas: Arc<Atlas>) {
        if let Ok(mut slot) = self.atlas.write() {
            *slot = Some(atlas);
        }
    }

    pub(crate) fn atlas(&self) -> Option<Arc<Atlas>> {
        self.atlas.read().ok().and_then(|a| a.clone())
    }

    /// The catalog for the store's current state. After this server's own writes it is
    /// rebuilt at once (the caller waits); when another process wrote, a rebuild starts in
    /// the background (at the pace of [`CATALOG_PACE`]) and the caller gets the
    /// current catalog.
    fn catalog(self: &Arc<Self>, store: &dyn Store) -> Result<Arc<Catalog>, ApiError> {
        let poisoned = || ApiError::Internal("catalog lock poisoned".into());
        let position = store.last_position()?;
        let current = self.catalog.read().map_err(|_| poisoned())?.clone();
        if current.position == position {
            return Ok(current);
        }
        if self.written.load(Ordering::Acquire) {
            let builder = self.rebuild.lock().map_err(|_| poisoned())?;
            let again = self.catalog.read().map_err(|_| poisoned())?.clone();
            if again.position == position {
                return Ok(again);
            }
            self.written.store(false, Ordering::Release);
            return self.rebuild_with(builder.as_ref());
        }
        let due = self.pace.lock().map_err(|_| poisoned())?.is_due();
        if !due || self.rebuilding.swap(true, Ordering::AcqRel) {
            return Ok(current);
        }
        let app = self.clone();
        let spawned = std::thread::Builder::new()
            .name("catalog".into())
            .spawn(move || {
                let built = match app.rebuild.lock() {
                    Ok(builder) => app.rebuild_with(builder.as_ref()).map(|_| ()),
                    Err(_) => Err(poisoned()),
                };
                if let Err(e) = built {
                    tracing::error!(error = %e, "cannot rebuild the catalog");
                }
                app.rebuilding.store(false, Ordering::Release);
            });
        if spawned.is_err() {
            self.rebuilding.store(false, Ordering::Release);
        }
        Ok(current)
    }

    /// Build a catalog on `store` and make it the current one.
    fn rebuild_with(&self, store: &dyn Store) -> Result<Arc<Catalog>, ApiError> {
        let started = Instant::now();
        let fresh = Arc::new(Catalog::build(store)?);
        if let Ok(mut slot) = self.catalog.write() {
            *slot = fresh.clone();
        }
        if let Ok(mut pace) = self.pace.lock() {
            pace.record(started.elapsed());
        }
        Ok(fresh)
    }

    /// Run `f` with a read connection and the catalog, on a blocking thread, within the
    /// timeout (which counts the wait for a turn).
    pub(crate) async fn read<T, F>(self: &Arc<Self>, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&App, &dyn Store, &Catalog) -> Result<T, ApiError> + Send + 'static,
    {
        let app = self.clone();
        let job = async move {
            let permit = app
                .permits
                .clone()
                .acquire_owned()
                .await
                .map_err(|_| ApiError::Internal("request permits closed".into()))?;
            tokio::task::spawn_blocking(move || {
                let _permit = permit;
                let i = app.next.fetch_add(1, Ordering::Relaxed) % app.readers.len();
                let store = app.readers[i]
                    .lock()
                    .map_err(|_| ApiError::Internal("store connection poisoned".into()))?;
                let catalog = app.catalog(store.as_ref())?;
                f(&app, store.as_ref(), &catalog)
            })
            .await
            .map_err(|e| ApiError::Internal(format!("request task failed: {e}")))?
        };
        match tokio::time::timeout(self.config.timeout, job).await {
            Ok(r) => r,
            Err(_) => Err(ApiError::Timeout),
        }
    }

    /// Ingest `docs` through the server's ingest engine, on a blocking thread, and wait for
    /// their results (one per document, in order). No timeout: a started ingest finishes.
    /// Concurrent calls share the engine (their documents may share a batch) and each gets
    /// its own documents' results.
    pub(crate) async fn ingest(
        self: &Arc<Self>,
        docs: Vec<model::RawDocument>,
    ) -> Result<Vec<Result<pipeline::Outcome, pipeline::PipelineError>>, ApiError> {
        let app = self.clone();
        let job = tokio::task::spawn_blocking(move || {
            let submitter = app.ingest.as_ref().ok_or(ApiError::IngestDisabled)?;
            let r = submitter
                .ingest(docs)
                .map_err(|e| ApiError::Internal(e.to_string()));
            app.written.store(true, Ordering::Release);
            app.searcher.invalidate();
            r
        });
        job.await
            .map_err(|e| ApiError::Internal(format!("ingest task failed: {e}")))?
    }
}

/// Start the server's ingest engine on a thread of its own, with `store` as its connection:
/// its pipeline (the events' state) is loaded once, under the ingest lock when `lock` names
/// the store, and kept for the server's lifetime, so a posted document costs the same in a
/// small store as in a large one. Each batch's commits take the lock again (see
/// `pipeline::ingestor::Options::lock`); between them, `storyline ingest` may run, and the
/// pipeline catches up with its documents at its next commit.
fn start_ingest(
    mut store: Box<dyn Store>,
    searcher: Arc<Searcher>,
    lock: Option<String>,
) -> Result<pipeline::Submitter, StoreError> {
    let options = pipeline::ingestor::Options {
        lock: lock.clone(),
        ..pipeline::ingestor::Options::requests(pipeline::ingestor::BATCH)
    };
    let (ingestor, submitter) = pipeline::Ingestor::new(options);
    std::thread::Builder::new()
        .name("ingest".into())
        .spawn(move || {
            let held = match lock.as_deref() {
                Some(spec) => store::IngestLock::acquire(spec, || {
                    tracing::info!("waiting for another ingest on the store to finish")
                })
                .map(Some),
                None => Ok(None),
            };
            let opened = match held {
                Ok(held) => {
                    let pipe = pipeline::Pipeline::with_encoder(store.as_mut(), searcher.encoder());
                    drop(held);
                    pipe
                }
                Err(e) => Err(e.into()),
            };
            match opened {
                Ok(mut pipe) => {
                    // The engine ends when the server (its submitter) is gone.
                    let never = AtomicBool::new(false);
                    if let Err(e) = ingestor.run(&mut pipe, &never) {
                        tracing::error!(error = %e, "the ingest engine stopped");
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "cannot load the store's events for ingest");
                    ingestor.refuse(&format!("cannot load the store's events: {e}"));
                }
            }
        })
        .map_err(|e| StoreError::Db(format!("cannot start the ingest thread: {e}")))?;
    Ok(submitter)
}

/// Security headers and a `Server-Timing` header on every answer; JSON bodies for the limits'
/// own plain answers.
async fn harden(req: Request<axum::body::Body>, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let limit = req
        .extensions()
        .get::<BodyLimit>()
        .map(|b| b.0)
        .unwrap_or_default();
    let started = std::time::Instant::now();
    let gzip = accepts_gzip(req.headers());
    let checked = match req.uri().query() {
        Some(raw) if api => crate::params::strict_api_query(raw),
        _ => Ok(()),
    };
    let mut res = match checked {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    };
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if api && !is_json {
        let replaced = match res.status() {
            StatusCode::PAYLOAD_TOO_LARGE => Some(ApiError::TooLarge(limit)),
            StatusCode::REQUEST_TIMEOUT => Some(ApiError::Timeout),
            StatusCode::METHOD_NOT_ALLOWED => Some(ApiError::MethodNotAllowed),
            _ => None,
        };
        if let Some(e) = replaced {
            let allow = res.headers().get(header::ALLOW).cloned();
            res = e.into_response();
            if let Some(allow) = allow {
                res.headers_mut().insert(header::ALLOW, allow);
            }
        }
    }
    if compressible(&res) {
        res = compress(res, gzip).await;
    }
    let took = started.elapsed().as_secs_f64() * 1000.0;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        ),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Time spent in the server (routing, store, rendering), for benchmarks and browsers' tools.
    if let Ok(v) = HeaderValue::from_str(&format!("app;dur={took:.2}")) {
        h.insert("server-timing", v);
    }
    res
}

#[derive(Clone, Copy)]
struct BodyLimit(usize);

/// Smallest body worth compressing, in bytes.
const GZIP_MIN_BYTES: usize = 1024;

/// Whether the client takes gzip (`Accept-Encoding: gzip`, or `*`, with a weight above 0).
fn accepts_gzip(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim();
            let weight = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .filter_map(|q| q.trim().parse::<f32>().ok())
                .next()
                .unwrap_or(1.0);
            (name.eq_ignore_ascii_case("gzip") || name == "*") && weight > 0.0
        })
}

/// Text bodies (JSON, HTML, CSS) not already encoded: their answer varies with
/// `Accept-Encoding`.
fn compressible(res: &Response) -> bool {
    let text = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| {
            t.starts_with("application/json") || t.starts_with("text/") || t.contains("+xml")
        });
    text && !res.headers().contains_key(header::CONTENT_ENCODING)
}

/// Adds `Vary: Accept-Encoding` and, when the client takes gzip and the body is large enough to
/// gain from it, gzips the body (every answer is built in memory, so nothing streams).
async fn compress(res: Response, gzip: bool) -> Response {
    use std::io::Write;
    let (mut parts, body) = res.into_parts();
    parts
        .headers
        .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "cannot read an answer's body");
            return ApiError::Internal("answer body".into()).into_response();
        }
    };
    if !gzip || bytes.len() < GZIP_MIN_BYTES {
        return Response::from_parts(parts, axum::body::Body::from(bytes));
    }
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 4),
        flate2::Compression::new(4),
    );
    let zipped = enc.write_all(&bytes).and_then(|()| enc.finish());
    match zipped {
        Ok(z) => {
            parts
                .headers
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, axum::body::Body::from(z))
        }
        Err(_) => Response::from_parts(parts, axum::body::Body::from(bytes)),
    }
}

/// The JSON API: every path with its method router. `openapi.json` describes exactly these
/// paths (the server test checks both directions).
fn api_routes() -> Vec<(&'static str, MethodRouter<Arc<App>>)> {
    vec![
        ("/api/status", get(handlers::status)),
        ("/api/openapi.json", get(handlers::openapi)),
        ("/api/events", get(handlers::events)),
        ("/api/events/{id}", get(handlers::event)),
        ("/api/documents", get(handlers::documents)),
        ("/api/documents/{id}", get(handlers::document)),
        ("/api/entities", get(handlers::entities)),
        ("/api/entities/{id}", get(handlers::entity)),
        ("/api/storylines", get(handlers::storylines)),
        ("/api/storylines/{id}", get(handlers::storyline)),
        ("/api/search", get(handlers::search)),
        ("/api/sources", get(handlers::sources)),
        ("/api/ingest", post(handlers::ingest)),
    ]
}

/// The paths of the JSON API, as routed (for checking the OpenAPI description against them).
pub fn api_paths() -> Vec<&'static str> {
    api_routes().into_iter().map(|(p, _)| p).collect()
}

/// All routes, with limits and timeouts.
pub fn router(app: Arc<App>) -> Router {
    let limit = app.config.max_body_bytes;
    let timeout = app.config.timeout + Duration::from_secs(5);
    let api = api_routes()
        .into_iter()
        .fold(Router::new(), |r, (path, method)| r.route(path, method));
    api.route("/api", any(handlers::api_not_found))
        .route("/api/", any(handlers::api_not_found))
        .route("/api/{*rest}", any(handlers::api_not_found))
        .route("/", get(ui::timeline))
        .route("/events/{id}", get(ui::event))
        .route("/documents/{id}", get(ui::document))
        .route("/entities", get(ui::entities))
        .route("/entities/{id}", get(ui::entity))
        .route("/storylines", get(ui::storylines))
        .route("/storylines/{id}", get(ui::storyline))
        .route("/search", get(ui::search))
        .route("/sources", get(ui::sources))
        .route("/static/style.css", get(ui::stylesheet))
        .fallback(ui::not_found)
        .with_state(app)
        .layer(DefaultBodyLimit::max(limit))
        .layer(RequestBodyLimitLayer::new(limit))
        .layer(middleware::from_fn(harden))
        .layer(axum::Extension(BodyLimit(limit)))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
}

/// Serve on `listener` until Ctrl-C.
pub async fn serve(app: Arc<App>, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    serve_until(app, listener, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

/// Serve on `listener` until `shutdown` completes, then finish the requests under way.
///
/// Each connection is HTTP/1.1 with a header-read timeout (`Config::header_timeout`, which
/// axum's own `serve` does not set): a client that opens a connection and never finishes its
/// headers, or leaves a keep-alive connection idle, is disconnected instead of holding it
/// for ever.
pub async fn serve_until(
    app: Arc<App>,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;

    let header_timeout = app.config.header_timeout.max(Duration::from_millis(1));
    let router = router(app);
    // Every connection holds a receiver: the sender tells them to close, and its `closed()`
    // says when the last one has.
    let (closing, open) = tokio::sync::watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            () = &mut shutdown => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors and the like: pause rather than spin.
                tracing::warn!(error = %e, "cannot accept a connection");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let service = TowerToHyperService::new(router.clone());
        let mut told = open.clone();
        tokio::spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout);
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            let mut conn = std::pin::pin!(conn);
            let ended = tokio::select! {
                r = conn.as_mut() => r,
                _ = told.changed() => {
                    conn.as_mut().graceful_shutdown();
                    conn.as_mut().await
                }
            };
            if let Err(e) = ended {
                tracing::debug!(error = %e, "connection closed");
            }
            drop(told);
        });
    }
    drop(open);
    drop(listener);
    let _ = closing.send(());
    closing.closed().await;
    Ok(())
}
