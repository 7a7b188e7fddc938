//! What a `SOURCE` argument names and what a fetched source lists.
//!
//! A source is an RSS/Atom feed URL or a (news) sitemap URL — told apart by what the URL
//! serves — an OPML file of feeds, or a text file of URLs (one per line, `#` comments). Feeds
//! give items with the page URL and, as hints, the title, date, author and the item's own text;
//! a sitemap index gives further sitemaps, a sitemap gives page URLs with the news extension's
//! title and date.

use std::path::Path;

use quick_xml::events::Event;
use url::Url;

use crate::address::parse_web_url;

/// One thing to watch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A feed or a sitemap: which one is decided by what it serves.
    Remote(Url),
    /// A local file of URLs, re-read on every poll.
    List(std::path::PathBuf),
}

impl Source {
    /// The name the source goes by in state and messages.
    pub fn name(&self) -> String {
        match self {
            Source::Remote(u) => u.to_string(),
            Source::List(p) => p.display().to_string(),
        }
    }
}

/// A page a source lists, with what the source says about it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Item {
    /// The page; `None` for a feed item without a link.
    pub url: Option<Url>,
    /// The feed's id for the item (used when there is no link).
    pub id: Option<String>,
    pub title: Option<String>,
    /// RFC 3339.
    pub published: Option<String>,
    pub author: Option<String>,
    /// The item's own HTML (content, else summary).
    pub text: Option<String>,
    /// The feed's title (the outlet).
    pub outlet: Option<String>,
}

/// Expand one `SOURCE` argument: a URL is one source, an OPML file one per feed, any other
/// file a list of URLs. Problems name the argument (and line).
pub fn expand(arg: &str) -> Result<Vec<Source>, String> {
    if arg.contains("://") {
        let url = parse_web_url(arg).map_err(|why| format!("source {arg}: {why}"))?;
        return Ok(vec![Source::Remote(url)]);
    }
    let path = Path::new(arg);
    let bytes = std::fs::read(path)
        .map_err(|e| format!("source {arg}: not a URL, and cannot read it as a file: {e}"))?;
    let text = ingest::decode(&bytes, None).text;
    if text.contains("<opml") {
        let feeds = opml_feeds(&text).map_err(|why| format!("source {arg}: {why}"))?;
        if feeds.is_empty() {
            return Err(format!("source {arg}: OPML file lists no feed (xmlUrl)"));
        }
        let mut out = Vec::new();
        for feed in feeds {
            match parse_web_url(&feed) {
                Ok(u) => out.push(Source::Remote(u)),
                Err(why) => tracing::warn!("source {arg}: {why}; skipped"),
            }
        }
        return Ok(out);
    }
    Ok(vec![Source::List(path.to_path_buf())])
}

/// The URLs of a list file; bad lines are returned as errors naming `path:line`.
pub fn list_urls(path: &Path) -> Result<Vec<Result<Url, String>>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let text = ingest::decode(&bytes, None).text;
    Ok(text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|(n, l)| {
            parse_web_url(l.trim()).map_err(|why| format!("{}:{}: {why}", path.display(), n + 1))
        })
        .collect())
}

/// The `xmlUrl` of every outline of an OPML document.
fn opml_feeds(text: &str) -> Result<Vec<String>, String> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) if e.local_name().as_ref() == b"outline" => {
                for a in e.attributes().flatten() {
                    if a.key.local_name().as_ref().eq_ignore_ascii_case(b"xmlurl") {
                        if let Ok(v) = a.normalized_value(quick_xml::XmlVersion::Implicit1_0) {
                            out.push(v.trim().to_string());
                        }
                    }
                }
            }
            Ok(Event::Eof) => return Ok(out),
            Ok(_) => {}
            Err(e) => {
                return Err(format!(
                    "not valid OPML (at byte {}): {e}",
                    reader.buffer_position()
                ))
            }
        }
    }
}

/// What a remote source turned out to be, with what it lists.
#[derive(Debug)]
pub enum Listing {
    Feed(Vec<Item>),
    /// Pages, and further sitemaps (from a sitemap index).
    Sitemap(Vec<Item>, Vec<Url>),
}

/// Read a fetched source: a sitemap when its root element says so, else a feed. `base`
/// resolves relative links.
pub fn read_listing(body: &[u8], base: &Url) -> Result<Listing, String> {
    let text = ingest::decode(body, None).text;
    let head: String = text.chars().take(4096).collect();
    if head.contains("<urlset") || head.contains("<sitemapindex") {
        return sitemap(&text, base);
    }
    feed(&text, base).map(Listing::Feed)
}

fn feed(text: &str, base: &Url) -> Result<Vec<Item>, String> {
    // The text is already decoded; an encoding declaration would make feed-rs decode again.
    let text = strip_encoding_declaration(text);
    let parsed = feed_rs::parser::parse(text.as_bytes())
        .map_err(|e| format!("not a valid RSS/Atom feed or sitemap: {e}"))?;
    let outlet = parsed
        .title
        .as_ref()
        .map(|t| t.content.trim().to_string())
        .filter(|t| !t.is_empty());
    let items = parsed
        .entries
        .into_iter()
        .map(|entry| {
            let url = entry
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
                .or(entry.links.first())
                .and_then(|l| base.join(l.href.trim()).ok());
            let text = entry
                .content
                .as_ref()
                .and_then(|c| c.body.clone())
                .or_else(|| entry.summary.as_ref().map(|s| s.content.clone()))
                .filter(|b| !b.trim().is_empty());
            Item {
                url,
                id: Some(entry.id.trim().to_string()).filter(|i| !i.is_empty()),
                title: entry
                    .title
                    .map(|t| t.content.trim().to_string())
                    .filter(|t| !t.is_empty()),
                published: entry.published.or(entry.updated).map(|d| d.to_rfc3339()),
                author: entry.authors.first().and_then(author_text),
                text,
                outlet: outlet.clone(),
            }
        })
        .collect();
    Ok(items)
}

fn strip_encoding_declaration(text: &str) -> std::borrow::Cow<'_, str> {
    let t = text.trim_start_matches('\u{feff}');
    match t
        .strip_prefix("<?xml")
        .and_then(|rest| rest.split_once("?>"))
    {
        Some((_, after)) => format!("<?xml version=\"1.0\"?>{after}").into(),
        None => t.into(),
    }
}

/// An item's author as the feed writes it. feed-rs reads RSS's `<author>` (an address,
/// often with the name in parentheses: `desk@example.org (Jane Doe)`) into a person named
/// after the element, `author`, with the text as `email`: the text is what is meant then.
fn author_text(p: &feed_rs::model::Person) -> Option<String> {
    let name = p.name.trim();
    let text = match p.email.as_deref().map(str::trim) {
        Some(email) if name.is_empty() || name == "author" => email,
        _ => name,
    };
    Some(text.to_string()).filter(|t| !t.is_empty())
}

/// A sitemap or sitemap index: `<loc>` of each `<url>` (with `news:title` and
/// `news:publication_date`, else `lastmod`) or of each `<sitemap>`.
fn sitemap(text: &str, base: &Url) -> Result<Listing, String> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut pages = Vec::new();
    let mut children = Vec::new();
    let mut path: Vec<Vec<u8>> = Vec::new();
    let mut current = Item::default();
    // The text of the element being read: text, CDATA and entity references in turn.
    let mut value = String::new();
    loop {
        let event = reader.read_event().map_err(|e| {
            format!(
                "not a valid sitemap (at byte {}): {e}",
                reader.buffer_position()
            )
        })?;
        match event {
            Event::Start(e) => {
                path.push(e.local_name().as_ref().to_vec());
                value.clear();
            }
            Event::Text(t) => value.push_str(&t.decode().unwrap_or_default()),
            Event::CData(t) => value.push_str(&String::from_utf8_lossy(&t)),
            Event::GeneralRef(r) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    value.push(c);
                } else if let Some(v) =
                    quick_xml::escape::resolve_predefined_entity(&r.decode().unwrap_or_default())
                {
                    value.push_str(v);
                }
            }
            Event::End(_) => {
                let leaf = path.pop();
                let parent = path.last().map(Vec::as_slice);
                let v = value.trim().to_string();
                value.clear();
                match (parent, leaf.as_deref()) {
                    (_, Some(b"url")) => {
                        if current.url.is_some() {
                            pages.push(std::mem::take(&mut current));
                        }
                        current = Item::default();
                    }
                    (Some(b"url"), Some(b"loc")) => current.url = base.join(&v).ok(),
                    (Some(b"sitemap"), Some(b"loc")) => {
                        if let Ok(u) = base.join(&v) {
                            children.push(u);
                        }
                    }
                    (Some(b"url"), Some(b"lastmod")) if current.published.is_none() => {
                        current.published = Some(v)
                    }
                    (_, Some(b"publication_date")) => current.published = Some(v),
                    (_, Some(b"title")) => current.title = Some(v),
                    (_, Some(b"name")) => current.outlet = Some(v),
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(Listing::Sitemap(pages, children))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_items_author_is_the_text_rss_gives_or_the_name_atom_gives() {
        let base = Url::parse("http://example.test/feed").unwrap();
        let authors = |xml: &str| match read_listing(xml.as_bytes(), &base).unwrap() {
            Listing::Feed(items) => items.into_iter().map(|i| i.author).collect::<Vec<_>>(),
            Listing::Sitemap(..) => panic!("a feed"),
        };
        let rss = r#"<rss version="2.0"><channel><title>T</title>
<item><title>a</title><link>http://example.test/a</link><author>desk@example.test (Jane Doe)</author></item>
<item><title>b</title><link>http://example.test/b</link><dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">Ann Lee</dc:creator></item>
<item><title>c</title><link>http://example.test/c</link></item></channel></rss>"#;
        assert_eq!(
            authors(rss),
            [
                Some("desk@example.test (Jane Doe)".to_string()),
                Some("Ann Lee".to_string()),
                None
            ]
        );
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>urn:t</id>
<entry><title>a</title><id>urn:a</id><link href="http://example.test/a"/><author><name>Jane Doe</name><email>j@example.test</email></author></entry></feed>"#;
        assert_eq!(authors(atom), [Some("Jane Doe".to_string())]);
    }

    #[test]
    fn a_news_sitemap_and_an_index_are_read() {
        let base = Url::parse("http://example.test/sitemap.xml").unwrap();
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
 <url><loc>http://example.test/a?x=1&amp;y=2</loc>
  <news:news><news:publication><news:name>Example</news:name></news:publication>
   <news:publication_date>2024-05-16</news:publication_date>
   <news:title>A &amp; B</news:title></news:news></url>
 <url><loc>/b</loc><lastmod>2024-05-17</lastmod></url>
</urlset>"#;
        let Listing::Sitemap(pages, children) = read_listing(xml.as_bytes(), &base).unwrap() else {
            panic!("a sitemap")
        };
        assert!(children.is_empty());
        assert_eq!(pages.len(), 2);
        assert_eq!(
            pages[0].url.as_ref().unwrap().as_str(),
            "http://example.test/a?x=1&y=2"
        );
        assert_eq!(pages[0].title.as_deref(), Some("A & B"));
        assert_eq!(pages[0].published.as_deref(), Some("2024-05-16"));
        assert_eq!(
            pages[1].url.as_ref().unwrap().as_str(),
            "http://example.test/b"
        );
        let index = r#"<sitemapindex><sitemap><loc>http://example.test/s1.xml</loc></sitemap></sitemapindex>"#;
        let Listing::Sitemap(pages, children) = read_listing(index.as_bytes(), &base).unwrap()
        else {
            panic!("a sitemap index")
        };
        assert!(pages.is_empty());
        assert_eq!(children[0].as_str(), "http://example.test/s1.xml");
    }

    #[test]
    fn opml_lists_feeds_and_bad_sources_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let opml = dir.path().join("feeds.opml");
        std::fs::write(
            &opml,
            r#"<opml version="2.0"><body><outline text="News">
<outline text="A" type="rss" xmlUrl="https://a.example/feed.xml"/>
<outline text="B" type="rss" xmlUrl="https://b.example/atom"/></outline></body></opml>"#,
        )
        .unwrap();
        let got = expand(opml.to_str().unwrap()).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[1],
            Source::Remote(Url::parse("https://b.example/atom").unwrap())
        );
        let err = expand("file:///etc/passwd").unwrap_err();
        assert!(err.contains("only http and https"), "{err}");
        let err = expand("/no/such/file").unwrap_err();
        assert!(err.contains("/no/such/file"), "{err}");
        let list = dir.path().join("urls.txt");
        std::fs::write(&list, "# pages\nhttps://a.example/1\nnot a url\n").unwrap();
        let urls = list_urls(&list).unwrap();
        assert!(urls[0].is_ok());
        assert!(urls[1].as_ref().unwrap_err().contains("urls.txt:3"));
    }
}
