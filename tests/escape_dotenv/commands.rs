//! Issue 19 g: dotenv-expand 1000 runs `$(…)` in values; what cfgc writes runs nothing in
//! any reader, pinned or current (each runs in an empty folder that must stay empty).

use cfgc::format::{DOTENV, DOTENV_LITERAL, escape};
use serde_json::Value;

use super::{check_batch, check_batch_as};

/// Issue 19 g: dotenv-expand 1000 (the current release) runs `$(…)` as a shell command even
/// inside single quotes. Every way of writing a command is refused by `dotenv`, or read back
/// unchanged by every reader, pinned and current, with nothing run (no `PWNED` file).
#[test]
fn dotenv_expand_1000_runs_no_command_from_a_rendered_value() {
    let refused = [
        "$(touch PWNED)",
        "a $(touch PWNED) b",
        "$( touch PWNED )",
        "$$(touch PWNED)",
        "\\$(touch PWNED)",
        "$((1+1))",
        "${X:-$(touch PWNED)}",
        "encrypted:$(touch PWNED)",
    ];
    for value in refused {
        assert!(
            escape(DOTENV, &Value::String(value.to_string())).is_err(),
            "`dotenv` must refuse {value:?}"
        );
    }
    let accepted = [
        "`touch PWNED`",
        "a`touch PWNED`b",
        "$$",
        "$$ touch PWNED",
        "$ (touch PWNED)",
        "(touch PWNED)",
        "$1(touch PWNED)",
        "not encrypted:x",
    ]
    .map(String::from);
    let values: Vec<String> = refused
        .iter()
        .map(|v| v.to_string())
        .chain(accepted.iter().cloned())
        .collect();
    assert_eq!(check_batch(&values), Ok(accepted.len()));
}

/// `dotenv-literal` writes `$(…)` as text: every reader it is for (all but dotenv-expand)
/// reads it back unchanged and runs nothing, dotenvx 2 included (it runs commands only
/// outside single quotes). `encrypted:` stays refused: dotenvx decrypts it in quotes too.
#[test]
fn dotenv_literal_keeps_a_command_as_text_for_every_literal_reader() {
    let values = [
        "$(touch PWNED)",
        "a $(touch PWNED) b",
        "\\$(touch PWNED)",
        "`touch PWNED`",
    ]
    .map(String::from);
    assert_eq!(check_batch_as(DOTENV_LITERAL, &values), Ok(values.len()));
    let encrypted = Value::String("encrypted:abc".to_string());
    assert!(escape(DOTENV_LITERAL, &encrypted).is_err());
}

/// A secret holding a command is refused by `plan`, naming the secret (the template writes
/// it through a loop's `value`), the output and the format that would carry it, never
/// quoting the value; and nothing ran.
#[test]
fn a_command_in_a_secret_is_refused_by_plan_without_quoting_it() {
    let p = crate::common::Project::example();
    p.set(
        "development",
        "JWT_SECRET",
        "$(touch PWNED)-s3cr3t-canary-0123456789abcdef",
    );
    let run = p.args(["plan", "development"]).run();
    let transcript = run.transcript();
    assert_eq!(run.code, 1, "{transcript}");
    for wanted in [
        "error[template-escape]",
        "(output `dotenv`)",
        "contains `$(`",
        "dotenv-expand 1000 runs",
        "format = \"dotenv-literal\"",
        "cannot place the value of `JWT_SECRET` safely",
    ] {
        assert!(transcript.contains(wanted), "{wanted:?} in {transcript}");
    }
    assert!(!transcript.contains("s3cr3t-canary"), "{transcript}");
    assert!(!transcript.contains("touch PWNED"), "{transcript}");
    assert!(!p.path("PWNED").exists());
}
