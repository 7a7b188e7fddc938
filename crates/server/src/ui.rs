//! The web UI: server-rendered pages (minijinja templates embedded at compile time, HTML
//! auto-escaping on) and one stylesheet. No scripts, nothing from elsewhere: the Content
//! Security Policy set in `app` forbids both.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use minijinja::{context, Environment};
use serde::Serialize;

use crate::app::App;
use crate::catalog::EventFilter;
use crate::charts;
use crate::error::ApiError;
use crate::handlers::{query, run_search, EntityQuery, SearchQuery, Q};

const STYLE: &str = include_str!("../static/style.css");

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("timeline.html", include_str!("../templates/timeline.html")),
    ("event.html", include_str!("../templates/event.html")),
    ("document.html", include_str!("../templates/document.html")),
    ("entities.html", include_str!("../templates/entities.html")),
    ("entity.html", include_str!("../templates/entity.html")),
    (
        "storylines.html",
        include_str!("../templates/storylines.html"),
    ),
    (
        "storyline.html",
        include_str!("../templates/storyline.html"),
    ),
    ("search.html", include_str!("../templates/search.html")),
    ("sources.html", include_str!("../templates/sources.html")),
    ("error.html", include_str!("../templates/error.html")),
];

/// The compiled templates.
pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    pub fn new() -> Templates {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            // The templates are part of the binary and checked by the tests; a broken one
            // shows as an error page when rendered, not as a failure to start.
            if let Err(e) = env.add_template(name, source) {
                tracing::error!(template = name, error = %e, "template does not compile");
            }
        }
        env.add_filter("langname", lang_name);
        env.add_filter("segment", segment);
        env.add_filter("attr", attr);
        env.add_filter("num", num);
        env.set_formatter(isolating_formatter);
        env.add_test("web_url", is_web_url);
        Templates { env }
    }

    fn render<S: Serialize>(&self, name: &str, ctx: S) -> Result<String, ApiError> {
        self.env
            .get_template(name)
            .and_then(|t| t.render(ctx))
            .map_err(|e| ApiError::Internal(format!("template {name}: {e:#}")))
    }
}

impl Default for Templates {
    fn default() -> Templates {
        Templates::new()
    }
}

/// Text from documents and clients is printed HTML-escaped and, when it holds right-to-left
/// letters or bidirectional controls, inside a Unicode isolate (FSI … PDI, what `<bdi>` does,
/// but valid in attributes and `<title>` too): its direction comes from its own first strong
/// letter, and an override in it (U+202E) cannot reorder the text around it. Text of the
/// templates themselves and values marked safe (`segment`, `attr`) are written as they are.
fn isolating_formatter(
    out: &mut minijinja::Output,
    state: &minijinja::State,
    value: &minijinja::Value,
) -> Result<(), minijinja::Error> {
    match value.as_str() {
        Some(text) if !value.is_safe() && needs_isolation(text) => {
            let text = balanced(text);
            write!(out, "\u{2068}{}\u{2069}", minijinja::HtmlEscape(&text))
                .map_err(minijinja::Error::from)
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

/// Whether `text` has a right-to-left letter or an explicit bidirectional control.
fn needs_isolation(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c,
            '\u{0590}'..='\u{08FF}'
            | '\u{FB1D}'..='\u{FDFF}'
            | '\u{FE70}'..='\u{FEFF}'
            | '\u{10800}'..='\u{10FFF}'
            | '\u{1E800}'..='\u{1EFFF}'
            | '\u{200E}' | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}')
    })
}

/// `text` made safe to put inside one isolate: a PDI (U+2069) that closes nothing opened in
/// `text` is dropped (it would close the enclosing isolate early), and isolates `text` opens
/// are closed at its end (so the enclosing PDI closes the enclosing isolate; embeddings and
/// overrides opened inside end there too, by the bidirectional algorithm).
fn balanced(text: &str) -> String {
    let mut open = 0usize;
    let mut out = String::with_capacity(text.len() + 3);
    for c in text.chars() {
        match c {
            '\u{2066}'..='\u{2068}' => open += 1,
            '\u{2069}' if open == 0 => continue,
            '\u{2069}' => open -= 1,
            _ => {}
        }
        out.push(c);
    }
    out.extend(std::iter::repeat_n('\u{2069}', open));
    out
}

/// A value as one URL path segment (or query value): every byte but the unreserved
/// characters percent-encoded, `/` included, so an id `a/b` links to `/documents/a%2Fb`.
/// The result is plain ASCII and safe in an attribute as it is.
fn segment(value: String) -> minijinja::Value {
    minijinja::Value::from_safe_string(percent_encode(&value))
}

/// A value for a form field's `value` attribute: HTML-escaped but not isolated, so what the
/// browser sends back is exactly the value.
fn attr(value: String) -> minijinja::Value {
    minijinja::Value::from_safe_string(minijinja::HtmlEscape(&value).to_string())
}

/// A figure as people write it: `12` rather than `12.0`, at most three decimals otherwise.
fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Whether a stored URL may become a link: only `http(s)://` (no `javascript:`, `data:`, ...).
fn is_web_url(url: String) -> bool {
    let u = url.trim_start().to_ascii_lowercase();
    (u.starts_with("https://") || u.starts_with("http://")) && !u.contains(char::is_whitespace)
}

/// A readable name for a language tag.
fn lang_name(tag: String) -> String {
    match tag.as_str() {
        "en" => "English",
        "ru" => "Russian",
        "zh-Hans" => "Chinese (Simplified)",
        "zh-Hant" => "Chinese (Traditional)",
        "zh" => "Chinese",
        "fr" => "French",
        "de" => "German",
        "es" => "Spanish",
        "ar" => "Arabic",
        "ja" => "Japanese",
        "und" => "undetermined",
        _ => return tag,
    }
    .to_string()
}

/// An HTML error page with the status of the error table.
fn error_page(app: &App, e: ApiError) -> Response {
    let (status, code) = e.status_and_code();
    if let ApiError::Internal(why) = &e {
        tracing::error!(error = %why, "page failed");
    }
    let body = app
        .templates
        .render(
            "error.html",
            context! { code => code, message => e.to_string(), status => status.as_u16() },
        )
        .unwrap_or_else(|_| "error".into());
    (status, Html(body)).into_response()
}

/// Render `name` with what `f` computes, or an error page.
async fn page<F>(app: Arc<App>, name: &'static str, f: F) -> Response
where
    F: FnOnce(
            &App,
            &dyn store::Store,
            &crate::catalog::Catalog,
        ) -> Result<minijinja::Value, ApiError>
        + Send
        + 'static,
{
    let result = app
        .read(move |app, s, c| {
            let ctx = f(app, s, c)?;
            app.templates.render(name, ctx)
        })
        .await;
    match result {
        Ok(html) => Html(html).into_response(),
        Err(e) => error_page(&app, e),
    }
}

pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE,
    )
        .into_response()
}

pub async fn not_found(State(app): State<Arc<App>>) -> Response {
    error_page(&app, ApiError::NotFound("this page".into()))
}

pub async fn timeline(State(app): State<Arc<App>>, f: Q<EventFilter>) -> Response {
    let f = match query(f) {
        Ok(f) => f,
        Err(e) => return error_page(&app, e),
    };
    page(app, "timeline.html", move |_, _, c| {
        let page = c.events_page(&f)?;
        let (outlets, languages) = c.facets();
        let next = (page.offset + page.limit < page.total).then_some(page.offset + page.limit);
        let prev = (page.offset > 0).then(|| page.offset.saturating_sub(page.limit));
        let mut base = f.clone();
        base.offset = None;
        base.limit = None;
        // Each card's sparkline (SVG written and escaped by `charts`).
        let sparks: std::collections::BTreeMap<String, minijinja::Value> = page
            .items
            .iter()
            .map(|e| {
                (
                    e.id.clone(),
                    minijinja::Value::from_safe_string(charts::sparkline(&e.coverage)),
                )
            })
            .collect();
        let oldest = f.order.as_deref().map(str::trim) == Some("oldest");
        let mut unordered = base.clone();
        unordered.order = None;
        let volume = timeline_volume(c, &f)?;
        Ok(context! {
            volume => volume,
            page => page, filter => f, filtered => !f.is_empty(), outlets => outlets,
            languages => languages, next => next, prev => prev,
            query => serde_urlencoded_lite(&base),
            unordered => serde_urlencoded_lite(&unordered),
            oldest => oldest, sparks => sparks,
            documents => c.documents,
        })
    })
    .await
}

/// The timeline's coverage volume: documents per day, month or year (by the span: up to 92 days
/// by day, up to three years by month, else by year) over the chosen dates or, without them, over all dated documents), each bar a
/// link to the timeline narrowed to its stretch; with a link back out.
fn timeline_volume(
    c: &crate::catalog::Catalog,
    f: &EventFilter,
) -> Result<minijinja::Value, ApiError> {
    use chrono::{Datelike, NaiveDate};
    let counts = c.volume(f)?;
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let date = |n: i64| epoch + chrono::Duration::days(n);
    let from = crate::params::filter_day("from", f.from.as_deref())?;
    let to = crate::params::filter_day("to", f.to.as_deref())?;
    let first = from.or_else(|| counts.keys().next().map(|&d| date(d)));
    let last = to.or_else(|| counts.keys().next_back().map(|&d| date(d)));
    let (Some(first), Some(last)) = (first, last) else {
        return Ok(minijinja::Value::from(()));
    };
    let (first, last) = (first.min(last), first.max(last));
    let span = (last - first).num_days();
    // Each stretch: its first and last day.
    let stretch = |d: NaiveDate| -> (NaiveDate, NaiveDate) {
        if span <= 92 {
            (d, d)
        } else if span <= 3 * 366 {
            crate::searching::month_of(d)
        } else {
            crate::searching::year_of(d)
        }
    };
    let mut bars: Vec<(NaiveDate, NaiveDate, usize)> = Vec::new();
    let mut d = first;
    while d <= last {
        let (a, b) = stretch(d);
        bars.push((a, b, 0));
        match b.succ_opt() {
            Some(n) => d = n,
            None => break,
        }
    }
    for (&day, &n) in &counts {
        let day = date(day);
        if let Some(bar) = bars.iter_mut().find(|b| b.0 <= day && day <= b.1) {
            bar.2 += n;
        }
    }
    // Stray dates centuries apart would make thousands of empty years: keep those with
    // documents.
    if bars.len() > 120 {
        bars.retain(|b| b.2 > 0);
    }
    let href = |a: Option<NaiveDate>, b: Option<NaiveDate>| {
        let mut g = f.clone();
        g.from = a.map(|d| d.to_string());
        g.to = b.map(|d| d.to_string());
        g.offset = None;
        g.limit = None;
        format!("/?{}", serde_urlencoded_lite(&g))
    };
    let label = |a: NaiveDate, b: NaiveDate| {
        if a == b {
            a.to_string()
        } else if a.month() == b.month() && a.year() == b.year() {
            format!("{:04}-{:02}", a.year(), a.month())
        } else {
            format!("{:04}", a.year())
        }
    };
    let linked: Vec<(String, usize, String)> = bars
        .iter()
        .map(|&(a, b, n)| (label(a, b), n, href(Some(a), Some(b))))
        .collect();
    let total: usize = bars.iter().map(|b| b.2).sum();
    let unit = if span <= 92 {
        "day"
    } else if span <= 3 * 366 {
        "month"
    } else {
        "year"
    };
    // Out: a stretch of up to three months widens to its year, a longer one to all dates.
    let zoomed = from.is_some() || to.is_some();
    let out = if !zoomed {
        None
    } else if span <= 92 {
        let (a, b) = crate::searching::year_of(first);
        Some(href(Some(a), Some(b.max(last))))
    } else {
        Some(href(None, None))
    };
    let chart = charts::volume_bars(
        &linked,
        "volume-chart",
        &format!("Coverage volume: documents per {unit}"),
    );
    Ok(context! {
        chart => minijinja::Value::from_safe_string(chart), total => total, unit => unit,
        first => first.to_string(), last => last.to_string(), zoomed => zoomed,
        out => out.as_deref().map(safe_href), all => safe_href(&href(None, None)),
    })
}

/// A link built of percent-encoded parts (plain ASCII without quotes or angle brackets) as an
/// attribute value: only its `&` needs escaping. (The template's own escaping would also
/// write `/` as `&#x2f;`.)
fn safe_href(href: &str) -> minijinja::Value {
    minijinja::Value::from_safe_string(href.replace('&', "&amp;"))
}

/// The filter as a query string (without paging), for the pager links.
fn serde_urlencoded_lite(f: &EventFilter) -> String {
    let mut parts = Vec::new();
    for (k, v) in [
        ("from", &f.from),
        ("to", &f.to),
        ("lang", &f.lang),
        ("outlet", &f.outlet),
        ("entity", &f.entity),
        ("storyline", &f.storyline),
        ("order", &f.order),
    ] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            parts.push(format!("{k}={}", percent_encode(v)));
        }
    }
    parts.join("&")
}

fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The reader's languages from `Accept-Language`, most wanted first, as lowercase primary
/// subtags ("zh-CN;q=0.9" → "zh"); `*` and languages refused with `q=0` are left out.
fn reader_languages(accept: Option<&str>) -> Vec<String> {
    let mut ranked: Vec<(f32, usize, String)> = Vec::new();
    for (i, part) in accept.unwrap_or("").split(',').enumerate().take(32) {
        let mut fields = part.split(';');
        let tag = fields.next().unwrap_or("").trim();
        let q = fields
            .filter_map(|f| f.trim().strip_prefix("q="))
            .find_map(|v| v.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let base = tag.split('-').next().unwrap_or("").to_ascii_lowercase();
        if base.is_empty()
            || base == "*"
            || q <= 0.0
            || !base.chars().all(|c| c.is_ascii_alphabetic())
        {
            continue;
        }
        if !ranked.iter().any(|r| r.2 == base) {
            ranked.push((q, i, base));
        }
    }
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.into_iter().map(|r| r.2).collect()
}

/// The title of the event's first document in the reader's most wanted language that has one
/// (`None` when it is the event's own title or no document is in those languages), and that
/// language.
fn title_for_reader(ev: &wire::api::EventView, wanted: &[String]) -> Option<(String, String)> {
    wanted
        .iter()
        .find_map(|want| {
            ev.documents.iter().find_map(|d| {
                let lang = d.languages.iter().find(|l| {
                    l.split('-')
                        .next()
                        .is_some_and(|b| b.eq_ignore_ascii_case(want))
                })?;
                let title = d.title.as_deref()?.trim();
                (!title.is_empty()).then(|| (title.to_string(), lang.clone()))
            })
        })
        .filter(|(t, _)| t != ev.summary.title.trim())
}

pub async fn event(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
) -> Response {
    let wanted = reader_languages(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let mut response = page(app, "event.html", move |app, s, c| {
        let mut ev = c
            .event_view(s, &id)?
            .ok_or_else(|| ApiError::NotFound(format!("event `{id}`")))?;
        let reader_title = title_for_reader(&ev, &wanted);
        let atlas = app.atlas();
        let map = match &atlas {
            Some(atlas) => {
                atlas.locate(&mut ev.places);
                atlas.map(&ev.places, "places-map")
            }
            None => String::new(),
        };
        // Outlet × language table: who reported it, in which language.
        let mut reporters: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
        for d in &ev.documents {
            let outlet = d.outlet.clone().unwrap_or_else(|| "unknown outlet".into());
            let row = match reporters.iter().position(|r| r.0 == outlet) {
                Some(i) => &mut reporters[i],
                None => {
                    reporters.push((outlet, Vec::new(), Vec::new()));
                    let last = reporters.len() - 1;
                    &mut reporters[last]
                }
            };
            for l in &d.languages {
                if !row.1.contains(l) {
                    row.1.push(l.clone());
                }
            }
            row.2.push(d.id.clone());
        }
        let more = ev.summary.document_count.saturating_sub(ev.documents.len());
        // Coverage over time: the chart, its legend, and the same numbers as a table.
        let Chart {
            chart,
            series,
            swatches,
            table,
        } = day_chart(&ev.coverage_by_language, "coverage-chart");
        let dated: usize = series.iter().map(|s| s.1).sum();
        let graph = cooccurrence(&ev);
        // Outlets × languages: the languages in the coverage chart's colour order, then the
        // others.
        let mut order: Vec<String> = series.iter().map(|s| s.0.clone()).collect();
        for r in &ev.coverage_by_outlet {
            if !order.contains(&r.language) {
                order.push(r.language.clone());
            }
        }
        let rows: Vec<(String, String, usize)> = ev
            .coverage_by_outlet
            .iter()
            .map(|r| {
                (
                    r.outlet.clone().unwrap_or_else(|| "unknown outlet".into()),
                    r.language.clone(),
                    r.documents,
                )
            })
            .collect();
        let bars = charts::outlet_bars(&rows, &order, "outlet-bars");
        let bar_keys: Vec<(String, minijinja::Value)> = order
            .iter()
            .enumerate()
            .filter(|(_, l)| rows.iter().any(|r| &r.1 == *l))
            .map(|(rank, l)| {
                (
                    l.clone(),
                    minijinja::Value::from_safe_string(format!(
                        r#"<svg class="swatch" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true"><rect width="12" height="12" fill="{}"/></svg>"#,
                        charts::colour(rank)
                    )),
                )
            })
            .collect();
        // The disagreement panel: per disagreement, one column per outlet and value (copies of
        // one figure by one outlet, a translation say, share a column).
        let panel: Vec<minijinja::Value> = ev
            .disagreements
            .iter()
            .map(|g| {
                // Outlet, value, documents, sentences.
                type Column = (String, f64, Vec<String>, Vec<String>);
                let mut cols: Vec<Column> = Vec::new();
                for f in &g.facts {
                    let who = f.outlet.clone().unwrap_or_else(|| f.document.clone());
                    match cols.iter_mut().find(|c| c.0 == who && c.1 == f.value) {
                        Some(c) => {
                            c.2.push(f.document.clone());
                            if !c.3.contains(&f.text) {
                                c.3.push(f.text.clone());
                            }
                        }
                        None => cols.push((
                            who,
                            f.value,
                            vec![f.document.clone()],
                            vec![f.text.clone()],
                        )),
                    }
                }
                context! { subject => g.subject, unit => g.unit, columns => cols }
            })
            .collect();
        Ok(context! {
            ev => ev, reporters => reporters, more => more,
            chart => minijinja::Value::from_safe_string(chart), series => series,
            swatches => swatches, coverage_table => table, panel => panel,
            graph => minijinja::Value::from_safe_string(graph),
            bars => minijinja::Value::from_safe_string(bars), bar_keys => bar_keys,
            map => minijinja::Value::from_safe_string(map), has_atlas => atlas.is_some(),
            undated => ev.summary.document_count.saturating_sub(dated),
            reader_title => reader_title,
        })
    })
    .await;
    // The title depends on the reader's languages.
    response.headers_mut().append(
        header::VARY,
        header::HeaderValue::from_static("Accept-Language"),
    );
    response
}

pub async fn document(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    page(app, "document.html", move |_, s, c| {
        let d = c
            .document_view(s, &id)?
            .ok_or_else(|| ApiError::NotFound(format!("document `{id}`")))?;
        let event = d.event.as_deref().and_then(|e| c.event_summary(e)).cloned();
        Ok(context! { d => d, event => event })
    })
    .await
}

pub async fn entities(State(app): State<Arc<App>>, q: Q<EntityQuery>) -> Response {
    let q = match query(q) {
        Ok(q) => q,
        Err(e) => return error_page(&app, e),
    };
    page(app, "entities.html", move |_, _, c| {
        let page = c.entities_page(q.q.as_deref(), q.kind.as_deref(), q.offset, q.limit)?;
        let next = (page.offset + page.limit < page.total).then_some(page.offset + page.limit);
        // `name`, not `q`: `q` fills the header's search box.
        Ok(context! { page => page, name => q.q, kind => q.kind, next => next })
    })
    .await
}

pub async fn entity(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    page(app, "entity.html", move |_, _, c| {
        let e = c
            .entity_view(&id)
            .ok_or_else(|| ApiError::NotFound(format!("entity `{id}`")))?;
        let Chart {
            chart,
            series,
            swatches,
            table,
        } = day_chart(&e.mentions_by_language, "mentions-chart");
        let dated: usize = series.iter().map(|s| s.1).sum();
        Ok(context! {
            chart => minijinja::Value::from_safe_string(chart), series => series,
            swatches => swatches, coverage_table => table,
            undated => e.documents_total.saturating_sub(dated), e => e,
        })
    })
    .await
}

/// The event's people and organisations (the most mentioned, at most
/// [`charts::GRAPH_NODES`]) and how many of its listed documents name each pair, as a graph.
fn cooccurrence(ev: &wire::api::EventView) -> String {
    let nodes: Vec<&wire::api::EntityBrief> = ev
        .entities
        .iter()
        .filter(|e| e.kind == "person" || e.kind == "organization")
        .take(charts::GRAPH_NODES)
        .collect();
    let mut pairs: std::collections::BTreeMap<(usize, usize), usize> = Default::default();
    for d in &ev.documents {
        let mut here: Vec<usize> = d
            .entities
            .iter()
            .filter_map(|e| nodes.iter().position(|n| n.id == e.id))
            .collect();
        here.sort_unstable();
        here.dedup();
        for (k, &a) in here.iter().enumerate() {
            for &b in &here[k + 1..] {
                *pairs.entry((a, b)).or_default() += 1;
            }
        }
    }
    let names: Vec<(String, String)> = nodes
        .iter()
        .map(|n| (n.name.clone(), n.kind.clone()))
        .collect();
    let pairs: Vec<(usize, usize, usize)> =
        pairs.into_iter().map(|((a, b), n)| (a, b, n)).collect();
    charts::cooccurrence_graph(&names, &pairs, "cooccurrence-graph")
}

/// A chart of documents per day and language, with what its legend and its table of numbers
/// need.
struct Chart {
    /// The SVG (written and escaped by `charts`); empty when no document is dated.
    chart: String,
    /// Language, documents, colour; the most documents first.
    series: Vec<(String, usize, &'static str)>,
    /// One colour swatch per series (SVG).
    swatches: Vec<minijinja::Value>,
    /// Day, documents per series.
    table: Vec<(String, Vec<usize>)>,
}

fn day_chart(counts: &[wire::api::LanguageDayCount], id: &str) -> Chart {
    let chart = charts::coverage_chart(counts, id);
    let series: Vec<(String, usize, &'static str)> = charts::series(counts)
        .into_iter()
        .enumerate()
        .map(|(rank, (lang, n))| (lang, n, charts::colour(rank)))
        .collect();
    let mut table: Vec<(String, Vec<usize>)> = Vec::new();
    for c in counts {
        if table.last().is_none_or(|r| r.0 != c.day) {
            table.push((c.day.clone(), vec![0; series.len()]));
        }
        let rank = series.iter().position(|s| s.0 == c.language).unwrap_or(0);
        if let Some(row) = table.last_mut() {
            row.1[rank] += c.documents;
        }
    }
    let swatches = series
        .iter()
        .map(|s| {
            minijinja::Value::from_safe_string(format!(
                r#"<svg class="swatch" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true"><rect width="12" height="12" fill="{}"/></svg>"#,
                s.2
            ))
        })
        .collect();
    Chart {
        chart,
        series,
        swatches,
        table,
    }
}

pub async fn storylines(State(app): State<Arc<App>>) -> Response {
    page(app, "storylines.html", move |_, _, c| {
        Ok(context! { storylines => c.storylines() })
    })
    .await
}

pub async fn storyline(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    page(app, "storyline.html", move |_, _, c| {
        let s = c
            .storyline(&id)
            .ok_or_else(|| ApiError::NotFound(format!("storyline `{id}`")))?;
        Ok(context! { s => s })
    })
    .await
}

/// The sources a watch follows and their health (what `/api/sources` gives).
pub async fn sources(State(app): State<Arc<App>>) -> Response {
    page(app, "sources.html", move |_, s, _| {
        Ok(context! { r => crate::handlers::sources_view(s)? })
    })
    .await
}

pub async fn search(State(app): State<Arc<App>>, q: Q<SearchQuery>) -> Response {
    let q = match query(q) {
        Ok(q) => q,
        Err(e) => return error_page(&app, e),
    };
    let filter = q.filter();
    let query = q.q.clone().unwrap_or_default();
    let limit = q.limit.unwrap_or(30);
    let offset = q.offset.unwrap_or(0);
    if query.trim().is_empty() {
        let empty: Option<wire::api::SearchResults> = None;
        return page(app, "search.html", move |_, _, _| {
            Ok(context! { q => "", r => empty })
        })
        .await;
    }
    page(app, "search.html", move |app, s, c| {
        let r = run_search(app, s, c, &query, &filter, offset, limit)?;
        // The page's hits grouped by event, the groups in the order of their best hit; hits
        // outside any event stand alone.
        let mut groups: Vec<(Option<String>, Option<String>, Vec<&wire::api::SearchHit>)> =
            Vec::new();
        for h in &r.hits {
            match groups
                .iter_mut()
                .find(|g| g.0.is_some() && g.0 == h.event)
            {
                Some(g) => g.2.push(h),
                None => groups.push((h.event.clone(), h.event_title.clone(), vec![h])),
            }
        }
        let groups: Vec<minijinja::Value> = groups
            .into_iter()
            .map(|(id, title, hits)| {
                let total = id
                    .as_deref()
                    .and_then(|e| r.facets.events.iter().find(|f| f.id == e))
                    .map_or(hits.len(), |f| f.count);
                context! { id => id, title => title, hits => hits, total => total }
            })
            .collect();
        // Each facet value links to the search with that value set (or, when it is set, without
        // it); the other filters stay.
        let link = |change: &[(&str, Option<&str>)]| {
            let mut parts = vec![format!("q={}", percent_encode(&query))];
            for (k, v) in [
                ("lang", &filter.lang),
                ("outlet", &filter.outlet),
                ("from", &filter.from),
                ("to", &filter.to),
            ] {
                let v = match change.iter().find(|c| c.0 == k) {
                    Some(c) => c.1.map(str::to_string),
                    None => v.clone(),
                };
                if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
                    parts.push(format!("{k}={}", percent_encode(&v)));
                }
            }
            format!("/search?{}", parts.join("&"))
        };
        let chosen = |v: &Option<String>, x: &str| {
            v.as_deref()
                .is_some_and(|v| v.trim().eq_ignore_ascii_case(x))
        };
        let values = |key: &str, counts: &[wire::api::FacetCount], current: &Option<String>| {
            counts
                .iter()
                .map(|f| {
                    let on = chosen(current, &f.value);
                    let href = safe_href(&link(&[(key, (!on).then_some(f.value.as_str()))]));
                    context! { value => f.value, count => f.count, on => on, href => href }
                })
                .collect::<Vec<_>>()
        };
        let languages = values("lang", &r.facets.languages, &filter.lang);
        let outlets = values("outlet", &r.facets.outlets, &filter.outlet);
        let dates: Vec<minijinja::Value> = r
            .facets
            .dates
            .iter()
            .map(|d| {
                let on = chosen(&filter.from, &d.from) && chosen(&filter.to, &d.to);
                let href = safe_href(&if on {
                    link(&[("from", None), ("to", None)])
                } else {
                    link(&[("from", Some(&d.from)), ("to", Some(&d.to))])
                });
                context! { label => d.label, count => d.count, on => on, href => href }
            })
            .collect();
        let dates_chart = minijinja::Value::from_safe_string(charts::facet_bars(
            &r.facets
                .dates
                .iter()
                .map(|d| (d.label.clone(), d.count, link(&[("from", Some(&d.from)), ("to", Some(&d.to))])))
                .collect::<Vec<_>>(),
            "date-facet",
        ));
        let next = (r.offset + r.limit < r.total).then_some(r.offset + r.limit);
        let prev = (r.offset > 0).then(|| r.offset.saturating_sub(r.limit));
        let here = safe_href(&link(&[]));
        Ok(context! {
            q => query, groups => groups, languages => languages, outlets => outlets,
            dates => dates, dates_chart => dates_chart, filtered => !filter.is_empty(),
            clear => safe_href(&link(&[("lang", None), ("outlet", None), ("from", None), ("to", None)])),
            here => here, next => next, prev => prev, filter => filter, r => r,
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_languages_follow_the_quality_values() {
        assert_eq!(
            reader_languages(Some("de-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5, ja;q=0")),
            ["de", "fr", "en"]
        );
        assert_eq!(reader_languages(Some("en;q=0.2, zh-Hant-TW")), ["zh", "en"]);
        assert!(reader_languages(None).is_empty());
        assert!(reader_languages(Some(";;, q=1, 1x")).is_empty());
    }

    #[test]
    fn every_template_compiles() {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .unwrap_or_else(|e| panic!("{name}: {e:#}"));
        }
    }
}
