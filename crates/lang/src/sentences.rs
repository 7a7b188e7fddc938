//! Sentence splitting for English, Russian and Chinese (and, by the same rules, most languages
//! written with spaces or with Chinese punctuation).
//!
//! A sentence ends at a line break; after `。！？` (and any closing quotes or brackets after them);
//! and after `.`, `!`, `?` or `…` that are followed by a space and then something that can start a
//! sentence (a capital, a digit, an opening quote, a Chinese character). A period after a known
//! abbreviation ("Mr.", "Oct.", "U.S.", "т.е.", "г.") or after a single capital (an initial, "В.")
//! ends nothing.

use std::ops::Range;

/// Words that start a new sentence even after an abbreviation that may also end one ("… in the
/// U.S. The talks …").
const SENTENCE_STARTERS: &[&str] = &[
    "The", "This", "That", "These", "It", "He", "She", "They", "We", "I", "But", "And", "In", "On",
    "A", "An",
];

/// Abbreviations that may also end a sentence (then [`SENTENCE_STARTERS`] decide).
const MAY_END: &[&str] = &[
    "u.s", "u.k", "u.n", "e.u", "u.s.a", "etc", "inc", "corp", "ltd", "co", "a.m", "p.m",
];

fn is_cjk_terminator(ch: char) -> bool {
    matches!(ch, '。' | '！' | '？' | '｡')
}

fn is_terminator(ch: char) -> bool {
    matches!(ch, '.' | '!' | '?' | '…') || is_cjk_terminator(ch)
}

fn is_closer(ch: char) -> bool {
    matches!(
        ch,
        '"' | '\'' | '”' | '’' | '»' | ')' | ']' | '」' | '』' | '）' | '】' | '》' | '〉' | '〕'
    )
}

fn is_opener(ch: char) -> bool {
    matches!(
        ch,
        '"' | '\'' | '“' | '‘' | '«' | '(' | '[' | '「' | '『' | '（' | '【' | '《' | '—' | '-'
    )
}

/// Byte ranges of the sentences of `text` (trimmed, never empty).
pub fn sentence_spans(text: &str, lang: &str) -> Vec<Range<usize>> {
    let abbreviations = crate::pack::pack(crate::pack::Lang::parse(lang))
        .map(|p| p.items("abbreviation"))
        .unwrap_or_default();
    let lists: &[&[String]] = &[abbreviations];
    let mut spans = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, ch) = chars[i];
        if ch == '\n' || ch == '\r' {
            push_trimmed(text, start..at, &mut spans);
            start = at + ch.len_utf8();
            i += 1;
            continue;
        }
        if !is_terminator(ch) {
            i += 1;
            continue;
        }
        // Take the whole run of terminators and closers ("?!", "。”", ".\"").
        let mut j = i + 1;
        let mut cjk = is_cjk_terminator(ch);
        while j < chars.len() && (is_terminator(chars[j].1) || is_closer(chars[j].1)) {
            cjk |= is_cjk_terminator(chars[j].1);
            j += 1;
        }
        let end = chars.get(j).map_or(text.len(), |&(b, _)| b);
        let ends = if cjk {
            true
        } else {
            latin_ends(text, &chars, i, j, lists)
        };
        if ends {
            push_trimmed(text, start..end, &mut spans);
            start = end;
        }
        i = j;
    }
    push_trimmed(text, start..text.len(), &mut spans);
    spans
}

/// Whether the terminator run `chars[i..j]` after Latin/Cyrillic text ends a sentence.
fn latin_ends(
    text: &str,
    chars: &[(usize, char)],
    i: usize,
    j: usize,
    lists: &[&[String]],
) -> bool {
    // What follows must be a space (or the end), then something that can start a sentence.
    let Some(&(_, after)) = chars.get(j) else {
        return true;
    };
    if !after.is_whitespace() {
        return false;
    }
    let mut k = j;
    while k < chars.len() && chars[k].1.is_whitespace() && chars[k].1 != '\n' {
        k += 1;
    }
    let Some(&(next_at, next)) = chars.get(k) else {
        return true;
    };
    let starts = next.is_uppercase()
        || next.is_ascii_digit()
        || is_opener(next)
        || next == '\n'
        || (next.is_alphabetic() && !next.is_lowercase() && !next.is_uppercase());
    if !starts {
        return false;
    }
    if chars[i].1 != '.' {
        return true;
    }
    // The word before the period.
    let word_end = chars[i].0;
    let mut b = i;
    while b > 0 && !chars[b - 1].1.is_whitespace() && !is_opener(chars[b - 1].1) {
        b -= 1;
    }
    let word = &text[chars.get(b).map_or(word_end, |c| c.0)..word_end];
    if word.is_empty() {
        return true;
    }
    let mut letters = word.chars();
    if let (Some(only), None) = (letters.next(), letters.next()) {
        if only.is_uppercase() {
            return false; // an initial: "J. Smith", "В. Путин"
        }
    }
    let lower = word.to_lowercase();
    let known = lists.iter().any(|l| l.contains(&lower));
    if !known {
        return true;
    }
    if MAY_END.contains(&lower.as_str()) {
        let next_word: String = text[next_at..]
            .chars()
            .take_while(|c| c.is_alphabetic())
            .collect();
        return SENTENCE_STARTERS.contains(&next_word.as_str());
    }
    false
}

fn push_trimmed(text: &str, range: Range<usize>, spans: &mut Vec<Range<usize>>) {
    let piece = &text[range.clone()];
    let trimmed = piece.trim();
    if trimmed.is_empty() {
        return;
    }
    let lead = piece.len() - piece.trim_start().len();
    let s = range.start + lead;
    spans.push(s..s + trimmed.len());
}

/// The sentences of `text`, as slices of it.
pub fn sentences<'a>(text: &'a str, lang: &str) -> Vec<&'a str> {
    sentence_spans(text, lang)
        .into_iter()
        .map(|r| &text[r])
        .collect()
}
