//! What the watcher needs from a fetched page before it becomes a document: its
//! `<link rel="canonical">`, and, for a feed item whose page cannot be had, a small HTML page
//! made of the item itself (title, author, date and text), archived and ingested like a page.

use url::Url;

/// How far into a page the canonical link is looked for (it sits in `<head>`).
const HEAD_BYTES: usize = 256 * 1024;

/// The page's `<link rel="canonical" href=…>`, resolved against `base`.
pub fn canonical_link(html: &str, base: &Url) -> Option<Url> {
    let mut end = html.len().min(HEAD_BYTES);
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    let lower = html[..end].to_ascii_lowercase();
    // ASCII lowercasing keeps byte offsets, so they hold in both.
    let end = lower.find("</head").unwrap_or(end);
    let (head, lower) = (&html[..end], &lower[..end]);
    let mut from = 0;
    while let Some(at) = lower[from..].find("<link") {
        let start = from + at + 5;
        let close = lower[start..].find('>').map_or(lower.len(), |c| start + c);
        let attrs = attributes(&head[start..close]);
        let rel = attrs.iter().find(|(k, _)| k == "rel").map(|(_, v)| v);
        if rel.is_some_and(|r| {
            r.split_ascii_whitespace()
                .any(|t| t.eq_ignore_ascii_case("canonical"))
        }) {
            let href = attrs.iter().find(|(k, _)| k == "href")?;
            return base
                .join(&unescape(href.1.trim()))
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"));
        }
        from = close;
    }
    None
}

/// `name=value` pairs of a tag's inside (names lowercased; values unquoted).
fn attributes(inside: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let b = inside.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        let name_start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'/' {
            i += 1;
        }
        let name = inside[name_start..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let s = i + 1;
                let e = b[s..]
                    .iter()
                    .position(|&c| c == q)
                    .map_or(b.len(), |p| s + p);
                value = inside[s..e].to_string();
                i = (e + 1).min(b.len());
            } else {
                let s = i;
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                value = inside[s..i].to_string();
            }
        }
        if !name.is_empty() {
            out.push((name, value));
        }
        if i == name_start {
            i += 1;
        }
    }
    out
}

fn unescape(v: &str) -> String {
    v.replace("&amp;", "&")
}

fn escape(v: &str) -> String {
    v.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Characters of text (markup removed) a feed item needs to stand for its article when the
/// page cannot be had; a teaser of a sentence or two is not an article.
pub const ITEM_ARTICLE_CHARS: usize = 400;

/// The visible text of an HTML fragment, roughly (tags dropped), to judge its length.
pub fn visible_chars(html: &str) -> usize {
    let mut n = 0;
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag && !c.is_whitespace() => n += 1,
            _ => {}
        }
    }
    n
}

/// A page made of a feed item: its title, author and date as the page metadata extraction
/// reads, its text as the body.
pub fn item_page(
    title: Option<&str>,
    author: Option<&str>,
    published: Option<&str>,
    outlet: Option<&str>,
    url: &str,
    text: &str,
) -> String {
    let mut head = String::from("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n");
    if let Some(t) = title {
        head.push_str(&format!("<title>{}</title>\n", escape(t)));
    }
    if let Some(a) = author {
        head.push_str(&format!(
            "<meta name=\"author\" content=\"{}\">\n",
            escape(a)
        ));
    }
    if let Some(p) = published {
        head.push_str(&format!(
            "<meta property=\"article:published_time\" content=\"{}\">\n",
            escape(p)
        ));
    }
    if let Some(o) = outlet {
        head.push_str(&format!(
            "<meta property=\"og:site_name\" content=\"{}\">\n",
            escape(o)
        ));
    }
    head.push_str(&format!(
        "<link rel=\"canonical\" href=\"{}\">\n",
        escape(url)
    ));
    head.push_str("</head><body><article>\n");
    if let Some(t) = title {
        head.push_str(&format!("<h1>{}</h1>\n", escape(t)));
    }
    head.push_str(text);
    head.push_str("\n</article></body></html>\n");
    head
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_canonical_link_is_found_in_any_attribute_order() {
        let base = Url::parse("http://example.test/amp/a").unwrap();
        let html = r#"<html><head><link rel=stylesheet href=x.css>
<LINK href='/news/a?utm_source=amp&amp;id=1' REL="Canonical"></head><body></body></html>"#;
        assert_eq!(
            canonical_link(html, &base).unwrap().as_str(),
            "http://example.test/news/a?utm_source=amp&id=1"
        );
        assert_eq!(canonical_link("<p>no head</p>", &base), None);
        let late = "<head></head><body><link rel=canonical href=/x></body>";
        assert_eq!(canonical_link(late, &base), None, "only the head counts");
    }
}
