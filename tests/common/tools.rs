//! The external programs the tests run and how to install each. A missing program fails its
//! test with that hint, never a silent pass; `scripts/test` installs all of them.

use std::collections::BTreeSet;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output};
use std::sync::Mutex;

/// Said after every hint: the one command that installs everything.
const SCRIPT: &str = "`scripts/test` installs everything the tests need";

/// How to install `program` on Debian 12, the system the project runs on.
pub fn install_hint(program: &str) -> String {
    let how = match program {
        "age" | "age-keygen" => "apt-get install age",
        "nginx" => "apt-get install nginx-light",
        "openssl" => "apt-get install openssl",
        "ssh-keygen" => "apt-get install openssh-client",
        "python3" => "apt-get install python3 python3-venv",
        "check-jsonschema" => "pip install check-jsonschema, in target/test-venv",
        "pre-commit" => "pip install pre-commit, in target/test-venv",
        "gixy" => "pip install gixy-ng==0.2.59, in target/test-venv",
        "kubernetes-validate" => "pip install kubernetes-validate==1.37.0, in target/test-venv",
        "curl" => "apt-get install curl",
        "node-readers" => {
            "npm install --prefix target/node-readers dotenv@17.2.3 dotenv-expand@12.0.3 \
             @dotenvx/dotenvx@1.59.1"
        }
        "node-readers-current" => {
            "npm install --prefix target/node-readers-current dotenv@18.0.10 \
             dotenv-expand@1000.0.0 @dotenvx/dotenvx@2.38.2"
        }
        "ts-tools" => "npm install --prefix target/ts-tools typescript@5.9.3 zod@4.6.7",
        "node" => "Node 20.12 or later, from https://nodejs.org (Debian 12's nodejs is 18)",
        "bash" => "apt-get install bash",
        "git" => "apt-get install git",
        "groff" => "apt-get install groff-base",
        "script" => "apt-get install bsdutils",
        "setsid" => "apt-get install util-linux",
        // Only #[ignore] tests run gcloud: it is not on every machine, and scripts/test
        // does not install it.
        "gcloud" => {
            return "the Google Cloud CLI, https://cloud.google.com/sdk/docs/install; only \
                    `#[ignore]` tests need it"
                .to_string();
        }
        _ => "install it",
    };
    format!("{how}; {SCRIPT}")
}

/// The virtualenv `scripts/test` fills with the Python tools. Tests prefer it to PATH, so a
/// focused `cargo test` after one `scripts/test` finds the same tools.
fn venv_bin() -> PathBuf {
    super::repo().join("target/test-venv/bin")
}

/// A command for `program`, from the test virtualenv when it is a Python tool found there.
pub fn command(program: &str) -> Command {
    if matches!(
        program,
        "python3" | "check-jsonschema" | "pre-commit" | "gixy" | "kubernetes-validate"
    ) {
        let in_venv = venv_bin().join(program);
        if in_venv.is_file() {
            return Command::new(in_venv);
        }
    }
    Command::new(program)
}

fn cannot_run(command: &Command, err: std::io::Error) -> ! {
    let program = Path::new(command.get_program())
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    if err.kind() == ErrorKind::NotFound {
        panic!("`{program}` is not installed: {}", install_hint(&program))
    }
    panic!("cannot run `{program}`: {err}")
}

/// Runs `command` to completion; a program that is not installed fails the test with its hint.
pub fn output(command: &mut Command) -> Output {
    command
        .output()
        .unwrap_or_else(|err| cannot_run(command, err))
}

/// Like [`output`], for a command whose output is not captured.
pub fn status(command: &mut Command) -> ExitStatus {
    command
        .status()
        .unwrap_or_else(|err| cannot_run(command, err))
}

/// Starts `command`; a program that is not installed fails the test with its hint.
pub fn spawn(command: &mut Command) -> Child {
    command
        .spawn()
        .unwrap_or_else(|err| cannot_run(command, err))
}

/// Fails the test, with how to install it, unless `python3` can import `module` (from the
/// PyPI package `package`).
pub fn require_python_module(module: &str, package: &str) {
    static FOUND: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    if FOUND.lock().is_ok_and(|found| found.contains(module)) {
        return;
    }
    let probe = output(command("python3").args(["-c", &format!("import {module}")]));
    assert!(
        probe.status.success(),
        "python3 cannot import `{module}`: pip install {package}, in target/test-venv; {SCRIPT}\n{}",
        String::from_utf8_lossy(&probe.stderr)
    );
    if let Ok(mut found) = FOUND.lock() {
        found.insert(module.to_string());
    }
}
