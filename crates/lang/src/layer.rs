//! [`TextLayer`]: everything of the text layer that is costly to build (jieba's dictionary,
//! the OpenCC converters, a user dictionary of proper names from CC-CEDICT), built once and shared.
//!
//! A `TextLayer` is `Send + Sync`; build one at start-up and share it by reference or `Arc`.
//! [`TextLayer::shared`] is a process-wide instance without CEDICT names, built on first use; the
//! crate's free functions use it.

use std::sync::{Arc, OnceLock};

use jieba_rs::Jieba;
use model::Segment;

use crate::cedict::Cedict;
use crate::chinese::{Conversion, Converters, HanScript};
use crate::detect::{analyse, Detection};
use crate::error::LangError;
use crate::script::{is_han, Counts, Group, Script};

/// Longest name (in characters) taken from CEDICT into jieba's dictionary.
const MAX_NAME_CHARS: usize = 8;

/// The text layer, built once.
pub struct TextLayer {
    converters: Arc<Converters>,
    jieba: Jieba,
    names_added: usize,
}

impl std::fmt::Debug for TextLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextLayer")
            .field("names_added", &self.names_added)
            .finish_non_exhaustive()
    }
}

impl TextLayer {
    /// Build the layer: jieba with its default dictionary, plus — when `cedict` is given — the
    /// dictionary's multi-character proper names (习近平, 普京, 喀山, 金砖国家) as words jieba
    /// keeps whole. Takes a few hundred milliseconds with CEDICT.
    pub fn new(cedict: Option<&Cedict>) -> Result<TextLayer, LangError> {
        TextLayer::with_converters(cedict, Converters::shared_arc().clone())
    }

    /// Like [`TextLayer::new`], with other OpenCC converters (e.g. [`Converters::from_package`]
    /// for OpenCC's newer dictionaries).
    pub fn with_converters(
        cedict: Option<&Cedict>,
        converters: Arc<Converters>,
    ) -> Result<TextLayer, LangError> {
        converters.check(Conversion::T2s)?;
        converters.check(Conversion::S2t)?;
        let mut jieba = Jieba::new();
        let mut names_added = 0;
        if let Some(dict) = cedict {
            for e in dict.proper_names() {
                let n = e.simplified.chars().count();
                if !(2..=MAX_NAME_CHARS).contains(&n) || !e.simplified.chars().all(is_han) {
                    continue;
                }
                if keeps_whole(&jieba, &e.simplified) {
                    continue;
                }
                let freq = jieba.suggest_freq(&e.simplified);
                jieba.add_word(&e.simplified, Some(freq), Some("nr"));
                names_added += 1;
            }
        }
        Ok(TextLayer {
            converters,
            jieba,
            names_added,
        })
    }

    /// The full layer: OpenCC's newer dictionaries ([`Converters::from_package`]) and CEDICT's
    /// proper names ([`Cedict::load`]), both fetched through the asset cache on first use.
    /// Returns the dictionary too, for entity linking.
    #[cfg(feature = "fetch")]
    pub fn load() -> Result<(TextLayer, Arc<Cedict>), LangError> {
        let cedict = Arc::new(Cedict::load()?);
        let converters = Arc::new(Converters::from_package()?);
        let layer = TextLayer::with_converters(Some(&cedict), converters)?;
        Ok((layer, cedict))
    }

    /// The process-wide layer without CEDICT names, built on first use.
    pub fn shared() -> &'static TextLayer {
        static SHARED: OnceLock<TextLayer> = OnceLock::new();
        SHARED.get_or_init(|| {
            // Only the built-in OpenCC data can fail here, and the crate's tests load it; should
            // it still fail, the layer works without conversion (text passes unconverted).
            TextLayer::new(None).unwrap_or_else(|_| TextLayer {
                converters: Converters::shared_arc().clone(),
                jieba: Jieba::new(),
                names_added: 0,
            })
        })
    }

    /// jieba with this layer's dictionary.
    pub(crate) fn jieba(&self) -> &Jieba {
        &self.jieba
    }

    /// How many CEDICT names were added to jieba's dictionary.
    pub fn names_added(&self) -> usize {
        self.names_added
    }

    /// The OpenCC converters this layer uses.
    pub fn converters(&self) -> &Converters {
        &self.converters
    }

    /// Split clean paragraphs into language segments (see [`crate::segment`]).
    pub fn segment(&self, paragraphs: &[String]) -> Vec<Segment> {
        crate::segment::segment(paragraphs, &self.converters)
    }

    /// The language tag of `text`.
    pub fn detect(&self, text: &str) -> String {
        analyse(text, &self.converters).lang
    }

    /// The language of `text` with the evidence behind it.
    pub fn analyse(&self, text: &str) -> Detection {
        analyse(text, &self.converters)
    }

    /// The dominant script of `text`, with Chinese decided as Simplified or Traditional.
    pub fn script_of(&self, text: &str) -> Script {
        let counts = Counts::of(crate::chinese::prefix(text, 16 * 1024));
        match counts.dominant().0 {
            Group::None => Script::Unknown,
            Group::Latin => Script::Latin,
            Group::Cyrillic => Script::Cyrillic,
            Group::Other(s) => Script::Other(s),
            Group::Cjk => {
                if counts.hangul > 0 && counts.hangul * 2 >= counts.han {
                    Script::Korean
                } else if counts.kana > 0 && counts.kana * 5 >= counts.han {
                    Script::Japanese
                } else {
                    match self.converters.evidence(text).script() {
                        HanScript::Simplified => Script::Hans,
                        HanScript::Traditional => Script::Hant,
                        HanScript::Either => Script::Han,
                    }
                }
            }
        }
    }

    /// Traditional → Simplified (OpenCC t2s, phrase level).
    pub fn to_simplified(&self, text: &str) -> String {
        self.converters.convert(Conversion::T2s, text)
    }

    /// Simplified → Traditional (OpenCC s2t, phrase level).
    pub fn to_traditional(&self, text: &str) -> String {
        self.converters.convert(Conversion::S2t, text)
    }

    /// The normalised matching view (see [`crate::normalize`]).
    pub fn normalize(&self, text: &str) -> String {
        crate::normalize::normalize(text, &self.converters)
    }

    /// Words of the normalised view: Chinese cut by jieba (in Simplified form), other text split
    /// at non-alphanumerics, decimals such as `3.6` kept whole, possessive `'s` dropped.
    pub fn words(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.for_each_word(text, |w| out.push(w.to_string()));
        out
    }

    /// [`TextLayer::words`] one by one, as slices of the normalised view (no string per word for
    /// callers that keep only some).
    pub fn for_each_word(&self, text: &str, mut f: impl FnMut(&str)) {
        let norm = self.normalize(text);
        let mut rest = norm.as_str();
        while let Some(first) = rest.chars().next() {
            let han = is_han(first);
            let end = rest
                .char_indices()
                .find(|&(_, c)| is_han(c) != han)
                .map_or(rest.len(), |(i, _)| i);
            let (run, tail) = rest.split_at(end);
            if han {
                for t in self.jieba.cut(run, true) {
                    if t.word.chars().any(char::is_alphanumeric) {
                        f(t.word);
                    }
                }
            } else {
                split_alphanumeric(run, &mut f);
            }
            rest = tail;
        }
    }

    /// jieba's own cut of Chinese `text` (no normalisation), for callers that need word spans
    /// of the original text.
    pub fn cut<'a>(&self, text: &'a str) -> Vec<&'a str> {
        self.jieba
            .cut(text, true)
            .into_iter()
            .map(|t| t.word)
            .collect()
    }
}

/// Whether jieba already keeps `word` whole.
fn keeps_whole(jieba: &Jieba, word: &str) -> bool {
    let cut = jieba.cut(word, false);
    cut.len() == 1
}

/// Split non-Chinese text into alphanumeric words: runs of letters and digits, a `.` or `,`
/// between two ASCII digits kept inside (`3.6`, `1,000`), an `s` right after an apostrophe
/// (the possessive) dropped.
pub(crate) fn split_alphanumeric(text: &str, f: &mut impl FnMut(&str)) {
    let mut emit = |word: &str, before: Option<char>| {
        if !(word == "s" && matches!(before, Some('\'' | '’'))) {
            f(word);
        }
    };
    // The word being read (its start, and the character before it), and the previous character.
    let mut word: Option<(usize, Option<char>)> = None;
    let mut prev: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let joins_number = matches!(c, '.' | ',')
            && prev.is_some_and(|p| p.is_ascii_digit())
            && chars.peek().is_some_and(|&(_, n)| n.is_ascii_digit());
        if c.is_alphanumeric() || joins_number {
            if word.is_none() {
                word = Some((i, prev));
            }
        } else if let Some((start, before)) = word.take() {
            emit(&text[start..i], before);
        }
        prev = Some(c);
    }
    if let Some((start, before)) = word {
        emit(&text[start..], before);
    }
}
