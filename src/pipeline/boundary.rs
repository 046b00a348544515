//! The trust boundary applied to a run (see `trust`): the keyring it may decrypt with.

use crate::cli::Config;
use crate::decrypt::Keyring;
use crate::diagnostic::Diagnostic;
use crate::project::{Environment, Project};
use crate::trust::{self, Gate};

/// What a run may decrypt with.
pub enum Keys {
    /// The identities at hand, as before.
    Open(Box<Keyring>),
    /// None: the code is not trusted. `reason` stands where a key was not found.
    Refused {
        notice: Box<Diagnostic>,
        reason: String,
    },
    /// None, and the run fails closed with this error (exit 2), reported with the run's
    /// other errors (a syntax error in a layer is still named).
    Closed(Box<Diagnostic>),
}

impl Keys {
    pub fn keyring(&self) -> Option<&Keyring> {
        match self {
            Keys::Open(k) => Some(k),
            _ => None,
        }
    }

    /// Why nothing is decrypted (empty when the keyring is open).
    pub fn reason(&self) -> &str {
        match self {
            Keys::Open(_) => "",
            Keys::Refused { reason, .. } => reason,
            Keys::Closed(_) => "not decrypted: no trusted revision",
        }
    }

    /// The notice to show: secrets not decrypted, and why.
    pub fn notice(&self) -> Option<&Diagnostic> {
        match self {
            Keys::Refused { notice, .. } => Some(notice),
            _ => None,
        }
    }

    /// The error that ends the run, when it fails closed.
    pub fn error(&self) -> Option<&Diagnostic> {
        match self {
            Keys::Closed(error) => Some(error),
            _ => None,
        }
    }
}

/// `keyring`, or none where the boundary refuses decryption. A key is at hand when an
/// identity would be tried on one of `envs`' secrets files (an identity that cannot be
/// loaded counts: it was meant to be used).
pub fn keys(config: &Config, project: &Project, envs: &[&Environment], keyring: Keyring) -> Keys {
    let at_hand = || {
        envs.iter().filter(|e| e.secrets.is_some()).any(|e| {
            keyring
                .for_environment(e)
                .map_or(true, |ids| ids.iter().next().is_some())
        })
    };
    match trust::gate(&config.trust, project, at_hand) {
        Ok(Gate::Open) => Keys::Open(Box::new(keyring)),
        Ok(Gate::Refused { notice, reason }) => Keys::Refused { notice, reason },
        Err(error) => Keys::Closed(Box::new(error)),
    }
}
