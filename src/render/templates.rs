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
//!
//! The parts, bottom to top: `engine` (the environment every render runs in, and cfgc's
//! `Refusal`), `error` (a minijinja error as a finding), `compile` (the project's templates
//! into one `Templates`), `rendering` (one output's template filled), `secret_use` (which
//! secret a plain output's failed render touched).

mod compile;
mod engine;
mod error;
mod rendering;
mod secret_use;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic};
use crate::project::{Output, Project};
use crate::schema::Schema;
use crate::source::{FileId, Source, SourceMap, display_name};
pub use compile::{add_template, compile};
pub use engine::environment;

pub struct Templates {
    env: minijinja::Environment<'static>,
    /// Each template's id and text, for errors that point into it.
    files: HashMap<String, (FileId, Arc<Source>)>,
    /// The top-level names the templates read (minijinja's static analysis, over every
    /// template, macros and includes' targets too since each is a template of its own).
    used: BTreeSet<String>,
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
