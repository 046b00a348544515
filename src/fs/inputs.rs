//! The one rule every writer obeys: a write never replaces one of the project's inputs
//! (cfgc.toml, the schema, a layer, a template, an identity file, another environment's
//! secrets file). A hostile cfgc.toml, or a schema named like a file `cfgc docs` writes,
//! would otherwise make cfgc overwrite what it reads, with decrypted values or generated
//! text. `stage` and `check_writable` apply it, so no command can write without it; each
//! write says what it is for (`Purpose`), which names the one input it may replace.
//!
//! An input is matched by its path as declared and by where it really is (symlinks inside
//! the project resolved), so `conf/base.yaml` is refused when a layer is read as
//! `env/base.yaml` through `env -> conf`.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use super::{FsError, Op, ProjectFs, RelPath, Why};

/// What an input is, for the message that refuses a write over it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    ProjectFile,
    Schema,
    Layer,
    /// The secrets file of this environment.
    Secrets(String),
    /// The store record of this environment.
    Record(String),
    Identity,
    Template,
    Lock,
}

/// What a write is for: an output (apply, docs, git-setup, init) replaces no input; a
/// layer edit (`import`) replaces only a layer, and its schema edit only the schema;
/// `env add` replaces only cfgc.toml; a
/// secrets write only that environment's secrets file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose<'a> {
    Output,
    Layer,
    /// `import` adding the names it found to the schema: replaces only the schema.
    Schema,
    Secrets(&'a str),
    /// `secrets push` recording what it made: replaces only that environment's record.
    Record(&'a str),
    /// `env add` declaring an environment: replaces only cfgc.toml.
    ProjectFile,
}

/// The project's inputs by path, set once cfgc.toml is read.
#[derive(Debug, Default)]
pub struct Inputs {
    declared: BTreeMap<RelPath, Vec<Input>>,
    /// `declared` keyed by where each file really is, worked out at the first write (reads
    /// never need it).
    real: OnceLock<BTreeMap<RelPath, Vec<Input>>>,
}

impl Inputs {
    pub fn add(&mut self, rel: RelPath, input: Input) {
        let kinds = self.declared.entry(rel).or_default();
        if !kinds.contains(&input) {
            kinds.push(input);
        }
    }

    /// The inputs declared at `rel`, as cfgc.toml names them (for load's own check,
    /// which must not touch the disk).
    pub fn declared(&self, rel: &RelPath) -> impl Iterator<Item = &Input> {
        self.declared.get(rel).into_iter().flatten()
    }

    /// Every input at `rel`, declared there or reached there through a symlink.
    pub fn at<'a>(&'a self, fs: &ProjectFs, rel: &RelPath) -> impl Iterator<Item = &'a Input> {
        let real = self.real.get_or_init(|| {
            let mut real: BTreeMap<RelPath, Vec<Input>> = BTreeMap::new();
            for (path, kinds) in &self.declared {
                let Some(resolved) = fs.real_path(path) else {
                    continue;
                };
                if resolved != *path {
                    real.entry(resolved)
                        .or_default()
                        .extend(kinds.iter().cloned());
                }
            }
            real
        });
        let declared = self.declared.get(rel).into_iter().flatten();
        declared.chain(real.get(rel).into_iter().flatten())
    }
}

impl ProjectFs {
    /// Replace the inputs (once cfgc.toml is read).
    pub fn set_inputs(&mut self, inputs: Inputs) {
        self.inputs = inputs;
    }

    /// The rule: `rel` holds no input that `purpose` may not replace.
    pub(super) fn refuse_input(&self, rel: &RelPath, purpose: Purpose) -> Result<(), FsError> {
        match self.inputs.at(self, rel).find(|i| !purpose.may_replace(i)) {
            Some(input) => Err(FsError::new(rel, Op::Write, Why::Input(input.to_string()))),
            None => Ok(()),
        }
    }

    /// Where `rel` really is inside the root, symlinks resolved; `None` when it does not
    /// exist or leads out.
    fn real_path(&self, rel: &RelPath) -> Option<RelPath> {
        let real = self.dir.canonicalize(rel.as_path()).ok()?;
        RelPath::parse(real.to_str()?).ok()
    }
}

impl Purpose<'_> {
    fn may_replace(&self, input: &Input) -> bool {
        match (self, input) {
            (Purpose::Layer, Input::Layer) => true,
            (Purpose::Schema, Input::Schema) => true,
            (Purpose::ProjectFile, Input::ProjectFile) => true,
            (Purpose::Secrets(env), Input::Secrets(of)) => env == of,
            (Purpose::Record(env), Input::Record(of)) => env == of,
            _ => false,
        }
    }
}

impl Input {
    /// What it is, without saying whose.
    pub fn noun(&self) -> &'static str {
        match self {
            Input::ProjectFile => "the project file",
            Input::Schema => "the schema",
            Input::Layer => "a layer",
            Input::Secrets(_) => "a secrets file",
            Input::Record(_) => "a store record",
            Input::Identity => "an identity file",
            Input::Template => "a template",
            Input::Lock => "the lock file",
        }
    }
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Input::Secrets(env) => write!(f, "the secrets file of `{env}`"),
            Input::Record(env) => write!(f, "the store record of `{env}`"),
            other => f.write_str(other.noun()),
        }
    }
}
