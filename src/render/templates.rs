//! The project's templates, compiled once into one minijinja environment
//! with strict undefined variables and cfgc's escaping formatter.
//!
//! Rendering is pure: no function reads the clock, randomness or the
//! process environment (minijinja's builtins have none; `debug` is off).

use std::collections::HashMap;

use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior};
use zeroize::Zeroizing;

use super::escape::{self, Format};
use crate::diagnostic::Diagnostic;
use crate::pipeline::Loaded;
use crate::project::{Output, Project, format_named};
use crate::source::{FileId, Source, SourceMap, Span, display_name};

pub struct Templates {
    env: Environment<'static>,
    files: HashMap<String, FileId>,
}

pub fn compile(project: &Project, sources: &mut SourceMap) -> Result<Templates, Vec<Diagnostic>> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // debug() prints the whole context, secrets included.
    env.remove_global("debug");
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .build()
        .expect("the default delimiters are valid");
    env.set_syntax(syntax);
    let mut formats: HashMap<String, Format> = HashMap::new();
    let mut files = HashMap::new();
    let mut errors = Vec::new();
    for output in &project.outputs {
        let name = display_name(&project.root, &output.template.value);
        let format =
            format_named(&output.format.value).expect("the project file checked the format");
        if let Some(other) = formats.insert(name.clone(), format)
            && other != format
        {
            errors.push(
                Diagnostic::error(
                    "template",
                    format!("`{name}` is used with two formats, {other} and {format}"),
                )
                .at(output.format.span)
                .help("escaping depends on the format: give each format its own template"),
            );
        }
    }
    // The escaping mode is fixed when a template is compiled: set it first.
    let formats_for_callback = formats.clone();
    env.set_auto_escape_callback(move |name| {
        // Every template is an output's, so every one has a format.
        formats_for_callback
            .get(name)
            .map_or(AutoEscape::None, |f| AutoEscape::Custom(f.name().into()))
    });
    for output in &project.outputs {
        let name = display_name(&project.root, &output.template.value);
        if files.contains_key(&name) {
            continue;
        }
        let text = match std::fs::read_to_string(&output.template.value) {
            Ok(t) => t,
            Err(e) => {
                errors.push(
                    Diagnostic::error(
                        "file-not-readable",
                        format!("cannot read the template `{name}`: {e}"),
                    )
                    .at(output.template.span)
                    .label("declared here"),
                );
                continue;
            }
        };
        let id = sources.add(Source::new(
            name.clone(),
            output.template.value.abs.clone(),
            text.clone(),
        ));
        files.insert(name.clone(), id);
        if let Err(e) = env.add_template_owned(name.clone(), text) {
            errors.push(template_error(&e, &name, id, sources));
        }
    }
    env.set_formatter(|out, state, value| {
        let AutoEscape::Custom(name) = state.auto_escape() else {
            return minijinja::escape_formatter(out, state, value);
        };
        let format = format_named(name)
            .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, "unknown format"))?;
        let json = serde_json::to_value(value)
            .map_err(|e| Error::new(ErrorKind::BadSerialization, e.to_string()))?;
        let text = escape::escape(format, &json)
            .map_err(|e| Error::new(ErrorKind::InvalidOperation, e.reason))?;
        out.write_str(&text)
            .map_err(|_| Error::from(ErrorKind::WriteFailure))
    });
    if errors.is_empty() {
        Ok(Templates { env, files })
    } else {
        Err(errors)
    }
}

impl Templates {
    pub fn render(
        &self,
        output: &Output,
        env: &crate::project::Environment,
        context: &serde_json::Map<String, serde_json::Value>,
        loaded: &Loaded,
        sources: &SourceMap,
    ) -> Result<Zeroizing<String>, Diagnostic> {
        let name = display_name(&loaded.project.root, &output.template.value);
        let id = self.files[&name];
        let template = self
            .env
            .get_template(&name)
            .map_err(|e| template_error(&e, &name, id, sources))?;
        let ctx = minijinja::Value::from(minijinja::value::Serde(context));
        template.render(ctx).map(Zeroizing::new).map_err(|e| {
            let mut d = template_error(&e, &name, id, sources);
            d.environments.push(env.name.clone());
            d.message = format!("{} (output `{}`)", d.message, output.name);
            if d.code == "template-undefined"
                && let Some(s) = d.key.as_deref().and_then(|k| loaded.schema.suggest(k)) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
            if !output.secrets
                && let Some(key) = d.key.clone().filter(|k| loaded.schema.secrets.contains(k)) {
                    d = d.help(format!("`{key}` is a secret: only outputs declared with `secrets = true` may use its value; `secret_names` lists names for plain outputs"));
                }
            d
        })
    }
}

/// A minijinja error as a finding on the template line, naming the
/// expression; never the values in the context.
fn template_error(e: &Error, name: &str, id: FileId, sources: &SourceMap) -> Diagnostic {
    let src = sources.get(id);
    let span = match (e.range(), e.line()) {
        (Some(r), _) if r.end <= src.text.len() => Span::new(id, r.start, r.end),
        (_, Some(line)) => {
            let r = src.line_range(line);
            Span::new(id, r.start, r.end)
        }
        _ => Span::new(id, 0, 0),
    };
    let expr = src.text[span.start as usize..span.end as usize]
        .trim()
        .to_string();
    let detail = e.detail().unwrap_or("").to_string();
    let (code, message) = match e.kind() {
        ErrorKind::UndefinedError => (
            "template-undefined",
            format!("undefined variable `{expr}` in `{name}`"),
        ),
        ErrorKind::SyntaxError => (
            "template-syntax",
            format!("template syntax error in `{name}`: {detail}"),
        ),
        ErrorKind::InvalidOperation if !detail.is_empty() => (
            "template-escape",
            format!("cannot place `{expr}` safely in `{name}`"),
        ),
        _ => ("template", format!("cannot render `{name}`: {}", e.kind())),
    };
    let d = Diagnostic::error(code, message)
        .at(span)
        .label(if detail.is_empty() {
            "here".to_string()
        } else {
            detail
        });
    let key = expr
        .split(['.', '[', '|', ' '])
        .next()
        .unwrap_or("")
        .to_string();
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        d.key(key)
    } else {
        d
    }
}
