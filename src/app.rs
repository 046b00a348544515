//! The app's code, read for the environment variables it uses (`check --app DIR`): its
//! source files found through the project filesystem, each read by a tokenizer that
//! knows its language (comments, strings, template literals and regex literals are not
//! code), then matched for reads (`reads`).
//!
//! Tokenizers rather than a parser: oxc or swc would read JavaScript and TypeScript
//! exactly, but cost a cold build minutes (the README's first command, every CI run),
//! and a read is a few tokens in a row. What cannot be read is an error, never a file
//! read halfway: a too-large file, a literal that does not end, nesting past the bounds.

mod js;
mod python;
pub mod reads;
mod rust;
pub mod token;

#[cfg(test)]
mod tests;

use crate::diagnostic::{Code, Diagnostic};
use crate::fs::{ProjectFs, RelPath, Role, Walk, WalkError, Why};
use crate::source::{FileId, Source, SourceMap, Span};
pub use reads::Read;
pub use token::LexError;

/// Folders never entered: dependencies, build output, version control.
pub const SKIPPED: &[&str] = &["node_modules", "dist", "build", "target", ".git"];
/// Source files read, at most; entries looked at, at most; folders deep, at most.
pub const MAX_FILES: usize = 5_000;
pub const MAX_ENTRIES: usize = 50_000;
pub const MAX_DEPTH: usize = 32;

/// The languages cfgc reads, by file extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// JavaScript or TypeScript; `jsx`: `.jsx` or `.tsx`.
    Js {
        jsx: bool,
    },
    Python,
    Rust,
}

impl Lang {
    pub fn of(file_name: &str) -> Option<Lang> {
        let (_, ext) = file_name.rsplit_once('.')?;
        Some(match ext {
            "js" | "mjs" | "cjs" | "ts" | "mts" | "cts" => Lang::Js { jsx: false },
            "jsx" | "tsx" => Lang::Js { jsx: true },
            "py" => Lang::Python,
            "rs" => Lang::Rust,
            _ => return None,
        })
    }
}

/// Every read of an environment variable in `text`, a file of `lang`.
pub fn reads_in(text: &str, lang: Lang) -> Result<Vec<Read>, LexError> {
    Ok(match lang {
        Lang::Js { jsx } => reads::js(text, &js::tokenize(text, jsx)?),
        Lang::Python => reads::python(text, &python::tokenize(text)?),
        Lang::Rust => reads::rust(text, &rust::tokenize(text)?),
    })
}

/// One source file's reads; the file is in the run's `SourceMap` when it has any.
pub struct AppFile {
    pub file: FileId,
    pub reads: Vec<Read>,
}

/// What `check --app` read: the folder (`.` for the project folder itself), and every
/// file of it that reads.
pub struct App {
    pub dir: String,
    pub files: Vec<AppFile>,
    /// Source files read, reads or not.
    pub read: usize,
}

/// The app's source files under `dir` (relative to the project root) read for their
/// reads; every file that cannot be read is an error, all of them reported.
pub fn read(fs: &ProjectFs, dir: &str, sources: &mut SourceMap) -> Result<App, Vec<Diagnostic>> {
    // `.` (or `./`): the project folder itself, the app at the repository's root.
    let dir = match dir.trim_end_matches('/') {
        "." => None,
        _ => Some(RelPath::parse(dir).map_err(|e| {
            vec![
                Diagnostic::new(Code::AppDir, format!("cannot read the app at `{dir}`: {e}"))
                    .help(Code::AppDir.help()),
            ]
        })?),
    };
    let walk = Walk {
        skip_folder: &|name| SKIPPED.contains(&name),
        keep_file: &|name| Lang::of(name).is_some(),
        max_depth: MAX_DEPTH,
        max_entries: MAX_ENTRIES,
        max_files: MAX_FILES,
    };
    let shown = dir.as_ref().map_or(".".to_string(), RelPath::to_string);
    let paths = fs
        .walk(dir.as_ref(), &walk)
        .map_err(|e| vec![walk_error(&shown, e)])?;
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let read = paths.len();
    for rel in paths {
        match read_file(fs, &rel, sources) {
            Ok(Some(file)) => files.push(file),
            Ok(None) => {}
            Err(d) => errors.push(d),
        }
    }
    match errors.is_empty() {
        true => Ok(App {
            dir: shown,
            files,
            read,
        }),
        false => Err(errors),
    }
}

/// One source file: its reads, or why it cannot be read; `None` when it reads nothing.
fn read_file(
    fs: &ProjectFs,
    rel: &RelPath,
    sources: &mut SourceMap,
) -> Result<Option<AppFile>, Diagnostic> {
    let lang = Lang::of(rel.file_name()).expect("the walk keeps only files of a language");
    let text = match fs.read_to_string(rel, Role::App) {
        Ok(Ok(text)) => text,
        Ok(Err(e)) => {
            let at = e.utf8_error().valid_up_to();
            return Err(Diagnostic::new(
                Code::InvalidUtf8,
                format!("the app's source file `{rel}` is not UTF-8 (byte {at})"),
            ));
        }
        Err(e) if matches!(e.why, Why::TooLarge { .. }) => {
            return Err(e.diagnostic().help(
                "a source file this large is bundled or generated code: move it into a folder cfgc skips (`dist/`, `build/`), or out of the app's folder",
            ));
        }
        Err(e) => return Err(e.diagnostic()),
    };
    let result = reads_in(&text, lang);
    if matches!(&result, Ok(reads) if reads.is_empty()) {
        return Ok(None);
    }
    let file = sources.add(Source::new(rel.to_string(), fs.abs(rel), text));
    match result {
        Ok(reads) => Ok(Some(AppFile { file, reads })),
        Err(e) => Err(lex_error(rel, file, e)),
    }
}

fn lex_error(rel: &RelPath, file: FileId, e: LexError) -> Diagnostic {
    let what = match rel.file_name().rsplit_once('.').map(|(_, ext)| ext) {
        Some("py") => "Python",
        Some("rs") => "Rust",
        _ => "JavaScript or TypeScript",
    };
    Diagnostic::new(
        Code::AppSyntax,
        format!("cannot read `{rel}` as {what}: {}", e.why),
    )
    .at(Span::new(file, e.at, e.at + 1))
    .label("from here")
}

fn walk_error(dir: &str, e: WalkError) -> Diagnostic {
    match e {
        WalkError::Fs(e) if e.is_not_found() => Diagnostic::new(
            Code::AppDir,
            format!("cannot read the app at `{dir}`: no such folder in the project"),
        ),
        WalkError::Fs(e) => e
            .diagnostic()
            .note(format!("reading the app's folder `{dir}`")),
        WalkError::Bound { at, what, limit } => Diagnostic::new(
            Code::AppTooLarge,
            format!("the app's folder `{dir}` has more than {limit} {what} (at `{at}`)"),
        ),
    }
}
