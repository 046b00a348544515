//! Where identities are looked for, in order, and a record of every place searched so a
//! "no key found" message can list them all (as sops does).

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use super::parse::{parse_bytes, parse_text, read_file};
use super::{Identity, IdentityError};

/// Every place an identity may come from. Built from the process environment by
/// [`IdentitySources::from_env`], or by hand in tests.
#[derive(Clone, Default)]
pub struct IdentitySources {
    /// `--identity FILE`, repeatable, in order.
    pub files: Vec<PathBuf>,
    /// `CFGC_AGE_KEY_FILE`.
    pub env_key_file: Option<PathBuf>,
    /// `CFGC_AGE_KEY`: the key text itself; may hold several lines.
    pub env_key: Option<String>,
    /// `$XDG_CONFIG_HOME/cfgc/age/keys.txt`, else `~/.config/cfgc/age/keys.txt`.
    pub default_path: Option<PathBuf>,
    /// `SOPS_AGE_KEY_FILE`, so sops users can switch without moving keys.
    pub sops_key_file: Option<PathBuf>,
    /// An environment's demo key declared in `cfgc.toml` (path already resolved).
    pub project_file: Option<PathBuf>,
}

// By hand, because `env_key` is key material and must not reach a debug print.
impl fmt::Debug for IdentitySources {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdentitySources")
            .field("files", &self.files)
            .field("env_key_file", &self.env_key_file)
            .field("env_key", &self.env_key.as_ref().map(|_| "<redacted>"))
            .field("default_path", &self.default_path)
            .field("sops_key_file", &self.sops_key_file)
            .field("project_file", &self.project_file)
            .finish()
    }
}

/// One place searched and what was found there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Searched {
    /// e.g. `CFGC_AGE_KEY_FILE`, `--identity`, `default key file`.
    pub place: String,
    /// e.g. `not set`, `/x/k.txt: no such file`, `/x/k.txt: 2 identities`.
    pub outcome: String,
}

const PLACE_FILES: &str = "--identity";
const PLACE_ENV_FILE: &str = "CFGC_AGE_KEY_FILE";
const PLACE_ENV_KEY: &str = "CFGC_AGE_KEY";
const PLACE_DEFAULT: &str = "default key file";
const PLACE_SOPS: &str = "SOPS_AGE_KEY_FILE";
const PLACE_PROJECT: &str = "demo key in cfgc.toml";

impl IdentitySources {
    /// Whether the user named an identity for this run (`--identity`, `CFGC_AGE_KEY_FILE`,
    /// `CFGC_AGE_KEY`, `SOPS_AGE_KEY_FILE`), as opposed to relying on default paths.
    pub fn given(&self) -> bool {
        !self.files.is_empty()
            || self.env_key_file.is_some()
            || self.env_key.is_some()
            || self.sops_key_file.is_some()
    }

    /// Reads the variables from the process environment.
    pub fn from_env(files: Vec<PathBuf>, project_file: Option<PathBuf>) -> Self {
        Self::from_lookup(files, project_file, |name| std::env::var_os(name))
    }

    /// Like [`from_env`](Self::from_env) with a stand-in for the environment, so tests
    /// need not mutate the process's variables.
    ///
    /// An empty variable counts as unset: CI systems often define a missing secret as "".
    pub fn from_lookup(
        files: Vec<PathBuf>,
        project_file: Option<PathBuf>,
        lookup: impl Fn(&str) -> Option<OsString>,
    ) -> Self {
        let var = |name: &str| lookup(name).filter(|value| !value.is_empty());
        let path = |name: &str| var(name).map(PathBuf::from);
        // The XDG spec says to ignore a relative XDG_CONFIG_HOME.
        let config_home = path("XDG_CONFIG_HOME")
            .filter(|dir| dir.is_absolute())
            .or_else(|| path("HOME").map(|home| home.join(".config")));
        IdentitySources {
            files,
            env_key_file: path("CFGC_AGE_KEY_FILE"),
            // A non-UTF-8 key cannot be valid; lossy conversion lets the parser say which line.
            env_key: var("CFGC_AGE_KEY").map(|key| key.to_string_lossy().into_owned()),
            default_path: config_home.map(|dir| dir.join("cfgc").join("age").join("keys.txt")),
            sops_key_file: path("SOPS_AGE_KEY_FILE"),
            project_file,
        }
    }
}

/// Loads identities from every source, in order: `files`, `env_key_file`, `env_key`,
/// `default_path`, `sops_key_file`, `project_file`.
///
/// Unset sources and a missing default file are only recorded in [`Searched`]. A source
/// the user named (a flag, a variable, the project file) that is missing, unreadable or
/// malformed is an error, and so is a default file that exists but is malformed. Finding
/// no identity at all is not an error here: the caller reports it with the search list.
pub fn discover(
    sources: &IdentitySources,
) -> Result<(Vec<Identity>, Vec<Searched>), IdentityError> {
    let mut search = Search::default();

    if sources.files.is_empty() {
        search.record(PLACE_FILES, "not given".into());
    }
    for path in &sources.files {
        search.file(PLACE_FILES, path, Required::Yes)?;
    }
    search.optional_file(
        PLACE_ENV_FILE,
        sources.env_key_file.as_deref(),
        Required::Yes,
    )?;
    match sources.env_key.as_deref() {
        None => search.record(PLACE_ENV_KEY, "not set".into()),
        Some(text) if text.trim().is_empty() => {
            search.record(PLACE_ENV_KEY, "set but empty".into())
        }
        Some(text) => {
            let found = parse_text(text, PLACE_ENV_KEY)?;
            if found.is_empty() {
                return Err(IdentityError::Empty {
                    origin: PLACE_ENV_KEY.into(),
                });
            }
            search.found(PLACE_ENV_KEY, None, found);
        }
    }
    match sources.default_path.as_deref() {
        None => search.record(PLACE_DEFAULT, "no HOME or XDG_CONFIG_HOME".into()),
        Some(path) => search.file(PLACE_DEFAULT, path, Required::No)?,
    }
    search.optional_file(PLACE_SOPS, sources.sops_key_file.as_deref(), Required::Yes)?;
    search.optional_file(
        PLACE_PROJECT,
        sources.project_file.as_deref(),
        Required::Yes,
    )?;

    Ok((search.identities, search.searched))
}

/// The identities of an environment's project identity file alone (the last place
/// [`discover`] searches), from its bytes as the project filesystem read them, so a
/// caller can discover the shared sources once and this per environment.
pub fn discover_project_file(
    bytes: &[u8],
    shown: &Path,
) -> Result<(Vec<Identity>, Vec<Searched>), IdentityError> {
    let mut search = Search::default();
    let origin = format!("{} (from {PLACE_PROJECT})", shown.display());
    let found = parse_bytes(bytes, &origin)?;
    if found.is_empty() {
        return Err(IdentityError::Empty { origin });
    }
    search.found(PLACE_PROJECT, Some(shown), found);
    Ok((search.identities, search.searched))
}

/// Whether a missing or empty file is the user's mistake (they named it) or just a
/// default that is not in use.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Required {
    Yes,
    No,
}

#[derive(Default)]
struct Search {
    identities: Vec<Identity>,
    searched: Vec<Searched>,
    // (resolved path, place it was first read for), so a file named twice is read once.
    read: Vec<(PathBuf, &'static str)>,
}

impl Search {
    fn record(&mut self, place: &str, outcome: String) {
        self.searched.push(Searched {
            place: place.to_owned(),
            outcome,
        });
    }

    fn found(&mut self, place: &str, path: Option<&Path>, identities: Vec<Identity>) {
        let count = match identities.len() {
            0 => "no identities".to_owned(),
            1 => "1 identity".to_owned(),
            n => format!("{n} identities"),
        };
        let outcome = match path {
            Some(path) => format!("{}: {count}", path.display()),
            None => count,
        };
        self.record(place, outcome);
        self.identities.extend(identities);
    }

    fn optional_file(
        &mut self,
        place: &'static str,
        path: Option<&Path>,
        required: Required,
    ) -> Result<(), IdentityError> {
        match path {
            None => {
                self.record(place, "not set".into());
                Ok(())
            }
            Some(path) => self.file(place, path, required),
        }
    }

    fn file(
        &mut self,
        place: &'static str,
        path: &Path,
        required: Required,
    ) -> Result<(), IdentityError> {
        let resolved = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        if let Some((_, first)) = self.read.iter().find(|(seen, _)| *seen == resolved) {
            let outcome = format!("{}: already read for {first}", path.display());
            self.record(place, outcome);
            return Ok(());
        }
        let origin = format!("{} (from {place})", path.display());
        match read_file(path, &origin)? {
            None if required == Required::Yes => Err(IdentityError::NotFound { origin }),
            None => {
                self.record(place, format!("{}: no such file", path.display()));
                Ok(())
            }
            Some(found) if found.is_empty() && required == Required::Yes => {
                Err(IdentityError::Empty { origin })
            }
            Some(found) => {
                self.read.push((resolved, place));
                self.found(place, Some(path), found);
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests;
