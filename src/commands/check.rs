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
    let secrets = decrypt_where_possible(config, &loaded, &sources);
    let mut diagnostics = validated.diagnostics.clone();
    if !secrets.found.is_empty() {
        diagnostics.extend(secrets.found.iter().cloned());
        diagnostics = crate::diagnostic::dedupe_and_sort(diagnostics, report::order(&sources));
    }
    let diagnostics = &diagnostics;
    match format {
        Format::Human => {
            out(&report::human::render(
                diagnostics,
                &sources,
                &validated.redactions,
                config.color,
            ));
            out(&summary(diagnostics.len(), &names));
            out(&secrets.summary());
        }
        Format::Json => out(&report::json::render(diagnostics, &names, &sources)),
        Format::Github => out(&report::github::render(diagnostics, &sources)),
    }
    let fatal = secrets.fatal;
    super::leak(validated);
    super::leak((loaded, sources));
    if fatal {
        Exit::Error
    } else if diagnostics.is_empty() {
        Exit::Ok
    } else {
        Exit::Findings
    }
}

/// What decrypting with the identities at hand added: secret values checked against
/// the schema where a key fits; names only elsewhere.
struct SecretsChecked {
    checked: Vec<String>,
    names_only: Vec<String>,
    found: Vec<Diagnostic>,
    /// A decryption error (not a schema finding): exit 2.
    fatal: bool,
}

impl SecretsChecked {
    fn summary(&self) -> String {
        let mut parts = Vec::new();
        if !self.checked.is_empty() {
            parts.push(format!("values checked in {}", self.checked.join(", ")));
        }
        if !self.names_only.is_empty() {
            parts.push(format!(
                "names only in {} (no identity)",
                self.names_only.join(", ")
            ));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("secrets: {}\n", parts.join("; "))
        }
    }
}

fn decrypt_where_possible(
    config: &Config,
    loaded: &pipeline::Loaded,
    sources: &SourceMap,
) -> SecretsChecked {
    use rayon::prelude::*;
    let keyring = crate::decrypt::Keyring::new(config.identities.clone());
    let envs: Vec<&crate::project::Environment> = loaded
        .selected
        .iter()
        .map(|&i| &loaded.project.environments[i])
        .filter(|e| e.secrets.is_some())
        .collect();
    let results: Vec<_> = envs
        .par_iter()
        .map(|env| pipeline::decrypt(loaded, env, sources, &keyring).map(|_| ()))
        .collect();
    let mut out = SecretsChecked {
        checked: Vec::new(),
        names_only: Vec::new(),
        found: Vec::new(),
        fatal: false,
    };
    for (env, result) in envs.iter().zip(results) {
        match result {
            Ok(()) => out.checked.push(env.name.clone()),
            Err(crate::decrypt::DecryptError::NoIdentity(_)) => {
                out.names_only.push(env.name.clone())
            }
            Err(e) => {
                out.fatal |= !e.is_findings_only();
                out.checked.push(env.name.clone());
                out.found.extend(e.into_diagnostics());
            }
        }
    }
    out
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
