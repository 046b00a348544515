//! Which secret a failed render of a plain output touched. A plain output's context holds
//! no secret, so any use of one fails as "undefined", but minijinja points at the part of
//! the expression that failed: `length` in `{{ JWT_SECRET|length }}`, the loop in
//! `{% for c in JWT_SECRET %}`, `secrets` in `{{ secrets.JWT_SECRET }}`. The name the
//! user needs is the secret's, found on the template line the error points at.

use crate::diagnostic::Diagnostic;
use crate::schema::Schema;
use crate::source::Source;

/// The name under which an output declared `secrets = true` sees every secret.
pub(super) const SECRETS_MAP: &str = "secrets";

/// The secret an undefined-variable error in a plain output is about, if any: its key when
/// that is a secret, else the first secret named on the line the error points at, else
/// `secrets` when the line uses the map of them.
fn touched(d: &Diagnostic, src: &Source, schema: &Schema) -> Option<String> {
    if let Some(key) = d
        .key
        .as_ref()
        .filter(|k| schema.secrets.contains(k.as_str()))
    {
        return Some(key.clone());
    }
    let at = (d.span?.start as usize).min(src.text.len());
    let start = src.text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = src.text[at..].find('\n').map_or(src.text.len(), |i| at + i);
    let words = || {
        src.text
            .get(start..end)
            .into_iter()
            .flat_map(|line| line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')))
    };
    // A secret by name, else the `secrets` map as a whole (`secrets|items` in a loop).
    words()
        .find(|word| schema.secrets.contains(*word))
        .or_else(|| words().find(|word| *word == SECRETS_MAP))
        .map(str::to_string)
}

/// `d`, an undefined-variable error in the plain output `output` (template `template`),
/// reworded when what was undefined is a secret, however the template touched it (a filter,
/// a loop, `secrets.X`): it names the secret, not the part of the expression minijinja
/// stopped at, with the documented `secrets = true` help.
pub(super) fn explain(
    mut d: Diagnostic,
    src: &Source,
    schema: &Schema,
    template: &str,
    output: &str,
) -> Diagnostic {
    let Some(key) = touched(&d, src, schema) else {
        return d;
    };
    d.message = format!("undefined variable `{key}` in `{template}` (output `{output}`)");
    let what = if key == SECRETS_MAP {
        "holds the secrets"
    } else {
        "is a secret"
    };
    d.label(format!("`{key}` is a secret, not given to this output"))
        .help(format!("`{key}` {what}: only outputs declared with `secrets = true` may use its value; `secret_names` lists names for plain outputs"))
        .key(key)
}
