//! `cfgc plan [ENV...]`: render every output and diff it against the disk.

use super::check::fatal;
use super::out;
use crate::cli::Config;
use crate::exit::{self, Exit};
use crate::pipeline::{self, Planned};
use crate::report::{self, plan::PlanFormat};
use crate::source::SourceMap;

pub fn run(
    config: &Config,
    names: &[String],
    exit_code: bool,
    decrypt: bool,
    format: PlanFormat,
) -> Exit {
    let result = pipeline::plan(config, names, decrypt, |_, sources, planned| {
        if let Some(exit) = findings(config, &sources, &planned) {
            return exit;
        }
        match format {
            PlanFormat::Human => out(&report::plan::human(&planned.plans, config.color)),
            PlanFormat::Json => out(&report::plan::json(&planned.plans)),
        }
        let pending = planned.plans.iter().any(|p| p.pending());
        exit::decide(&[], exit_code && pending)
    });
    result.unwrap_or_else(|stopped| fatal(&stopped.errors, &stopped.sources, config.color))
}

/// Report the findings that stopped a plan before anything could be written, if any.
pub fn findings(config: &Config, sources: &SourceMap, planned: &Planned) -> Option<Exit> {
    if planned.diagnostics.is_empty() {
        return None;
    }
    out(&report::human::render(
        &planned.diagnostics,
        sources,
        &planned.redactions,
        config.color,
    ));
    let n = planned.diagnostics.len();
    out(&if planned.in_outputs {
        format!("error: {n} finding(s) in the rendered outputs; nothing was written\n")
    } else {
        format!("error: {n} finding(s): fix them (see `cfgc check`) before rendering\n")
    });
    Some(exit::decide(&planned.diagnostics, false))
}
