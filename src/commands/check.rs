//! `cfgc check [ENV...]`: validate; needs no key, and checks secret values where one fits.

use super::{err, out};
use crate::cli::Config;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::human::summary_line;
use crate::exit::Outcome;
use crate::pipeline::{self, CheckOptions, Checked};
use crate::report::{self, Format};
use crate::source::SourceMap;

pub fn run(config: &Config, names: &[String], format: Format, options: CheckOptions) -> Outcome {
    let checked = match pipeline::check(config, names, options) {
        Ok(c) => c,
        Err(stopped) => return stopped_in(format, config, &stopped.errors, &stopped.sources),
    };
    let diagnostics = &checked.diagnostics;
    // The boundary's notice: on stderr always, and in a machine format's document too.
    let mut shown = diagnostics.clone();
    if let Some(notice) = &checked.notice {
        notify(notice, &checked.sources, config);
        shown.push((**notice).clone());
    }
    match format {
        Format::Human => {
            out(&crate::diagnostic::human::render(
                diagnostics,
                &checked.sources,
                &checked.redactions,
                config.color,
            ));
            if !config.quiet {
                out(&summary(diagnostics, &checked.environments));
                out(&secrets_summary(&checked));
                if let Some(app) = &checked.app {
                    out(&app_summary(app));
                }
            }
        }
        Format::Json => out(&report::json::render(
            &shown,
            &checked.environments,
            &checked.sources,
        )),
        Format::Github => out(&report::github::render(&shown, &checked.sources)),
    }
    Outcome::of(diagnostics)
}

/// Why secrets were not decrypted (the trust boundary), on stderr.
pub fn notify(notice: &Diagnostic, sources: &SourceMap, config: &Config) {
    err(&crate::diagnostic::human::render(
        std::slice::from_ref(notice),
        sources,
        &[],
        config.color_err,
    ));
}

/// What `--app` read: `app: 21 reads in 6 source files under deploy/app`.
fn app_summary(app: &pipeline::AppRead) -> String {
    let plural = |n: usize, one: &str, many: &str| match n {
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    };
    format!(
        "app: {} in {} under {}\n",
        plural(app.reads, "read", "reads"),
        plural(app.files, "source file", "source files"),
        app.dir
    )
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
        let why = match checked.notice {
            Some(_) => "not decrypted: the code is not the trusted revision's",
            None => "no identity",
        };
        parts.push(format!(
            "names only in {} ({why})",
            checked.names_only.join(", ")
        ));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("secrets: {}\n", parts.join("; "))
    }
}

fn summary(diagnostics: &[Diagnostic], envs: &[String]) -> String {
    let noun = if envs.len() == 1 {
        "environment"
    } else {
        "environments"
    };
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .count();
    let warnings = match diagnostics.len() - errors {
        0 => String::new(),
        1 => ", 1 warning".to_string(),
        n => format!(", {n} warnings"),
    };
    let list = envs.join(", ");
    match errors {
        0 => format!("ok: {} {noun} valid ({list}){warnings}\n", envs.len()),
        1 => summary_line(&format!(
            "1 finding in {} {noun} ({list}){warnings}",
            envs.len()
        )),
        n => summary_line(&format!(
            "{n} findings in {} {noun} ({list}){warnings}",
            envs.len()
        )),
    }
}

/// Errors that stopped the run: on stderr for people, and in the machine format on stdout
/// too, so CI annotates the most common mistake of a pull request (a syntax error).
fn stopped_in(
    format: Format,
    config: &Config,
    errors: &[Diagnostic],
    sources: &SourceMap,
) -> Outcome {
    let sorted = crate::diagnostic::dedupe_and_sort(errors.to_vec(), report::order(sources));
    match format {
        Format::Human => {}
        Format::Json => out(&report::json::render(&sorted, &[], sources)),
        Format::Github => out(&report::github::render(&sorted, sources)),
    }
    super::emit(&sorted, sources, config.color_err)
}
