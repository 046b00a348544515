//! Codegen: the app's side of the contract, generated from the same schema `cfgc check`
//! holds the environments to. [`model`] reads the schema and cfgc.toml into a
//! language-neutral [`Model`] (refusing what a loader could not check the same way); each
//! target renders it into one self-contained file (`typescript`, `python`). A generated file is a
//! project-wide output: `cfgc codegen LANGUAGE` prints it, and an `[outputs.NAME]` with
//! `generate = "LANGUAGE"` has `plan`, `apply` and `docs` keep it current.

pub mod model;

pub use model::Model;
pub mod python;
pub mod typescript;

use crate::project::Language;

/// The file `language` generates from `model`; `regenerate` is how to make it again, for
/// its header.
pub fn generate(language: Language, model: &Model, regenerate: &str) -> String {
    match language {
        Language::Typescript => typescript::generate(model, regenerate),
        Language::Python => python::generate(model, regenerate),
    }
}

/// How a declared output is regenerated, for its header.
pub fn regenerate_output(output: &crate::project::Generated) -> String {
    format!(
        "`cfgc apply` or `cfgc docs` (output `{}` of cfgc.toml)",
        output.name
    )
}
