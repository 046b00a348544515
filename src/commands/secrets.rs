//! `cfgc secrets …`: list, set, get, rm, edit and rekey an environment's secrets file;
//! diff, textconv, merge, seal and confirm-recreate for review.
//! Every write is atomic and private (0600); any error before it leaves files as they were.

pub(crate) mod args;
mod confirm;
pub(crate) mod context;
mod diff;
mod edit;
mod edit_rounds;
mod input;
mod list;
mod merge;
mod pending;
mod push;
mod rekey;
mod scratch;
mod seal;
mod status;
mod textconv;
pub(crate) mod values;

use super::Outcome;
use crate::cli::{Config, SecretsCommand};

pub fn run(config: &Config, command: &SecretsCommand) -> Outcome {
    let result = match command {
        SecretsCommand::List { environment } => list::run(config, environment),
        SecretsCommand::Set {
            environment,
            name,
            extra,
        } => args::refuse_values("set", environment, name, extra, config.color_err)
            .and_then(|()| values::set(config, environment, name)),
        SecretsCommand::Get {
            environment,
            name,
            extra,
        } => args::refuse_values("secrets get", environment, name, extra, config.color_err)
            .and_then(|()| values::get(config, environment, name)),
        SecretsCommand::Rm {
            environment,
            name,
            extra,
        } => args::refuse_values("secrets rm", environment, name, extra, config.color_err)
            .and_then(|()| values::rm(config, environment, name)),
        SecretsCommand::Edit { environment } => edit::run(config, environment),
        SecretsCommand::Rekey {
            environments,
            rotate,
        } => rekey::run(config, environments, *rotate),
        SecretsCommand::Diff { rev } => diff::run(config, rev),
        SecretsCommand::Textconv { file } => textconv::run(file),
        SecretsCommand::Merge {
            base,
            ours,
            theirs,
            path,
        } => merge::run(config, [base, ours, theirs], path.as_deref()),
        SecretsCommand::Seal { environment, show } => seal::run(config, environment, *show),
        SecretsCommand::ConfirmRecreate { environment, base } => {
            confirm::run(config, environment, base)
        }
        SecretsCommand::Push {
            environment,
            create,
            yes,
        } => push::run(config, environment, *create, *yes),
        SecretsCommand::Status {
            environment,
            format,
        } => status::run(config, environment, *format),
    };
    result.unwrap_or_else(|exit| exit)
}
