//! Extraction: from an HTML page or scraped text to clean paragraphs and metadata.
//!
//! Pure: takes a [`model::RawDocument`], returns a [`model::Article`] whose `segments` are left
//! empty (the text layer fills them). Never panics on input; what went wrong goes to
//! `Article::diagnostics`. HTML goes through a bounded single-pass reader (`html`), main-text
//! selection (`content`) and metadata signals (`meta`); both HTML and plain text then pass the
//! line-level furniture filter (`text`) and dateline detection (`dateline`).
//!
//! Metadata comes from three places, in this order of precedence: what the input gave as its
//! own (`RawMeta`'s title, date, outlet: JSONL fields, feed items read as articles) wins over
//! the page; then the page's own signals (meta tags, JSON-LD, a byline or date line in the
//! text, a dateline); then what a listing said about the page (`RawMeta::hints`, a watched
//! feed item's title, date, author and outlet); the page's weakest guesses (a date in a link or
//! a copyright line, an author link) come last.

mod content;
mod dateline;
mod dates;
mod entities;
mod html;
mod meta;
mod text;

use model::{Article, Content, RawDocument};

/// Extract the article from one raw document.
pub fn extract(raw: &RawDocument) -> Article {
    let mut diagnostics: Vec<String> = raw.meta.decoding.iter().cloned().collect();
    diagnostics.extend(raw.meta.notes.iter().cloned());
    // No cut here: ingest's document limit (`--max-doc-mib`) is the one limit, and a larger
    // input is refused there with an error, never truncated.
    let mut art = match &raw.content {
        Content::Html(h) => from_html(h, raw),
        Content::Text(t) => from_text(t, raw),
    };
    art.id = raw.id.clone();
    art.source = raw.source.clone();
    // Input metadata wins over guesses.
    if let Some(t) = raw.meta.title.as_ref().filter(|t| !t.trim().is_empty()) {
        art.title = Some(t.trim().to_string());
    }
    // A given date that is no date ("yesterday", "2024-13-45") or an absurd one is dropped,
    // and the page's own date, if it has a plausible one, is used.
    let reference = dates::reference_day(raw.meta.captured.as_deref());
    let found = art.published.take();
    let given = raw.meta.published.as_ref().filter(|t| !t.trim().is_empty());
    for (value, what) in [(given, "given"), (found.as_ref(), "found")] {
        let Some(value) = value else { continue };
        if art.published.is_some() {
            break;
        }
        match dates::check_published(value, reference) {
            Ok(v) => art.published = Some(v),
            Err(why) => diagnostics.push(format!("{what} publication date dropped: {why}")),
        }
    }
    if let Some(o) = raw.meta.outlet.as_ref().filter(|t| !t.trim().is_empty()) {
        art.outlet = Some(o.trim().to_string());
    }
    if raw.meta.url.is_some() {
        art.url = raw.meta.url.clone();
    }
    // A title printed again as the first paragraph (scraped text; HTML keeps its headline).
    if let (Some(t), Content::Text(_)) = (&art.title, &raw.content) {
        let norm = |s: &str| s.split_whitespace().collect::<String>();
        let nt = norm(t);
        if let Some(pos) = art.paragraphs.iter().take(3).position(|p| norm(p) == nt) {
            art.paragraphs.remove(pos);
        }
    }
    let published = art.published.as_deref().and_then(dates::parse_value);
    art.dateline = dateline::find(&art.paragraphs, published.as_ref());
    diagnostics.append(&mut art.diagnostics);
    if art.paragraphs.is_empty() {
        diagnostics.push("no article text found".to_string());
    }
    art.diagnostics = diagnostics;
    art
}

fn from_html(h: &str, raw: &RawDocument) -> Article {
    let page = html::read(h);
    let pm = meta::page_meta(&page, raw.meta.url.as_deref());
    let mut paragraphs = content::main_text(&page);
    // Related links, "read more" boxes and calls to action after the article.
    text::trim_tail(&mut paragraphs);
    let cleaned = text::clean(&paragraphs, text::Mode::Html);
    // Metadata lines (`發佈時間:… | 來源:… | 責任編輯:…`) often sit outside the main text. In a
    // metadata table (`<td>发文机关：</td><td>吉林省人民政府</td>`, or `<dt>`/`<dd>`) the label
    // and its value are blocks of their own: a bare label takes the short block after it.
    let mut short: Vec<String> = Vec::new();
    let mut blocks = page.blocks.iter().peekable();
    while let Some(b) = blocks.next() {
        if b.chars >= 160 {
            continue;
        }
        let label = b.text.trim();
        let bare_label = label.ends_with([':', '：']) && label.chars().count() <= 12;
        match blocks.peek() {
            Some(next) if bare_label && next.chars < 80 && !next.text.contains([':', '：']) => {
                short.push(format!("{label}{}", next.text.replace('\n', " ").trim()));
                blocks.next();
            }
            _ if b.text.contains([':', '：', '|']) => short.push(b.text.replace('\n', " ")),
            _ => {}
        }
    }
    let side = text::clean(&short, text::Mode::Html);
    let mut paragraphs = cleaned.paragraphs;
    // Too little text to be an article: navigation, a login wall, a cookie notice.
    let total: usize = paragraphs.iter().map(|p| content::weighted_len(p)).sum();
    let longest = paragraphs
        .iter()
        .map(|p| content::weighted_len(p))
        .max()
        .unwrap_or(0);
    if total < 150 && longest < 100 {
        paragraphs.clear();
    }
    // Metadata "authors" that are the site, a domain or an account id yield to a byline
    // printed in the article.
    let org_like = |a: &String| {
        let a = a.trim();
        a.contains('.')
            || a.contains('_')
            || a.chars().any(|c| c.is_ascii_digit())
            || pm
                .outlet
                .as_deref()
                .is_some_and(|o| o.contains(a) || a.contains(o))
            || a.ends_with(['网', '網', '报', '報', '社', '团', '團', '台'])
    };
    let text_byline = if cleaned.byline.is_empty() {
        &side.byline
    } else {
        &cleaned.byline
    };
    let meta_authors = if !text_byline.is_empty() && pm.authors.iter().all(org_like) {
        Vec::new()
    } else {
        pm.authors
    };
    let mut byline = [meta_authors, cleaned.byline, side.byline]
        .into_iter()
        .find(|b| !b.is_empty())
        .unwrap_or_default();
    if byline.is_empty() {
        byline = hinted_authors(raw);
    }
    if byline.is_empty() && !paragraphs.is_empty() {
        byline.extend(meta::author_in_links(h));
    }
    let mut published = pm
        .published
        .or(cleaned.published)
        .or(side.published)
        .or_else(|| dateline::lead_date(&paragraphs))
        .or_else(|| hinted_date(raw));
    if published.is_none() {
        let source = meta::date_in_source(h);
        published = source
            .filter(|s| s.1)
            .map(|s| s.0)
            .or(pm.published_guess)
            .or(source.map(|s| s.0))
            .or(pm.published_furniture)
            .or_else(|| meta::date_in_description(&page))
            .or_else(|| meta::date_in_links(h))
            .or_else(|| meta::date_in_copyright(&page));
    }
    Article {
        url: pm.url,
        title: pm
            .title
            .or(cleaned.title)
            .or_else(|| hinted(&raw.meta.hints.title)),
        published: published.map(|d| d.iso()),
        outlet: pm
            .outlet
            .or(cleaned.outlet)
            .or(side.outlet)
            .or_else(|| hinted(&raw.meta.hints.outlet)),
        byline,
        editor: cleaned.editor.or(side.editor),
        paragraphs,
        ..Article::default()
    }
}

fn from_text(t: &str, raw: &RawDocument) -> Article {
    let cleaned = text::clean(&text::lines(t), text::Mode::Text);
    let byline = if cleaned.byline.is_empty() {
        hinted_authors(raw)
    } else {
        cleaned.byline
    };
    Article {
        title: cleaned.title.or_else(|| hinted(&raw.meta.hints.title)),
        published: cleaned
            .published
            .or_else(|| hinted_date(raw))
            .map(|d| d.iso()),
        outlet: cleaned.outlet.or_else(|| hinted(&raw.meta.hints.outlet)),
        byline,
        editor: cleaned.editor,
        paragraphs: cleaned.paragraphs,
        ..Article::default()
    }
}

/// A hint's value, trimmed, when it has one.
fn hinted(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// The listing's date for the page, when it reads as a date.
fn hinted_date(raw: &RawDocument) -> Option<dates::Date> {
    raw.meta
        .hints
        .published
        .as_deref()
        .and_then(dates::parse_value)
}

/// The listing's author as names: RSS's `jane@example.org (Jane Doe)` gives the name in the
/// parentheses, a bare address gives nothing.
fn hinted_authors(raw: &RawDocument) -> Vec<String> {
    let Some(author) = hinted(&raw.meta.hints.author) else {
        return Vec::new();
    };
    let name = match (author.find('('), author.rfind(')')) {
        (Some(open), Some(close)) if open < close && author[..open].contains('@') => {
            author[open + 1..close].trim()
        }
        _ if author.contains('@') && !author.contains(' ') => return Vec::new(),
        _ => author.as_str(),
    };
    meta::split_names(meta::clean_byline(name))
}

/// Block-by-block view of how an HTML page was read, for tuning the rules by hand.
#[doc(hidden)]
pub fn debug_html(html: &str) -> String {
    content::debug_blocks(&html::read(html))
}

/// Which signal gave the publication date of an HTML page, and the date, for tuning by hand.
#[doc(hidden)]
pub fn debug_date(html: &str, url: Option<&str>) -> (&'static str, Option<String>) {
    let page = html::read(html);
    let pm = meta::page_meta(&page, url);
    (
        pm.date_source,
        pm.published
            .or(pm.published_guess)
            .or(pm.published_furniture)
            .map(|d| d.iso()),
    )
}
