//! Which strings may be document ids: the one check every entry point applies, so that an id
//! never carries a character that breaks a tab-separated line, a terminal or a page.

/// Why `id` cannot be a document id, or `None` when it can. Refused: control characters (C0,
/// DEL, C1: tab, newline, NUL, …), the bidirectional controls that reorder text on screen
/// (U+061C, U+200E/F, U+202A–E, U+2066–9) and the line and paragraph separators.
pub fn id_problem(id: &str) -> Option<String> {
    if id.trim().is_empty() {
        return Some("the id is empty".into());
    }
    let (at, c) = id.chars().enumerate().find(|&(_, c)| unsafe_in_id(c))?;
    Some(format!(
        "the id holds the control character U+{:04X} at character {}; ids must be printable",
        c as u32,
        at + 1
    ))
}

fn unsafe_in_id(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

#[cfg(test)]
mod tests {
    use super::id_problem;

    #[test]
    fn printable_ids_pass_and_controls_do_not() {
        assert_eq!(id_problem("2024-01/index"), None);
        assert_eq!(id_problem("https://example.org/a?b=1#c"), None);
        assert_eq!(id_problem("习近平-普京"), None);
        for bad in [
            "a\tb",
            "a\nb",
            "a\0b",
            "a\u{85}b",
            "a\u{202e}b",
            "a\u{2067}b",
            " ",
        ] {
            assert!(id_problem(bad).is_some(), "{bad:?} accepted");
        }
        assert!(id_problem("ab\tc")
            .unwrap()
            .contains("U+0009 at character 3"));
    }
}
