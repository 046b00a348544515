//! What can be checked about an environment's secrets file without a key: that it was
//! written for this environment, and to the recipients cfgc.toml lists now.

use crate::diagnostic::{Code, Diagnostic};
use crate::load::Layers;
use crate::project::Environment;
use crate::source::SourceMap;

pub fn check(env: &Environment, layers: &Layers, sources: &SourceMap) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let Some(declared) = &env.secrets else {
        return found;
    };
    let Some(parsed) = layers.secrets(layers.id(&declared.value)) else {
        return found;
    };
    let name = &sources.get(parsed.spans.file).name;
    let file = &parsed.file;
    if file.environment != env.name {
        found.push(
            Diagnostic::new(Code::SecretsEnvironment,
                format!(
                    "`{name}` was written for environment `{}`, but `{}` uses it",
                    file.environment, env.name
                ),
            )
            .at(parsed.spans.environment)
            .label(format!("expected `{}`", env.name))
            .env(&env.name)
            .note("each value is sealed to its environment's name, so none of them will decrypt here")
            .help(format!(
                "do not copy secrets files between environments: set each value with `cfgc secrets set {} NAME`",
                env.name
            )),
        );
    }
    let wanted: Vec<String> = env
        .recipients
        .iter()
        .map(|r| r.value.as_str().to_string())
        .collect();
    let missing: Vec<&String> = wanted
        .iter()
        .filter(|w| !file.recipients.contains(w))
        .collect();
    let extra: Vec<&String> = file
        .recipients
        .iter()
        .filter(|r| !wanted.contains(r))
        .collect();
    if !missing.is_empty() || !extra.is_empty() {
        let mut d = Diagnostic::new(
            Code::SecretsRecipients,
            format!(
                "the recipients of `{name}` differ from those of `{}` in cfgc.toml",
                env.name
            ),
        )
        .at(parsed.spans.recipients)
        .label("the file is encrypted to these")
        .env(&env.name);
        for r in missing {
            d = d.note(format!("in cfgc.toml, not in the file: {r}"));
        }
        for r in extra {
            d = d.note(format!("in the file, not in cfgc.toml: {r}"));
        }
        found.push(d.help(format!(
            "run `cfgc secrets rekey {}` (with an identity for it) to encrypt the file to the recipients in cfgc.toml",
            env.name
        )));
    }
    found
}
