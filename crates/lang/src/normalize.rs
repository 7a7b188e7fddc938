//! The normalised view of a text, for matching only: Unicode NFKC (which also turns full-width
//! Latin letters, digits and punctuation and the ideographic space into their half-width forms),
//! typographic quotes and dashes folded to ASCII, invisible characters dropped, whitespace
//! collapsed, lowercase, and Traditional Chinese converted to Simplified (OpenCC t2s).
//!
//! The original text is never replaced; callers keep both.

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

use crate::chinese::{Conversion, Converters};
use crate::script::is_han;

/// The matching view of `text` (see the module docs).
pub fn normalize(text: &str, converters: &Converters) -> String {
    // Most text is in NFKC already (all ASCII text is): the quick check says so without
    // running the decomposition and recomposition.
    if text.is_ascii() {
        // ASCII is NFKC, has nothing to fold and no Chinese to convert.
        return fold_ascii(text);
    }
    let out = if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        fold_all(text.chars(), text.len())
    } else {
        fold_all(text.nfkc(), text.len())
    };
    if !out.chars().any(is_han) {
        return out;
    }
    converters.convert(Conversion::T2s, &out)
}

/// [`fold_all`] of ASCII text, byte by byte.
fn fold_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for b in text.bytes() {
        // `char::is_whitespace` of ASCII: tab, line feed, vertical tab, form feed, carriage
        // return and space (not the separators 0x1C–0x1F).
        if matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ') {
            pending_space = !out.is_empty();
            continue;
        }
        if b.is_ascii_control() {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(char::from(b.to_ascii_lowercase()));
    }
    out
}

/// NFKC characters with invisible ones dropped, whitespace collapsed, punctuation folded and
/// letters lowercased.
fn fold_all(chars: impl Iterator<Item = char>, len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut pending_space = false;
    for ch in chars {
        if is_invisible(ch) {
            continue;
        }
        if ch.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match fold(ch) {
            Some(c) => out.push(c),
            None => out.extend(ch.to_lowercase()),
        }
    }
    out
}

/// Typographic punctuation folded to its ASCII form.
fn fold(ch: char) -> Option<char> {
    Some(match ch {
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}'
        | '\u{300C}' | '\u{300D}' | '\u{300E}' | '\u{300F}' => '"',
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' => '\'',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' => '-',
        _ => return None,
    })
}

/// Characters that carry no text: zero-width joiners and spaces, the byte-order mark, soft
/// hyphens, the replacement character left by broken decoding, and control characters.
fn is_invisible(ch: char) -> bool {
    matches!(
        ch,
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{FFFD}'
    ) || (ch.is_control() && !ch.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_the_quick_check_passes_folds_as_its_nfkc_form_does() {
        let conv = Converters::shared();
        for text in [
            "Putin said: \u{201C}Yes\u{201D} \u{2014} in Kazan.",
            "Путин  заявил\u{00AD}, что",
            "习近平在喀山会见普京",
            "e\u{0301}te\u{0301} ﬁ ＡＢＣ　１２３ ℌ",
            "",
        ] {
            let slow = fold_all(text.nfkc(), text.len());
            assert_eq!(normalize(text, conv), conv.convert(Conversion::T2s, &slow));
        }
        assert_eq!(normalize("e\u{0301}ＡＢ　x", conv), "\u{e9}ab x");
    }

    #[test]
    fn ascii_folds_as_every_other_text_does() {
        let all: String = (0u8..128).map(char::from).collect();
        for text in [
            all.as_str(),
            "  Putin\tsaid:\x0b \"Yes\" \x1c-- in\r\nKAZAN.  ",
            "\x00\x7f",
            "",
        ] {
            assert_eq!(
                fold_ascii(text),
                fold_all(text.chars(), text.len()),
                "{text:?}"
            );
        }
    }
}
