//! `check`'s render: every output of an environment rendered as `plan --no-decrypt`
//! renders it (stand-ins for the secrets, never their values), so a broken template, an
//! undefined variable or a policy failure is a `check` finding and not a surprise at
//! `plan`. Nothing is written and nothing rendered is kept: only the findings.
//!
//! The render is keyless whatever identity `check` holds: the secrets it decrypts to check
//! their values never reach a template here, so the trust boundary is not widened.

use crate::diagnostic::{Code, Diagnostic, Kind};
use crate::load::Loaded;
use crate::merge::Merged;
use crate::render::{self, Secrets, Templates};
use crate::source::SourceMap;

/// Why `check` renders without the secrets: shown nowhere, as no file is written.
const KEYLESS: &str = "check renders with stand-ins";

/// The findings of rendering `merged`'s outputs with stand-ins, with the rendered texts
/// they point into (plain outputs only: an output that holds secrets is not kept).
pub(super) fn rehearse(
    loaded: &Loaded,
    templates: &Templates,
    merged: &Merged,
) -> Option<render::Failed> {
    let secrets = Secrets::Unavailable(KEYLESS);
    render::render_env(&loaded.project, &loaded.schema, templates, merged, secrets).err()
}

/// A template that does not compile, as `check` reports it: a finding in the template
/// (exit 1), like any other broken input `check` is run to catch, where `plan` stops.
/// `None` when something else stopped the compile (then it is an error, exit 2).
pub(super) fn syntax_findings(errors: &[Diagnostic]) -> Option<Vec<Diagnostic>> {
    let syntax = |d: &Diagnostic| d.code == Code::TemplateSyntax;
    if errors.is_empty() || !errors.iter().all(syntax) {
        return None;
    }
    let found = errors
        .iter()
        .cloned()
        .map(|mut d| {
            d.kind = Kind::Finding;
            d
        })
        .collect();
    Some(found)
}

/// Stage 5's placement check for `cfgc secrets set`: warnings for the outputs of `env` that
/// use `name` and cannot hold `value`, in a map of their own (they point into templates).
/// Templates that do not compile give none: `check` and `plan` report those.
pub fn unplaceable(
    loaded: &Loaded,
    env: &crate::project::Environment,
    name: &str,
    value: &str,
) -> (SourceMap, Vec<Diagnostic>) {
    let mut sources = SourceMap::default();
    let found = match render::templates::compile(&loaded.project, &mut sources) {
        Ok(templates) => {
            render::placement::unplaceable(&loaded.project, &templates, env, name, value)
        }
        Err(_) => Vec::new(),
    };
    (sources, found)
}

/// The placement check for `check`'s decrypted values: warnings, as `plan` is where the
/// real render decides (a template may transform the value first).
pub(super) fn unplaceable_values(
    loaded: &Loaded,
    templates: &Templates,
    env: &crate::project::Environment,
    values: &std::collections::BTreeMap<String, crate::secrets::crypto::Plaintext>,
) -> Vec<Diagnostic> {
    use secrecy::ExposeSecret;
    values
        .iter()
        .flat_map(|(name, value)| {
            let value = value.expose_secret();
            render::placement::unplaceable(&loaded.project, templates, env, name, value)
        })
        .collect()
}
