//! `cfgc exec ENV -- CMD [ARGS…]`: run a command with the environment's variables and
//! decrypted secrets in its environment. Nothing is written to disk and no value is
//! printed: the values go to the child's environment only. `CFGC_ENV` is set to the
//! environment's name. On Unix cfgc becomes the child
//! (exec), so signals reach it directly and its exit code is the run's.

use std::ffi::OsString;
use std::process::Command;

use secrecy::ExposeSecret;

use super::emit;
use super::out;
use crate::cli::Config;
use crate::codegen::model::ENV_VARIABLE;
use crate::diagnostic::{Code, Diagnostic};
use crate::exit::Outcome;
use crate::pipeline::{self, Unresolved};
use crate::render::flatten::{flatten, is_env_name};

pub fn run(config: &Config, env: &str, argv: &[OsString]) -> Outcome {
    let Some((program, args)) = argv.split_first() else {
        let d = Diagnostic::new(Code::ExecNoCommand, "no command given");
        return emit(&[d], &Default::default(), config.color_err);
    };
    let built = pipeline::resolve(config, env, |environ| {
        let mut vars = Vec::new();
        for (name, entry) in &environ.merged.vars {
            flatten(name, &entry.node.to_json(), &mut vars);
        }
        let mut cmd = Command::new(program);
        cmd.args(args);
        let mut bad = Vec::new();
        let mut set = |name: &str, value: &str| {
            if !is_env_name(name) {
                bad.push(
                    Diagnostic::new(
                        Code::ExecName,
                        format!("`{name}` cannot be an environment variable name"),
                    )
                    .key(name)
                    .help("rename it to letters, digits and `_`, not starting with a digit"),
                );
            } else if value.contains('\0') {
                bad.push(
                    Diagnostic::new(Code::ExecValue,
                        format!("the value of `{name}` holds a NUL byte, which no environment variable can"),
                    )
                    .key(name)
                    .help("remove the NUL byte from the value"),
                );
            } else {
                cmd.env(name, value);
            }
        };
        for (name, value) in &vars {
            set(name, value);
        }
        for (name, value) in &environ.secrets {
            set(name, value.expose_secret());
        }
        // Last, so it is the environment's name whatever else is set: the app's generated
        // loader (`cfgc codegen`) reads it to know which rules hold.
        set(ENV_VARIABLE, &environ.merged.env.name);
        if bad.is_empty() { Ok(cmd) } else { Err(bad) }
    });
    let mut cmd = match built {
        Ok(Ok(cmd)) => cmd,
        Ok(Err(bad)) => return emit(&bad, &Default::default(), config.color_err),
        Err(Unresolved::Stopped(stopped)) => {
            return emit(&stopped.errors, &stopped.sources, config.color_err);
        }
        Err(Unresolved::Findings(checked)) => {
            out(&crate::diagnostic::human::render(
                &checked.diagnostics,
                &checked.sources,
                &checked.redactions,
                config.color,
            ));
            let refused = Diagnostic::new(
                Code::ExecRefused,
                format!("`{env}` has findings; the command was not run"),
            )
            .help(format!("fix them (`cfgc check {env}`), then run it again"));
            // A finding (exit 1): the environment's content is what stopped the command.
            return emit(&[refused], &Default::default(), config.color_err);
        }
    };
    let name = program.to_string_lossy();
    let e = spawn(&mut cmd);
    let (code, why) = match e.kind() {
        std::io::ErrorKind::NotFound => (127, "not found on PATH"),
        std::io::ErrorKind::PermissionDenied => (126, "not executable"),
        _ => (126, "could not be started"),
    };
    let d = Diagnostic::new(Code::ExecSpawn, format!("the command `{name}` {why}: {e}"));
    let _ = emit(&[d], &Default::default(), config.color_err);
    // A shell's codes for a command that did not start: `CMD`'s exit code is cfgc's.
    std::process::exit(code)
}

/// Become the child; returns only if that failed.
#[cfg(unix)]
fn spawn(cmd: &mut Command) -> std::io::Error {
    use std::os::unix::process::CommandExt;
    cmd.exec()
}

/// Run the child and leave with its exit code.
#[cfg(not(unix))]
fn spawn(cmd: &mut Command) -> std::io::Error {
    match cmd.status() {
        Ok(status) => std::process::exit(status.code().unwrap_or(1)),
        Err(e) => e,
    }
}
