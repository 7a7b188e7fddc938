//! The document as enrichment reads it: paragraphs in order, each with its language, its
//! sentences, and English-style word tokens with byte offsets.
//!
//! What enrichment reads of a document is bounded here, so that its work and memory grow
//! about linearly with the text and stop growing past the caps: a run of text without a
//! sentence end is cut into sentences of at most [`MAX_SENTENCE_BYTES`], a paragraph into
//! paragraphs of at most [`MAX_PARA_BYTES`] (at sentence ends), and only the first
//! [`MAX_SENTENCES`] sentences of a document are read. A cap that is hit is reported in
//! [`Paragraphs::capped`].

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
    /// The paragraph's language as a [`lang::Lang`].
    pub fn language(&self) -> lang::Lang {
        lang::Lang::parse(&self.lang)
    }

    pub fn is_zh(&self) -> bool {
        self.language().is_chinese()
    }

    pub fn is_ru(&self) -> bool {
        self.language() == lang::Lang::RU
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

    /// The sentence holding byte `at` (the sentences are in text order and do not overlap).
    pub fn sentence_at(&self, at: usize) -> Range<usize> {
        let k = self
            .sentences
            .partition_point(|s| s.end.max(s.start + 1) <= at);
        self.sentences
            .get(k)
            .filter(|s| s.start <= at)
            .cloned()
            .unwrap_or(0..self.text.len())
    }
}

/// Longest sentence enrichment reads, in bytes: a longer run of text without a sentence end
/// (a list without punctuation, a line of Chinese without a full stop) is read as sentences of
/// at most this size, cut after a space where there is one. Every pass looks at a sentence
/// as a whole, and a fact keeps its sentence, so this bounds the work and the copies per
/// figure. (News sentences are well under 1 KB.)
pub const MAX_SENTENCE_BYTES: usize = 2048;

/// Longest paragraph enrichment reads as one, in bytes: a longer one is read as several, cut
/// at sentence ends. Quote attribution looks across a paragraph, so this bounds the work per
/// quote. (News paragraphs are well under 4 KB.)
pub const MAX_PARA_BYTES: usize = 16 * 1024;

/// Most sentences of a document enrichment reads; the text after them is not enriched (it is
/// still stored, searched and clustered). News articles have tens to a few hundred.
pub const MAX_SENTENCES: usize = 5000;

/// The paragraphs enrichment reads, and the caps the document hit on the way.
#[derive(Debug, Default)]
pub struct Paragraphs {
    pub paras: Vec<Para>,
    /// One line per cap hit (which cap, and how much of the document it left out).
    pub capped: Vec<String>,
}

/// Paragraphs of an article with their language: from its segments when the text layer ran,
/// else from the paragraphs with a language guess each; within the caps above.
pub fn paragraphs(article: &Article) -> Paragraphs {
    let mut out = Paragraphs::default();
    let (mut sentences_read, mut sentences_left, mut cut, mut split) = (0usize, 0usize, 0, 0);
    let mut push = |text: &str, lang: &str| {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        if sentences_read >= MAX_SENTENCES {
            // Counted only roughly (no language guess, no sentence split), as it is not read.
            sentences_left += 1;
            return;
        }
        let lang = if lang::Lang::parse(lang).is_und() {
            lang::detect(text)
        } else {
            lang.to_string()
        };
        let mut sentences = bounded_sentences(text, lang::sentence_spans(text, &lang), &mut cut);
        if sentences_read + sentences.len() > MAX_SENTENCES {
            sentences_left += sentences.len() - (MAX_SENTENCES - sentences_read);
            sentences.truncate(MAX_SENTENCES - sentences_read);
        }
        sentences_read += sentences.len();
        // Sentences grouped into paragraphs of at most MAX_PARA_BYTES (one sentence at least).
        let mut rest = &sentences[..];
        while let Some(first) = rest.first() {
            let n = rest
                .iter()
                .position(|s| s.end - first.start > MAX_PARA_BYTES)
                .unwrap_or(rest.len())
                .max(1);
            let (group, tail) = rest.split_at(n);
            split += usize::from(!tail.is_empty());
            let at = first.start;
            let end = group.last().map_or(at, |s| s.end);
            let sentences: Vec<Range<usize>> =
                group.iter().map(|s| s.start - at..s.end - at).collect();
            out.paras.push(Para {
                index: out.paras.len(),
                text: text[at..end].to_string(),
                lang: lang.clone(),
                simplified_sentences: sentences.iter().map(|_| OnceLock::new()).collect(),
                sentences,
                simplified: OnceLock::new(),
            });
            rest = tail;
        }
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
    if cut > 0 {
        out.capped.push(format!(
            "{cut} runs of text without a sentence end longer than {MAX_SENTENCE_BYTES} bytes \
             (MAX_SENTENCE_BYTES) were read in pieces"
        ));
    }
    if split > 0 {
        out.capped.push(format!(
            "paragraphs longer than {MAX_PARA_BYTES} bytes (MAX_PARA_BYTES) were read as \
             {split} more"
        ));
    }
    if sentences_left > 0 {
        out.capped.push(format!(
            "only the first {MAX_SENTENCES} sentences were enriched (MAX_SENTENCES); \
             about {sentences_left} more were not"
        ));
    }
    out
}

/// `spans` (a paragraph's sentences) with each longer than [`MAX_SENTENCE_BYTES`] cut into
/// pieces that are not, after the last space within the limit where there is one, else at a
/// character boundary; `cut` counts the sentences cut.
fn bounded_sentences(text: &str, spans: Vec<Range<usize>>, cut: &mut usize) -> Vec<Range<usize>> {
    if spans.iter().all(|s| s.len() <= MAX_SENTENCE_BYTES) {
        return spans;
    }
    let mut out = Vec::with_capacity(spans.len());
    for s in spans {
        if s.len() <= MAX_SENTENCE_BYTES {
            out.push(s);
            continue;
        }
        *cut += 1;
        let mut start = s.start;
        while s.end - start > MAX_SENTENCE_BYTES {
            let mut limit = start + MAX_SENTENCE_BYTES;
            while !text.is_char_boundary(limit) {
                limit -= 1;
            }
            let piece = &text[start..limit];
            // After the last space in the second half of the piece, else at the limit.
            let end = piece
                .rfind(char::is_whitespace)
                .filter(|&k| k >= MAX_SENTENCE_BYTES / 2)
                .map_or(limit, |k| start + k);
            out.push(start..end);
            // The next piece starts after the spaces.
            start = end + text[end..s.end].len() - text[end..s.end].trim_start().len();
        }
        if start < s.end {
            out.push(start..s.end);
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
