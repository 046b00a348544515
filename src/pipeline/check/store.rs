//! `check --store`: each selected environment's store record held against its store
//! (`release::status`), keyless, with the rest of check's findings.

use crate::diagnostic::Diagnostic;
use crate::load::{self, Loaded};
use crate::source::SourceMap;

/// The drift of every selected environment that declares a store; an environment's store
/// that cannot be asked is an error (exit 2), reported with the rest.
pub fn check(loaded: &Loaded, sources: &mut SourceMap) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (index, env) in loaded.environments().enumerate() {
        if env.store.is_none() {
            continue;
        }
        // The environment's own files were streamed and dropped: read them again.
        let layers = match load::load_env(loaded, index, sources) {
            Ok(l) => l,
            Err(errors) => {
                found.extend(errors);
                continue;
            }
        };
        let parsed = env
            .secrets
            .as_ref()
            .and_then(|s| layers.secrets(layers.id(&s.value.abs)));
        match crate::release::status::status(env, parsed.map(|p| &p.file), sources) {
            Ok(ds) => found.extend(ds),
            Err(d) => found.push(d),
        }
    }
    found
}
