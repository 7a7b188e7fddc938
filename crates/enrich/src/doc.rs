//! The document as enrichment reads it: paragraphs in order, each with its language, its
//! sentences, and English-style word tokens with byte offsets.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

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
    /// The text in Simplified Chinese (OpenCC t2s), converted when first asked for.
    simplified: OnceLock<String>,
    /// Each sentence in Simplified Chinese, converted when first asked for.
    simplified_sentences: Vec<OnceLock<String>>,
}

impl Para {
    pub fn is_zh(&self) -> bool {
        self.lang.starts_with("zh")
    }

    pub fn is_ru(&self) -> bool {
        self.lang == "ru"
    }

    /// The paragraph in Simplified Chinese (`lang::to_simplified` of the text), converted once.
    pub fn simplified(&self) -> &str {
        self.simplified
            .get_or_init(|| lang::to_simplified(&self.text))
    }

    /// Sentence `k` in Simplified Chinese (`lang::to_simplified` of its text), converted once.
    pub fn simplified_sentence(&self, k: usize) -> &str {
        match (self.simplified_sentences.get(k), self.sentences.get(k)) {
            (Some(cell), Some(s)) => {
                cell.get_or_init(|| lang::to_simplified(&self.text[s.clone()]))
            }
            _ => "",
        }
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
            simplified_sentences: sentences.iter().map(|_| OnceLock::new()).collect(),
            sentences,
            simplified: OnceLock::new(),
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

/// `word` lowercased as `str::to_lowercase` does, borrowed when that changes no character
/// (each character is its own lowercase form; `Σ`, the one character lowercased by context, is
/// not its own, so it always takes the full path).
pub fn lowercase(word: &str) -> Cow<'_, str> {
    let unchanged = if word.is_ascii() {
        !word.bytes().any(|b| b.is_ascii_uppercase())
    } else {
        word.chars().all(|c| {
            let mut l = c.to_lowercase();
            l.next() == Some(c) && l.next().is_none()
        })
    };
    if unchanged {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(word.to_lowercase())
    }
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
    let mut prev: Option<char> = None;
    for (at, ch) in text.char_indices() {
        let inner = matches!(ch, '\'' | '’' | '-' | '.') && start.is_some() && {
            let mut next = text[at + ch.len_utf8()..].chars();
            next.next().is_some_and(char::is_alphanumeric)
                && (ch != '.' || {
                    // U.N., U.S.: a dot inside a run of single capitals
                    prev.is_some_and(char::is_uppercase) && next.next() == Some('.')
                })
        };
        if ch.is_alphanumeric() || inner {
            if start.is_none() {
                start = Some(at);
            }
        } else if let Some(s) = start.take() {
            out.push(word(text, s, at));
        }
        prev = Some(ch);
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
