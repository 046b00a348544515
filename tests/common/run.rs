//! Running the built binary: `.run()`, which checks the expectations, the shorthands that
//! run without any, and the child process itself (stdin fed, pipes drained, a hung child
//! stopped by its pid).

use std::ffi::OsString;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::Project;
use super::expect::{Expect, Pending};
use super::snapshot::Snapshot;

/// What one run printed, the temp folder's path replaced (`[ROOT]`, `[TMP]`).
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Exit code, stdout and stderr in one text, for snapshots and failure messages.
    pub fn transcript(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

impl Project {
    /// Runs the command `.args(..)` named, checks every expectation set since, and returns
    /// what it printed for the test to look at further. The command and its expectations
    /// are spent: the project is ready for the next `.args(..)`.
    pub fn run(&self) -> Run {
        let pending = self.pending.take();
        let Some(args) = pending.args else {
            panic!("`.run()` without `.args(..)`: name the command to run");
        };
        let mut cmd = self.cfgc(&args);
        for (k, v) in &pending.env {
            cmd.env(k, v);
        }
        let watch = pending
            .expect
            .iter()
            .any(|e| matches!(e, Expect::Unchanged));
        let before = watch.then(|| Snapshot::of(self.dir.path()));
        let command = self.describe(&args);
        let run = self.spawn(cmd, &pending.stdin, &command);
        let changed = before.and_then(|before| before.changes(&Snapshot::of(self.dir.path())));
        self.check(&command, &pending.expect, &run, changed.as_deref());
        run
    }

    /// `cfgc ARGS`, with no expectation: the test looks at the [`Run`] itself.
    pub fn run_args(&self, args: &[&str]) -> Run {
        self.run_with_env(args, None, &[])
    }

    /// `run_args` with `stdin`.
    pub fn run_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> Run {
        self.run_with_env(args, stdin, &[])
    }

    /// `run_with_stdin` with `vars` set on top of the project's (e.g. no key at hand).
    pub fn run_with_env(&self, args: &[&str], stdin: Option<&str>, vars: &[(&str, &str)]) -> Run {
        let next = Pending {
            args: Some(args.iter().map(OsString::from).collect()),
            stdin: stdin.unwrap_or_default().as_bytes().to_vec(),
            env: vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            expect: Vec::new(),
        };
        let before = self.pending.replace(next);
        assert!(
            before.is_empty(),
            "a command built with `.args(..)` was never run: end it with `.run()`"
        );
        self.run()
    }

    /// Runs `cmd` with `input` on stdin, draining its pipes on threads so that a chatty
    /// child cannot block on a full one, and stops it by its pid past the timeout.
    fn spawn(&self, mut cmd: Command, input: &[u8], command: &str) -> Run {
        let mut child = super::tools::spawn(
            cmd.stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped()),
        );
        {
            let mut pipe = child.stdin.take().expect("stdin");
            // A command that exits without reading its input closes the pipe first.
            let _ = pipe.write_all(input);
        }
        let drain = |mut pipe: Box<dyn Read + Send>| {
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                let _ = pipe.read_to_end(&mut bytes);
                bytes
            })
        };
        let out = drain(Box::new(child.stdout.take().expect("stdout")));
        let err = drain(Box::new(child.stderr.take().expect("stderr")));
        let started = Instant::now();
        let mut pause = Duration::from_millis(1);
        let status = loop {
            if let Some(status) = child.try_wait().expect("poll the child") {
                break status;
            }
            if let Some(limit) = self.timeout
                && started.elapsed() > limit
            {
                // Child::kill is SIGKILL to the child's own pid.
                let _ = child.kill();
                let _ = child.wait();
                panic!("`{command}` hung for {limit:?} and was stopped");
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(20));
        };
        let dir = self.dir.path().to_string_lossy().into_owned();
        let clean = |b: Vec<u8>| String::from_utf8_lossy(&b).replace(&dir, self.redact);
        Run {
            code: status.code().unwrap_or(-1),
            stdout: clean(out.join().expect("stdout thread")),
            stderr: clean(err.join().expect("stderr thread")),
        }
    }
}
