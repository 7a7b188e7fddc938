//! Extraction: from an HTML page or scraped text to clean paragraphs and metadata.
//!
//! Pure: takes a [`model::RawDocument`], returns a [`model::Article`] whose `segments` are left
//! empty (the text layer fills them). Never panics on input; what went wrong goes to
//! `Article::diagnostics`.

use model::{Article, Content, RawDocument};

/// Extract the article from one raw document.
pub fn extract(raw: &RawDocument) -> Article {
    let text = match &raw.content {
        Content::Html(html) => strip_tags(html),
        Content::Text(t) => t.clone(),
    };
    let paragraphs: Vec<String> = text
        .split('\n')
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    let mut diagnostics = Vec::new();
    if paragraphs.is_empty() {
        diagnostics.push("no article text found".to_string());
    }
    Article {
        id: raw.id.clone(),
        source: raw.source.clone(),
        url: raw.meta.url.clone(),
        title: raw
            .meta
            .title
            .clone()
            .or_else(|| paragraphs.first().cloned()),
        published: raw.meta.published.clone(),
        outlet: raw.meta.outlet.clone(),
        paragraphs,
        diagnostics,
        ..Article::default()
    }
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push('\n');
            }
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}
