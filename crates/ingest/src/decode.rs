//! Byte encodings: a BOM, then UTF-16/UTF-32 recognised by their pattern of NUL bytes, then bytes
//! that are valid UTF-8, then the declared charset (HTTP header or `<meta charset>`), then
//! sniffing with `chardetng`.
//!
//! A declaration that the bytes contradict (a `<meta charset=gbk>` on a UTF-8 page, a label whose
//! decoding hits malformed sequences) is overruled, and [`Decoded::note`] says so.

use encoding_rs::{Encoding, UTF_8};

/// Text decoded from bytes, and how.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    /// The encoding's name (`UTF-8`, `GBK`, `UTF-32LE`, …).
    pub encoding: &'static str,
    /// Set when a declared charset was overruled or the bytes had malformed sequences.
    pub note: Option<String>,
}

/// Decode `bytes` to text. `declared` is a charset label from outside the bytes (an HTTP header).
pub fn decode(bytes: &[u8], declared: Option<&str>) -> Decoded {
    if let Some((wide, bom_len)) = wide_unicode(bytes) {
        return wide.decode(&bytes[bom_len..]);
    }
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return Decoded {
            text: text.into_owned(),
            encoding: enc.name(),
            note: had_errors.then(|| format!("malformed {} sequences replaced", enc.name())),
        };
    }
    let declared = declared
        .and_then(|l| Encoding::for_label(l.trim().as_bytes()))
        .or_else(|| meta_charset(bytes));
    if let Ok(text) = std::str::from_utf8(bytes) {
        let note = match declared {
            Some(d) if d != UTF_8 && !bytes.is_ascii() => Some(format!(
                "declared {} but the bytes are UTF-8; read as UTF-8",
                d.name()
            )),
            _ => None,
        };
        return Decoded {
            text: text.to_string(),
            encoding: UTF_8.name(),
            note,
        };
    }
    if let Some(enc) = declared {
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        // Real pages often carry a few stray bytes; a declaration that fits the rest still wins.
        if !had_errors || mostly_fits(&text) {
            return Decoded {
                note: had_errors.then(|| format!("malformed {} sequences replaced", enc.name())),
                text: text.into_owned(),
                encoding: enc.name(),
            };
        }
    }
    let enc = sniff(bytes);
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    let mut notes = Vec::new();
    if let Some(d) = declared {
        notes.push(format!(
            "declared {} does not fit the bytes; sniffed {}",
            d.name(),
            enc.name()
        ));
    }
    if had_errors {
        notes.push(format!("malformed {} sequences replaced", enc.name()));
    }
    Decoded {
        text: text.into_owned(),
        encoding: enc.name(),
        note: (!notes.is_empty()).then(|| notes.join("; ")),
    }
}

/// UTF-16 and UTF-32, in either byte order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wide {
    Utf16Le,
    Utf16Be,
    Utf32Le,
    Utf32Be,
}

impl Wide {
    fn decode(self, bytes: &[u8]) -> Decoded {
        let (text, bad, name) = match self {
            Wide::Utf16Le | Wide::Utf16Be => {
                let enc = if self == Wide::Utf16Le {
                    encoding_rs::UTF_16LE
                } else {
                    encoding_rs::UTF_16BE
                };
                let (text, bad) = enc.decode_without_bom_handling(bytes);
                (text.into_owned(), bad, enc.name())
            }
            Wide::Utf32Le | Wide::Utf32Be => {
                let mut text = String::with_capacity(bytes.len() / 4);
                let mut bad = !bytes.len().is_multiple_of(4);
                for unit in bytes.chunks_exact(4) {
                    let unit = [unit[0], unit[1], unit[2], unit[3]];
                    let n = if self == Wide::Utf32Le {
                        u32::from_le_bytes(unit)
                    } else {
                        u32::from_be_bytes(unit)
                    };
                    text.push(char::from_u32(n).unwrap_or_else(|| {
                        bad = true;
                        '\u{fffd}'
                    }));
                }
                let name = if self == Wide::Utf32Le {
                    "UTF-32LE"
                } else {
                    "UTF-32BE"
                };
                (text, bad, name)
            }
        };
        Decoded {
            text,
            encoding: name,
            note: bad.then(|| format!("malformed {name} sequences replaced")),
        }
    }
}

/// UTF-16 or UTF-32 and the length of its byte-order mark: by the mark, else by where the NUL
/// bytes fall in the first few kilobytes (text with much ASCII in it has a NUL in every code
/// unit, at the same place). Text without a mark and with few ASCII characters (UTF-16 Chinese)
/// is not recognised here.
pub(crate) fn wide_unicode(bytes: &[u8]) -> Option<(Wide, usize)> {
    if bytes.starts_with(&[0, 0, 0xfe, 0xff]) {
        return Some((Wide::Utf32Be, 4));
    }
    if bytes.starts_with(&[0xff, 0xfe, 0, 0]) {
        return Some((Wide::Utf32Le, 4));
    }
    if bytes.starts_with(&[0xfe, 0xff]) {
        return Some((Wide::Utf16Be, 2));
    }
    if bytes.starts_with(&[0xff, 0xfe]) {
        return Some((Wide::Utf16Le, 2));
    }
    let head = &bytes[..bytes.len().min(4096) / 4 * 4];
    let units = head.len() / 4;
    if units < 2 {
        return None;
    }
    // Count, per position in a 4-byte group, the NULs.
    let mut zeros = [0usize; 4];
    for group in head.chunks_exact(4) {
        for (i, b) in group.iter().enumerate() {
            zeros[i] += usize::from(*b == 0);
        }
    }
    let most = |n: usize| n * 10 >= units * 9;
    let few = |n: usize| n * 10 <= units;
    if most(zeros[2]) && most(zeros[3]) && few(zeros[0]) {
        return Some((Wide::Utf32Le, 0));
    }
    if most(zeros[0]) && most(zeros[1]) && few(zeros[3]) {
        return Some((Wide::Utf32Be, 0));
    }
    // UTF-16: half as many groups of two; a NUL in most odd (LE) or even (BE) bytes.
    let (odd, even) = (zeros[1] + zeros[3], zeros[0] + zeros[2]);
    let pairs = units * 2;
    let most16 = |n: usize| n * 10 >= pairs * 6;
    let few16 = |n: usize| n * 20 <= pairs;
    if most16(odd) && few16(even) {
        return Some((Wide::Utf16Le, 0));
    }
    if most16(even) && few16(odd) {
        return Some((Wide::Utf16Be, 0));
    }
    None
}

/// At most one replacement character per hundred non-ASCII characters.
fn mostly_fits(text: &str) -> bool {
    let mut non_ascii = 0usize;
    let mut bad = 0usize;
    for c in text.chars().filter(|c| !c.is_ascii()) {
        non_ascii += 1;
        if c == '\u{fffd}' {
            bad += 1;
        }
    }
    bad * 100 <= non_ascii
}

/// chardetng's guess, except that a page whose bytes read cleanly as Chinese text is not taken
/// for a single-byte Western encoding (chardetng rules GBK out at the first stray byte).
fn sniff(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    let guess = detector.guess(None, true);
    if !guess.is_single_byte() {
        return guess;
    }
    let mut best: Option<(&'static Encoding, usize)> = None;
    for enc in [encoding_rs::GB18030, encoding_rs::BIG5] {
        let (text, _) = enc.decode_without_bom_handling(bytes);
        let (mut non_ascii, mut han, mut bad) = (0usize, 0usize, 0usize);
        for c in text.chars().filter(|c| !c.is_ascii()) {
            non_ascii += 1;
            if c == '\u{fffd}' {
                bad += 1;
            } else if ('\u{4e00}'..='\u{9fff}').contains(&c) {
                han += 1;
            }
        }
        let clean = non_ascii >= 20 && bad * 100 <= non_ascii && han * 2 >= non_ascii;
        if clean && best.is_none_or(|(_, b)| bad < b) {
            best = Some((enc, bad));
        }
    }
    best.map_or(guess, |(enc, _)| enc)
}

/// The charset a page declares in its first few kilobytes (`<meta charset>` or
/// `<meta http-equiv="Content-Type" content="…; charset=…">`, or an XML declaration).
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(8192)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(pos) = find(&lower[from..], b"charset") {
        let mut i = from + pos + b"charset".len();
        while i < lower.len() && matches!(lower[i], b' ' | b'\t') {
            i += 1;
        }
        if i < lower.len() && lower[i] == b'=' {
            i += 1;
            while i < lower.len() && matches!(lower[i], b' ' | b'"' | b'\'') {
                i += 1;
            }
            let start = i;
            while i < lower.len()
                && (lower[i].is_ascii_alphanumeric()
                    || matches!(lower[i], b'-' | b'_' | b':' | b'.'))
            {
                i += 1;
            }
            if let Some(enc) = Encoding::for_label(&lower[start..i]) {
                return Some(enc);
            }
        }
        from += pos + 1;
    }
    if lower.starts_with(b"<?xml") {
        let end = find(&lower, b"?>").unwrap_or(lower.len());
        if let Some(pos) = find(&lower[..end], b"encoding=") {
            let rest = &lower[pos + 9..end];
            let rest = rest
                .strip_prefix(b"\"")
                .or_else(|| rest.strip_prefix(b"'"))
                .unwrap_or(rest);
            let len = rest
                .iter()
                .position(|b| matches!(b, b'"' | b'\'' | b' '))
                .unwrap_or(rest.len());
            return Encoding::for_label(&rest[..len]);
        }
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_page_with_meta_is_decoded() {
        let (bytes, _, _) =
            encoding_rs::GBK.encode("<meta charset=\"gb2312\"><p>习近平同普京举行会晤</p>");
        let d = decode(&bytes, None);
        assert_eq!(d.encoding, "GBK");
        assert!(d.text.contains("习近平同普京举行会晤"));
        assert!(d.note.is_none());
    }

    #[test]
    fn big5_is_sniffed_without_declaration() {
        let text =
            "國家主席習近平在喀山克里姆林宮同俄羅斯總統普京舉行會晤。雙方就中俄關係交換了意見。";
        let (bytes, _, _) = encoding_rs::BIG5.encode(text);
        let d = decode(&bytes, None);
        assert_eq!(d.text, text, "sniffed {}", d.encoding);
    }

    #[test]
    fn windows_1251_is_sniffed() {
        let text =
            "Президент России Владимир Путин провёл переговоры с председателем КНР в Казани.";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
        let d = decode(&bytes, None);
        assert_eq!(d.text, text, "sniffed {}", d.encoding);
    }

    #[test]
    fn a_lying_meta_charset_is_overruled() {
        let page = "<meta charset=\"gbk\"><p>Путин и 习近平</p>";
        let d = decode(page.as_bytes(), None);
        assert_eq!(d.text, page);
        assert!(d.note.unwrap().contains("declared GBK"));
    }

    #[test]
    fn bom_wins_and_is_dropped() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice("Xi Jinping".as_bytes());
        assert_eq!(decode(&bytes, Some("big5")).text, "Xi Jinping");
    }

    #[test]
    fn a_declared_charset_survives_a_few_stray_bytes() {
        let page =
            "<meta charset=gb2312><p>国家主席习近平同俄罗斯总统普京举行会谈。</p>".repeat(20);
        let mut bytes = encoding_rs::GBK.encode(&page).0.into_owned();
        bytes.extend_from_slice(&[0x81, 0x20]);
        let d = decode(&bytes, None);
        assert_eq!(d.encoding, "GBK");
        assert!(d.text.contains("普京举行会谈"));
    }

    #[test]
    fn undeclared_gbk_with_a_stray_byte_is_still_chinese() {
        let page = "<p>国家主席习近平同俄罗斯总统普京举行会谈。</p>".repeat(20);
        let mut bytes = encoding_rs::GBK.encode(&page).0.into_owned();
        bytes.extend_from_slice(&[0x81, 0x20]);
        let d = decode(&bytes, None);
        assert!(d.text.contains("普京举行会谈"), "sniffed {}", d.encoding);
    }

    fn wide(text: &str, unit: usize, big_endian: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let units: Vec<u32> = if unit == 2 {
            text.encode_utf16().map(u32::from).collect()
        } else {
            text.chars().map(u32::from).collect()
        };
        let all = if bom { vec![0xfeff] } else { vec![] };
        for u in all.into_iter().chain(units) {
            let b = u.to_be_bytes();
            let b = &b[4 - unit..];
            if big_endian {
                out.extend_from_slice(b);
            } else {
                out.extend(b.iter().rev());
            }
        }
        out
    }

    #[test]
    fn hardening_8_utf16_and_utf32_are_decoded_with_or_without_bom() {
        let text = "<html><p>Le conseil a voté le budget — Путин, 习近平.</p></html>";
        for unit in [2, 4] {
            for be in [false, true] {
                for bom in [false, true] {
                    let bytes = wide(text, unit, be, bom);
                    let d = decode(&bytes, None);
                    assert_eq!(
                        d.text, text,
                        "unit {unit} be {be} bom {bom}: {}",
                        d.encoding
                    );
                    assert!(d
                        .encoding
                        .starts_with(if unit == 2 { "UTF-16" } else { "UTF-32" }));
                }
            }
        }
        // One NUL in ASCII text is not UTF-16.
        assert!(wide_unicode(b"plain text with one \0 byte in it, nothing else").is_none());
    }

    #[test]
    fn invalid_utf8_does_not_panic() {
        let d = decode(&[0x66, 0x6f, 0xff, 0xfe, 0x80, 0x6f], None);
        assert!(!d.text.is_empty());
    }
}
