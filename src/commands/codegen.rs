//! `cfgc codegen LANGUAGE [--out FILE]`: the app's configuration loader, generated from the
//! schema and cfgc.toml (`crate::codegen`), on stdout or into FILE. A file inside the
//! project is written as outputs are (atomically, never over an input); declare it as an
//! output (`generate = "LANGUAGE"`) to have `plan`, `apply` and `docs` keep it current.

use std::path::Path;

use super::{emit, out, say};
use crate::cli::Config;
use crate::diagnostic::{Code, Diagnostic};
use crate::exit::Outcome;
use crate::fs::{ProjectFs, Purpose, RelPath};
use crate::pipeline;
use crate::project::Language;

pub fn run(config: &Config, language: Language, to: Option<&Path>) -> Outcome {
    let (text, fs) = match pipeline::generate(config, language) {
        Ok(generated) => generated,
        Err(stopped) => return emit(&stopped.errors, &stopped.sources, config.color_err),
    };
    let Some(to) = to else {
        out(&text);
        return Outcome::OK;
    };
    match write(&fs, to, &text) {
        Ok(()) => {
            say(config, &format!("wrote {}\n", to.display()));
            Outcome::OK
        }
        Err(d) => emit(&[d], &Default::default(), config.color_err),
    }
}

/// Inside the project: through the project filesystem, as an output. Elsewhere: a file the
/// user named outside any project, written with std::fs (as `cfgc man --out`).
fn write(fs: &ProjectFs, to: &Path, text: &str) -> Result<(), Diagnostic> {
    let root = fs
        .root()
        .canonicalize()
        .unwrap_or_else(|_| fs.root().to_path_buf());
    let target = std::path::absolute(to).map_err(|e| io(to, &e))?;
    let parent = target.parent().and_then(|p| p.canonicalize().ok());
    let inside = parent.as_ref().and_then(|p| p.strip_prefix(&root).ok());
    match (inside, target.file_name()) {
        (Some(dir), Some(name)) => {
            let rel = RelPath::parse(&dir.join(name).to_string_lossy()).map_err(|e| {
                Diagnostic::new(
                    Code::FileRefused,
                    format!("cannot write `{}`: {e}", to.display()),
                )
                .help(e.help())
            })?;
            fs.write_atomic(&rel, text.as_bytes(), 0o644, Purpose::Output)
                .map_err(|e| e.diagnostic())
        }
        _ => std::fs::write(&target, text).map_err(|e| io(to, &e)),
    }
}

fn io(to: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::new(Code::Io, format!("cannot write `{}`: {e}", to.display()))
}
