//! A required variable no layer sets: one finding per variable, naming every environment
//! that lacks it, with one place to add it. Eleven missing variables in three
//! environments are eleven findings, not thirty-three blocks.
//!
//! Each environment's validation finds its own (see `schema_error`); `group` merges them
//! once every checked environment is done, when it is known which lack the variable.

use std::collections::BTreeMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::project::Environment;

const CODE: Code = Code::MissingVariable;
/// How a top-level variable's finding begins (a nested key's reads differently).
const PREFIX: &str = "required variable `";

/// The finding for `name`, missing in `lacking` (in order) out of the `checked`
/// environments: the help points at the first layer every checked environment shares
/// when none sets it, else at each lacking environment's own last layer.
pub fn variable(name: &str, lacking: &[&Environment], checked: &[&Environment]) -> Diagnostic {
    let names: Vec<String> = lacking.iter().map(|e| format!("`{}`", e.name)).collect();
    let noun = if names.len() == 1 {
        "environment"
    } else {
        "environments"
    };
    let mut d = Diagnostic::new(
        CODE,
        format!("{PREFIX}{name}` is missing in {noun} {}", names.join(", ")),
    )
    .key(name);
    d.environments = lacking.iter().map(|e| e.name.clone()).collect();
    let Some(first) = lacking.first() else {
        return d;
    };
    d = d.note(format!(
        "layers consulted: {}",
        consulted(lacking).join(", ")
    ));
    let shared = (lacking.len() == checked.len())
        .then(|| shared_layer(checked))
        .flatten();
    if let Some(i) = shared {
        let layer = &first.layers[i];
        return d
            .at(layer.span)
            .label(format!(
                "no layer sets `{name}`; this one is shared by {}",
                if checked.len() == 1 {
                    format!("`{}`", first.name)
                } else {
                    "every environment checked".to_string()
                }
            ))
            .help(format!("add `{name}: <value>` to {}", layer.value.rel));
    }
    let own: Vec<String> = lacking
        .iter()
        .filter_map(|e| Some((e, e.layers.last()?)))
        .map(|(e, l)| match lacking.len() {
            1 => l.value.rel.to_string(),
            _ => format!("{} ({})", l.value.rel, e.name),
        })
        .collect();
    let own = if own.is_empty() {
        "a layer".to_string()
    } else {
        own.join(", ")
    };
    d.at(first.layers_span)
        .label(format!(
            "none of the layers of `{}` sets `{name}`",
            first.name
        ))
        .help(format!("add `{name}: <value>` to {own}"))
}

/// Every top-level missing-variable finding of the run, one per variable.
pub fn group(found: Vec<Diagnostic>, checked: &[&Environment]) -> Vec<Diagnostic> {
    let mut by_name: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
    let mut out = Vec::with_capacity(found.len());
    for d in found {
        match &d.key {
            Some(k) if d.code == CODE && d.message.starts_with(PREFIX) => {
                by_name.entry(k.clone()).or_default().push(d)
            }
            _ => out.push(d),
        }
    }
    for (name, seen) in by_name {
        let lacking: Vec<&Environment> = checked
            .iter()
            .filter(|e| seen.iter().any(|d| d.environments.contains(&e.name)))
            .copied()
            .collect();
        let mut g = variable(&name, &lacking, checked);
        g.schema_path = seen.iter().find_map(|d| d.schema_path.clone());
        // The rules that require it (an environment's `if`/`then`), each once.
        for note in seen.iter().flat_map(|d| &d.notes) {
            if note.starts_with("rule: ") && !g.notes.contains(note) {
                g.notes.push(note.clone());
            }
        }
        out.push(g);
    }
    out
}

/// The index in the first environment's layers of the first one every environment lists.
fn shared_layer(envs: &[&Environment]) -> Option<usize> {
    let first = envs.first()?;
    first.layers.iter().position(|layer| {
        envs.iter()
            .all(|e| e.layers.iter().any(|l| l.value == layer.value))
    })
}

/// The layers of the environments, each once, in order.
fn consulted(envs: &[&Environment]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for l in envs.iter().flat_map(|e| &e.layers) {
        let name = l.value.rel.to_string();
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}
