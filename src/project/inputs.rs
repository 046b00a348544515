//! The project's inputs, gathered once from cfgc.toml: the project filesystem refuses
//! every write over them (`crate::fs::Inputs`), and load reports an output declared over
//! one. One list, so a new kind of input is protected from every writer at once.

use super::{Environment, Output, PROJECT_FILE};
use crate::fs::{Input, Inputs, LOCK_FILE, RelPath};

pub(super) fn inputs(
    project_file: Option<RelPath>,
    schema: Option<&RelPath>,
    environments: &[Environment],
    outputs: &[Output],
) -> Inputs {
    let mut inputs = Inputs::default();
    let fixed = |name: &str| RelPath::parse(name).expect("a fixed file name is a valid path");
    // The file the user named with `-C`, else cfgc.toml.
    inputs.add(
        project_file.unwrap_or_else(|| fixed(PROJECT_FILE)),
        Input::ProjectFile,
    );
    if let Some(schema) = schema {
        inputs.add(schema.clone(), Input::Schema);
    }
    inputs.add(fixed(LOCK_FILE), Input::Lock);
    for env in environments {
        for layer in &env.layers {
            inputs.add(layer.value.rel.clone(), Input::Layer);
        }
        if let Some(secrets) = &env.secrets {
            inputs.add(secrets.value.rel.clone(), Input::Secrets(env.name.clone()));
        }
        if let Some(store) = &env.store {
            inputs.add(
                store.record.value.rel.clone(),
                Input::Record(env.name.clone()),
            );
        }
        if let Some(identity) = &env.identity {
            inputs.add(identity.rel.clone(), Input::Identity);
        }
    }
    for out in outputs {
        inputs.add(out.template.value.rel.clone(), Input::Template);
    }
    inputs
}
