//! The `[limits]` table of cfgc.toml: raises or lowers the size and depth limits of
//! `fs::Limits`, within ceilings a pull request cannot lift.

use serde::Deserialize;
use toml::Spanned;

use super::Resolver;
use crate::diagnostic::{Code, Diagnostic};
use crate::fs::{Limits, MAX_BYTES, MAX_DEPTH};

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LimitsFile {
    layer_bytes: Option<Spanned<i64>>,
    schema_bytes: Option<Spanned<i64>>,
    template_bytes: Option<Spanned<i64>>,
    secrets_bytes: Option<Spanned<i64>>,
    output_bytes: Option<Spanned<i64>>,
    alias_bytes: Option<Spanned<i64>>,
    depth: Option<Spanned<i64>>,
}

pub(super) fn limits(r: &mut Resolver, raw: &LimitsFile) -> Limits {
    let mut limits = Limits::default();
    let mut set = |key: &str, value: &Option<Spanned<i64>>, max: u64, into: &mut u64| {
        let Some(v) = value else { return };
        match u64::try_from(*v.get_ref()) {
            Ok(n) if (1..=max).contains(&n) => *into = n,
            _ => r.errors.push(
                Diagnostic::new(Code::Project,
                    format!("`limits.{key}` must be a whole number from 1 to {max}"),
                )
                .at(r.span(v.span()))
                .label("out of range")
                .help("the ceiling keeps a pull request from raising a limit far enough to exhaust the machine that checks it"),
            ),
        }
    };
    set(
        "layer_bytes",
        &raw.layer_bytes,
        MAX_BYTES,
        &mut limits.layer,
    );
    set(
        "schema_bytes",
        &raw.schema_bytes,
        MAX_BYTES,
        &mut limits.schema,
    );
    set(
        "template_bytes",
        &raw.template_bytes,
        MAX_BYTES,
        &mut limits.template,
    );
    set(
        "secrets_bytes",
        &raw.secrets_bytes,
        MAX_BYTES,
        &mut limits.secrets,
    );
    set(
        "output_bytes",
        &raw.output_bytes,
        MAX_BYTES,
        &mut limits.output,
    );
    set(
        "alias_bytes",
        &raw.alias_bytes,
        MAX_BYTES,
        &mut limits.alias_bytes,
    );
    let mut depth = limits.depth as u64;
    set("depth", &raw.depth, MAX_DEPTH as u64, &mut depth);
    limits.depth = depth as usize;
    limits
}
