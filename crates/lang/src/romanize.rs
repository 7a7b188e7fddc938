//! Chinese personal names in their English form: CEDICT pinyin (`Xi2 Jin4 ping2`) to the way
//! English-language news writes the name (`Xi Jinping`): tone numbers dropped, `u:` as `ü`, the
//! syllables of each capitalised word joined, with an apostrophe where a syllable starting with
//! a, e or o would otherwise run into the one before (`Xi'an`).

/// The English form of a name from its CEDICT pinyin: each capitalised syllable starts a word,
/// lowercase syllables join the word before (`Ou1 yang2 Xiu1` → `Ouyang Xiu`). Syllables of a
/// fully lowercase pinyin are treated as surname + given name (`xi2 jin4 ping2` → `Xi Jinping`).
pub fn pinyin_to_name(pinyin: &str) -> String {
    let syllables: Vec<&str> = pinyin
        .split(|c: char| c.is_whitespace() || c == '·' || c == ',' || c == '-')
        .filter(|s| !s.is_empty())
        .collect();
    let any_capital = syllables
        .iter()
        .any(|s| s.starts_with(|c: char| c.is_uppercase()));
    let mut words: Vec<String> = Vec::new();
    for (n, raw) in syllables.iter().enumerate() {
        let syllable = plain(raw);
        if syllable.is_empty() {
            continue;
        }
        let starts_word = if any_capital {
            raw.starts_with(|c: char| c.is_uppercase())
        } else {
            n <= 1
        };
        match words.last_mut() {
            Some(word) if !starts_word => {
                if syllable.starts_with(['a', 'e', 'o']) {
                    word.push('\'');
                }
                word.push_str(&syllable);
            }
            _ => words.push(capitalise(&syllable)),
        }
    }
    words.join(" ")
}

/// A syllable without its tone number, lowercase, with `u:`/`v` as `ü`.
fn plain(raw: &str) -> String {
    let mut s: String = raw
        .chars()
        .filter(|c| !c.is_ascii_digit())
        .collect::<String>()
        .to_lowercase();
    if s.contains("u:") {
        s = s.replace("u:", "ü");
    }
    s
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
