//! `[outputs.NAME]` with `generate = "LANGUAGE"`: a file cfgc generates from the schema and
//! cfgc.toml (the app's configuration loader, `crate::codegen`), one for the whole project.
//! It never holds a value: no `{env}`, no `secrets`, no template or format.

use toml::Spanned;

use super::outputs::OutputFile;
use super::{Environment, Located, Output, Resolver, bad_path};
use crate::diagnostic::{Code, Diagnostic};
use crate::fs::RelPath;
use crate::source::Span;

/// A codegen target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Language {
    /// One `.ts` file: a zod schema and a typed `loadConfig`.
    Typescript,
    /// One `.py` module: a pydantic-settings `Config` and `load_config`.
    Python,
}

impl Language {
    pub const ALL: &[Language] = &[Language::Typescript, Language::Python];

    pub fn name(self) -> &'static str {
        match self {
            Language::Typescript => "typescript",
            Language::Python => "python",
        }
    }

    pub fn named(name: &str) -> Option<Language> {
        Language::ALL.iter().copied().find(|l| l.name() == name)
    }

    /// Every language, for "use one of".
    pub fn names() -> String {
        let names: Vec<&str> = Language::ALL.iter().map(|l| l.name()).collect();
        names.join(", ")
    }
}

/// A generated output: one file for the project.
#[derive(Debug)]
pub struct Generated {
    pub name: String,
    pub span: Span,
    pub language: Located<Language>,
    /// Relative to the project root, under `output_dir`.
    pub path: Located<String>,
    pub mode: u32,
}

/// The generated output `name`, every problem with it reported: a template or a format
/// beside `generate`, an unknown language, `secrets`, `environments` or `{env}` (it is one
/// file for the project, holding no value), a path outside `output_dir`.
pub(super) fn generated(
    r: &mut Resolver,
    name: String,
    out: Spanned<OutputFile>,
    output_dir: &str,
) -> Option<Generated> {
    let span = r.span(out.span());
    let out = out.into_inner();
    let generate = out
        .generate
        .as_ref()
        .expect("called for `generate` outputs");
    let at = |s: &Spanned<String>, r: &Resolver| r.span(s.span());
    let mut found: Vec<(Span, String, String)> = Vec::new();
    let mut problem =
        |at: Span, message: String, help: &str| found.push((at, message, help.to_string()));
    let language = Language::named(generate.get_ref());
    if language.is_none() {
        let help = format!("use one of: {}", Language::names());
        problem(
            at(generate, r),
            format!(
                "output `{name}` generates `{}`, a language cfgc does not generate",
                generate.get_ref()
            ),
            &help,
        );
    }
    found.extend(beside_generate(r, &name, &out, span));
    for (at, message, help) in found {
        r.errors
            .push(Diagnostic::new(Code::Project, message).at(at).help(help));
    }
    check_under(r, &name, &out.path, output_dir);
    let mode = super::outputs::mode_of(r, &out);
    Some(Generated {
        name,
        span,
        language: Located {
            value: language?,
            span: at(generate, r),
        },
        path: Located {
            value: out.path.get_ref().clone(),
            span: at(&out.path, r),
        },
        mode,
    })
}

/// What cannot stand beside `generate` in output `name`: a template or a format, `secrets`,
/// `environments` or `{env}` (it is one file for the project, holding no value).
fn beside_generate(
    r: &Resolver,
    name: &str,
    out: &OutputFile,
    span: Span,
) -> Vec<(Span, String, String)> {
    let at = |s: &Spanned<String>| r.span(s.span());
    let mut found: Vec<(Span, String, String)> = Vec::new();
    let mut problem =
        |at: Span, message: String, help: &str| found.push((at, message, help.to_string()));
    for (field, given) in [("template", &out.template), ("format", &out.format)] {
        if let Some(v) = given {
            problem(
                at(v),
                format!("output `{name}` has both `generate` and `{field}`"),
                "a generated output is made from the schema: remove `template` and `format`, or `generate` to render a template",
            );
        }
    }
    if out.secrets {
        problem(
            span,
            format!("output `{name}` is generated and cannot hold secrets"),
            "remove `secrets = true`: a generated file holds no value, only the schema's rules",
        );
    }
    if !out.environments.is_empty() {
        problem(
            span,
            format!(
                "output `{name}` is generated for the whole project and cannot name environments"
            ),
            "remove `environments`: the generated file serves every environment",
        );
    }
    let path = out.path.get_ref();
    if path.contains("{env}") {
        problem(
            at(&out.path),
            format!(
                "output `{name}` is generated once for the project: its path cannot hold `{{env}}`"
            ),
            "give it one path, such as \"deploy/app/src/config.ts\"",
        );
    }
    found
}

fn check_under(r: &mut Resolver, name: &str, path: &Spanned<String>, output_dir: &str) {
    let at = r.span(path.span());
    match RelPath::parse(path.get_ref()) {
        Err(e) => r.errors.push(bad_path(at, &format!("output `{name}`"), e)),
        Ok(_) if !path.get_ref().starts_with(&format!("{output_dir}/")) => r.errors.push(
            Diagnostic::new(
                Code::Project,
                format!("output `{name}` must be written under `{output_dir}/`"),
            )
            .at(at)
            .label("outside the output folder")
            .help(format!(
                "use a relative path such as \"{output_dir}/app/src/config.ts\", without `..`"
            )),
        ),
        Ok(_) => {}
    }
}

/// A generated file at the path of another output, in any environment: one would win.
pub(super) fn same_path(
    r: &mut Resolver,
    generated: &[Generated],
    outputs: &[Output],
    environments: &[Environment],
) {
    for (i, g) in generated.iter().enumerate() {
        let taken = generated[..i]
            .iter()
            .find(|o| o.path.value == g.path.value)
            .map(|o| o.name.clone());
        let rendered = || {
            outputs.iter().find(|o| {
                environments.iter().any(|e| {
                    (o.environments.is_empty() || o.environments.contains(&e.name))
                        && o.path.value.replace("{env}", &e.name) == g.path.value
                })
            })
        };
        if let Some(other) = taken.or_else(|| rendered().map(|o| o.name.clone())) {
            r.errors.push(
                Diagnostic::new(
                    Code::Project,
                    format!(
                        "outputs `{other}` and `{}` are both written to `{}`",
                        g.name, g.path.value
                    ),
                )
                .at(g.path.span)
                .label("the same file as another output")
                .help("give each output its own path"),
            );
        }
    }
}

/// A generated file over one of the project's inputs (as `outputs::over_inputs`).
pub(super) fn over_inputs(r: &mut Resolver, generated: &[Generated], inputs: &crate::fs::Inputs) {
    for g in generated {
        let Ok(path) = RelPath::parse(&g.path.value) else {
            continue;
        };
        if let Some(what) = inputs.declared(&path).next().map(|i| i.noun()) {
            r.errors.push(
                Diagnostic::new(
                    Code::Project,
                    format!(
                        "output `{}` would be written over `{path}`, {what} of this project",
                        g.name
                    ),
                )
                .at(g.path.span)
                .label("one of the project's inputs")
                .help("write outputs to their own files under `output_dir`"),
            );
        }
    }
}
