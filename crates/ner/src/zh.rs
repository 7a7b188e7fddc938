//! jiagu's Chinese NER run natively: its dictionary segmenter (`jiagu.seg`) and its
//! averaged-perceptron tagger (`jiagu.ner`) over the words.
//!
//! Segmentation: the text is split into runs of Han characters, Latin letters, digits and
//! `+#&._%-`, and everything else (each other character is a word; whitespace is kept). A run
//! is cut along the most probable route through the DAG of dictionary words (jiagu.dict word
//! frequencies; an unknown single character counts 1), single ASCII letters or digits joined.
//! Tagging: left to right, each word scored on 14 features (its suffix, first character, the
//! two previous tags, the words around it, …), the highest score wins (ties: the label that
//! sorts last, as jiagu's `max` over `(score, label)`).

use std::ops::Range;
use std::path::Path;

use rustc_hash::FxHashMap;

use crate::features::{
    Features, NEXT2_WORD, NEXT_SUFFIX, NEXT_WORD, PREF1, PREV2_WORD, PREV_SUFFIX, PREV_TAG_WORD,
    PREV_WORD, SUFFIX, WORD,
};
use crate::pickle::read_perceptron;
use crate::strings::{PrefixFilter, Strings};
use crate::{bio_spans, NerError, Span, JIAGU_PACKAGE};

const NER_MODEL: &str = "jiagu-0.2.3/jiagu/model/ner.model";
const DICT: &str = "jiagu-0.2.3/jiagu/segment/dict/jiagu.dict";

/// The derived file of the parsed tables (in the asset cache's derived files).
const COMPACT: &str = "jiagu-ner.bin";
/// Compact files earlier versions kept next to the package, removed when the derived file is
/// written.
const OLD_COMPACT: &[&str] = &[
    ".storyline-jiagu-ner-v1.bin",
    ".storyline-jiagu-ner-v2.bin",
    ".storyline-jiagu-ner-v3.bin",
    ".storyline-jiagu-ner-v4.bin",
];
/// The compact file's first field; bump when [`ZhNer`]'s fields change.
const FORMAT: &str = "storyline-jiagu-ner-4";
/// The markers jiagu puts before and after a text's words (the start markers also stand for
/// the tags before the first word).
const START: [&str; 2] = ["-START-", "-START2-"];
const END: [&str; 2] = ["-END-", "-END2-"];

/// The Chinese tagger (Simplified Chinese). Build once (≈ 60 MB), share.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct ZhNer {
    /// The dictionary's words, and the frequency of each by number.
    vocab: Strings,
    freqs: Vec<u64>,
    max_word_len: usize,
    /// The dictionary words' proper prefixes (derived on load, not stored): segmentation stops
    /// growing a word that no dictionary word starts with.
    #[serde(skip)]
    prefixes: PrefixFilter,
    log_total: f64,
    /// The perceptron's labels, sorted by name.
    labels: Vec<String>,
    /// Its features, by what they are keyed on (see [`Features`]).
    features: Features,
    /// `features × labels.len()` weights: row `r` is feature number `r`.
    table: Vec<f64>,
}

impl std::fmt::Debug for ZhNer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZhNer")
            .field("vocab", &self.vocab.len())
            .field("features", &(self.table.len() / self.labels.len().max(1)))
            .field("labels", &self.labels)
            .finish()
    }
}

impl ZhNer {
    /// Fetch jiagu through the asset cache and load the model and dictionary.
    ///
    /// Parsing the pickle takes most of a second, so the first load also keeps the parsed
    /// tables as a derived file in the cache (`derived/jiagu-ner.bin`, stamped with the format
    /// and the package's digest) and later loads read that; a damaged copy falls back to the
    /// package files.
    pub fn from_cache(cache: &assets::Cache) -> Result<ZhNer, NerError> {
        let dir = cache.package_dir(&JIAGU_PACKAGE)?;
        let stamp = format!("{FORMAT} {}", JIAGU_PACKAGE.sha256);
        if let Some(z) = cache
            .read_derived(COMPACT, &stamp)
            .and_then(|b| ZhNer::from_compact(&b))
        {
            return Ok(z);
        }
        let z = ZhNer::from_dir(&dir)?;
        cache.write_derived(COMPACT, &stamp, &z.to_compact());
        for old in OLD_COMPACT {
            let _ = std::fs::remove_file(dir.join(old));
        }
        Ok(z)
    }

    /// Load from the unpacked `jiagu` package in `dir` (reads only).
    pub fn from_dir(dir: &Path) -> Result<ZhNer, NerError> {
        ZhNer::from_files(&dir.join(NER_MODEL), &dir.join(DICT))
    }

    /// The loaded tables as bytes (postcard): the format name, then the tagger.
    fn to_compact(&self) -> Vec<u8> {
        postcard::to_stdvec(&(FORMAT, self)).unwrap_or_default()
    }

    /// The tagger stored by [`ZhNer::to_compact`]; `None` when the bytes are of another format,
    /// damaged, or inconsistent (a weight table that does not match its features and labels).
    fn from_compact(bytes: &[u8]) -> Option<ZhNer> {
        let (format, mut z): (String, ZhNer) = postcard::from_bytes(bytes).ok()?;
        z.prefixes = z.vocab.prefix_filter();
        let k = z.labels.len();
        let consistent = k > 0
            && z.table.len() % k == 0
            && z.features.fits(k + START.len(), z.table.len() / k)
            && z.freqs.len() == z.vocab.len();
        (format == FORMAT && consistent).then_some(z)
    }

    /// Load from `ner.model` (gzipped pickle) and `jiagu.dict` (`word\tfreq` lines).
    pub fn from_files(model: &Path, dict: &Path) -> Result<ZhNer, NerError> {
        let weights = read_perceptron(model)?;
        let text = std::fs::read_to_string(dict).map_err(|e| NerError::format(dict, e))?;
        let mut vocab: FxHashMap<Box<str>, u64> =
            FxHashMap::with_capacity_and_hasher(310_000, Default::default());
        let (mut max_freq, mut total, mut max_len) = (0u64, 0u64, 0usize);
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let mut parts = line.split('\t');
            let word = parts.next().unwrap_or_default();
            let freq = match (parts.next(), parts.next()) {
                (None, _) => max_freq,
                (Some(f), None) => f.trim().parse::<u64>().map_err(|e| {
                    NerError::format(dict, format!("line {}: frequency {f:?}: {e}", n + 1))
                })?,
                // jiagu skips lines with more fields.
                (Some(_), Some(_)) => continue,
            };
            *vocab.entry(Box::<str>::from(word)).or_insert(0) += freq;
            total += freq;
            max_freq = max_freq.max(freq);
            max_len = max_len.max(word.chars().count());
        }
        if total == 0 || weights.labels.is_empty() {
            return Err(NerError::format(dict, "empty dictionary or model"));
        }
        let (words, freqs): (Vec<Box<str>>, Vec<u64>) = vocab.into_iter().unzip();
        let tags: Vec<&str> = weights
            .labels
            .iter()
            .map(String::as_str)
            .chain(START)
            .collect();
        let features = Features::new(weights.features.iter().map(String::as_str), &tags);
        let vocab = Strings::new(words);
        Ok(ZhNer {
            prefixes: vocab.prefix_filter(),
            vocab,
            freqs,
            max_word_len: max_len,
            log_total: (total as f64).ln(),
            labels: weights.labels,
            features,
            table: weights.table,
        })
    }

    /// The label names, indexed as [`ZhNer::tag_ids`] returns them.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// jiagu.seg: the words of `text` as byte ranges.
    pub fn segment(&self, text: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut block_start: Option<usize> = None;
        for (i, c) in text.char_indices() {
            if is_block_char(c) {
                block_start.get_or_insert(i);
                continue;
            }
            if let Some(s) = block_start.take() {
                self.cut_block(text, s..i, &mut out);
            }
            // Outside blocks: "\r\n" is one word, every other character one word.
            if c == '\n' && i > 0 && text[..i].ends_with('\r') {
                if let Some(last) = out.last_mut() {
                    if last.end == i && &text[last.clone()] == "\r" {
                        last.end = i + 1;
                        continue;
                    }
                }
            }
            out.push(i..i + c.len_utf8());
        }
        if let Some(s) = block_start {
            self.cut_block(text, s..text.len(), &mut out);
        }
        out
    }

    /// `cut_words` over one block: the best route, single ASCII alphanumerics joined.
    fn cut_block(&self, text: &str, block: Range<usize>, out: &mut Vec<Range<usize>>) {
        let s = &text[block.clone()];
        let bounds: Vec<usize> = s
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(s.len()))
            .collect();
        let n = bounds.len() - 1;
        // route[i] = (best log probability from i, end char of the first word)
        let mut route = vec![(0f64, 0usize); n + 1];
        for idx in (0..n).rev() {
            let limit = idx + self.max_word_len.min(n - idx);
            let mut best = (f64::NEG_INFINITY, idx);
            // x = idx (a single character) is always a candidate.
            for x in idx..limit.max(idx + 1) {
                let word = &s[bounds[idx]..bounds[x + 1]];
                let found = self.vocab.find(word).map(|i| self.freqs[i as usize]);
                let freq = if x == idx {
                    Some(found.unwrap_or(0))
                } else {
                    found
                };
                if let Some(freq) = freq {
                    let score = (freq.max(1) as f64).ln() - self.log_total + route[x + 1].0;
                    // Python's max over (score, x): ties go to the larger x.
                    if score > best.0 || (score == best.0 && x > best.1) {
                        best = (score, x);
                    }
                }
                // No longer dictionary word starts with this one: stop growing it.
                if !self.prefixes.may_extend(word) {
                    break;
                }
            }
            route[idx] = best;
        }
        let mut x = 0;
        let mut buf: Option<Range<usize>> = None;
        while x < n {
            let y = route[x].1 + 1;
            let range = block.start + bounds[x]..block.start + bounds[y];
            let single_ascii =
                y == x + 1 && s[bounds[x]..].starts_with(|c: char| c.is_ascii_alphanumeric());
            if single_ascii {
                match buf.as_mut() {
                    Some(b) => b.end = range.end,
                    None => buf = Some(range),
                }
            } else {
                out.extend(buf.take());
                out.push(range);
            }
            x = y;
        }
        out.extend(buf);
    }

    /// jiagu.ner: one label index per word.
    pub fn tag_ids<S: AsRef<str>>(&self, words: &[S]) -> Vec<usize> {
        let n = words.len();
        let k = self.labels.len();
        let f = &self.features;
        // Each string a word is scored on is looked up once: the words, their suffixes (the
        // last three characters, the word itself when shorter) and the markers around the text.
        let word: Vec<Option<u32>> = words.iter().map(|w| f.string(w.as_ref())).collect();
        let suffix: Vec<Option<u32>> = words
            .iter()
            .zip(&word)
            .map(|(w, &at)| {
                let w = w.as_ref();
                let s = suffix3(w);
                if s.len() == w.len() {
                    at
                } else {
                    f.string(s)
                }
            })
            .collect();
        let marker = |m: &str| (f.string(m), f.string(suffix3(m)));
        let (start, end) = (START.map(marker), END.map(marker));
        // (word, suffix) at position j, the markers outside the text.
        let context = |j: isize| -> (Option<u32>, Option<u32>) {
            match j {
                -2 => start[0],
                -1 => start[1],
                j if (j as usize) < n => (word[j as usize], suffix[j as usize]),
                j if j as usize == n => end[0],
                _ => end[1],
            }
        };
        // Tags by number: the labels, then the two start markers (k, k + 1).
        let mut labels = Vec::with_capacity(n);
        let (mut prev, mut prev2) = (k, k + 1);
        let mut scores = vec![0f64; k];
        for (i, w) in words.iter().enumerate() {
            let w = w.as_ref();
            let j = i as isize;
            let first = match w.chars().next() {
                Some(c) if c.len_utf8() < w.len() => f.string(&w[..c.len_utf8()]),
                _ => word[i],
            };
            // jiagu's features, in its order (the sums must add in the same order).
            let rows = [
                f.bias(),
                f.on(suffix[i], SUFFIX),
                f.on(first, PREF1),
                f.prev_tag(prev),
                f.prev2_tag(prev2),
                f.tag_pair(prev, prev2),
                f.on(word[i], WORD),
                f.on(word[i], PREV_TAG_WORD + prev),
                f.on(context(j - 1).0, PREV_WORD),
                f.on(context(j - 1).1, PREV_SUFFIX),
                f.on(context(j - 2).0, PREV2_WORD),
                f.on(context(j + 1).0, NEXT_WORD),
                f.on(context(j + 1).1, NEXT_SUFFIX),
                f.on(context(j + 2).0, NEXT2_WORD),
            ];
            scores.iter_mut().for_each(|s| *s = 0.0);
            for row in rows.into_iter().flatten() {
                let Some(row) = self.table.get(row as usize * k..(row as usize + 1) * k) else {
                    continue;
                };
                for (s, w) in scores.iter_mut().zip(row) {
                    *s += w;
                }
            }
            let best = best_label(&scores);
            labels.push(best);
            prev2 = prev;
            prev = best;
        }
        labels
    }

    /// jiagu.ner: one label per word.
    pub fn tags<S: AsRef<str>>(&self, words: &[S]) -> Vec<&str> {
        self.tag_ids(words)
            .into_iter()
            .map(|t| self.labels[t].as_str())
            .collect()
    }

    /// Entity spans of a Simplified Chinese text: jiagu.seg words, jiagu.ner labels, BIO spans.
    pub fn spans(&self, text: &str) -> Vec<Span> {
        let words = self.segment(text);
        let strs: Vec<&str> = words.iter().map(|r| &text[r.clone()]).collect();
        let tags = self.tags(&strs);
        bio_spans(words.into_iter().zip(tags))
    }
}

/// Python's `word[-3:]`.
fn suffix3(w: &str) -> &str {
    match w.char_indices().rev().nth(2) {
        Some((i, _)) => &w[i..],
        None => w,
    }
}

/// jiagu's `re_han` class: `[\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]`.
fn is_block_char(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FD5}' | 'a'..='z' | 'A'..='Z' | '0'..='9' | '+' | '#' | '&' | '.' | '_' | '%' | '-')
}

/// The label with the highest score; the last of equal ones, as jiagu's perceptron picks it.
fn best_label(scores: &[f64]) -> usize {
    let mut best = 0;
    for c in 1..scores.len() {
        if scores[c] >= scores[best] {
            best = c;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffix_is_the_last_three_characters() {
        assert_eq!(suffix3("-START2-"), "T2-");
        assert_eq!(suffix3("川奈"), "川奈");
        assert_eq!(suffix3("莫斯科大学"), "科大学");
    }

    /// Feature names of every template, over a few words (and some that match nothing).
    const NAMES: &[&str] = &[
        "bias",
        "i suffix 普京",
        "i suffix 近平",
        "i pref1 习",
        "i pref1 普",
        "i-1 tag O",
        "i-1 tag -START2-",
        "i-2 tag B-PER",
        "i-2 tag -START-",
        "i tag+i-2 tag O B-PER",
        "i tag+i-2 tag -START2- -START-",
        "i word 普京",
        "i word 说",
        "i word  ",
        "i-1 tag+i word B-PER 近平",
        "i-1 tag+i word -START2- 习近平",
        "i-1 tag+i word O  ",
        "i-1 word -START2-",
        "i-1 word 习近平",
        "i-1 suffix T2-",
        "i-1 suffix 近平",
        "i-2 word 普京",
        "i-2 word -START-",
        "i+1 word 说",
        "i+1 word -END-",
        "i+1 suffix 说",
        "i+1 suffix ND-",
        "i+2 word -END2-",
        "i+2 word 习近平",
        "i word 不在",
    ];

    fn tiny() -> ZhNer {
        let labels: Vec<String> = vec!["B-PER".into(), "O".into()];
        let tags: Vec<&str> = labels.iter().map(String::as_str).chain(START).collect();
        // Weights that differ per feature and label (a fixed pseudo-random sequence).
        let mut x = 12345u64;
        let table = (0..NAMES.len() * labels.len())
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((x >> 33) % 2001) as f64 / 1000.0 - 1.0
            })
            .collect();
        let vocab = Strings::new(["普京"]);
        ZhNer {
            prefixes: vocab.prefix_filter(),
            vocab,
            freqs: vec![7],
            max_word_len: 2,
            log_total: 1.5,
            features: Features::new(NAMES.iter().copied(), &tags),
            labels,
            table,
        }
    }

    /// jiagu's tagger as it reads: each feature looked up by its full name.
    fn tag_by_names(z: &ZhNer, words: &[&str]) -> Vec<usize> {
        let rows: std::collections::HashMap<&str, usize> =
            NAMES.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let k = z.labels.len();
        let mut context: Vec<&str> = START.to_vec();
        context.extend(words);
        context.extend(END);
        let name = |t: usize| {
            if t < k {
                z.labels[t].as_str()
            } else {
                START[t - k]
            }
        };
        let (mut prev, mut prev2) = (k, k + 1);
        let mut out = Vec::new();
        for (i, w) in words.iter().enumerate() {
            let c = i + 2;
            let first: String = w.chars().take(1).collect();
            let names = [
                "bias".to_string(),
                format!("i suffix {}", suffix3(w)),
                format!("i pref1 {first}"),
                format!("i-1 tag {}", name(prev)),
                format!("i-2 tag {}", name(prev2)),
                format!("i tag+i-2 tag {} {}", name(prev), name(prev2)),
                format!("i word {w}"),
                format!("i-1 tag+i word {} {w}", name(prev)),
                format!("i-1 word {}", context[c - 1]),
                format!("i-1 suffix {}", suffix3(context[c - 1])),
                format!("i-2 word {}", context[c - 2]),
                format!("i+1 word {}", context[c + 1]),
                format!("i+1 suffix {}", suffix3(context[c + 1])),
                format!("i+2 word {}", context[c + 2]),
            ];
            let mut scores = vec![0f64; k];
            for n in &names {
                if let Some(&r) = rows.get(n.as_str()) {
                    for (s, w) in scores.iter_mut().zip(&z.table[r * k..(r + 1) * k]) {
                        *s += w;
                    }
                }
            }
            let best = best_label(&scores);
            out.push(best);
            prev2 = prev;
            prev = best;
        }
        out
    }

    #[test]
    fn tags_equal_looking_each_feature_up_by_name() {
        let z = tiny();
        let texts: &[&[&str]] = &[
            &["习近平", "说", "普京"],
            &["普京"],
            &[" ", "普京", " ", "说"],
            &["习近平", "习近平", "习近平", "不在", "说", "说"],
            &["习", "近平", "普", "京"],
            &[""],
            &[],
        ];
        for words in texts {
            assert_eq!(z.tag_ids(words), tag_by_names(&z, words), "{words:?}");
        }
        // The table is not degenerate: both labels come out.
        let all: Vec<usize> = texts.iter().flat_map(|w| z.tag_ids(w)).collect();
        assert!(all.contains(&0) && all.contains(&1));
    }

    #[test]
    fn the_compact_file_reads_back_what_was_written() {
        let z = tiny();
        let back = ZhNer::from_compact(&z.to_compact()).expect("reads back");
        assert_eq!(back.labels, z.labels);
        assert_eq!(back.features, z.features);
        assert_eq!(back.table, z.table);
        assert_eq!(back.vocab, z.vocab);
        assert_eq!(back.freqs, z.freqs);
        assert_eq!(
            (back.max_word_len, back.log_total),
            (z.max_word_len, z.log_total)
        );
    }

    #[test]
    fn a_damaged_or_inconsistent_compact_file_is_refused() {
        let bytes = tiny().to_compact();
        assert!(ZhNer::from_compact(&bytes[..bytes.len() - 3]).is_none());
        assert!(ZhNer::from_compact(b"not a model").is_none());
        let mut z = tiny();
        z.table.truncate(z.table.len() - 2);
        assert!(ZhNer::from_compact(&z.to_compact()).is_none());
        let mut z = tiny();
        z.table.pop();
        assert!(ZhNer::from_compact(&z.to_compact()).is_none());
        let mut z = tiny();
        z.freqs.clear();
        assert!(ZhNer::from_compact(&z.to_compact()).is_none());
        let mut z = tiny();
        z.labels.pop();
        assert!(ZhNer::from_compact(&z.to_compact()).is_none());
    }
}
