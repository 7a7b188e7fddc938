//! Events: each arriving document joins an existing event or starts one, online, in any
//! language; related events are linked into storylines.
//!
//! [`Features::of`] reads what separates events off an article (event day, place, names,
//! figures) next to its multilingual embedding; [`Clusterer::assign`] finds candidate events
//! through an HNSW index ([`ann`]), scores them and says why ([`Assignment::why`]).
//! [`embedding_texts`] says what of an article the encoder should read. [`metrics`] scores a
//! clustering against gold labels (pairwise and BCubed). [`commit_order`] puts the documents
//! that arrive together in an order of their own, so that their arrival order does not matter.

pub mod ann;
mod clusterer;
pub mod dates;
mod features;
pub mod metrics;

pub use clusterer::{Assignment, Clusterer, Params, Ranking};
pub use features::Features;

use model::Article;
use sha2::{Digest, Sha256};

/// How much of each language segment the encoder reads, in Latin-script characters: the
/// title and lead say what the event is, and the rest costs encoder time.
pub const LEAD_FOR_EMBEDDING: usize = 600;

/// Han, kana and hangul characters each count as this many Latin ones towards the lead: a
/// Chinese text says in one character what English says in about three (NTREX translations:
/// 700 Chinese characters for 1,960 English), so translations give the encoder the same part
/// of the story.
const WIDE_CHAR_WEIGHT: usize = 3;

/// The opening of `text` worth [`LEAD_FOR_EMBEDDING`] Latin characters.
fn lead(text: &str) -> &str {
    let mut budget = LEAD_FOR_EMBEDDING;
    for (i, c) in text.char_indices() {
        let w = if is_wide(c) { WIDE_CHAR_WEIGHT } else { 1 };
        if w > budget {
            return &text[..i];
        }
        budget -= w;
    }
    text
}

fn is_wide(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7AF}' | '\u{F900}'..='\u{FAFF}')
}

/// The texts to embed for an article: the lead of each substantial language segment
/// (Traditional Chinese converted to Simplified first), the title before the first. Their
/// mean embedding is the article's vector.
pub fn embedding_texts(article: &Article) -> Vec<String> {
    let mut out = Vec::new();
    for (i, s) in embedded_segments(article).into_iter().enumerate() {
        let mut t = String::new();
        if i == 0 {
            if let Some(title) = &article.title {
                // Bounded like the lead: a page can make its title megabytes long.
                t.push_str(lead(title));
                t.push('\n');
            }
        }
        t.push_str(lead(&s.text));
        if s.lang == "zh-Hant" {
            t = lang::to_simplified(&t);
        }
        out.push(t);
    }
    if out.is_empty() {
        let mut t = lead(article.title.as_deref().unwrap_or_default()).to_string();
        t.push('\n');
        t.push_str(lead(&article.text()));
        out.push(t);
    }
    out
}

/// The language of each text [`embedding_texts`] gives (`und` for the fallback text).
pub fn embedding_langs(article: &Article) -> Vec<String> {
    let langs: Vec<String> = embedded_segments(article)
        .into_iter()
        .map(|s| s.lang.clone())
        .collect();
    if langs.is_empty() {
        vec!["und".into()]
    } else {
        langs
    }
}

/// Substantial segments (a quarter of the text or more), at most three.
fn embedded_segments(article: &Article) -> Vec<&model::Segment> {
    let total: usize = article.segments.iter().map(|s| s.text.len()).sum();
    let mut segs: Vec<&model::Segment> = article
        .segments
        .iter()
        .filter(|s| s.text.len() * 4 >= total && s.text.trim().chars().count() >= 20)
        .collect();
    if segs.is_empty() {
        segs = article
            .segments
            .iter()
            .max_by_key(|s| s.text.len())
            .into_iter()
            .collect();
    }
    segs.truncate(3);
    segs
}

/// The order in which documents that arrive together (one batch) should be assigned, as
/// indices into `docs` (document id and features): the documents that say most about their
/// event first — a dateline (day and place), then a day read off the lead, then a publication
/// date, then none; with a place before without — then by event day, then by a hash of the id. Events are
/// thus founded by their best-anchored reports, and documents that give no date or place join
/// them afterwards instead of founding events of their own; and the result of a batch does not
/// depend on the order its documents came in. Documents sharing an id keep their input order
/// (the first one is the one stored).
pub fn commit_order(docs: &[(&str, &Features)]) -> Vec<usize> {
    use std::collections::HashMap;
    let key = |f: &Features, id: &str| {
        let rank = match f.day_source {
            Some(dates::DaySource::Dateline) => 0u8,
            Some(dates::DaySource::Relative | dates::DaySource::Written) => 1,
            Some(dates::DaySource::Published) => 2,
            None => 3,
        };
        // A hash, not the id itself: ids often encode their source or story, and an order
        // keyed on them would carry that into the clustering.
        let h = Sha256::digest(id.as_bytes());
        (rank, f.place.is_none(), f.day, h)
    };
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, (id, _)) in docs.iter().enumerate() {
        first.entry(id).or_insert(i);
    }
    let mut order: Vec<usize> = (0..docs.len()).collect();
    // Stable: documents with one id share the key of its first occurrence.
    order.sort_by_cached_key(|&i| {
        let (id, _) = docs[i];
        let (_, f) = docs[first[id]];
        key(f, id)
    });
    order
}

/// The mean of unit vectors, made unit again.
pub fn mean_vector(vectors: &[Vec<f32>]) -> Vec<f32> {
    let Some(first) = vectors.first() else {
        return Vec::new();
    };
    let dim = first.len();
    let mut sum = vec![0.0f32; dim];
    for v in vectors.iter().filter(|v| v.len() == dim) {
        sum.iter_mut().zip(v).for_each(|(a, b)| *a += b);
    }
    let n = sum.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        sum.iter_mut().for_each(|x| *x /= n);
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A title of a million characters (an RTL override and one long word) must not reach the
    /// encoder whole: it made ingest run for minutes. Each embedded text stays within the lead
    /// budget of the title plus that of the segment.
    #[test]
    fn embedding_texts_bound_a_huge_title() {
        let body = "The city council approved the budget on Tuesday after a long debate.";
        let title = format!("\u{202E}{}", "t".repeat(1_000_000));
        let with_segment = Article {
            title: Some(title.clone()),
            paragraphs: vec![body.into()],
            segments: vec![model::Segment {
                lang: "en".into(),
                text: body.into(),
            }],
            ..Article::default()
        };
        let without_segment = Article {
            title: Some(title),
            paragraphs: vec![body.into()],
            ..Article::default()
        };
        for article in [with_segment, without_segment] {
            let texts = embedding_texts(&article);
            assert!(!texts.is_empty());
            for t in texts {
                assert!(
                    t.chars().count() <= 2 * LEAD_FOR_EMBEDDING + 1,
                    "{}",
                    t.len()
                );
                assert!(t.contains("city council"), "the body is still read");
            }
        }
    }
}
