//! The hostile corpus (issue 8): what a pull request's author can put in a project, tried
//! against the real binary. Every case asserts the exact message and exit code, that no file
//! changed (hashes before and after, the folder outside the project included), that no temp
//! file was left behind, and that no canary (the sealed secret, the content of files outside
//! the project, any private key) reached stdout or stderr. See `harness`.
//!
//! One module per category of the issue; `pending` holds the cases whose fix is on the
//! runtime-hardening branch (template fuel, apply's checks, messages, secrets edit).

/// `case!(name: |c| setup => ["args"], exit, ["message", …]);` — one test that runs `args`
/// in the case `setup` builds and asserts everything `Case::refuses` asserts.
macro_rules! case {
    ($name:ident: $setup:expr => [$($arg:expr),+ $(,)?], $code:expr, [$($msg:expr),* $(,)?]) => {
        #[test]
        fn $name() {
            let setup: fn(Case) -> Case = $setup;
            setup(Case::new()).refuses(&[$($arg),+], $code, &[$($msg),*]);
        }
    };
}

/// `each_command!(name: |c| setup, exit, ["message"]);` — the same case under `check`,
/// `plan` and `apply --yes` (a module with one test each): the file is refused whichever
/// command a CI job or a developer runs.
macro_rules! each_command {
    ($name:ident: $setup:expr, $code:expr, [$($msg:expr),* $(,)?]) => {
        mod $name {
            use super::*;
            case!(check: $setup => ["check"], $code, [$($msg),*]);
            case!(plan: $setup => ["plan"], $code, [$($msg),*]);
            case!(apply: $setup => ["apply", "--yes"], $code, [$($msg),*]);
        }
    };
}

mod harness;
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
