//! `cfgc plan [ENV...]`: render every output and diff it against the disk.

use serde::Serialize;

use super::check::fatal;
use super::{Exit, out};
use crate::cli::Config;
use crate::decrypt::Keyring;
use crate::pipeline;
use crate::plan::{self, FilePlan, Status};
use crate::render::{Content, templates};
use crate::report;
use crate::source::SourceMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanFormat {
    Human,
    Json,
}

/// Run the pipeline up to the plan, and hand it to `then`. Findings and
/// errors are reported here and end the run.
pub fn with_plan(
    config: &Config,
    names: &[String],
    decrypt: bool,
    then: impl FnOnce(&[FilePlan], &crate::pipeline::Loaded) -> Exit,
) -> Exit {
    let mut sources = SourceMap::default();
    let loaded = match pipeline::load(config.project.as_deref(), names, &mut sources) {
        Ok(l) => l,
        Err(errors) => return fatal(&errors, &sources, config.color),
    };
    let templates = match templates::compile(&loaded.project, &mut sources) {
        Ok(t) => t,
        Err(errors) => return fatal(&errors, &sources, config.color),
    };
    let validated = pipeline::validate(&loaded, &sources);
    if !validated.diagnostics.is_empty() {
        out(&report::human::render(
            &validated.diagnostics,
            &sources,
            &validated.redactions,
            config.color,
        ));
        out(&format!(
            "error: {} finding(s): fix them (see `cfgc check`) before rendering\n",
            validated.diagnostics.len()
        ));
        return Exit::Findings;
    }
    let keyring = decrypt.then(|| Keyring::new(config.identities.clone()));
    let files = match pipeline::render(&loaded, &validated, &templates, keyring.as_ref(), &sources)
    {
        Ok(f) => f,
        Err(errors) if errors.iter().all(|d| d.is_finding()) => {
            let sorted = crate::diagnostic::dedupe_and_sort(errors, report::order(&sources));
            out(&report::human::render(
                &sorted,
                &sources,
                &validated.redactions,
                config.color,
            ));
            out(&format!(
                "error: {} finding(s) in the rendered outputs; nothing was written\n",
                sorted.len()
            ));
            return Exit::Findings;
        }
        Err(errors) => return fatal(&errors, &sources, config.color),
    };
    let plans = pipeline::plan(files);
    let exit = then(&plans, &loaded);
    // Secret contents are zeroized as they are dropped; the rest holds no
    // secret and is left to the OS.
    drop(plans);
    super::leak(validated);
    super::leak((templates, loaded, sources));
    exit
}

pub fn run(
    config: &Config,
    names: &[String],
    exit_code: bool,
    decrypt: bool,
    format: PlanFormat,
) -> Exit {
    with_plan(config, names, decrypt, |plans, _| {
        match format {
            PlanFormat::Human => out(&human(plans, config.color)),
            PlanFormat::Json => out(&json(plans)),
        }
        let pending = plans
            .iter()
            .any(|p| matches!(p.status, Status::Create | Status::Change));
        if exit_code && pending {
            Exit::Findings
        } else {
            Exit::Ok
        }
    })
}

pub fn human(plans: &[FilePlan], color: bool) -> String {
    use rayon::prelude::*;
    // Diffs are independent: compute them in parallel, print them in order.
    let diffs: Vec<String> = plans.par_iter().map(|p| plan::diff(p, color)).collect();
    let mut text = diffs.concat();
    for p in plans {
        if let Content::Skipped(why) = &p.file.content {
            text.push_str(&format!("skipped {}: {why}\n", p.file.rel));
        }
    }
    let count = |s: Status| plans.iter().filter(|p| p.status == s).count();
    text.push_str(&format!(
        "plan: {} to create, {} to change, {} unchanged, {} skipped (secrets not decrypted)\n",
        count(Status::Create),
        count(Status::Change),
        count(Status::Unchanged),
        count(Status::Skipped)
    ));
    text
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    summary: Summary,
    files: Vec<FileEntry<'a>>,
}

#[derive(Serialize)]
struct Summary {
    create: usize,
    change: usize,
    unchanged: usize,
    skipped: usize,
}

#[derive(Serialize)]
struct FileEntry<'a> {
    environment: &'a str,
    output: &'a str,
    path: &'a str,
    status: Status,
    holds_secrets: bool,
    /// Why a skipped file was skipped.
    reason: Option<&'a str>,
    /// Unified diff, secrets masked; null when unchanged or skipped.
    diff: Option<String>,
}

fn json(plans: &[FilePlan]) -> String {
    use rayon::prelude::*;
    let count = |s: Status| plans.iter().filter(|p| p.status == s).count();
    let doc = Document {
        version: 1,
        summary: Summary {
            create: count(Status::Create),
            change: count(Status::Change),
            unchanged: count(Status::Unchanged),
            skipped: count(Status::Skipped),
        },
        files: plans
            .par_iter()
            .map(|p| FileEntry {
                environment: &p.file.env.name,
                output: &p.file.output.name,
                path: &p.file.rel,
                status: p.status,
                holds_secrets: p.file.output.secrets,
                reason: match &p.file.content {
                    Content::Skipped(why) => Some(why),
                    Content::Ready { .. } => None,
                },
                diff: Some(plan::diff(p, false)).filter(|d| !d.is_empty()),
            })
            .collect(),
    };
    let mut text =
        serde_json::to_string_pretty(&doc).expect("the plan serialises: strings and numbers only");
    text.push('\n');
    text
}
