//! A fake's process: started with the test virtualenv's Python, ready once it has printed
//! `listening on http://127.0.0.1:PORT`, and killed (SIGKILL, then reaped) when dropped, by a
//! panicking test too. Its stderr is read into memory, to show when it fails to start.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::common::tools;

/// How long a fake may take to start: moto imports for a few seconds on a busy machine.
const START: Duration = Duration::from_secs(60);

pub struct Process {
    child: Child,
    url: String,
    stderr: Option<JoinHandle<String>>,
}

impl Process {
    /// Runs `script` with the virtualenv's `python3` once `modules` import there (each from
    /// the PyPI package named with it), and waits for its `listening on` line.
    pub fn start(script: &Path, args: &[&str], modules: &[(&str, &str)]) -> Process {
        for (module, package) in modules {
            tools::require_python_module(module, package);
        }
        let mut command = tools::command("python3");
        command
            .arg(script)
            .args(args)
            .env("PYTHONUNBUFFERED", "1")
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = tools::spawn(&mut command);
        let mut pipe = child.stderr.take().expect("stderr is piped");
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        });
        let (line_tx, line_rx) = mpsc::channel();
        let stdout = child.stdout.take().expect("stdout is piped");
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = line_tx.send(lines.next());
            // Drained to the end, so the fake never blocks on a full pipe.
            lines.for_each(drop);
        });
        let mut process = Process {
            child,
            url: String::new(),
            stderr: Some(stderr),
        };
        let line = line_rx.recv_timeout(START);
        match line {
            Ok(Some(Ok(line))) if line.starts_with("listening on http://") => {
                process.url = line["listening on ".len()..].to_string();
                process
            }
            other => {
                process.kill();
                let stderr = process
                    .stderr
                    .take()
                    .and_then(|thread| thread.join().ok())
                    .unwrap_or_default();
                panic!(
                    "{} did not start (first line: {other:?}):\n{stderr}",
                    script.display()
                )
            }
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    fn kill(&mut self) {
        // Child::kill is SIGKILL to this pid; a fake is one process (threads, no workers).
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}
