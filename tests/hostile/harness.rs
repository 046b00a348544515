//! One hostile case: a small project with a sealed canary secret, a folder "outside" the
//! project holding canary files (what a symlink or a `..` path would reach), and a private
//! home, runtime and temp folder. `Case::refuses` runs the real binary and asserts the four
//! things every case must show: the exact message and exit code, that no file changed
//! (hashes of every file before and after), that no temp file was left behind, and that no
//! canary reached stdout or stderr.

use std::collections::BTreeMap;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// The sealed value of `JWT_SECRET` in the project's secrets file.
pub const SECRET: &str = "CANARY-SECRET-jwt-0123456789abcdef0123";
/// In every file outside the project, and in `.git`.
pub const OUTSIDE: &str = "CANARY-OUTSIDE-5f3a9c";
/// Any private key in the output is a leak, whoever's it is.
const PRIVATE_KEY: &str = "AGE-SECRET-KEY-1";

/// A hung cfgc (a FIFO read, a runaway template) fails the case instead of the suite.
const TIMEOUT: Duration = Duration::from_secs(30);

pub const CFGC_TOML: &str = r#"[project]
name = "hostile"
schema = "schema/env.schema.json"
output_dir = "out"

[environments.dev]
tier = "local"
layers = ["env/base.yaml", "env/dev.yaml"]
secrets = "env/dev.secrets.yaml"
recipients = ["RECIPIENT"]

[outputs.dotenv]
template = "templates/env.j2"
path = "out/{env}/.env"
format = "dotenv"
secrets = true
mode = "0600"

[outputs.app]
template = "templates/app.yaml.j2"
path = "out/{env}/app.yaml"
format = "yaml"
"#;

const SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {
    "NAME": { "type": "string", "pattern": "^[a-z]+$" },
    "PORT": { "type": "integer", "minimum": 1, "maximum": 65535 },
    "TAGS": { "type": "array", "items": { "type": "string" } },
    "JWT_SECRET": { "type": "string", "minLength": 32, "x-secret": true }
  },
  "required": ["NAME", "PORT", "JWT_SECRET"]
}
"#;

/// The project every case starts from, made once per test process: the secrets file is
/// sealed by the binary itself to a key made for this process.
struct Base {
    public: String,
    secret_key: String,
    files: Vec<(String, Vec<u8>)>,
}

fn base() -> &'static Base {
    static BASE: OnceLock<Base> = OnceLock::new();
    BASE.get_or_init(|| {
        let key = crate::common::age_key();
        let files: Vec<(String, Vec<u8>)> = vec![
            (
                "cfgc.toml".into(),
                CFGC_TOML.replace("RECIPIENT", &key.public).into_bytes(),
            ),
            ("schema/env.schema.json".into(), SCHEMA.into()),
            ("env/base.yaml".into(), b"NAME: shop\nPORT: 8080\n".to_vec()),
            ("env/dev.yaml".into(), b"TAGS: [a, b]\n".to_vec()),
            (
                "templates/env.j2".into(),
                b"NAME={{ NAME }}\nPORT={{ PORT }}\nJWT_SECRET={{ JWT_SECRET }}\n".to_vec(),
            ),
            (
                "templates/app.yaml.j2".into(),
                b"name: {{ NAME }}\nport: {{ PORT }}\n".to_vec(),
            ),
        ];
        let dir = tempfile::tempdir().expect("temp dir");
        for (rel, bytes) in &files {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
            std::fs::write(path, bytes).expect("write");
        }
        let key_file = dir.path().join("key.txt");
        std::fs::write(&key_file, format!("{}\n", key.secret)).expect("write key");
        let mut child = Command::new(env!("CARGO_BIN_EXE_cfgc"))
            .args(["secrets", "set", "dev", "JWT_SECRET"])
            .current_dir(dir.path())
            .env("CFGC_AGE_KEY_FILE", &key_file)
            .env("HOME", dir.path().join("no-home"))
            .env_remove("XDG_CONFIG_HOME")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("run cfgc");
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().expect("stdin");
            stdin.write_all(SECRET.as_bytes()).expect("write stdin");
        }
        assert!(
            child.wait().expect("wait").success(),
            "seal the base secret"
        );
        let mut files = files;
        files.push((
            "env/dev.secrets.yaml".into(),
            std::fs::read(dir.path().join("env/dev.secrets.yaml")).expect("sealed file"),
        ));
        // A committed lock file, as after a first apply: a refused apply must leave it be.
        files.push((".cfgc.lock".into(), Vec::new()));
        // A repository: its hooks are where a hostile output would like to land.
        files.push((".git/config".into(), format!("# {OUTSIDE}\n").into_bytes()));
        files.push((".git/hooks/README".into(), b"hooks\n".to_vec()));
        Base {
            public: key.public,
            secret_key: key.secret,
            files,
        }
    })
}

pub struct Case {
    tmp: tempfile::TempDir,
    env: Vec<(String, String)>,
    /// Run cfgc in a session of its own (`setsid`), with no terminal to prompt on, even
    /// when the tests run in one: for cases about passphrase prompts.
    no_terminal: bool,
}

/// What one run printed, with the temp folder's path replaced by `[TMP]`.
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    pub fn transcript(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

impl Case {
    pub fn new() -> Case {
        let b = base();
        let tmp = tempfile::tempdir().expect("temp dir");
        let c = Case {
            tmp,
            env: Vec::new(),
            no_terminal: false,
        };
        for (rel, bytes) in &b.files {
            c.put(&c.path(rel), bytes);
        }
        for dir in ["home", "runtime", "tmpdir"] {
            std::fs::create_dir_all(c.tmp.path().join(dir)).expect("mkdir");
        }
        // What a symlink or a `..` path out of the project would reach.
        c.put(
            &c.outside("canary.yaml"),
            format!("KEY: {OUTSIDE}\n").as_bytes(),
        );
        c.put(&c.outside("canary.j2"), format!("{OUTSIDE}\n").as_bytes());
        c.put(
            &c.outside("schema.json"),
            format!("{{\"description\": \"{OUTSIDE}\"}}\n").as_bytes(),
        );
        c.put(
            &c.outside("cfgc.toml"),
            format!("# {OUTSIDE}\n{}", String::from_utf8_lossy(&b.files[0].1)).as_bytes(),
        );
        // The identity lives outside the project, as on a CI runner.
        let key = c.tmp.path().join("home/key.txt");
        c.put(&key, format!("{}\n", b.secret_key).as_bytes());
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        let key = key.to_string_lossy().into_owned();
        c.env("CFGC_AGE_KEY_FILE", &key)
    }

    fn put(&self, path: &Path, bytes: &[u8]) {
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    }

    /// The project folder.
    pub fn root(&self) -> PathBuf {
        self.tmp.path().join("project")
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// A file in the folder next to the project, where the canaries live.
    pub fn outside(&self, name: &str) -> PathBuf {
        self.tmp.path().join("outside").join(name)
    }

    pub fn public_key(&self) -> &'static str {
        &base().public
    }

    pub fn write(self, rel: &str, bytes: impl AsRef<[u8]>) -> Case {
        let path = self.path(rel);
        if path.is_symlink() || path.is_file() {
            std::fs::remove_file(&path).expect("rm");
        }
        self.put(&path, bytes.as_ref());
        self
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).expect("read")
    }

    /// Replace `from` (which must occur) by `to` in a project file.
    pub fn edit(self, rel: &str, from: &str, to: &str) -> Case {
        let old = self.read(rel);
        assert!(old.contains(from), "`{from}` is not in {rel}:\n{old}");
        let new = old.replacen(from, to, 1);
        self.write(rel, new)
    }

    pub fn append(self, rel: &str, text: &str) -> Case {
        let old = self.read(rel);
        self.write(rel, old + text)
    }

    pub fn remove(self, rel: &str) -> Case {
        let path = self.path(rel);
        if path.is_dir() && !path.is_symlink() {
            std::fs::remove_dir_all(path).expect("rm -r");
        } else {
            std::fs::remove_file(path).expect("rm");
        }
        self
    }

    pub fn mkdir(self, rel: &str) -> Case {
        std::fs::create_dir_all(self.path(rel)).expect("mkdir");
        self
    }

    /// `rel` becomes a symlink to `target` (what it was is removed).
    pub fn symlink(self, rel: &str, target: impl AsRef<Path>) -> Case {
        let path = self.path(rel);
        if path.is_symlink() || path.is_file() {
            std::fs::remove_file(&path).expect("rm");
        } else if path.is_dir() {
            std::fs::remove_dir_all(&path).expect("rm -r");
        }
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        symlink(target.as_ref(), &path).expect("symlink");
        self
    }

    /// `rel` becomes a symlink to the outside file `name`.
    pub fn symlink_out(self, rel: &str, name: &str) -> Case {
        let target = self.outside(name);
        self.symlink(rel, target)
    }

    /// `rel` becomes a FIFO, which a reader would block on forever.
    pub fn fifo(self, rel: &str) -> Case {
        let path = self.path(rel);
        if path.exists() || path.is_symlink() {
            std::fs::remove_file(&path).expect("rm");
        }
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        let status = Command::new("mkfifo")
            .arg(&path)
            .status()
            .expect("mkfifo (coreutils) must be installed: apt-get install coreutils");
        assert!(status.success(), "mkfifo");
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Case {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), value.into()));
        self
    }

    /// No identity at all: the key file variable points nowhere.
    pub fn without_identity(mut self) -> Case {
        self.env.retain(|(k, _)| k != "CFGC_AGE_KEY_FILE");
        self
    }

    /// The identity file's path (outside the project).
    pub fn identity_path(&self) -> PathBuf {
        self.tmp.path().join("home/key.txt")
    }

    /// See `no_terminal`.
    pub fn without_terminal(mut self) -> Case {
        self.no_terminal = true;
        self
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = if self.no_terminal {
            // Not a process group leader, so setsid execs cfgc in place: the pid the
            // timeout stops is cfgc's.
            let mut cmd = crate::common::tools::command("setsid");
            cmd.arg(env!("CARGO_BIN_EXE_cfgc"));
            cmd
        } else {
            Command::new(env!("CARGO_BIN_EXE_cfgc"))
        };
        cmd.args(args).current_dir(self.root());
        // The corpus also keeps the developer's config folder (their default key file) out.
        crate::common::strip_user_env(&mut cmd);
        cmd.env_remove("XDG_CONFIG_HOME");
        let home = self.tmp.path().join("home");
        cmd.env("HOME", &home)
            .env("XDG_RUNTIME_DIR", self.tmp.path().join("runtime"))
            .env("TMPDIR", self.tmp.path().join("tmpdir"));
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Run cfgc with `stdin`, stopping it (by pid) if it outlives `TIMEOUT`.
    pub fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Outcome {
        self.run_command(self.command(args), stdin)
    }

    pub fn run_command(&self, mut cmd: Command, stdin: &str) -> Outcome {
        use std::io::{Read, Write};
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run cfgc");
        {
            let mut pipe = child.stdin.take().expect("stdin");
            let _ = pipe.write_all(stdin.as_bytes());
        }
        // Drain the pipes on threads, so a chatty cfgc cannot block on a full pipe.
        let mut out = child.stdout.take().expect("stdout");
        let mut err = child.stderr.take().expect("stderr");
        let out = std::thread::spawn(move || {
            let mut b = Vec::new();
            let _ = out.read_to_end(&mut b);
            b
        });
        let err = std::thread::spawn(move || {
            let mut b = Vec::new();
            let _ = err.read_to_end(&mut b);
            b
        });
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("poll cfgc") {
                break status;
            }
            if started.elapsed() > TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                panic!("cfgc {:?} hung for {TIMEOUT:?}", cmd.get_args());
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let tmp = self.tmp.path().to_string_lossy().into_owned();
        let clean = |b: Vec<u8>| String::from_utf8_lossy(&b).replace(&tmp, "[TMP]");
        Outcome {
            code: status.code().unwrap_or(-1),
            stdout: clean(out.join().expect("stdout thread")),
            stderr: clean(err.join().expect("stderr thread")),
        }
    }

    /// Runs `args` and asserts what every hostile case must show: exit `code`, each of
    /// `messages` in the output, no file changed, no temp file left, no canary printed.
    pub fn refuses(&self, args: &[&str], code: i32, messages: &[&str]) -> Outcome {
        self.refuses_with_stdin(args, "", code, messages)
    }

    pub fn refuses_with_stdin(
        &self,
        args: &[&str],
        stdin: &str,
        code: i32,
        messages: &[&str],
    ) -> Outcome {
        let before = self.snapshot();
        let run = self.run_with_stdin(args, stdin);
        let after = self.snapshot();
        self.assert_outcome(&run, code, messages);
        assert_unchanged(&before, &after, &run);
        run
    }

    pub fn assert_outcome(&self, run: &Outcome, code: i32, messages: &[&str]) {
        assert_eq!(run.code, code, "exit code\n{}", run.transcript());
        let all = format!("{}{}", run.stdout, run.stderr);
        for m in messages {
            assert!(all.contains(m), "expected `{m}` in:\n{}", run.transcript());
        }
        assert_no_canary(run);
    }

    /// Every path under the case's folder (project, outside, home, runtime, temp) with a
    /// hash of its content; symlinks by their target and special files by their type, so
    /// that taking a snapshot never follows a link or blocks on a FIFO.
    pub fn snapshot(&self) -> BTreeMap<PathBuf, String> {
        let mut out = BTreeMap::new();
        walk(self.tmp.path(), self.tmp.path(), &mut out);
        out
    }
}

impl Drop for Case {
    fn drop(&mut self) {
        // A case may leave a folder read-only; make it removable again.
        let mut stack = vec![self.tmp.path().to_path_buf()];
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

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        out.insert(
            dir.strip_prefix(root).expect("under root").into(),
            "unreadable".into(),
        );
        return;
    };
    for entry in entries {
        let path = entry.expect("entry").path();
        let rel = path.strip_prefix(root).expect("under root").to_path_buf();
        let meta = std::fs::symlink_metadata(&path).expect("stat");
        let mode = meta.permissions().mode() & 0o7777;
        let ft = meta.file_type();
        let what = if ft.is_symlink() {
            format!(
                "link -> {}",
                std::fs::read_link(&path).expect("readlink").display()
            )
        } else if ft.is_dir() {
            walk(root, &path, out);
            format!("dir {mode:o}")
        } else if ft.is_file() {
            let bytes = std::fs::read(&path).expect("read");
            format!("file {mode:o} {:x}", Sha256::digest(&bytes))
        } else {
            format!("special {mode:o}")
        };
        out.insert(rel, what);
    }
}

fn assert_unchanged(
    before: &BTreeMap<PathBuf, String>,
    after: &BTreeMap<PathBuf, String>,
    run: &Outcome,
) {
    if before == after {
        return;
    }
    let added: Vec<_> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    let removed: Vec<_> = before.keys().filter(|k| !after.contains_key(*k)).collect();
    let changed: Vec<_> = before
        .iter()
        .filter(|(k, v)| after.get(*k).is_some_and(|w| w != *v))
        .map(|(k, _)| k)
        .collect();
    panic!(
        "files changed: left behind {added:?}, removed {removed:?}, changed {changed:?}\n{}",
        run.transcript()
    );
}

pub fn assert_no_canary(run: &Outcome) {
    for canary in [SECRET, OUTSIDE, base().secret_key.as_str()] {
        assert!(
            !run.stdout.contains(canary) && !run.stderr.contains(canary),
            "`{canary}` reached the output:\n{}",
            run.transcript()
        );
    }
    // Any private key, not only the case's: the prefix followed by key characters (help
    // texts name the prefix alone, `AGE-SECRET-KEY-1…`).
    for text in [&run.stdout, &run.stderr] {
        for (i, _) in text.match_indices(PRIVATE_KEY) {
            let rest = &text[i + PRIVATE_KEY.len()..];
            let key_chars = rest
                .chars()
                .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                .count();
            assert!(
                key_chars < 16,
                "a private key reached the output:\n{}",
                run.transcript()
            );
        }
    }
}
