//! Rendering one output's template for one environment: the text, written into a buffer
//! that stops at the output limit, or the finding that says why there is none.

use minijinja::{Error, ErrorKind};
use zeroize::Zeroizing;

use super::Templates;
use super::error::{error_span, template_error};
use super::secret_use;
use crate::diagnostic::{Code, Diagnostic};
use crate::project::{Environment, Output, Project};
use crate::schema::Schema;
use crate::source::{FileId, Source, Span, display_name};

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
        let place = Place {
            output,
            env,
            template: &name,
            id: *id,
            source,
        };
        fill(&template, ctx, project.fs.limits().output, *id, source).map_err(|e| match e {
            Bound::Error(e) => place.failure(&e, schema),
            Bound::Output(limit, span) => place.too_large(limit, span),
        })
    }
}

/// Renders `template` with `ctx` into a buffer refused past `limit` bytes.
fn fill(
    template: &minijinja::Template<'_, '_>,
    ctx: minijinja::Value,
    limit: u64,
    id: FileId,
    source: &Source,
) -> Result<Zeroizing<String>, Bound> {
    let mut out = Capped {
        bytes: Zeroizing::new(Vec::new()),
        limit,
        over: false,
    };
    let rendered = template.render_captured_to(ctx, &mut out).map(drop);
    match rendered {
        // minijinja gives a failed write no line in practice; then none is shown.
        Err(e) if out.over => Err(Bound::Output(
            limit,
            (e.line().is_some() || e.range().is_some()).then(|| error_span(&e, id, source)),
        )),
        Err(e) => Err(Bound::Error(e)),
        Ok(()) => String::from_utf8(std::mem::take(&mut *out.bytes))
            .map(Zeroizing::new)
            .map_err(|_| Bound::Error(Error::new(ErrorKind::BadSerialization, "output not UTF-8"))),
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

/// The render a finding is about: one output of one environment, and its template (shown
/// as `template`, file `id`).
struct Place<'a> {
    output: &'a Output,
    env: &'a Environment,
    template: &'a str,
    id: FileId,
    source: &'a Source,
}

impl Place<'_> {
    /// The rendered file passed the output limit (while writing `span`, when known).
    fn too_large(&self, limit: u64, span: Option<Span>) -> Diagnostic {
        let mut d = Diagnostic::new(Code::TemplateOutputTooLarge,
            format!(
                "`{}` renders more than the output limit of {limit} bytes (output `{}`)",
                self.template, self.output.name
            ),
        )
        .env(&self.env.name)
        .help("if the file is meant to be this large, raise `output_bytes` in the `[limits]` table of cfgc.toml; otherwise look for a loop or a string that grows without end");
        if let Some(span) = span {
            d = d.at(span).label("the limit was passed here");
        }
        d
    }

    /// A render that minijinja stopped with `e`, as a finding naming the environment and
    /// the output; an undefined variable is explained by what the schema says of it.
    fn failure(&self, e: &Error, schema: &Schema) -> Diagnostic {
        let (name, output, env) = (self.template, self.output, self.env);
        let mut d = template_error(e, name, self.id, self.source, false);
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
            d = secret_use::explain(d, self.source, schema, name, &output.name);
        }
        d
    }
}
