//! One module per subcommand; each runs the pipeline as far as it needs.

pub mod apply;
pub mod check;
pub mod codegen;
pub mod docs;
pub mod env;
pub mod exec;
pub mod explain;
pub mod git_setup;
pub mod import;
pub mod init;
pub mod man;
pub mod plan;
pub mod secrets;

use std::io::{BufRead, IsTerminal, Write};

use clap::CommandFactory;

use crate::cli::{Command, Config};
use crate::diagnostic::Diagnostic;
pub use crate::exit::Outcome;
use crate::pipeline;
use crate::source::SourceMap;

pub fn run(config: Config) -> Outcome {
    match &config.command {
        Command::Check {
            environments,
            format,
            base,
            app,
            store,
        } => check::run(
            &config,
            environments,
            *format,
            pipeline::CheckOptions {
                base: base.as_deref(),
                app: app.as_deref(),
                store: *store,
            },
        ),
        Command::GitSetup { program } => git_setup::run(&config, program.as_deref()),
        Command::Plan {
            environments,
            exit_code,
            no_decrypt,
            allow_skipped,
            format,
        } => plan::run(
            &config,
            environments,
            plan::Options {
                exit_code: *exit_code,
                decrypt: !*no_decrypt,
                format: *format,
                allow_skipped: *allow_skipped,
            },
        ),
        Command::Apply {
            environments,
            yes,
            allow_skipped,
        } => apply::run(&config, environments, *yes, *allow_skipped),
        Command::Secrets { command } => secrets::run(&config, command),
        Command::Explain {
            environment,
            name,
            format,
            extra,
        } => secrets::args::refuse_values("explain", environment, name, extra, config.color_err)
            .map_or_else(
                |exit| exit,
                |()| explain::run(&config, environment, name, *format),
            ),
        Command::Docs { check } => docs::run(&config, *check),
        Command::Codegen { language, out } => codegen::run(&config, *language, out.as_deref()),
        Command::Exec {
            environment,
            command,
        } => exec::run(&config, environment, command),
        Command::Import { files, force } => import::run(&config, files, *force),
        Command::Init { environments } => init::run(&config, environments),
        Command::Env { command } => env::run(&config, command),
        Command::Completions { shell } => {
            let mut text = Vec::new();
            clap_complete::generate(*shell, &mut crate::cli::Args::command(), "cfgc", &mut text);
            out(&String::from_utf8_lossy(&text));
            Outcome::OK
        }
        Command::Man { out } => man::run(&config, out.as_deref()),
    }
}

/// Diagnostics on stderr, sorted by place and merged across environments (values of secrets
/// files masked); the run's outcome is theirs: exit 2 if one is an error, 1 for a finding.
pub fn emit(diagnostics: &[Diagnostic], sources: &SourceMap, color: bool) -> Outcome {
    let sorted =
        crate::diagnostic::dedupe_and_sort(diagnostics.to_vec(), crate::report::order(sources));
    err(&crate::diagnostic::human::render(
        &sorted,
        sources,
        &[],
        color,
    ));
    Outcome::of(&sorted)
}

/// Write a confirmation or summary to stdout, unless `-q`.
pub fn say(config: &Config, text: &str) {
    if !config.quiet {
        show(text);
    }
}

/// Write to stdout; a closed pipe (`cfgc … | head`) is not an error.
pub fn out(text: &str) {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// Write human text to stdout with terminal control bytes escaped
/// (`crate::diagnostic::human::escape_controls`): names in it come from the project's files. Never for
/// a value a script reads (`secrets get`), which must arrive byte for byte.
pub fn show(text: &str) {
    out(&crate::diagnostic::human::escape_controls(text));
}

/// Write to stderr; a closed pipe is not an error.
pub fn err(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Asks `question` on stderr and reads the answer on stdin: `Ok` for yes. Without a
/// terminal on stdin nothing is asked and `refused` is the answer; a no is `cancelled`.
/// `apply` and `secrets push` ask this way (`--yes` skips it).
pub fn confirm(
    question: &str,
    refused: Diagnostic,
    cancelled: Diagnostic,
) -> Result<(), Diagnostic> {
    if !std::io::stdin().is_terminal() {
        return Err(refused);
    }
    let _ = write!(std::io::stderr(), "{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let yes = std::io::stdin().lock().read_line(&mut answer).is_ok()
        && matches!(answer.trim(), "y" | "Y" | "yes");
    if yes { Ok(()) } else { Err(cancelled) }
}
