//! The arguments and the process environment resolved into a `Config`, once, before any
//! stage runs.

use std::path::PathBuf;

use clap::ValueEnum;

use super::{Args, ColorChoice, Command};
use crate::report;
use crate::secrets::identity::IdentitySources;

/// Everything a command needs to know from the outside world: the arguments and the
/// process environment, read here once, so no stage reads either.
pub struct Config {
    pub project: Option<PathBuf>,
    /// Where identities are looked for: `--identity` files, then the variables and default
    /// paths, as read from the environment now.
    pub identity_sources: IdentitySources,
    /// The editor for `secrets edit`: `$VISUAL`, else `$EDITOR`.
    pub editor: Option<String>,
    /// Colour on stdout, and on stderr: decided per stream, so `check 2>log` on a
    /// terminal keeps escape codes out of the log.
    pub color: bool,
    pub color_err: bool,
    /// `-q`: nothing but findings, errors and what the command exists to print.
    pub quiet: bool,
    /// Where output goes and which revision's code is trusted (see `trust`).
    pub trust: crate::trust::Setting,
    pub command: Command,
}

impl Config {
    pub fn from_args(args: Args) -> Config {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let auto = |choice: anstream::ColorChoice| choice != anstream::ColorChoice::Never;
        let (color, color_err) = match args.color {
            ColorChoice::Always => (true, true),
            ColorChoice::Never => (false, false),
            ColorChoice::Auto => (
                auto(anstream::AutoStream::choice(&std::io::stdout())),
                auto(anstream::AutoStream::choice(&std::io::stderr())),
            ),
        };
        let machine = match &args.command {
            Command::Check { format, .. } if *format != report::Format::Human => {
                format.to_possible_value()
            }
            Command::Plan { format, .. } if *format != crate::report::plan::PlanFormat::Human => {
                format.to_possible_value()
            }
            _ => None,
        };
        let trust = crate::trust::Setting::from_env(
            var,
            args.trusted,
            machine.as_ref().map(|v| v.get_name()),
        );
        Config {
            trust,
            project: args.project,
            identity_sources: IdentitySources::from_env(args.identity, None),
            editor: var("VISUAL").or_else(|| var("EDITOR")),
            color,
            color_err,
            quiet: args.quiet,
            command: args.command,
        }
    }
}
