//! The schema's per-environment rules (`if`/`then` blocks under `allOf`) read as data, so
//! `explain` and `docs` can say which apply to an environment and what they ask of a
//! variable.

use serde_json::Value;

use super::Schema;
use crate::merge::Merged;

/// One `if`/`then` block under the schema's top-level `allOf`.
pub struct Rule<'s> {
    /// JSON pointer of the block (`/allOf/0`).
    pub pointer: String,
    pub description: Option<&'s str>,
    /// What the block asks when its `if` holds.
    pub then: &'s Value,
}

impl Schema {
    /// The `if`/`then` rules whose `if` holds for `instance` (an environment's variables
    /// with `$env` and `$tier`).
    pub fn rules_for(&self, instance: &Value) -> Vec<Rule<'_>> {
        let Some(all) = self.json.get("allOf").and_then(Value::as_array) else {
            return Vec::new();
        };
        all.iter()
            .enumerate()
            .filter_map(|(i, block)| {
                let cond = block.get("if")?;
                let then = block.get("then")?;
                // Conditions are small (`const`, `required`); one compiled per block is
                // cheap next to loading a project.
                let holds = jsonschema::options()
                    .with_draft(jsonschema::Draft::Draft202012)
                    .build(cond)
                    .map(|v| v.is_valid(instance))
                    .unwrap_or(false);
                holds.then(|| Rule {
                    pointer: format!("/allOf/{i}"),
                    description: block.get("description").and_then(Value::as_str),
                    then,
                })
            })
            .collect()
    }

    /// The `if`/`then` rules that hold in one merged environment. Its secrets count as
    /// set (to an empty text: their values are not known here), so a rule whose `if`
    /// requires one applies.
    pub fn rules_in(&self, merged: &Merged) -> Vec<Rule<'_>> {
        let mut instance = super::instance(merged, self);
        for s in merged.secret_names.keys() {
            instance.insert(s.clone(), Value::String(String::new()));
        }
        self.rules_for(&Value::Object(instance))
    }

    /// The tiers the `if` of each top-level rule names (`"$tier": { "const": … }` or
    /// `"enum"`), with the JSON pointer of the value.
    pub fn tiers_named(&self) -> Vec<(String, String)> {
        let Some(all) = self.json.get("allOf").and_then(Value::as_array) else {
            return Vec::new();
        };
        let mut named = Vec::new();
        for (i, block) in all.iter().enumerate() {
            let Some(tier) = block.pointer(&format!("/if/properties/{}", crate::schema::TIER_KEY))
            else {
                continue;
            };
            let pointer = format!("/allOf/{i}/if/properties/{}", crate::schema::TIER_KEY);
            if let Some(t) = tier.get("const").and_then(Value::as_str) {
                named.push((t.to_string(), format!("{pointer}/const")));
            }
            for t in tier
                .get("enum")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(t) = t.as_str() {
                    named.push((t.to_string(), format!("{pointer}/enum")));
                }
            }
        }
        named
    }

    /// The top-level property schema of `name`.
    pub fn property(&self, name: &str) -> Option<&Value> {
        self.json.get("properties")?.get(name)
    }

    /// Whether the schema requires `name` at the top level, whatever the environment.
    pub fn always_required(&self, name: &str) -> bool {
        required_in(&self.json, name)
    }
}

/// Whether the schema object `schema` lists `name` in its `required`.
pub fn required_in(schema: &Value, name: &str) -> bool {
    schema
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|r| r.iter().any(|v| v.as_str() == Some(name)))
}

/// What a rule's `then` asks of the variable `name`: its entry under `properties`, and each
/// `patternProperties` entry whose pattern matches the name (a rule over every variable).
pub fn keywords_for(then: &Value, name: &str) -> Vec<String> {
    let mut kw = then
        .get("properties")
        .and_then(|p| p.get(name))
        .map(keywords)
        .unwrap_or_default();
    for (pattern, sub) in then
        .get("patternProperties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if regex::Regex::new(pattern).is_ok_and(|re| re.is_match(name)) {
            kw.extend(keywords(sub));
        }
    }
    kw
}

/// What `schema` says about a value, in words: its type and keywords, one per item
/// (`type: string`, `format: url`, `minLength: 32`). Annotations (`description`,
/// `default`, `x-*`) are left out.
pub fn keywords(schema: &Value) -> Vec<String> {
    let Some(map) = schema.as_object() else {
        return Vec::new();
    };
    map.iter()
        .filter(|(k, _)| !matches!(k.as_str(), "description" | "default" | "title" | "$comment"))
        .filter(|(k, _)| !k.starts_with("x-"))
        .map(|(k, v)| match (k.as_str(), v) {
            (_, Value::String(s)) => format!("{k}: {s}"),
            ("allOf" | "anyOf" | "oneOf", Value::Array(items)) => {
                let parts: Vec<String> = items.iter().map(|i| keywords(i).join(", ")).collect();
                format!("{k}: [{}]", parts.join("; "))
            }
            ("items" | "additionalProperties" | "not", Value::Object(_)) => {
                format!("{k}: {{{}}}", keywords(v).join(", "))
            }
            _ => format!("{k}: {v}"),
        })
        .collect()
}

/// The JSON type of a property schema, in words: its `type`, else what its `enum` or
/// `const` holds.
pub fn type_name(schema: &Value) -> String {
    if let Some(t) = schema.get("type") {
        return match t {
            Value::String(s) => s.clone(),
            Value::Array(a) => a
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(" | "),
            _ => "any".into(),
        };
    }
    if let Some(Value::Array(values)) = schema.get("enum") {
        let kinds: std::collections::BTreeSet<&str> = values.iter().map(json_type).collect();
        return kinds.into_iter().collect::<Vec<_>>().join(" | ");
    }
    if let Some(v) = schema.get("const") {
        return json_type(v).into();
    }
    "any".into()
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
