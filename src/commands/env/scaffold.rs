//! What a new environment is made of, for `env add` and `init` alike: its own layer
//! (opened by the editor line that points YAML language servers at the layer schema
//! `cfgc docs` writes), its secrets file with no values yet, and where both go.

use crate::diagnostic::{Code, Diagnostic};
use crate::project::recipient::Recipient;
use crate::secrets::file::{create, serialize};

/// The layer's own file, by convention.
pub fn layer_path(env: &str) -> String {
    format!("environments/{env}.yaml")
}

pub fn secrets_path(env: &str) -> String {
    format!("environments/{env}.secrets.yaml")
}

/// The editor line for a layer in `environments/`: `cfgc docs` writes
/// `layer.schema.json` next to the project schema (`schema_rel`).
pub fn schema_line(schema_rel: &str) -> String {
    let dir = schema_rel.rsplit_once('/').map_or("", |(dir, _)| dir);
    let target = if dir.is_empty() {
        "../layer.schema.json".to_string()
    } else {
        format!("../{dir}/layer.schema.json")
    };
    format!("# yaml-language-server: $schema={target}\n")
}

/// A new layer: the editor line, then `copied` (another layer's content, its own editor
/// line dropped) or a comment saying what the file is for.
pub fn layer_text(schema_rel: &str, env: &str, copied: Option<&str>) -> String {
    let line = schema_line(schema_rel);
    match copied {
        Some(text) => {
            let body = text
                .strip_prefix(line.as_str())
                .or_else(|| text.strip_prefix(line.trim_end()))
                .unwrap_or(text);
            format!("{line}{}", body.trim_start_matches('\n'))
        }
        None => format!("{line}# {env}'s own values, over the shared layers.\n"),
    }
}

/// A secrets file for `env` holding no value yet: its data key wrapped to `recipients`,
/// so `check` passes and `cfgc secrets set` adds to it.
pub fn secrets_text(env: &str, recipients: &[Recipient]) -> Result<String, Box<Diagnostic>> {
    let (file, _) = create(env, recipients)
        .map_err(|e| Box::new(Diagnostic::new(Code::SecretsDataKey, e.to_string())))?;
    Ok(serialize(&file))
}
