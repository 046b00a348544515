//! `secrets edit` on a terminal reopens the editor when the saved copy is refused (a YAML
//! error, an unknown name, a value the schema refuses), with the error as comments at the
//! top, as sops, `kubectl edit` and visudo do, so an edit is not lost to a typo. The
//! comments say what and where, never a value: the source lines are redacted.
//!
//! Quitting: the editor exiting non-zero (vim's `:cq`), or saving the copy unchanged from
//! what was shown, or empty. Without a terminal, the first error ends the run, as before.

use std::io::IsTerminal;

use zeroize::Zeroizing;

use super::context::Context;
use crate::diagnostic::Diagnostic;
use crate::source::SourceMap;

const HEADER_START: &str = "# cfgc: this copy was NOT saved.";
const HEADER_END: &str = "# cfgc: end of errors\n";

/// Why a saved copy was refused: the diagnostics, and the sources they point into (the
/// redacted copy for a YAML error, the project's otherwise).
pub struct Refused {
    pub diagnostics: Vec<Diagnostic>,
    pub sources: Option<SourceMap>,
}

impl Refused {
    fn sources<'a>(&'a self, ctx: &'a Context) -> &'a SourceMap {
        self.sources.as_ref().unwrap_or(&ctx.sources)
    }

    /// The diagnostics on stderr; the exit code is that of the worst of them.
    pub fn report(&self, ctx: &Context) -> crate::commands::Outcome {
        let sources = self.sources(ctx);
        let sorted = crate::diagnostic::dedupe_and_sort(
            self.diagnostics.clone(),
            crate::report::order(sources),
        );
        crate::commands::err(&crate::diagnostic::human::render(
            &sorted,
            sources,
            &[],
            ctx.color,
        ));
        crate::commands::Outcome::of(&self.diagnostics)
    }

    /// The diagnostics as `#` comment lines for the top of the reopened copy.
    fn header(&self, ctx: &Context) -> String {
        let sources = self.sources(ctx);
        // Notes for the end of a run ("nothing was changed") would mislead here.
        let shown: Vec<Diagnostic> = self
            .diagnostics
            .iter()
            .cloned()
            .map(|mut d| {
                d.notes.retain(|n| !n.starts_with("nothing was changed"));
                d
            })
            .collect();
        let text = crate::diagnostic::human::render(&shown, sources, &[], false);
        let mut out = format!(
            "{HEADER_START} Fix what is below, save and quit to try again.\n\
             # To give up (nothing is changed): quit without saving, save it empty, or make\n\
             # the editor exit with an error (vim: :cq). Line numbers count from the line\n\
             # after `{}`.\n#\n",
            HEADER_END.trim_end()
        );
        for line in text.lines() {
            out.push('#');
            if !line.is_empty() {
                out.push(' ');
                out.push_str(line);
            }
            out.push('\n');
        }
        out.push_str(HEADER_END);
        out
    }
}

/// Whether a refused copy can be offered again: someone is at a terminal to fix it.
pub fn can_reopen() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Open `text` in the editor until `validate` accepts the saved copy, or the user quits
/// (then the last refusal is reported and ends the run). `edit` runs the editor once on
/// a text and returns what was saved, or `None` when the user quit through the editor.
pub fn until_valid<T>(
    ctx: &Context,
    text: Zeroizing<String>,
    mut edit: impl FnMut(&str) -> Result<Zeroizing<String>, crate::commands::Outcome>,
    validate: impl Fn(&str) -> Result<T, Refused>,
) -> Result<T, crate::commands::Outcome> {
    let mut shown = text;
    let mut first = true;
    loop {
        let saved = edit(&shown)?;
        // Without the header, so line numbers are the same on every round.
        let refused = match validate(strip_header(&saved)) {
            Ok(value) => return Ok(value),
            Err(refused) => refused,
        };
        let gave_up = saved.trim().is_empty() || (!first && *saved == *shown);
        if gave_up || !can_reopen() {
            return Err(refused.report(ctx));
        }
        first = false;
        let body = strip_header(&saved);
        shown = Zeroizing::new(format!("{}{body}", refused.header(ctx)));
    }
}

/// The saved copy without the header an earlier round put there, so headers do not pile up.
fn strip_header(text: &str) -> &str {
    match text.split_once(HEADER_END) {
        Some((_, body)) if text.starts_with(HEADER_START) => body,
        _ => text,
    }
}
