//! Every place an identity may come from, read from the process environment once: cfgc's
//! own variables and default file, then sops's (`SOPS_AGE_*`, its keys.txt, `~/.ssh`), so a
//! sops user's keys work without moving them.

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;

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
    /// `SOPS_AGE_SSH_PRIVATE_KEY_FILE`: an SSH private key sops users name.
    pub ssh_key_file: Option<PathBuf>,
    /// `~/.ssh/id_ed25519` and `~/.ssh/id_rsa`, read when `ssh_key_file` is not set.
    pub ssh_defaults: Vec<PathBuf>,
    /// `SOPS_AGE_KEY`: identities in the variable itself.
    pub sops_key: Option<String>,
    /// `SOPS_AGE_KEY_FILE`.
    pub sops_key_file: Option<PathBuf>,
    /// `SOPS_AGE_KEY_CMD`: a command whose stdout holds identities.
    pub sops_key_cmd: Option<String>,
    /// sops's own default key file: `$XDG_CONFIG_HOME/sops/age/keys.txt` (default
    /// `~/.config/…`), on macOS `~/Library/Application Support/sops/age/keys.txt`, on
    /// Windows `%AppData%\sops\age\keys.txt`.
    pub sops_default_path: Option<PathBuf>,
    /// An environment's demo key declared in `cfgc.toml` (path already resolved).
    pub project_file: Option<PathBuf>,
}

// By hand, because `env_key` and `sops_key` are key material and must not reach a debug
// print (and a key command line may carry a token).
impl fmt::Debug for IdentitySources {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |set: bool| set.then_some("<redacted>");
        f.debug_struct("IdentitySources")
            .field("files", &self.files)
            .field("env_key_file", &self.env_key_file)
            .field("env_key", &redacted(self.env_key.is_some()))
            .field("default_path", &self.default_path)
            .field("ssh_key_file", &self.ssh_key_file)
            .field("ssh_defaults", &self.ssh_defaults)
            .field("sops_key", &redacted(self.sops_key.is_some()))
            .field("sops_key_file", &self.sops_key_file)
            .field("sops_key_cmd", &redacted(self.sops_key_cmd.is_some()))
            .field("sops_default_path", &self.sops_default_path)
            .field("project_file", &self.project_file)
            .finish()
    }
}

impl IdentitySources {
    /// Whether the user named an identity for this run (`--identity` or a key variable),
    /// as opposed to relying on default paths.
    pub fn given(&self) -> bool {
        !self.files.is_empty()
            || self.env_key_file.is_some()
            || self.env_key.is_some()
            || self.ssh_key_file.is_some()
            || self.sops_key.is_some()
            || self.sops_key_file.is_some()
            || self.sops_key_cmd.is_some()
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
        // A non-UTF-8 key cannot be valid; lossy conversion lets the parser say which line.
        let text = |name: &str| var(name).map(|v| v.to_string_lossy().into_owned());
        let home = path("HOME");
        // The XDG spec says to ignore a relative XDG_CONFIG_HOME.
        let xdg = path("XDG_CONFIG_HOME").filter(|dir| dir.is_absolute());
        let config_home = xdg
            .clone()
            .or_else(|| home.as_ref().map(|h| h.join(".config")));
        let ssh_defaults = home
            .as_ref()
            .map(|h| vec![h.join(".ssh/id_ed25519"), h.join(".ssh/id_rsa")])
            .unwrap_or_default();
        IdentitySources {
            files,
            env_key_file: path("CFGC_AGE_KEY_FILE"),
            env_key: text("CFGC_AGE_KEY"),
            default_path: config_home.map(|dir| dir.join("cfgc").join("age").join("keys.txt")),
            ssh_key_file: path("SOPS_AGE_SSH_PRIVATE_KEY_FILE"),
            ssh_defaults,
            sops_key: text("SOPS_AGE_KEY"),
            sops_key_file: path("SOPS_AGE_KEY_FILE"),
            sops_key_cmd: text("SOPS_AGE_KEY_CMD"),
            sops_default_path: sops_config_dir(xdg, home, &var)
                .map(|dir| dir.join("sops").join("age").join("keys.txt")),
            project_file,
        }
    }
}

/// The user config folder sops reads its keys.txt from (Go's `os.UserConfigDir`, with
/// `XDG_CONFIG_HOME` honoured on macOS too, as sops does).
#[cfg(not(any(target_os = "macos", windows)))]
fn sops_config_dir(
    xdg: Option<PathBuf>,
    home: Option<PathBuf>,
    _var: &dyn Fn(&str) -> Option<OsString>,
) -> Option<PathBuf> {
    xdg.or_else(|| home.map(|h| h.join(".config")))
}

#[cfg(target_os = "macos")]
fn sops_config_dir(
    xdg: Option<PathBuf>,
    home: Option<PathBuf>,
    _var: &dyn Fn(&str) -> Option<OsString>,
) -> Option<PathBuf> {
    xdg.or_else(|| home.map(|h| h.join("Library").join("Application Support")))
}

#[cfg(windows)]
fn sops_config_dir(
    _xdg: Option<PathBuf>,
    _home: Option<PathBuf>,
    var: &dyn Fn(&str) -> Option<OsString>,
) -> Option<PathBuf> {
    var("AppData").map(PathBuf::from)
}
