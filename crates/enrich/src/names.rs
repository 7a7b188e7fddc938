//! Name forms: language-independent entity ids (slugs of the English name), Russian name stems
//! (Путин / Путина / Путину → one key), Cyrillic → Latin transliteration, the Palladius system
//! Russian uses for Chinese names (Си Цзиньпин → xi jinping), and a consonant skeleton that lets
//! a transliterated name (马斯洛夫, Маслов) meet its English form (Maslov).

/// A stable id from a name: lowercase ASCII words joined by `-` (`Xi Jinping` → `xi-jinping`).
/// Letters outside ASCII are transliterated where we know how (Cyrillic, Latin with diacritics)
/// and kept as they are otherwise, so every name has an id.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for ch in name.chars() {
        let mapped: String = if ch.is_ascii_alphanumeric() {
            ch.to_ascii_lowercase().to_string()
        } else if let Some(t) = cyrillic(ch.to_lowercase().next().unwrap_or(ch)) {
            t.to_string()
        } else if let Some(t) = fold_latin(ch) {
            t.to_string()
        } else if ch.is_alphanumeric() {
            ch.to_lowercase().collect()
        } else {
            String::new()
        };
        if mapped.is_empty() {
            if ch != '\'' && ch != '’' {
                dash = !out.is_empty();
            }
            continue;
        }
        if dash {
            out.push('-');
            dash = false;
        }
        out.push_str(&mapped);
    }
    out
}

fn fold_latin(ch: char) -> Option<&'static str> {
    Some(match ch {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ā' | 'Á' | 'À' | 'Â' | 'Ä' | 'Ā' => "a",
        'é' | 'è' | 'ê' | 'ë' | 'ē' | 'É' | 'È' | 'Ê' | 'Ë' => "e",
        'í' | 'ì' | 'î' | 'ï' | 'ī' | 'Í' | 'Î' => "i",
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ō' | 'Ó' | 'Ö' => "o",
        'ú' | 'ù' | 'û' | 'ü' | 'ū' | 'ǘ' | 'ǚ' | 'Ú' | 'Ü' => "u",
        'ç' | 'Ç' => "c",
        'ñ' | 'Ñ' => "n",
        'ß' => "ss",
        _ => return None,
    })
}

/// Latin letters for a lowercase Cyrillic letter (BGN-like, simplified).
fn cyrillic(ch: char) -> Option<&'static str> {
    Some(match ch {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' => "e",
        'ё' => "yo",
        'ж' => "zh",
        'з' => "z",
        'и' => "i",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'э' => "e",
        'ю' => "yu",
        'я' => "ya",
        _ => return None,
    })
}

pub fn is_cyrillic(ch: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&ch)
}

/// Whether a character is a Chinese character: the one definition, `lang::is_han`.
pub use lang::is_han;

/// Cyrillic text in Latin letters (`Путин` → `Putin`); other characters pass through.
pub fn transliterate(text: &str) -> String {
    let mut out = String::new();
    for ch in text.chars() {
        let lower = ch.to_lowercase().next().unwrap_or(ch);
        match cyrillic(lower) {
            Some(t) if ch != lower => {
                let mut cs = t.chars();
                if let Some(first) = cs.next() {
                    out.extend(first.to_uppercase());
                    out.push_str(cs.as_str());
                }
            }
            Some(t) => out.push_str(t),
            None => out.push(ch),
        }
    }
    out
}

/// Case endings stripped from Russian names and nouns, longest first.
const RU_ENDINGS: &[&str] = &[
    "ами", "ями", "ого", "его", "ому", "ему", "ыми", "ими", "ой", "ей", "ом", "ем", "ым", "им",
    "ую", "юю", "ая", "яя", "ые", "ие", "ов", "ев", "ах", "ях", "ам", "ям", "ью", "а", "я", "у",
    "ю", "е", "ы", "и", "о", "й", "ь",
];

/// A crude stem of a Russian word for matching inflected names (Путина → путин,
/// Москвы → москв, России → росси). Words of four letters or fewer are kept whole.
pub fn ru_stem(word: &str) -> String {
    let lower = word.to_lowercase();
    let n = lower.chars().count();
    if n <= 4 && !lower.ends_with(['а', 'у', 'е', 'ы', 'и', 'я', 'ю', 'й']) || n <= 2 {
        return lower;
    }
    // Foreign names written in Russian often end in -ов/-ев/-ин and are nouns, not adjectives:
    // strip a short ending only while at least three letters remain.
    for e in RU_ENDINGS {
        if let Some(stem) = lower.strip_suffix(e) {
            if stem.chars().count() >= 3 {
                // "Маслов" must not lose its "-ов": only strip -ов/-ев when a longer ending fits.
                if (*e == "ов" || *e == "ев") && n <= 7 {
                    continue;
                }
                return stem.to_string();
            }
        }
    }
    lower
}

/// Every stem a Russian word may have: [`ru_stem`] first, then the word with each other case
/// ending stripped. An inflected form is ambiguous (Китая is Китай's genitive, but "-ая" is
/// also an adjective ending), so a lookup tries all of them: for every case form of a
/// nominative name, the nominative's [`ru_stem`] is among these (Китая → кит, кита).
pub fn ru_stems(word: &str) -> Vec<String> {
    let mut out = vec![ru_stem(word)];
    let lower = word.to_lowercase();
    if lower.chars().count() <= 2 {
        return out;
    }
    for e in RU_ENDINGS {
        if let Some(stem) = lower.strip_suffix(e) {
            if stem.chars().count() >= 3 && !out.iter().any(|o| o == stem) {
                out.push(stem.to_string());
            }
        }
    }
    out
}

/// Stem every word of a (multi-word) Russian name.
pub fn ru_key(name: &str) -> String {
    name.split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .map(ru_stem)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Pinyin for a Chinese name as Russian writes it in the Palladius system
/// (`Си Цзиньпин` → `xi jinping`, `Ли Цян` → `li qiang`). Best effort: the result is for
/// matching, not for display.
pub fn palladius_to_pinyin(name: &str) -> String {
    name.split_whitespace()
        .map(|w| {
            let w = w.to_lowercase();
            let chars: Vec<char> = w.chars().collect();
            let mut out = String::new();
            let mut i = 0;
            while i < chars.len() {
                let rest: String = chars[i..].iter().collect();
                let next_front = |k: usize| {
                    chars
                        .get(i + k)
                        .is_some_and(|c| matches!(c, 'и' | 'ю' | 'я' | 'е' | 'ё'))
                };
                let (latin, used): (&str, usize) = if rest.starts_with("цз") {
                    (if next_front(2) { "j" } else { "z" }, 2)
                } else if rest.starts_with("чж") {
                    ("zh", 2)
                } else if rest.starts_with("инь") {
                    ("in", 3)
                } else if rest.starts_with("энь") {
                    ("en", 3)
                } else if rest.starts_with("ань") {
                    ("an", 3)
                } else if rest.starts_with("юань") {
                    ("uan", 4)
                } else if rest.starts_with("ян") && i > 0 {
                    ("iang", 2)
                } else if rest.starts_with("ин") && !rest.starts_with("ина") {
                    ("ing", 2)
                } else if rest.starts_with("эн") {
                    ("eng", 2)
                } else if rest.starts_with("ан") && !rest.starts_with("ана") {
                    ("ang", 2)
                } else if rest.starts_with("ун") && !rest.starts_with("уна") {
                    ("ong", 2)
                } else if rest.starts_with("юй") {
                    ("yu", 2)
                } else if rest.starts_with("эй") {
                    ("ei", 2)
                } else if rest.starts_with("ай") {
                    ("ai", 2)
                } else {
                    let c = chars[i];
                    let s = match c {
                        'ц' => {
                            if next_front(1) {
                                "q"
                            } else {
                                "c"
                            }
                        }
                        'с' => {
                            if next_front(1) {
                                "x"
                            } else {
                                "s"
                            }
                        }
                        'ч' => "ch",
                        'ш' => "sh",
                        'ж' => "r",
                        'х' => "h",
                        'ы' => "i",
                        'э' => "e",
                        'е' => "ie",
                        'ю' => "iu",
                        'я' => "ia",
                        'ь' | 'ъ' => "",
                        'в' => "w",
                        'и' if i == 0 => "yi",
                        'у' if i == 0 => "wu",
                        _ => cyrillic(c).unwrap_or(""),
                    };
                    (s, 1)
                };
                out.push_str(latin);
                i += used;
            }
            if out.starts_with("ia") || out.starts_with("ie") || out.starts_with("iu") {
                out.replace_range(0..1, "y");
            }
            out
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The consonant skeleton of a Latin-letter name for fuzzy matching of transliterations:
/// lowercase, vowels and `h`/`y`/`w` dropped, voiced/voiceless pairs folded, doubles collapsed
/// (`Maslov` → `mslf`, `masiluofu` → `mslf`, `Alexey` → `lks`).
pub fn skeleton(latin: &str) -> String {
    let mut out = String::new();
    let lower = latin.to_lowercase().replace('x', "ks");
    for ch in lower.chars() {
        let c = match ch {
            'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'h' | 'w' | 'ü' => continue,
            'v' => 'f',
            'b' => 'p',
            'd' => 't',
            'g' => 'k',
            'z' => 's',
            'q' => 'k',
            'j' => 'k',
            'c' => 'k',
            c if c.is_ascii_alphabetic() => c,
            _ => continue,
        };
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// A name in Latin letters from any script (kana, Hangul, Arabic, Cyrillic, Greek, Latin with
/// diacritics), lowercase, by the `any_ascii` tables: トランプ → `toranpu`, 트럼프 → `teuleompeu`,
/// ترامب → `tramb`. Separators (`・`, `·`, `=`) become spaces.
pub fn romanise(text: &str) -> String {
    let spaced: String = text
        .chars()
        .map(|c| match c {
            '・' | '·' | '＝' | '=' | '-' | '‐' => ' ',
            c => c,
        })
        .collect();
    any_ascii::any_ascii(&spaced).to_lowercase()
}

/// Longest name [`sound_key`] reads (bytes): a longer text is not a name.
const MAX_SOUND_KEY_INPUT: usize = 200;

/// The runs of ASCII letters of (the bounded start of) `latin`.
fn latin_words(latin: &str) -> impl Iterator<Item = &str> {
    latin
        .get(..latin.len().min(MAX_SOUND_KEY_INPUT))
        .unwrap_or("")
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
}

/// How a name sounds, coarsely enough that its spellings in other scripts meet: the
/// consonants of each word in seven classes (p b f v · t d · k g q c · s z j sh ch x · l r ·
/// m n · the rest), vowels, `h`, `w`, `y` and doubled letters dropped, so Trump, Трамп
/// (`tramp`), トランプ (`toranpu`), 트럼프 (`teuleompeu`) and ترامب (`tramb`) all give `TRNB`.
/// `soft` reads g and c before e/i as in George and Cicero. Words are joined by a space; a word
/// without consonants is left out.
pub fn sound_key(latin: &str, soft: bool) -> String {
    let mut out = String::new();
    for word in latin_words(latin) {
        let w: Vec<u8> = word.bytes().map(|b| b.to_ascii_lowercase()).collect();
        let mut key = String::new();
        let mut i = 0;
        while i < w.len() {
            let next = w.get(i + 1).copied();
            let (class, len) = match (w[i], next) {
                (b's', Some(b'h')) | (b'c', Some(b'h')) | (b'z', Some(b'h')) => ('S', 2),
                (b't', Some(b's')) | (b't', Some(b'z')) => ('S', 2),
                (b'k', Some(b'h')) | (b'g', Some(b'h')) => ('K', 2),
                (b'p', Some(b'h')) => ('B', 2),
                (b't', Some(b'h')) | (b'd', Some(b'h')) => ('T', 2),
                (b'n', Some(b'g')) if w.get(i + 2).is_none_or(|c| !b"aeiouy".contains(c)) => {
                    ('N', 2)
                }
                (b'c', Some(b'k')) => ('K', 2),
                (b'x', _) if i == 0 => ('S', 1),
                (b'x', _) => {
                    if !key.ends_with('K') {
                        key.push('K');
                    }
                    ('S', 1)
                }
                (b'g' | b'c', Some(b'e' | b'i' | b'y')) if soft => ('S', 1),
                (b'p' | b'b' | b'f' | b'v', _) => ('B', 1),
                (b't' | b'd', _) => ('T', 1),
                (b'k' | b'g' | b'q' | b'c', _) => ('K', 1),
                (b's' | b'z' | b'j', _) => ('S', 1),
                (b'l' | b'r', _) => ('R', 1),
                (b'm' | b'n', _) => ('N', 1),
                _ => ('_', 1),
            };
            if class != '_' && !key.ends_with(class) {
                key.push(class);
            }
            i += len;
        }
        if !key.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&key);
        }
    }
    out
}

/// The [`sound_key`]s a romanised name (from [`romanise`]) may have: as read, and with the
/// readings kana and Hangul give to sounds they lack (`chi` for ti: プーチン `puchin` is Putin).
pub fn sound_keys(romanised: &str) -> Vec<String> {
    let mut keys = vec![sound_key(romanised, false)];
    let alt = romanised.replace("chi", "ti").replace("ji", "di");
    for k in [sound_key(&alt, false), sound_key(romanised, true)] {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys
}

/// How a name sounds with its vowels: [`sound_key`]'s consonant classes with `V` for each run
/// of vowels (y and w among them), the last vowel of each word dropped (kana and Hangul end
/// words on one; English often on a silent e). Finer than the key: 트럼프 once its added
/// vowels are gone ([`drop_added_vowels`]) gives `TRVNB` like Trump, where an ordinary word of
/// the same consonants rarely does.
pub fn sound_shape(latin: &str) -> String {
    let mut out = String::new();
    for word in latin_words(latin) {
        let mut shape = String::new();
        let lower = word.to_ascii_lowercase();
        let b = lower.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b"aeiouyw".contains(&b[i]) {
                if !shape.ends_with('V') {
                    shape.push('V');
                }
                i += 1;
                continue;
            }
            // The consonant (or digraph) alone through `sound_key`.
            let two = lower.get(i..(i + 2).min(b.len())).unwrap_or("");
            let len = if [
                "sh", "ch", "zh", "ts", "tz", "kh", "gh", "ph", "th", "dh", "ck",
            ]
            .contains(&two)
            {
                2
            } else {
                1
            };
            let k = sound_key(&lower[i..i + len], false);
            if !k.is_empty() && !shape.ends_with(k.as_str()) {
                shape.push_str(&k);
            }
            i += len;
        }
        if shape.len() > 1 && shape.ends_with('V') {
            shape.pop();
        }
        if !shape.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&shape);
        }
    }
    out
}

/// Which script a romanised name came from, for [`drop_added_vowels`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SoundScript {
    Kana,
    Hangul,
    Arabic,
}

/// The vowels kana and Hangul add to spell a foreign consonant alone, taken out of a
/// romanised name, as the readings to try: Hangul's `eu` (트럼프 `teuleompeu` → `tleomp`);
/// kana's `u` after a consonant and `o` after t or d before another consonant or the word's
/// end, either all of them (トランプ `toranpu` → `tranp`) or only after a consonant that closes
/// a syllable (ドナルド `donarudo` → `donard`). Arabic adds none.
pub fn drop_added_vowels(romanised: &str, script: SoundScript) -> Vec<String> {
    match script {
        SoundScript::Arabic => vec![romanised.to_string()],
        SoundScript::Hangul => vec![romanised.replace("eu", "")],
        SoundScript::Kana => [false, true]
            .iter()
            .map(|&coda_only| {
                romanised
                    .split(' ')
                    .map(|w| kana_drop(w, coda_only))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect(),
    }
}

fn kana_drop(word: &str, coda_only: bool) -> String {
    let b = word.as_bytes();
    let vowel = |c: u8| b"aeiou".contains(&c);
    let mut out = String::new();
    for (i, &c) in b.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| b[j]);
        let before_prev = i.checked_sub(2).map(|j| b[j]);
        let next = b.get(i + 1).copied();
        let before_consonant = next.is_none_or(|n| !vowel(n));
        let after = |set: &[u8]| prev.is_some_and(|p| set.contains(&p));
        let coda = before_prev.is_some_and(|q| vowel(q) || q == b'n');
        let added = before_consonant
            && i > 0
            && (!coda_only || coda)
            && ((c == b'u' && prev.is_some_and(|p| !vowel(p) && p != b'n'))
                || (c == b'o' && after(b"td")));
        if !added {
            out.push(c as char);
        }
    }
    out
}

/// The number of consonant classes of a [`sound_key`]: how much of a name it pins down.
pub fn sound_len(key: &str) -> usize {
    key.chars().filter(|c| c.is_ascii_uppercase()).count()
}

/// Pinyin readings of a Chinese transliterated name run together for [`skeleton`]
/// (`马斯洛夫` → `masiluofu`); `None` when a character has no reading.
pub fn han_reading(cedict: &lang::Cedict, text: &str) -> Option<String> {
    let mut out = String::new();
    for ch in text.chars() {
        let s = ch.to_string();
        let entries = cedict.lookup(&s);
        let reading = entries
            .iter()
            .find(|e| !e.is_proper_name())
            .or(entries.first())?;
        let syl: String = reading
            .pinyin
            .chars()
            .filter(|c| c.is_ascii_alphabetic())
            .collect::<String>()
            .to_lowercase();
        out.push_str(&syl);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_name_sounds_alike_in_every_script() {
        let en = sound_key("Trump", false);
        assert_eq!(en, "TRNB");
        for written in ["Трамп", "トランプ", "트럼프", "ترامب"] {
            let r = romanise(written);
            assert!(sound_keys(&r).contains(&en), "{written} ({r})");
        }
        assert_eq!(
            sound_key("Donald Trump", false),
            sound_key(&romanise("ドナルド・トランプ"), false)
        );
        // プーチン reads `puchin`: the ti reading of chi meets Putin.
        assert!(sound_keys(&romanise("プーチン")).contains(&sound_key("Putin", false)));
        assert_eq!(sound_len("TRNB"), 4);
    }

    #[test]
    fn vowel_shapes_without_the_added_vowels() {
        let trump = sound_shape("Trump");
        let shapes = |w: &str, s| -> Vec<String> {
            drop_added_vowels(&romanise(w), s)
                .iter()
                .map(|r| sound_shape(r))
                .collect()
        };
        assert!(shapes("트럼프", SoundScript::Hangul).contains(&trump));
        assert!(shapes("トランプ", SoundScript::Kana).contains(&trump));
        assert!(shapes("ドナルド", SoundScript::Kana).contains(&sound_shape("Donald")));
        // An ordinary Korean word with Caesarea's consonants has another shape.
        assert!(!shapes("것을", SoundScript::Hangul).contains(&sound_shape("Caesarea")));
    }

    #[test]
    fn sound_keys_of_long_or_odd_input_are_bounded() {
        let long = "x".repeat(100_000);
        assert!(sound_key(&long, false).len() <= 2 * MAX_SOUND_KEY_INPUT);
        assert_eq!(sound_key("", false), "");
        assert_eq!(sound_shape("!!! 123"), "");
        // Not on a char boundary at the cut: no panic.
        let mixed = "é".repeat(150);
        let _ = sound_key(&mixed, true);
        let _ = sound_shape(&mixed);
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Xi Jinping"), "xi-jinping");
        assert_eq!(
            slug("Shanghai Cooperation Organization"),
            "shanghai-cooperation-organization"
        );
        assert_eq!(slug("Путин"), "putin");
        assert_eq!(slug("People's Daily"), "peoples-daily");
    }

    #[test]
    fn russian_stems() {
        for w in ["Путин", "Путина", "Путину", "Путиным", "Путине"] {
            assert_eq!(ru_stem(w), "путин", "{w}");
        }
        assert_eq!(ru_stem("Маслов"), "маслов");
        assert_eq!(ru_stem("Маслова"), "маслов");
        assert_eq!(ru_stem("России"), ru_stem("Россия"));
        for w in ["Казань", "Казани", "Казанью"] {
            assert_eq!(ru_stem(w), "казан", "{w}");
        }
    }

    #[test]
    fn every_case_form_reaches_the_nominative_stem() {
        for (nominative, forms) in [
            ("Китай", &["Китая", "Китаю", "Китаем", "Китае"][..]),
            ("Россия", &["России", "Россию", "Россией"][..]),
            ("Москва", &["Москвы", "Москве", "Москву", "Москвой"][..]),
            ("Пекин", &["Пекина", "Пекину", "Пекином", "Пекине"][..]),
            ("Казань", &["Казани", "Казанью"][..]),
            ("Тайвань", &["Тайваня", "Тайваню", "Тайванем"][..]),
        ] {
            for f in forms {
                assert!(
                    ru_stems(f).contains(&ru_stem(nominative)),
                    "{f}: {:?} lacks {}",
                    ru_stems(f),
                    ru_stem(nominative)
                );
            }
        }
    }

    #[test]
    fn palladius() {
        assert_eq!(palladius_to_pinyin("Си Цзиньпин"), "xi jinping");
        assert_eq!(palladius_to_pinyin("Ли Цян"), "li qiang");
        assert_eq!(palladius_to_pinyin("Ван И"), "wang yi");
    }

    #[test]
    fn skeletons_meet() {
        assert_eq!(skeleton("Maslov"), skeleton("masiluofu"));
        assert_eq!(skeleton("Solodov"), skeleton("suoluoduofu"));
        assert_eq!(skeleton(&transliterate("Маслов")), skeleton("Maslov"));
    }
}
