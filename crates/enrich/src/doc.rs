//! The document as enrichment reads it: paragraphs in order, each with its language, its
//! sentences, and English-style word tokens with byte offsets.

use std::ops::Range;

use model::Article;

/// One paragraph of the clean text.
#[derive(Debug, Clone)]
pub struct Para {
    pub index: usize,
    pub text: String,
    /// `en`, `ru`, `zh-Hans`, `zh-Hant`, … as the text layer labelled its segment.
    pub lang: String,
    /// Byte ranges of the sentences.
    pub sentences: Vec<Range<usize>>,
}

impl Para {
    pub fn is_zh(&self) -> bool {
        self.lang.starts_with("zh")
    }

    pub fn is_ru(&self) -> bool {
        self.lang == "ru"
    }

    /// The sentence holding byte `at`.
    pub fn sentence_at(&self, at: usize) -> Range<usize> {
        self.sentences
            .iter()
            .find(|s| s.start <= at && at < s.end.max(s.start + 1))
            .cloned()
            .unwrap_or(0..self.text.len())
    }
}

/// Paragraphs of an article with their language: from its segments when the text layer ran,
/// else from the paragraphs with a language guess each.
pub fn paragraphs(article: &Article) -> Vec<Para> {
    let mut out = Vec::new();
    let mut push = |text: &str, lang: &str| {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let lang = if lang.is_empty() || lang == "und" {
            lang::detect(text)
        } else {
            lang.to_string()
        };
        let sentences = lang::sentence_spans(text, &lang);
        out.push(Para {
            index: out.len(),
            text: text.to_string(),
            lang,
            sentences,
        });
    };
    if article.segments.is_empty() {
        for p in &article.paragraphs {
            push(p, "");
        }
    } else {
        for s in &article.segments {
            for p in s.text.split("\n\n") {
                push(p, &s.lang);
            }
        }
    }
    out
}

/// A word with its byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
}

impl Token<'_> {
    pub fn is_capitalised(&self) -> bool {
        self.text.starts_with(|c: char| c.is_uppercase())
    }
}

/// Words of alphabetic text: letters and digits, with inner apostrophes and hyphens
/// (`Putin's`, `two-way`). A possessive `'s` is not part of the word.
pub fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (i, &(at, ch)) in chars.iter().enumerate() {
        let inner = matches!(ch, '\'' | '’' | '-' | '.')
            && start.is_some()
            && chars.get(i + 1).is_some_and(|&(_, n)| n.is_alphanumeric())
            && (ch != '.' || {
                // U.N., U.S.: a dot inside a run of single capitals
                let prev = chars[i - 1].1;
                prev.is_uppercase() && chars.get(i + 2).is_some_and(|&(_, c)| c == '.')
            });
        if ch.is_alphanumeric() || inner {
            if start.is_none() {
                start = Some(at);
            }
        } else if let Some(s) = start.take() {
            out.push(word(text, s, at));
        }
    }
    if let Some(s) = start {
        out.push(word(text, s, text.len()));
    }
    out
}

fn word(text: &str, start: usize, end: usize) -> Token<'_> {
    let mut w = &text[start..end];
    for suffix in ["'s", "’s"] {
        if let Some(s) = w.strip_suffix(suffix) {
            if !s.is_empty() {
                w = s;
            }
        }
    }
    Token {
        text: w,
        start,
        end: start + w.len(),
    }
}
