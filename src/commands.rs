//! One module per subcommand; each runs the pipeline as far as it needs.

pub mod apply;
pub mod check;
pub mod plan;
pub mod secrets;

use std::io::Write;

use crate::cli::{Command, Config};
pub use crate::exit::Exit;

pub fn run(config: Config) -> Exit {
    match &config.command {
        Command::Check {
            environments,
            format,
        } => check::run(&config, environments, *format),
        Command::Plan {
            environments,
            exit_code,
            no_decrypt,
            format,
        } => plan::run(&config, environments, *exit_code, !*no_decrypt, *format),
        Command::Apply { environments, yes } => apply::run(&config, environments, *yes),
        Command::Secrets { command } => secrets::run(&config, command),
    }
}

/// Write to stdout; a closed pipe (`cfgc … | head`) is not an error.
pub fn out(text: &str) {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// Write human text to stdout with terminal control bytes escaped
/// (`report::human::escape_controls`): names in it come from the project's files. Never for
/// a value a script reads (`secrets get`), which must arrive byte for byte.
pub fn say(text: &str) {
    out(&crate::report::human::escape_controls(text));
}

/// Write to stderr; a closed pipe is not an error.
pub fn err(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}
