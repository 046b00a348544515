//! A minijinja error as a finding on the template line: which code it is, what it says and
//! where it points, never a value from the context.

use minijinja::{Error, ErrorKind};

use super::engine::{RECURSION_LIMIT, Refusal};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Source, Span};

/// Where in the template a minijinja error happened: its range, else its line.
pub(super) fn error_span(e: &Error, id: FileId, src: &Source) -> Span {
    match (e.range(), e.line()) {
        (Some(r), _) if r.end <= src.text.len() => Span::new(id, r.start, r.end),
        (_, Some(line)) => {
            let r = src.line_range(line);
            Span::new(id, r.start, r.end)
        }
        _ => Span::new(id, 0, 0),
    }
}

/// The variables that hold a refused value, unless that is only the expression itself
/// (`{{ JWT_SECRET }}` needs no note).
fn held_by(refusal: Option<&Refusal>, expr: &str) -> Option<String> {
    let names = &refusal?.holders;
    if names.is_empty() || (names.len() == 1 && names[0] == expr) {
        return None;
    }
    let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    Some(format!("the value of {}", names.join(", ")))
}

/// A minijinja error as a finding on the template line, naming the
/// expression; never the values in the context. `compiling`: the error came from
/// compiling the template, so its detail can only quote the template's own text.
pub(super) fn template_error(
    e: &Error,
    name: &str,
    id: FileId,
    src: &Source,
    compiling: bool,
) -> Diagnostic {
    let span = error_span(e, id, src);
    let expr = src.text[span.start as usize..span.end as usize]
        .trim()
        .to_string();
    let refusal = Refusal::of(e);
    let held_by = held_by(refusal, &expr);
    let (code, message, label) = classify(e, name, &expr, refusal, compiling);
    // A refused value held by a loop variable is named by what holds it (`JWT_SECRET`),
    // not by the loop variable (`value`), which tells the user nothing.
    let (message, held_by) = match held_by {
        Some(holders) if code == Code::TemplateEscape => {
            (format!("cannot place {holders} safely in `{name}`"), None)
        }
        held_by => (message, held_by),
    };
    let d = match held_by {
        _ if !matches!(code, Code::TemplateEscape | Code::TemplateUndefined) => {
            Diagnostic::new(code, message)
        }
        Some(note) => Diagnostic::new(code, message).note(note),
        None => Diagnostic::new(code, message),
    };
    let d = match code {
        Code::TemplateFuel => d.help("cfgc bounds each render: look for nested loops over large ranges, or a string or list that grows in a loop"),
        Code::TemplateRecursion => d.help("look for a macro that calls itself without end, or templates that include each other"),
        _ => d,
    };
    let d = d.at(span).label(if label.is_empty() {
        "here".to_string()
    } else {
        label
    });
    match key_of(&expr) {
        Some(key) => d.key(key),
        None => d,
    }
}

/// The finding `e` is: its code, its message and the label at the template line.
fn classify(
    e: &Error,
    name: &str,
    expr: &str,
    refusal: Option<&Refusal>,
    compiling: bool,
) -> (Code, String, String) {
    // Only the detail of a syntax error (which quotes the template) or of cfgc's own
    // escaping (which names a character class) is shown: any other detail may quote a value
    // from the context, a secret included (`{% include JWT_SECRET %}` names the template it
    // did not find).
    let detail = e.detail().unwrap_or("");
    match e.kind() {
        ErrorKind::SyntaxError if !compiling => (
            Code::Template,
            format!("cannot render `{name}`: {}", e.kind()),
            "here".to_string(),
        ),
        ErrorKind::OutOfFuel => (
            Code::TemplateFuel,
            format!("`{name}` does more work than one render may: it ran out of fuel"),
            "still running here".to_string(),
        ),
        // minijinja's own fixed text, never a value.
        ErrorKind::InvalidOperation if detail == "recursion limit exceeded" => (
            Code::TemplateRecursion,
            format!("`{name}` nests macros, includes or blocks too deeply"),
            format!("deeper than {RECURSION_LIMIT} levels here"),
        ),
        ErrorKind::UndefinedError => (
            Code::TemplateUndefined,
            format!("undefined variable `{expr}` in `{name}`"),
            "here".to_string(),
        ),
        ErrorKind::SyntaxError => (
            Code::TemplateSyntax,
            format!("template syntax error in `{name}`: {detail}"),
            detail.to_string(),
        ),
        _ if let Some(refusal) = refusal => (
            Code::TemplateEscape,
            format!("cannot place `{expr}` safely in `{name}`"),
            refusal.reason.clone(),
        ),
        ErrorKind::TemplateNotFound => (
            Code::Template,
            format!(
                "cannot render `{name}`: a template it includes, imports or extends is not one of the project's"
            ),
            "here".to_string(),
        ),
        kind => (
            Code::Template,
            format!("cannot render `{name}`: {kind}"),
            "here".to_string(),
        ),
    }
}

/// The variable an expression starts with (`DB` in `DB.host | upper`), if it starts with one.
fn key_of(expr: &str) -> Option<String> {
    let key = expr.split(['.', '[', '|', ' ']).next().unwrap_or("");
    (!key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then(|| key.to_string())
}
