//! The text layer: language and script per paragraph, and a normalised view for matching.
//!
//! Nothing here replaces original text: [`segment`] labels it, [`normalize`] and [`words`] build a
//! separate matching view.

use model::Segment;

/// Split clean paragraphs into runs of one language each.
pub fn segment(paragraphs: &[String]) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    for p in paragraphs {
        let lang = detect(p);
        match out.last_mut() {
            Some(last) if last.lang == lang => {
                last.text.push_str("\n\n");
                last.text.push_str(p);
            }
            _ => out.push(Segment {
                lang,
                text: p.clone(),
            }),
        }
    }
    out
}

/// A BCP-47-style language tag for a piece of text (`und` when unknown).
pub fn detect(text: &str) -> String {
    let han = text
        .chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .count();
    let cyr = text
        .chars()
        .filter(|c| ('\u{0400}'..='\u{04ff}').contains(c))
        .count();
    let lat = text.chars().filter(|c| c.is_ascii_alphabetic()).count();
    if han == 0 && cyr == 0 && lat == 0 {
        "und".into()
    } else if han >= cyr && han * 3 >= lat {
        "zh-Hans".into()
    } else if cyr >= lat {
        "ru".into()
    } else {
        "en".into()
    }
}

/// The matching view of a text: lowercased.
pub fn normalize(text: &str) -> String {
    text.to_lowercase()
}

/// Words for matching.
pub fn words(text: &str) -> Vec<String> {
    normalize(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}
