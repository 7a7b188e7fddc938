//! Entity candidates from the statistical NER models (`ner`: natasha for Russian, jiagu for
//! Chinese), merged with the rule and gazetteer candidates of the same paragraph.
//!
//! The models propose spans and kinds; the rules keep priority. A span that overlaps a
//! candidate the rules made from the gazetteer, a title or a speech verb is left to that
//! candidate (so 普京 / Путин still resolve through the gazetteer to one entity); a span that
//! only overlaps bare capitalised words the rules could not place (`Short`) replaces them; a
//! span nothing overlaps is added. People become `PersonRu` / `Person` / `ForeignZh`
//! candidates and link across scripts like the rules' ones; places and organisations are
//! named by their surface form, under an id from the stemmed (Russian) or romanised (Chinese)
//! name so inflected forms meet.

use model::EntityKind;

use super::{reading, Cand, What, TRANSLIT};
use crate::doc::Para;
use crate::names::{is_han, ru_key, slug};
use crate::Resources;

/// The Russian model's spans for every Russian paragraph of a document (by paragraph index;
/// empty for the others), tagged in one batch.
pub(super) fn ru_spans(paras: &[Para], res: &Resources) -> Vec<Spans> {
    let russian: Vec<&Para> = paras.iter().filter(|p| p.is_ru()).collect();
    // The model is read on first use: not asked for without Russian text.
    let Some(ru) = (!russian.is_empty()).then(|| res.ner.ru()).flatten() else {
        return vec![Vec::new(); paras.len()];
    };
    let texts: Vec<&str> = russian.iter().map(|p| p.text.as_str()).collect();
    let mut out = vec![Vec::new(); paras.len()];
    for (p, spans) in russian.iter().zip(ru.spans_many(&texts)) {
        if let Some(slot) = out.get_mut(p.index) {
            *slot = spans
                .into_iter()
                .map(|s| (s.start..s.end, s.kind))
                .collect();
        }
    }
    out
}

/// Byte ranges with kinds, as the models found them.
pub(super) type Spans = Vec<(std::ops::Range<usize>, ner::Kind)>;

/// Add the model's candidates for paragraph `p`; `from` is where this paragraph's rule
/// candidates start in `cands`; `ru` are the Russian model's spans of `p` (from [`ru_spans`]).
pub(super) fn add(p: &Para, res: &Resources, cands: &mut Vec<Cand>, from: usize, ru: Spans) {
    let spans = if p.is_ru() {
        if res.ner.ru().is_none() {
            return;
        }
        ru
    } else if p.is_zh() {
        match res.ner.zh() {
            Some(zh) => zh_spans(p, zh),
            None => return,
        }
    } else {
        return;
    };
    for (span, kind) in spans {
        let surface = &p.text[span.clone()];
        let Some(what) = what_for(p, res, surface, kind) else {
            continue;
        };
        let overlapping: Vec<usize> = (from..cands.len())
            .filter(|&i| cands[i].span.start < span.end && span.start < cands[i].span.end)
            .collect();
        if overlapping
            .iter()
            .any(|&i| !matches!(cands[i].what, What::Short(_)))
        {
            continue;
        }
        for &i in overlapping.iter().rev() {
            cands.remove(i);
        }
        cands.push(Cand {
            para: p.index,
            span: span.clone(),
            surface: surface.to_string(),
            lang: p.lang.clone(),
            what,
            descriptor: None,
            titled: None,
        });
    }
}

/// jiagu reads Simplified Chinese: a Traditional paragraph is converted first, and its spans
/// mapped back character for character (skipped when the conversion changed the length).
fn zh_spans(p: &Para, zh: &ner::ZhNer) -> Vec<(std::ops::Range<usize>, ner::Kind)> {
    if p.lang != "zh-Hant" {
        return zh
            .spans(&p.text)
            .into_iter()
            .map(|s| (s.start..s.end, s.kind))
            .collect();
    }
    let simplified = p.simplified();
    let s_bytes: Vec<usize> = simplified.char_indices().map(|c| c.0).collect();
    let o_bytes: Vec<usize> = p.text.char_indices().map(|c| c.0).collect();
    if s_bytes.len() != o_bytes.len() {
        return Vec::new();
    }
    let to_original = |b: usize| -> Option<usize> {
        if b == simplified.len() {
            return Some(p.text.len());
        }
        let n = s_bytes.binary_search(&b).ok()?;
        o_bytes.get(n).copied()
    };
    zh.spans(simplified)
        .into_iter()
        .filter_map(|s| Some((to_original(s.start)?..to_original(s.end)?, s.kind)))
        .collect()
}

/// What a model span is for entity resolution, or `None` when it is too thin to trust.
fn what_for(p: &Para, res: &Resources, surface: &str, kind: ner::Kind) -> Option<What> {
    let chars = surface.chars().count();
    if chars < 2 || surface.chars().any(|c| c.is_numeric()) {
        return None;
    }
    let zh = p.is_zh();
    let simplified = if zh {
        lang::to_simplified(surface)
    } else {
        surface.to_string()
    };
    if zh && !simplified.chars().all(is_han) {
        return None;
    }
    match kind {
        ner::Kind::Person if zh => {
            // Transliterated foreign names are long or written in transliteration characters
            // only; Chinese names are two or three characters led by a surname.
            let foreign =
                chars >= 4 || (chars == 3 && simplified.chars().all(|c| TRANSLIT.contains(c)));
            let latin = (!foreign)
                .then(|| {
                    res.cedict
                        .as_deref()
                        .and_then(|d| d.romanize_name(&simplified))
                })
                .flatten();
            Some(match latin {
                Some(latin) => What::Person(latin),
                None => {
                    let r = reading(res, &simplified);
                    if r.is_empty() {
                        return None;
                    }
                    What::ForeignZh {
                        reading: r.clone(),
                        full_reading: r,
                    }
                }
            })
        }
        ner::Kind::Person => Some(What::PersonRu(surface.to_string())),
        ner::Kind::Location | ner::Kind::Organization => {
            let kind = if kind == ner::Kind::Location {
                EntityKind::Place
            } else {
                EntityKind::Organization
            };
            let key = if zh {
                let r = reading(res, &simplified);
                if r.is_empty() {
                    simplified.clone()
                } else {
                    r
                }
            } else {
                ru_key(surface)
            };
            Some(What::Named {
                kind,
                name: simplified,
                id: slug(&key),
            })
        }
    }
}
