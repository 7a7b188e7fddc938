//! The program's one configuration: a TOML file, then `STORYLINE_*` environment variables,
//! then the command line, each overriding the one before. The library crates read none of
//! these themselves: [`Config::apply`] hands each its part once, before any work starts.
//!
//! The file is `--config FILE` (or `STORYLINE_CONFIG`), else
//! `$XDG_CONFIG_HOME/storyline/config.toml` (`~/.config/storyline/config.toml`) when it exists.
//! Every key is optional:
//!
//! ```toml
//! db = "./storyline-data"        # STORYLINE_DB, --db: a directory or a PostgreSQL URL
//! cache = "~/.cache/storyline"   # STORYLINE_CACHE: fetched models and data
//! assets = "/srv/packages"       # STORYLINE_ASSETS: package files to use instead of a registry
//! log = "warn"                   # STORYLINE_LOG: a tracing filter ("info", "watch=debug")
//! batch = 256                    # STORYLINE_BATCH: documents analysed together (1..=4096)
//! token = "…"                    # STORYLINE_TOKEN, --token: bearer token of POST /api/ingest
//! contact = "me@example.org"     # STORYLINE_CONTACT, --contact: sent by `watch` in its User-Agent
//!
//! [enrich]
//! enabled = true                 # STORYLINE_ENRICH=off: no entities, quotes, facts or claims
//! ner = true                     # STORYLINE_NER=off: no NER models (rules and gazetteer only)
//! snapshot = true                # STORYLINE_ENRICH_SNAPSHOT=off: rebuild resources every run
//!
//! [search]
//! scan = "auto"                  # STORYLINE_SCAN: auto, exact or approx vector ranking
//! min-cosine = 0.45              # STORYLINE_MIN_COSINE: least cosine of a hit by meaning alone
//! ```
//!
//! A file that does not parse, an unknown key and a bad value (in the file or the
//! environment) are errors that name where the value came from.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Deserialize;

/// The configuration after file and environment (the command line is applied by the caller,
/// which knows which of its values were given).
#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    pub db: Option<String>,
    pub cache: Option<PathBuf>,
    pub assets: Option<PathBuf>,
    pub log: Option<String>,
    pub batch: Option<usize>,
    pub token: Option<String>,
    pub contact: Option<String>,
    #[serde(default)]
    pub enrich: EnrichConfig,
    #[serde(default)]
    pub search: SearchConfig,
}

#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct EnrichConfig {
    pub enabled: Option<bool>,
    pub ner: Option<bool>,
    pub snapshot: Option<bool>,
}

#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SearchConfig {
    pub scan: Option<String>,
    pub min_cosine: Option<f32>,
}

static CURRENT: std::sync::OnceLock<Config> = std::sync::OnceLock::new();

/// The configuration [`Config::apply`] installed (the defaults before that).
pub fn current() -> &'static Config {
    CURRENT.get_or_init(Config::default)
}

/// The largest batch `batch` may ask for.
const MAX_BATCH: usize = 4096;

impl Config {
    /// The file (`explicit`, else the default place when it exists), then the environment
    /// (`env` gives a variable's value; the program passes `std::env::var`).
    pub fn load(explicit: Option<&Path>, env: &dyn Fn(&str) -> Option<String>) -> Result<Config> {
        let mut config = match explicit
            .map(Path::to_path_buf)
            .or_else(|| default_file(env))
        {
            Some(path) => Config::read(&path, explicit.is_some())?,
            None => Config::default(),
        };
        config.overlay_env(env)?;
        config.check()?;
        Ok(config)
    }

    /// Read a config file; a missing default file is an empty configuration.
    fn read(path: &Path, required: bool) -> Result<Config> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Config::default())
            }
            Err(e) => return Err(e).with_context(|| format!("{}: cannot read", path.display())),
        };
        let mut config: Config = toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.to_string().trim_end()))?;
        // Relative paths in the file are relative to the file, as a reader expects.
        let base = path.parent().unwrap_or(Path::new("."));
        for p in [&mut config.cache, &mut config.assets]
            .into_iter()
            .flatten()
        {
            *p = expand_home(p, base);
        }
        Ok(config)
    }

    /// `STORYLINE_*` variables over the file's values.
    fn overlay_env(&mut self, env: &dyn Fn(&str) -> Option<String>) -> Result<()> {
        let var = |name: &str| env(name).filter(|v| !v.is_empty());
        if let Some(v) = var("STORYLINE_DB") {
            self.db = Some(v);
        }
        if let Some(v) = var("STORYLINE_CACHE") {
            self.cache = Some(PathBuf::from(v));
        }
        if let Some(v) = var("STORYLINE_ASSETS") {
            self.assets = Some(PathBuf::from(v));
        }
        if let Some(v) = var("STORYLINE_LOG") {
            self.log = Some(v);
        }
        if let Some(v) = var("STORYLINE_BATCH") {
            self.batch = Some(
                v.trim()
                    .parse()
                    .with_context(|| format!("STORYLINE_BATCH={v}: not a whole number"))?,
            );
        }
        if let Some(v) = var("STORYLINE_TOKEN") {
            self.token = Some(v);
        }
        if let Some(v) = var("STORYLINE_CONTACT") {
            self.contact = Some(v);
        }
        for (name, slot) in [
            ("STORYLINE_ENRICH", &mut self.enrich.enabled),
            ("STORYLINE_NER", &mut self.enrich.ner),
            ("STORYLINE_ENRICH_SNAPSHOT", &mut self.enrich.snapshot),
        ] {
            if let Some(v) = var(name) {
                *slot = Some(switch(&v).with_context(|| format!("{name}={v}"))?);
            }
        }
        if let Some(v) = var("STORYLINE_SCAN") {
            self.search.scan = Some(v);
        }
        if let Some(v) = var("STORYLINE_MIN_COSINE") {
            self.search.min_cosine = Some(
                v.trim()
                    .parse()
                    .with_context(|| format!("STORYLINE_MIN_COSINE={v}: not a number"))?,
            );
        }
        Ok(())
    }

    /// Values out of range are errors, not silently replaced.
    fn check(&self) -> Result<()> {
        if let Some(n) = self.batch {
            if !(1..=MAX_BATCH).contains(&n) {
                bail!("batch = {n}: must be between 1 and {MAX_BATCH}");
            }
        }
        self.scan()?;
        if let Some(c) = self.search.min_cosine {
            if !(-1.0..=1.0).contains(&c) {
                bail!("search min-cosine = {c}: must be between -1 and 1");
            }
        }
        Ok(())
    }

    fn scan(&self) -> Result<search::Scan> {
        Ok(match self.search.scan.as_deref() {
            None | Some("auto") => search::Scan::Auto,
            Some("exact") => search::Scan::Exact,
            Some("approx") => search::Scan::Approx,
            Some(other) => bail!("search scan = {other:?}: must be auto, exact or approx"),
        })
    }

    /// Documents analysed together before they are committed.
    pub fn batch(&self) -> usize {
        self.batch.unwrap_or(pipeline::ingestor::BATCH)
    }

    /// The search settings.
    pub fn search(&self) -> search::Settings {
        let defaults = search::Settings::default();
        search::Settings {
            scan: self.scan().unwrap_or_default(),
            min_cosine: self.search.min_cosine.unwrap_or(defaults.min_cosine),
        }
    }

    /// Hand the library crates their settings (once per process, before any work).
    pub fn apply(&self) -> Result<()> {
        let assets = assets::Settings {
            cache: self.cache.clone(),
            offline: self.assets.clone(),
        };
        if assets::configure(assets).is_err() {
            bail!("the asset cache was configured twice");
        }
        let defaults = enrich::Settings::default();
        let enrich = enrich::Settings {
            enabled: self.enrich.enabled.unwrap_or(defaults.enabled),
            ner: self.enrich.ner.unwrap_or(defaults.ner),
            snapshot: self.enrich.snapshot.unwrap_or(defaults.snapshot),
        };
        if enrich::configure(enrich).is_err() {
            bail!("enrichment was configured twice");
        }
        if CURRENT.set(self.clone()).is_err() {
            bail!("the configuration was applied twice");
        }
        Ok(())
    }
}

/// `$XDG_CONFIG_HOME/storyline/config.toml`, else `$HOME/.config/storyline/config.toml`.
fn default_file(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    env("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".config")))
        .map(|d| d.join("storyline").join("config.toml"))
}

/// `on`/`off` (also `true`/`false`, `1`/`0`, `yes`/`no`).
fn switch(v: &str) -> Result<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "on" | "true" | "1" | "yes" => Ok(true),
        "off" | "false" | "0" | "no" => Ok(false),
        _ => bail!("must be on or off"),
    }
}

/// `~/x` under the home directory; a relative path under `base`.
fn expand_home(p: &Path, base: &Path) -> PathBuf {
    if let Ok(rest) = p.strip_prefix("~") {
        if let Some(home) = std::env::var_os("HOME") {
            return PathBuf::from(home).join(rest);
        }
    }
    if p.is_relative() {
        base.join(p)
    } else {
        p.to_path_buf()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn the_environment_overrides_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(
            &file,
            "db = \"/data/a\"\ncache = \"cache\"\nbatch = 8\n[enrich]\nner = false\n\
             [search]\nscan = \"exact\"\nmin-cosine = 0.5\n",
        )
        .unwrap();
        let c = Config::load(Some(&file), &env_of(&[])).unwrap();
        assert_eq!(c.db.as_deref(), Some("/data/a"));
        assert_eq!(
            c.cache,
            Some(dir.path().join("cache")),
            "relative to the file"
        );
        assert_eq!(c.batch(), 8);
        assert_eq!(c.enrich.ner, Some(false));
        assert_eq!(c.search().scan, search::Scan::Exact);
        assert_eq!(c.search().min_cosine, 0.5);

        let env = env_of(&[
            ("STORYLINE_DB", "/data/b"),
            ("STORYLINE_BATCH", "16"),
            ("STORYLINE_NER", "on"),
            ("STORYLINE_SCAN", "approx"),
        ]);
        let c = Config::load(Some(&file), &env).unwrap();
        assert_eq!(c.db.as_deref(), Some("/data/b"));
        assert_eq!(c.batch(), 16);
        assert_eq!(c.enrich.ner, Some(true));
        assert_eq!(c.search().scan, search::Scan::Approx);
        assert_eq!(c.search().min_cosine, 0.5, "kept from the file");
    }

    #[test]
    fn the_default_file_is_optional_and_found_under_xdg() {
        let dir = tempfile::tempdir().unwrap();
        let env = env_of(&[("XDG_CONFIG_HOME", dir.path().to_str().unwrap())]);
        assert_eq!(Config::load(None, &env).unwrap(), Config::default());
        std::fs::create_dir_all(dir.path().join("storyline")).unwrap();
        std::fs::write(dir.path().join("storyline/config.toml"), "batch = 3\n").unwrap();
        assert_eq!(Config::load(None, &env).unwrap().batch(), 3);
    }

    #[test]
    fn bad_values_are_errors_naming_where_they_came_from() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        let missing = dir.path().join("missing.toml");
        let err = |c: Result<Config>| format!("{:#}", c.unwrap_err());

        let e = err(Config::load(Some(&missing), &env_of(&[])));
        assert!(
            e.contains("missing.toml") && e.contains("cannot read"),
            "{e}"
        );
        std::fs::write(&file, "dbb = \"x\"\n").unwrap();
        let e = err(Config::load(Some(&file), &env_of(&[])));
        assert!(e.contains("c.toml") && e.contains("dbb"), "{e}");
        std::fs::write(&file, "batch = 0\n").unwrap();
        let e = err(Config::load(Some(&file), &env_of(&[])));
        assert!(e.contains("batch = 0"), "{e}");
        std::fs::write(&file, "[search]\nscan = \"fast\"\n").unwrap();
        let e = err(Config::load(Some(&file), &env_of(&[])));
        assert!(e.contains("fast"), "{e}");
        std::fs::write(&file, "").unwrap();
        let e = err(Config::load(
            Some(&file),
            &env_of(&[("STORYLINE_NER", "maybe")]),
        ));
        assert!(e.contains("STORYLINE_NER=maybe"), "{e}");
        let e = err(Config::load(
            Some(&file),
            &env_of(&[("STORYLINE_BATCH", "x")]),
        ));
        assert!(e.contains("STORYLINE_BATCH=x"), "{e}");
    }
}
