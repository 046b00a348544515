//! `cfgc plan [ENV...]`: render every output and diff it against the disk.

use super::emit;
use super::out;
use crate::cli::Config;
use crate::diagnostic::human::summary_line;
use crate::diagnostic::{Code, Diagnostic};
use crate::exit::Outcome;
use crate::pipeline::{self, Planned};
use crate::plan::FilePlan;
use crate::report::{self, plan::PlanFormat};
use crate::source::SourceMap;

pub struct Options {
    pub exit_code: bool,
    pub decrypt: bool,
    pub format: PlanFormat,
    /// Outputs skipped for lack of a key are fine even where a key was expected.
    pub allow_skipped: bool,
}

pub fn run(config: &Config, names: &[String], options: Options) -> Outcome {
    // `--exit-code` asks whether the committed files are current: a demo key in cfgc.toml
    // is used only for environments named, so a fresh clone is not "pending" for the
    // gitignored outputs only that key can render.
    let keys = options.decrypt.then(|| match options.exit_code {
        true => pipeline::DemoKeys::Named(names.to_vec()),
        false => pipeline::DemoKeys::Every,
    });
    let result = pipeline::plan(config, names, keys, |_, sources, planned| {
        let notices: Vec<Diagnostic> = planned.notice.iter().map(|n| (**n).clone()).collect();
        if let Some(notice) = &planned.notice {
            super::check::notify(notice, &sources, config);
        }
        let mut diagnostics = planned.diagnostics.clone();
        if diagnostics.is_empty() && options.decrypt && !options.allow_skipped {
            diagnostics = skipped_but_expected(config, names, &planned.plans);
        }
        if options.format == PlanFormat::Human && !diagnostics.is_empty() {
            return findings(config, &sources, &planned, &diagnostics);
        }
        let plans: &[FilePlan] = if diagnostics.is_empty() {
            &planned.plans
        } else {
            &[]
        };
        let shown = [diagnostics.clone(), notices.clone()].concat();
        out(&match options.format {
            PlanFormat::Human if config.quiet => String::new(),
            PlanFormat::Human => report::plan::human(plans, config.color),
            PlanFormat::Json => report::plan::json(plans, &shown, &sources),
            PlanFormat::Github => report::plan::github(plans, &shown, &sources),
            PlanFormat::Markdown => report::plan::markdown(plans, &diagnostics, &notices, &sources),
        });
        let pending = plans.iter().any(|p| p.pending());
        Outcome::of(&diagnostics).with_pending(options.exit_code && pending)
    });
    result.unwrap_or_else(|stopped| {
        stopped_in(options.format, config, &stopped.errors, &stopped.sources)
    })
}

/// Errors that stopped the run: on stderr for people, and in the machine format on stdout
/// too, so CI annotates the most common mistake of a pull request (a syntax error).
pub fn stopped_in(
    format: PlanFormat,
    config: &Config,
    errors: &[Diagnostic],
    sources: &SourceMap,
) -> Outcome {
    let sorted = crate::diagnostic::dedupe_and_sort(errors.to_vec(), report::order(sources));
    match format {
        PlanFormat::Human => {}
        PlanFormat::Json => out(&report::plan::json(&[], &sorted, sources)),
        PlanFormat::Github => out(&report::plan::github(&[], &sorted, sources)),
        PlanFormat::Markdown => out(&report::plan::markdown(&[], &sorted, &[], sources)),
    }
    emit(&sorted, sources, config.color_err)
}

/// A release must not ship without its secrets: outputs skipped for lack of a key are an
/// error in environments named on the command line, or in every environment when an
/// identity was given (`--identity` or a key variable), unless `--allow-skipped`.
pub fn skipped_but_expected(
    config: &Config,
    names: &[String],
    plans: &[FilePlan],
) -> Vec<Diagnostic> {
    let identity_given = config.identity_sources.given();
    plans
        .iter()
        .filter(|p| p.reason.is_some())
        .filter_map(|p| Some((p, p.env()?)))
        .filter(|(_, env)| identity_given || names.contains(&env.name))
        .map(|(p, env)| {
            Diagnostic::new(Code::SecretsSkipped,
                format!(
                    "`{}` was not rendered: {}",
                    p.rel,
                    p.reason.as_deref().unwrap_or("")
                ),
            )
            .env(&env.name)
            .help(format!(
                "give an identity that decrypts `{}`'s secrets (`--identity FILE`), or pass `--allow-skipped` to plan the other files on purpose",
                env.name
            ))
        })
        .collect()
}

/// Report the findings that stopped a plan before anything could be written.
pub fn findings(
    config: &Config,
    sources: &SourceMap,
    planned: &Planned,
    diagnostics: &[Diagnostic],
) -> Outcome {
    out(&crate::diagnostic::human::render(
        diagnostics,
        sources,
        &planned.redactions,
        config.color,
    ));
    let n = diagnostics.len();
    if diagnostics.iter().any(|d| !d.is_finding()) {
        out(&summary_line(&format!(
            "{n} problem(s); nothing was written"
        )));
    } else if planned.in_outputs {
        out(&summary_line(&format!(
            "{n} finding(s) in the rendered outputs; nothing was written"
        )));
    } else {
        out(&summary_line(&format!(
            "{n} finding(s): fix them (see `cfgc check`) before rendering"
        )));
    }
    Outcome::of(diagnostics)
}
