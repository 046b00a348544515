//! The hostile corpus (issue 8): what a pull request's author can put in a project, tried
//! against the real binary. Every case asserts the exact message and exit code, that no file
//! changed (hashes before and after, the folder outside the project included), that no temp
//! file was left behind, and that no canary (the sealed secret, the content of files outside
//! the project, any private key) reached stdout or stderr. See `refuses`, and
//! `Project::hostile` in `tests/common` for the project every case starts from.
//!
//! One module per category of the issue; `pending` holds the cases whose fix is on the
//! runtime-hardening branch (template fuel, apply's checks, messages, secrets edit).

use crate::common::{Project, Test};

/// What every hostile case must show, whatever else it expects: exit `code`, no file
/// changed or left behind anywhere in the case's temp folder (the outside canaries, home,
/// runtime and temp folders included), and no canary in any output.
fn refuses<'p>(p: &'p Project, args: &[&str], code: i32) -> Test<'p> {
    p.args(args).status(code).unchanged().no_canary()
}

/// `case!(name: |c| setup => ["args"], exit, stderr: ["message", …]);` — one test that
/// runs `args` in the hostile project `setup` builds, with what [`refuses`] asserts and
/// each message in stdout (`stdout: […]`) or stderr (`stderr: […]`).
macro_rules! case {
    ($name:ident: $setup:expr => [$($arg:expr),+ $(,)?], $code:expr
        $(, stdout: [$($out:expr),* $(,)?])? $(, stderr: [$($err:expr),* $(,)?])? $(,)?) => {
        #[test]
        fn $name() {
            let setup: fn(Project) -> Project = $setup;
            let p = setup(Project::hostile());
            $crate::hostile::refuses(&p, &[$($arg),+], $code)
                $($(.stdout_has($out))*)?
                $($(.stderr_has($err))*)?
                .run();
        }
    };
}

/// `each_command!(name: |c| setup, exit, stderr: ["message"]);` — the same case under
/// `check`, `plan` and `apply --yes` (a module with one test each): the file is refused
/// whichever command a CI job or a developer runs.
macro_rules! each_command {
    ($name:ident: $setup:expr, $code:expr $(, $stream:ident: [$($msg:expr),* $(,)?])+ $(,)?) => {
        mod $name {
            use super::*;
            case!(check: $setup => ["check"], $code $(, $stream: [$($msg),*])+);
            case!(plan: $setup => ["plan"], $code $(, $stream: [$($msg),*])+);
            case!(apply: $setup => ["apply", "--yes"], $code $(, $stream: [$($msg),*])+);
        }
    };
}

mod mount;

mod a_reads_outside;
mod b_writes_outside;
mod c_parsers_and_bombs;
mod d_fail_closed;
mod e_secrets_in_messages;
mod f_outputs;
mod fuzz_regressions;
mod g_every_writer;
mod pending;
mod project_paths;
mod secret_in_plain_output;
mod secrets_files;
