//! `cfgc check [ENV...]`: validate; needs no key, and checks secret values where one fits.

use super::{err, out, say};
use crate::cli::Config;
use crate::diagnostic::Diagnostic;
use crate::exit::{self, Exit};
use crate::pipeline::{self, Checked};
use crate::report::{self, Format};
use crate::source::SourceMap;

pub fn run(config: &Config, names: &[String], format: Format) -> Exit {
    let checked = match pipeline::check(config, names) {
        Ok(c) => c,
        Err(stopped) => return fatal(&stopped.errors, &stopped.sources, config.color),
    };
    let diagnostics = &checked.diagnostics;
    match format {
        Format::Human => {
            out(&report::human::render(
                diagnostics,
                &checked.sources,
                &checked.redactions,
                config.color,
            ));
            out(&summary(diagnostics.len(), &checked.environments));
            say(&secrets_summary(&checked));
        }
        Format::Json => out(&report::json::render(
            diagnostics,
            &checked.environments,
            &checked.sources,
        )),
        Format::Github => out(&report::github::render(diagnostics, &checked.sources)),
    }
    exit::decide(diagnostics, false)
}

fn secrets_summary(checked: &Checked) -> String {
    let mut parts = Vec::new();
    if !checked.values_checked.is_empty() {
        parts.push(format!(
            "values checked in {}",
            checked.values_checked.join(", ")
        ));
    }
    if !checked.names_only.is_empty() {
        parts.push(format!(
            "names only in {} (no identity)",
            checked.names_only.join(", ")
        ));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("secrets: {}\n", parts.join("; "))
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
