//! What a secrets file may call things. Secret names are variable names
//! (`[A-Za-z_][A-Za-z0-9_]*`) and the environment is an environment name of cfgc.toml:
//! both reach templates, environment variables and every review command's output, where
//! a newline could forge a line ("data key replacement: confirmed") and a control byte
//! could rewrite the terminal. A file that names anything else is refused at parse.

use crate::diagnostic::{Code, Diagnostic};
use crate::secrets::file::shown::field;
use crate::source::Span;

const HELP: &str = "secrets files are written by `cfgc secrets`, which never writes such a name: restore the file from version control (`git checkout -- FILE`) and review who changed it";

/// A name a secret can have: a letter or `_`, then letters, digits and `_`.
pub fn is_secret_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The error for a secret named `name` (written at `at`), or `None` when the name is fine.
/// `what` says where: "secret" or "pending secret".
pub fn check_secret(name: &str, at: Span, what: &str) -> Option<Diagnostic> {
    if is_secret_name(name) {
        return None;
    }
    Some(
        Diagnostic::new(Code::SecretsName,
            format!("`{}` is not a valid {what} name", field(name)),
        )
        .at(at)
        .label("expected a variable name: a letter or `_`, then letters, digits or `_`")
        .note("names are printed by `secrets diff`, `git diff` and `check --base`; a newline or control byte in one could forge their output")
        .help(HELP),
    )
}

/// The error for a file whose `environment` is not an environment name of cfgc.toml.
pub fn check_environment(env: &str, at: Span) -> Option<Diagnostic> {
    if crate::project::valid_name(env) {
        return None;
    }
    Some(
        Diagnostic::new(Code::SecretsFormat,
            format!("`cfgc.environment` `{}` is not an environment name", field(env)),
        )
        .at(at)
        .label("expected an environment of cfgc.toml: lowercase letters, digits, `-` and `_`, starting with a letter")
        .help(HELP),
    )
}

#[cfg(test)]
mod tests {
    use super::is_secret_name;

    #[test]
    fn secret_names_are_variable_names() {
        for ok in ["JWT_SECRET", "_x", "a1", "A"] {
            assert!(is_secret_name(ok), "{ok}");
        }
        for bad in ["", "1A", "A-B", "A.B", "A B", "A\nB", "A\x1b", "É"] {
            assert!(!is_secret_name(bad), "{bad:?}");
        }
    }
}
