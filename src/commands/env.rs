//! `cfgc env`: the project's environments. `env add` declares a new one with everything
//! it needs; `init` makes its environments the same way (`scaffold`, `key`).

pub mod add;
pub mod edit;
pub mod key;
pub mod scaffold;

use crate::cli::{Config, EnvCommand};
use crate::commands::{Exit, say};
use crate::source::SourceMap;

pub fn run(config: &Config, command: &EnvCommand) -> Exit {
    match command {
        EnvCommand::Add {
            name,
            tier,
            from,
            recipients,
        } => {
            let req = add::Request {
                name,
                tier,
                from: from.as_deref(),
                recipients,
            };
            let mut sources = SourceMap::default();
            match add::add(config, &req, &mut sources) {
                Ok(said) => {
                    say(config, &said);
                    Exit::Ok
                }
                Err(errors) => crate::commands::check::fatal(&errors, &sources, config.color_err),
            }
        }
    }
}
