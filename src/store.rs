//! Secret stores: where the deploy reads the secrets cfgc seals (Google Secret Manager, AWS
//! Secrets Manager). The release loop's stage after decrypt: `cfgc secrets push` adds a
//! version for each secret whose sealed value changed and records it (`record`), templates
//! read the pins from that record, and `cfgc secrets status` compares the record with the
//! store's metadata, keylessly.
//!
//! A store is reached over plain HTTPS (`http`): each kind is one file that maps the four
//! operations below to its API, and one that finds its credentials the way its own tools do.

#[cfg(feature = "aws")]
pub mod aws;
pub mod digest;
#[cfg(feature = "gcp")]
pub mod gcp;
#[cfg(any(feature = "gcp", feature = "aws"))]
pub mod http;
pub mod pool;
pub mod record;

use crate::secrets::crypto::Plaintext;

/// One secret's versions as the store's metadata shows them, oldest first; no value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Described {
    pub versions: Vec<Version>,
    /// The store's own "current" version, where it has one (AWS's `AWSCURRENT`).
    pub current: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    /// The version as a deploy names it: `3` in Secret Manager, a version id in AWS.
    pub id: String,
    pub state: State,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Enabled,
    Disabled,
    Destroyed,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Enabled => "enabled",
            State::Disabled => "disabled",
            State::Destroyed => "destroyed",
        }
    }
}

impl Described {
    /// The versions made after `id`, in order; all of them when `id` is not listed.
    pub fn after(&self, id: Option<&str>) -> &[Version] {
        match id.and_then(|id| self.versions.iter().position(|v| v.id == id)) {
            Some(i) => &self.versions[i + 1..],
            None if id.is_none() => &self.versions,
            None => &[],
        }
    }

    pub fn get(&self, id: &str) -> Option<&Version> {
        self.versions.iter().find(|v| v.id == id)
    }
}

/// What went wrong talking to a store. The message names the store's answer (status,
/// error code and text), never a token or a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    pub message: String,
    /// Retrying later may succeed (429, 503, a dropped connection): the backoff has run out.
    pub transient: bool,
}

impl StoreError {
    pub fn new(message: impl Into<String>) -> StoreError {
        StoreError {
            message: message.into(),
            transient: false,
        }
    }
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// One store of one environment. Every call may run on several threads at once.
pub trait Store: Sync {
    /// The secret's versions, or `None` when the store has no secret by that name.
    fn describe(&self, name: &str) -> Result<Option<Described>, StoreError>;
    /// Every secret's versions at once where the store lists them in bulk (AWS's
    /// `ListSecrets`); `None` where it must be asked one secret at a time.
    fn describe_all(
        &self,
    ) -> Result<Option<std::collections::BTreeMap<String, Described>>, StoreError> {
        Ok(None)
    }
    /// Makes the secret, with no version yet.
    fn create(&self, name: &str) -> Result<(), StoreError>;
    /// Adds a version holding `value` and returns its id. `token` identifies this push of
    /// this sealed value: a store that takes an idempotency token (AWS's
    /// `ClientRequestToken`) uses it, so a repeated call adds nothing. A store without one
    /// asks, after a failure that may have landed, whether a version came after `after`
    /// (the newest before the push) before it sends the value again.
    fn add_version(
        &self,
        name: &str,
        value: &Plaintext,
        token: &str,
        after: Option<&str>,
    ) -> Result<String, StoreError>;
    /// After an interrupted push, the version that push made, if the store shows one:
    /// `after` is the newest version before the push began.
    fn landed<'d>(
        &self,
        described: &'d Described,
        after: Option<&str>,
        token: &str,
    ) -> Option<&'d Version>;
    /// How the deploy names this store's secret `name` (for messages).
    fn display(&self, name: &str) -> String;
}
