//! A scratch cfgc project in a temp folder, built from a fixture folder and
//! edited per test, and a way to run the real binary in it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

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

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cfgc"));
        cmd.args(args).current_dir(self.dir.path());
        for var in [
            "CFGC_AGE_KEY",
            "CFGC_AGE_KEY_FILE",
            "SOPS_AGE_KEY_FILE",
            "NO_COLOR",
            "EDITOR",
            "VISUAL",
        ] {
            cmd.env_remove(var);
        }
        // Keep the user's own default key file out of tests.
        cmd.env("XDG_CONFIG_HOME", self.dir.path().join(".no-such-config"));
        cmd.env("HOME", self.dir.path().join(".no-such-home"));
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, None)
    }

    pub fn run_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> Run {
        use std::io::Write;
        let mut cmd = self.command(args);
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
