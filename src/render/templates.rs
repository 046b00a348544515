//! The project's templates, compiled once into one minijinja environment
//! with strict undefined variables and cfgc's escaping formatter.
//!
//! Rendering is pure: no function reads the clock, randomness or the
//! process environment (minijinja's builtins have none; `debug` is off).
//!
//! Rendering is bounded, since a pull request's template runs on the CI runner: fuel
//! (`fuel_for`) bounds the work and memory of one render, a recursion limit bounds macro
//! and include depth, and each rendered file stops at the output limit while it is being
//! written. Each is an error naming the template (and the line where minijinja gives one),
//! exit 2, never a hang or abort.

mod secret_use;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use minijinja::{AutoEscape, Error, ErrorKind, UndefinedBehavior};
use zeroize::Zeroizing;

use crate::diagnostic::{Code, Diagnostic};
use crate::format::{FilterError, Format};
use crate::fs::Role;
use crate::project::{Environment, Output, Project};
use crate::schema::Schema;
use crate::source::{FileId, Source, SourceMap, Span, display_name};

/// cfgc's own refusal to place a value (a room's escaper or filter), carried as the source of
/// minijinja's error rather than in its text: its reason (which names a character class or a
/// shape, never the value) is shown, while the detail of any other error (which may quote a
/// value) is not, and no text a template makes can pass for one.
#[derive(Debug)]
struct Refusal {
    reason: String,
    /// The variables that hold the refused value ([`holders`]).
    holders: Vec<String>,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for Refusal {}

impl Refusal {
    fn error(self) -> Error {
        Error::new(ErrorKind::InvalidOperation, "cfgc cannot place this value").with_source(self)
    }

    /// The refusal `e` carries, if cfgc raised it.
    fn of(e: &Error) -> Option<&Refusal> {
        std::error::Error::source(e)?.downcast_ref::<Refusal>()
    }
}

/// How deep macros, includes and nested blocks may go (minijinja counts a macro call as
/// several levels). Its own ceiling without `stacker` is 500; cfgc's templates need far
/// less, and a lower limit fails a runaway recursion sooner.
const RECURSION_LIMIT: usize = 200;

/// The fuel of one render: minijinja charges about one unit per instruction and per 64
/// bytes of data a template creates, so this bounds both time and memory. It scales with
/// the output limit (`output_bytes`), the one knob: the limit's worth of text eight times
/// over, plus 200,000 instructions. At the default 16 MiB that is about 2.3 million units,
/// far beyond any real config file (a 3.7 MB output of a 5,000-line loop takes ~0.1 million)
/// and a fraction of a second in a release build.
fn fuel_for(output_limit: u64) -> u64 {
    200_000 + output_limit / 8
}

pub struct Templates {
    env: minijinja::Environment<'static>,
    /// Each template's id and text, for errors that point into it.
    files: HashMap<String, (FileId, Arc<Source>)>,
    /// The top-level names the templates read (minijinja's static analysis, over every
    /// template, macros and includes' targets too since each is a template of its own).
    used: BTreeSet<String>,
}

/// The template environment every render runs in, before any template is added: strict
/// undefined variables, the bounds (fuel from `output_limit`, the recursion limit), no
/// `debug()`, the trailing newline kept, cfgc's filters, and the formatter that sends every
/// interpolation through its output's room. Public so the fuzz target runs this very setup.
/// The caller sets the auto-escape callback (the template's format) before adding templates.
pub fn environment(output_limit: u64) -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(fuel_for(output_limit)));
    env.set_recursion_limit(RECURSION_LIMIT);
    // debug() prints the whole context, secrets included.
    env.remove_global("debug");
    // Each room's own filters (`gcloud_dict` is the cloudbuild room's). A refusal shows its
    // reason, as an escape error does; an engine error keeps its detail hidden.
    for format in crate::format::ALL {
        for &(name, filter) in format.filters() {
            env.add_filter(name, move |value: minijinja::Value| {
                filter(value).map_err(|e| match e {
                    FilterError::Refused(reason) => Refusal {
                        reason,
                        holders: Vec::new(),
                    }
                    .error(),
                    FilterError::Engine(e) => e,
                })
            });
        }
    }
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .build()
        .expect("the default delimiters are valid");
    env.set_syntax(syntax);
    env.set_formatter(|out, state, value| {
        let AutoEscape::Custom(name) = state.auto_escape() else {
            return minijinja::escape_formatter(out, state, value);
        };
        let format = Format::named(name)
            .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, "unknown format"))?;
        // Strings, nearly every interpolation, skip the trip through serde.
        let escaped = match value.as_str() {
            Some(text) if value.kind() == minijinja::value::ValueKind::String => {
                format.escape_str(text)
            }
            _ => format.escape(
                &serde_json::to_value(value)
                    .map_err(|_| Error::new(ErrorKind::BadSerialization, "not serialisable"))?,
            ),
        };
        let text = escaped.map_err(|e| {
            Refusal {
                reason: e.reason,
                holders: holders(state, value),
            }
            .error()
        })?;
        out.write_str(&text)
            .map_err(|_| Error::from(ErrorKind::WriteFailure))
    });
    env
}

/// The variables that hold a value that cannot be placed, so a refusal inside
/// `{% for name, value in secrets | items %}` names the secret and not only `value`. Names
/// only (written as variables are: `A-Z`, `0-9`, `_`), never the value.
fn holders(state: &minijinja::State, value: &minijinja::Value) -> Vec<String> {
    state
        .known_variables()
        .into_iter()
        .filter(|n| {
            n.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        })
        .filter(|n| state.lookup(n).is_some_and(|v| v == *value))
        .map(|n| n.into_owned())
        .collect()
}

/// The variables that hold a refused value, unless that is only the expression itself
/// (`{{ JWT_SECRET }}` needs no note).
fn held_by(refusal: Option<&Refusal>, expr: &str) -> Option<String> {
    let names = &refusal?.holders;
    if names.is_empty() || (names.len() == 1 && names[0] == expr) {
        return None;
    }
    let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    Some(format!("the value of {}", names.join(", ")))
}

pub fn compile(project: &Project, sources: &mut SourceMap) -> Result<Templates, Vec<Diagnostic>> {
    let mut env = environment(project.fs.limits().output);
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
                Diagnostic::new(
                    Code::Template,
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
                    Diagnostic::new(
                        Code::Template,
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
            Err(Some(e)) => errors.push(template_error(&e, &name, id, sources.get(id), true)),
            Err(None) => errors.push(
                Diagnostic::new(Code::Template,
                    format!("cannot compile the template `{name}`: the template engine failed on it"),
                )
                .at(output.template.span)
                .label("declared here")
                .help("look for an unusual construct, such as `{% import … as 0 %}` (the name after `as` must be an identifier)"),
            ),
        }
    }
    if errors.is_empty() {
        let used = files
            .keys()
            .filter_map(|name| env.get_template(name).ok())
            .flat_map(|template| template.undeclared_variables(false))
            .collect();
        Ok(Templates { env, files, used })
    } else {
        Err(errors)
    }
}

/// Compiles `text` into `env`. `Err(None)` when minijinja panicked on it: its code generator
/// has `unreachable!()`s the parser lets some input reach (found by fuzzing:
/// `{% import "x" as 0 %}`), and a template in a pull request must not abort cfgc. The
/// panic message is kept off stderr: it says nothing the error does not.
pub fn add_template(
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
        let ctx = minijinja::Value::from(minijinja::value::Serde(context));
        self.render_value(output, env, ctx, project, schema)
    }

    /// As `render`, with the context already converted: an environment's outputs share
    /// one conversion of its variables (converting them per output was an eighth of a
    /// large plan).
    pub fn render_value(
        &self,
        output: &Output,
        env: &Environment,
        ctx: minijinja::Value,
        project: &Project,
        schema: &Schema,
    ) -> Result<Zeroizing<String>, Diagnostic> {
        let name = display_name(&project.root, &output.template.value);
        let (id, source) = &self.files[&name];
        let template = self
            .env
            .get_template(&name)
            .map_err(|e| template_error(&e, &name, *id, source, false))?;
        let limit = project.fs.limits().output;
        let mut out = Capped {
            bytes: Zeroizing::new(Vec::new()),
            limit,
            over: false,
        };
        let rendered = template.render_captured_to(ctx, &mut out).map(drop);
        let rendered = match rendered {
            // minijinja gives a failed write no line in practice; then none is shown.
            Err(e) if out.over => Err(Bound::Output(
                limit,
                (e.line().is_some() || e.range().is_some()).then(|| error_span(&e, *id, source)),
            )),
            Err(e) => Err(Bound::Error(e)),
            Ok(()) => String::from_utf8(std::mem::take(&mut *out.bytes))
                .map(Zeroizing::new)
                .map_err(|_| {
                    Bound::Error(Error::new(ErrorKind::BadSerialization, "output not UTF-8"))
                }),
        };
        rendered.map_err(|e| {
            let e = match e {
                Bound::Error(e) => e,
                Bound::Output(limit, span) => {
                    let mut d = Diagnostic::new(Code::TemplateOutputTooLarge,
                        format!(
                            "`{name}` renders more than the output limit of {limit} bytes (output `{}`)",
                            output.name
                        ),
                    )
                    .env(&env.name)
                    .help("if the file is meant to be this large, raise `output_bytes` in the `[limits]` table of cfgc.toml; otherwise look for a loop or a string that grows without end");
                    if let Some(span) = span {
                        d = d.at(span).label("the limit was passed here");
                    }
                    return d;
                }
            };
            let mut d = template_error(&e, &name, *id, source, false);
            d.environments.push(env.name.clone());
            d.message = format!("{} (output `{}`)", d.message, output.name);
            let declared = d
                .key
                .clone()
                .filter(|k| schema.variables.contains(k) && !schema.secrets.contains(k));
            if d.code == Code::TemplateUndefined
                && let Some(key) = declared
            {
                // A declared variable this environment does not set: suggesting its own
                // name back helps nobody; say it is optional here, and how to guard it.
                d.message = format!(
                    "`{key}` is not set in `{}`, and `{}` uses it (output `{}`)",
                    env.name, name, output.name
                );
                d = d.label(format!("`{key}` is optional here")).help(format!(
                    "guard it in the template: `{{% if {key} is defined %}}…{{% endif %}}`, or give it a value in `{}`'s layers",
                    env.name
                ));
            } else if d.code == Code::TemplateUndefined
                && let Some(s) = d.key.as_deref().and_then(|k| schema.suggest(k))
            {
                d = d.help(format!("did you mean `{s}`?"));
            }
            if !output.secrets && d.code == Code::TemplateUndefined {
                d = secret_use::explain(d, source, schema, &name, &output.name);
            }
            d
        })
    }
}

/// Why a render stopped.
enum Bound {
    Error(Error),
    /// The rendered file passed the output limit, while writing what `Span` points at.
    Output(u64, Option<Span>),
}

/// The rendered bytes, refused past `limit` while they are written: a template whose
/// output grows without end fails at the limit instead of exhausting memory.
struct Capped {
    bytes: Zeroizing<Vec<u8>>,
    limit: u64,
    over: bool,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if (self.bytes.len() + buf.len()) as u64 > self.limit {
            self.over = true;
            return Err(std::io::Error::other("output limit"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Where in the template a minijinja error happened: its range, else its line.
fn error_span(e: &Error, id: FileId, src: &Source) -> Span {
    match (e.range(), e.line()) {
        (Some(r), _) if r.end <= src.text.len() => Span::new(id, r.start, r.end),
        (_, Some(line)) => {
            let r = src.line_range(line);
            Span::new(id, r.start, r.end)
        }
        _ => Span::new(id, 0, 0),
    }
}

/// A minijinja error as a finding on the template line, naming the
/// expression; never the values in the context. `compiling`: the error came from
/// compiling the template, so its detail can only quote the template's own text.
fn template_error(e: &Error, name: &str, id: FileId, src: &Source, compiling: bool) -> Diagnostic {
    let span = error_span(e, id, src);
    let expr = src.text[span.start as usize..span.end as usize]
        .trim()
        .to_string();
    // Only the detail of a syntax error (which quotes the template) or of cfgc's own
    // escaping (which names a character class) is shown: any other detail may quote a value
    // from the context, a secret included (`{% include JWT_SECRET %}` names the template it
    // did not find).
    let detail = e.detail().unwrap_or("");
    let refusal = Refusal::of(e);
    let held_by = held_by(refusal, &expr);
    let (code, message, label) = match e.kind() {
        ErrorKind::SyntaxError if !compiling => (
            Code::Template,
            format!("cannot render `{name}`: {}", e.kind()),
            "here".to_string(),
        ),
        ErrorKind::OutOfFuel => (
            Code::TemplateFuel,
            format!("`{name}` does more work than one render may: it ran out of fuel"),
            "still running here".to_string(),
        ),
        // minijinja's own fixed text, never a value.
        ErrorKind::InvalidOperation if detail == "recursion limit exceeded" => (
            Code::TemplateRecursion,
            format!("`{name}` nests macros, includes or blocks too deeply"),
            format!("deeper than {RECURSION_LIMIT} levels here"),
        ),
        ErrorKind::UndefinedError => (
            Code::TemplateUndefined,
            format!("undefined variable `{expr}` in `{name}`"),
            "here".to_string(),
        ),
        ErrorKind::SyntaxError => (
            Code::TemplateSyntax,
            format!("template syntax error in `{name}`: {detail}"),
            detail.to_string(),
        ),
        _ if let Some(refusal) = refusal => (
            Code::TemplateEscape,
            format!("cannot place `{expr}` safely in `{name}`"),
            refusal.reason.clone(),
        ),
        ErrorKind::TemplateNotFound => (
            Code::Template,
            format!(
                "cannot render `{name}`: a template it includes, imports or extends is not one of the project's"
            ),
            "here".to_string(),
        ),
        kind => (
            Code::Template,
            format!("cannot render `{name}`: {kind}"),
            "here".to_string(),
        ),
    };
    // A refused value held by a loop variable is named by what holds it (`JWT_SECRET`),
    // not by the loop variable (`value`), which tells the user nothing.
    let (message, held_by) = match held_by {
        Some(holders) if code == Code::TemplateEscape => {
            (format!("cannot place {holders} safely in `{name}`"), None)
        }
        held_by => (message, held_by),
    };
    let d = match held_by {
        _ if !matches!(code, Code::TemplateEscape | Code::TemplateUndefined) => {
            Diagnostic::new(code, message)
        }
        Some(note) => Diagnostic::new(code, message).note(note),
        None => Diagnostic::new(code, message),
    };
    let d = match code {
        Code::TemplateFuel => d.help("cfgc bounds each render: look for nested loops over large ranges, or a string or list that grows in a loop"),
        Code::TemplateRecursion => d.help("look for a macro that calls itself without end, or templates that include each other"),
        _ => d,
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

impl Templates {
    /// `output`'s template: its id and text, and the top-level names it reads (not those
    /// only its includes read). `None` for a template not compiled.
    pub fn of_output(
        &self,
        output: &Output,
        project: &Project,
    ) -> Option<(FileId, &Source, BTreeSet<String>)> {
        let name = display_name(&project.root, &output.template.value);
        let (id, source) = self.files.get(&name)?;
        let template = self.env.get_template(&name).ok()?;
        Some((
            *id,
            source,
            template.undeclared_variables(false).into_iter().collect(),
        ))
    }

    /// Whether some template reads `name` at the top level: what no template reads need
    /// not be built for each environment.
    pub fn reads(&self, name: &str) -> bool {
        self.used.contains(name)
    }

    /// Schema variables that no output's template uses: a new variable that reaches no file
    /// is a warning, so adding one to the schema tells you the templates need it too. A
    /// template that iterates over `vars` (or `secrets`) uses every variable (or secret),
    /// and one over `app_env` every variable not marked `x-infra`.
    pub fn unused_variables(&self, schema: &Schema, sources: &SourceMap) -> Vec<Diagnostic> {
        let used = &self.used;
        if self.files.is_empty() || used.contains("vars") {
            return Vec::new();
        }
        let every_secret = used.contains("secrets");
        let app_env = used.contains("app_env");
        schema
            .variables
            .iter()
            .filter(|v| !used.contains(*v))
            .filter(|v| !(app_env && !schema.infra.contains(*v) && !schema.secrets.contains(*v)))
            .filter(|v| !(every_secret && schema.secrets.contains(*v)))
            .map(|v| {
                Diagnostic::new(Code::UnusedVariable, format!("`{v}` is used by no output"))
                    .at(schema.property_span(sources, v))
                    .label("declared here")
                    .key(v.clone())
                    .help(format!(
                        "use `{{{{ {v} }}}}` in a template (or iterate over `vars`), or remove it from the schema"
                    ))
            })
            .collect()
    }
}
