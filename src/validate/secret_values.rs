//! The schema applied to secrets: which ones an environment requires, and, once they are
//! decrypted, whether their values satisfy it. Findings about a value being stored name
//! the key and the rule, never the value; findings about a decrypted value name only the
//! key: which rule (or which part of one) failed would tell something about the value, and
//! a schema of many narrow rules would spell it (see `trust`).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind as K;
use serde_json::Value;
use zeroize::Zeroize;

use super::schema_error::{code, describe, display_key, segments};
use super::{Merged, Schema, instance};
use crate::diagnostic::{Code, Diagnostic};
use crate::schema::formats;
use crate::source::{SourceMap, Span};

/// Secrets the schema requires in this environment, given its layers (`if`/`then`
/// rules may depend on them).
pub fn required_secrets(merged: &Merged, schema: &Schema) -> BTreeSet<String> {
    let instance = Value::Object(instance(merged, schema));
    schema
        .validator
        .iter_errors(&instance)
        .filter(|e| e.instance_path().as_str().is_empty())
        .filter_map(|e| match e.kind() {
            K::Required { property } => property.as_str().map(str::to_string),
            _ => None,
        })
        .filter(|name| schema.secrets.contains(name))
        .collect()
}

/// Stage 3 applied to an environment's decrypted secrets: one finding per secret that does
/// not satisfy the schema, at its line in the secrets file, naming no rule.
pub fn check_decrypted(
    merged: &Merged,
    layers: &crate::load::Layers,
    schema: &Schema,
    sources: &SourceMap,
    values: &BTreeMap<String, crate::secrets::crypto::Plaintext>,
) -> Vec<Diagnostic> {
    use secrecy::ExposeSecret;
    let plain: BTreeMap<String, &str> = values
        .iter()
        .map(|(k, v)| (k.clone(), v.expose_secret()))
        .collect();
    let at = merged
        .env
        .secrets
        .as_ref()
        .and_then(|s| layers.secrets(layers.id(&s.value)))
        .map(|parsed| {
            parsed
                .spans
                .values
                .iter()
                .map(|(k, s)| (k.clone(), s.key))
                .collect()
        })
        .unwrap_or_default();
    let found = check_secret_values(merged, schema, sources, &plain, &at, None);
    generic(found, &merged.env.name, &at)
}

/// One finding per secret named in `found`, saying only that its value does not satisfy
/// the schema: no code, label, note or schema path of the rule that failed.
fn generic(found: Vec<Diagnostic>, env: &str, at: &BTreeMap<String, Span>) -> Vec<Diagnostic> {
    let names: BTreeSet<String> = found
        .into_iter()
        .filter_map(|d| d.key)
        // Secrets are strings: each key is a secret's own name.
        .collect();
    names
        .into_iter()
        .map(|name| {
            let mut d = Diagnostic::new(Code::SecretValue,
                format!("`{name}` does not satisfy the schema"),
            )
            .key(&name)
            .env(env)
            .label("decrypted value")
            .note("which rule it breaks is not said: that would tell something about the value")
            .help(format!(
                "on your own machine, run `cfgc explain {env} {name}` for its rules, and `cfgc secrets edit {env}` to fix it"
            ));
            if let Some(span) = at.get(&name) {
                d = d.at(*span);
            }
            d
        })
        .collect()
}

/// Schema findings about decrypted secret values, each at its secret's line in the
/// secrets file when it has one (`at`), for the secrets in `only` (all when `None`).
pub fn check_secret_values(
    merged: &Merged,
    schema: &Schema,
    sources: &SourceMap,
    values: &BTreeMap<String, &str>,
    at: &BTreeMap<String, Span>,
    only: Option<&str>,
) -> Vec<Diagnostic> {
    let mut object = instance(merged, schema);
    for (name, value) in values {
        object.insert(name.clone(), Value::String((*value).to_string()));
    }
    let mut instance = Value::Object(object);
    let mut found = Vec::new();
    // Collecting errors costs more than a yes or no, and valid is the usual answer.
    let errors =
        (!schema.validator.is_valid(&instance)).then(|| schema.validator.iter_errors(&instance));
    for e in errors.into_iter().flatten().map(Wiped) {
        let path = segments(e.instance_path().as_str());
        let Some(first) = path.first() else { continue };
        if !values.contains_key(first) || only.is_some_and(|o| o != first) {
            continue;
        }
        let key = display_key(&path);
        let (message, mut label) = describe(e.kind(), &key, "a string");
        if let K::Format { format } = e.kind()
            && let Err(why) = formats::check(format, values[first])
        {
            label = why.to_string();
        }
        let schema_path = e.schema_path().as_str().to_string();
        let mut d = Diagnostic::new(code(e.kind()), message)
            .label(format!("decrypted value: {label}"))
            .key(&key)
            .env(&merged.env.name)
            .schema_path(format!("{}#{schema_path}", sources.get(schema.file).name));
        if let Some(rule) = schema.rule_description(&schema_path) {
            d = d.note(format!("rule: {rule}"));
        }
        if let K::Format { format } = e.kind() {
            d = d.help(format!("expected {}", formats::describe(format)));
        }
        if let Some(span) = at.get(first) {
            d = d.at(*span);
        }
        found.push(d);
    }
    // The instance held copies of the plaintexts: wipe them before the memory is freed.
    if let Value::Object(object) = &mut instance {
        for (name, value) in object.iter_mut() {
            if let (true, Value::String(s)) = (values.contains_key(name), value) {
                s.zeroize();
            }
        }
    }
    found
}

/// A schema error about decrypted values, wiped when dropped: an error of a custom keyword
/// (cfgc's `pattern`) holds its own copy of the value it judged, freed with the error.
struct Wiped<'i>(ValidationError<'i>);

impl<'i> std::ops::Deref for Wiped<'i> {
    type Target = ValidationError<'i>;
    fn deref(&self) -> &ValidationError<'i> {
        &self.0
    }
}

impl Drop for Wiped<'_> {
    fn drop(&mut self) {
        let e = std::mem::replace(&mut self.0, ValidationError::custom(String::new()));
        if let Cow::Owned(mut value) = e.into_parts().instance {
            wipe(&mut value);
        }
    }
}

/// Every string in `value`, zeroed.
fn wipe(value: &mut Value) {
    match value {
        Value::String(s) => s.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(wipe),
        Value::Object(map) => map.values_mut().for_each(wipe),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wipe_zeroes_every_string_at_any_depth() {
        let mut v = serde_json::json!({ "a": ["s3cret", { "b": "s3cret" }], "n": 1 });
        wipe(&mut v);
        assert_eq!(v, serde_json::json!({ "a": ["", { "b": "" }], "n": 1 }));
    }
}
