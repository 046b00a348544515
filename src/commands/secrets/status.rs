//! `cfgc secrets status ENV`: the store record against the store, keyless.

use super::context;
use crate::cli::Config;
use crate::commands::{Outcome, out};
use crate::report::{self, Format};

pub fn run(config: &Config, environment: &str, format: Format) -> Result<Outcome, Outcome> {
    let ctx = context::load(config, &[environment.to_string()], true)?;
    let env = ctx.env();
    let file = ctx.parsed(env).map(|p| &p.file);
    let found =
        crate::release::status::status(env, file, &ctx.sources).map_err(|d| ctx.emit(&[d]))?;
    let envs = [environment.to_string()];
    match format {
        Format::Human => {
            out(&crate::diagnostic::human::render(
                &found,
                &ctx.sources,
                &[],
                config.color,
            ));
            if !config.quiet {
                let n = found
                    .iter()
                    .filter(|d| d.severity != crate::diagnostic::Severity::Warning)
                    .count();
                out(&match n {
                    0 => format!("{environment}: the store matches the record\n"),
                    n => format!(
                        "{environment}: {n} finding{} between the record and the store\n",
                        if n == 1 { "" } else { "s" }
                    ),
                });
            }
        }
        Format::Json => out(&report::json::render(&found, &envs, &ctx.sources)),
        Format::Github => out(&report::github::render(&found, &ctx.sources)),
    }
    Ok(Outcome::of(&found))
}
