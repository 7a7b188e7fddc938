//! Splitting a document into language segments: runs of paragraphs in one language.
//!
//! Each paragraph is identified on its own; paragraphs with little evidence (headings, captions,
//! page furniture, mixed-script title lines) do not start a segment but join the one before them
//! (or, at the top of the page, the one after). Chinese paragraphs whose characters read the same
//! in both scripts take the script of the Chinese around them. A bilingual page therefore comes
//! out as two segments, not as a patchwork.

use model::Segment;

use crate::chinese::{Converters, HanEvidence, HanScript};
use crate::detect::{analyse, Detection, STRONG_WEIGHT};

/// Split clean paragraphs into runs of one language each. Blank paragraphs are skipped.
pub fn segment(paragraphs: &[String], converters: &Converters) -> Vec<Segment> {
    let kept: Vec<&str> = paragraphs
        .iter()
        .map(String::as_str)
        .filter(|p| !p.trim().is_empty())
        .collect();
    let found: Vec<Detection> = kept.iter().map(|p| analyse(p, converters)).collect();
    let mut labels = labels(&found, &kept, converters);
    merge_light_runs(&mut labels, &found);
    let mut out: Vec<Segment> = Vec::new();
    for (p, lang) in kept.iter().zip(labels) {
        match out.last_mut() {
            Some(last) if last.lang == lang => {
                last.text.push_str("\n\n");
                last.text.push_str(p);
            }
            _ => out.push(Segment {
                lang,
                text: (*p).to_string(),
            }),
        }
    }
    out
}

fn is_strong(d: &Detection) -> bool {
    d.weight >= STRONG_WEIGHT && !d.mixed && d.lang != "und"
}

fn is_zh(lang: &str) -> bool {
    lang == "zh-Hans" || lang == "zh-Hant"
}

/// One label per paragraph.
fn labels(found: &[Detection], paragraphs: &[&str], converters: &Converters) -> Vec<String> {
    if found.is_empty() {
        return Vec::new();
    }
    if !found.iter().any(is_strong) {
        // Nothing stands on its own: judge the page as a whole.
        let whole = paragraphs.join("\n\n");
        let lang = analyse(&whole, converters).lang;
        return vec![lang; found.len()];
    }
    // Strong paragraphs keep their language; Chinese ones whose script is undecided get it from
    // the nearest decided Chinese paragraph, else from all Chinese paragraphs together.
    let all_han = found
        .iter()
        .filter(|d| is_zh(&d.lang))
        .fold(HanEvidence::default(), |a, d| a.plus(d.han));
    let page_zh = match all_han.script() {
        HanScript::Traditional => "zh-Hant",
        _ => "zh-Hans",
    };
    let decided_zh = |i: usize| -> Option<&str> {
        let d = &found[i];
        (is_strong(d) && is_zh(&d.lang) && !d.han_either).then_some(d.lang.as_str())
    };
    let mut strong: Vec<Option<String>> = vec![None; found.len()];
    for (i, d) in found.iter().enumerate() {
        if !is_strong(d) {
            continue;
        }
        let lang = if is_zh(&d.lang) && d.han_either {
            let before = (0..i).rev().find_map(decided_zh);
            let after = (i + 1..found.len()).find_map(decided_zh);
            before.or(after).unwrap_or(page_zh).to_string()
        } else {
            d.lang.clone()
        };
        strong[i] = Some(lang);
    }
    // Weak paragraphs join the segment before them; leading ones the first segment. A switch
    // between two languages of one script (en → fr) needs a long paragraph: short ones are more
    // often misread than really in another language.
    // The page starts in the language of its first long paragraph; without one, in the
    // language with the most weight among the strong paragraphs (a short first line is more
    // often misread, Portuguese as Spanish, than the rest of the page).
    let first = strong
        .iter()
        .zip(found)
        .find_map(|(s, d)| s.as_ref().filter(|_| d.weight >= SAME_SCRIPT_SWITCH))
        .cloned()
        .or_else(|| heaviest(&strong, found))
        .unwrap_or_else(|| "und".into());
    let mut current = first;
    strong
        .into_iter()
        .zip(found)
        .map(|(s, d)| {
            if let Some(lang) = s {
                if lang == current
                    || !same_script(&lang, &current)
                    || d.weight >= SAME_SCRIPT_SWITCH
                {
                    current = lang;
                }
            }
            current.clone()
        })
        .collect()
}

/// The language with the most weight among the strong paragraphs (the first of equals).
fn heaviest(strong: &[Option<String>], found: &[Detection]) -> Option<String> {
    let mut totals: Vec<(&str, usize)> = Vec::new();
    for (s, d) in strong.iter().zip(found) {
        let Some(lang) = s else { continue };
        match totals.iter_mut().find(|(l, _)| l == lang) {
            Some((_, w)) => *w += d.weight,
            None => totals.push((lang, d.weight)),
        }
    }
    // `max_by_key` keeps the last of equals: reverse so the first one wins.
    totals
        .into_iter()
        .rev()
        .max_by_key(|(_, w)| *w)
        .map(|(l, _)| l.to_string())
}

/// Weight a paragraph needs to switch to another language of the same script.
const SAME_SCRIPT_SWITCH: usize = 150;

/// Whether two tags are usually written in the same script (Latin or Cyrillic languages, or both
/// Chinese). Chinese scripts count as different: the script decision is made on the characters.
fn same_script(a: &str, b: &str) -> bool {
    let cyrillic = |t: &str| {
        matches!(
            t.split('-').next(),
            Some("ru" | "uk" | "be" | "bg" | "sr" | "mk" | "kk" | "ky" | "tg" | "mn")
        )
    };
    let latin = |t: &str| {
        !t.starts_with("zh")
            && !cyrillic(t)
            && !matches!(
                t,
                "ja" | "ko"
                    | "ar"
                    | "el"
                    | "he"
                    | "hi"
                    | "th"
                    | "und"
                    | "fa"
                    | "ur"
                    | "hy"
                    | "ka"
                    | "am"
            )
    };
    (cyrillic(a) && cyrillic(b)) || (latin(a) && latin(b))
}

/// A segment needs this much weight in all (about 25 words, or 50 Chinese characters); lighter
/// runs (a short title line in another language above the article) join their neighbour.
const MIN_SEGMENT_WEIGHT: usize = 150;

/// Merge runs of equal labels lighter than [`MIN_SEGMENT_WEIGHT`] into the run before them (the
/// first run into the one after), lightest first, until every run is heavy enough or one is left.
fn merge_light_runs(labels: &mut [String], found: &[Detection]) {
    loop {
        // Runs as (start, end, weight).
        let mut runs: Vec<(usize, usize, usize)> = Vec::new();
        for (i, (l, d)) in labels.iter().zip(found).enumerate() {
            match runs.last_mut() {
                Some(r) if labels[r.0] == *l => {
                    r.1 = i + 1;
                    r.2 += d.weight;
                }
                _ => runs.push((i, i + 1, d.weight)),
            }
        }
        if runs.len() < 2 {
            return;
        }
        let Some((k, _)) = runs
            .iter()
            .enumerate()
            .filter(|(_, r)| r.2 < MIN_SEGMENT_WEIGHT)
            .min_by_key(|(_, r)| r.2)
        else {
            return;
        };
        let (start, end, _) = runs[k];
        let into = if k > 0 { runs[k - 1].0 } else { runs[1].0 };
        let lang = labels[into].clone();
        for l in &mut labels[start..end] {
            *l = lang.clone();
        }
    }
}
