//! Running a store's client script (`tests/fakes/*_client.py`), which prints its answer as
//! JSON: exit 0 (the answer) and 3 (the store refused, `{"error": ...}`) are results;
//! anything else is a crash that fails the test with the client's stderr.

use std::io::Write;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

use crate::common::tools;

/// Writes `stdin` to the child and closes it. A child that exits without reading it has
/// its say in its exit status and output, so a broken pipe here is not the error to report.
pub fn feed(child: &mut Child, stdin: &str) {
    let mut pipe = child.stdin.take().expect("stdin is piped");
    let _ = pipe.write_all(stdin.as_bytes());
}

/// Runs `command`, a client script, with `stdin`; its JSON answer.
pub fn run_json(mut command: Command, stdin: &str, name: &str) -> Value {
    command
        // The fakes' folder stays as git has it: no __pycache__ left behind.
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = tools::spawn(&mut command);
    feed(&mut child, stdin);
    let output = child.wait_with_output().expect("wait for the client");
    let stdout = String::from_utf8_lossy(&output.stdout);
    match output.status.code() {
        Some(0 | 3) => serde_json::from_str(&stdout)
            .unwrap_or_else(|err| panic!("{name} printed no JSON ({err}): {stdout}")),
        _ => panic!(
            "{name} failed ({}):\n{}{}",
            output.status,
            stdout,
            String::from_utf8_lossy(&output.stderr)
        ),
    }
}
