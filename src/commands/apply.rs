//! `cfgc apply [ENV...]`: the plan, a confirmation, then atomic writes.

use super::emit;
use super::out;
use crate::cli::Config;
use crate::diagnostic::{Code, Diagnostic};
use crate::exit::Outcome;
use crate::pipeline;
use crate::source::SourceMap;

pub fn run(config: &Config, names: &[String], yes: bool, allow_skipped: bool) -> Outcome {
    // The lock is taken before the plan, so what is confirmed is what is written.
    let _lock = match pipeline::lock(config) {
        Ok(l) => l,
        Err(d) => return emit(&[d], &SourceMap::default(), config.color_err),
    };
    let result = pipeline::plan(
        config,
        names,
        Some(pipeline::DemoKeys::Every),
        |loaded, sources, planned| {
            if let Some(notice) = &planned.notice {
                super::check::notify(notice, &sources, config);
            }
            let mut diagnostics = planned.diagnostics.clone();
            if diagnostics.is_empty() && !allow_skipped {
                diagnostics = super::plan::skipped_but_expected(config, names, &planned.plans);
            }
            if !diagnostics.is_empty() {
                return super::plan::findings(config, &sources, &planned, &diagnostics);
            }
            let plans = &planned.plans;
            let project = &loaded.project;
            if let Err(refused) = pipeline::ready(project, plans) {
                return emit(&refused, &sources, config.color_err);
            }
            if !config.quiet {
                out(&crate::report::plan::human(plans, config.color));
            }
            let pending = plans.iter().filter(|p| p.pending()).count();
            if pending == 0 {
                if !config.quiet {
                    out("apply: nothing to write\n");
                }
                return Outcome::OK;
            }
            if !yes
                && let Err(d) = super::confirm(
                    &format!("Write {pending} file(s)?"),
                    Diagnostic::new(
                        Code::ApplyUnconfirmed,
                        "refusing to apply without confirmation: standard input is not a terminal",
                    ),
                    Diagnostic::new(Code::ApplyCancelled, "cancelled, nothing written"),
                )
            {
                return emit(&[d], &sources, config.color_err);
            }
            match pipeline::write(project, plans) {
                Ok(applied) => {
                    if !config.quiet {
                        out(&format!("apply: wrote {} file(s)\n", applied.written));
                    }
                    Outcome::OK
                }
                Err(ds) => emit(&ds, &sources, config.color_err),
            }
        },
    );
    result.unwrap_or_else(|stopped| emit(&stopped.errors, &stopped.sources, config.color_err))
}
