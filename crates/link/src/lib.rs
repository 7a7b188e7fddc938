//! Links between documents: near duplicates, syndicated passages (the same agency copy
//! reprinted by several outlets, with edits) and translations (the same article in another
//! language, between documents or between the language segments of one bilingual page).
//!
//! A [`Fingerprint`] keeps, per sentence of the normalised view (Traditional→Simplified,
//! NFKC, lowercase, punctuation dropped), an exact hash and a 4-value MinHash of its word
//! 3-shingles (character 3-grams for Chinese), so that lightly edited sentences still match.
//! [`compare`] sets a new document against candidates (documents of the events it is near):
//! shared passages are runs of matching sentences; a near duplicate shares nearly all of them;
//! a translation is another language with a close embedding, agreeing figures and (when the
//! embedding is only fairly close) the same number of sentences: human and machine translations
//! keep the sentence structure, while two outlets' reports of one event rarely do.

use lang::is_han;
use std::collections::{BTreeSet, HashMap};

use model::Article;

/// MinHash values per sentence.
const MINS: usize = 16;
/// Sentences shorter than this many tokens are not matched (datelines, captions).
const MIN_TOKENS: usize = 6;
/// Share of sentences (of the smaller document) that makes a near duplicate.
const NEAR_DUPLICATE: f32 = 0.9;
/// Embedding similarity above which documents in different languages may be translations.
pub const TRANSLATION_SIM: f32 = 0.72;
/// A lower similarity that still makes a translation when the sentence counts agree closely
/// (the multilingual encoder puts English–Chinese and Chinese–Russian translations of one news
/// article at 0.6–0.8, while its near misses are reports of one event with different lengths).
const TRANSLATION_SIM_SAME_SHAPE: f32 = 0.6;
/// Sentence-count ratio (smaller / larger) a translation must keep.
const TRANSLATION_SHAPE: f32 = 0.4;
/// The closer sentence-count ratio that [`TRANSLATION_SIM_SAME_SHAPE`] asks for.
const TRANSLATION_SAME_SHAPE: f32 = 0.7;
/// Below this many sentences a count says little about the shape.
const SHAPE_MIN_SENTENCES: usize = 3;

/// One sentence of a fingerprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentenceMark {
    pub exact: u64,
    pub mins: [u32; MINS],
}

/// What the linker keeps of a document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fingerprint {
    /// Main language.
    pub lang: String,
    pub sentences: Vec<SentenceMark>,
    /// Figures written in the text (for translation checks).
    pub numbers: Vec<String>,
}

/// A document's fingerprint with the original sentence texts (for reporting passages).
#[derive(Debug, Clone, Default)]
pub struct Analysed {
    pub fingerprint: Fingerprint,
    pub texts: Vec<String>,
}

fn fnv(bytes: &[u8], seed: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h ^ (h >> 29)
}

/// Tokens of a normalised sentence: words, with each Chinese character a token.
fn tokens(norm: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut w = String::new();
    for c in norm.chars() {
        if is_han(c) {
            if !w.is_empty() {
                out.push(std::mem::take(&mut w));
            }
            out.push(c.to_string());
        } else if c.is_alphanumeric() {
            w.push(c);
        } else if !w.is_empty() {
            out.push(std::mem::take(&mut w));
        }
    }
    if !w.is_empty() {
        out.push(w);
    }
    out
}

fn mark(tokens: &[String]) -> SentenceMark {
    let joined = tokens.join(" ");
    let exact = fnv(joined.as_bytes(), 0);
    let mut mins = [u32::MAX; MINS];
    let k = 3.min(tokens.len()).max(1);
    for sh in tokens.windows(k) {
        let s = sh.join(" ");
        for (i, m) in mins.iter_mut().enumerate() {
            let h = (fnv(s.as_bytes(), i as u64 + 1) >> 16) as u32;
            *m = (*m).min(h);
        }
    }
    SentenceMark { exact, mins }
}

/// Sentences and figures of an article.
pub fn analyse(article: &Article) -> Analysed {
    let mut fp = Fingerprint {
        lang: article
            .segments
            .iter()
            .max_by_key(|s| s.text.len())
            .map(|s| s.lang.clone())
            .unwrap_or_else(|| "und".into()),
        ..Fingerprint::default()
    };
    let mut texts = Vec::new();
    let mut numbers = BTreeSet::new();
    for seg in &article.segments {
        for para in seg.text.split("\n\n") {
            for s in lang::sentences(para, &seg.lang) {
                let norm = lang::normalize(s);
                let toks = tokens(&norm);
                for t in &toks {
                    if t.len() >= 2 && t.chars().all(|c| c.is_ascii_digit()) {
                        numbers.insert(t.clone());
                    }
                }
                if toks.len() < MIN_TOKENS {
                    continue;
                }
                fp.sentences.push(mark(&toks));
                texts.push(s.trim().to_string());
            }
        }
    }
    fp.numbers = numbers.into_iter().collect();
    Analysed {
        fingerprint: fp,
        texts,
    }
}

/// Equal MinHash values that make two sentences the same passage (of [`MINS`]).
const MIN_MATCHES: usize = 9;

fn matches(a: &SentenceMark, b: &SentenceMark) -> bool {
    a.exact == b.exact || a.mins.iter().zip(&b.mins).filter(|(x, y)| x == y).count() >= MIN_MATCHES
}

/// Values per band of [`SentenceIndex`]: with [`MINS`] values in bands of this size, two
/// marks that agree on [`MIN_MATCHES`] values agree on a whole band (if no band agreed
/// whole, at most one value per band would agree).
const BAND: usize = 2;
const _: () = assert!(MINS / BAND < MIN_MATCHES && MINS.is_multiple_of(BAND));

/// A document's sentence marks indexed by exact hash and by band of MinHash values, so that
/// whether a sentence [`matches`] one of them is found by looking at the marks that share a
/// key with it, not at all of them: comparing two long documents costs about their length,
/// not the product of their lengths. It finds every match (see [`BAND`]) as long as no key is
/// shared by more than [`MAX_PER_KEY`] marks.
struct SentenceIndex<'a> {
    marks: &'a [SentenceMark],
    /// (band number, or `MINS` for the exact hash; the key's hash) → marks.
    keys: HashMap<(usize, u64), Vec<u32>>,
}

impl<'a> SentenceIndex<'a> {
    fn new(marks: &'a [SentenceMark]) -> Self {
        let mut keys: HashMap<(usize, u64), Vec<u32>> = HashMap::new();
        for (i, m) in marks.iter().enumerate() {
            for key in Self::keys_of(m) {
                let list = keys.entry(key).or_default();
                // A document repeating a sentence: one entry does.
                if list.len() < MAX_PER_KEY {
                    list.push(i as u32);
                }
            }
        }
        SentenceIndex { marks, keys }
    }

    fn keys_of(m: &SentenceMark) -> impl Iterator<Item = (usize, u64)> + '_ {
        let bands = m.mins.chunks(BAND).enumerate().map(|(b, band)| {
            let bytes: Vec<u8> = band.iter().flat_map(|v| v.to_le_bytes()).collect();
            (b, fnv(&bytes, 0))
        });
        std::iter::once((MINS, m.exact)).chain(bands)
    }

    /// Whether `m` matches one of the indexed marks.
    fn has_match(&self, m: &SentenceMark) -> bool {
        Self::keys_of(m).any(|key| {
            self.keys
                .get(&key)
                .is_some_and(|list| list.iter().any(|&i| matches(m, &self.marks[i as usize])))
        })
    }
}

/// Most marks kept under one key of a [`SentenceIndex`]: more are copies of one sentence,
/// where one answers as well as all (or a document made to collide, which must not make a
/// comparison quadratic).
const MAX_PER_KEY: usize = 256;

/// A stored document the new one is compared with.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: String,
    pub fingerprint: Fingerprint,
    pub vector: Vec<f32>,
    /// Its own `translation_of`, so that translations point at the original.
    pub translation_of: Option<String>,
    /// The event it is in.
    pub event: Option<String>,
}

/// Text of the new document shared with another one.
#[derive(Debug, Clone, PartialEq)]
pub struct Passage {
    pub other: String,
    pub text: String,
}

/// What [`compare`] found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Links {
    pub near_duplicate_of: Option<String>,
    pub translation_of: Option<String>,
    /// The event of the document this one copies or translates: the same article, so the
    /// same event, whatever the clustering signals say.
    pub same_article_event: Option<String>,
    pub passages: Vec<Passage>,
    /// Human-readable notes for the document's "why".
    pub notes: Vec<String>,
}

/// Compare a new document with candidates (oldest first).
pub fn compare(new: &Analysed, vector: &[f32], candidates: &[Candidate]) -> Links {
    let mut links = Links::default();
    let fp = &new.fingerprint;
    // The closest candidate in another language that passes as a translation.
    let mut translation: Option<(&Candidate, f32, Option<f32>)> = None;
    for c in candidates {
        let index = SentenceIndex::new(&c.fingerprint.sentences);
        let hit: Vec<bool> = fp.sentences.iter().map(|s| index.has_match(s)).collect();
        let shared = hit.iter().filter(|h| **h).count();
        if shared > 0 {
            let smaller = fp.sentences.len().min(c.fingerprint.sentences.len()).max(1);
            let share = shared as f32 / smaller as f32;
            if share >= NEAR_DUPLICATE
                && links.near_duplicate_of.is_none()
                && fp.sentences.len().max(c.fingerprint.sentences.len()) as f32
                    <= smaller as f32 * 1.25
            {
                links.near_duplicate_of = Some(c.id.clone());
                links.same_article_event = c.event.clone();
                links.notes.push(format!(
                    "near duplicate of {} ({shared} of {smaller} sentences)",
                    c.id
                ));
            } else {
                links.notes.push(format!(
                    "shares {shared} sentence{} with {}",
                    if shared == 1 { "" } else { "s" },
                    c.id
                ));
            }
            // Runs of consecutive matching sentences form one passage.
            let mut run: Vec<&str> = Vec::new();
            for (i, h) in hit.iter().enumerate() {
                if *h {
                    run.push(&new.texts[i]);
                }
                if (!*h || i + 1 == hit.len()) && !run.is_empty() {
                    links.passages.push(Passage {
                        other: c.id.clone(),
                        text: run.join(" "),
                    });
                    run.clear();
                }
            }
        }
        if c.fingerprint.lang != fp.lang {
            let sim = dot(vector, &c.vector);
            let nums = number_agreement(&fp.numbers, &c.fingerprint.numbers);
            if is_translation(fp, &c.fingerprint, sim, nums)
                && translation.as_ref().is_none_or(|(_, best, _)| sim > *best)
            {
                translation = Some((c, sim, nums));
            }
        }
    }
    if let Some((c, sim, nums)) = translation {
        let original = c.translation_of.clone().unwrap_or_else(|| c.id.clone());
        links.notes.push(format!(
            "translation of {original} ({} → {}, similarity {sim:.2}{})",
            c.fingerprint.lang,
            fp.lang,
            nums.map(|n| format!(", figures agree {:.0}%", n * 100.0))
                .unwrap_or_default()
        ));
        links.translation_of = Some(original);
        // A near duplicate's event, found above, comes first.
        if links.same_article_event.is_none() {
            links.same_article_event = c.event.clone();
        }
    }
    links
}

/// Whether two documents in different languages, at embedding similarity `sim` and with the
/// given share of agreeing figures, are one article translated.
fn is_translation(a: &Fingerprint, b: &Fingerprint, sim: f32, figures: Option<f32>) -> bool {
    if figures.is_some_and(|n| n < 0.5) {
        return false;
    }
    let (x, y) = (a.sentences.len(), b.sentences.len());
    let shape = x.min(y) as f32 / x.max(y).max(1) as f32;
    (sim >= TRANSLATION_SIM && shape >= TRANSLATION_SHAPE)
        || (sim >= TRANSLATION_SIM_SAME_SHAPE
            && shape >= TRANSLATION_SAME_SHAPE
            && x.min(y) >= SHAPE_MIN_SENTENCES)
}

/// Share of the figures of the smaller set found in the other (None when either has none).
fn number_agreement(a: &[String], b: &[String]) -> Option<f32> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let (small, big) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let found = small
        .iter()
        .filter(|n| big.binary_search(n).is_ok())
        .count();
    Some(found as f32 / small.len() as f32)
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    if a.len() != b.len() {
        return 0.0;
    }
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Whether the language segments of one page translate each other: pairs of segment indices
/// in different languages whose embeddings (of the segment leads) are close.
pub fn inner_translations(langs: &[String], vectors: &[Vec<f32>]) -> Vec<(usize, usize, f32)> {
    let mut out = Vec::new();
    for i in 0..vectors.len() {
        for j in i + 1..vectors.len() {
            if langs.get(i) != langs.get(j) {
                let s = dot(&vectors[i], &vectors[j]);
                if s >= TRANSLATION_SIM {
                    out.push((i, j, s));
                }
            }
        }
    }
    out
}

impl Fingerprint {
    /// Compact bytes for the store: lang, sentence marks, figures.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let put_str = |out: &mut Vec<u8>, s: &str| {
            out.extend((s.len() as u32).to_le_bytes());
            out.extend(s.as_bytes());
        };
        out.push(1u8);
        put_str(&mut out, &self.lang);
        out.extend((self.sentences.len() as u32).to_le_bytes());
        for s in &self.sentences {
            out.extend(s.exact.to_le_bytes());
            for m in s.mins {
                out.extend(m.to_le_bytes());
            }
        }
        out.extend((self.numbers.len() as u32).to_le_bytes());
        for n in &self.numbers {
            put_str(&mut out, n);
        }
        out
    }

    /// Read [`Fingerprint::to_bytes`]; `None` when the bytes are not a fingerprint.
    pub fn from_bytes(b: &[u8]) -> Option<Fingerprint> {
        let mut r = Reader { b, at: 0 };
        if r.take(1)? != [1u8] {
            return None;
        }
        let lang = r.string()?;
        let n = r.u32()? as usize;
        let mut sentences = Vec::with_capacity(n.min(4096));
        for _ in 0..n {
            let exact = u64::from_le_bytes(r.take(8)?.try_into().ok()?);
            let mut mins = [0u32; MINS];
            for m in &mut mins {
                *m = r.u32()?;
            }
            sentences.push(SentenceMark { exact, mins });
        }
        let k = r.u32()? as usize;
        let mut numbers = Vec::with_capacity(k.min(4096));
        for _ in 0..k {
            numbers.push(r.string()?);
        }
        Some(Fingerprint {
            lang,
            sentences,
            numbers,
        })
    }
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn string(&mut self) -> Option<String> {
        let n = self.u32()? as usize;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::Segment;

    fn art(id: &str, lang: &str, text: &str) -> Article {
        Article {
            id: id.into(),
            paragraphs: vec![text.into()],
            segments: vec![Segment {
                lang: lang.into(),
                text: text.into(),
            }],
            ..Article::default()
        }
    }

    #[test]
    fn edited_reprints_share_passages_and_link_is_symmetric() {
        let a = analyse(&art("a", "en", "Chinese President Xi Jinping held talks with Russian President Vladimir Putin in Beijing on Thursday, Xinhua reports. The weather was fine in the afternoon for everyone. Trade reached a record $240.1 billion last year, officials said."));
        let b = analyse(&art("b", "en", "Chinese President Xi Jinping held talks with Russian President Vladimir Putin in Beijing on Thursday, Xinhue reports. Something else entirely happened in another city today."));
        let cand = |id: &str, x: &Analysed| Candidate {
            id: id.into(),
            fingerprint: x.fingerprint.clone(),
            vector: Vec::new(),
            translation_of: None,
            event: None,
        };
        let ab = compare(&a, &[], &[cand("b", &b)]);
        let ba = compare(&b, &[], &[cand("a", &a)]);
        assert_eq!(ab.passages.len(), 1, "{ab:?}");
        assert_eq!(ba.passages.len(), 1, "{ba:?}");
        assert!(ab.near_duplicate_of.is_none());
        let bytes = a.fingerprint.to_bytes();
        assert_eq!(Fingerprint::from_bytes(&bytes), Some(a.fingerprint.clone()));
        assert_eq!(Fingerprint::from_bytes(&bytes[..bytes.len() - 1]), None);
    }

    #[test]
    fn the_sentence_index_finds_exactly_the_matches_of_a_full_comparison() {
        // Marks that agree with a base mark on k of the MINS values, spread over the bands in
        // every rotation, and on the exact hash or not: the index must answer as comparing
        // with every mark does, at the MIN_MATCHES boundary too.
        let base = SentenceMark {
            exact: 7,
            mins: std::array::from_fn(|i| i as u32),
        };
        let mut others = Vec::new();
        for k in 0..=MINS {
            for rot in 0..MINS {
                for exact in [7, 8 + (k * MINS + rot) as u64] {
                    let mut mins = [0u32; MINS];
                    for (i, m) in mins.iter_mut().enumerate() {
                        // Positions rot, rot+2, rot+4, … agree first (one per band), then
                        // the rest.
                        let order = (i + MINS - rot) % MINS;
                        let rank = if order.is_multiple_of(2) {
                            order / 2
                        } else {
                            MINS / 2 + order / 2
                        };
                        *m = if rank < k {
                            i as u32
                        } else {
                            1000 + (k * 100 + i) as u32
                        };
                    }
                    others.push(SentenceMark { exact, mins });
                }
            }
        }
        for m in &others {
            let index = SentenceIndex::new(std::slice::from_ref(m));
            assert_eq!(index.has_match(&base), matches(&base, m), "{m:?}");
        }
        let index = SentenceIndex::new(&others);
        assert!(index.has_match(&base));
        let apart = SentenceMark {
            exact: 1,
            mins: [5000; MINS],
        };
        assert!(!index.has_match(&apart));
    }

    /// A fingerprint of `n` sentences in `lang` that match no other fingerprint's (`salt`
    /// keeps them apart), with the given figures.
    fn shape(lang: &str, n: usize, salt: u32, numbers: &[&str]) -> Fingerprint {
        Fingerprint {
            lang: lang.into(),
            sentences: (0..n as u32)
                .map(|i| SentenceMark {
                    exact: u64::from(salt * 1000 + i),
                    mins: [salt * 1000 + i; MINS],
                })
                .collect(),
            numbers: numbers.iter().map(|n| n.to_string()).collect(),
        }
    }

    /// A unit vector at cosine `sim` to `[1, 0]`.
    fn at(sim: f32) -> Vec<f32> {
        vec![sim, (1.0 - sim * sim).sqrt()]
    }

    fn candidate(id: &str, event: &str, fingerprint: Fingerprint, sim: f32) -> Candidate {
        Candidate {
            id: id.into(),
            fingerprint,
            vector: at(sim),
            translation_of: None,
            event: Some(event.into()),
        }
    }

    fn new_doc(fingerprint: Fingerprint) -> Analysed {
        let texts = vec![String::new(); fingerprint.sentences.len()];
        Analysed { fingerprint, texts }
    }

    #[test]
    fn a_fairly_close_document_of_the_same_shape_is_a_translation_and_gives_its_event() {
        let new = new_doc(shape("zh-Hans", 8, 1, &["2018", "384"]));
        let found = compare(
            &new,
            &[1.0, 0.0],
            &[candidate("en-1", "ev-a", shape("en", 9, 2, &["384"]), 0.63)],
        );
        assert_eq!(found.translation_of.as_deref(), Some("en-1"), "{found:?}");
        assert_eq!(found.same_article_event.as_deref(), Some("ev-a"));
    }

    #[test]
    fn a_report_of_another_length_or_with_other_figures_is_not_a_translation() {
        let new = new_doc(shape("ru", 8, 1, &["2018", "384"]));
        // Fairly close, but half as many sentences: another outlet's report.
        let other_length = candidate("en-1", "ev-a", shape("en", 4, 2, &[]), 0.68);
        // Close enough for any shape, but its figures disagree.
        let other_figures = candidate("en-2", "ev-b", shape("en", 8, 3, &["1200", "77"]), 0.8);
        // Too few sentences for the shape to say anything.
        let short = new_doc(shape("ru", 2, 4, &[]));
        let short_candidate = candidate("en-3", "ev-c", shape("en", 2, 5, &[]), 0.65);
        for (doc, c) in [
            (&new, other_length),
            (&new, other_figures),
            (&short, short_candidate),
        ] {
            let found = compare(doc, &[1.0, 0.0], std::slice::from_ref(&c));
            assert_eq!(found.translation_of, None, "{} → {found:?}", c.id);
            assert_eq!(found.same_article_event, None);
        }
    }

    #[test]
    fn the_closest_of_several_translations_is_taken_and_points_at_the_original() {
        let new = new_doc(shape("ru", 6, 1, &[]));
        let mut zh = candidate("zh-1", "ev-a", shape("zh-Hans", 6, 2, &[]), 0.66);
        zh.translation_of = Some("en-1".into());
        let de = candidate("de-1", "ev-b", shape("de", 6, 3, &[]), 0.75);
        let found = compare(&new, &[1.0, 0.0], &[zh.clone(), de]);
        assert_eq!(found.translation_of.as_deref(), Some("de-1"));
        assert_eq!(found.same_article_event.as_deref(), Some("ev-b"));
        let found = compare(&new, &[1.0, 0.0], &[zh]);
        assert_eq!(found.translation_of.as_deref(), Some("en-1"));
        assert_eq!(found.same_article_event.as_deref(), Some("ev-a"));
    }
}
