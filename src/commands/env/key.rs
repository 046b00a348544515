//! A new environment's age key, made the way `cfgc init` makes development's: generated
//! here and kept OUTSIDE the project, appended to cfgc's own key file where every later
//! command finds it. Only its public half enters the project.

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use age::secrecy::ExposeSecret;

use crate::cli::Config;
use crate::diagnostic::{Code, Diagnostic};
use crate::project::recipient::Recipient;

/// A key generated for one environment, not saved yet.
pub struct NewKey {
    identity: age::x25519::Identity,
}

impl NewKey {
    pub fn generate() -> NewKey {
        NewKey {
            identity: age::x25519::Identity::generate(),
        }
    }

    /// The public key, as cfgc.toml lists it.
    pub fn public(&self) -> String {
        self.identity.to_public().to_string()
    }

    pub fn recipient(&self) -> Recipient {
        Recipient::from_x25519(self.identity.to_public())
    }

    /// Appends the key to `path` (created 0600 in a 0700 folder), with a comment naming
    /// its environment and public key, as age-keygen writes.
    pub fn save(&self, path: &Path, env: &str) -> Result<(), Box<Diagnostic>> {
        let fail = |e: std::io::Error| {
            Box::new(
                Diagnostic::new(
                    Code::InitKey,
                    format!("cannot write {env}'s key to {}: {e}", path.display()),
                )
                .note("nothing was written in the project")
                .help("fix the folder's permissions, or set XDG_CONFIG_HOME to a folder you own"),
            )
        };
        if let Some(dir) = path.parent() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(fail)?;
        }
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .mode(0o600)
            .open(path)
            .map_err(fail)?;
        let text = zeroize::Zeroizing::new(format!(
            "# created by cfgc for a project's {env} environment\n# public key: {}\n{}\n",
            self.public(),
            self.identity.to_string().expose_secret()
        ));
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(fail)
    }
}

/// cfgc's key file, outside every project.
pub fn key_file(config: &Config, env: &str) -> Result<PathBuf, Box<Diagnostic>> {
    config.identity_sources.default_path.clone().ok_or_else(|| {
        Box::new(
            Diagnostic::new(Code::InitNoHome,
                format!("neither HOME nor XDG_CONFIG_HOME is set: there is no place outside the project for {env}'s key"),
            )
            .help("set HOME (or XDG_CONFIG_HOME) and run the command again, or give `--recipient`"),
        )
    })
}
