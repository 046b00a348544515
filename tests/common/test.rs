//! [`Test`]: one run of cfgc in a [`Project`] and everything it must show, as casey/just's
//! `Test`: `p.args(["check"]).status(1).stdout_has("missing-variable").run()`. Nothing
//! runs, and nothing is checked, until `.run()`, which fails the test with the whole
//! transcript when any expectation is unmet and otherwise returns the [`Run`] for more.

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;
use std::time::Duration;

use super::expect::Expect;
use super::snapshot::Snapshot;
use super::{Project, Run};

/// One command to run in a project, its input, and what it must show.
#[must_use = "nothing runs, and nothing is checked, before `.run()`"]
pub struct Test<'p> {
    project: &'p Project,
    args: Vec<OsString>,
    stdin: Vec<u8>,
    /// Variables for this run only, on top of the project's.
    env: Vec<(String, String)>,
    /// The working directory, when not the project folder (`-C` tests).
    cwd: Option<PathBuf>,
    timeout: Option<Duration>,
    expect: Vec<Expect>,
}

impl Project {
    /// Starts a [`Test`]: cfgc with `args`, in this project.
    pub fn args<S: AsRef<OsStr>>(&self, args: impl IntoIterator<Item = S>) -> Test<'_> {
        Test {
            project: self,
            args: args.into_iter().map(|a| a.as_ref().to_owned()).collect(),
            stdin: Vec::new(),
            env: Vec::new(),
            cwd: None,
            timeout: self.timeout,
            expect: Vec::new(),
        }
    }
}

impl Test<'_> {
    fn expect(mut self, e: Expect) -> Self {
        self.expect.push(e);
        self
    }

    /// What the command reads on stdin (nothing, by default; stdin is closed either way).
    pub fn stdin(mut self, input: impl AsRef<[u8]>) -> Self {
        self.stdin = input.as_ref().to_vec();
        self
    }

    /// `key=value` for this run only (no key at hand, another editor).
    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        let value = value.as_ref().to_string_lossy().into_owned();
        self.env.push((key.into(), value));
        self
    }

    /// Run in `rel` of the project instead of the project folder.
    pub fn cwd(mut self, rel: &str) -> Self {
        self.cwd = Some(self.project.path(rel));
        self
    }

    /// A run that outlives `limit` is stopped (by its pid) and fails the test: for a read
    /// that could block (a FIFO).
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = Some(limit);
        self
    }

    /// The exit code.
    pub fn status(self, code: i32) -> Self {
        self.expect(Expect::Status(code))
    }

    /// All of stdout.
    pub fn stdout(self, exact: impl AsRef<str>) -> Self {
        self.expect(Expect::Stdout(exact.as_ref().into()))
    }

    /// A part of stdout; each call adds one.
    pub fn stdout_has(self, part: impl AsRef<str>) -> Self {
        self.expect(Expect::StdoutHas(part.as_ref().into()))
    }

    /// A text stdout must not contain; each call adds one.
    pub fn stdout_lacks(self, part: impl AsRef<str>) -> Self {
        self.expect(Expect::StdoutLacks(part.as_ref().into()))
    }

    /// All of stderr.
    pub fn stderr(self, exact: impl AsRef<str>) -> Self {
        self.expect(Expect::Stderr(exact.as_ref().into()))
    }

    /// A part of stderr; each call adds one.
    pub fn stderr_has(self, part: impl AsRef<str>) -> Self {
        self.expect(Expect::StderrHas(part.as_ref().into()))
    }

    /// A text stderr must not contain; each call adds one.
    pub fn stderr_lacks(self, part: impl AsRef<str>) -> Self {
        self.expect(Expect::StderrLacks(part.as_ref().into()))
    }

    /// No file in the temp folder changed (content, mode, link target), and none appeared
    /// (a temp file left behind) or went away. For [`Project::hostile`], that folder holds
    /// the outside canaries, home, runtime and temp folders too.
    pub fn unchanged(self) -> Self {
        self.expect(Expect::Unchanged)
    }

    /// No canary of the project (see [`Project::canary`]) and no age private key in
    /// stdout, stderr, or any file the run wrote (new or changed) in the temp folder.
    pub fn no_canary(self) -> Self {
        self.expect(Expect::NoCanary)
    }

    /// Runs the command, checks every expectation, and returns what it printed.
    pub fn run(self) -> Run {
        let p = self.project;
        let mut cmd = p.cfgc(&self.args);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        if let Some(dir) = &self.cwd {
            cmd.current_dir(dir);
        }
        // Only a run that is watched pays for the walks of the temp folder.
        let watch = self
            .expect
            .iter()
            .any(|e| matches!(e, Expect::Unchanged | Expect::NoCanary));
        let before = watch.then(|| Snapshot::of(p.dir.path()));
        let command = p.describe(&self.args);
        let run = super::run::spawn(p, cmd, &self.stdin, self.timeout, &command);
        let after = before.map(|before| (before, Snapshot::of(p.dir.path())));
        super::expect::check(p, &command, &self.expect, &run, after.as_ref());
        run
    }
}
