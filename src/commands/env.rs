//! `cfgc env`: the project's environments. `env add` declares a new one with everything
//! it needs; `init` makes its environments the same way (`scaffold`, `key`).

pub mod add;
pub mod edit;
pub mod key;
pub mod scaffold;

use crate::cli::{Config, EnvCommand};
use crate::commands::{Outcome, say};
use crate::source::SourceMap;

pub fn run(config: &Config, command: &EnvCommand) -> Outcome {
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
                    Outcome::OK
                }
                Err(errors) => crate::commands::emit(&errors, &sources, config.color_err),
            }
        }
    }
}
