//! Query expansion: each word of a query with its translations, as a [`TextQuery`].
//!
//! Translations come from a [`Dictionary`]: CC-CEDICT in both directions (Chinese word →
//! English glosses, English name → Chinese headwords) and the aliases of stored entities in
//! every language. Only short glosses are taken, and single Chinese characters are not
//! translated (their glosses are too broad to search with).

use std::collections::HashMap;

use lang::Cedict;
use model::Entity;
use store::TextQuery;

/// Most alternatives kept per query word.
const MAX_ALTERNATIVES: usize = 6;
/// Longest gloss taken as a translation, in words.
const MAX_GLOSS_WORDS: usize = 3;

/// Translations for query words.
#[derive(Debug, Clone, Default)]
pub struct Dictionary {
    /// Simplified Chinese word → English forms.
    zh_en: HashMap<String, Vec<String>>,
    /// Lowercase English form → Simplified Chinese words.
    en_zh: HashMap<String, Vec<String>>,
    /// Normalised alias → every name of that entity.
    aliases: HashMap<String, Vec<String>>,
}

fn push_unique(v: &mut Vec<String>, s: &str) {
    if !s.is_empty() && !v.iter().any(|x| x.eq_ignore_ascii_case(s)) {
        v.push(s.to_string());
    }
}

/// The usable English forms in one CEDICT gloss: parenthesised remarks dropped, a leading
/// "to " dropped, split at semicolons, at most [`MAX_GLOSS_WORDS`] words, no references to
/// other entries ("see …", "variant of …", "abbr. for …").
fn gloss_forms(gloss: &str) -> Vec<String> {
    let mut clean = String::new();
    let mut depth = 0usize;
    for c in gloss.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => clean.push(c),
            _ => {}
        }
    }
    clean
        .split(';')
        .map(|p| p.trim())
        .map(|p| p.strip_prefix("to ").unwrap_or(p).trim())
        .filter(|p| {
            !p.is_empty()
                && p.split_whitespace().count() <= MAX_GLOSS_WORDS
                && !p.contains(['|', '[', ':'])
                && ![
                    "see ",
                    "variant of",
                    "abbr",
                    "surname",
                    "used in",
                    "CL:",
                    "old variant",
                ]
                .iter()
                .any(|x| p.starts_with(x))
        })
        .map(str::to_string)
        .collect()
}

impl Dictionary {
    /// Translations from CC-CEDICT: every multi-character headword's short glosses, and for
    /// proper names the reverse direction too (BRICS → 金砖, 金砖国家).
    pub fn from_cedict(cedict: &Cedict) -> Dictionary {
        let mut d = Dictionary::default();
        // Headwords that are (also) proper names translate only as names: 金砖 is BRICS,
        // not "gold brick".
        let names: std::collections::HashSet<&str> = cedict
            .proper_names()
            .map(|e| e.simplified.as_str())
            .collect();
        for e in cedict.entries() {
            if e.simplified.chars().count() < 2 {
                continue;
            }
            let proper = e.is_proper_name();
            if !proper && names.contains(e.simplified.as_str()) {
                continue;
            }
            let forms: Vec<String> = e.glosses.iter().flat_map(|g| gloss_forms(g)).collect();
            let zh = d.zh_en.entry(e.simplified.clone()).or_default();
            for f in forms.iter().take(3) {
                push_unique(zh, f);
            }
            if proper {
                for f in forms.iter().filter(|f| f.starts_with(char::is_uppercase)) {
                    push_unique(d.en_zh.entry(f.to_lowercase()).or_default(), &e.simplified);
                }
            }
        }
        d.zh_en.retain(|_, v| !v.is_empty());
        d
    }

    /// Add the names of stored entities: any alias found in a query brings all the others.
    pub fn add_entities(&mut self, entities: &[Entity]) {
        for e in entities {
            let mut names = vec![e.name.clone()];
            for list in e.aliases.values() {
                for a in list {
                    push_unique(&mut names, a);
                }
            }
            for n in &names {
                let key = lang::normalize(n);
                if key.chars().count() < 2 {
                    continue;
                }
                let slot = self.aliases.entry(key).or_default();
                for m in &names {
                    push_unique(slot, m);
                }
            }
        }
    }

    /// Translations of one query word or phrase (normalised form), without the word itself.
    pub fn translate(&self, word: &str) -> Vec<String> {
        let mut out = Vec::new();
        let norm = lang::normalize(word);
        for list in [
            self.aliases.get(&norm),
            self.zh_en.get(&norm),
            self.en_zh.get(&norm),
        ]
        .into_iter()
        .flatten()
        {
            for t in list {
                if lang::normalize(t) != norm {
                    push_unique(&mut out, t);
                }
            }
        }
        out.truncate(MAX_ALTERNATIVES);
        out
    }

    pub fn is_empty(&self) -> bool {
        self.zh_en.is_empty() && self.en_zh.is_empty() && self.aliases.is_empty()
    }
}

/// A query expanded for the index, with what was translated (for display).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expansion {
    pub query: TextQuery,
    /// Query word → the translations searched for it.
    pub translations: Vec<(String, Vec<String>)>,
}

/// Expand `query` with `dict`. The whole query is tried first as one name ("Xi Jinping",
/// "金砖国家"); otherwise each word (as the index cuts words, before stemming) is a group of
/// itself and its translations. A document must match every group; when none does, documents
/// matching some groups follow.
pub fn expand(query: &str, dict: &Dictionary) -> Expansion {
    let whole = query.trim();
    let mut out = Expansion::default();
    if whole.is_empty() {
        return out;
    }
    let words = lang::words(whole);
    let whole_tr = dict.translate(whole);
    if words.len() > 1 && !whole_tr.is_empty() {
        let mut group = vec![whole.to_string()];
        group.extend(whole_tr.iter().cloned());
        out.query.groups.push(group);
        out.translations.push((whole.to_string(), whole_tr));
        return out;
    }
    for w in words {
        let tr = dict.translate(&w);
        let mut group = vec![w.clone()];
        group.extend(tr.iter().cloned());
        out.query.groups.push(group);
        if !tr.is_empty() {
            out.translations.push((w, tr));
        }
    }
    // Documents matching only some words are wanted when a translation may be missing (a
    // word translated, its neighbour not); an untranslated query asks for all its words.
    out.query.fallback_any = out.query.groups.len() > 1 && !out.translations.is_empty();
    out
}
