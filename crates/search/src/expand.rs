//! Query expansion: each word or phrase of a parsed [`Query`] with its translations, as a
//! [`TextQuery`].
//!
//! Translations come from a [`Dictionary`]: CC-CEDICT in both directions (Chinese word →
//! English glosses, English name → Chinese headwords) and the aliases of stored entities in
//! every language. Only short glosses are taken, and single Chinese characters are not
//! translated (their glosses are too broad to search with).

use std::collections::HashMap;

use lang::Cedict;
use model::Entity;
use store::TextQuery;

use crate::syntax::{Query, Unit};

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

/// Expand a parsed query with `dict`.
///
/// - Plain words (no `OR`, no phrase): the words together are tried first as one name
///   ("Xi Jinping", "金砖国家"); otherwise each word (as the index cuts words, before stemming)
///   is a group of itself and its translations.
/// - A clause with `OR`: one group of its alternatives, each with its translations as a whole
///   (a word written without spaces that the index cuts in several, such as `U.S.` or
///   `金砖国家`, is one alternative: its words in order).
/// - A phrase: itself and the translations of the whole phrase (a name: "Xi Jinping" → 习近平),
///   never of its words one by one, which would lose their order.
/// - Exclusions are not translated: a gloss or alias that is wrong or broader than the word
///   (CC-CEDICT glosses are short English senses; aliases come from automatic recognition)
///   would silently hide documents the user never excluded, where a missing translation only
///   lets a document in another language through, visibly (exclude it too: `-Putin -普京`).
///
/// A document must match every group; when none does and some word was translated (a
/// translation may be missing for its neighbour), documents matching some groups follow.
pub fn expand(query: &Query, dict: &Dictionary) -> Expansion {
    let mut out = Expansion::default();
    out.query.exclude = query.exclude.iter().map(|u| u.text().to_string()).collect();
    if query.is_plain() {
        let whole = query.positive_text();
        let words = lang::query_words(&whole);
        let whole_tr = dict.translate(&whole);
        if words.len() > 1 && !whole_tr.is_empty() {
            let mut group = vec![whole.clone()];
            group.extend(whole_tr.iter().cloned());
            out.query.groups.push(group);
            out.translations.push((whole, whole_tr));
            return out;
        }
    }
    for clause in &query.clauses {
        match clause.as_slice() {
            [Unit::Word(w)] => {
                for w in lang::query_words(w) {
                    let group = alternatives(&w, dict, &mut out.translations);
                    out.query.groups.push(group);
                }
            }
            units => {
                let mut group = Vec::new();
                for u in units {
                    for a in alternatives(u.text(), dict, &mut out.translations) {
                        push_unique(&mut group, &a);
                    }
                }
                out.query.groups.push(group);
            }
        }
    }
    out.query.fallback_any = out.query.groups.len() > 1 && !out.translations.is_empty();
    out
}

/// `text` and its translations, noting them in `translations`.
fn alternatives(
    text: &str,
    dict: &Dictionary,
    translations: &mut Vec<(String, Vec<String>)>,
) -> Vec<String> {
    let tr = dict.translate(text);
    let mut group = vec![text.to_string()];
    group.extend(tr.iter().cloned());
    if !tr.is_empty() {
        translations.push((text.to_string(), tr));
    }
    group
}
