//! Whether one secret value can be placed in the outputs that use it, asked when the value
//! is at hand (`cfgc secrets set`) rather than at the next `plan`: each output's room
//! refuses what its consumers would not read back unchanged (see `format`).
//!
//! A warning names the secret, the output, the template line that uses it and the room's
//! reason, never the value (the reasons name a character class only).

use super::templates::Templates;
use crate::diagnostic::{Code, Diagnostic};
use crate::format::{self, Format};
use crate::project::{Environment, Output, Project};
use crate::source::Span;

/// What no output that uses `name` in `env` can hold of `value`, one warning per output.
/// An output uses it when its template reads the name, or iterates over `secrets`.
pub fn unplaceable(
    project: &Project,
    templates: &Templates,
    env: &Environment,
    name: &str,
    value: &str,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for output in project.outputs_for(env).filter(|o| o.secrets) {
        let Some((id, source, reads)) = templates.of_output(output, project) else {
            continue;
        };
        let word = [name, "secrets"].into_iter().find(|w| reads.contains(*w));
        let Some(word) = word else { continue };
        let format = output.format.value;
        let Err(refused) = format.escape_str(value) else {
            continue;
        };
        let mut d = warning(output, env, name, &refused.reason, format, value);
        if let Some(at) = first_use(&source.text, word) {
            d = d.at(Span::new(id, at, at + word.len())).label(format!(
                "`{name}` is placed here in {} output `{}`",
                format.name(),
                output.name
            ));
        }
        found.push(d);
    }
    found
}

fn warning(
    output: &Output,
    env: &Environment,
    name: &str,
    reason: &str,
    format: Format,
    value: &str,
) -> Diagnostic {
    let path = output.path.value.replace("{env}", &env.name);
    let d = Diagnostic::new(
        Code::SecretUnplaceable,
        format!(
            "the value of `{name}` cannot be placed in `{path}` (output `{}`): {reason}",
            output.name
        ),
    )
    .note(format!("environment: {}", env.name));
    // A dotenv value that only variable expansion refuses fits a file no expander reads.
    if format.name() == format::DOTENV.name() && format::DOTENV_LITERAL.escape_str(value).is_ok() {
        d.help(format!(
            "`format = \"{}\"` takes it, if no reader of `{path}` expands variables; else change the value before `cfgc plan`",
            format::DOTENV_LITERAL.name()
        ))
    } else {
        d.help(format!(
            "`cfgc plan` refuses to render `{path}` with this value: change it, or pass it some other way"
        ))
    }
}

/// Where `word` first appears in a template as a name (not inside a longer one, nor in a
/// `{# comment #}`).
fn first_use(text: &str, word: &str) -> Option<usize> {
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let bytes = text.as_bytes();
    let in_comment = |at: usize| {
        let before = &text[..at];
        before
            .rfind("{#")
            .is_some_and(|open| !before[open..].contains("#}"))
    };
    text.match_indices(word).map(|(at, _)| at).find(|&at| {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(at + word.len()).copied();
        !before.is_some_and(ident) && !after.is_some_and(ident) && !in_comment(at)
    })
}
