//! Documents before and after extraction.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The payload of a raw document, already decoded to Unicode by ingest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "body", rename_all = "lowercase")]
pub enum Content {
    /// A whole HTML page.
    Html(String),
    /// Text that a scraper already extracted (page furniture may be left in).
    Text(String),
}

impl Content {
    pub fn as_str(&self) -> &str {
        match self {
            Content::Html(s) | Content::Text(s) => s,
        }
    }
}

/// Metadata that came with the input itself (JSONL fields, feed items, WARC headers).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawMeta {
    pub title: Option<String>,
    /// ISO 8601 date or date-time, as given.
    pub published: Option<String>,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub lang: Option<String>,
    /// What the decoder had to overrule or repair (a `<meta charset>` the bytes contradict,
    /// malformed sequences replaced); extraction reports it as a diagnostic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decoding: Option<String>,
    /// When the input was captured (a WARC record's `WARC-Date`), as given. A later capture of
    /// a stored URL with other content is stored under an id that carries this date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured: Option<String>,
    /// What ingest had to drop or repair in the input (a gzip header the body contradicts, …);
    /// extraction reports each as a diagnostic.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// What a listing said about the page (a feed item's title, date and author): unlike the
    /// fields above, which win over what the page says, a hint is used only where the page
    /// itself gives nothing.
    #[serde(default, skip_serializing_if = "Hints::is_empty")]
    pub hints: Hints,
}

/// What a feed or sitemap said about a page it listed. Extraction takes the page's own
/// metadata first and falls back to these (see `extract::extract`); the watcher archives them
/// in a WARC `metadata` record beside the page's `response`, so an archive re-ingested gives
/// the same hints.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hints {
    pub title: Option<String>,
    /// ISO 8601 date or date-time, as given.
    pub published: Option<String>,
    /// The author as the listing names them (`Jane Doe`, `jane@example.org (Jane Doe)`).
    pub author: Option<String>,
    /// The listing's name for the outlet (a feed's title).
    pub outlet: Option<String>,
    /// The listing that named the page (a feed's URL), for provenance; extraction ignores it.
    pub via: Option<String>,
}

impl Hints {
    pub fn is_empty(&self) -> bool {
        self == &Hints::default()
    }
}

/// One input document as ingest read it: decoded, not yet understood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawDocument {
    /// Stable id: a JSONL `id`, a file stem, or derived from a URL or record.
    pub id: String,
    /// Where it came from, for messages: `path`, `path:line` or `path#record`.
    pub source: String,
    pub content: Content,
    pub meta: RawMeta,
    /// Name of the byte encoding it was decoded from (`UTF-8`, `GBK`, …).
    pub encoding: String,
}

impl RawDocument {
    /// Content identity: the same page ingested again, under any id, is recognised by this.
    pub fn content_hash(&self) -> String {
        content_hash(self.content.as_str())
    }
}

/// Hex SHA-256 of a text.
pub fn content_hash(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// A place and date given at the head of a news report (`KAZAN, Russia, Oct. 22 (Xinhua) --`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dateline {
    /// The place as written (`KAZAN`, `喀山`); an English name where one is known.
    pub place: Option<String>,
    /// ISO date, with the year taken from the publication date when the dateline has none.
    pub date: Option<String>,
    /// The dateline text as it stands in the article.
    pub text: String,
}

/// A run of text in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    /// BCP-47-style tag: `en`, `ru`, `zh-Hans`, `zh-Hant`, … or `und`.
    pub lang: String,
    pub text: String,
}

/// A document after extraction and the text layer: clean text plus metadata.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    pub id: String,
    pub source: String,
    pub url: Option<String>,
    pub title: Option<String>,
    /// ISO 8601 date or date-time.
    pub published: Option<String>,
    pub outlet: Option<String>,
    pub byline: Vec<String>,
    pub editor: Option<String>,
    pub dateline: Option<Dateline>,
    /// Clean paragraphs, in order.
    pub paragraphs: Vec<String>,
    /// Language segments over the clean text.
    pub segments: Vec<Segment>,
    /// Things extraction noticed (empty article, lying charset, …), for the user.
    pub diagnostics: Vec<String>,
    /// The id of the earlier capture of the same URL this document is a later capture of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capture_of: Option<String>,
}

impl Article {
    /// The clean text: paragraphs separated by blank lines.
    pub fn text(&self) -> String {
        self.paragraphs.join("\n\n")
    }

    /// Distinct languages in order of first appearance.
    pub fn languages(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for s in &self.segments {
            if !out.contains(&s.lang) {
                out.push(s.lang.clone());
            }
        }
        out
    }
}
