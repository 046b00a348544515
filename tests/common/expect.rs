//! What a run must show: the builder's command, input and expectations, and the check that
//! fails the test with the whole transcript when one is not met.

use std::ffi::{OsStr, OsString};

use super::{Project, Run};

/// One command to run and what it must show; spent by `.run()`.
#[derive(Default)]
pub(super) struct Pending {
    pub args: Option<Vec<OsString>>,
    pub stdin: Vec<u8>,
    /// Variables for this run only, on top of the project's.
    pub env: Vec<(String, String)>,
    pub expect: Vec<Expect>,
}

impl Pending {
    pub fn is_empty(&self) -> bool {
        self.args.is_none() && self.stdin.is_empty() && self.env.is_empty() && self.expect.is_empty()
    }
}

pub(super) enum Expect {
    Status(i32),
    Stdout(String),
    StdoutHas(String),
    Stderr(String),
    StderrHas(String),
    /// No file changed, appeared or went away in the temp folder.
    Unchanged,
    /// Neither a canary of the project nor any private key in stdout or stderr.
    NoCanary,
}

/// An age private key: its prefix followed by key characters (help texts name the prefix
/// alone, `AGE-SECRET-KEY-1…`). Any private key in the output is a leak, whoever's it is.
const PRIVATE_KEY: &str = "AGE-SECRET-KEY-1";

impl Project {
    fn pending(&mut self) -> &mut Pending {
        self.pending.get_mut()
    }

    fn expect(mut self, e: Expect) -> Project {
        self.pending().expect.push(e);
        self
    }

    /// The command to run: cfgc's arguments.
    #[must_use = "nothing runs before `.run()`"]
    pub fn args<S: AsRef<OsStr>>(mut self, args: impl IntoIterator<Item = S>) -> Project {
        self.pending().args = Some(args.into_iter().map(|a| a.as_ref().to_owned()).collect());
        self
    }

    /// What the command reads on stdin (nothing, by default; stdin is closed either way).
    #[must_use = "nothing runs before `.run()`"]
    pub fn stdin(mut self, input: impl AsRef<[u8]>) -> Project {
        self.pending().stdin = input.as_ref().to_vec();
        self
    }

    /// The exit code.
    #[must_use = "nothing is checked before `.run()`"]
    pub fn status(self, code: i32) -> Project {
        self.expect(Expect::Status(code))
    }

    /// All of stdout.
    #[must_use = "nothing is checked before `.run()`"]
    pub fn stdout(self, exact: impl AsRef<str>) -> Project {
        self.expect(Expect::Stdout(exact.as_ref().into()))
    }

    /// A part of stdout; each call adds one.
    #[must_use = "nothing is checked before `.run()`"]
    pub fn stdout_has(self, part: impl AsRef<str>) -> Project {
        self.expect(Expect::StdoutHas(part.as_ref().into()))
    }

    /// All of stderr.
    #[must_use = "nothing is checked before `.run()`"]
    pub fn stderr(self, exact: impl AsRef<str>) -> Project {
        self.expect(Expect::Stderr(exact.as_ref().into()))
    }

    /// A part of stderr; each call adds one.
    #[must_use = "nothing is checked before `.run()`"]
    pub fn stderr_has(self, part: impl AsRef<str>) -> Project {
        self.expect(Expect::StderrHas(part.as_ref().into()))
    }

    /// No file in the temp folder changed (content, mode, link target), and none appeared
    /// (a temp file left behind) or went away. For [`Project::hostile`], that folder holds
    /// the outside canaries, home, runtime and temp folders too.
    #[must_use = "nothing is checked before `.run()`"]
    pub fn unchanged(self) -> Project {
        self.expect(Expect::Unchanged)
    }

    /// No canary of the project (see [`Project::canary`]) and no age private key reached
    /// stdout or stderr.
    #[must_use = "nothing is checked before `.run()`"]
    pub fn no_canary(self) -> Project {
        self.expect(Expect::NoCanary)
    }

    /// A text `.no_canary()` makes sure no run prints (a secret value, a file's content).
    pub fn canary(mut self, text: &str) -> Project {
        self.canaries.push(text.into());
        self
    }

    /// Fails the test, showing the command and its whole transcript, unless `run` meets
    /// every expectation. `changed` lists what changed on disk, when that was watched.
    pub(super) fn check(&self, command: &str, expect: &[Expect], run: &Run, changed: Option<&str>) {
        let mut unmet = Vec::new();
        for e in expect {
            match e {
                Expect::Status(code) if run.code != *code => {
                    unmet.push(format!("exit code {}, expected {code}", run.code));
                }
                Expect::Stdout(text) if run.stdout != *text => {
                    unmet.push(format!("stdout is not exactly:\n{text}"));
                }
                Expect::StdoutHas(part) if !run.stdout.contains(part.as_str()) => {
                    unmet.push(format!("stdout does not contain `{part}`"));
                }
                Expect::Stderr(text) if run.stderr != *text => {
                    unmet.push(format!("stderr is not exactly:\n{text}"));
                }
                Expect::StderrHas(part) if !run.stderr.contains(part.as_str()) => {
                    unmet.push(format!("stderr does not contain `{part}`"));
                }
                Expect::Unchanged => {
                    if let Some(changed) = changed {
                        unmet.push(format!("files changed: {changed}"));
                    }
                }
                Expect::NoCanary => unmet.extend(self.leaks(run)),
                _ => {}
            }
        }
        if !unmet.is_empty() {
            panic!(
                "`{command}` did not do what the test expects:\n- {}\n{}",
                unmet.join("\n- "),
                run.transcript()
            );
        }
    }

    /// What `.no_canary()` finds in the output.
    fn leaks(&self, run: &Run) -> Vec<String> {
        let mut found = Vec::new();
        for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
            for canary in &self.canaries {
                if text.contains(canary.as_str()) {
                    found.push(format!("the canary `{canary}` reached {stream}"));
                }
            }
            for (i, _) in text.match_indices(PRIVATE_KEY) {
                let rest = &text[i + PRIVATE_KEY.len()..];
                let key_chars = rest
                    .chars()
                    .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                    .count();
                if key_chars >= 16 {
                    found.push(format!("a private key reached {stream}"));
                }
            }
        }
        found
    }
}
