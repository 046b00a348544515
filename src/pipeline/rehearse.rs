//! `check`'s render: every output of an environment rendered as `plan --no-decrypt`
//! renders it (stand-ins for the secrets, never their values), so a broken template, an
//! undefined variable or a policy failure is a `check` finding and not a surprise at
//! `plan`. Nothing is written and nothing rendered is kept: only the findings.
//!
//! The render is keyless whatever identity `check` holds: the secrets it decrypts to check
//! their values never reach a template here, so the trust boundary is not widened.

use crate::diagnostic::{Diagnostic, Kind};
use crate::load::Loaded;
use crate::merge::Merged;
use crate::render::{self, Secrets, Templates};

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
    let syntax = |d: &Diagnostic| d.code == "template-syntax";
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
