//! Stage 2½, derive: values computed from other variables, resolved after the merge and
//! before validation, so the schema checks a derived value like any other.
//!
//! A layer writes one as a map with the single key `derive`:
//! `APP_UPSTREAM: { derive: "https://${CLOUD_RUN_SERVICE}-${GCP_PROJECT_NUMBER}.${GCP_REGION}.run.app" }`
//! (the same inline table in TOML). An explicit form rather than `${…}` inside any string:
//! a plain value may hold `$` (a password-like token, a shell snippet) and must never be
//! rewritten behind its author's back. References name top-level variables of the same
//! environment, after the merge; a secret can never be one (a derived value is plain, and
//! would carry the secret into every plain output and diff).

pub mod expr;

use std::collections::BTreeMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::merge::Merged;
use crate::node::{Kind, Node};
use crate::schema::Schema;
use crate::source::{SourceMap, Span};
use expr::Part;

/// The key that marks a derived value.
pub const KEY: &str = "derive";
/// How many derived values may build on each other in a chain.
pub const MAX_DEPTH: usize = 16;
/// Longest derived value, in bytes: bounds a chain that doubles its text at every step.
pub const MAX_VALUE: usize = 8192;

pub use crate::merge::Derivation;

/// The expression node of a value written `{ derive: … }`, if it is one.
pub fn marked(node: &Node) -> Option<&Node> {
    let map = node.as_map()?;
    (map.len() == 1)
        .then(|| map.get(KEY))
        .flatten()
        .map(|e| &e.node)
}

/// Every variable the derived values of `merged` refer to (before `derive` resolves them):
/// used, even when no template names them and whether or not they resolve.
pub fn references(merged: &Merged) -> Vec<String> {
    merged
        .vars
        .values()
        .filter_map(|e| match &marked(&e.node)?.kind {
            Kind::Str(text) => expr::parse(text).ok(),
            _ => None,
        })
        .flatten()
        .filter_map(|p| match p {
            Part::Ref(name, _) => Some(name),
            Part::Text(_) => None,
        })
        .collect()
}

/// Resolve every derived value of `merged` in place; findings for those that cannot be.
/// A value that fails keeps its `{ derive: … }` form: the caller stops before validation.
/// `sources`, when given, holds the layers' texts: a finding about one reference then points
/// at that reference rather than at the whole expression.
pub fn derive(
    merged: &mut Merged,
    schema: &Schema,
    sources: Option<&SourceMap>,
) -> Vec<Diagnostic> {
    let pending: BTreeMap<String, Node> = merged
        .vars
        .iter()
        .filter_map(|(k, e)| marked(&e.node).map(|n| (k.clone(), n.clone())))
        .collect();
    if pending.is_empty() {
        return Vec::new();
    }
    let mut r = Resolver {
        merged: &*merged,
        schema,
        sources,
        pending: &pending,
        done: BTreeMap::new(),
        depth: BTreeMap::new(),
        found: Vec::new(),
    };
    for name in pending.keys() {
        r.resolve(name, &mut Vec::new());
    }
    let (done, found) = (r.done, r.found);
    for (name, result) in done {
        let (Some((kind, derivation)), Some(entry)) = (result, merged.vars.get_mut(&name)) else {
            continue;
        };
        entry.node = Node {
            kind,
            span: derivation.at,
            overrides: std::mem::take(&mut entry.node.overrides),
        };
        merged.derived.insert(name, derivation);
    }
    found
}

/// `findings` without those about a derived value that did not resolve (it still holds its
/// `{ derive: … }` map, so the schema would call it the wrong type): the derive finding
/// already says what is wrong there, and the rest of the environment is still checked.
pub fn beside_failed(merged: &Merged, findings: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let failed: Vec<&String> = merged
        .vars
        .iter()
        .filter(|(_, e)| marked(&e.node).is_some())
        .map(|(k, _)| k)
        .collect();
    let about = |key: &str| {
        failed.iter().any(|f| {
            key.strip_prefix(f.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[', '/']))
        })
    };
    findings
        .into_iter()
        .filter(|d| !d.key.as_deref().is_some_and(about))
        .collect()
}

type Resolved = Option<(Kind, Derivation)>;

/// An expression's text with its references resolved, its inputs (name and where set), and
/// the last input's value.
type Built = (String, Vec<(String, Span)>, Option<Kind>);

struct Resolver<'a, 'p> {
    merged: &'a Merged<'p>,
    schema: &'a Schema,
    sources: Option<&'a SourceMap>,
    pending: &'a BTreeMap<String, Node>,
    /// Each derived value once resolved; `None` when it failed (reported once).
    done: BTreeMap<String, Resolved>,
    /// How many derived values each resolved one builds on, itself included: the bound
    /// holds whatever order the names are resolved in, not only along one recursion.
    depth: BTreeMap<String, usize>,
    found: Vec<Diagnostic>,
}

impl Resolver<'_, '_> {
    fn resolve(&mut self, name: &str, chain: &mut Vec<String>) -> Option<Kind> {
        if let Some(done) = self.done.get(name) {
            return done.as_ref().map(|(k, _)| k.clone());
        }
        let pending = self.pending;
        let node = &pending[name];
        let result = self.compute(name, node, chain);
        let kind = result.as_ref().map(|(k, _)| k.clone());
        self.done.insert(name.to_string(), result);
        kind
    }

    fn compute(&mut self, name: &str, node: &Node, chain: &mut Vec<String>) -> Resolved {
        let at = node.span;
        let Kind::Str(text) = &node.kind else {
            self.report(
                name,
                at,
                Code::DeriveSyntax,
                format!(
                    "`{name}`'s `derive` is a {}, not a string",
                    node.type_name()
                ),
                "write the expression as a string: `{ derive: \"https://${HOST}/x\" }`".into(),
            );
            return None;
        };
        let parts = match expr::parse(text) {
            Ok(p) => p,
            Err(why) => {
                self.report(
                    name,
                    at,
                    Code::DeriveSyntax,
                    format!("`{name}` is not a valid derived value: {why}"),
                    "references are `${NAME}`; write `$$` for a literal `$`".into(),
                );
                return None;
            }
        };
        if chain.len() >= MAX_DEPTH {
            return self.too_deep(name, at);
        }
        chain.push(name.to_string());
        let built = self.build(name, at, text, &parts, chain);
        chain.pop();
        let (out, inputs, value) = built?;
        let depth = 1 + inputs
            .iter()
            .filter_map(|(n, _)| self.depth.get(n))
            .max()
            .unwrap_or(&0);
        if depth > MAX_DEPTH {
            return self.too_deep(name, at);
        }
        self.depth.insert(name.to_string(), depth);
        let single = matches!(parts.as_slice(), [Part::Ref(..)]);
        if out.len() > MAX_VALUE {
            self.report(
                name,
                at,
                Code::DeriveTooLong,
                format!("`{name}` derives a value longer than {MAX_VALUE} bytes"),
                "a derived value is a URL or a name; look for references that repeat a long value"
                    .into(),
            );
            return None;
        }
        let kind = match value {
            Some(kind) if single => kind,
            _ => Kind::Str(out),
        };
        let derivation = Derivation {
            expression: text.clone(),
            at,
            inputs,
        };
        Some((kind, derivation))
    }

    fn too_deep(&mut self, name: &str, at: Span) -> Resolved {
        self.report(
            name,
            at,
            Code::DeriveDepth,
            format!("derived values build on each other more than {MAX_DEPTH} deep at `{name}`"),
            "refer to the variables the chain starts from instead".into(),
        );
        None
    }

    /// The text of `parts` with every reference resolved, the inputs, and the last input's
    /// value (the whole value when the expression is one reference).
    fn build(
        &mut self,
        name: &str,
        at: Span,
        text: &str,
        parts: &[Part],
        chain: &mut Vec<String>,
    ) -> Option<Built> {
        let single = matches!(parts, [Part::Ref(..)]);
        let mut out = String::new();
        let mut inputs: Vec<(String, Span)> = Vec::new();
        let mut value = None;
        for part in parts {
            let r = match part {
                Part::Text(t) => {
                    out.push_str(t);
                    continue;
                }
                Part::Ref(r, offset) => (r, self.narrow(at, text, *offset, r.len() + 3)),
            };
            let (r, at) = r;
            let kind = self.input(name, at, r, chain)?;
            if let Some(entry) = self.merged.vars.get(r)
                && !inputs.iter().any(|(n, _)| n == r)
            {
                inputs.push((r.clone(), entry.key_span));
            }
            match (&kind, single) {
                (Kind::Str(s), _) => out.push_str(s),
                (Kind::Int(i), _) => out.push_str(&i.to_string()),
                (Kind::Float(f), _) => out.push_str(&f.to_string()),
                (Kind::Bool(b), _) => out.push_str(&b.to_string()),
                (Kind::List(_) | Kind::Map(_), true) => {}
                _ => {
                    self.report(name, at, Code::DeriveType, format!("`{name}` interpolates `{r}`, which is a {}", type_of(&kind)), format!("only strings, numbers and booleans can be placed in text; `{{ derive: \"${{{r}}}\" }}` alone copies `{r}` whole"));
                    return None;
                }
            }
            if out.len() > MAX_VALUE {
                break; // reported by the caller; stop copying
            }
            value = Some(kind);
        }
        Some((out, inputs, value))
    }

    /// The value of the variable `r` that `name` refers to, or `None` with a finding.
    fn input(&mut self, name: &str, at: Span, r: &str, chain: &mut Vec<String>) -> Option<Kind> {
        if self.schema.secrets.contains(r) || self.merged.secret_names.contains_key(r) {
            self.report(
                name,
                at,
                Code::DeriveSecret,
                format!(
                    "`{name}` refers to the secret `{r}`: a secret is never placed in a plain value"
                ),
                format!("use `{r}` in a template of an output declared `secrets = true` instead"),
            );
            return None;
        }
        if let Some(pos) = chain.iter().position(|c| c == r) {
            let mut cycle: Vec<&str> = chain[pos..].iter().map(String::as_str).collect();
            cycle.push(r);
            let cycle = cycle.join(" → ");
            self.report(
                name,
                at,
                Code::DeriveCycle,
                format!("derived values refer to each other in a cycle: {cycle}"),
                "give one of them a plain value".into(),
            );
            return None;
        }
        if self.pending.contains_key(r) {
            // `None`: reported where it failed.
            return self.resolve(r, chain);
        }
        match self.merged.vars.get(r) {
            Some(entry) if !matches!(entry.node.kind, Kind::Null | Kind::Unset) => {
                Some(entry.node.kind.clone())
            }
            _ => {
                let help = if self.schema.variables.contains(r) {
                    format!(
                        "`{r}` is declared but not set in `{}`: set it in one of its layers",
                        self.merged.env.name
                    )
                } else if let Some(s) = self.schema.suggest(r) {
                    format!("did you mean `{s}`?")
                } else {
                    "refer to a variable the schema declares".into()
                };
                self.report(
                    name,
                    at,
                    Code::DeriveUnknown,
                    format!("`{name}` refers to `{r}`, which has no value here"),
                    help,
                );
                None
            }
        }
    }

    /// The span of the `len` bytes at `offset` in the expression `text` written at `at`,
    /// when the file holds the expression as is (plain or quoted, no escapes); else `at`.
    fn narrow(&self, at: Span, text: &str, offset: usize, len: usize) -> Span {
        let Some(sources) = self.sources else {
            return at;
        };
        let (start, end) = (at.start as usize, at.end as usize);
        // A scalar in a flow map may carry the blank before its `}`.
        let Some(raw) = sources.get(at.file).text.get(start..end).map(str::trim_end) else {
            return at;
        };
        let quoted = raw.len() == text.len() + 2 && raw.get(1..raw.len() - 1) == Some(text);
        let inner = match () {
            _ if raw == text => 0,
            _ if quoted => 1,
            _ => return at,
        };
        Span::new(
            at.file,
            start + inner + offset,
            start + inner + offset + len,
        )
    }

    fn report(&mut self, name: &str, at: Span, code: Code, message: String, help: String) {
        self.found.push(
            Diagnostic::new(code, message)
                .at(at)
                .label("in this derived value")
                .key(name)
                .env(&self.merged.env.name)
                .help(help),
        );
    }
}

fn type_of(kind: &Kind) -> &'static str {
    Node::new(kind.clone(), Span::new(crate::source::FileId(0), 0, 0)).type_name()
}
