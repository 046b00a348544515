//! The read matcher: the token sequences that read an environment variable, per language,
//! and the fallback literal a read may have. Only a name written as a literal counts: a
//! read of a computed name (`process.env[key]`) names no variable.

use std::ops::Range;

use super::token::{Kind, Token};

/// One read of an environment variable in the app's code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Read {
    pub name: String,
    /// Where the name is written.
    pub at: Range<usize>,
    /// The literal the read falls back to when the variable is unset, if any.
    pub fallback: Option<Range<usize>>,
}

/// Links of a method chain followed after a Rust read (`.ok().map(…).unwrap_or(…)`).
const MAX_CHAIN: usize = 8;

/// The tokens of one file, with the text they point into.
struct Seq<'a> {
    text: &'a str,
    tokens: &'a [Token],
}

impl Seq<'_> {
    fn is(&self, i: usize, s: &str) -> bool {
        self.tokens
            .get(i)
            .is_some_and(|t| t.kind != Kind::Str && &self.text[t.span.clone()] == s)
    }

    fn after_dot(&self, i: usize) -> bool {
        i > 0 && (self.is(i - 1, ".") || self.is(i - 1, "?."))
    }

    /// A name written as a name (`process.env.NAME`).
    fn ident(&self, i: usize) -> Option<(String, Range<usize>)> {
        let t = self.tokens.get(i).filter(|t| t.kind == Kind::Ident)?;
        let name = &self.text[t.span.clone()];
        is_name(name).then(|| (name.to_string(), t.span.clone()))
    }

    /// A name written as a string (`os.getenv("NAME")`).
    fn string(&self, i: usize) -> Option<(String, Range<usize>)> {
        let t = self.tokens.get(i).filter(|t| t.kind == Kind::Str)?;
        let name = &self.text[t.inner.clone()];
        is_name(name).then(|| (name.to_string(), t.span.clone()))
    }

    /// A string or number literal (a negative number too).
    fn literal(&self, i: usize) -> Option<Range<usize>> {
        let t = self.tokens.get(i)?;
        match t.kind {
            Kind::Str | Kind::Number => Some(t.span.clone()),
            _ if self.is(i, "-") => self
                .tokens
                .get(i + 1)
                .filter(|n| n.kind == Kind::Number)
                .map(|n| t.span.start..n.span.end),
            _ => None,
        }
    }

    /// For each closing bracket `close`, the index of the `open` it closes.
    fn openers(&self, open: &str, close: &str) -> Vec<Option<usize>> {
        let mut stack = Vec::new();
        let mut of = vec![None; self.tokens.len()];
        for (i, opener) in of.iter_mut().enumerate() {
            if self.is(i, open) {
                stack.push(i);
            } else if self.is(i, close) {
                *opener = stack.pop();
            }
        }
        of
    }
}

/// An environment variable's name: a letter or `_`, then letters, digits or `_`.
fn is_name(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// `process.env.X`, `process.env["X"]`, `import.meta.env.X`, `Deno.env.get("X")`, and
/// names destructured from `process.env` or `import.meta.env`; a fallback after `??` or
/// `||`, or as a destructured name's default.
pub fn js(text: &str, tokens: &[Token]) -> Vec<Read> {
    let s = Seq { text, tokens };
    let mut reads = Vec::new();
    let mut openers = None;
    for i in 0..tokens.len() {
        if s.after_dot(i) {
            continue;
        }
        let deno = ["Deno", ".", "env", ".", "get", "("];
        if deno.iter().enumerate().all(|(k, w)| s.is(i + k, w))
            && s.is(i + 7, ")")
            && let Some((name, at)) = s.string(i + 6)
        {
            let fallback = js_fallback(&s, i + 8);
            reads.push(Read { name, at, fallback });
            continue;
        }
        let Some(end) = js_env(&s, i) else { continue };
        if let Some((name, at, next)) = js_member(&s, end) {
            let fallback = js_fallback(&s, next);
            reads.push(Read { name, at, fallback });
        } else if i >= 2 && s.is(i - 1, "=") && s.is(i - 2, "}") {
            let openers = openers.get_or_insert_with(|| s.openers("{", "}"));
            if let Some(open) = openers[i - 2] {
                destructured(&s, open + 1..i - 2, &mut reads);
            }
        }
    }
    reads
}

/// `process.env` or `import.meta.env` at `i`: the index after it.
fn js_env(s: &Seq, i: usize) -> Option<usize> {
    if s.is(i, "process") && s.is(i + 1, ".") && s.is(i + 2, "env") {
        return Some(i + 3);
    }
    let meta = ["import", ".", "meta", ".", "env"];
    meta.iter()
        .enumerate()
        .all(|(k, w)| s.is(i + k, w))
        .then_some(i + 5)
}

/// `.X`, `?.X`, `["X"]` or `?.["X"]` at `j`: the name, where it is, the index after.
fn js_member(s: &Seq, j: usize) -> Option<(String, Range<usize>, usize)> {
    if (s.is(j, ".") || s.is(j, "?."))
        && let Some((name, at)) = s.ident(j + 1)
    {
        return Some((name, at, j + 2));
    }
    let j = if s.is(j, "?.") { j + 1 } else { j };
    if s.is(j, "[") && s.is(j + 2, "]") {
        let (name, at) = s.string(j + 1)?;
        return Some((name, at, j + 3));
    }
    None
}

/// `?? "x"` or `|| "x"` at `k`, after any TypeScript non-null `!`.
fn js_fallback(s: &Seq, mut k: usize) -> Option<Range<usize>> {
    while s.is(k, "!") {
        k += 1;
    }
    (s.is(k, "??") || s.is(k, "||"))
        .then(|| s.literal(k + 1))
        .flatten()
}

/// The entries of `{ X, Y: y, "Z": z, W = "d", ...rest }` in `range`.
fn destructured(s: &Seq, range: Range<usize>, reads: &mut Vec<Read>) {
    let mut depth = 0usize;
    let mut entry = range.start;
    for i in range.start..=range.end {
        if i < range.end && !(depth == 0 && s.is(i, ",")) {
            if ["{", "[", "("].iter().any(|o| s.is(i, o)) {
                depth += 1;
            } else if ["}", "]", ")"].iter().any(|c| s.is(i, c)) {
                depth = depth.saturating_sub(1);
            }
            continue;
        }
        if let Some((name, at)) = s.ident(entry).or_else(|| s.string(entry)) {
            let default = (entry..i).find(|&k| s.is(k, "="));
            let fallback = default.and_then(|k| s.literal(k + 1));
            reads.push(Read { name, at, fallback });
        }
        entry = i + 1;
    }
}

/// `os.environ["X"]`, `os.environ.get("X"[, default])`, `os.getenv("X"[, default])`; a
/// fallback as the default (`default=` too) or after `or`.
pub fn python(text: &str, tokens: &[Token]) -> Vec<Read> {
    let s = Seq { text, tokens };
    let mut reads = Vec::new();
    for i in 0..tokens.len() {
        if s.after_dot(i) || !s.is(i, "os") || !s.is(i + 1, ".") {
            continue;
        }
        let environ = s.is(i + 2, "environ");
        if environ && s.is(i + 3, "[") && s.is(i + 5, "]") {
            if let Some((name, at)) = s.string(i + 4) {
                reads.push(Read {
                    name,
                    at,
                    fallback: None,
                });
            }
            continue;
        }
        let call = if environ && s.is(i + 3, ".") && s.is(i + 4, "get") && s.is(i + 5, "(") {
            i + 6
        } else if s.is(i + 2, "getenv") && s.is(i + 3, "(") {
            i + 4
        } else {
            continue;
        };
        if let Some((name, at)) = s.string(call) {
            let fallback = python_fallback(&s, call + 1);
            reads.push(Read { name, at, fallback });
        }
    }
    reads
}

/// After a call's name argument at `j`: `, "d")`, `, default="d")`, or `) or "d"`.
fn python_fallback(s: &Seq, j: usize) -> Option<Range<usize>> {
    if s.is(j, ")") {
        return s.is(j + 1, "or").then(|| s.literal(j + 2)).flatten();
    }
    if !s.is(j, ",") {
        return None;
    }
    let k = if s.is(j + 1, "default") && s.is(j + 2, "=") {
        j + 3
    } else {
        j + 1
    };
    s.literal(k)
}

/// `env::var("X")` and `env::var_os("X")` (after `std::` or `::std::` or alone); a
/// fallback in the method chain after it: `.unwrap_or(lit)`, `.unwrap_or_else(|_| lit)`
/// (`String::from(lit)` too), `.unwrap_or_default()`.
pub fn rust(text: &str, tokens: &[Token]) -> Vec<Read> {
    let s = Seq { text, tokens };
    let mut reads = Vec::new();
    let mut openers = None;
    for i in 0..tokens.len() {
        let var = s.is(i + 2, "var") || s.is(i + 2, "var_os");
        if s.after_dot(i) || !s.is(i, "env") || !s.is(i + 1, "::") || !var {
            continue;
        }
        if !s.is(i + 3, "(") || !s.is(i + 5, ")") {
            continue;
        }
        if let Some((name, at)) = s.string(i + 4) {
            let openers = openers.get_or_insert_with(|| closers(&s));
            let fallback = rust_fallback(&s, openers, i + 6);
            reads.push(Read { name, at, fallback });
        }
    }
    reads
}

/// For each `(`, the index of the `)` that closes it.
fn closers(s: &Seq) -> Vec<Option<usize>> {
    let mut of = vec![None; s.tokens.len()];
    for (close, open) in s.openers("(", ")").into_iter().enumerate() {
        if let Some(open) = open {
            of[open] = Some(close);
        }
    }
    of
}

fn rust_fallback(s: &Seq, closers: &[Option<usize>], mut j: usize) -> Option<Range<usize>> {
    for _ in 0..MAX_CHAIN {
        if !s.is(j, ".") || !s.is(j + 2, "(") {
            return None;
        }
        let method = s.ident(j + 1)?.0;
        match method.as_str() {
            "unwrap_or_default" => return Some(s.tokens[j + 1].span.clone()),
            "unwrap_or" | "unwrap_or_else" => return rust_default(s, j + 3),
            _ => j = closers[j + 2]? + 1,
        }
    }
    None
}

/// The argument of `unwrap_or` / `unwrap_or_else` at `k`: a literal, after a closure's
/// parameters if any, or `String::from(literal)`.
fn rust_default(s: &Seq, mut k: usize) -> Option<Range<usize>> {
    if s.is(k, "||") {
        k += 1;
    } else if s.is(k, "|") {
        k += (k + 1..s.tokens.len().min(k + 16)).find(|&e| s.is(e, "|"))? - k + 1;
    }
    if s.is(k, "String") && s.is(k + 1, "::") && s.is(k + 2, "from") && s.is(k + 3, "(") {
        k += 4;
    }
    s.literal(k)
}
