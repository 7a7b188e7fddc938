//! Simplified ↔ Traditional Chinese: OpenCC conversion (phrase level, pure Rust via
//! `ferrous-opencc`) and the decision which script a text is written in.
//!
//! The script is read off the characters, never guessed by a language detector: a text is
//! Traditional when converting it to Simplified changes more of its characters than converting it
//! to Traditional does, and the other way round. Text whose characters read the same in both
//! scripts is [`HanScript::Either`].

use std::sync::OnceLock;

use ferrous_opencc::config::BuiltinConfig;
use ferrous_opencc::OpenCC;

use crate::error::LangError;
use crate::script::is_han;

/// One OpenCC conversion (the configuration names are OpenCC's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Conversion {
    /// Simplified → Traditional (OpenCC standard forms).
    S2t,
    /// Traditional → Simplified.
    T2s,
    /// Simplified → Traditional (Taiwan).
    S2tw,
    /// Traditional (Taiwan) → Simplified.
    Tw2s,
    /// Simplified → Traditional (Hong Kong).
    S2hk,
    /// Traditional (Hong Kong) → Simplified.
    Hk2s,
    /// Simplified → Traditional (Taiwan), with Taiwanese vocabulary.
    S2twp,
    /// Traditional (Taiwan) → Simplified, with Mainland vocabulary.
    Tw2sp,
    /// Traditional → Traditional (Taiwan).
    T2tw,
    /// Traditional (Taiwan) → Traditional.
    Tw2t,
    /// Traditional → Traditional (Hong Kong).
    T2hk,
    /// Traditional (Hong Kong) → Traditional.
    Hk2t,
}

impl Conversion {
    /// Every conversion this crate ships.
    pub const ALL: [Conversion; 12] = [
        Conversion::S2t,
        Conversion::T2s,
        Conversion::S2tw,
        Conversion::Tw2s,
        Conversion::S2hk,
        Conversion::Hk2s,
        Conversion::S2twp,
        Conversion::Tw2sp,
        Conversion::T2tw,
        Conversion::Tw2t,
        Conversion::T2hk,
        Conversion::Hk2t,
    ];

    /// OpenCC's name for it (`s2t`, `t2s`, `s2twp`, …).
    pub fn name(self) -> &'static str {
        match self {
            Conversion::S2t => "s2t",
            Conversion::T2s => "t2s",
            Conversion::S2tw => "s2tw",
            Conversion::Tw2s => "tw2s",
            Conversion::S2hk => "s2hk",
            Conversion::Hk2s => "hk2s",
            Conversion::S2twp => "s2twp",
            Conversion::Tw2sp => "tw2sp",
            Conversion::T2tw => "t2tw",
            Conversion::Tw2t => "tw2t",
            Conversion::T2hk => "t2hk",
            Conversion::Hk2t => "hk2t",
        }
    }

    /// The conversion with OpenCC's name `name`.
    pub fn from_name(name: &str) -> Option<Conversion> {
        Conversion::ALL.into_iter().find(|c| c.name() == name)
    }

    fn builtin(self) -> BuiltinConfig {
        match self {
            Conversion::S2t => BuiltinConfig::S2t,
            Conversion::T2s => BuiltinConfig::T2s,
            Conversion::S2tw => BuiltinConfig::S2tw,
            Conversion::Tw2s => BuiltinConfig::Tw2s,
            Conversion::S2hk => BuiltinConfig::S2hk,
            Conversion::Hk2s => BuiltinConfig::Hk2s,
            Conversion::S2twp => BuiltinConfig::S2twp,
            Conversion::Tw2sp => BuiltinConfig::Tw2sp,
            Conversion::T2tw => BuiltinConfig::T2tw,
            Conversion::Tw2t => BuiltinConfig::Tw2t,
            Conversion::T2hk => BuiltinConfig::T2hk,
            Conversion::Hk2t => BuiltinConfig::Hk2t,
        }
    }

    fn index(self) -> usize {
        Conversion::ALL.iter().position(|&c| c == self).unwrap_or(0)
    }
}

/// The Chinese script of a text, read off its characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HanScript {
    Simplified,
    Traditional,
    /// No character tells (none differs between the scripts, or as many point each way).
    Either,
}

/// How many characters point to each script: the characters a t2s pass changes are Traditional
/// ones, the characters an s2t pass changes are Simplified ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HanEvidence {
    /// Characters only Simplified text uses.
    pub simplified: usize,
    /// Characters only Traditional text uses.
    pub traditional: usize,
}

impl HanEvidence {
    pub fn script(self) -> HanScript {
        use std::cmp::Ordering::*;
        match self.simplified.cmp(&self.traditional) {
            Greater => HanScript::Simplified,
            Less => HanScript::Traditional,
            Equal => HanScript::Either,
        }
    }

    pub fn plus(self, other: HanEvidence) -> HanEvidence {
        HanEvidence {
            simplified: self.simplified + other.simplified,
            traditional: self.traditional + other.traditional,
        }
    }
}

/// Only this many bytes of a text are examined to decide its script: plenty to decide, and it
/// bounds the time on huge inputs.
const EVIDENCE_BYTES: usize = 16 * 1024;

/// The OpenCC converters, each built on first use and shared by the whole process.
pub struct Converters {
    slots: [OnceLock<Result<OpenCC, String>>; 12],
}

impl std::fmt::Debug for Converters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Converters").finish_non_exhaustive()
    }
}

impl Converters {
    /// The process-wide converters.
    pub fn shared() -> &'static Converters {
        static SHARED: OnceLock<Converters> = OnceLock::new();
        SHARED.get_or_init(|| Converters {
            slots: Default::default(),
        })
    }

    fn get(&self, conversion: Conversion) -> Result<&OpenCC, LangError> {
        let slot = &self.slots[conversion.index()];
        slot.get_or_init(|| OpenCC::from_config(conversion.builtin()).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|why| LangError::OpenCc {
                config: conversion.name(),
                why: why.clone(),
            })
    }

    /// Build a conversion now (so that a failure shows at start-up, not on the first text).
    pub fn check(&self, conversion: Conversion) -> Result<(), LangError> {
        self.get(conversion).map(|_| ())
    }

    /// Convert `text`; text without Chinese characters comes back unchanged.
    ///
    /// The built-in dictionaries are compiled into the binary and checked by the crate's tests;
    /// should one still fail to load, the text is returned unconverted rather than lost.
    pub fn convert(&self, conversion: Conversion, text: &str) -> String {
        if !text.chars().any(is_han) {
            return text.to_string();
        }
        match self.get(conversion) {
            Ok(cc) => cc.convert(text),
            Err(_) => text.to_string(),
        }
    }

    /// Count the characters of `text` that belong to one script only.
    pub fn evidence(&self, text: &str) -> HanEvidence {
        let text = prefix(text, EVIDENCE_BYTES);
        if !text.chars().any(is_han) {
            return HanEvidence::default();
        }
        HanEvidence {
            traditional: changed_han(text, &self.convert(Conversion::T2s, text)),
            simplified: changed_han(text, &self.convert(Conversion::S2t, text)),
        }
    }
}

/// How many Chinese characters of `before` differ in `after`. OpenCC keeps the length of nearly
/// every phrase; where it does not, the difference in length counts as changed characters.
fn changed_han(before: &str, after: &str) -> usize {
    let mut changed = 0;
    let (mut a, mut b) = (before.chars(), after.chars());
    loop {
        match (a.next(), b.next()) {
            (Some(x), Some(y)) => changed += usize::from(x != y && is_han(x)),
            (Some(_), None) | (None, Some(_)) => changed += 1,
            (None, None) => break,
        }
    }
    changed
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
pub(crate) fn prefix(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}
