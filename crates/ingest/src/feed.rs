//! RSS 2.0, RSS 1.0 and Atom feeds, via `feed-rs`: each item with content becomes an article.

use model::{Content, RawDocument, RawMeta};

use crate::decode::decode;
use crate::error::IngestError;

pub(crate) fn records(
    bytes: &[u8],
    shown: &str,
    stem: &str,
) -> Result<Box<dyn Iterator<Item = Result<RawDocument, IngestError>>>, IngestError> {
    // feed-rs decodes by the XML declaration; give it UTF-8 so other encodings work too.
    let text = decode(bytes, None).text;
    let text = strip_xml_encoding(&text);
    let feed = feed_rs::parser::parse(text.as_bytes())
        .map_err(|e| IngestError::new(shown, format!("not a valid RSS/Atom feed: {e}")))?;
    let outlet = feed
        .title
        .as_ref()
        .map(|t| t.content.trim().to_string())
        .filter(|t| !t.is_empty());
    let mut out = Vec::with_capacity(feed.entries.len());
    for (n, entry) in feed.entries.into_iter().enumerate() {
        let at = format!("{shown}#item{}", n + 1);
        let url = entry.links.first().map(|l| l.href.clone());
        let body = entry
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .filter(|b| !b.trim().is_empty())
            .or_else(|| {
                entry
                    .summary
                    .as_ref()
                    .map(|s| s.content.clone())
                    .filter(|b| !b.trim().is_empty())
            });
        let Some(body) = body else {
            out.push(Err(IngestError::new(
                at,
                "feed item has no text (only a title or link); skipped",
            )));
            continue;
        };
        let id = if !entry.id.trim().is_empty() && !looks_generated(&entry.id) {
            entry.id.trim().to_string()
        } else if let Some(u) = &url {
            u.clone()
        } else {
            format!("{stem}#{}", n + 1)
        };
        out.push(Ok(RawDocument {
            id,
            source: at,
            content: Content::Html(body),
            meta: RawMeta {
                title: entry.title.map(|t| t.content.trim().to_string()),
                published: entry.published.or(entry.updated).map(|d| d.to_rfc3339()),
                url,
                outlet: outlet.clone(),
                lang: entry.language.or(feed.language.clone()),
                decoding: None,
            },
            encoding: "UTF-8".into(),
        }));
    }
    if out.is_empty() {
        return Err(IngestError::empty(shown, "feed has no items"));
    }
    Ok(Box::new(out.into_iter()))
}

/// feed-rs invents a hash id when an item has none; such ids are not stable across edits.
fn looks_generated(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

fn strip_xml_encoding(text: &str) -> std::borrow::Cow<'_, str> {
    let t = text.trim_start_matches('\u{feff}');
    if let Some(rest) = t.strip_prefix("<?xml") {
        if let Some(end) = rest.find("?>") {
            return format!("<?xml version=\"1.0\"?>{}", &rest[end + 2..]).into();
        }
    }
    t.into()
}
