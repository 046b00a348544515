//! Where identities are looked for, in order, and a record of every place searched so a
//! "no key found" message can list them all (as sops does).

mod key_cmd;
mod sources;

use std::path::{Path, PathBuf};

pub use sources::IdentitySources;

use super::parse::{parse_bytes, parse_text, read_file};
use super::passphrase::is_locked;
use super::{Identity, IdentityError};

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
const PLACE_SSH: &str = "SOPS_AGE_SSH_PRIVATE_KEY_FILE";
const PLACE_SSH_DEFAULT: &str = "SSH key";
const PLACE_SOPS_KEY: &str = "SOPS_AGE_KEY";
const PLACE_SOPS: &str = "SOPS_AGE_KEY_FILE";
const PLACE_SOPS_DEFAULT: &str = "sops key file";
const PLACE_PROJECT: &str = "demo key in cfgc.toml";

/// Loads identities from every source, in order: cfgc's own (`files`, `env_key_file`,
/// `env_key`, `default_path`), then sops's in sops's order (the SSH key, `SOPS_AGE_KEY`,
/// `SOPS_AGE_KEY_FILE`, `SOPS_AGE_KEY_CMD`, sops's keys.txt), then `project_file`.
///
/// Unset sources and missing default files are only recorded in [`Searched`]. A source
/// the user named (a flag, a variable, the project file) that is missing, unreadable or
/// malformed is an error, and so is a default file that exists but is malformed, except a
/// default SSH key (`~/.ssh`) with a passphrase or in a form age cannot read: that one is
/// passed over, with a note (a developer's everyday SSH key usually has a passphrase;
/// asking for it on every plan would surprise) unless named. Finding
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
    search.text(PLACE_ENV_KEY, sources.env_key.as_deref())?;
    match sources.default_path.as_deref() {
        None => search.record(PLACE_DEFAULT, "no HOME or XDG_CONFIG_HOME".into()),
        Some(path) => search.file(PLACE_DEFAULT, path, Required::No)?,
    }
    match &sources.ssh_key_file {
        Some(path) => search.file(PLACE_SSH, path, Required::Yes)?,
        None if sources.ssh_defaults.is_empty() => {
            search.record(PLACE_SSH_DEFAULT, "no HOME".into())
        }
        None => {
            for path in &sources.ssh_defaults {
                search.file(PLACE_SSH_DEFAULT, path, Required::Unlocked)?;
            }
        }
    }
    search.text(PLACE_SOPS_KEY, sources.sops_key.as_deref())?;
    search.optional_file(PLACE_SOPS, sources.sops_key_file.as_deref(), Required::Yes)?;
    match sources.sops_key_cmd.as_deref() {
        None => search.record(key_cmd::PLACE, "not set".into()),
        Some(line) => {
            let out = key_cmd::run(line)?;
            let origin = format!("the output of {}", key_cmd::PLACE);
            let found = parse_bytes(&out, &origin)?;
            if found.is_empty() {
                return Err(IdentityError::Empty { origin });
            }
            search.found(key_cmd::PLACE, None, found);
        }
    }
    match sources.sops_default_path.as_deref() {
        None => search.record(PLACE_SOPS_DEFAULT, "no HOME or config folder".into()),
        Some(path) => search.file(PLACE_SOPS_DEFAULT, path, Required::No)?,
    }
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
    /// A default used only if it exists and needs no passphrase (`~/.ssh` keys).
    Unlocked,
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

    /// A key variable: its text holds the identities.
    fn text(&mut self, place: &'static str, text: Option<&str>) -> Result<(), IdentityError> {
        match text {
            None => self.record(place, "not set".into()),
            Some(text) if text.trim().is_empty() => self.record(place, "set but empty".into()),
            Some(text) => {
                let found = parse_text(text, place)?;
                if found.is_empty() {
                    return Err(IdentityError::Empty {
                        origin: place.into(),
                    });
                }
                self.found(place, None, found);
            }
        }
        Ok(())
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
        let Some(bytes) = read_file(path, &origin)? else {
            if required == Required::Yes {
                return Err(IdentityError::NotFound { origin });
            }
            self.record(place, format!("{}: no such file", path.display()));
            return Ok(());
        };
        if required == Required::Unlocked && is_locked(&bytes) {
            let outcome = format!(
                "{}: passphrase-protected, passed over (name it in {PLACE_SSH} or --identity to be asked for it)",
                path.display()
            );
            self.record(place, outcome);
            return Ok(());
        }
        let found = match parse_bytes(&bytes, &origin) {
            // ~/.ssh is not cfgc's: a key there age cannot read (PKCS#8, a hardware key)
            // is noted, not a reason to stop every run.
            Err(e) if required == Required::Unlocked => {
                self.record(place, format!("passed over: {e}"));
                return Ok(());
            }
            found => found?,
        };
        if found.is_empty() && required == Required::Yes {
            return Err(IdentityError::Empty { origin });
        }
        self.read.push((resolved, place));
        self.found(place, Some(path), found);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
