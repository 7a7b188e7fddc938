//! JSON API handlers (`/api/...`). Bodies are the shapes of `wire::api`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use wire::api::{IngestItem, IngestReport, SearchResults, Status};

use crate::app::App;
use crate::catalog::{Catalog, DocumentFilter, EventFilter};
use crate::error::ApiError;
use crate::searching::{no_results, search_results, SearchFilter};

type Api<T> = Result<Json<T>, ApiError>;

/// A query string that may not parse: the rejection becomes a `bad_request`.
pub(crate) type Q<T> = Result<Query<T>, QueryRejection>;

pub(crate) fn query<T>(q: Q<T>) -> Result<T, ApiError> {
    q.map(|Query(v)| v).map_err(|e| {
        let text = e.body_text();
        // axum's text starts with its own preamble; the rest names the parameter and the fault.
        let why = text
            .strip_prefix("Failed to deserialize query string: ")
            .unwrap_or(&text);
        ApiError::BadRequest(format!("bad query string: {why}"))
    })
}

/// The OpenAPI description, written by hand and embedded.
const OPENAPI: &str = include_str!("../openapi.json");

pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

pub async fn api_not_found() -> ApiError {
    ApiError::NotFound("this API path".into())
}

pub async fn status(State(app): State<Arc<App>>) -> Api<Status> {
    let semantic = app.searcher.has_encoder();
    let ingest = app.config.allow_ingest;
    app.read(move |_, _, c| {
        Ok(Json(Status {
            documents: c.documents,
            events: c.event_count(),
            entities: c.entity_count(),
            storylines: c.storyline_count(),
            ingest,
            semantic_search: semantic,
        }))
    })
    .await
}

pub async fn sources(State(app): State<Arc<App>>) -> Api<wire::api::Sources> {
    app.read(move |_, s, _| Ok(Json(sources_view(s)?))).await
}

/// The watched sources and the hosts with errors, from the watcher's tables in the store.
pub(crate) fn sources_view(store: &dyn store::Store) -> Result<wire::api::Sources, ApiError> {
    let report = store.watch_report()?;
    let time = |t: Option<i64>| {
        t.and_then(|t| chrono::DateTime::from_timestamp(t, 0))
            .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    };
    Ok(wire::api::Sources {
        sources: report
            .sources
            .into_iter()
            .map(|s| wire::api::SourceHealth {
                source: s.source,
                kind: s.kind,
                last_fetch: time(s.last_fetch),
                last_status: s.last_status,
                last_error: s.last_error,
                next_poll: time(s.next_poll),
                interval_secs: s.interval_secs,
                fetches: s.fetches,
                new_articles: s.new_items,
                errors: s.errors,
            })
            .collect(),
        hosts: report
            .hosts
            .into_iter()
            .map(|h| wire::api::HostHealth {
                host: h.host,
                pages_with_errors: h.pages,
                last_error: h.last_error,
                last_error_at: time(h.last_at),
            })
            .collect(),
    })
}

pub async fn events(
    State(app): State<Arc<App>>,
    f: Q<EventFilter>,
) -> Api<wire::api::Page<wire::api::EventSummary>> {
    let f = query(f)?;
    app.read(move |_, _, c| c.events_page(&f).map(Json)).await
}

pub async fn event(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
) -> Api<wire::api::EventView> {
    app.read(move |app, s, c| {
        let mut ev = c
            .event_view(s, &id)?
            .ok_or_else(|| ApiError::NotFound(format!("event `{id}`")))?;
        if let Some(atlas) = app.atlas() {
            atlas.locate(&mut ev.places);
        }
        Ok(Json(ev))
    })
    .await
}

pub async fn documents(
    State(app): State<Arc<App>>,
    f: Q<DocumentFilter>,
) -> Api<wire::api::Page<wire::api::DocumentBrief>> {
    let f = query(f)?;
    app.read(move |_, _, c| Ok(Json(c.documents_page(&f))))
        .await
}

pub async fn document(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
) -> Api<wire::api::DocumentView> {
    app.read(move |_, s, c| {
        c.document_view(s, &id)?
            .map(Json)
            .ok_or_else(|| ApiError::NotFound(format!("document `{id}`")))
    })
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EntityQuery {
    pub q: Option<String>,
    pub kind: Option<String>,
    #[serde(deserialize_with = "crate::params::count")]
    pub offset: Option<usize>,
    #[serde(deserialize_with = "crate::params::count")]
    pub limit: Option<usize>,
}

pub async fn entities(
    State(app): State<Arc<App>>,
    q: Q<EntityQuery>,
) -> Api<wire::api::Page<wire::api::EntityBrief>> {
    let q = query(q)?;
    app.read(move |_, _, c| {
        c.entities_page(q.q.as_deref(), q.kind.as_deref(), q.offset, q.limit)
            .map(Json)
    })
    .await
}

pub async fn entity(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
) -> Api<wire::api::EntityView> {
    app.read(move |_, _, c| {
        c.entity_view(&id)
            .map(Json)
            .ok_or_else(|| ApiError::NotFound(format!("entity `{id}`")))
    })
    .await
}

/// Paging of a list without filters (`/api/storylines`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Paging {
    #[serde(deserialize_with = "crate::params::count")]
    pub offset: Option<usize>,
    #[serde(deserialize_with = "crate::params::count")]
    pub limit: Option<usize>,
}

pub async fn storylines(
    State(app): State<Arc<App>>,
    p: Q<Paging>,
) -> Api<wire::api::Page<wire::api::StorylineView>> {
    let p = query(p)?;
    app.read(move |_, _, c| Ok(Json(c.storylines_page(p.offset, p.limit))))
        .await
}

pub async fn storyline(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
) -> Api<wire::api::StorylineView> {
    app.read(move |_, _, c| {
        c.storyline(&id)
            .map(Json)
            .ok_or_else(|| ApiError::NotFound(format!("storyline `{id}`")))
    })
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    pub q: Option<String>,
    pub lang: Option<String>,
    pub outlet: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    #[serde(deserialize_with = "crate::params::count")]
    pub offset: Option<usize>,
    #[serde(deserialize_with = "crate::params::count")]
    pub limit: Option<usize>,
}

impl SearchQuery {
    pub fn filter(&self) -> SearchFilter {
        SearchFilter {
            lang: self.lang.clone(),
            outlet: self.outlet.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
        }
    }
}

/// Run a search and describe its hits from the catalog.
pub(crate) fn run_search(
    app: &App,
    store: &dyn store::Store,
    c: &Catalog,
    q: &str,
    filter: &SearchFilter,
    offset: usize,
    limit: usize,
) -> Result<SearchResults, ApiError> {
    search_results(&app.searcher, store, c, q, filter, offset, limit)
}

pub async fn search(State(app): State<Arc<App>>, q: Q<SearchQuery>) -> Api<SearchResults> {
    let q = query(q)?;
    let filter = q.filter();
    let (offset, limit) = (q.offset.unwrap_or(0), q.limit.unwrap_or(20));
    let Some(query) = q.q else {
        return Err(ApiError::BadRequest(
            "give a query: /api/search?q=WORDS".into(),
        ));
    };
    // Nothing asked, nothing found (the parameter is there, empty or blank); the filters are
    // still checked.
    if query.trim().is_empty() {
        crate::params::filter_day("from", filter.from.as_deref())?;
        crate::params::filter_day("to", filter.to.as_deref())?;
        return Ok(Json(no_results(&query, offset, limit)));
    }
    app.read(move |app, s, c| run_search(app, s, c, &query, &filter, offset, limit).map(Json))
        .await
}

/// Whether the request carries the configured bearer token (compared in constant time). A
/// token shorter than [`crate::MIN_TOKEN_CHARS`] is never accepted (the binary refuses to start
/// with one; this keeps a library caller's short token from opening the endpoint).
fn authorised(app: &App, headers: &HeaderMap) -> bool {
    let Some(token) = app.config.token.as_deref().filter(|t| crate::token_ok(t)) else {
        return false;
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    given.len() == token.len()
        && given
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// `POST /api/ingest`: one article as a JSON object, or JSON Lines (one article per line).
/// 200 when at least one line was ingested or was already stored (the failed lines, if any,
/// are listed in `results`); 422 `nothing_ingested`, with the same report, when every line
/// failed.
pub async fn ingest(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Api<IngestReport> {
    // Credentials first: a request without any is told so (401) whether or not ingest is on;
    // one that brings a token hears that ingest is off (403).
    if !headers.contains_key(header::AUTHORIZATION) {
        return Err(ApiError::Unauthorized);
    }
    if !app.config.allow_ingest {
        return Err(ApiError::IngestDisabled);
    }
    if !authorised(&app, &headers) {
        return Err(ApiError::Unauthorized);
    }
    let body = body.map_err(|e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge(app.config.max_body_bytes)
        } else {
            ApiError::BadRequest(format!("cannot read the request body: {e}"))
        }
    })?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::BadRequest(
            "the body is empty: send one article as JSON, or JSON Lines".into(),
        ));
    }
    // One pretty-printed JSON object spans lines: make it one line first.
    let body: Vec<u8> = match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(v @ serde_json::Value::Object(_)) => v.to_string().into_bytes(),
        Ok(_) => {
            return Err(ApiError::BadRequest(
                "send one article as a JSON object, or JSON Lines".into(),
            ))
        }
        Err(_) => body.to_vec(),
    };
    let mut report = IngestReport {
        ingested: 0,
        already_ingested: 0,
        failed: 0,
        results: Vec::new(),
    };
    let reader = Box::new(std::io::Cursor::new(body));
    let opts = ingest::Options {
        max_document_bytes: app.config.max_body_bytes,
    };
    let mut raws = Vec::new();
    for item in ingest::read_jsonl(reader, "request", opts) {
        match item {
            Ok(raw) => raws.push(raw),
            Err(e) => {
                report.failed += 1;
                report.results.push(IngestItem {
                    id: e.input.clone(),
                    status: "failed".into(),
                    event: None,
                    error: Some(e.to_string()),
                });
            }
        }
    }
    let ids: Vec<String> = raws.iter().map(|r| r.id.clone()).collect();
    // The server's one ingest engine (shared with concurrent requests) gives back exactly
    // this request's results.
    let results = if raws.is_empty() {
        Vec::new()
    } else {
        app.ingest(raws).await?
    };
    for (id, result) in ids.into_iter().zip(results) {
        let item = match result {
            Ok(pipeline::Outcome::Ingested { id, event }) => {
                report.ingested += 1;
                IngestItem {
                    id,
                    status: "ingested".into(),
                    event: Some(event),
                    error: None,
                }
            }
            Ok(pipeline::Outcome::AlreadyIngested { id }) => {
                report.already_ingested += 1;
                IngestItem {
                    id,
                    status: "already_ingested".into(),
                    event: None,
                    error: None,
                }
            }
            Err(pipeline::PipelineError::Input { why, .. }) => {
                report.failed += 1;
                IngestItem {
                    id,
                    status: "failed".into(),
                    event: None,
                    error: Some(why),
                }
            }
            Err(e) => return Err(e.into()),
        };
        report.results.push(item);
    }
    if report.failed > 0 && report.ingested == 0 && report.already_ingested == 0 {
        return Err(ApiError::NothingIngested(Box::new(report)));
    }
    Ok(Json(report))
}

impl From<pipeline::PipelineError> for ApiError {
    fn from(e: pipeline::PipelineError) -> ApiError {
        match e {
            pipeline::PipelineError::Input { source_name, why } => {
                ApiError::BadRequest(format!("{source_name}: {why}"))
            }
            pipeline::PipelineError::Store(e) => e.into(),
            pipeline::PipelineError::Internal(why) => ApiError::Internal(why),
        }
    }
}
