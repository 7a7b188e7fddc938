//! jiagu's perceptron features, indexed by what the tagger looks them up with.
//!
//! jiagu names each feature by its template and values joined by spaces (`i word 普京`,
//! `i-1 tag+i word B-PER 普京`, `i tag+i-2 tag O -START-`), and scoring a word looks up 14
//! names. Building each name and hashing it was most of the tagger's time, so the names are
//! taken apart once, when the model is read: features on tags alone go in a table by tag
//! number, and features on a string (a word, a suffix, a first character) in one row per
//! distinct string with a column per template. Scoring a word then looks up the word itself
//! (and its suffix and first character when they differ from it) once; its neighbours' rows
//! reuse that. The lookups find exactly the features the names would: a name is filed under
//! every (template, values) that spells it.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::strings::Strings;

/// No such feature (cells hold a feature's number + 1, which also keeps the stored copy
/// small: postcard writes small numbers in fewer bytes).
const NONE: u32 = 0;

/// The templates on one string, in column order ([`Features::on`] takes these columns).
const ON_STRING: [&str; 9] = [
    "i suffix",
    "i pref1",
    "i word",
    "i-1 word",
    "i-1 suffix",
    "i-2 word",
    "i+1 word",
    "i+1 suffix",
    "i+2 word",
];
pub(crate) const SUFFIX: usize = 0;
pub(crate) const PREF1: usize = 1;
pub(crate) const WORD: usize = 2;
pub(crate) const PREV_WORD: usize = 3;
pub(crate) const PREV_SUFFIX: usize = 4;
pub(crate) const PREV2_WORD: usize = 5;
pub(crate) const NEXT_WORD: usize = 6;
pub(crate) const NEXT_SUFFIX: usize = 7;
pub(crate) const NEXT2_WORD: usize = 8;
/// `i-1 tag+i word T W` is column `PREV_TAG_WORD + t` of `W`'s row (t: the number of tag T).
pub(crate) const PREV_TAG_WORD: usize = ON_STRING.len();
const PREV_TAG_WORD_NAME: &str = "i-1 tag+i word";

/// A perceptron's features by template, each giving its row of the weight table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Features {
    /// How many tags (numbered as [`Features::new`] was given them).
    tags: usize,
    /// The strings features are on, numbered.
    strings: Strings,
    /// `strings.len() × columns`: the feature of each template on each string.
    on_string: Vec<u32>,
    /// `bias`, then `i-1 tag` and `i-2 tag` for each tag, then `i tag+i-2 tag` for each pair
    /// (previous tag × tags + the one before).
    on_tags: Vec<u32>,
}

impl Features {
    /// Index feature names (feature `r` is the `r`-th name; a name given twice keeps its first
    /// number, as a map from names would). `tags` are the names of the tags the tagger
    /// passes back in (labels and start markers), numbered in that order.
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>, tags: &[&str]) -> Features {
        let t = tags.len();
        let columns = PREV_TAG_WORD + t;
        let mut numbers: FxHashMap<&'a str, u32> = FxHashMap::default();
        let mut strings: Vec<&'a str> = Vec::new();
        let mut on_string: Vec<u32> = Vec::new();
        let mut on_tags = vec![NONE; 1 + 2 * t + t * t];
        let mut file = |value: &'a str, column: usize, row: u32| {
            let n = *numbers.entry(value).or_insert_with(|| {
                strings.push(value);
                on_string.resize(on_string.len() + columns, NONE);
                (strings.len() - 1) as u32
            });
            let cell = &mut on_string[n as usize * columns + column];
            if *cell == NONE {
                *cell = row + 1;
            }
        };
        let set = |cell: &mut u32, row: u32| {
            if *cell == NONE {
                *cell = row + 1;
            }
        };
        for (row, name) in names.into_iter().enumerate() {
            let row = row as u32;
            if name == "bias" {
                set(&mut on_tags[0], row);
                continue;
            }
            let Some((template, rest)) = split_template(name) else {
                continue;
            };
            if let Some(c) = ON_STRING.iter().position(|&s| s == template) {
                file(rest, c, row);
                continue;
            }
            // The rest starts with a tag: every tag that spells it (tag names have no spaces
            // in jiagu's model, so at most one does).
            for (a, tag) in tags.iter().enumerate() {
                let after = rest
                    .strip_prefix(tag)
                    .map(|r| (r.is_empty(), r.strip_prefix(' ')));
                match (template, after) {
                    ("i-1 tag", Some((true, _))) => set(&mut on_tags[1 + a], row),
                    ("i-2 tag", Some((true, _))) => set(&mut on_tags[1 + t + a], row),
                    ("i tag+i-2 tag", Some((_, Some(second)))) => {
                        if let Some(b) = tags.iter().position(|&x| x == second) {
                            set(&mut on_tags[1 + 2 * t + a * t + b], row);
                        }
                    }
                    (PREV_TAG_WORD_NAME, Some((_, Some(word)))) => {
                        file(word, PREV_TAG_WORD + a, row)
                    }
                    _ => {}
                }
            }
        }
        Features {
            tags: t,
            strings: Strings::new(strings),
            on_string,
            on_tags,
        }
    }

    /// The number of a string some feature is on (`None`: no feature is on it).
    pub fn string(&self, s: &str) -> Option<u32> {
        self.strings.find(s)
    }

    /// The feature of template `column` on string number `string`.
    pub fn on(&self, string: Option<u32>, column: usize) -> Option<u32> {
        let at = string? as usize * (PREV_TAG_WORD + self.tags) + column;
        self.on_string.get(at)?.checked_sub(1)
    }

    /// `bias`.
    pub fn bias(&self) -> Option<u32> {
        self.tag_row(0)
    }

    /// `i-1 tag T`.
    pub fn prev_tag(&self, tag: usize) -> Option<u32> {
        self.tag_row(1 + tag)
    }

    /// `i-2 tag T`.
    pub fn prev2_tag(&self, tag: usize) -> Option<u32> {
        self.tag_row(1 + self.tags + tag)
    }

    /// `i tag+i-2 tag T1 T2` (jiagu's name for the previous tag and the one before it).
    pub fn tag_pair(&self, prev: usize, prev2: usize) -> Option<u32> {
        self.tag_row(1 + 2 * self.tags + prev * self.tags + prev2)
    }

    fn tag_row(&self, at: usize) -> Option<u32> {
        self.on_tags.get(at)?.checked_sub(1)
    }

    /// Whether the index is whole for `tags` tags and every feature it gives is below `rows`
    /// (a stored copy that fails this is damaged).
    pub fn fits(&self, tags: usize, rows: usize) -> bool {
        self.tags == tags
            && self.on_string.len() == self.strings.len() * (PREV_TAG_WORD + tags)
            && self.on_tags.len() == 1 + 2 * tags + tags * tags
            && self
                .on_string
                .iter()
                .chain(&self.on_tags)
                .all(|&r| (r as usize) <= rows)
    }
}

/// `name` as (template, rest): the longest known template the name starts with, then a space.
fn split_template(name: &str) -> Option<(&str, &str)> {
    ["i-1 tag", "i-2 tag", "i tag+i-2 tag", PREV_TAG_WORD_NAME]
        .into_iter()
        .chain(ON_STRING)
        .filter_map(|t| Some((t, name.strip_prefix(t)?.strip_prefix(' ')?)))
        .max_by_key(|(t, _)| t.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TAGS: [&str; 4] = ["B-PER", "O", "-START-", "-START2-"];

    fn index(names: &[&str]) -> Features {
        Features::new(names.iter().copied(), &TAGS)
    }

    #[test]
    fn every_template_is_found_by_its_values() {
        let f = index(&[
            "bias",
            "i suffix 近平",
            "i pref1 习",
            "i-1 tag O",
            "i-2 tag -START2-",
            "i tag+i-2 tag O -START-",
            "i word 习近平",
            "i-1 tag+i word B-PER 近平",
            "i-1 word -START2-",
            "i-1 suffix T2-",
            "i-2 word 习近平",
            "i+1 word 说",
            "i+1 suffix 说",
            "i+2 word -END-",
        ]);
        assert_eq!(f.bias(), Some(0));
        let s = |x: &str| f.string(x);
        assert_eq!(f.on(s("近平"), SUFFIX), Some(1));
        assert_eq!(f.on(s("习"), PREF1), Some(2));
        assert_eq!(f.prev_tag(1), Some(3));
        assert_eq!(f.prev2_tag(3), Some(4));
        assert_eq!(f.tag_pair(1, 2), Some(5));
        assert_eq!(f.on(s("习近平"), WORD), Some(6));
        assert_eq!(f.on(s("近平"), PREV_TAG_WORD), Some(7));
        assert_eq!(f.on(s("-START2-"), PREV_WORD), Some(8));
        assert_eq!(f.on(s("T2-"), PREV_SUFFIX), Some(9));
        assert_eq!(f.on(s("习近平"), PREV2_WORD), Some(10));
        assert_eq!(f.on(s("说"), NEXT_WORD), Some(11));
        assert_eq!(f.on(s("说"), NEXT_SUFFIX), Some(12));
        assert_eq!(f.on(s("-END-"), NEXT2_WORD), Some(13));
        // What is not there is not found.
        assert_eq!(f.on(s("习近平"), SUFFIX), None);
        assert_eq!(f.on(s("近平"), PREV_TAG_WORD + 1), None);
        assert_eq!(f.prev_tag(0), None);
        assert_eq!(f.tag_pair(2, 1), None);
        assert_eq!(s("普京"), None);
        assert_eq!(f.on(None, WORD), None);
        assert!(f.fits(TAGS.len(), 14));
        assert!(!f.fits(TAGS.len(), 13));
        assert!(!f.fits(TAGS.len() + 1, 14));
    }

    #[test]
    fn odd_values_and_repeated_names() {
        let f = index(&[
            "i word  ",
            "i-1 tag+i word O  ",
            "i word a b",
            "i word a b",
            "i-1 tag+i word -START- x y",
            "i-1 tag+i word NOT-A-TAG x",
            "i-1 tag B-PER extra",
            "i tag+i-2 tag O",
            "i words x",
            "bias",
            "bias",
            "i word",
        ]);
        let s = |x: &str| f.string(x);
        // A space as the word (jiagu keeps whitespace as words).
        assert_eq!(f.on(s(" "), WORD), Some(0));
        assert_eq!(f.on(s(" "), PREV_TAG_WORD + 1), Some(1));
        // Values with spaces, and the first of two equal names.
        assert_eq!(f.on(s("a b"), WORD), Some(2));
        assert_eq!(f.on(s("x y"), PREV_TAG_WORD + 2), Some(4));
        assert_eq!(f.on(s("x"), PREV_TAG_WORD), None);
        assert_eq!(f.prev_tag(0), None);
        assert_eq!(f.bias(), Some(9));
        assert_eq!(s("words x"), None);
        assert_eq!(s(""), None);
    }
}
