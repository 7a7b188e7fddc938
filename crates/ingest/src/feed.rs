//! RSS 2.0, RSS 1.0 and Atom feeds, via `feed-rs`: each item with content becomes an article.
//! An item's text may be HTML with blocks, HTML with only line breaks and inline tags, or plain
//! text (RSS descriptions, Atom `type="text"`); the last two are given paragraphs here so that
//! extraction reads them like a page.

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
    let text = with_rss_version(&text);
    let feed = feed_rs::parser::parse(text.as_bytes())
        .map_err(|e| IngestError::new(shown, format!("not a valid RSS/Atom feed: {e}")))?;
    let atom = feed.feed_type == feed_rs::model::FeedType::Atom;
    let outlet = feed
        .title
        .as_ref()
        .map(|t| t.content.trim().to_string())
        .filter(|t| !t.is_empty());
    let mut out = Vec::with_capacity(feed.entries.len());
    for (n, entry) in feed.entries.into_iter().enumerate() {
        let at = format!("{shown}#item{}", n + 1);
        let url = entry.links.first().map(|l| l.href.clone());
        // Atom says whether a text is plain; feed-rs labels every RSS description plain, so
        // there a description is plain when it has no tags.
        let plain = |t: &str, body: &str| t == "text/plain" && (atom || !has_tags(body));
        let body = entry
            .content
            .as_ref()
            .and_then(|c| {
                let b = c.body.clone()?;
                let p = plain(c.content_type.as_str(), &b);
                Some((b, p))
            })
            .filter(|(b, _)| !b.trim().is_empty())
            .or_else(|| {
                entry
                    .summary
                    .as_ref()
                    .map(|s| {
                        (
                            s.content.clone(),
                            plain(s.content_type.as_str(), &s.content),
                        )
                    })
                    .filter(|(b, _)| !b.trim().is_empty())
            })
            .map(|(b, plain)| with_paragraphs(&b, plain));
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
                ..RawMeta::default()
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

/// An `<rss>` root without a `version` attribute, which feed-rs does not take for RSS, is given
/// the version that such feeds are written to.
fn with_rss_version(text: &str) -> std::borrow::Cow<'_, str> {
    let Some(start) = find_tag(text, "rss") else {
        return text.into();
    };
    let Some(len) = text[start..].find('>') else {
        return text.into();
    };
    let tag = &text[start..start + len];
    if tag.contains("version") {
        return text.into();
    }
    let at = start + "<rss".len();
    format!("{} version=\"2.0\"{}", &text[..at], &text[at..]).into()
}

/// Where the first `<name` tag (followed by a space, `>` or `/`) starts, ASCII case ignored.
fn find_tag(text: &str, name: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    let open = format!("<{name}");
    let mut from = 0;
    while let Some(pos) = lower[from..].find(&open) {
        let at = from + pos;
        match lower.as_bytes().get(at + open.len()) {
            Some(b' ' | b'>' | b'/' | b'\t' | b'\r' | b'\n') | None => return Some(at),
            _ => from = at + open.len(),
        }
    }
    None
}

/// Whether `text` has something that looks like a tag (`<` then a letter, `/` or `!`).
fn has_tags(text: &str) -> bool {
    text.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'/' | b'!')))
}

/// Block tags whose presence means an item's HTML already has paragraphs.
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "article",
    "section",
    "blockquote",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "pre",
];

/// An item's body as HTML with paragraphs: plain text is escaped and split at blank lines; HTML
/// without block tags is split at line breaks (`<br>`) and blank lines; HTML with blocks is kept.
fn with_paragraphs(body: &str, plain: bool) -> String {
    let html = if plain {
        body.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    } else if BLOCK_TAGS.iter().any(|t| find_tag(body, t).is_some()) {
        return body.to_string();
    } else {
        split_at_breaks(body)
    };
    let html = trim_lines(&html);
    let mut out = String::with_capacity(html.len() + 64);
    out.push_str("<article>");
    for para in html.split("\n\n") {
        let para = para.split_whitespace().collect::<Vec<_>>().join(" ");
        if !para.is_empty() {
            out.push_str("<p>");
            out.push_str(&para);
            out.push_str("</p>");
        }
    }
    out.push_str("</article>");
    out
}

/// `body` with each `<br>` tag made a paragraph break (`\n\n`).
fn split_at_breaks(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = find_tag(rest, "br") {
        out.push_str(&rest[..at]);
        out.push_str("\n\n");
        rest = match rest[at..].find('>') {
            Some(end) => &rest[at + end + 1..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

/// Each line trimmed, so that a line of spaces is a blank line (a paragraph break).
fn trim_lines(text: &str) -> String {
    let mut joined = String::with_capacity(text.len());
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            joined.push('\n');
        }
        joined.push_str(line.trim());
    }
    joined
}
