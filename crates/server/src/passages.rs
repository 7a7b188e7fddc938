//! Shared passages on an event page, cut into each document's paragraphs as spans so the page
//! can highlight them. The passages the linker stored are used where they are found in the
//! text; otherwise the page finds its own: sentences that stand, word for word in the matching
//! view, in more than one document of the event (syndicated copy such as a Xinhua paragraph
//! that several outlets carry). Exact duplicates of another document are left out of that
//! count, so a page stored twice does not make all of its sentences "shared".

use std::collections::HashMap;

use store::SharedPassage;
use wire::api::{DocumentView, ParagraphView, PassageView, Span};

/// A sentence's byte range in its paragraph, and its matching key when long enough.
type Sentence = (std::ops::Range<usize>, Option<String>);

/// Shortest sentence (in characters of the matching view) worth calling a shared passage.
const MIN_CHARS: usize = 24;

/// Mark shared passages in `docs` — the stored ones (`known`) where they are found, else
/// shared sentences — and return the passages.
pub fn mark_shared(docs: &mut [DocumentView], known: &[SharedPassage]) -> Vec<PassageView> {
    if !known.is_empty() {
        if let Some(found) = mark_known(docs, known) {
            return found;
        }
    }
    mark_sentences(docs)
}

/// Mark the stored passages where their text occurs verbatim; `None` when none occurs.
fn mark_known(docs: &mut [DocumentView], known: &[SharedPassage]) -> Option<Vec<PassageView>> {
    let texts: Vec<&str> = known
        .iter()
        .map(|p| p.text.trim())
        .filter(|t| !t.is_empty())
        .collect();
    let mut any = false;
    let mut marked: Vec<Vec<ParagraphView>> = Vec::new();
    for d in docs.iter() {
        let mut paragraphs = Vec::new();
        for p in d.text.split("\n\n") {
            // Occurrences, earliest first, not overlapping.
            let mut hits: Vec<(usize, usize, usize)> = Vec::new();
            for (i, t) in texts.iter().enumerate() {
                for (at, _) in p.match_indices(t) {
                    hits.push((at, at + t.len(), i));
                }
            }
            hits.sort();
            let mut out = Vec::new();
            let mut at = 0;
            for (from, to, i) in hits {
                if from < at {
                    continue;
                }
                push_span(&mut out, p.get(at..from).unwrap_or(""), None);
                push_span(&mut out, p.get(from..to).unwrap_or(""), Some(i));
                any = true;
                at = to;
            }
            push_span(&mut out, p.get(at..).unwrap_or(""), None);
            paragraphs.push(ParagraphView { spans: out });
        }
        marked.push(paragraphs);
    }
    if !any {
        return None;
    }
    for (d, paragraphs) in docs.iter_mut().zip(marked) {
        d.paragraphs = paragraphs;
    }
    Some(
        known
            .iter()
            .filter(|p| !p.text.trim().is_empty())
            .map(|p| PassageView {
                text: p.text.trim().to_string(),
                documents: p.documents.clone(),
            })
            .collect(),
    )
}

/// Find and mark sentences found in more than one document.
fn mark_sentences(docs: &mut [DocumentView]) -> Vec<PassageView> {
    // Sentence spans and their keys, per document and paragraph.
    let mut cut: Vec<Vec<Vec<Sentence>>> = Vec::new();
    let mut seen_in: HashMap<String, Vec<usize>> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    for (di, d) in docs.iter().enumerate() {
        let mut paras = Vec::new();
        for p in d.text.split("\n\n") {
            let mut spans = Vec::new();
            for r in lang::sentence_spans(p, "und") {
                let key = p
                    .get(r.clone())
                    .map(lang::normalize)
                    .map(|k| k.split_whitespace().collect::<Vec<_>>().join(" "))
                    .filter(|k| k.chars().count() >= MIN_CHARS);
                if let (Some(k), None) = (&key, &d.duplicate_of) {
                    let docs = seen_in.entry(k.clone()).or_default();
                    if docs.is_empty() {
                        order.push(k.clone());
                    }
                    if !docs.contains(&di) {
                        docs.push(di);
                    }
                }
                spans.push((r, key));
            }
            paras.push(spans);
        }
        cut.push(paras);
    }
    let shared: HashMap<&str, usize> = order
        .iter()
        .filter(|k| seen_in.get(*k).is_some_and(|v| v.len() > 1))
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    let mut passages: Vec<PassageView> = (0..shared.len())
        .map(|_| PassageView {
            text: String::new(),
            documents: Vec::new(),
        })
        .collect();
    for (di, d) in docs.iter_mut().enumerate() {
        let text = std::mem::take(&mut d.text);
        let mut paragraphs = Vec::new();
        for (p, spans) in text.split("\n\n").zip(&cut[di]) {
            let mut out: Vec<Span> = Vec::new();
            let mut at = 0;
            for (r, key) in spans {
                let idx = key.as_deref().and_then(|k| shared.get(k).copied());
                let Some(idx) = idx else { continue };
                if r.start > at {
                    push_span(&mut out, p.get(at..r.start).unwrap_or(""), None);
                }
                let sentence = p.get(r.clone()).unwrap_or("");
                push_span(&mut out, sentence, Some(idx));
                if let Some(pv) = passages.get_mut(idx) {
                    if pv.text.is_empty() {
                        pv.text = sentence.trim().to_string();
                    }
                    if !pv.documents.contains(&d.id) {
                        pv.documents.push(d.id.clone());
                    }
                }
                at = r.end;
            }
            if at < p.len() {
                push_span(&mut out, p.get(at..).unwrap_or(""), None);
            }
            paragraphs.push(ParagraphView { spans: out });
        }
        d.text = text;
        d.paragraphs = paragraphs;
    }
    passages
}

fn push_span(out: &mut Vec<Span>, text: &str, passage: Option<usize>) {
    if text.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(last) if last.passage.is_none() && passage.is_none() => last.text.push_str(text),
        _ => out.push(Span {
            text: text.to_string(),
            passage,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, text: &str) -> DocumentView {
        DocumentView {
            id: id.into(),
            title: None,
            url: None,
            published: None,
            outlet: None,
            byline: Vec::new(),
            dateline: None,
            languages: Vec::new(),
            event: None,
            duplicate_of: None,
            translation_of: None,
            capture_of: None,
            why: None,
            text: text.into(),
            segments: Vec::new(),
            paragraphs: Vec::new(),
            quotes: Vec::new(),
            facts: Vec::new(),
            entities: Vec::new(),
        }
    }

    #[test]
    fn a_sentence_in_two_documents_is_marked_in_both() {
        let shared = "The two sides signed a joint statement on deepening the comprehensive strategic partnership.";
        let mut docs = vec![
            doc(
                "a",
                &format!("Outlet A opens here. {shared}\n\nMore from A."),
            ),
            doc(
                "b",
                &format!("A different opening line from the second outlet. {shared}"),
            ),
            doc("c", "Nothing in common with the others at all, really."),
        ];
        let passages = mark_shared(&mut docs, &[]);
        assert_eq!(passages.len(), 1, "{passages:?}");
        assert_eq!(passages[0].text, shared);
        assert_eq!(passages[0].documents, ["a", "b"]);
        let spans = &docs[0].paragraphs[0].spans;
        assert_eq!(spans.len(), 2, "{spans:?}");
        assert_eq!(spans[0].text, "Outlet A opens here. ");
        assert_eq!(spans[1].passage, Some(0));
        assert_eq!(docs[0].paragraphs.len(), 2);
        assert_eq!(docs[2].paragraphs[0].spans[0].passage, None);
        // The text itself is unchanged.
        let back: String = docs[1].paragraphs[0]
            .spans
            .iter()
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(back, docs[1].text);
    }
}
