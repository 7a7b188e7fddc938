//! Writing systems: which scripts a text is written in, counted per letter.
//!
//! Language detection starts here: the script decides most of the answer (Han → Chinese unless
//! kana or Hangul say otherwise, Cyrillic → Russian and its neighbours, …), and the Chinese
//! script (Simplified / Traditional) is decided from the characters in [`crate::chinese`].

use unicode_script::{Script as Us, UnicodeScript};

/// The dominant writing system of a text, with Chinese split by script where that is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Script {
    Latin,
    Cyrillic,
    /// Simplified Chinese characters.
    Hans,
    /// Traditional Chinese characters.
    Hant,
    /// Chinese characters that read the same in both scripts (too little to tell).
    Han,
    /// Kanji with kana.
    Japanese,
    /// Hangul (with or without Hanja).
    Korean,
    /// Any other script, by its Unicode name.
    Other(Us),
    /// No letters at all (empty, digits, punctuation, emoji).
    Unknown,
}

impl Script {
    /// The ISO 15924 code: `Latn`, `Cyrl`, `Hans`, `Hant`, `Hani`, `Jpan`, `Kore`, … or `Zyyy`.
    pub fn code(self) -> &'static str {
        match self {
            Script::Latin => "Latn",
            Script::Cyrillic => "Cyrl",
            Script::Hans => "Hans",
            Script::Hant => "Hant",
            Script::Han => "Hani",
            Script::Japanese => "Jpan",
            Script::Korean => "Kore",
            Script::Other(s) => s.short_name(),
            Script::Unknown => "Zyyy",
        }
    }
}

/// Letters of a text counted by script.
#[derive(Debug, Clone, Default)]
pub(crate) struct Counts {
    pub latin: usize,
    pub cyrillic: usize,
    pub han: usize,
    pub kana: usize,
    pub hangul: usize,
    /// The most frequent other script and its count.
    pub other: Option<(Us, usize)>,
    others: Vec<(Us, usize)>,
}

/// One Chinese character weighs about as much as three Latin letters (a translated sentence is
/// roughly a third as long in Chinese), so mixed text is judged by weight, not by count.
pub(crate) const CJK_WEIGHT: usize = 3;

impl Counts {
    pub fn of(text: &str) -> Counts {
        let mut c = Counts::default();
        for ch in text.chars() {
            if !ch.is_alphabetic() {
                continue;
            }
            match ch.script() {
                Us::Latin => c.latin += 1,
                Us::Cyrillic => c.cyrillic += 1,
                Us::Han => c.han += 1,
                Us::Hiragana | Us::Katakana => c.kana += 1,
                Us::Hangul => c.hangul += 1,
                Us::Common | Us::Inherited | Us::Unknown => {}
                s => match c.others.iter_mut().find(|(o, _)| *o == s) {
                    Some((_, n)) => *n += 1,
                    None => c.others.push((s, 1)),
                },
            }
        }
        c.other = c.others.iter().copied().max_by_key(|&(_, n)| n);
        c
    }

    pub fn cjk(&self) -> usize {
        self.han + self.kana + self.hangul
    }

    /// Total weight of all letters (CJK weighted, see [`CJK_WEIGHT`]).
    pub fn weight(&self) -> usize {
        self.latin
            + self.cyrillic
            + self.cjk() * CJK_WEIGHT
            + self.others.iter().map(|&(_, n)| n).sum::<usize>()
    }

    /// The dominant script group and its weight.
    pub fn dominant(&self) -> (Group, usize) {
        let mut best = (Group::None, 0);
        let candidates = [
            (Group::Cjk, self.cjk() * CJK_WEIGHT),
            (Group::Latin, self.latin),
            (Group::Cyrillic, self.cyrillic),
        ];
        for (g, w) in candidates {
            if w > best.1 {
                best = (g, w);
            }
        }
        if let Some((s, n)) = self.other {
            if n > best.1 {
                best = (Group::Other(s), n);
            }
        }
        best
    }
}

/// A coarse script group used to route detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Group {
    Latin,
    Cyrillic,
    Cjk,
    Other(Us),
    None,
}

/// Whether a character is a Chinese character (Han script). No character below U+2E80 (CJK
/// Radicals Supplement) is, so Latin, Cyrillic and punctuation skip the script table's search.
pub fn is_han(ch: char) -> bool {
    ch >= '\u{2E80}' && ch.script() == Us::Han
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_han_agrees_with_the_script_table_on_every_character() {
        for ch in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(
                is_han(ch),
                ch.script() == Us::Han,
                "{ch:?} U+{:04X}",
                ch as u32
            );
        }
    }
}
