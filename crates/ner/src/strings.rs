//! [`Strings`]: a fixed set of strings (a model's feature names, a dictionary's words) numbered
//! 0, 1, 2, … and looked up by text, stored as one text buffer and its end offsets.
//!
//! A map from `Box<str>` keys would hold one allocation per string; reading hundreds of
//! thousands of them from a file then costs most of the load. Here the file holds two arrays
//! (read as a whole), and the index built on load maps a 64-bit hash of each string to its
//! number; a lookup hashes the text, finds the number and compares the stored text, so the
//! answer is exact. Strings whose hash another string already has (none in practice) are kept
//! in a small map of their own.

use std::hash::Hasher;

use rustc_hash::{FxHashMap, FxHasher};
use serde::{Deserialize, Serialize};

/// Strings numbered in the order given, each looked up by its text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "Stored", into = "Stored")]
pub(crate) struct Strings {
    text: String,
    /// `ends[i]` is where string `i` ends in `text` (it starts where `i - 1` ends).
    ends: Vec<u32>,
    /// Hash of a string → its number (the first string with that hash).
    index: FxHashMap<u64, u32>,
    /// Strings whose hash an earlier one has.
    collided: FxHashMap<Box<str>, u32>,
}

/// What is written to a file: the strings without the index.
#[derive(Clone, Serialize, Deserialize)]
struct Stored {
    text: String,
    ends: Vec<u32>,
}

impl From<Stored> for Strings {
    fn from(s: Stored) -> Strings {
        // Offsets that run backwards or past the text (a damaged file) are cut to fit, so
        // every number still names a valid (possibly empty) string.
        let mut ends = s.ends;
        let mut last = 0u32;
        for e in ends.iter_mut() {
            *e = (*e).clamp(last, s.text.len() as u32);
            while !s.text.is_char_boundary(*e as usize) {
                *e -= 1;
            }
            *e = (*e).max(last);
            last = *e;
        }
        let mut out = Strings {
            text: s.text,
            ends,
            index: FxHashMap::default(),
            collided: FxHashMap::default(),
        };
        out.build_index();
        out
    }
}

impl From<Strings> for Stored {
    fn from(s: Strings) -> Stored {
        Stored {
            text: s.text,
            ends: s.ends,
        }
    }
}

/// What [`Strings::prefix_filter`] builds.
#[derive(Debug, Clone, Default)]
pub(crate) struct PrefixFilter(rustc_hash::FxHashSet<u64>);

impl PrefixFilter {
    /// Whether `s` may be a proper prefix of one of the strings (`false`: surely not).
    pub fn may_extend(&self, s: &str) -> bool {
        self.0.contains(&hash(s))
    }
}

/// The hash the index is keyed by.
fn hash(s: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(s.as_bytes());
    h.finish()
}

impl Strings {
    /// Number the strings in the order given (a repeated string keeps its first number, and
    /// its later copies are numbered too but never found).
    pub fn new<S: AsRef<str>>(strings: impl IntoIterator<Item = S>) -> Strings {
        let mut text = String::new();
        let mut ends = Vec::new();
        for s in strings {
            text.push_str(s.as_ref());
            ends.push(text.len() as u32);
        }
        let mut out = Strings {
            text,
            ends,
            index: FxHashMap::default(),
            collided: FxHashMap::default(),
        };
        out.build_index();
        out
    }

    fn build_index(&mut self) {
        let mut index = FxHashMap::with_capacity_and_hasher(self.ends.len(), Default::default());
        let mut collided = FxHashMap::default();
        for i in 0..self.ends.len() {
            let s = self.get(i as u32);
            match index.entry(hash(s)) {
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(i as u32);
                }
                std::collections::hash_map::Entry::Occupied(o) => {
                    if self.get(*o.get()) != s {
                        collided.entry(s.into()).or_insert(i as u32);
                    }
                }
            }
        }
        self.index = index;
        self.collided = collided;
    }

    /// How many strings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// String number `i` (empty when there is no such number).
    pub fn get(&self, i: u32) -> &str {
        let i = i as usize;
        let Some(&end) = self.ends.get(i) else {
            return "";
        };
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start as usize..end as usize]
    }

    /// A filter of the strings' proper prefixes (by the hash the index uses): a text whose
    /// hash is not in it is the start of none of the strings longer than itself, so a search
    /// that grows a text one character at a time can stop there. Built in one pass; a hash
    /// shared by chance only lets a search go on, never stops it wrongly.
    pub fn prefix_filter(&self) -> PrefixFilter {
        let mut set = rustc_hash::FxHashSet::default();
        for i in 0..self.ends.len() {
            let s = self.get(i as u32);
            for (at, _) in s.char_indices().skip(1) {
                set.insert(hash(&s[..at]));
            }
        }
        PrefixFilter(set)
    }

    /// The number of `s`, if it is one of the strings.
    pub fn find(&self, s: &str) -> Option<u32> {
        match self.index.get(&hash(s)) {
            Some(&i) if self.get(i) == s => Some(i),
            _ if self.collided.is_empty() => None,
            _ => self.collided.get(s).copied(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_found_by_text_and_number() {
        let s = Strings::new(["bias", "i word 普京", "", "i suffix 京"]);
        assert_eq!(s.len(), 4);
        assert_eq!(s.find("i word 普京"), Some(1));
        assert_eq!(s.find(""), Some(2));
        assert_eq!(s.find("i suffix 京"), Some(3));
        assert_eq!(s.find("i word"), None);
        assert_eq!(s.get(0), "bias");
        assert_eq!(s.get(9), "");
        assert_eq!(s.get(3), "i suffix 京");
    }

    #[test]
    fn the_prefix_filter_knows_every_proper_prefix() {
        let s = Strings::new(["习近平", "普京", "京"]);
        let f = s.prefix_filter();
        for p in ["习", "习近", "普"] {
            assert!(f.may_extend(p), "{p}");
        }
        for p in ["习近平", "京", "近", "普京", ""] {
            assert!(!f.may_extend(p), "{p}");
        }
    }

    #[test]
    fn a_repeated_string_keeps_its_first_number() {
        let s = Strings::new(["a", "b", "a"]);
        assert_eq!(s.find("a"), Some(0));
        assert_eq!(s.len(), 3);
    }

    #[test]
    fn strings_sharing_a_hash_are_still_told_apart() {
        let mut s = Strings::new(["x", "y"]);
        // Force "y" to look like a collision: both under the hash of "x".
        s.index.clear();
        s.index.insert(hash("x"), 0);
        s.collided.insert("y".into(), 1);
        assert_eq!(s.find("x"), Some(0));
        assert_eq!(s.find("y"), Some(1));
        assert_eq!(s.find("z"), None);
    }

    #[test]
    fn the_stored_form_reads_back_and_damaged_offsets_stay_in_range() {
        let s = Strings::new(["普京", "Путин", "Putin"]);
        let bytes = postcard::to_stdvec(&s).unwrap();
        let back: Strings = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back, s);
        let bad: Strings = Stored {
            text: "普京".into(),
            ends: vec![4, 2, 99],
        }
        .into();
        for i in 0..3 {
            let _ = bad.get(i);
        }
        assert_eq!(bad.get(0), "普");
    }
}
