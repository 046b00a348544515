//! `cfgc check [ENV...]`: load, merge and validate; needs no key.

use super::{Exit, err, out};
use crate::cli::Config;
use crate::diagnostic::Diagnostic;
use crate::pipeline;
use crate::report::{self, Format};
use crate::source::SourceMap;

pub fn run(config: &Config, names: &[String], format: Format) -> Exit {
    let mut sources = SourceMap::default();
    let loaded = match pipeline::load(config.project.as_deref(), names, &mut sources) {
        Ok(l) => l,
        Err(errors) => return fatal(&errors, &sources, config.color),
    };
    let validated = pipeline::validate(&loaded, &sources);
    let names: Vec<String> = validated
        .environments
        .iter()
        .map(|m| m.env.name.clone())
        .collect();
    let diagnostics = &validated.diagnostics;
    match format {
        Format::Human => {
            out(&report::human::render(
                diagnostics,
                &sources,
                &validated.redactions,
                config.color,
            ));
            out(&summary(diagnostics.len(), &names));
        }
        Format::Json => out(&report::json::render(diagnostics, &names, &sources)),
        Format::Github => out(&report::github::render(diagnostics, &sources)),
    }
    if diagnostics.is_empty() {
        Exit::Ok
    } else {
        Exit::Findings
    }
}

fn summary(findings: usize, envs: &[String]) -> String {
    let noun = if envs.len() == 1 {
        "environment"
    } else {
        "environments"
    };
    match findings {
        0 => format!("ok: {} {noun} valid ({})\n", envs.len(), envs.join(", ")),
        1 => format!(
            "error: 1 finding in {} {noun} ({})\n",
            envs.len(),
            envs.join(", ")
        ),
        n => format!(
            "error: {n} findings in {} {noun} ({})\n",
            envs.len(),
            envs.join(", ")
        ),
    }
}

/// Errors that stop the run (exit 2), shown on stderr.
pub fn fatal(errors: &[Diagnostic], sources: &SourceMap, color: bool) -> Exit {
    let sorted = crate::diagnostic::dedupe_and_sort(errors.to_vec(), report::order(sources));
    err(&report::human::render(&sorted, sources, &[], color));
    Exit::Error
}
