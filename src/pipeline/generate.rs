//! `codegen`, and the generated outputs of `plan`, `apply` and `docs`: stage 1, then the
//! schema and cfgc.toml read into the codegen model and rendered per language. No
//! environment's values are read: a generated file holds none.

use std::sync::Arc;

use super::Stopped;
use crate::cli::Config;
use crate::codegen::{self, Model};
use crate::diagnostic::Diagnostic;
use crate::fs::ProjectFs;
use crate::load::{self, Loaded};
use crate::project::{Generated, Language};
use crate::source::SourceMap;

/// The file `language` generates for the project (`cfgc codegen`), and the project's
/// filesystem (which knows its inputs) to write it through.
pub fn generate(config: &Config, language: Language) -> Result<(String, Arc<ProjectFs>), Stopped> {
    let mut sources = SourceMap::default();
    let loaded = match load::load(
        config.project.as_deref(),
        &[],
        &mut sources,
        Default::default(),
    ) {
        Ok(l) => l,
        Err(errors) => return Err(Stopped { sources, errors }),
    };
    let regenerate = format!("`cfgc codegen {}`", language.name());
    match Model::read(&loaded.project, &loaded.schema, &sources) {
        Ok(model) => Ok((
            codegen::generate(language, &model, &regenerate),
            Arc::clone(&loaded.project.fs),
        )),
        Err(errors) => Err(Stopped { sources, errors }),
    }
}

/// Every generated output of the loaded project with its text; nothing when it declares
/// none (the model is not read then: a schema outside its subset is no error).
pub fn outputs<'a>(
    loaded: &'a Loaded,
    sources: &SourceMap,
) -> Result<Vec<(&'a Generated, String)>, Vec<Diagnostic>> {
    let declared = &loaded.project.generated;
    if declared.is_empty() {
        return Ok(Vec::new());
    }
    let model = Model::read(&loaded.project, &loaded.schema, sources)?;
    Ok(declared
        .iter()
        .map(|g| {
            let text = codegen::generate(g.language.value, &model, &codegen::regenerate_output(g));
            (g, text)
        })
        .collect())
}
