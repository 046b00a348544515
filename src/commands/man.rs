//! `cfgc man`: cfgc.1 on stdout, or with `--out DIR` one page per subcommand
//! (cfgc-check.1, cfgc-secrets-set.1 …), all from the clap definition, so a page that
//! cfgc.1 names always exists. Plumbing, hidden from `--help`, gets its pages too.

use std::path::Path;

use clap::CommandFactory;

use super::{Outcome, out};
use crate::cli::Config;
use crate::diagnostic::{Code, Diagnostic};

/// The command tree as the man pages show it: no `help` subcommand (it has no page),
/// plumbing unhidden (documented here rather than in `--help`).
pub fn command() -> clap::Command {
    fn unhide(cmd: clap::Command) -> clap::Command {
        cmd.hide(false).mut_subcommands(unhide)
    }
    let cmd = crate::cli::Args::command().disable_help_subcommand(true);
    cmd.mut_subcommands(unhide)
}

pub fn run(config: &Config, dir: Option<&Path>) -> Outcome {
    let result = match dir {
        None => {
            let mut text = Vec::new();
            clap_mangen::Man::new(command())
                .render(&mut text)
                .map(|()| out(&String::from_utf8_lossy(&text)))
        }
        // The user's man folder, outside any project: not a project file, so plain std::fs.
        Some(dir) => {
            std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(command(), dir))
        }
    };
    match result {
        Ok(()) => Outcome::OK,
        Err(e) => {
            let d = Diagnostic::new(Code::Io, format!("cannot write the man pages: {e}"));
            super::emit(&[d], &Default::default(), config.color_err)
        }
    }
}
