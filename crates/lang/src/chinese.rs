//! Simplified ↔ Traditional Chinese: OpenCC conversion (phrase level, pure Rust via
//! `ferrous-opencc`) and the decision which script a text is written in.
//!
//! The script is read off the characters, never guessed by a language detector: a text is
//! Traditional when converting it to Simplified changes more of its characters than converting it
//! to Traditional does, and the other way round. Text whose characters read the same in both
//! scripts is [`HanScript::Either`].

use std::path::Path;
use std::sync::{Arc, OnceLock};

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

/// The npm package of OpenCC itself (Apache-2.0), pinned: its `data/dictionary/*.txt` are newer
/// than the dictionaries compiled into `ferrous-opencc` and pass OpenCC's own test cases where
/// those fail (see the crate's `eval` example). Opt-in via [`Converters::from_package`].
#[cfg(feature = "fetch")]
pub const OPENCC_PACKAGE: assets::Package = assets::Package {
    registry: assets::Registry::Npm,
    name: "opencc",
    version: "1.4.2",
    file: "opencc-1.4.2.tgz",
    sha256: "5b5e89fb0aeb98963892203f3665611816b4c2e22b1131ee74ccba2976de4515",
};

/// Where the dictionaries sit inside the unpacked package.
pub const OPENCC_DICTIONARY_PATH: &str = "package/data/dictionary";

/// Where the dictionaries come from.
#[derive(Debug, Clone)]
enum Source {
    /// Compiled into `ferrous-opencc`.
    Builtin,
    /// OpenCC's text dictionaries in a directory.
    Dir(std::path::PathBuf),
}

/// The OpenCC converters, each built on first use.
pub struct Converters {
    source: Source,
    slots: [OnceLock<Result<OpenCC, String>>; 12],
}

impl std::fmt::Debug for Converters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Converters")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl Converters {
    /// The process-wide converters with the built-in dictionaries.
    pub fn shared() -> &'static Converters {
        Converters::shared_arc().as_ref()
    }

    /// The process-wide converters, to hold in an `Arc`.
    pub fn shared_arc() -> &'static Arc<Converters> {
        static SHARED: OnceLock<Arc<Converters>> = OnceLock::new();
        SHARED.get_or_init(|| Arc::new(Converters::builtin()))
    }

    /// Converters with the dictionaries compiled into `ferrous-opencc` (no IO).
    pub fn builtin() -> Converters {
        Converters {
            source: Source::Builtin,
            slots: Default::default(),
        }
    }

    /// Converters with the dictionaries of OpenCC's npm package ([`OPENCC_PACKAGE`]), fetched
    /// and checked on first use through the asset cache. t2s and s2t are built at once.
    ///
    /// What is built from the dictionaries — the reversed variant dictionaries, the chain
    /// configurations and the compiled forms OpenCC keeps beside each text dictionary — goes
    /// among the cache's derived files (`derived/opencc-<version>/`, a copy of the text
    /// dictionaries made once), never into the package's folder.
    #[cfg(feature = "fetch")]
    pub fn from_package() -> Result<Converters, LangError> {
        let cache = assets::Cache::configured();
        let package = cache.package_dir(&OPENCC_PACKAGE)?;
        let work = cache
            .derived_dir()
            .join(format!("opencc-{}", OPENCC_PACKAGE.version));
        if !work.join(".complete").exists() {
            copy_dictionaries(&package.join(OPENCC_DICTIONARY_PATH), &work)?;
        }
        Converters::from_dictionary_dir(&work)
    }

    /// Converters with OpenCC's text dictionaries (`STPhrases.txt`, …) from `dir`. The reverse
    /// variant dictionaries OpenCC generates at build time are generated here if missing, and
    /// compiled forms are cached beside the text files, so `dir` must be writable.
    pub fn from_dictionary_dir(dir: &Path) -> Result<Converters, LangError> {
        for (from, to) in [
            ("TWVariants", "TWVariantsRev"),
            ("HKVariants", "HKVariantsRev"),
        ] {
            let target = dir.join(format!("{to}.txt"));
            if !target.exists() {
                let source = dir.join(format!("{from}.txt"));
                if let Ok(text) = std::fs::read_to_string(&source) {
                    std::fs::write(&target, reverse_dictionary(&text)).map_err(|source| {
                        LangError::Io {
                            path: target.clone(),
                            source,
                        }
                    })?;
                }
            }
        }
        let converters = Converters {
            source: Source::Dir(dir.to_path_buf()),
            slots: Default::default(),
        };
        converters.check(Conversion::T2s)?;
        converters.check(Conversion::S2t)?;
        Ok(converters)
    }

    fn build(&self, conversion: Conversion) -> Result<OpenCC, String> {
        match &self.source {
            Source::Builtin => OpenCC::from_config(conversion.builtin()).map_err(|e| e.to_string()),
            Source::Dir(dir) => {
                let config = dir.join(format!("storyline-{}.json", conversion.name()));
                std::fs::write(&config, chain_config(conversion))
                    .map_err(|e| format!("{}: {e}", config.display()))?;
                OpenCC::new(&config).map_err(|e| format!("{}: {e}", config.display()))
            }
        }
    }

    fn get(&self, conversion: Conversion) -> Result<&OpenCC, LangError> {
        let slot = &self.slots[conversion.index()];
        slot.get_or_init(|| self.build(conversion))
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

/// OpenCC's classic conversion chains (each step a group of dictionaries, longest match wins)
/// as a `ferrous-opencc` configuration over text dictionaries.
fn chain_config(conversion: Conversion) -> String {
    const S2T: &[&str] = &["STPhrases", "STCharacters"];
    const T2S: &[&str] = &["TSPhrases", "TSCharacters"];
    const TW_REV: &[&str] = &["TWVariantsRevPhrases", "TWVariantsRev"];
    const HK_REV: &[&str] = &["HKVariantsRevPhrases", "HKVariantsRev"];
    let steps: Vec<&[&str]> = match conversion {
        Conversion::S2t => vec![S2T],
        Conversion::T2s => vec![T2S],
        Conversion::S2tw => vec![S2T, &["TWVariants"]],
        Conversion::Tw2s => vec![TW_REV, T2S],
        Conversion::S2hk => vec![S2T, &["HKVariants"]],
        Conversion::Hk2s => vec![HK_REV, T2S],
        Conversion::S2twp => vec![S2T, &["TWPhrases"], &["TWVariants"]],
        Conversion::Tw2sp => vec![
            &["TWPhrasesRev", "TWVariantsRevPhrases", "TWVariantsRev"],
            T2S,
        ],
        Conversion::T2tw => vec![&["TWVariants"]],
        Conversion::Tw2t => vec![TW_REV],
        Conversion::T2hk => vec![&["HKVariants"]],
        Conversion::Hk2t => vec![HK_REV],
    };
    let step = |dicts: &[&str]| {
        let list: Vec<String> = dicts
            .iter()
            .map(|d| format!(r#"{{"type":"text","file":"{d}.txt"}}"#))
            .collect();
        format!(
            r#"{{"dict":{{"type":"group","dicts":[{}]}}}}"#,
            list.join(",")
        )
    };
    let chain: Vec<String> = steps.into_iter().map(step).collect();
    format!(
        r#"{{"name":"{}","conversion_chain":[{}]}}"#,
        conversion.name(),
        chain.join(",")
    )
}

/// Copy OpenCC's text dictionaries from `from` into `to` (made whole in a private folder, then
/// renamed, and marked complete), so that what is built from them is written there.
#[cfg(feature = "fetch")]
fn copy_dictionaries(from: &Path, to: &Path) -> Result<(), LangError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| LangError::Io { path, source }
    };
    let parent = to.parent().unwrap_or(to);
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    let staging = parent.join(format!(
        ".{}.{}",
        to.file_name().and_then(|n| n.to_str()).unwrap_or("opencc"),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).map_err(io(&staging))?;
    for entry in std::fs::read_dir(from).map_err(io(from))? {
        let entry = entry.map_err(io(from))?;
        let name = entry.file_name();
        if name.to_string_lossy().ends_with(".txt") {
            let target = staging.join(&name);
            std::fs::copy(entry.path(), &target).map_err(io(&target))?;
        }
    }
    let done = staging.join(".complete");
    std::fs::write(&done, b"").map_err(io(&done))?;
    // A copy cut short by a crash is replaced; another process may have finished first, and
    // its copy is as good.
    if to.exists() && !to.join(".complete").exists() {
        let _ = std::fs::remove_dir_all(to);
    }
    if std::fs::rename(&staging, to).is_err() {
        let _ = std::fs::remove_dir_all(&staging);
        if !to.join(".complete").exists() {
            return Err(LangError::Io {
                path: to.to_path_buf(),
                source: std::io::Error::other("cannot put the dictionaries in place"),
            });
        }
    }
    Ok(())
}

/// An OpenCC dictionary turned around: `key<TAB>v1 v2` gives `v1<TAB>key` and `v2<TAB>key`.
fn reverse_dictionary(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let Some((key, values)) = line.split_once('\t') else {
            continue;
        };
        for v in values.split_whitespace() {
            out.push_str(v);
            out.push('\t');
            out.push_str(key.trim());
            out.push('\n');
        }
    }
    out
}
