//! A schema's top level and its properties read into [`Variable`]s and [`Checks`], every
//! keyword the model has no place for refused where it is written.

use serde_json::{Map, Value};

use super::{Checks, ENV_VARIABLE, Format, Refusals, Scalar, Type, Variable};

/// Keywords that say nothing about a value: documentation, and cfgc's own `x-` flags.
fn annotation(key: &str) -> bool {
    matches!(
        key,
        "description"
            | "default"
            | "title"
            | "examples"
            | "$comment"
            | "deprecated"
            | "readOnly"
            | "writeOnly"
    ) || key.starts_with("x-")
}

/// The schema's own keywords: only those that shape the variables the model reads.
pub(super) fn top_level(r: &mut Refusals, json: &Value) {
    let Some(map) = json.as_object() else {
        return r.refuse("", "the schema is not an object");
    };
    for (key, value) in map {
        let fine = match key.as_str() {
            "$schema" | "$id" | "properties" | "required" | "allOf" => true,
            // They rule layer keys, not what the app reads.
            "additionalProperties" | "unevaluatedProperties" | "$defs" => true,
            "type" => value == "object",
            k => annotation(k),
        };
        if !fine {
            r.refuse(
                &format!("/{key}"),
                format!("the schema's top-level `{key}` cannot be generated into the app's loader"),
            );
        }
    }
}

/// Every top-level property not marked `x-infra`, in the schema's order.
pub(super) fn variables(r: &mut Refusals) -> Vec<Variable> {
    let schema = r.schema;
    let Some(props) = schema.json.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, prop) in props.iter().filter(|(n, _)| !schema.infra.contains(*n)) {
        let pointer = format!("/properties/{}", escape(name));
        if name == ENV_VARIABLE {
            r.refuse(&pointer, format!("`{ENV_VARIABLE}` is set by `cfgc exec` to the environment's name; the schema cannot declare it"));
            continue;
        }
        if !crate::render::flatten::is_env_name(name) {
            r.refuse(
                &pointer,
                format!("`{name}` cannot be an environment variable name"),
            );
            continue;
        }
        if let Some(why) = not_a_field(name) {
            r.refuse(
                &pointer,
                format!("`{name}` cannot be a field of a generated loader: {why}"),
            );
            continue;
        }
        if let Some(v) = variable(r, name, prop, pointer) {
            out.push(v);
        }
    }
    out
}

/// Why `name`, a valid environment variable name, cannot be a field of the same name in
/// every target (each holds a variable as a field of its own name), if it cannot.
fn not_a_field(name: &str) -> Option<&'static str> {
    const PYTHON_KEYWORDS: &[&str] = &[
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
        "try", "while", "with", "yield",
    ];
    if PYTHON_KEYWORDS.contains(&name) {
        Some("it is a Python keyword")
    } else if name.starts_with('_') {
        Some("pydantic keeps a field starting with `_` private")
    } else if name.starts_with("model_") {
        Some("pydantic reserves fields starting with `model_`")
    } else {
        None
    }
}

fn variable(r: &mut Refusals, name: &str, prop: &Value, pointer: String) -> Option<Variable> {
    let map = object(r, prop, &pointer)?;
    let ty = type_of(r, map, &pointer)?;
    let checks = checks(r, map, &pointer, Some(ty))?;
    let secret = r.schema.secrets.contains(name);
    let default = map.get("default").filter(|_| !secret).and_then(|d| {
        let mut flat = Vec::new();
        crate::render::flatten::flatten(name, d, &mut flat);
        flat.into_iter().next().map(|(_, text)| text)
    });
    Some(Variable {
        name: name.to_string(),
        description: description(map),
        ty,
        checks,
        required: r.schema.always_required(name),
        default,
        secret,
        pointer,
    })
}

fn object<'v>(r: &mut Refusals, v: &'v Value, pointer: &str) -> Option<&'v Map<String, Value>> {
    let map = v.as_object();
    if map.is_none() {
        r.refuse(
            pointer,
            "a variable's schema that is not an object cannot be generated",
        );
    }
    map
}

/// The variable's type: its `type`, else what its `enum` or `const` holds.
fn type_of(r: &mut Refusals, map: &Map<String, Value>, pointer: &str) -> Option<Type> {
    match map.get("type") {
        Some(Value::String(t)) if t == "array" => {
            let at = format!("{pointer}/items");
            let Some(items) = map.get("items") else {
                r.refuse(
                    pointer,
                    "a list needs `items` with a scalar `type` to be generated",
                );
                return None;
            };
            let items = object(r, items, &at)?;
            match scalar_of(r, items, &at)? {
                Some(s) => Some(Type::List(s)),
                None => {
                    r.refuse(&at, "a list's items need a scalar type (string, integer, number, boolean, or an enum)");
                    None
                }
            }
        }
        _ => match scalar_of(r, map, pointer)? {
            Some(s) => Some(Type::Scalar(s)),
            None => {
                r.refuse(
                    pointer,
                    "the variable has no `type` (nor an `enum` or `const` to read one from)",
                );
                None
            }
        },
    }
}

/// A scalar type from `type`, `enum` or `const`; `Some(None)` when none says.
fn scalar_of(r: &mut Refusals, map: &Map<String, Value>, pointer: &str) -> Option<Option<Scalar>> {
    if let Some(t) = map.get("type") {
        let s = match t.as_str() {
            Some("string") => Scalar::String,
            Some("integer") => Scalar::Integer,
            Some("number") => Scalar::Number,
            Some("boolean") => Scalar::Boolean,
            _ => {
                r.refuse(&format!("{pointer}/type"), format!("the type {t} cannot be generated: an app variable is a string, integer, number, boolean, or a list of one of those"));
                return None;
            }
        };
        return Some(Some(s));
    }
    let values: Vec<&Value> = match (map.get("enum"), map.get("const")) {
        (Some(Value::Array(values)), _) => values.iter().collect(),
        (_, Some(c)) => vec![c],
        _ => return Some(None),
    };
    let kinds: std::collections::BTreeSet<&str> = values.iter().map(|v| json_kind(v)).collect();
    let s = match kinds.into_iter().collect::<Vec<_>>()[..] {
        ["string"] => Scalar::String,
        ["boolean"] => Scalar::Boolean,
        ["integer"] => Scalar::Integer,
        ["integer", "number"] | ["number"] => Scalar::Number,
        _ => {
            r.refuse(pointer, "an enum of mixed types (or of lists, maps or null) cannot be generated; give it a `type`");
            return None;
        }
    };
    Some(Some(s))
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "string",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        _ => "other",
    }
}

/// The keywords of one value's schema as checks; `ty` is the variable's type when this is
/// its own schema (a rule's `then` may not change it).
pub(super) fn checks(
    r: &mut Refusals,
    map: &Map<String, Value>,
    pointer: &str,
    ty: Option<Type>,
) -> Option<Checks> {
    let mut c = Checks::default();
    let mut ok = true;
    for (key, value) in map {
        let at = format!("{pointer}/{}", escape(key));
        ok &= keyword(r, &mut c, key, value, &at, ty);
    }
    ok.then_some(c)
}

fn keyword(
    r: &mut Refusals,
    c: &mut Checks,
    key: &str,
    value: &Value,
    at: &str,
    ty: Option<Type>,
) -> bool {
    let number = || value.as_number().cloned();
    let count = || value.as_u64();
    let set = match key {
        "type" => ty.is_some(),
        "enum" | "const" => {
            let values = match value {
                Value::Array(v) if key == "enum" => v.clone(),
                v if key == "const" => vec![v.clone()],
                _ => Vec::new(),
            };
            let scalars = !values.is_empty() && values.iter().all(|v| json_kind(v) != "other");
            c.allowed = Some(values);
            scalars
        }
        "minimum" => set(&mut c.minimum, number()),
        "maximum" => set(&mut c.maximum, number()),
        "exclusiveMinimum" => set(&mut c.exclusive_minimum, number()),
        "exclusiveMaximum" => set(&mut c.exclusive_maximum, number()),
        "minLength" => set(&mut c.min_length, count()),
        "maxLength" => set(&mut c.max_length, count()),
        "minItems" => set(&mut c.min_items, count()),
        "maxItems" => set(&mut c.max_items, count()),
        "uniqueItems" => {
            c.unique_items = value.as_bool() == Some(true);
            value.is_boolean()
        }
        "pattern" => return pattern(r, c, value, at),
        "format" => return format(r, c, value, at),
        "items" if matches!(ty, Some(Type::List(_))) => {
            let Some(items) = object(r, value, at) else {
                return false;
            };
            let Some(inner) = checks(r, items, at, Some(Type::Scalar(Scalar::String))) else {
                return false;
            };
            c.items = Some(Box::new(inner));
            true
        }
        k if annotation(k) => true,
        _ => {
            r.refuse(
                at,
                format!("the keyword `{key}` cannot be generated into the app's loader"),
            );
            return false;
        }
    };
    if !set {
        r.refuse(at, format!("this `{key}` cannot be generated"));
    }
    set
}

fn set<T>(slot: &mut Option<T>, value: Option<T>) -> bool {
    let ok = value.is_some();
    *slot = value;
    ok
}

fn pattern(r: &mut Refusals, c: &mut Checks, value: &Value, at: &str) -> bool {
    let Some(p) = value.as_str() else {
        r.refuse(at, "a `pattern` that is not a string cannot be generated");
        return false;
    };
    if let Some(why) = super::pattern::problem(p) {
        r.refuse(at, format!("this pattern cannot be generated: {why}"));
        return false;
    }
    c.pattern = Some(p.to_string());
    true
}

fn format(r: &mut Refusals, c: &mut Checks, value: &Value, at: &str) -> bool {
    match value.as_str().and_then(Format::named) {
        Some(f) => {
            c.format = Some(f);
            true
        }
        None => {
            r.refuse(
                at,
                format!(
                    "the format {value} cannot be generated; the loader checks {}",
                    Format::NAMES
                ),
            );
            false
        }
    }
}

/// A JSON pointer segment.
/// A schema object's `description`, if it is a string.
pub(super) fn description(map: &Map<String, Value>) -> Option<String> {
    map.get("description")
        .and_then(Value::as_str)
        .map(str::to_string)
}

pub(super) fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}
