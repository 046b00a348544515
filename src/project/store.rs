//! `store = { kind = …, … }` in an environment's table: the secret store its deploy reads,
//! how cfgc's secret names map to the store's names, and where the record of pushes lives.
//!
//! The naming rule, documented in the README: the store's name of secret `NAME` is
//! `prefix` followed by `NAME`, unchanged (variable names are valid names in both kinds).

use serde::Deserialize;
use toml::Spanned;

use super::{Located, ProjectPath, Resolver};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StoreFile {
    kind: Spanned<String>,
    project: Option<Spanned<String>>,
    region: Option<Spanned<String>>,
    prefix: Option<Spanned<String>>,
    record: Option<Spanned<String>>,
}

/// One environment's store, resolved.
#[derive(Debug, Clone)]
pub struct Store {
    pub kind: Kind,
    pub prefix: String,
    /// The reviewable record of what each push made (`store::record`).
    pub record: Located<ProjectPath>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Google Secret Manager in this project (id or number).
    Gcp { project: String },
    /// AWS Secrets Manager in this region.
    Aws { region: String },
}

impl Kind {
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Gcp { .. } => "gcp-secret-manager",
            Kind::Aws { .. } => "aws-secrets-manager",
        }
    }
}

pub(super) fn store(
    r: &mut Resolver,
    env: &str,
    raw: &Spanned<StoreFile>,
    secrets: Option<&Located<ProjectPath>>,
) -> Option<Store> {
    let span = r.span(raw.span());
    let file = raw.get_ref();
    let kind = kind(r, env, file, span)?;
    let prefix = file.prefix.as_ref();
    if let Some(p) = prefix
        && !prefix_ok(&kind, p.get_ref())
    {
        let allowed = match kind {
            Kind::Gcp { .. } => "letters, digits, `-` and `_`",
            Kind::Aws { .. } => "letters, digits and `/_+=.@-`",
        };
        r.errors.push(
            Diagnostic::new(Code::Project, format!("invalid store prefix for `{env}`"))
                .at(r.span(p.span()))
                .label("not a name prefix this store takes")
                .help(format!("a {} prefix holds {allowed}", kind.name())),
        );
        return None;
    }
    let record = match (&file.record, secrets) {
        (Some(p), _) => r.path(p, &format!("the store record of `{env}`"))?,
        (None, Some(s)) => default_record(r, env, s)?,
        (None, None) => {
            r.errors.push(
                Diagnostic::new(Code::Project, format!("environment `{env}` has a store but no secrets file"))
                    .at(span)
                    .help(format!("add `secrets = \"environments/{env}.secrets.yaml\"`: a store holds the secrets cfgc seals there")),
            );
            return None;
        }
    };
    Some(Store {
        kind,
        prefix: prefix.map(|p| p.get_ref().clone()).unwrap_or_default(),
        record,
        span,
    })
}

fn kind(r: &mut Resolver, env: &str, file: &StoreFile, span: Span) -> Option<Kind> {
    let (needs, value) = match file.kind.get_ref().as_str() {
        "gcp-secret-manager" => ("project", &file.project),
        "aws-secrets-manager" => ("region", &file.region),
        other => {
            r.errors.push(
                Diagnostic::new(Code::Project, format!("unknown store kind `{other}`"))
                    .at(r.span(file.kind.span()))
                    .help("use `gcp-secret-manager` or `aws-secrets-manager`"),
            );
            return None;
        }
    };
    let other = if needs == "project" {
        &file.region
    } else {
        &file.project
    };
    if let Some(o) = other {
        r.errors.push(
            Diagnostic::new(
                Code::Project,
                format!(
                    "a {} store takes no `{}`",
                    file.kind.get_ref(),
                    if needs == "project" {
                        "region"
                    } else {
                        "project"
                    }
                ),
            )
            .at(r.span(o.span()))
            .help(format!(
                "remove it; this store names its place with `{needs}`"
            )),
        );
        return None;
    }
    let Some(value) = value else {
        r.errors.push(
            Diagnostic::new(
                Code::Project,
                format!("the store of `{env}` names no {needs}"),
            )
            .at(span)
            .help(format!("add `{needs} = \"…\"` to the store table")),
        );
        return None;
    };
    let v = value.get_ref();
    let ok = !v.is_empty()
        && v.len() <= 63
        && v.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !ok {
        r.errors.push(
            Diagnostic::new(Code::Project, format!("invalid store {needs} `{v}`"))
                .at(r.span(value.span()))
                .help(format!("a {needs} is lowercase letters, digits and `-`")),
        );
        return None;
    }
    Some(match needs {
        "project" => Kind::Gcp { project: v.clone() },
        _ => Kind::Aws { region: v.clone() },
    })
}

/// Whether every character of `prefix` is one the store allows in a name.
fn prefix_ok(kind: &Kind, prefix: &str) -> bool {
    prefix.len() <= 128
        && prefix.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || b"-_".contains(&b)
                || (matches!(kind, Kind::Aws { .. }) && b"/+=.@".contains(&b))
        })
}

/// `ENV.store.toml` beside the environment's secrets file.
fn default_record(
    r: &mut Resolver,
    env: &str,
    secrets: &Located<ProjectPath>,
) -> Option<Located<ProjectPath>> {
    let dir = secrets
        .value
        .rel
        .as_path()
        .parent()
        .map(|p| p.to_string_lossy().into_owned());
    let rel = match dir.as_deref() {
        Some(d) if !d.is_empty() => format!("{d}/{env}.store.toml"),
        _ => format!("{env}.store.toml"),
    };
    let spanned = Spanned::new(0..0, rel);
    let mut located = r.path(&spanned, &format!("the store record of `{env}`"))?;
    located.span = secrets.span;
    Some(located)
}
