//! The project's JSON Schema: read once, compiled once with cfgc's formats,
//! and read for what cfgc itself needs (variable names, which are secret).

use std::collections::BTreeSet;

use jsonschema::{Draft, Validator};
use serde_json::Value;

pub mod check;
pub mod defaults;
pub mod formats;
pub mod yaml_text;

use crate::diagnostic::{Code, Diagnostic};
use crate::fs::Role;
use crate::project::Project;
use crate::source::{FileId, Source, SourceMap, Span};
use check as schema_check;

pub struct Schema {
    pub validator: Validator,
    pub json: Value,
    pub file: crate::source::FileId,
    /// Top-level variable names the schema declares.
    pub variables: BTreeSet<String>,
    /// Variables marked `x-secret: true`.
    pub secrets: BTreeSet<String>,
    /// Variables marked `x-credential-scan: false`.
    pub unscanned: BTreeSet<String>,
    /// Variables marked `x-infra: true`: for the deploy files (nginx, Cloud Build), not
    /// the app's environment, so templates' `app_env` leaves them out.
    pub infra: BTreeSet<String>,
    /// Top-level non-secret defaults, the layer under every environment's (`merge`).
    pub defaults: crate::schema::defaults::Defaults,
    /// Where a schema written in YAML writes each value (a JSON schema's keys are found in
    /// its text).
    pub locations: Option<yaml_text::Locations>,
    /// Where the schema declares `ENV_VARIABLE`, which cfgc sets itself, if it does.
    pub reserved: Option<Span>,
}

/// Keys cfgc adds to every instance so that schema rules can key on them.
pub const ENV_KEY: &str = "$env";
pub const TIER_KEY: &str = "$tier";

/// The variable `cfgc exec` sets to the environment's name (and templates' `app_env`
/// holds): the app's generated loader (`crate::codegen`) reads it, so the schema may not
/// declare it (`reserved`).
pub const ENV_VARIABLE: &str = "CFGC_ENV";

pub fn load(project: &Project, sources: &mut SourceMap) -> Result<Schema, Diagnostic> {
    let file = read(project, sources)?;
    let src = sources.get(file);
    let limits = project.fs.limits();
    let (json, locations) = if yaml_text::is_yaml(&src.name) {
        let (json, locations) = yaml_text::parse(src, file, limits)?;
        (json, Some(locations))
    } else {
        (parse_json_bounded(src, file, limits.depth)?, None)
    };
    let validator = compile_reporting(&json, src, file, locations.as_ref())?;
    let mut schema = Schema::new(json, validator, file);
    schema.locations = locations;
    schema.reserved = schema
        .variables
        .contains(ENV_VARIABLE)
        .then(|| schema.property_span(sources, ENV_VARIABLE));
    schema.defaults = crate::schema::defaults::collect(&schema, sources);
    Ok(schema)
}

/// A JSON schema's value, refused past `max_depth` levels before serde_json recurses.
fn parse_json_bounded(src: &Source, file: FileId, max_depth: usize) -> Result<Value, Diagnostic> {
    let name = &src.name;
    if let Some(at) = schema_check::too_deep_at(&src.text, max_depth) {
        return Err(Diagnostic::new(Code::JsonTooDeep,
            format!("the schema `{name}` nests deeper than {max_depth} levels"),
        )
        .at(Span::new(file, at, at + 1))
        .label("too deep here")
        .help("flatten the schema (`$defs` and `$ref` help), or raise `depth` in the `[limits]` table of cfgc.toml"));
    }
    parse_json(src, file)
}

/// The schema file's text added to `sources`; an error at its declaration in cfgc.toml
/// when it cannot be read or is not UTF-8.
fn read(project: &Project, sources: &mut SourceMap) -> Result<FileId, Diagnostic> {
    let path = &project.schema.value;
    let name = path.rel.to_string();
    let declared = |d: Diagnostic| d.at(project.schema.span).label("declared here");
    let text = project
        .fs
        .read_to_string(&path.rel, Role::Schema)
        .map_err(|e| declared(e.diagnostic()))?
        .map_err(|e| {
            declared(
                Diagnostic::new(
                    Code::Schema,
                    format!(
                        "the schema `{name}` is not UTF-8 (byte {})",
                        e.utf8_error().valid_up_to()
                    ),
                )
                .help("save the file as UTF-8"),
            )
        })?;
    Ok(sources.add(Source::new(name, path.abs.clone(), text)))
}

fn parse_json(src: &Source, file: FileId) -> Result<Value, Diagnostic> {
    serde_json::from_str(&src.text).map_err(|e| {
        let at = src.byte_at(e.line().max(1), e.column().saturating_sub(1));
        let message = e.to_string();
        let message = message
            .split(" at line")
            .next()
            .unwrap_or(&message)
            .to_string();
        Diagnostic::new(
            Code::Schema,
            format!("the schema is not valid JSON: {message}"),
        )
        .at(Span::new(file, at, at + 1))
        .label("here")
    })
}

/// `compile`, with a failure reported where the schema is written.
fn compile_reporting(
    json: &Value,
    src: &Source,
    file: FileId,
    locations: Option<&yaml_text::Locations>,
) -> Result<Validator, Diagnostic> {
    let name = &src.name;
    compile(json).map_err(|e| {
        // A pattern the engine cannot run fails the compile too: say which, and why,
        // rather than the compiler's generic message. Walking the schema for it only when
        // the compile failed keeps each pattern compiled once on the way that succeeds.
        if let Some(pointer) = schema_check::unsupported_patterns(json).into_iter().next() {
            let at = locate(&src.text, locations, &pointer);
            return unsupported_pattern(name, Span::new(file, at.start, at.end), &pointer);
        }
        let pointer = e.instance_path().as_str().to_string();
        let at = locate(&src.text, locations, &pointer);
        Diagnostic::new(
            Code::Schema,
            format!("`{name}` is not a valid JSON Schema: {}", e.masked()),
        )
        .at(Span::new(file, at.start, at.end))
        .label(format!("at `{pointer}`"))
        .note(format!(
            "the meta-schema rule that failed: {}",
            e.schema_path().as_str()
        ))
        .help("fix the schema; see https://json-schema.org/draft/2020-12")
    })
}

/// `regex`'s default size limit on a compiled pattern, set explicitly: with a limit set,
/// jsonschema compiles every pattern when the schema is built, so a pattern it cannot run is
/// refused at load instead of when a value reaches it.
const PATTERN_SIZE_LIMIT: usize = 10 << 20;

/// The schema compiled as cfgc validates with it: draft 2020-12, jsonschema's `pattern` on
/// the linear-time `regex` engine, cfgc's formats checked.
pub(super) fn compile(json: &Value) -> Result<Validator, jsonschema::ValidationError<'_>> {
    let patterns = jsonschema::PatternOptions::regex().size_limit(PATTERN_SIZE_LIMIT);
    let mut options = jsonschema::options()
        .with_draft(Draft::Draft202012)
        .with_pattern_options(patterns)
        .should_validate_formats(true);
    for &f in formats::FORMATS {
        options = options.with_format(f, move |s: &str| formats::check(f, s).is_ok());
    }
    options.build(json)
}

fn unsupported_pattern(name: &str, at: Span, pointer: &str) -> Diagnostic {
    Diagnostic::new(Code::PatternUnsupported,
        format!("the schema `{name}` has a pattern cfgc cannot run, at `{pointer}`"),
    )
    .at(at)
    .label("unsupported pattern")
    .note("cfgc runs patterns on a linear-time engine, so that no pattern can give up on a long value and let it pass; that engine has no look-around (`(?=`, `(?!`, `(?<=`, `(?<!`) and no backreferences (`\\1`), and a compiled pattern has a size limit (10 MiB)")
    .help("rewrite the pattern without look-around or backreferences (a second `pattern` in an `allOf` often does it), or use `not` with a pattern; split a long repetition")
}

/// Where the schema writes the value at a JSON pointer: from a YAML schema's locations, or
/// searched for in a JSON schema's text.
fn locate(
    text: &str,
    locations: Option<&yaml_text::Locations>,
    pointer: &str,
) -> std::ops::Range<usize> {
    match locations {
        Some(l) => l.find(pointer),
        None => locate_pointer(text, pointer),
    }
}

/// Roughly where a JSON pointer's last key is written: each key is searched
/// for after the previous one. Good enough to put a caret on the right line.
fn locate_pointer(text: &str, pointer: &str) -> std::ops::Range<usize> {
    let mut at = 0;
    let mut found = 0..1.min(text.len());
    for seg in pointer
        .split('/')
        .skip(1)
        .filter(|s| s.parse::<usize>().is_err())
    {
        let needle = format!("\"{}\"", seg.replace("~1", "/").replace("~0", "~"));
        match text[at..].find(&needle) {
            Some(i) => {
                found = at + i..at + i + needle.len();
                at = found.end;
            }
            None => break,
        }
    }
    found
}

impl Schema {
    /// The compiled schema with the variables it declares and those its `x-` flags mark;
    /// `defaults` are collected afterwards, from the schema itself.
    fn new(json: Value, validator: Validator, file: FileId) -> Schema {
        let props = json.get("properties").and_then(Value::as_object);
        let flagged = |flag: &str, want: bool| -> BTreeSet<String> {
            props
                .into_iter()
                .flatten()
                .filter(|(_, s)| s.get(flag).and_then(Value::as_bool) == Some(want))
                .map(|(k, _)| k.clone())
                .collect()
        };
        Schema {
            variables: props
                .into_iter()
                .flatten()
                .map(|(k, _)| k.clone())
                .collect(),
            secrets: flagged("x-secret", true),
            unscanned: flagged("x-credential-scan", false),
            infra: flagged("x-infra", true),
            validator,
            json,
            file,
            defaults: Default::default(),
            locations: None,
            reserved: None,
        }
    }

    /// Where the schema declares the variable `name` (its key under `properties`).
    pub fn property_span(&self, sources: &SourceMap, name: &str) -> Span {
        let pointer = format!("/properties/{}", name.replace('~', "~0").replace('/', "~1"));
        self.pointer_span(sources, &pointer)
    }

    /// Roughly where the schema writes the value at a JSON pointer.
    pub fn pointer_span(&self, sources: &SourceMap, pointer: &str) -> Span {
        let at = locate(
            &sources.get(self.file).text,
            self.locations.as_ref(),
            pointer,
        );
        Span::new(self.file, at.start, at.end)
    }

    /// The closest declared variable name, for "did you mean".
    pub fn suggest(&self, name: &str) -> Option<&str> {
        self.variables
            .iter()
            .map(|v| {
                (
                    strsim::jaro_winkler(&v.to_ascii_uppercase(), &name.to_ascii_uppercase()),
                    v,
                )
            })
            .filter(|(score, _)| *score >= 0.85)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, v)| v.as_str())
    }

    /// The `description` of the if/then rule a failing keyword sits in, so a
    /// finding can say which environment rule it broke.
    pub fn rule_description(&self, schema_path: &str) -> Option<&str> {
        let mut node = &self.json;
        let mut found = None;
        for seg in schema_path.split('/').skip(1) {
            if (seg == "then" || seg == "else") && node.get("if").is_some() {
                found = node.get("description").and_then(Value::as_str).or(found);
            }
            node = match node {
                Value::Object(m) => m.get(&seg.replace("~1", "/").replace("~0", "~"))?,
                Value::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
                _ => return found,
            };
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// `load` looks for unsupported patterns only when the compile fails, so the compile
    /// must fail for a pattern the engine cannot run wherever the validator can reach it:
    /// if a jsonschema release ever compiled some keyword lazily, a look-around there would
    /// load and then fail open at validation time. This pins that down, keyword by keyword.
    #[test]
    fn the_compile_refuses_look_around_wherever_a_pattern_can_run() {
        let bad = json!({ "pattern": "(?!x)" });
        let places = [
            json!({ "properties": { "A": bad } }),
            json!({ "patternProperties": { "^(?=a)": true } }),
            json!({ "additionalProperties": bad }),
            json!({ "propertyNames": bad }),
            json!({ "items": bad }),
            json!({ "prefixItems": [bad] }),
            json!({ "contains": bad }),
            json!({ "allOf": [bad] }),
            json!({ "anyOf": [true, bad] }),
            json!({ "oneOf": [true, bad] }),
            json!({ "not": bad }),
            json!({ "if": bad, "then": true }),
            json!({ "if": true, "then": bad }),
            json!({ "if": false, "else": bad }),
            json!({ "dependentSchemas": { "A": bad } }),
            json!({ "unevaluatedProperties": bad }),
            json!({ "$defs": { "d": bad }, "properties": { "A": { "$ref": "#/$defs/d" } } }),
            json!({ "$defs": { "n": { "properties": { "c": { "$ref": "#/$defs/n" } }, "pattern": "(?<=a)" } },
                    "$ref": "#/$defs/n" }),
            json!({ "$dynamicAnchor": "r", "properties": { "c": { "$dynamicRef": "#r" } }, "pattern": "\\1(a)" }),
        ];
        for schema in places {
            assert!(compile(&schema).is_err(), "compiled: {schema}");
            assert!(
                !schema_check::unsupported_patterns(&schema).is_empty(),
                "not named: {schema}"
            );
        }
        assert!(compile(&json!({ "properties": { "A": { "pattern": "^a+$" } } })).is_ok());
    }
}
