//! What a [`Test`](super::Test) can expect of a run, and the check that fails the test
//! with the whole transcript when an expectation is not met: all unmet ones at once, so
//! one failure shows everything that is wrong.

use std::path::Path;

use super::snapshot::Snapshot;
use super::{Project, Run};

pub(super) enum Expect {
    Status(i32),
    Stdout(String),
    StdoutHas(String),
    StdoutLacks(String),
    Stderr(String),
    StderrHas(String),
    StderrLacks(String),
    /// No file changed, appeared or went away in the temp folder.
    Unchanged,
    /// Neither a canary of the project nor any private key in stdout, stderr, or a file
    /// the run wrote.
    NoCanary,
}

/// An age private key: its prefix followed by key characters (help texts name the prefix
/// alone, `AGE-SECRET-KEY-1…`). Any private key in the output is a leak, whoever's it is.
const PRIVATE_KEY: &str = "AGE-SECRET-KEY-1";

/// Fails the test, showing `command` and its whole transcript, unless `run` meets every
/// expectation. `disk` is the temp folder before and after the run, when it was watched.
pub(super) fn check(
    p: &Project,
    command: &str,
    expect: &[Expect],
    run: &Run,
    disk: Option<&(Snapshot, Snapshot)>,
) {
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
            Expect::StdoutLacks(part) if run.stdout.contains(part.as_str()) => {
                unmet.push(format!("stdout contains `{part}`"));
            }
            Expect::Stderr(text) if run.stderr != *text => {
                unmet.push(format!("stderr is not exactly:\n{text}"));
            }
            Expect::StderrHas(part) if !run.stderr.contains(part.as_str()) => {
                unmet.push(format!("stderr does not contain `{part}`"));
            }
            Expect::StderrLacks(part) if run.stderr.contains(part.as_str()) => {
                unmet.push(format!("stderr contains `{part}`"));
            }
            Expect::Unchanged => {
                let (before, after) = disk.expect("a watched run has both snapshots");
                if let Some(changes) = before.changes(after) {
                    unmet.push(format!("files changed: {changes}"));
                }
            }
            Expect::NoCanary => {
                let (before, after) = disk.expect("a watched run has both snapshots");
                unmet.extend(leaks(p, run, &before.written(after)));
            }
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

/// What `.no_canary()` finds in the output and in the files the run wrote (`written`,
/// relative to the temp folder; they are read now, after the run).
fn leaks(p: &Project, run: &Run, written: &[&Path]) -> Vec<String> {
    let mut texts = vec![
        ("stdout".to_string(), run.stdout.clone()),
        ("stderr".to_string(), run.stderr.clone()),
    ];
    for rel in written {
        if let Ok(bytes) = std::fs::read(p.dir.path().join(rel)) {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            texts.push((format!("the file {}", rel.display()), text));
        }
    }
    let mut found = Vec::new();
    for (place, text) in &texts {
        for canary in &p.canaries {
            if text.contains(canary.as_str()) {
                found.push(format!("the canary `{canary}` reached {place}"));
            }
        }
        if has_private_key(text) {
            found.push(format!("a private key reached {place}"));
        }
    }
    found
}

fn has_private_key(text: &str) -> bool {
    text.match_indices(PRIVATE_KEY).any(|(i, _)| {
        let rest = &text[i + PRIVATE_KEY.len()..];
        let key_chars = rest
            .chars()
            .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            .count();
        key_chars >= 16
    })
}
