//! `cfgc secrets …`: list, set, get, rm, edit and rekey an environment's secrets file.
//! Every write is atomic and private (0600); any error before it leaves files as they were.

pub(crate) mod context;
mod edit;
mod input;
mod list;
mod rekey;
mod scratch;
pub(crate) mod values;

use super::Exit;
use crate::cli::{Config, SecretsCommand};

pub fn run(config: &Config, command: &SecretsCommand) -> Exit {
    let result = match command {
        SecretsCommand::List { environment } => list::run(config, environment),
        SecretsCommand::Set { environment, name } => values::set(config, environment, name),
        SecretsCommand::Get { environment, name } => values::get(config, environment, name),
        SecretsCommand::Rm { environment, name } => values::rm(config, environment, name),
        SecretsCommand::Edit { environment } => edit::run(config, environment),
        SecretsCommand::Rekey {
            environments,
            rotate,
        } => rekey::run(config, environments, *rotate),
    };
    result.unwrap_or_else(|exit| exit)
}
