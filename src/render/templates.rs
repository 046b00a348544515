//! The project's templates, compiled once into one minijinja environment
//! with strict undefined variables and cfgc's escaping formatter.
//!
//! Rendering is pure: no function reads the clock, randomness or the
//! process environment (minijinja's builtins have none; `debug` is off).

use std::collections::HashMap;
use std::sync::Arc;

use minijinja::{AutoEscape, Error, ErrorKind, UndefinedBehavior};
use zeroize::Zeroizing;

use super::format::Format;
use crate::diagnostic::Diagnostic;
use crate::fs::Role;
use crate::project::{Environment, Output, Project};
use crate::source::{FileId, Source, SourceMap, Span, display_name};
use crate::validate::Schema;

/// Marks the errors cfgc's own escaping formatter raises, so that their reason (which names
/// a character class, never the value) is shown, while the detail of any other error (which
/// may quote a value) is not.
const ESCAPE_MARK: &str = "cfgc-escape: ";

pub struct Templates {
    env: minijinja::Environment<'static>,
    /// Each template's id and text, for errors that point into it.
    files: HashMap<String, (FileId, Arc<Source>)>,
}

pub fn compile(project: &Project, sources: &mut SourceMap) -> Result<Templates, Vec<Diagnostic>> {
    let mut env = minijinja::Environment::new();
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
        let format = output.format.value;
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
        // Through the project's filesystem like every other input: a template symlinked
        // out of the project (`/proc/self/environ`, a key file) or a FIFO is refused, never
        // read into a diff.
        let text = match project
            .fs
            .read_to_string(&output.template.value.rel, Role::Template)
        {
            Ok(Ok(t)) => t,
            Ok(Err(e)) => {
                errors.push(
                    Diagnostic::error(
                        "template",
                        format!(
                            "the template `{name}` is not UTF-8 (byte {})",
                            e.utf8_error().valid_up_to()
                        ),
                    )
                    .at(output.template.span)
                    .label("declared here")
                    .help("save the file as UTF-8"),
                );
                continue;
            }
            Err(e) => {
                errors.push(
                    e.diagnostic()
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
        files.insert(name.clone(), (id, sources.shared(id)));
        match add_template(&mut env, &name, text) {
            Ok(()) => {}
            Err(Some(e)) => errors.push(template_error(&e, &name, id, sources.get(id))),
            Err(None) => errors.push(
                Diagnostic::error(
                    "template",
                    format!("cannot compile the template `{name}`: the template engine failed on it"),
                )
                .at(output.template.span)
                .label("declared here")
                .help("look for an unusual construct, such as `{% import … as 0 %}` (the name after `as` must be an identifier)"),
            ),
        }
    }
    env.set_formatter(|out, state, value| {
        let AutoEscape::Custom(name) = state.auto_escape() else {
            return minijinja::escape_formatter(out, state, value);
        };
        let format = Format::named(name)
            .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, "unknown format"))?;
        let json = serde_json::to_value(value)
            .map_err(|_| Error::new(ErrorKind::BadSerialization, "not serialisable"))?;
        let text = format.escape(&json).map_err(|e| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!("{ESCAPE_MARK}{}", e.reason),
            )
        })?;
        out.write_str(&text)
            .map_err(|_| Error::from(ErrorKind::WriteFailure))
    });
    if errors.is_empty() {
        Ok(Templates { env, files })
    } else {
        Err(errors)
    }
}

/// Compiles `text` into `env`. `Err(None)` when minijinja panicked on it: its code generator
/// has `unreachable!()`s the parser lets some input reach (found by fuzzing:
/// `{% import "x" as 0 %}`), and a template in a pull request must not abort cfgc. The
/// panic message is kept off stderr: it says nothing the error does not.
fn add_template(
    env: &mut minijinja::Environment<'static>,
    name: &str,
    text: String,
) -> Result<(), Option<Error>> {
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let added = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        env.add_template_owned(name.to_string(), text)
    }));
    std::panic::set_hook(quiet);
    match added {
        Ok(result) => result.map_err(Some),
        Err(_) => Err(None),
    }
}

impl Templates {
    pub fn render(
        &self,
        output: &Output,
        env: &Environment,
        context: &serde_json::Map<String, serde_json::Value>,
        project: &Project,
        schema: &Schema,
    ) -> Result<Zeroizing<String>, Diagnostic> {
        let name = display_name(&project.root, &output.template.value);
        let (id, source) = &self.files[&name];
        let template = self
            .env
            .get_template(&name)
            .map_err(|e| template_error(&e, &name, *id, source))?;
        let ctx = minijinja::Value::from(minijinja::value::Serde(context));
        template.render(ctx).map(Zeroizing::new).map_err(|e| {
            let mut d = template_error(&e, &name, *id, source);
            d.environments.push(env.name.clone());
            d.message = format!("{} (output `{}`)", d.message, output.name);
            if d.code == "template-undefined"
                && let Some(s) = d.key.as_deref().and_then(|k| schema.suggest(k)) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
            if !output.secrets
                && let Some(key) = d.key.clone().filter(|k| schema.secrets.contains(k)) {
                    d = d.help(format!("`{key}` is a secret: only outputs declared with `secrets = true` may use its value; `secret_names` lists names for plain outputs"));
                }
            d
        })
    }
}

/// A minijinja error as a finding on the template line, naming the
/// expression; never the values in the context.
fn template_error(e: &Error, name: &str, id: FileId, src: &Source) -> Diagnostic {
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
    // Only the detail of a syntax error (which quotes the template) or of cfgc's own
    // escaping (which names a character class) is shown: any other detail may quote a value
    // from the context, a secret included (`{% include JWT_SECRET %}` names the template it
    // did not find).
    let detail = e.detail().unwrap_or("");
    let (code, message, label) = match e.kind() {
        ErrorKind::UndefinedError => (
            "template-undefined",
            format!("undefined variable `{expr}` in `{name}`"),
            "here".to_string(),
        ),
        ErrorKind::SyntaxError => (
            "template-syntax",
            format!("template syntax error in `{name}`: {detail}"),
            detail.to_string(),
        ),
        ErrorKind::InvalidOperation if detail.starts_with(ESCAPE_MARK) => (
            "template-escape",
            format!("cannot place `{expr}` safely in `{name}`"),
            detail[ESCAPE_MARK.len()..].to_string(),
        ),
        ErrorKind::TemplateNotFound => (
            "template",
            format!(
                "cannot render `{name}`: a template it includes, imports or extends is not one of the project's"
            ),
            "here".to_string(),
        ),
        kind => (
            "template",
            format!("cannot render `{name}`: {kind}"),
            "here".to_string(),
        ),
    };
    let d = if matches!(code, "template-escape" | "template-undefined") {
        Diagnostic::finding(code, message)
    } else {
        Diagnostic::error(code, message)
    };
    let d = d.at(span).label(if label.is_empty() {
        "here".to_string()
    } else {
        label
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
