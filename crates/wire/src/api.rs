//! The JSON bodies of the HTTP API (`/api/...`). The web UI renders the same values, so a page
//! and its API twin always agree. Every error is an [`ErrorBody`] with a stable `code`.

use model::DocumentSummary;
use serde::{Deserialize, Serialize};

/// An error answer: a stable machine-readable `code` and a human message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

/// One event in the timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventSummary {
    pub id: String,
    pub title: String,
    pub start: Option<String>,
    pub end: Option<String>,
    pub place: Option<String>,
    pub storyline: Option<String>,
    /// Number of documents (named apart from `EventView::documents`, the list, which a flattened
    /// summary sits beside: one key, one meaning).
    pub document_count: usize,
    /// Distinct outlets, as named by the documents.
    pub outlets: Vec<String>,
    /// Distinct languages over all documents.
    pub languages: Vec<String>,
    /// Documents per day (by `published`, documents with a readable date only), oldest day
    /// first; days without documents are left out.
    pub coverage: Vec<DayCount>,
}

/// How many documents one day holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayCount {
    /// ISO date (`YYYY-MM-DD`, UTC).
    pub day: String,
    pub documents: usize,
}

/// How many documents in one language one day holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LanguageDayCount {
    /// ISO date (`YYYY-MM-DD`, UTC).
    pub day: String,
    /// The document's first language.
    pub language: String,
    pub documents: usize,
}

/// How many documents of one outlet in one language an event holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutletLanguageCount {
    /// As the documents name it; `null` for documents that name none.
    pub outlet: Option<String>,
    /// The document's first language.
    pub language: String,
    pub documents: usize,
}

/// A place an event's documents name, and where it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaceView {
    /// The entity id (`/api/entities/{id}`).
    pub entity: String,
    pub name: String,
    /// Listed documents of the event that name it.
    pub documents: usize,
    /// ISO 3166-1 alpha-2 code of the country it is or lies in, when known.
    pub country: Option<String>,
    /// A city's position (degrees, WGS 84); `null` for a country or an unknown place.
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

/// A page of a list, with the filters that made it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Items matching the filters, over all pages.
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
}

/// A document as lists show it.
pub type DocumentBrief = DocumentSummary;

/// One source behind a claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceRef {
    pub document: String,
    pub outlet: Option<String>,
    pub title: Option<String>,
    pub languages: Vec<String>,
}

/// A claim of an event with the documents that make it. An event's claims are listed by how
/// many independent sources back them, the most first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimView {
    pub text: String,
    pub sources: Vec<SourceRef>,
    /// The outlets behind the sources.
    pub outlets: Vec<String>,
    /// Only one independent source makes this claim.
    pub single_source: bool,
    /// Figures on the same subject that other sources give differently.
    pub disagreement: Vec<FigureView>,
    /// Outlets once translations, copies and credited wire copies collapse into their origin.
    pub independent_sources: usize,
    /// The sentence each source gave.
    pub evidence: Vec<model::Evidence>,
}

/// A figure as some sources give it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FigureView {
    pub value: f64,
    pub unit: Option<String>,
    pub subject: Option<String>,
    pub sources: Vec<SourceRef>,
}

/// A quote, with its speaker's display name where the speaker is a stored entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuoteView {
    pub document: String,
    pub speaker: Option<String>,
    /// Entity id of the speaker, when resolved.
    pub speaker_entity: Option<String>,
    pub text: String,
    pub via: Option<String>,
    pub outlet: Option<String>,
    /// In quotation marks (true) or reported speech.
    pub direct: bool,
}

/// A figure and the document giving it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactView {
    pub document: String,
    pub outlet: Option<String>,
    pub value: f64,
    pub unit: Option<String>,
    pub subject: Option<String>,
    pub text: String,
}

/// Figures about the same thing (same subject and unit) that differ between documents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Disagreement {
    pub subject: String,
    pub unit: Option<String>,
    pub facts: Vec<FactView>,
}

/// A passage (sentence) that appears in several documents of an event: syndicated copy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PassageView {
    pub text: String,
    pub documents: Vec<String>,
}

/// A stretch of a document's text, marked when it is a shared passage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Span {
    pub text: String,
    /// Index into the event's `passages`, when this stretch is one.
    pub passage: Option<usize>,
}

/// A paragraph of clean text, cut into spans.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParagraphView {
    pub spans: Vec<Span>,
}

/// One document in full: metadata, analysis, clean text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentView {
    pub id: String,
    pub title: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    pub outlet: Option<String>,
    pub byline: Vec<String>,
    pub dateline: Option<String>,
    pub languages: Vec<String>,
    pub event: Option<String>,
    pub duplicate_of: Option<String>,
    pub translation_of: Option<String>,
    /// The earlier capture of the same URL this document is a later capture of.
    pub capture_of: Option<String>,
    /// Why the document is in its event, where the clusterer said.
    pub why: Option<String>,
    /// The clean text (paragraphs separated by blank lines).
    pub text: String,
    pub segments: Vec<model::Segment>,
    /// The clean text as paragraphs, shared passages marked (on event pages).
    pub paragraphs: Vec<ParagraphView>,
    pub quotes: Vec<QuoteView>,
    pub facts: Vec<FactView>,
    pub entities: Vec<EntityBrief>,
}

/// One event with everything known about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventView {
    #[serde(flatten)]
    pub summary: EventSummary,
    pub documents: Vec<DocumentView>,
    /// Documents counted once per group of copies: a translation, a duplicate or a later
    /// capture of another document counts with it (links of the documents listed here, and the
    /// duplicate links of the rest).
    pub independent_sources: usize,
    /// Documents per day and first language, oldest day first.
    pub coverage_by_language: Vec<LanguageDayCount>,
    /// Documents per outlet and first language (all the event's documents), the outlet with
    /// the most documents first.
    pub coverage_by_outlet: Vec<OutletLanguageCount>,
    /// The places its listed documents name, the most named first, located where the map
    /// knows them.
    pub places: Vec<PlaceView>,
    /// The event's figures, grouped by subject, unit and value, the most-backed first (at most
    /// ten): the outlets behind each are its `sources`.
    pub key_figures: Vec<FigureView>,
    pub passages: Vec<PassageView>,
    pub claims: Vec<ClaimView>,
    pub quotes: Vec<QuoteView>,
    pub facts: Vec<FactView>,
    pub disagreements: Vec<Disagreement>,
    pub entities: Vec<EntityBrief>,
    /// Other events of the same storyline.
    pub related: Vec<EventSummary>,
}

/// An entity as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityBrief {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub documents: usize,
}

/// One entity with its names and where it appears.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityView {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub aliases: std::collections::BTreeMap<String, Vec<String>>,
    /// The newest documents mentioning it (at most a page; `documents_total` counts all).
    pub documents: Vec<DocumentBrief>,
    pub documents_total: usize,
    /// The newest events with such documents (at most a page; `events_total` counts all; the
    /// event list filtered by the entity pages through all of them).
    pub events: Vec<EventSummary>,
    pub events_total: usize,
    /// Quotes it is the speaker of (at most a page; `quotes_total` counts all).
    pub quotes: Vec<QuoteView>,
    pub quotes_total: usize,
    /// Documents mentioning it per day and first language (all of them, by `published`, those
    /// with a readable date), oldest day first.
    pub mentions_by_language: Vec<LanguageDayCount>,
}

/// Related events over time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StorylineView {
    pub id: String,
    pub title: String,
    pub start: Option<String>,
    pub end: Option<String>,
    pub events: Vec<EventSummary>,
}

/// One search hit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub document: String,
    pub title: Option<String>,
    pub event: Option<String>,
    pub event_title: Option<String>,
    pub outlet: Option<String>,
    pub published: Option<String>,
    pub languages: Vec<String>,
    pub score: f32,
    pub snippet: String,
    /// The snippet cut where the query's words (any of their forms and translations) occur:
    /// the pieces in order, joined they are `snippet`; `matched` marks the occurrences.
    pub snippet_spans: Vec<Marked>,
}

/// A piece of text, marked where it matches.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Marked {
    pub text: String,
    pub matched: bool,
}

/// How many hits one value of a filter has.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FacetCount {
    pub value: String,
    pub count: usize,
}

/// How many hits were published in one stretch of days (a day, a month or a year).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DateFacet {
    /// `2024-05-16`, `2024-05` or `2024`.
    pub label: String,
    /// First and last day of the stretch (ISO dates): the `from` and `to` that filter on it.
    pub from: String,
    pub to: String,
    pub count: usize,
}

/// How many hits one event holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventFacet {
    pub id: String,
    pub title: String,
    pub count: usize,
}

/// Counts of the ranked hits per value of each filter. Each facet counts the hits that pass
/// the other filters (so its own values stay choosable); `events` counts those that pass all.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SearchFacets {
    /// Per language tag of the documents, the most hits first.
    pub languages: Vec<FacetCount>,
    /// Per outlet, the most hits first.
    pub outlets: Vec<FacetCount>,
    /// Per day, month or year of publication (whichever fits the hits' span), oldest first;
    /// hits without a readable date are not counted here.
    pub dates: Vec<DateFacet>,
    /// Per event, the most hits first.
    pub events: Vec<EventFacet>,
}

/// A search answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    pub query: String,
    /// Rank of the first hit given (0 for the best).
    pub offset: usize,
    /// Most hits a page gives.
    pub limit: usize,
    /// Hits that pass the filters among the best-ranked ones: the best 50, or as many as the
    /// page reaches (four times as many with filters), at most 200.
    pub total: usize,
    pub hits: Vec<SearchHit>,
    pub facets: SearchFacets,
    /// Query word → translations searched too.
    pub translations: Vec<Translation>,
    /// Whether the multilingual encoder ranked documents too.
    pub semantic: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Translation {
    pub word: String,
    pub alternatives: Vec<String>,
}

/// What `POST /api/ingest` did with each article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IngestReport {
    pub ingested: usize,
    pub already_ingested: usize,
    pub failed: usize,
    pub results: Vec<IngestItem>,
}

/// The answer of `POST /api/ingest` when no line could be ingested (status 422): the error's
/// `code` and `message` beside the report, whose `results` say what was wrong with each line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IngestRefused {
    #[serde(flatten)]
    pub error: ErrorBody,
    #[serde(flatten)]
    pub report: IngestReport,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IngestItem {
    /// Document id, or `path:line` of a line that could not be read.
    pub id: String,
    /// `ingested`, `already_ingested` or `failed`.
    pub status: String,
    pub event: Option<String>,
    pub error: Option<String>,
}

/// Counts for `/api/status`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Status {
    pub documents: usize,
    pub events: usize,
    pub entities: usize,
    pub storylines: usize,
    pub ingest: bool,
    pub semantic_search: bool,
}

/// One source a watch follows (`storyline watch`), as `/api/sources` and the sources page
/// show it. Times are RFC 3339, UTC.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceHealth {
    /// The feed or sitemap URL, or the path of a list of URLs.
    pub source: String,
    /// `feed`, `sitemap` or `list`.
    pub kind: String,
    pub last_fetch: Option<String>,
    /// `ok`, `not modified` or `error`.
    pub last_status: Option<String>,
    /// The last poll's error, naming what failed; null after a good poll.
    pub last_error: Option<String>,
    pub next_poll: Option<String>,
    /// The polling interval now (it adapts to how often the source changes).
    pub interval_secs: i64,
    /// Over the source's life: polls, articles new to the store, failed polls.
    pub fetches: i64,
    pub new_articles: i64,
    pub errors: i64,
}

/// A host whose pages failed, as `/api/sources` and the sources page show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HostHealth {
    pub host: String,
    /// Pages of the host whose last fetch gave an error.
    pub pages_with_errors: i64,
    /// The newest of those errors (naming the page) and when.
    pub last_error: Option<String>,
    pub last_error_at: Option<String>,
}

/// The body of `/api/sources`: the watched sources and the hosts with errors.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sources {
    pub sources: Vec<SourceHealth>,
    pub hosts: Vec<HostHealth>,
}
