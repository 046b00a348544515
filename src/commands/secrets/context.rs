//! What every `cfgc secrets` command starts from: the project loaded for one
//! environment, and ways to report, open and write its secrets file.

use std::collections::BTreeMap;

use secrecy::ExposeSecret;

use crate::cli::Config;
use crate::commands::Outcome;
use crate::diagnostic::{Code, Diagnostic};
use crate::fs::{FsError, Lock, ProjectFs, Purpose, RelPath, Role, Staged};
use crate::load::Loaded;
use crate::pipeline::{self, Keyring, Opened};
use crate::project::Environment;
use crate::project::ProjectPath;
use crate::secrets::crypto::{DataKey, Plaintext};
use crate::secrets::file::{Parsed, SecretsFile, create, serialize};
use crate::source::SourceMap;

pub struct Context {
    pub sources: SourceMap,
    pub loaded: Loaded,
    pub color: bool,
}

/// Loads the project for `names`; with `new_ok`, a missing or empty secrets file is
/// "not written yet" rather than an error.
pub fn load(config: &Config, names: &[String], new_ok: bool) -> Result<Context, Outcome> {
    let mut sources = SourceMap::default();
    match pipeline::load_for_secrets(config, names, new_ok, &mut sources) {
        Ok(loaded) => Ok(Context {
            sources,
            loaded,
            color: config.color_err,
        }),
        Err(errors) => Err(crate::commands::emit(&errors, &sources, config.color_err)),
    }
}

/// `load`, for a command that writes the secrets files of `names`: each is checked against
/// the project filesystem's write rule first (never over another input, never through a
/// symlink), so a refused file is reported before any value is asked for or decrypted.
pub fn load_to_write(config: &Config, names: &[String], new_ok: bool) -> Result<Context, Outcome> {
    let ctx = load(config, names, new_ok)?;
    let refused = ctx.write_refusals();
    if refused.is_empty() {
        Ok(ctx)
    } else {
        Err(ctx.emit(&refused))
    }
}

impl Context {
    /// The selected environments' secrets files (and, for `import`, their last layers)
    /// that the project filesystem's write rule refuses: never over another input, never
    /// through a symlink.
    pub fn write_refusals(&self) -> Vec<Diagnostic> {
        self.loaded
            .selected
            .iter()
            .map(|&i| &self.loaded.project.environments[i])
            .filter_map(|env| {
                let rel = &env.secrets.as_ref()?.value.rel;
                self.fs()
                    .check_writable(rel, Purpose::Secrets(&env.name))
                    .err()
            })
            .map(|e| e.diagnostic().note("nothing was written"))
            .collect()
    }

    /// Diagnostics about this command's files on stderr, and their outcome.
    pub fn emit(&self, diagnostics: &[Diagnostic]) -> Outcome {
        crate::commands::emit(diagnostics, &self.sources, self.color)
    }

    /// The one environment this command was given.
    pub fn env(&self) -> &Environment {
        &self.loaded.project.environments[self.loaded.selected[0]]
    }

    /// The secrets file path declared for `env`, or a usage error.
    pub fn secrets_path(&self, env: &Environment) -> Result<ProjectPath, Outcome> {
        match &env.secrets {
            Some(s) => Ok(s.value.clone()),
            None => Err(self.emit(&[Diagnostic::new(
                Code::NoSecretsFile,
                format!("environment `{}` declares no secrets file", env.name),
            )
            .at(env.span)
            .label("no `secrets = …` here")
            .help(format!(
                "add `secrets = \"environments/{}.secrets.yaml\"` to this table in cfgc.toml",
                env.name
            ))])),
        }
    }

    /// The shown name of `env`'s secrets file.
    pub fn display_name(&self, env: &Environment) -> String {
        env.secrets
            .as_ref()
            .map(|s| crate::source::display_name(&self.loaded.project.root, &s.value))
            .unwrap_or_default()
    }

    /// `env`'s parsed secrets file; `None` when it is not written yet.
    pub fn parsed(&self, env: &Environment) -> Option<&Parsed> {
        let declared = env.secrets.as_ref()?;
        self.loaded
            .layers
            .secrets(self.loaded.layers.id(&declared.value))
    }

    /// Opens and verifies `env`'s file with the run's identities.
    /// The environment's secrets file opened and verified, or a new empty
    /// one (with a fresh data key) when it does not exist yet.
    pub fn open_or_create(
        &self,
        env: &Environment,
        keyring: &Keyring,
    ) -> Result<(SecretsFile, DataKey, BTreeMap<String, Plaintext>), Outcome> {
        match self.parsed(env) {
            Some(parsed) => {
                let opened = self.open(env, parsed, keyring)?;
                Ok((parsed.file.clone(), opened.key, opened.values))
            }
            None => {
                let (file, key) = create(&env.name, &self.recipients(env)?).map_err(|e| {
                    self.emit(&[Diagnostic::new(Code::SecretsDataKey, e.to_string())])
                })?;
                Ok((file, key, BTreeMap::new()))
            }
        }
    }

    pub fn open(
        &self,
        env: &Environment,
        parsed: &Parsed,
        keyring: &Keyring,
    ) -> Result<Opened, Outcome> {
        self.try_open(env, parsed, keyring)
            .map_err(|ds| self.emit(&ds))
    }

    /// `open`, returning the errors for the caller to gather.
    pub fn try_open(
        &self,
        env: &Environment,
        parsed: &Parsed,
        keyring: &Keyring,
    ) -> Result<Opened, Vec<Diagnostic>> {
        pipeline::open_secrets(env, parsed, keyring, &self.sources)
    }

    /// Writes `file` over `env`'s secrets file, atomically and 0600, if the file on disk
    /// is still the one this run read.
    pub fn write(&self, env: &Environment, file: &SecretsFile) -> Result<(), Outcome> {
        let staged = self.stage(env, file).map_err(|e| self.io(&e))?;
        let _lock = self.lock()?;
        self.still_as_read(env)?;
        staged.commit().map_err(|e| self.io(&e))
    }

    /// The project's filesystem: every read and write of a secrets file goes through it.
    pub fn fs(&self) -> &ProjectFs {
        &self.loaded.project.fs
    }

    /// `file` serialized and staged next to `env`'s secrets file (0600), not yet in place.
    pub fn stage(&self, env: &Environment, file: &SecretsFile) -> Result<Staged, FsError> {
        let rel = self
            .rel(env)
            .expect("only a declared secrets file is written");
        self.fs().stage(
            rel,
            serialize(file).as_bytes(),
            0o600,
            Purpose::Secrets(&env.name),
        )
    }

    /// The project lock (the one `apply` takes too), held while secrets files are
    /// compared with what was read and replaced: two cfgc processes cannot interleave.
    pub fn lock(&self) -> Result<Lock, Outcome> {
        let rel =
            RelPath::parse(crate::fs::LOCK_FILE).expect("the lock file's name is a valid path");
        self.fs().lock(&rel).map_err(|e| self.io(&e))
    }

    fn rel<'e>(&self, env: &'e Environment) -> Option<&'e RelPath> {
        env.secrets.as_ref().map(|s| &s.value.rel)
    }

    /// The text of `env`'s secrets file as this run read it (`None`: it did not exist).
    pub fn as_read(&self, env: &Environment) -> Option<&str> {
        let id = self.loaded.layers.id(&env.secrets.as_ref()?.value);
        self.parsed(env)?;
        Some(self.sources.get(id).text.as_str())
    }

    /// Refuses to write when another process changed the file since it was read.
    pub fn still_as_read(&self, env: &Environment) -> Result<(), Outcome> {
        let path = self.secrets_path(env)?;
        let now = self
            .fs()
            .read_if_exists(&path.rel, Role::Secrets)
            .map_err(|e| self.io(&e))?;
        if now.as_deref() == self.as_read(env).map(str::as_bytes) {
            return Ok(());
        }
        Err(self.emit(&[Diagnostic::new(
            Code::SecretsChanged,
            format!(
                "`{}` changed while cfgc was working on it: nothing was written",
                self.display_name(env)
            ),
        )
        .help("another process (or an editor) wrote the file meanwhile; run the command again")]))
    }

    fn io(&self, e: &FsError) -> Outcome {
        self.emit(&[e.diagnostic().note("the secrets file was left as it was")])
    }

    /// The recipients cfgc.toml lists for `env` (already checked when it was loaded).
    pub fn recipients(
        &self,
        env: &Environment,
    ) -> Result<Vec<crate::project::recipient::Recipient>, Outcome> {
        let list: Vec<_> = env.recipients.iter().map(|r| r.value.clone()).collect();
        if list.is_empty() {
            return Err(self.emit(&[Diagnostic::new(Code::NoRecipients,
                format!("environment `{}` has no recipients", env.name),
            )
            .at(env.span)
            .label("no `recipients = [...]` here")
            .help("list the public keys that may decrypt its secrets: `recipients = [\"age1…\"]` (`age-keygen -y KEYFILE` prints one)")]));
        }
        Ok(list)
    }

    /// A reminder when the file's recipients are not those of cfgc.toml (a write keeps
    /// the file's own; `rekey` changes them).
    pub fn recipients_note(&self, env: &Environment) -> String {
        let Some(parsed) = self.parsed(env) else {
            return String::new();
        };
        let mut wanted: Vec<String> = env
            .recipients
            .iter()
            .map(|r| r.value.as_str().to_string())
            .collect();
        wanted.sort();
        wanted.dedup();
        let mut have = parsed.file.recipients.clone();
        have.sort();
        if wanted == have {
            String::new()
        } else {
            format!(
                "note: {} is encrypted to other recipients than cfgc.toml lists for {}; run `cfgc secrets rekey {}`\n",
                self.display_name(env),
                env.name,
                env.name
            )
        }
    }

    /// A usage error about a secret name, with a suggestion from the file or schema.
    pub fn no_such_secret(
        &self,
        env: &Environment,
        name: &str,
        known: &BTreeMap<String, impl Sized>,
    ) -> Outcome {
        let mut d = Diagnostic::new(
            Code::NoSuchSecret,
            format!("`{}` holds no secret `{name}`", self.display_name(env)),
        )
        .env(&env.name);
        let close = known
            .keys()
            .filter(|k| strsim::jaro_winkler(k, name) > 0.8)
            .max_by(|a, b| strsim::jaro_winkler(a, name).total_cmp(&strsim::jaro_winkler(b, name)));
        d = match close {
            Some(k) => d.help(format!(
                "did you mean `{k}`? `cfgc secrets list {}` shows every name",
                env.name
            )),
            None => d.help(format!("`cfgc secrets list {}` shows every name", env.name)),
        };
        self.emit(&[d])
    }
}

impl Context {
    /// Schema findings about `changed` values, checked together with the file's other values.
    pub fn check_values(
        &self,
        env: &Environment,
        current: &BTreeMap<String, Plaintext>,
        changed: &[(&str, &Plaintext)],
    ) -> Vec<Diagnostic> {
        let mut values: BTreeMap<String, &str> = current
            .iter()
            .map(|(k, v)| (k.clone(), v.expose_secret()))
            .collect();
        for (k, v) in changed {
            values.insert((*k).to_string(), v.expose_secret());
        }
        let only: Vec<&str> = changed.iter().map(|(name, _)| *name).collect();
        crate::pipeline::check_secret_values(&self.loaded, env, &self.sources, &values, &only)
    }
}
