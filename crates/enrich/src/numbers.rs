//! Reading the figures of a sentence in any language, from the language packs (`lang::pack`:
//! CLDR's marks and each pack's `figure.*` keys; `data/numbers.txt` holds what every language
//! shares): decimal and group marks (`1.200` / `1,200` / `1 200` / `3,5 млрд`),
//! digits of any script (full-width, Arabic-Indic, Thai), Chinese/Japanese/Korean multipliers
//! (`6 百萬` = 6,000,000, `1万6000人` = 16,000) and numerals (`五十万`), scale words (`million`,
//! `Millionen`, `млн`, `مليون`), and the unit a number is counted in, from a closed set of
//! categories (currencies, percent, people, distance, area, weight, temperature, time spans).
//!
//! A number is not a figure when it is a year, a day beside a month name, a time of day, an
//! ordinal, part of a token (`G20`, `COVID-19`) or an approximate quantity word (`数千`). A
//! language with no table gets the language-neutral reading: digits with `,`/`.` groups of three,
//! the signs every language shares (`%`, `$`, `€`), and no other language's words.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The per-language data, built into the binary.
const DATA: &str = include_str!("../data/numbers.txt");
const DATA_NAME: &str = "crates/enrich/data/numbers.txt";

/// Longest digit run read as a number; longer runs (ids, absurd input) are not figures.
const MAX_DIGITS: usize = 24;
/// Numbers below this before a `span` word count a span, not a year (`139年`).
const MAX_SPAN: f64 = 1000.0;
/// Largest value kept as a figure.
const MAX_VALUE: f64 = 1e18;

/// One figure found in a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Byte range of the number (with its sign, scale and unit) in the sentence.
    pub start: usize,
    pub end: usize,
    pub value: f64,
    /// The unit category (`USD`, `percent`, `people`, `km`, …), or `None` when the number is
    /// counted in something outside the closed set.
    pub unit: Option<String>,
}

/// A word of the data: lowercase text, and whether it matches any word it begins.
#[derive(Debug, Clone)]
struct Word {
    text: String,
    prefix: bool,
}

impl Word {
    fn parse(item: &str) -> Word {
        let (t, prefix) = match item.strip_suffix('*') {
            Some(t) => (t, true),
            None => (item, false),
        };
        Word {
            text: t.replace('_', " ").to_lowercase(),
            prefix,
        }
    }

    /// Bytes of `after` (lowercase) this word takes when it starts it; `attached` languages
    /// need no word boundary after it.
    fn take(&self, after: &str, attached: bool) -> Option<usize> {
        let rest = after.strip_prefix(self.text.as_str())?;
        let boundary = rest.chars().next().is_none_or(|c| !c.is_alphanumeric());
        if self.prefix {
            let more: usize = rest
                .chars()
                .take_while(|c| c.is_alphanumeric())
                .map(char::len_utf8)
                .sum();
            return Some(self.text.len() + more);
        }
        (attached || boundary || !self.text.chars().any(is_spaced_letter))
            .then_some(self.text.len())
    }
}

/// How one language writes numbers.
#[derive(Debug, Clone, Default)]
pub struct Locale {
    decimal: Vec<char>,
    group: Vec<char>,
    scale: Vec<(f64, Word)>,
    multiplier: Vec<(char, f64)>,
    month: Vec<Word>,
    date_after: Vec<Word>,
    approx_before: Vec<char>,
    attached: bool,
    units: Vec<(String, Word)>,
    currency_before: Vec<(String, String)>,
    range: Vec<Word>,
    ordinal_after: Vec<Word>,
    ordinal_before: Vec<Word>,
    anniversary: Vec<Word>,
    count_of: Vec<Word>,
    /// Number words (`five`, `fünf`, `пять`), from the pack's `number.N` keys.
    words: Vec<(f64, Word)>,
    /// The first characters of `words` (lowercase), to skip other words cheaply.
    word_first: Vec<char>,
    /// Unit words given in another unit than their category's (`feet` → metres): the factor.
    convert: Vec<(f64, Word)>,
    /// Date words that after a small number count a span (`139年` = 139 years): the unit.
    span: Vec<(String, Word)>,
}

fn sep_char(item: &str) -> Vec<char> {
    match item {
        "nbsp" => vec!['\u{a0}'],
        "nnbsp" => vec!['\u{202f}', '\u{2009}'],
        "space" => vec![' '],
        s => s.chars().collect(),
    }
}

fn parse_value(s: &str, file: &str, line: usize) -> Result<f64, String> {
    s.parse::<f64>()
        .map_err(|_| format!("{file}:{line}: `{s}` is not a number"))
}

/// Parse the data: tables by language (`*` is what every language shares).
pub fn parse_tables(text: &str, file: &str) -> Result<HashMap<String, Locale>, String> {
    let mut out: HashMap<String, Locale> = HashMap::new();
    let mut current: Option<String> = None;
    for (n, raw) in text.lines().enumerate() {
        let line = n + 1;
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        if let Some(name) = l.strip_prefix('[').and_then(|x| x.strip_suffix(']')) {
            out.entry(name.to_string()).or_default();
            current = Some(name.to_string());
            continue;
        }
        let Some((key, items)) = l.split_once('=') else {
            return Err(format!("{file}:{line}: expected `key = items`, got `{l}`"));
        };
        let Some(lang) = current.as_ref() else {
            return Err(format!("{file}:{line}: `{key}` before any [language]"));
        };
        let loc = out.entry(lang.clone()).or_default();
        let items: Vec<&str> = items.split_whitespace().collect();
        let pair = |i: &str| -> Result<(String, String), String> {
            i.rsplit_once(':')
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .ok_or_else(|| format!("{file}:{line}: `{i}` should be WORD:VALUE"))
        };
        match key.trim() {
            "decimal" => loc.decimal = items.iter().flat_map(|i| sep_char(i)).collect(),
            "group" => loc.group = items.iter().flat_map(|i| sep_char(i)).collect(),
            "scale" => {
                for i in items {
                    let (w, v) = pair(i)?;
                    loc.scale
                        .push((parse_value(&v, file, line)?, Word::parse(&w)));
                }
            }
            "multiplier" => {
                for i in items {
                    let (w, v) = pair(i)?;
                    let mut cs = w.chars();
                    let (Some(c), None) = (cs.next(), cs.next()) else {
                        return Err(format!(
                            "{file}:{line}: multiplier `{w}` is not one character"
                        ));
                    };
                    loc.multiplier.push((c, parse_value(&v, file, line)?));
                }
            }
            "month" => loc.month = items.iter().map(|i| Word::parse(i)).collect(),
            "date_after" => loc.date_after = items.iter().map(|i| Word::parse(i)).collect(),
            "approx_before" => loc.approx_before = items.iter().flat_map(|i| i.chars()).collect(),
            "attached" => loc.attached = items == ["yes"],
            "currency_before" => {
                for i in items {
                    loc.currency_before.push(pair(i)?);
                }
            }
            "range" => loc.range = items.iter().map(|i| Word::parse(i)).collect(),
            "ordinal_after" => loc.ordinal_after = items.iter().map(|i| Word::parse(i)).collect(),
            "ordinal_before" => loc.ordinal_before = items.iter().map(|i| Word::parse(i)).collect(),
            "count_of" => loc.count_of = items.iter().map(|i| Word::parse(i)).collect(),
            "span" => {
                for i in items {
                    let (w, u) = pair(i)?;
                    loc.span.push((u, Word::parse(&w)));
                }
            }
            "word" | "convert" => {
                for i in items {
                    let (w, v) = pair(i)?;
                    let item = (parse_value(&v, file, line)?, Word::parse(&w));
                    if key.trim() == "word" {
                        loc.words.push(item);
                    } else {
                        loc.convert.push(item);
                    }
                }
            }
            "anniversary" => loc.anniversary = items.iter().map(|i| Word::parse(i)).collect(),
            k => match k.strip_prefix("unit.") {
                Some(name) if !name.is_empty() => {
                    for i in items {
                        loc.units.push((name.to_string(), Word::parse(i)));
                    }
                }
                _ => return Err(format!("{file}:{line}: unknown key `{k}`")),
            },
        }
    }
    // What every language shares goes into each table; the longest words are tried first.
    let shared = out.remove("*").unwrap_or_default();
    for loc in out.values_mut() {
        loc.units.extend(shared.units.iter().cloned());
        loc.currency_before
            .extend(shared.currency_before.iter().cloned());
    }
    out.insert("*".into(), shared);
    for loc in out.values_mut() {
        loc.units
            .sort_by_key(|(_, w)| std::cmp::Reverse(w.text.len()));
        loc.scale
            .sort_by_key(|(_, w)| std::cmp::Reverse(w.text.len()));
        loc.currency_before
            .sort_by_key(|(s, _)| std::cmp::Reverse(s.len()));
        loc.date_after
            .sort_by_key(|w| std::cmp::Reverse(w.text.len()));
        loc.words
            .sort_by_key(|(_, w)| std::cmp::Reverse(w.text.len()));
        loc.word_first = loc
            .words
            .iter()
            .filter_map(|(_, w)| w.text.chars().next())
            .collect();
        loc.word_first.sort_unstable();
        loc.word_first.dedup();
    }
    Ok(out)
}

/// The text of one language's table in this module's format, from its pack: CLDR's decimal and
/// group marks and the pack's `figure.*` keys (`figure.decimal` and `figure.group` add marks).
pub fn pack_table(pack: &lang::Pack) -> String {
    // Spaces are written by name: the table's items are separated by white space.
    let mark = |c: char| match c {
        '\u{a0}' => "nbsp".to_string(),
        '\u{202f}' | '\u{2009}' => "nnbsp".to_string(),
        ' ' => "space".to_string(),
        c => c.to_string(),
    };
    let mut out = format!("[{}]\n", pack.lang().code());
    for key in ["decimal", "group"] {
        let marks: Vec<String> = pack
            .items(key)
            .iter()
            .chain(pack.items(&format!("figure.{key}")))
            .flat_map(|s| s.chars())
            .map(mark)
            .collect();
        out.push_str(&format!("{key} = {}\n", marks.join(" ")));
    }
    // Number words (`number.N: five | …`), as WORD:N with `_` for a space.
    let mut words = Vec::new();
    for (key, items) in pack.entries() {
        if let Some(n) = key.strip_prefix("number.") {
            for w in items {
                words.push(format!("{}:{n}", w.replace(' ', "_")));
            }
        }
    }
    if !words.is_empty() {
        out.push_str(&format!("word = {}\n", words.join(" ")));
    }
    for (key, items) in pack.entries() {
        match key.strip_prefix("figure.") {
            Some("decimal" | "group") | None => {}
            Some(k) => out.push_str(&format!("{k} = {}\n", items.join(" "))),
        }
    }
    out
}

fn tables() -> &'static HashMap<String, Locale> {
    static T: OnceLock<HashMap<String, Locale>> = OnceLock::new();
    T.get_or_init(|| {
        let mut text = DATA.to_string();
        for l in lang::pack_langs() {
            if let Some(p) = lang::pack(l) {
                text.push('\n');
                text.push_str(&pack_table(p));
            }
        }
        let name = format!("{DATA_NAME} with the language packs' figures.txt");
        match parse_tables(&text, &name) {
            Ok(t) => t,
            // The data is built in and parsed by a unit test, so this cannot happen in a release.
            Err(e) => panic!("{e}"),
        }
    })
}

/// The table for a language tag (`de`, `pt-BR` → `pt`, `zh` → `zh-Hans`), or the
/// language-neutral one.
pub fn locale(lang: &str) -> &'static Locale {
    let t = tables();
    t.get(lang::Lang::parse(lang).code()).unwrap_or(&t["*"])
}

/// The value of a digit of any script the data knows (ASCII, full-width, Arabic-Indic,
/// extended Arabic-Indic, Thai).
fn digit(c: char) -> Option<u32> {
    let base = match c {
        '0'..='9' => '0',
        '０'..='９' => '０',
        '٠'..='٩' => '٠',
        '۰'..='۹' => '۰',
        '๐'..='๙' => '๐',
        _ => return None,
    };
    Some(c as u32 - base as u32)
}

/// Chinese numeral characters (digits; 十百千万亿 are the locale's multipliers).
fn cjk_digit(c: char) -> Option<f64> {
    Some(match c {
        '〇' | '零' => 0.0,
        '一' => 1.0,
        '二' | '两' | '兩' => 2.0,
        '三' => 3.0,
        '四' => 4.0,
        '五' => 5.0,
        '六' => 6.0,
        '七' => 7.0,
        '八' => 8.0,
        '九' => 9.0,
        _ => return None,
    })
}

/// A letter of a script written with spaces between words (Latin, Cyrillic, Arabic, Greek…),
/// as opposed to Han, kana, Hangul and Thai, which numbers sit against.
fn is_spaced_letter(c: char) -> bool {
    c.is_alphabetic()
        && !matches!(c as u32,
            0x0E00..=0x0E7F      // Thai
            | 0x1100..=0x11FF    // Hangul Jamo
            | 0x3040..=0x30FF    // kana
            | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF
            | 0xAC00..=0xD7AF) // Hangul syllables
}

/// A letter of a script written without spaces between words (Han, kana, Thai): a number
/// word there may stand inside a run of letters.
fn is_unspaced_letter(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0E7F
        | 0x3040..=0x30FF
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{a0}' | '\u{202f}' | '\u{2009}')
}

/// Chars of the sentence with their byte offsets.
struct Text<'a> {
    s: &'a str,
    chars: Vec<(usize, char)>,
}

impl Text<'_> {
    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).map(|x| x.1)
    }
    fn byte(&self, i: usize) -> usize {
        self.chars.get(i).map_or(self.s.len(), |x| x.0)
    }
    fn digit_at(&self, i: usize) -> Option<u32> {
        self.at(i).and_then(digit)
    }
    /// Index after the run of digits from `i`.
    fn digits_end(&self, i: usize) -> usize {
        let mut j = i;
        while self.digit_at(j).is_some() {
            j += 1;
        }
        j
    }
    /// Index after spaces from `i`.
    fn skip_space(&self, i: usize) -> usize {
        let mut j = i;
        while self.at(j).is_some_and(is_space) {
            j += 1;
        }
        j
    }
    /// Char index at byte offset `b` (at or after).
    fn index_of(&self, b: usize) -> usize {
        self.chars.partition_point(|x| x.0 < b)
    }
}

/// A number read from digits: its value, the index after it, and whether it had a group
/// separator or a decimal part.
struct Read {
    value: f64,
    end: usize,
    grouped: bool,
    /// Read from number words: a figure only with a unit or a scale word.
    word: bool,
}

/// Read digits with the locale's group and decimal marks from char index `i`.
fn read_digits(t: &Text, i: usize, loc: &Locale) -> Option<Read> {
    let neutral = loc.decimal.is_empty() && loc.group.is_empty();
    let mut int = String::new();
    let mut j = t.digits_end(i);
    if j - i > MAX_DIGITS {
        return None;
    }
    let first_len = j - i;
    for k in i..j {
        int.push(char::from_digit(t.digit_at(k)?, 10)?);
    }
    let mut grouped = false;
    let mut frac = String::new();
    while let Some(c) = t.at(j) {
        let run = t.digits_end(j + 1) - (j + 1);
        let is_group = if neutral {
            matches!(c, ',' | '.' | '\u{a0}' | '\u{202f}' | '\u{2009}')
        } else {
            loc.group.contains(&c)
        };
        if is_group && run == 3 && first_len <= 3 && int.len() < MAX_DIGITS {
            for k in j + 1..j + 4 {
                int.push(char::from_digit(t.digit_at(k)?, 10)?);
            }
            grouped = true;
            j += 4;
            continue;
        }
        let is_decimal = if neutral {
            c == '.'
        } else {
            loc.decimal.contains(&c)
        };
        if is_decimal && run > 0 && run <= MAX_DIGITS {
            for k in j + 1..j + 1 + run {
                frac.push(char::from_digit(t.digit_at(k)?, 10)?);
            }
            j += 1 + run;
            grouped = true;
        }
        break;
    }
    let s = if frac.is_empty() {
        int
    } else {
        format!("{int}.{frac}")
    };
    let value: f64 = s.parse().ok()?;
    Some(Read {
        value,
        end: j,
        grouped,
        word: false,
    })
}

/// Read a Chinese numeral (`五十万`, `一万二千`) from char index `i`.
fn read_cjk_numeral(t: &Text, i: usize, loc: &Locale) -> Option<Read> {
    let mult = |c: char| loc.multiplier.iter().find(|m| m.0 == c).map(|m| m.1);
    let (mut total, mut section, mut number) = (0.0f64, 0.0f64, 0.0f64);
    let mut j = i;
    let mut any = false;
    while let Some(c) = t.at(j) {
        if let Some(d) = cjk_digit(c) {
            number = d;
        } else if let Some(m) = mult(c) {
            if m >= 1e4 {
                let part = section + number;
                total = if part == 0.0 {
                    total * m
                } else {
                    (total + part) * m
                };
                section = 0.0;
            } else {
                section += if number == 0.0 { 1.0 } else { number } * m;
            }
            number = 0.0;
        } else {
            break;
        }
        any = true;
        j += 1;
        if j - i > MAX_DIGITS {
            return None;
        }
    }
    any.then_some(Read {
        value: total + section + number,
        end: j,
        grouped: true,
        word: false,
    })
}

/// Most bytes of text looked at for one number word.
const WORD_WINDOW: usize = 48;

/// Read number words (`five`, `forty-two`, `пять`, `세`) from char index `i`, which starts a
/// word: a tens word may take a units word after a hyphen or a space (`forty-two`).
fn read_word_number(t: &Text, i: usize, loc: &Locale) -> Option<Read> {
    let word_at = |j: usize| -> Option<(f64, usize)> {
        let b = t.byte(j);
        let mut e = (b + WORD_WINDOW).min(t.s.len());
        while !t.s.is_char_boundary(e) {
            e -= 1;
        }
        let window = t.s[b..e].to_lowercase();
        loc.words.iter().find_map(|(v, w)| {
            let rest = window.strip_prefix(w.text.as_str())?;
            // A whole word: what follows is no letter or digit of any script.
            // (In a script written without spaces, the word after may follow directly.)
            let whole = rest.chars().next().is_none_or(|c| !c.is_alphanumeric())
                || w.text.chars().last().is_some_and(is_unspaced_letter);
            whole.then(|| (*v, w.text.chars().count()))
        })
    };
    let (mut value, n) = word_at(i)?;
    let mut end = i + n;
    let tens = (10.0..100.0).contains(&value) && value % 10.0 == 0.0;
    if tens && matches!(t.at(end), Some('-' | ' ')) {
        if let Some((u, m)) = word_at(end + 1) {
            if (1.0..10.0).contains(&u) {
                value += u;
                end += 1 + m;
            }
        }
    }
    Some(Read {
        value,
        end,
        grouped: true,
        word: true,
    })
}

/// The words following char index `i` (lowercase, up to `n`), without punctuation.
fn words_after(t: &Text, i: usize, n: usize) -> Vec<String> {
    t.s[t.byte(i)..]
        .split_whitespace()
        .take(n)
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .collect()
}

fn words_before(t: &Text, i: usize, n: usize) -> Vec<String> {
    t.s[..t.byte(i)]
        .split_whitespace()
        .rev()
        .take(n)
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .collect()
}

fn any_word(words: &[Word], w: &str, attached: bool) -> bool {
    !w.is_empty() && words.iter().any(|x| x.take(w, attached).is_some())
}

/// The first of `words` that begins `after` (lowercase): its index and byte length.
fn first_match<'w, T>(
    words: &'w [(T, Word)],
    after: &str,
    attached: bool,
) -> Option<(&'w T, usize)> {
    words
        .iter()
        .find_map(|(v, w)| w.take(after, attached).map(|n| (v, n)))
}

/// Whether `lang`'s table reads number words (a sentence without digits may give figures).
pub fn has_number_words(lang: &str) -> bool {
    !locale(lang).words.is_empty()
}

/// The figures of one sentence, read with the table of `lang`.
pub fn figures(sentence: &str, lang: &str) -> Vec<Figure> {
    figures_with(sentence, locale(lang))
}

/// The figures of one sentence, read with `loc`.
pub fn figures_with(sentence: &str, loc: &Locale) -> Vec<Figure> {
    let t = Text {
        s: sentence,
        chars: sentence.char_indices().collect(),
    };
    let cjk_numerals = !loc.approx_before.is_empty();
    let mut out: Vec<(Figure, usize, usize)> = Vec::new();
    let mut i = 0;
    while i < t.chars.len() {
        let c = t.chars[i].1;
        let starts_digit = digit(c).is_some();
        let starts_cjk = cjk_numerals
            && (cjk_digit(c).is_some() || c == '十')
            && t.at(i + 1).is_none_or(|n| digit(n).is_none());
        let starts_word = !starts_digit
            && !starts_cjk
            && !loc.word_first.is_empty()
            && c.to_lowercase()
                .next()
                .is_some_and(|l| loc.word_first.binary_search(&l).is_ok())
            && (i == 0
                || is_unspaced_letter(c)
                || t.at(i - 1).is_none_or(|p| !p.is_alphanumeric()));
        if starts_word {
            if let Some(read) = read_word_number(&t, i, loc) {
                let start = i;
                i = read.end.max(i + 1);
                if let Some(f) = figure_at(&t, loc, start, read, true) {
                    let (a, b) = (t.index_of(f.start), t.index_of(f.end));
                    i = i.max(b);
                    out.push((f, a, b));
                }
                continue;
            }
        }
        if !starts_digit && !starts_cjk {
            i += 1;
            continue;
        }
        let start = i;
        let read = if starts_digit {
            read_digits(&t, i, loc)
        } else {
            read_cjk_numeral(&t, i, loc)
        };
        let Some(read) = read else {
            i = t.digits_end(i).max(i + 1);
            while t
                .at(i)
                .is_some_and(|c| digit(c).is_some() || c == ',' || c == '.')
            {
                i += 1;
            }
            continue;
        };
        i = read.end.max(i + 1);
        if let Some(f) = figure_at(&t, loc, start, read, starts_digit) {
            let (a, b) = (t.index_of(f.start), t.index_of(f.end));
            i = i.max(b);
            out.push((f, a, b));
        }
    }
    // "the number of foreigners … 600,000": counted in people.
    let lower = sentence.to_lowercase();
    let counts_people = loc.count_of.iter().any(|w| {
        lower.match_indices(w.text.as_str()).any(|(at, m)| {
            let next = lower[at + m.len()..]
                .split_whitespace()
                .next()
                .unwrap_or("");
            let next = next.trim_matches(|c: char| !c.is_alphanumeric());
            loc.units
                .iter()
                .any(|(n, x)| n == "people" && x.take(next, false).is_some())
        })
    });
    if counts_people {
        for f in out.iter_mut().filter(|f| f.0.unit.is_none()) {
            f.0.unit = Some("people".into());
        }
    }
    // Ranges: "from 187,000 to 600,000 tourists" — the first end takes the second's unit.
    for k in (0..out.len().saturating_sub(1)).rev() {
        if out[k].0.unit.is_some() {
            continue;
        }
        let between = sentence[out[k].0.end..out[k + 1].0.start]
            .trim()
            .to_lowercase();
        let joined = matches!(between.as_str(), "-" | "–" | "—" | "~" | "〜" | "～")
            || loc.range.iter().any(|w| w.text == between);
        if joined {
            out[k].0.unit = out[k + 1].0.unit.clone();
        }
    }
    out.into_iter().map(|x| x.0).collect()
}

/// Whether the number at `start..read.end` is a figure, and which.
fn figure_at(t: &Text, loc: &Locale, start: usize, read: Read, digits: bool) -> Option<Figure> {
    let prev = start.checked_sub(1).and_then(|k| t.at(k));
    let prev2 = start.checked_sub(2).and_then(|k| t.at(k));
    // Part of a token: "G20", "COVID-19", "3/4", "10:30", "v1.2".
    if prev.is_some_and(is_spaced_letter)
        || matches!(prev, Some('-' | '/' | ':' | '.' | '_' | '#'))
            && prev2.is_some_and(|c| c.is_alphanumeric())
    {
        return None;
    }
    let before = &t.s[..t.byte(start)];
    let before_trim = before.trim_end_matches(is_space);
    // An approximate quantity (数千, 几十万) or an ordinal (第75).
    if prev.is_some_and(|c| loc.approx_before.contains(&c))
        || loc
            .ordinal_before
            .iter()
            .any(|w| before_trim.to_lowercase().ends_with(&w.text))
    {
        return None;
    }
    let mut value = read.value;
    let grouped = read.grouped;
    let word = read.word;
    let mut j = read.end;
    let mut scaled = false;
    // Multipliers written after the number (`6 百萬`, `1万6000`, `1.5亿`).
    if digits && !loc.multiplier.is_empty() {
        let mut total = 0.0;
        loop {
            let k = t.skip_space(j);
            let mut m = 1.0;
            let mut e = k;
            while let Some(x) = t
                .at(e)
                .and_then(|c| loc.multiplier.iter().find(|x| x.0 == c))
            {
                m *= x.1;
                e += 1;
            }
            if e == k {
                break;
            }
            value *= m;
            scaled = true;
            j = e;
            // `1万6000`: a smaller number after a large multiplier adds to it.
            // `1억 2500만`, `7만 7천` (Korean writes a space between the parts).
            let next = if loc.attached { t.skip_space(j) } else { j };
            if m >= 1e4 && t.digit_at(next).is_some() {
                if let Some(r) = read_digits(t, next, loc) {
                    if r.value < m {
                        total += value;
                        value = r.value;
                        j = r.end;
                        continue;
                    }
                }
            }
            break;
        }
        value += total;
    }
    if t.at(j) == Some(':') && t.digit_at(j + 1).is_some()
        || t.at(j) == Some('/') && t.digit_at(j + 1).is_some()
    {
        return None; // a time or a date
    }
    let mut unit: Option<String> = None;
    // Sign before: "$5", "US$ 5", "%25" (Turkish), "٪5".
    for (sign, cur) in &loc.currency_before {
        if before_trim.ends_with(sign.as_str()) {
            unit = Some(cur.clone());
            break;
        }
    }
    if unit.is_none() && matches!(prev, Some('%' | '٪' | '％')) {
        unit = Some("percent".into());
    }
    let lower_after = |k: usize| t.s[t.byte(k)..].to_lowercase();
    // Ordinals: "75th", "75-й"; an anniversary is kept ("75th anniversary", "75-летие", "75周年").
    let after_num = lower_after(j);
    if let Some(n) = loc
        .anniversary
        .iter()
        .find_map(|w| w.take(&after_num, loc.attached))
    {
        let end = t.index_of(t.byte(j) + n);
        return Some(Figure {
            start: t.byte(start),
            end: t.byte(end),
            value,
            unit: Some("anniversary".into()),
        });
    }
    if let Some(n) = loc
        .ordinal_after
        .iter()
        .find_map(|w| w.take(&after_num, true))
    {
        let k = t.skip_space(t.index_of(t.byte(j) + n));
        let rest = lower_after(k);
        if loc
            .anniversary
            .iter()
            .any(|w| w.take(&rest, false).is_some())
        {
            let end = t.index_of(t.byte(k) + rest.split_whitespace().next().map_or(0, str::len));
            return Some(Figure {
                start: t.byte(start),
                end: t.byte(end),
                value,
                unit: Some("anniversary".into()),
            });
        }
        return None;
    }
    // Scale words: "240.1 billion", "3,5 млрд", "5 Mio.".
    let k = t.skip_space(j);
    if let Some((m, n)) = first_match(&loc.scale, &lower_after(k), loc.attached) {
        value *= *m;
        scaled = true;
        j = t.index_of(t.byte(k) + n);
        if t.at(j) == Some('.') {
            j += 1;
        }
    }
    // The unit after: "%", "dollars", "人", "человек".
    let k = t.skip_space(j);
    let after = lower_after(k);
    if let Some((name, n)) = first_match(&loc.units, &after, loc.attached) {
        if unit.is_none() {
            unit = Some(name.clone());
            // A unit word of another system than its category's: `20 feet` → 6.096 m.
            if let Some((f, _)) = first_match(&loc.convert, &after[..n], loc.attached) {
                value *= *f;
            }
        }
        j = t.index_of(t.byte(k) + n);
    } else if let Some((name, n)) = (value < MAX_SPAN && value.fract() == 0.0)
        .then(|| first_match(&loc.span, &after, loc.attached))
        .flatten()
    {
        // "139年", "15년": a number below any year's counts years.
        if unit.is_none() {
            unit = Some(name.clone());
        }
        j = t.index_of(t.byte(k) + n);
    } else if any_word(&loc.date_after, &after, loc.attached) {
        return None; // "10 Uhr", "2018年", "9月"
    } else if !loc.attached {
        // People named after a word or two: "5,000 Syrian refugees".
        let clause = t.s[t.byte(j)..]
            .split([',', ';', '.', ':', '(', ')'])
            .next()
            .unwrap_or("");
        let people = clause.split_whitespace().take(3).skip(1).any(|w| {
            let w = w.to_lowercase();
            loc.units
                .iter()
                .any(|(n, x)| n == "people" && x.take(&w, false).is_some())
        });
        if people && unit.is_none() && t.at(j).is_some_and(is_space) {
            unit = Some("people".into());
        }
    }
    let next = t.at(j);
    // A number word alone could be anything ("sağ elli": right-handed).
    if word && unit.is_none() && !scaled {
        return None;
    }
    if unit.is_none() {
        // Part of a token after it: "5G", "3D" (a compound such as "20-year-old" or
        // "281-store" is a figure).
        if next.is_some_and(is_spaced_letter) {
            return None;
        }
        // Small counts are usually written as words ("two stores", "zwei Filialen"): a digit
        // without a unit is not a figure, so that languages that write digits do not differ.
        if value < 10.0 && value.fract() == 0.0 && !scaled {
            return None;
        }
        // Years and days of the month.
        if !grouped && !scaled && (1900.0..=2100.0).contains(&value) && value.fract() == 0.0 {
            return None;
        }
        if !grouped && !scaled && value <= 31.0 {
            let mut near = words_after(t, j, 2)
                .into_iter()
                .chain(words_before(t, start, 2));
            if near.any(|w| any_word(&loc.month, &w, false)) {
                return None;
            }
        }
        // The minutes of a time: "10 h 30".
        if !loc.attached
            && words_before(t, start, 1)
                .first()
                .is_some_and(|w| any_word(&loc.date_after, w, false))
        {
            return None;
        }
        // A Chinese numeral alone is a figure only with its unit (一些, 统一).
        if !digits {
            return None;
        }
    }
    // "в 2017 году": a year, whatever the word after it.
    if unit.as_deref() == Some("years")
        && !grouped
        && !scaled
        && (1900.0..=2100.0).contains(&value)
        && value.fract() == 0.0
    {
        return None;
    }
    // "一名男子": one is "a" (as `one` is no number word of the packs).
    if !digits && value < 2.0 {
        return None;
    }
    if !value.is_finite() || value > MAX_VALUE {
        return None;
    }
    Some(Figure {
        start: t.byte(start),
        end: t.byte(j),
        value,
        unit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_data_parses() {
        parse_tables(DATA, DATA_NAME).expect("numbers.txt parses");
        let t = tables();
        for lang in [
            "en", "zh-Hans", "zh-Hant", "ru", "de", "fr", "es", "it", "pt", "nl", "pl", "tr", "ar",
            "ja", "ko", "th",
        ] {
            assert!(t.contains_key(lang), "no table for {lang}");
        }
        // CLDR's marks from the pack, and the marks the pack's figures.txt adds.
        let de = locale("de-AT");
        assert!(de.decimal.contains(&',') && de.group.contains(&'.') && de.group.contains(&'\''));
        assert!(locale("fr").group.contains(&'\u{202f}') && locale("fr").group.contains(&' '));
        // No pack: the neutral table, not English.
        assert!(locale("sw").decimal.is_empty() && locale("und").scale.is_empty());
    }

    #[test]
    fn a_mistake_in_the_data_names_the_line() {
        let e = parse_tables("[xx]\nscale = million\n", "x.txt").unwrap_err();
        assert!(e.starts_with("x.txt:2:"), "{e}");
        let e = parse_tables("decimal = ,\n", "x.txt").unwrap_err();
        assert!(e.starts_with("x.txt:1:"), "{e}");
    }
}
