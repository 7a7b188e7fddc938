//! The full-text analyser: the one place that turns text into index terms, for documents (in the
//! language of their segment) and for queries (in every language the query's scripts could be).
//! Both store backends index and query through it, so they agree.
//!
//! What a language does is pack data (`packs/<code>/search.txt`, the `stemmer` of `text.txt`):
//! - `analyser.script`: the scripts the language is written in. Its words in those scripts are
//!   stemmed with the pack's Snowball `stemmer`; words in other scripts (an English name in a
//!   Russian article) get the language-neutral path. Stopwords are kept: the packs' lists
//!   (stopwords-iso) are far broader than function words (English has "world", "million",
//!   "states"), so dropping them would lose searchable words; bm25 weighs frequent words down.
//! - `analyser.segmenter: jieba`: runs of Han characters are cut into words by jieba (Chinese;
//!   Traditional is already folded to Simplified by normalisation).
//! - `analyser.bigram`: runs of these scripts are cut into overlapping character pairs
//!   (Japanese, Korean, Thai). Pairs need no dictionary, find every word of two or more
//!   characters as a phrase of pairs, and treat index and query alike; the cost is a larger
//!   index and some false phrase matches across word boundaries, which ranking absorbs.
//!
//! A language without a pack (or a script its pack does not write) gets the language-neutral
//! path: words split at non-alphanumerics, no stemming, and runs of scripts
//! written without spaces between words (Han, kana, Thai, Lao, Khmer, Myanmar) cut into pairs.
//!
//! A query's language is not known (one word says little), so a query is analysed once per
//! language whose pack writes one of its scripts, and once language-neutrally
//! ([`TextLayer::query_forms`]): a document matches when its terms hold any of these forms.

use std::sync::{Arc, LazyLock, RwLock};

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::{FxHashMap, FxHashSet};
use unicode_script::{Script as Us, UnicodeScript};

use crate::layer::{split_alphanumeric, TextLayer};
use crate::pack::{pack, pack_langs, Lang};

/// The analyser's version: a store indexed by another version re-indexes its documents when it
/// opens (terms from another analyser would not match this one's queries). Raise it with any
/// change that gives some text other terms, in code or in the packs' `search.txt`/stemmers.
/// 1 was the English/Chinese/Russian analyser of `store::fulltext`; 2 is the packs' analyser.
pub const ANALYSER_VERSION: i64 = 2;

/// Scripts written without spaces between words: the language-neutral path cuts their runs
/// into character pairs.
const NEUTRAL_BIGRAM: &[Us] = &[
    Us::Han,
    Us::Hiragana,
    Us::Katakana,
    Us::Thai,
    Us::Lao,
    Us::Khmer,
    Us::Myanmar,
];

/// Scripts whose runs are read as runs (not split into words at non-letters first).
fn is_run_script(s: Us) -> bool {
    NEUTRAL_BIGRAM.contains(&s) || s == Us::Hangul
}

/// What one language's pack says about analysis, ready to use.
struct Rules {
    scripts: Vec<Us>,
    bigram: Vec<Us>,
    jieba: bool,
    stemmer: Option<Stemmer>,
    /// The pack's stopwords, normalised: used only to tell which query words carry no
    /// content (never to drop words from the index).
    stopwords: FxHashSet<String>,
}

impl Rules {
    fn neutral() -> Rules {
        Rules {
            scripts: Vec::new(),
            bigram: Vec::new(),
            jieba: false,
            stemmer: None,
            stopwords: FxHashSet::default(),
        }
    }

    fn of(lang: Lang) -> Rules {
        let Some(p) = pack(lang) else {
            return Rules::neutral();
        };
        let scripts = |key: &str| -> Vec<Us> {
            p.items(key)
                .iter()
                .filter_map(|s| Us::from_short_name(s))
                .collect()
        };
        Rules {
            scripts: scripts("analyser.script"),
            bigram: scripts("analyser.bigram"),
            jieba: p.items("analyser.segmenter").iter().any(|s| s == "jieba"),
            stemmer: p.stemmer().and_then(algorithm).map(Stemmer::create),
            stopwords: p
                .items("stopword")
                .iter()
                .map(|w| crate::normalize(w))
                .collect(),
        }
    }
}

/// The `rust-stemmers` algorithm of a pack's `stemmer` name (`none` and unknown names: none;
/// pack loading already refuses unknown names).
fn algorithm(name: &str) -> Option<Algorithm> {
    Some(match name {
        "arabic" => Algorithm::Arabic,
        "danish" => Algorithm::Danish,
        "dutch" => Algorithm::Dutch,
        "english" => Algorithm::English,
        "finnish" => Algorithm::Finnish,
        "french" => Algorithm::French,
        "german" => Algorithm::German,
        "greek" => Algorithm::Greek,
        "hungarian" => Algorithm::Hungarian,
        "italian" => Algorithm::Italian,
        "norwegian" => Algorithm::Norwegian,
        "portuguese" => Algorithm::Portuguese,
        "romanian" => Algorithm::Romanian,
        "russian" => Algorithm::Russian,
        "spanish" => Algorithm::Spanish,
        "swedish" => Algorithm::Swedish,
        "tamil" => Algorithm::Tamil,
        "turkish" => Algorithm::Turkish,
        _ => return None,
    })
}

/// Rules per language with a pack, built on first use (a language without a pack is not
/// remembered, so a pack added at run time is picked up).
static RULES: LazyLock<RwLock<FxHashMap<Lang, Arc<Rules>>>> = LazyLock::new(Default::default);
static NEUTRAL: LazyLock<Arc<Rules>> = LazyLock::new(|| Arc::new(Rules::neutral()));

fn rules(lang: Lang) -> Arc<Rules> {
    if let Some(r) = RULES.read().ok().and_then(|m| m.get(&lang).cloned()) {
        return r;
    }
    if pack(lang).is_none() {
        return NEUTRAL.clone();
    }
    let r = Arc::new(Rules::of(lang));
    if let Ok(mut m) = RULES.write() {
        m.insert(lang, r.clone());
    }
    r
}

/// How a piece of a run is cut.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cut {
    Jieba,
    /// Character pairs.
    Bigram,
    /// One word.
    Word,
}

fn cut_of(s: Us, r: &Rules) -> Cut {
    if r.scripts.contains(&s) {
        if r.jieba && s == Us::Han {
            Cut::Jieba
        } else if r.bigram.contains(&s) {
            Cut::Bigram
        } else {
            Cut::Word
        }
    } else if NEUTRAL_BIGRAM.contains(&s) {
        Cut::Bigram
    } else {
        Cut::Word
    }
}

fn is_mark(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

/// The script a character of a run belongs to; `None` for characters that take their
/// neighbour's (the prolonged sound mark ー, iteration marks, combining marks).
fn run_script(c: char) -> Option<Us> {
    match c.script() {
        Us::Common | Us::Inherited | Us::Unknown => None,
        s => Some(s),
    }
}

impl TextLayer {
    /// Index terms of `text` written in `lang` (see the module documentation): normalised
    /// (NFKC, lowercase, Simplified Chinese), cut into words as the language's pack says, its
    /// words stemmed; words of other scripts language-neutrally.
    pub fn index_terms(&self, text: &str, lang: Lang) -> Vec<String> {
        let r = rules(lang);
        let mut out = Vec::new();
        self.analyse_into(
            &crate::normalize::normalize(text, self.converters()),
            &r,
            &mut out,
        );
        out
    }

    /// The forms of a query text the index may hold: its analysis in every language whose pack
    /// writes one of its scripts, and the language-neutral one; distinct, none empty, the
    /// neutral form first.
    pub fn query_forms(&self, text: &str) -> Vec<Vec<String>> {
        let norm = crate::normalize::normalize(text, self.converters());
        let scripts: FxHashSet<Us> = norm.chars().filter_map(run_script).collect();
        let mut out: Vec<Vec<String>> = Vec::new();
        let mut push = |terms: Vec<String>| {
            if !terms.is_empty() && !out.contains(&terms) {
                out.push(terms);
            }
        };
        let mut neutral = Vec::new();
        self.analyse_into(&norm, &NEUTRAL, &mut neutral);
        push(neutral);
        for lang in pack_langs() {
            let r = rules(lang);
            if r.scripts.iter().any(|s| scripts.contains(s)) {
                let mut terms = Vec::new();
                self.analyse_into(&norm, &r, &mut terms);
                push(terms);
            }
        }
        out
    }

    /// The words of a query, each searched as a group of alternatives: like
    /// [`TextLayer::words`], except that a run of scripts written without spaces that is not
    /// pure Chinese (Japanese kana and kanji, Hangul, Thai) stays one word, combining marks
    /// included, so that its forms ([`TextLayer::query_forms`]) are phrases of character pairs
    /// (a one-character piece of it would find nothing in an index of pairs).
    pub fn query_words(&self, text: &str) -> Vec<String> {
        let norm = crate::normalize::normalize(text, self.converters());
        let mut out = Vec::new();
        self.for_each_piece(&norm, |piece, is_run| {
            if !is_run {
                split_alphanumeric(piece, &mut |w: &str| out.push(w.to_string()));
            } else if piece
                .chars()
                .all(|c| run_script(c).is_none_or(|s| s == Us::Han))
            {
                for t in self.jieba().cut(piece, true) {
                    if t.word.chars().any(char::is_alphanumeric) {
                        out.push(t.word.to_string());
                    }
                }
            } else {
                out.push(piece.to_string());
            }
        });
        out
    }

    /// Cut normalised text into text read as words (`false`) and runs of scripts read as runs
    /// (`true`), in order.
    fn for_each_piece<'t>(&self, norm: &'t str, mut f: impl FnMut(&'t str, bool)) {
        let mut rest = norm;
        while !rest.is_empty() {
            let run_start = rest
                .char_indices()
                .find(|&(_, c)| c.is_alphanumeric() && run_script(c).is_some_and(is_run_script));
            let (words, tail) = match run_start {
                Some((i, _)) => rest.split_at(i),
                None => (rest, ""),
            };
            if !words.is_empty() {
                f(words, false);
            }
            if tail.is_empty() {
                break;
            }
            // The run: letters of run scripts, with the marks and script-less letters among them.
            let end = tail
                .char_indices()
                .find(|&(_, c)| match run_script(c) {
                    Some(s) => !is_run_script(s),
                    None => !(c.is_alphanumeric() || is_mark(c)),
                })
                .map_or(tail.len(), |(i, _)| i);
            let (run, after) = tail.split_at(end);
            f(run, true);
            rest = after;
        }
    }

    fn analyse_into(&self, norm: &str, r: &Rules, out: &mut Vec<String>) {
        self.for_each_piece(norm, |piece, is_run| {
            if is_run {
                self.run(piece, r, out);
            } else {
                split_alphanumeric(piece, &mut |w: &str| self.word(w, r, out));
            }
        });
    }

    /// One word of text read as words.
    fn word(&self, w: &str, r: &Rules, out: &mut Vec<String>) {
        let script = w.chars().find(|c| c.is_alphabetic()).and_then(run_script);
        let own = script.is_some_and(|s| r.scripts.contains(&s));
        match &r.stemmer {
            Some(st) if own && !w.chars().any(|c| c.is_ascii_digit()) => {
                out.push(st.stem(w).into_owned())
            }
            _ => out.push(w.to_string()),
        }
    }

    /// One run of scripts read as runs, cut piece by piece (a piece: characters cut the same way).
    fn run(&self, run: &str, r: &Rules, out: &mut Vec<String>) {
        let mut pieces: Vec<(Cut, usize, usize)> = Vec::new();
        for (i, c) in run.char_indices() {
            let end = i + c.len_utf8();
            match (run_script(c).map(|s| cut_of(s, r)), pieces.last_mut()) {
                (Some(cut), Some(last)) if last.0 == cut => last.2 = end,
                (None, Some(last)) => last.2 = end,
                (Some(cut), _) => pieces.push((cut, i, end)),
                // Leading script-less characters join the first piece.
                (None, None) => pieces.push((Cut::Word, i, end)),
            }
        }
        // A leading script-less piece takes the cut of the piece after it.
        if pieces.len() > 1 && run_script(run.chars().next().unwrap_or(' ')).is_none() {
            let first = pieces.remove(0);
            pieces[0].1 = first.1;
        }
        for (cut, from, to) in pieces {
            let piece = &run[from..to];
            match cut {
                Cut::Jieba => {
                    for t in self.jieba().cut(piece, true) {
                        if t.word.chars().any(char::is_alphanumeric) {
                            out.push(t.word.to_string());
                        }
                    }
                }
                Cut::Bigram => {
                    // Letters only: the full-text tokenizers split at marks.
                    let letters: Vec<char> = piece.chars().filter(|&c| !is_mark(c)).collect();
                    if letters.len() == 1 {
                        out.push(letters[0].to_string());
                    } else {
                        out.extend(letters.windows(2).map(|p| p.iter().collect::<String>()));
                    }
                }
                Cut::Word => {
                    let w: String = piece.chars().filter(|&c| !is_mark(c)).collect();
                    if !w.is_empty() {
                        out.push(w);
                    }
                }
            }
        }
    }
}

/// [`TextLayer::index_terms`] with the shared layer.
pub fn analyse(text: &str, lang: Lang) -> Vec<String> {
    TextLayer::shared().index_terms(text, lang)
}

/// Whether `word` is a stopword of a pack written in its script (after normalisation): a query
/// word that says little about what is sought, such as "в" or "the". For deciding which words
/// a query may do without, never for the index.
pub fn is_stopword(word: &str) -> bool {
    let norm = crate::normalize(word);
    let Some(script) = norm.chars().find_map(run_script) else {
        return false;
    };
    pack_langs().into_iter().any(|l| {
        let r = rules(l);
        r.scripts.contains(&script) && r.stopwords.contains(&norm)
    })
}

/// [`TextLayer::query_words`] with the shared layer.
pub fn query_words(text: &str) -> Vec<String> {
    TextLayer::shared().query_words(text)
}

/// [`TextLayer::query_forms`] with the shared layer.
pub fn query_forms(text: &str) -> Vec<Vec<String>> {
    TextLayer::shared().query_forms(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(text: &str, lang: &str) -> Vec<String> {
        analyse(text, Lang::parse(lang))
    }

    #[test]
    fn stems_per_pack() {
        assert_eq!(
            a("The elections in Germany", "en"),
            ["the", "elect", "in", "germani"]
        );
        assert_eq!(
            a("Wahlen in Deutschland", "de"),
            ["wahl", "in", "deutschland"]
        );
        assert_eq!(a("в Казани", "ru"), ["в", "казан"]);
        // A word of another script than the pack's: language-neutral, not stemmed.
        assert_eq!(
            a("Путин met Elections", "ru"),
            ["путин", "met", "elections"]
        );
    }

    #[test]
    fn cuts_chinese_with_jieba_and_folds_traditional() {
        assert_eq!(
            a("習近平訪問俄羅斯", "zh-Hant"),
            a("习近平访问俄罗斯", "zh-Hans")
        );
        assert!(a("金砖国家", "zh-Hans").len() <= 2);
    }

    #[test]
    fn cuts_japanese_korean_thai_into_pairs() {
        assert_eq!(a("東京都", "ja"), ["东京", "京都"]);
        assert_eq!(a("서울에서", "ko"), ["서울", "울에", "에서"]);
        // Thai: marks dropped (the full-text tokenizers split at them), pairs of letters.
        let th = a("ประเทศไทย", "th");
        assert_eq!(th.len(), "ประเทศไทย".chars().count() - 1);
        // A word in the query is found as a phrase of pairs in the document.
        let doc = a("ฉันอยู่ประเทศไทย", "th").join(" ");
        assert!(doc.contains(&th.join(" ")));
    }

    #[test]
    fn a_language_without_a_pack_is_neutral() {
        // Swahili has no pack: no stemming; Han without a pack: pairs.
        assert_eq!(a("Uchaguzi wa Kenya", "sw"), ["uchaguzi", "wa", "kenya"]);
        assert_eq!(a("东京都", "und"), ["东京", "京都"]);
        assert_eq!(a("Elections", "und"), ["elections"]);
    }

    #[test]
    fn query_forms_cover_every_language_of_the_script() {
        let forms = query_forms("Wahlen");
        assert!(forms.contains(&vec!["wahl".to_string()]), "{forms:?}");
        assert!(forms.contains(&vec!["wahlen".to_string()]), "{forms:?}");
        // A query finds the document in any pack of its script: every document analysis of a
        // word is among the query's forms.
        for lang in ["en", "de", "fr", "es", "it", "pt", "nl", "pl", "tr", "sw"] {
            let doc = a("Elections", lang);
            assert!(query_forms("Elections").contains(&doc), "{lang}");
        }
        for (text, lang) in [
            ("金砖国家", "zh-Hans"),
            ("金磚國家", "zh-Hant"),
            ("東京都", "ja"),
        ] {
            assert!(query_forms(text).contains(&a(text, lang)), "{text}");
        }
        assert!(query_forms("  ").is_empty());
    }

    #[test]
    fn query_words_keep_runs_that_are_cut_into_pairs_whole() {
        // Chinese is cut by jieba (each word translated on its own); a Japanese or Thai run stays
        // whole, marks and all, and its pairs are found in the document.
        assert!(query_words("习近平会见普京").len() > 1);
        for (text, lang, doc) in [
            ("東京都の知事", "ja", "昨日、東京都の知事が辞任した"),
            ("เพิ่มเป็นสองเท่า", "th", "สหรัฐควรให้เงินอุดหนุนเพิ่มเป็นสองเท่า"),
        ] {
            let words = query_words(text);
            assert_eq!(words.len(), 1, "{words:?}");
            let doc = format!(" {} ", a(doc, lang).join(" "));
            assert!(
                query_forms(&words[0])
                    .iter()
                    .any(|f| doc.contains(&format!(" {} ", f.join(" ")))),
                "{text}"
            );
        }
        assert_eq!(query_words("Xi's talks, 3.6%"), ["xi", "talks", "3.6"]);
    }

    #[test]
    fn stopwords_are_known_per_script() {
        assert!(is_stopword("в") && is_stopword("The") && is_stopword("的"));
        assert!(!is_stopword("Казань") && !is_stopword("BRICS") && !is_stopword("2024"));
    }
}
