//! What one run printed ([`Run`]), and the child process behind it: stdin fed, pipes
//! drained, a hung child stopped by its pid.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::Project;

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

/// Runs `cmd` with `input` on stdin, draining its pipes on threads so that a chatty child
/// cannot block on a full one, and stops it by its pid past `timeout`.
pub(super) fn spawn(
    p: &Project,
    mut cmd: Command,
    input: &[u8],
    timeout: Option<Duration>,
    command: &str,
) -> Run {
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
        if let Some(limit) = timeout
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
    let dir = p.dir.path().to_string_lossy().into_owned();
    let clean = |b: Vec<u8>| String::from_utf8_lossy(&b).replace(&dir, p.redact);
    Run {
        code: status.code().unwrap_or(-1),
        stdout: clean(out.join().expect("stdout thread")),
        stderr: clean(err.join().expect("stderr thread")),
    }
}
