//! The identities of one run: the shared sources (`--identity`, the cfgc and sops key
//! variables, their default key files, `~/.ssh` keys) read once, on first use,
//! and each environment's project identity file read once when an environment needs it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use std::sync::{Arc, Mutex, OnceLock};
use zeroize::Zeroizing;

use super::DecryptError;
use crate::diagnostic::{Code, Diagnostic};
use crate::fs::{Limits, ProjectFs, Role};
use crate::project::{Environment, ProjectPath};
use crate::secrets::identity::{
    Identity, IdentityError, IdentitySources, Searched, discover, discover_project_file,
};

type Found = Result<Arc<(Vec<Identity>, Vec<Searched>)>, Diagnostic>;

pub struct Keyring {
    sources: IdentitySources,
    demo: DemoKeys,
    shared: OnceLock<Found>,
    project: Mutex<HashMap<PathBuf, Found>>,
}

/// Which environments use their `identity` from cfgc.toml (the committed demo key).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DemoKeys {
    /// Every environment that declares one.
    Every,
    /// Only these (named on the command line): `plan --exit-code` asks whether the
    /// committed files are current, and a fresh clone's demo key would make the gitignored
    /// outputs it decrypts look pending.
    Named(Vec<String>),
}

/// The identities for one environment, and every place searched for them.
pub struct Identities {
    shared: Arc<(Vec<Identity>, Vec<Searched>)>,
    project: Option<Arc<(Vec<Identity>, Vec<Searched>)>>,
}

impl Identities {
    pub fn iter(&self) -> impl Iterator<Item = &Identity> {
        self.shared
            .0
            .iter()
            .chain(self.project.iter().flat_map(|p| p.0.iter()))
    }

    pub fn searched(&self) -> impl Iterator<Item = &Searched> {
        let project: &[Searched] = self.project.as_ref().map_or(&[], |p| &p.1);
        // The shared search records the project file as "not set"; this environment's
        // own entry replaces that line.
        self.shared
            .1
            .iter()
            .filter(move |s| !project.iter().any(|p| p.place == s.place))
            .chain(project.iter())
    }
}

impl Keyring {
    /// A keyring over the sources the `Config` read; key files are read from disk when
    /// first needed. `project_file` is ignored: each environment's own comes from cfgc.toml.
    pub fn from_sources(mut sources: IdentitySources) -> Keyring {
        sources.project_file = None;
        Keyring {
            sources,
            demo: DemoKeys::Every,
            shared: OnceLock::new(),
            project: Mutex::new(HashMap::new()),
        }
    }

    /// Limits which environments use their cfgc.toml `identity`.
    pub fn with_demo_keys(mut self, demo: DemoKeys) -> Keyring {
        self.demo = demo;
        self
    }

    /// Whether `env` has a demo key in cfgc.toml that this run leaves out (see [`DemoKeys`]).
    pub fn withholds_demo_key(&self, env: &Environment) -> bool {
        env.identity.is_some()
            && matches!(&self.demo, DemoKeys::Named(names) if !names.contains(&env.name))
    }

    /// Every identity that may open `env`'s secrets file.
    pub fn for_environment(&self, env: &Environment) -> Result<Identities, DecryptError> {
        let fail = |d: &Diagnostic| DecryptError::Failed(vec![d.clone()]);
        let shared = self
            .shared
            .get_or_init(|| {
                discover(&self.sources)
                    .map(Arc::new)
                    .map_err(identity_error)
            })
            .clone()
            .map_err(|d| fail(&d))?;
        let demo = match &self.demo {
            DemoKeys::Every => env.identity.as_ref(),
            DemoKeys::Named(names) => env.identity.as_ref().filter(|_| names.contains(&env.name)),
        };
        let project = match demo {
            None => None,
            Some(path) => {
                let mut cache = self.project.lock().unwrap_or_else(|e| e.into_inner());
                let found = cache
                    .entry(path.abs.clone())
                    .or_insert_with(|| {
                        let bytes = read_project_identity(path)?;
                        discover_project_file(&bytes, &path.abs)
                            .map(Arc::new)
                            .map_err(identity_error)
                    })
                    .clone();
                Some(found.map_err(|d| fail(&d))?)
            }
        };
        Ok(Identities { shared, project })
    }
}

/// An environment's `identity` file, read through the project filesystem like every
/// file cfgc.toml names: a symlink out of the project, a FIFO or an oversize file is
/// refused. The root is the folder `abs` is `rel` under (cfgc.toml's, resolved at load).
fn read_project_identity(path: &ProjectPath) -> Result<Zeroizing<Vec<u8>>, Diagnostic> {
    let root = path
        .abs
        .ancestors()
        .nth(path.rel.components().count())
        .unwrap_or(Path::new("."));
    let fs = ProjectFs::open(root, Limits::default()).map_err(|e| e.diagnostic())?;
    fs.read(&path.rel, Role::Identity)
        .map(Zeroizing::new)
        .map_err(|e| e.diagnostic())
}

fn identity_error(e: IdentityError) -> Diagnostic {
    Diagnostic::new(Code::Identity, format!("cannot load an identity: {e}")).help(
        "fix or remove the identity source named above; identities are read from --identity, CFGC_AGE_KEY_FILE, CFGC_AGE_KEY, ~/.config/cfgc/age/keys.txt, SOPS_AGE_SSH_PRIVATE_KEY_FILE (else ~/.ssh/id_ed25519 and ~/.ssh/id_rsa), SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, SOPS_AGE_KEY_CMD, ~/.config/sops/age/keys.txt and the environment's `identity` in cfgc.toml",
    )
}

// Later stages decrypt environments in parallel against one keyring.
const _: fn() = || {
    fn shared_across_threads<T: Send + Sync>() {}
    shared_across_threads::<Keyring>();
};
