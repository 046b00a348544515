//! A scratch cfgc project in a temp folder, built from a fixture folder and
//! edited per test, and a way to run the real binary in it.
#![allow(dead_code)]

pub mod git;
pub mod nginx;
pub mod tools;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The developer's own settings a test run must not see: their keys (cfgc's and sops's
/// places) and editor, `NO_COLOR`, and the CI's own variables (`CI`, GitHub Actions'):
/// cfgc reads those to decide whether output leaves the key holder, and a test sets them
/// only where it means to. Every command a test starts is stripped of them (and of any
/// other `GITHUB_*`, see [`strip_user_env`]).
pub const USER_VARS: &[&str] = &[
    "CI",
    "GITHUB_ACTIONS",
    "GITHUB_BASE_REF",
    "GITHUB_HEAD_REF",
    "GITHUB_REF",
    "CFGC_AGE_KEY",
    "CFGC_AGE_KEY_FILE",
    "SOPS_AGE_KEY",
    "SOPS_AGE_KEY_FILE",
    "SOPS_AGE_KEY_CMD",
    "SOPS_AGE_SSH_PRIVATE_KEY_FILE",
    "NO_COLOR",
    "EDITOR",
    "VISUAL",
];

/// Removes [`USER_VARS`] and every `GITHUB_*` variable of the test process from `cmd`.
pub fn strip_user_env(cmd: &mut Command) {
    for var in USER_VARS {
        cmd.env_remove(var);
    }
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("GITHUB_") {
            cmd.env_remove(name);
        }
    }
}

pub struct Project {
    pub dir: tempfile::TempDir,
    env: Vec<(String, String)>,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Exit code, stdout and stderr in one text, for snapshots.
    pub fn transcript(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
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

impl Project {
    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Project {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_tree(&fixture(name), dir.path());
        Project {
            dir,
            env: Vec::new(),
        }
    }

    /// An empty scratch folder.
    pub fn empty() -> Project {
        Project {
            dir: tempfile::tempdir().expect("temp dir"),
            env: Vec::new(),
        }
    }

    /// A copy of the bundled TaskPilot example (the repository's own project).
    pub fn example() -> Project {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = repo();
        std::fs::copy(root.join("cfgc.toml"), dir.path().join("cfgc.toml"))
            .expect("copy cfgc.toml");
        for folder in ["schema", "environments", "templates", "deploy"] {
            if root.join(folder).is_dir() {
                copy_tree(&root.join(folder), &dir.path().join(folder));
            }
        }
        Project {
            dir,
            env: Vec::new(),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn file(self, rel: &str, contents: &str) -> Project {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folder");
        }
        std::fs::write(path, contents).expect("write file");
        self
    }

    /// `file`, private (0600), as a key file should be: cfgc warns about one others may read.
    pub fn private_file(self, rel: &str, contents: &str) -> Project {
        use std::os::unix::fs::PermissionsExt;
        let p = self.file(rel, contents);
        std::fs::set_permissions(p.path(rel), std::fs::Permissions::from_mode(0o600))
            .expect("chmod 600");
        p
    }

    pub fn append(self, rel: &str, text: &str) -> Project {
        let old = self.read(rel);
        self.file(rel, &(old + text))
    }

    /// Replace `from` (which must occur) by `to` in a file.
    pub fn edit(self, rel: &str, from: &str, to: &str) -> Project {
        let old = self.read(rel);
        assert!(old.contains(from), "`{from}` is not in {rel}");
        self.file(rel, &old.replacen(from, to, 1))
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).expect("read file")
    }

    pub fn env(mut self, key: &str, value: &str) -> Project {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Drops a variable `env` set (e.g. the key file `with_secrets` names).
    pub fn unset(mut self, key: &str) -> Project {
        self.env.retain(|(k, _)| k != key);
        self
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cfgc"));
        cmd.args(args);
        self.isolate(&mut cmd);
        cmd
    }

    /// cfgc run through another program (`setsid`, `script`): `program` and its arguments,
    /// where `{cfgc}` in an argument stands for the binary's path.
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
    /// user's own keys and editor, then the variables `env` set.
    fn isolate(&self, cmd: &mut Command) {
        cmd.current_dir(self.dir.path());
        strip_user_env(cmd);
        // Keep the user's own default key file out of tests.
        cmd.env("XDG_CONFIG_HOME", self.dir.path().join(".no-such-config"));
        cmd.env("HOME", self.dir.path().join(".no-such-home"));
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, None)
    }

    pub fn run_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> Run {
        self.run_with_env(args, stdin, &[])
    }

    /// `run_with_stdin` with `vars` set on top of the project's (e.g. no key at hand).
    pub fn run_with_env(&self, args: &[&str], stdin: Option<&str>, vars: &[(&str, &str)]) -> Run {
        use std::io::Write;
        let mut cmd = self.command(args);
        for (k, v) in vars {
            cmd.env(k, v);
        }
        cmd.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("run cfgc");
        {
            let mut pipe = child.stdin.take().expect("stdin");
            if let Some(input) = stdin {
                let _ = pipe.write_all(input.as_bytes());
            }
        }
        let out = child.wait_with_output().expect("wait for cfgc");
        let root = self.dir.path().to_string_lossy().into_owned();
        let clean = |b: &[u8]| String::from_utf8_lossy(b).replace(&root, "[ROOT]");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: clean(&out.stdout),
            stderr: clean(&out.stderr),
        }
    }
}

/// A fresh age key pair, made for one test (no private key is ever committed).
pub struct Key {
    pub secret: String,
    pub public: String,
}

pub fn age_key() -> Key {
    use age::secrecy::ExposeSecret;
    let id = age::x25519::Identity::generate();
    Key {
        secret: id.to_string().expose_secret().to_string(),
        public: id.to_public().to_string(),
    }
}

/// Every file under the project, with its bytes, to show that a failed command changed
/// nothing. A symlink is recorded by its target and a FIFO or other special file by its
/// type, never opened: reading a FIFO would block the test, and following a symlink could
/// leave the project.
pub fn snapshot_files(p: &Project) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for path in entries {
            let ft = std::fs::symlink_metadata(&path).expect("stat").file_type();
            if ft.is_symlink() {
                let target = std::fs::read_link(&path).expect("readlink");
                out.push((
                    path,
                    format!("symlink -> {}", target.display()).into_bytes(),
                ));
            } else if ft.is_dir() {
                walk(&path, out);
            } else if ft.is_file() {
                let bytes = std::fs::read(&path).expect("read");
                out.push((path, bytes));
            } else {
                out.push((path, b"special file".to_vec()));
            }
        }
    }
    let mut out = Vec::new();
    walk(p.dir.path(), &mut out);
    out
}

impl Project {
    /// The minimal fixture re-encrypted to a fresh key, kept at `keys/test.key` and named
    /// by CFGC_AGE_KEY_FILE; dev and prod hold DATABASE_URL and JWT_SECRET.
    pub fn with_secrets() -> (Project, Key) {
        let key = age_key();
        let p = Project::fixture("minimal");
        let toml = p.read("cfgc.toml");
        let old = toml
            .split('"')
            .find(|s| s.starts_with("age1"))
            .expect("the fixture names a recipient")
            .to_string();
        std::fs::remove_file(p.path("environments/dev.secrets.yaml")).expect("rm");
        std::fs::remove_file(p.path("environments/prod.secrets.yaml")).expect("rm");
        let p = p
            .file("cfgc.toml", &toml.replace(&old, &key.public))
            .private_file("keys/test.key", &format!("{}\n", key.secret));
        let key_file = p.path("keys/test.key").to_string_lossy().into_owned();
        let p = p.env("CFGC_AGE_KEY_FILE", &key_file);
        for (env, db, jwt) in [
            (
                "dev",
                "postgres://app:dev@localhost:5432/app",
                "dev-jwt-secret-0123456789abcdefghijkl",
            ),
            (
                "prod",
                "postgres://app:prod@db.example.com/app",
                "prod-jwt-secret-0123456789abcdefghijk",
            ),
        ] {
            p.set(env, "DATABASE_URL", db);
            p.set(env, "JWT_SECRET", jwt);
        }
        (p, key)
    }

    /// `cfgc secrets set ENV NAME` with the value on stdin; must succeed.
    pub fn set(&self, env: &str, name: &str, value: &str) {
        let run = self.run_with_stdin(&["secrets", "set", env, name], Some(value));
        assert_eq!(run.code, 0, "set {env} {name}: {}", run.transcript());
    }

    /// The value of a secret, through `cfgc secrets get`; must succeed.
    pub fn get(&self, env: &str, name: &str) -> String {
        let run = self.run(&["secrets", "get", env, name]);
        assert_eq!(run.code, 0, "get {env} {name}: {}", run.transcript());
        run.stdout
            .strip_suffix('\n')
            .expect("a newline")
            .to_string()
    }

    /// The line of a secrets file that starts with `prefix`.
    pub fn line(&self, rel: &str, prefix: &str) -> String {
        self.read(rel)
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no line `{prefix}…` in {rel}"))
            .to_string()
    }
}
