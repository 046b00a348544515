//! [`Project`]: a scratch cfgc project in a temp folder, and the command line that runs the
//! real binary in it, isolated from the developer's keys, editor and CI variables.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::{fixture, repo, strip_user_env, tools};

/// A project to run cfgc in: built as a fixture (`Project::example().file(..)`), then run
/// as often as a test needs through [`Project::args`], which starts a [`Test`](super::Test):
/// the one command, its input and what it must show. What the project sets (files,
/// `.env(..)`, canaries) holds for every run; what a `Test` sets, for that run only.
pub struct Project {
    // Declared before `dir`, so that it is dropped (and its folders writable) first.
    _writable: Writable,
    /// The temp folder: the project itself, or for [`Project::hostile`] the folder that
    /// holds it and its neighbours (see [`Project::root`]).
    pub dir: tempfile::TempDir,
    pub(super) root: PathBuf,
    /// What the temp folder's path is replaced by in the output (`[ROOT]`, `[TMP]`).
    pub(super) redact: &'static str,
    /// Set (`Some`) or removed (`None`) in the command's environment, after the user's
    /// variables are stripped.
    pub(super) env: Vec<(String, Option<String>)>,
    /// cfgc run through another program: its name and arguments, `{cfgc}` standing for
    /// the binary; the command's own arguments follow them.
    pub(super) through: Option<(String, Vec<String>)>,
    /// How long a run may take before it is stopped and the test fails.
    pub(super) timeout: Option<Duration>,
    /// Texts no run may print, nor leave in a file, when `.no_canary()` is expected.
    pub(super) canaries: Vec<String>,
    pub(super) hostile: bool,
}

impl Project {
    /// A project in `dir` (at `root` inside it), its keys and config folder kept apart
    /// from the developer's.
    pub(super) fn in_dir(dir: tempfile::TempDir, root: PathBuf, redact: &'static str) -> Project {
        let home = dir.path().join(".no-such-home");
        let config = dir.path().join(".no-such-config");
        Project {
            _writable: Writable(dir.path().to_path_buf()),
            dir,
            root,
            redact,
            env: Vec::new(),
            through: None,
            timeout: None,
            canaries: Vec::new(),
            hostile: false,
        }
        .env("XDG_CONFIG_HOME", &config.to_string_lossy())
        .env("HOME", &home.to_string_lossy())
    }

    /// An empty scratch folder.
    pub fn empty() -> Project {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().to_path_buf();
        Project::in_dir(dir, root, "[ROOT]")
    }

    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Project {
        let p = Project::empty();
        copy_tree(&fixture(name), p.root());
        p
    }

    /// A copy of the bundled TaskPilot example (the repository's own project).
    pub fn example() -> Project {
        let p = Project::empty();
        let root = repo();
        std::fs::copy(root.join("cfgc.toml"), p.path("cfgc.toml")).expect("copy cfgc.toml");
        for folder in ["schema", "environments", "templates", "deploy"] {
            if root.join(folder).is_dir() {
                copy_tree(&root.join(folder), &p.path(folder));
            }
        }
        p
    }

    /// The project folder (cfgc's working directory).
    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// `key=value` in the environment of every run of this project.
    pub fn env(mut self, key: &str, value: &str) -> Project {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), Some(value.into())));
        self
    }

    /// `key` out of the environment of every run (e.g. the key file `with_secrets` names).
    pub fn unset(mut self, key: &str) -> Project {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), None));
        self
    }

    /// Every run goes through `program` (`setsid`, `bash -c`): `args` first, where
    /// `{cfgc}` stands for the binary's path, then the command's own arguments.
    pub fn through(mut self, program: &str, args: &[&str]) -> Project {
        self.through = Some((program.into(), args.iter().map(|a| a.to_string()).collect()));
        self
    }

    /// A text `.no_canary()` makes sure no run prints or leaves in a file (a secret
    /// value, a file's content).
    pub fn canary(mut self, text: &str) -> Project {
        self.canaries.push(text.into());
        self
    }

    /// cfgc with `args`, in the project, isolated (see [`Project::isolate`]). Not through a
    /// [`Test`](super::Test): for tests that drive the process themselves (a signal, a kill
    /// mid-write).
    pub fn command(&self, args: &[&str]) -> Command {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        self.cfgc(&args)
    }

    pub(super) fn cfgc(&self, args: &[OsString]) -> Command {
        let mut cmd = match &self.through {
            Some((program, before)) => {
                let mut cmd = tools::command(program);
                cmd.args(
                    before
                        .iter()
                        .map(|a| a.replace("{cfgc}", env!("CARGO_BIN_EXE_cfgc"))),
                );
                cmd
            }
            None => Command::new(env!("CARGO_BIN_EXE_cfgc")),
        };
        cmd.args(args);
        self.isolate(&mut cmd);
        cmd
    }

    /// cfgc run through another program (`setsid`, `script`): `program` and its arguments,
    /// where `{cfgc}` in an argument stands for the binary's path. Not through a `Test`:
    /// for tests that drive the process themselves (a pty, a signal).
    pub fn command_through(&self, program: &str, args: &[&str]) -> Command {
        let mut cmd = tools::command(program);
        cmd.args(
            args.iter()
                .map(|a| a.replace("{cfgc}", env!("CARGO_BIN_EXE_cfgc"))),
        );
        self.isolate(&mut cmd);
        cmd
    }

    /// The project folder as the working directory, and the environment stripped of the
    /// user's own keys and editor, then the variables `env` set or `unset` removed.
    fn isolate(&self, cmd: &mut Command) {
        cmd.current_dir(&self.root);
        strip_user_env(cmd);
        for (k, v) in &self.env {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
    }

    /// The command line a run shows when it fails: `cfgc check`, `setsid cfgc plan`.
    pub(super) fn describe(&self, args: &[OsString]) -> String {
        let exe = env!("CARGO_BIN_EXE_cfgc");
        let mut words: Vec<String> = Vec::new();
        if let Some((program, before)) = &self.through {
            words.push(program.clone());
            words.extend(
                before
                    .iter()
                    .map(|a| a.replace("{cfgc}", "cfgc").replace(exe, "cfgc")),
            );
        } else {
            words.push("cfgc".into());
        }
        words.extend(args.iter().map(|a| quote(a)));
        words.join(" ")
    }
}

/// An argument as a shell would need it.
fn quote(arg: &OsStr) -> String {
    let s = arg.to_string_lossy();
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@{}".contains(c))
    {
        s.into_owned()
    } else {
        format!("{s:?}")
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("fixture entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

/// Makes every folder under its path writable again when dropped: a test may leave one
/// read-only, and the temp folder must still be removed.
struct Writable(PathBuf);

impl Drop for Writable {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        let mut stack = vec![self.0.clone()];
        while let Some(dir) = stack.pop() {
            let Ok(meta) = std::fs::symlink_metadata(&dir) else {
                continue;
            };
            if meta.is_dir() {
                let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755));
                if let Ok(entries) = std::fs::read_dir(&dir) {
                    stack.extend(entries.flatten().map(|e| e.path()));
                }
            }
        }
    }
}
