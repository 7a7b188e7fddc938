//! Russian words as razdel (natasha's tokenizer) cuts them: atoms (Cyrillic runs, Latin runs,
//! digit runs, single punctuation marks, other single characters), joined when nothing
//! separates them and a rule says so (`кто-то`, `3.14`, `1/2`, `?!`, `--`, `ΔP`).
//! razdel's smiley rule (`:-)`) is left out.

use std::ops::Range;

const DASHES: &str = "‑–—−-";
const ENDINGS: &str = ".?!…";
const QUOTES: &str = "«“‘»”’\"„'";
const BRACKETS: &str = "([})]}";
const PUNCT_CHARS: &str = "\\/!#$%&*+,.:;<=>?@^_`|~№…";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Atom {
    Ru,
    Lat,
    Int,
    Punct,
    Other,
}

/// A token: its byte range in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub range: Range<usize>,
}

fn is_ru(c: char) -> bool {
    matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё')
}

fn is_punct(c: char) -> bool {
    PUNCT_CHARS.contains(c) || DASHES.contains(c) || QUOTES.contains(c) || BRACKETS.contains(c)
}

fn class(c: char) -> Option<Atom> {
    if is_ru(c) {
        Some(Atom::Ru)
    } else if c.is_ascii_alphabetic() {
        Some(Atom::Lat)
    } else if c.is_numeric() {
        Some(Atom::Int)
    } else if c.is_whitespace() {
        None
    } else if is_punct(c) {
        Some(Atom::Punct)
    } else {
        Some(Atom::Other)
    }
}

fn atoms(text: &str) -> Vec<(Range<usize>, Atom)> {
    let mut out: Vec<(Range<usize>, Atom)> = Vec::new();
    let mut run: Option<(usize, Atom)> = None;
    for (i, c) in text.char_indices() {
        let cl = class(c);
        if let Some((start, a)) = run {
            if cl == Some(a) && matches!(a, Atom::Ru | Atom::Lat | Atom::Int) {
                continue;
            }
            out.push((start..i, a));
            run = None;
        }
        if let Some(a) = cl {
            run = Some((i, a));
        }
    }
    if let Some((start, a)) = run {
        out.push((start..text.len(), a));
    }
    out
}

/// razdel's tokenization of `text`.
pub fn razdel_tokens(text: &str) -> Vec<Token> {
    let atoms = atoms(text);
    let mut out: Vec<Token> = Vec::new();
    let mut buffer: Option<Range<usize>> = None;
    for i in 0..atoms.len() {
        let (range, _) = &atoms[i];
        let Some(buf) = buffer.as_mut() else {
            buffer = Some(range.clone());
            continue;
        };
        let delimiter = &text[atoms[i - 1].0.end..range.start];
        if delimiter.is_empty() && join(text, &atoms, i) {
            buf.end = range.end;
        } else {
            out.push(Token { range: buf.clone() });
            buffer = Some(range.clone());
        }
    }
    out.extend(buffer.map(|range| Token { range }));
    out
}

/// Whether atoms `i - 1` and `i` (nothing between them) stay one token.
fn join(text: &str, atoms: &[(Range<usize>, Atom)], i: usize) -> bool {
    let at = |j: usize| atoms.get(j).map(|(r, a)| (&text[r.clone()], *a));
    let (left, lt) = at(i - 1).unwrap_or(("", Atom::Other));
    let (right, rt) = at(i).unwrap_or(("", Atom::Other));
    let left_2 = i.checked_sub(2).and_then(at);
    let right_2 = at(i + 1);
    // Rules in razdel's order; the first that decides wins.
    let rule_2112 = |delims: &str, rule: &dyn Fn(Atom, Atom) -> Option<bool>| {
        let (l, r) = if single_in(left, delims) {
            (left_2, Some((right, rt)))
        } else if single_in(right, delims) {
            (Some((left, lt)), right_2)
        } else {
            return None;
        };
        match (l, r) {
            (Some(l), Some(r)) => rule(l.1, r.1),
            _ => None,
        }
    };
    let not_punct = |l: Atom, r: Atom| (l != Atom::Punct && r != Atom::Punct).then_some(true);
    let ints = |l: Atom, r: Atom| (l == Atom::Int && r == Atom::Int).then_some(true);
    if let Some(j) = rule_2112(DASHES, &not_punct) {
        return j;
    }
    if let Some(j) = rule_2112("_", &not_punct) {
        return j;
    }
    if let Some(j) = rule_2112(".,", &ints) {
        return j;
    }
    if let Some(j) = rule_2112("/\\", &ints) {
        return j;
    }
    if lt == Atom::Punct && rt == Atom::Punct {
        if single_in(left, ENDINGS) && single_in(right, ENDINGS) {
            return true;
        }
        let pair = format!("{left}{right}");
        if pair == "--" || pair == "**" {
            return true;
        }
    }
    if lt == Atom::Other && matches!(rt, Atom::Other | Atom::Ru | Atom::Lat) {
        return true;
    }
    if matches!(lt, Atom::Other | Atom::Ru | Atom::Lat) && rt == Atom::Other {
        return true;
    }
    left.eq_ignore_ascii_case("yahoo") && right == "!"
}

/// `s` is one character of `set` (razdel's `delimiter in DASHES` on single-character atoms).
fn single_in(s: &str, set: &str) -> bool {
    let mut cs = s.chars();
    matches!((cs.next(), cs.next()), (Some(c), None) if set.contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        razdel_tokens(text)
            .into_iter()
            .map(|t| &text[t.range])
            .collect()
    }

    #[test]
    fn joins_as_razdel_does() {
        assert_eq!(
            words("Кто-то сказал: «3,5 млн руб.?!» 1/2 -- ΔP"),
            [
                "Кто-то",
                "сказал",
                ":",
                "«",
                "3,5",
                "млн",
                "руб",
                ".?!",
                "»",
                "1/2",
                "--",
                "ΔP"
            ]
        );
    }
}
