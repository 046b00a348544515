//! The `[outputs.*]` part of cfgc.toml: what is rendered where (`policies` says what every
//! rendered file must satisfy; `generated` reads the outputs generated from the schema).

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use super::{Environment, Located, ProjectPath, ProjectSection, Resolver, bad_path};
use crate::diagnostic::{Code, Diagnostic};
use crate::format::Format;
use crate::fs::{Inputs, RelPath};
use crate::source::Span;

#[derive(Debug)]
pub struct Output {
    pub name: String,
    pub span: Span,
    pub template: Located<ProjectPath>,
    /// Path with `{env}` for the environment's name, relative to the root.
    pub path: Located<String>,
    /// How values are escaped, parsed back and masked (the format's room).
    pub format: Located<Format>,
    pub secrets: bool,
    pub mode: u32,
    /// Environments it is rendered for; all when empty.
    pub environments: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OutputFile {
    pub(super) template: Option<Spanned<String>>,
    pub(super) path: Spanned<String>,
    pub(super) format: Option<Spanned<String>>,
    /// A file generated from the schema (`crate::codegen`) instead of a template.
    pub(super) generate: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) secrets: bool,
    pub(super) mode: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) environments: Vec<Spanned<String>>,
}

/// An `[outputs.NAME]` table with `generate`, for `generated` to read.
pub(super) type GenerateTable = (String, Spanned<OutputFile>);

pub(super) fn outputs(
    r: &mut Resolver,
    project: &ProjectSection,
    raw: IndexMap<String, Spanned<OutputFile>>,
    environments: &[Environment],
) -> (String, Vec<Output>, Vec<GenerateTable>) {
    let output_dir = output_dir(r, project);
    let mut outputs = Vec::new();
    // Tables with `generate`: read by `generated`, which knows them.
    let mut generate = Vec::new();
    for (name, out) in raw {
        if out.get_ref().generate.is_some() {
            generate.push((name, out));
        } else if let Some(output) = output(r, name, out, &output_dir, environments) {
            outputs.push(output);
        }
    }
    same_path(r, &outputs, environments);
    (output_dir, outputs, generate)
}

/// `output_dir` (`deploy` when unset), without a trailing `/`; a path that is not one inside
/// the project is reported.
fn output_dir(r: &mut Resolver, project: &ProjectSection) -> String {
    let output_dir = project
        .output_dir
        .as_ref()
        .map_or("deploy".to_string(), |d| {
            d.get_ref().trim_end_matches('/').to_string()
        });
    if let Some(d) = &project.output_dir
        && let Err(e) = RelPath::parse(d.get_ref())
    {
        let at = r.span(d.span());
        r.errors.push(bad_path(at, "`output_dir`", e));
    }
    output_dir
}

/// The output `name` as declared in `[outputs.NAME]`, every problem with it reported; `None`
/// when its template is not a path inside the project.
fn output(
    r: &mut Resolver,
    name: String,
    out: Spanned<OutputFile>,
    output_dir: &str,
    environments: &[Environment],
) -> Option<Output> {
    let out_span = r.span(out.span());
    let out = out.into_inner();
    let (Some(template), Some(format)) = (&out.template, &out.format) else {
        let missing = if out.template.is_none() {
            "template"
        } else {
            "format"
        };
        r.errors.push(
            Diagnostic::new(Code::Project, format!("output `{name}` has no `{missing}`"))
                .at(out_span)
                .help("an output is rendered from a `template` in a `format` (nginx, dotenv, …), or generated from the schema with `generate = \"typescript\"`"),
        );
        return None;
    };
    let mode = mode_of(r, &out);
    check_path(r, &name, &out, output_dir, environments);
    let format = format_of(r, format);
    for env in &out.environments {
        if !environments.iter().any(|e| &e.name == env.get_ref()) {
            r.errors.push(
                Diagnostic::new(
                    Code::Project,
                    format!("output `{name}` names an unknown environment"),
                )
                .at(r.span(env.span())),
            );
        }
    }
    let template = r.path(template, &format!("the template of `{name}`"))?;
    Some(Output {
        span: out_span,
        template,
        path: Located {
            value: out.path.get_ref().clone(),
            span: r.span(out.path.span()),
        },
        format: Located {
            value: format,
            span: r.span(out.format.as_ref().map_or(0..0, |f| f.span())),
        },
        secrets: out.secrets,
        mode,
        environments: out
            .environments
            .iter()
            .map(|e| e.get_ref().clone())
            .collect(),
        name,
    })
}

/// The output's file mode: `mode` read as octal, else 0600 for an output that holds secrets
/// and 0644 for one that does not; 0 with the error reported when `mode` is not a file mode.
pub(super) fn mode_of(r: &mut Resolver, out: &OutputFile) -> u32 {
    let mode = match &out.mode {
        None => Ok(if out.secrets { 0o600 } else { 0o644 }),
        Some(m) => u32::from_str_radix(m.get_ref(), 8)
            .ok()
            .filter(|m| *m <= 0o777)
            .ok_or(r.span(m.span())),
    };
    mode.unwrap_or_else(|at| {
        r.errors.push(
            Diagnostic::new(
                Code::Project,
                "`mode` must be an octal file mode such as \"0644\"",
            )
            .at(at),
        );
        0
    })
}

/// The output's path must be one inside the project, under `output_dir`, and name `{env}`
/// unless the output is written for one environment only.
fn check_path(
    r: &mut Resolver,
    name: &str,
    out: &OutputFile,
    output_dir: &str,
    environments: &[Environment],
) {
    let p = out.path.get_ref();
    if let Err(e) = RelPath::parse(p) {
        let at = r.span(out.path.span());
        r.errors.push(bad_path(at, &format!("output `{name}`"), e));
    } else if !p.starts_with(&format!("{output_dir}/")) {
        r.errors.push(
            Diagnostic::new(
                Code::Project,
                format!("output `{name}` must be written under `{output_dir}/`"),
            )
            .at(r.span(out.path.span()))
            .label("outside the output folder")
            .help(format!(
                "use a relative path such as \"{output_dir}/{{env}}/{name}\", without `..`"
            )),
        );
    }
    if !p.contains("{env}") && environments.len() > 1 && out.environments.len() != 1 {
        r.errors.push(
            Diagnostic::new(
                Code::Project,
                format!("output `{name}` would write every environment to the same file"),
            )
            .at(r.span(out.path.span()))
            .help("put `{env}` in the path"),
        );
    }
}

/// The output's format (its room); `text` with the error reported for an unknown name.
fn format_of(r: &mut Resolver, format: &Spanned<String>) -> Format {
    Format::named(format.get_ref()).unwrap_or_else(|| {
        r.errors.push(
            Diagnostic::new(
                Code::Project,
                format!("unknown output format `{}`", format.get_ref()),
            )
            .at(r.span(format.span()))
            .help(format!("use one of: {}", Format::names())),
        );
        crate::format::TEXT
    })
}

/// Two outputs written to the same file, in any environment: one would silently win.
fn same_path(r: &mut Resolver, outputs: &[Output], environments: &[Environment]) {
    let mut reported = std::collections::HashSet::new();
    for env in environments {
        let mut seen: IndexMap<String, &Output> = IndexMap::new();
        let applies = |o: &Output| o.environments.is_empty() || o.environments.contains(&env.name);
        for out in outputs.iter().filter(|o| applies(o)) {
            let path = out.path.value.replace("{env}", &env.name);
            let path = RelPath::parse(&path).map_or(path, |p| p.to_string());
            match seen.get(&path) {
                Some(first) if reported.insert((first.name.clone(), out.name.clone())) => {
                    r.errors.push(
                        Diagnostic::new(
                            Code::Project,
                            format!(
                                "outputs `{}` and `{}` are both written to `{path}`",
                                first.name, out.name
                            ),
                        )
                        .at(out.path.span)
                        .label("the same file as another output")
                        .help("give each output its own path"),
                    );
                }
                Some(_) => {}
                None => {
                    seen.insert(path, out);
                }
            }
        }
    }
}

/// An output written over one of the project's own inputs: a hostile cfgc.toml could make
/// `apply` replace a secrets file, or write decrypted values over a committed layer or
/// template. Reported here with the output's line; `fs` refuses the write itself too.
pub(super) fn over_inputs(
    r: &mut Resolver,
    outputs: &[Output],
    environments: &[Environment],
    inputs: &Inputs,
) {
    let mut reported = std::collections::HashSet::new();
    for env in environments {
        let applies = |o: &Output| o.environments.is_empty() || o.environments.contains(&env.name);
        for out in outputs.iter().filter(|o| applies(o)) {
            let path = out.path.value.replace("{env}", &env.name);
            let Ok(path) = RelPath::parse(&path) else {
                continue;
            };
            let Some(what) = inputs.declared(&path).next().map(|i| i.noun()) else {
                continue;
            };
            if reported.insert((out.name.clone(), path.clone())) {
                r.errors.push(
                    Diagnostic::new(
                        Code::Project,
                        format!(
                            "output `{}` would be written over `{path}`, {what} of this project",
                            out.name
                        ),
                    )
                    .at(out.path.span)
                    .label("one of the project's inputs")
                    .help("write outputs to their own files under `output_dir`"),
                );
            }
        }
    }
}
