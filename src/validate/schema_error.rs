//! One JSON Schema error, turned into a finding at the line that set the
//! value, in words that never quote the value.

use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind as K};

use super::{Merged, Schema};
use crate::diagnostic::{Code, Diagnostic};
use crate::node::entry_at;
use crate::schema::formats;
use crate::source::SourceMap;

pub fn diagnose(
    e: &ValidationError,
    merged: &Merged,
    schema: &Schema,
    sources: &SourceMap,
) -> Option<Diagnostic> {
    let path = segments(e.instance_path().as_str());
    let env = merged.env;
    // A secret's value is checked only once decrypted; its presence is
    // checked through `required` below.
    if path.first().is_some_and(|k| schema.secrets.contains(k)) {
        return None;
    }
    if path.first().is_some_and(|k| k.starts_with('$')) {
        return None;
    }
    let schema_path = e.schema_path().as_str().to_string();
    let rule = schema.rule_description(&schema_path).map(str::to_string);
    let finish = |d: Diagnostic| {
        let d = d.env(&env.name).schema_path(format!(
            "{}#{}",
            sources.get(schema.file).name,
            schema_path
        ));
        match &rule {
            Some(r) => d.note(format!("rule: {r}")),
            None => d,
        }
    };

    if let K::Required { property } = e.kind() {
        let name = property.as_str().unwrap_or_default().to_string();
        return Some(finish(missing(&name, &path, merged, schema, sources)));
    }

    let key = display_key(&path);
    let (_, node) = entry_at(&merged.vars, &path)?;
    let (message, mut label) = describe(e.kind(), &key, node.type_name());
    if let (K::Format { format }, crate::node::Kind::Str(value)) = (e.kind(), &node.kind)
        && let Err(why) = formats::check(format, value)
    {
        label = why.to_string();
    }
    let mut d = Diagnostic::new(code(e.kind()), message)
        .at(node.span)
        .label(label)
        .key(&key);
    for old in &node.overrides {
        let src = sources.get(old.file);
        let (line, col) = src.line_col(old.start as usize);
        d = d.note(format!("this value overrides {}:{line}:{col}", src.name));
    }
    if let K::Format { format } = e.kind() {
        d = d.help(format!("expected {}", formats::describe(format)));
    }
    Some(finish(d))
}

/// A missing required key: the finding points at where it should be added.
fn missing(
    name: &str,
    parent: &[String],
    merged: &Merged,
    schema: &Schema,
    sources: &SourceMap,
) -> Diagnostic {
    let env = merged.env;
    if parent.is_empty() && schema.secrets.contains(name) {
        let (at, file) = match &env.secrets {
            Some(s) => (
                s.span,
                sources
                    .get(sources.find(&s.value).expect("secrets file was loaded"))
                    .name
                    .clone(),
            ),
            None => (env.span, "a secrets file".to_string()),
        };
        return Diagnostic::new(
            Code::MissingSecret,
            format!(
                "required secret `{name}` is missing in environment `{}`",
                env.name
            ),
        )
        .at(at)
        .label(format!("`{name}` is not in {file}"))
        .key(name)
        .help(format!(
            "add it with `cfgc secrets set {} {name}`",
            env.name
        ));
    }
    if parent.is_empty() {
        // Grouped with the other environments' once every one is checked (`missing::group`).
        let mut d = super::missing::variable(name, &[env], &[env]);
        d.environments.clear();
        return d;
    }
    let key = display_key(parent);
    let d = Diagnostic::new(
        Code::MissingVariable,
        format!("`{key}` is missing the required key `{name}`"),
    )
    .key(format!("{key}.{name}"));
    match entry_at(&merged.vars, parent) {
        Some((_, node)) => d.at(node.span).label(format!("`{name}` is not set here")),
        None => d.at(env.layers_span),
    }
    .help(format!("add `{name}` under `{key}`"))
}

pub(super) fn code(kind: &K) -> Code {
    match kind {
        K::Type { .. } => Code::SchemaType,
        K::Enum { .. } | K::Constant { .. } => Code::SchemaEnum,
        K::Format { .. } => Code::SchemaFormat,
        K::Required { .. } => Code::MissingVariable,
        K::Minimum { .. }
        | K::Maximum { .. }
        | K::ExclusiveMinimum { .. }
        | K::ExclusiveMaximum { .. } => Code::SchemaRange,
        K::MinLength { .. } | K::MaxLength { .. } | K::Pattern { .. } => Code::SchemaString,
        K::MinItems { .. } | K::MaxItems { .. } | K::UniqueItems | K::Contains => Code::SchemaArray,
        K::AdditionalProperties { .. } | K::UnevaluatedProperties { .. } => Code::UnknownKey,
        _ => Code::SchemaRule,
    }
}

pub(super) fn describe(kind: &K, key: &str, found: &str) -> (String, String) {
    match kind {
        K::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => t.to_string(),
                TypeKind::Multiple(ts) => ts
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            (
                format!("`{key}` must be of type {expected}"),
                format!("found {found}"),
            )
        }
        K::Enum { options } => {
            let list = match options.as_array() {
                Some(a) => a
                    .iter()
                    .map(|o| format!("`{}`", plain(o)))
                    .collect::<Vec<_>>()
                    .join(", "),
                None => plain(options),
            };
            (
                format!("`{key}` must be one of {list}"),
                "not one of the allowed values".into(),
            )
        }
        K::Constant { expected_value } => (
            format!("`{key}` must be `{}`", plain(expected_value)),
            "a different value".into(),
        ),
        K::Format { format } => (
            format!("`{key}` is not a valid `{format}`"),
            format!("not a valid `{format}`"),
        ),
        K::AdditionalProperties { unexpected } | K::UnevaluatedProperties { unexpected } => (
            format!(
                "`{key}` has unknown keys: {}",
                unexpected
                    .iter()
                    .map(|u| format!("`{u}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "not allowed by the schema".into(),
        ),
        K::Not { .. } => (
            format!("`{key}` has a value the schema forbids"),
            "forbidden here".into(),
        ),
        K::FalseSchema => (
            format!("`{key}` is not allowed here"),
            "forbidden here".into(),
        ),
        _ => bound(kind, key).unwrap_or_else(|| {
            (
                format!("`{key}` does not satisfy the schema ({})", kind.keyword()),
                "here".into(),
            )
        }),
    }
}

/// The message and label of a broken bound: a number's range, a string's length or pattern,
/// a list's size or repeats.
fn bound(kind: &K, key: &str) -> Option<(String, String)> {
    Some(match kind {
        K::Minimum { limit } => (
            format!("`{key}` must be at least {limit}"),
            "too small".into(),
        ),
        K::Maximum { limit } => (
            format!("`{key}` must be at most {limit}"),
            "too large".into(),
        ),
        K::ExclusiveMinimum { limit } => (
            format!("`{key}` must be greater than {limit}"),
            "too small".into(),
        ),
        K::ExclusiveMaximum { limit } => (
            format!("`{key}` must be less than {limit}"),
            "too large".into(),
        ),
        K::MinLength { limit } => (
            format!("`{key}` must be at least {limit} characters long"),
            "too short".into(),
        ),
        K::MaxLength { limit } => (
            format!("`{key}` must be at most {limit} characters long"),
            "too long".into(),
        ),
        K::Pattern { pattern } => (
            format!("`{key}` must match the pattern `{pattern}`"),
            "does not match".into(),
        ),
        K::MinItems { limit } => (
            format!("`{key}` must have at least {limit} items"),
            "too few items".into(),
        ),
        K::MaxItems { limit } => (
            format!("`{key}` must have at most {limit} items"),
            "too many items".into(),
        ),
        K::UniqueItems => (
            format!("`{key}` must not repeat items"),
            "has a repeated item".into(),
        ),
        _ => return None,
    })
}

fn plain(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub(super) fn segments(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// `A`, `A.b`, `A[1]`: how users write a path into their config.
pub fn display_key(path: &[String]) -> String {
    let mut out = String::new();
    for seg in path {
        if seg.parse::<usize>().is_ok() && !out.is_empty() {
            out.push_str(&format!("[{seg}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(seg);
        }
    }
    out
}
