//! Compiling the project's templates: each output's template read through the project's
//! filesystem and added, once, to one environment with its format's escaping.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use minijinja::{AutoEscape, Error};

use super::Templates;
use super::engine::environment;
use super::error::template_error;
use crate::diagnostic::{Code, Diagnostic};
use crate::format::Format;
use crate::fs::Role;
use crate::project::{Output, Project};
use crate::source::{FileId, Source, SourceMap, display_name};

/// Every output's template compiled into one environment, each once; on failure, every
/// finding of the lot, not only the first.
pub fn compile(project: &Project, sources: &mut SourceMap) -> Result<Templates, Vec<Diagnostic>> {
    let mut env = environment(project.fs.limits().output);
    let (formats, mut errors) = formats_by_template(project);
    // The escaping mode is fixed when a template is compiled: set it first.
    env.set_auto_escape_callback(move |name| {
        // Every template is an output's, so every one has a format.
        formats
            .get(name)
            .map_or(AutoEscape::None, |f| AutoEscape::Custom(f.name().into()))
    });
    let mut files = HashMap::new();
    for output in &project.outputs {
        let name = display_name(&project.root, &output.template.value);
        if files.contains_key(&name) {
            continue;
        }
        let text = match read_template(project, output, &name) {
            Ok(text) => text,
            Err(d) => {
                errors.push(d);
                continue;
            }
        };
        let id = sources.add(Source::new(
            name.clone(),
            output.template.value.abs.clone(),
            text.clone(),
        ));
        files.insert(name.clone(), (id, sources.shared(id)));
        if let Err(e) = add_template(&mut env, &name, text) {
            errors.push(compile_error(e, output, &name, id, sources));
        }
    }
    if errors.is_empty() {
        let used = used_names(&env, &files);
        Ok(Templates { env, files, used })
    } else {
        Err(errors)
    }
}

/// Each template's format, and a finding for every template two outputs use with two
/// formats: its escaping is fixed when it is compiled, so it can have only one.
fn formats_by_template(project: &Project) -> (HashMap<String, Format>, Vec<Diagnostic>) {
    let mut formats: HashMap<String, Format> = HashMap::new();
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
    (formats, errors)
}

/// The text of `output`'s template (shown as `name`), or why it cannot be read.
fn read_template(project: &Project, output: &Output, name: &str) -> Result<String, Diagnostic> {
    // Through the project's filesystem like every other input: a template symlinked
    // out of the project (`/proc/self/environ`, a key file) or a FIFO is refused, never
    // read into a diff.
    match project
        .fs
        .read_to_string(&output.template.value.rel, Role::Template)
    {
        Ok(Ok(t)) => Ok(t),
        Ok(Err(e)) => Err(Diagnostic::new(
            Code::Template,
            format!(
                "the template `{name}` is not UTF-8 (byte {})",
                e.utf8_error().valid_up_to()
            ),
        )
        .at(output.template.span)
        .label("declared here")
        .help("save the file as UTF-8")),
        Err(e) => Err(e
            .diagnostic()
            .at(output.template.span)
            .label("declared here")),
    }
}

/// Why the template `name` (file `id`) did not compile: minijinja's error, or, when
/// minijinja panicked on it ([`add_template`]), a finding on the output's declaration.
fn compile_error(
    e: Option<Error>,
    output: &Output,
    name: &str,
    id: FileId,
    sources: &SourceMap,
) -> Diagnostic {
    match e {
        Some(e) => template_error(&e, name, id, sources.get(id), true),
        None => Diagnostic::new(Code::Template,
            format!("cannot compile the template `{name}`: the template engine failed on it"),
        )
        .at(output.template.span)
        .label("declared here")
        .help("look for an unusual construct, such as `{% import … as 0 %}` (the name after `as` must be an identifier)"),
    }
}

/// The top-level names the compiled templates read.
fn used_names(
    env: &minijinja::Environment<'static>,
    files: &HashMap<String, (FileId, Arc<Source>)>,
) -> BTreeSet<String> {
    files
        .keys()
        .filter_map(|name| env.get_template(name).ok())
        .flat_map(|template| template.undeclared_variables(false))
        .collect()
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
