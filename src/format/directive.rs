//! A file read as its consumer reads it, as a tree of directives: a name, its arguments
//! (quotes and escapes resolved) and, for a block, the directives inside. A room whose files
//! have this shape hands it to cfgc.toml's directive rules ([`super::Room::directives`]), which
//! then judge what the consumer means, never the text.

use std::ops::Range;

/// One directive: `name args…;` or `name args… { … }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub name: String,
    pub args: Vec<String>,
    /// Bytes of the rendered text from the name to the `;` or `{` that ends it.
    pub span: Range<usize>,
    /// The directives inside its block, for a block directive.
    pub block: Option<Vec<Directive>>,
}

impl Directive {
    /// This directive and every directive nested in its block, depth first, in file order.
    pub fn walk(&self) -> Vec<&Directive> {
        let mut out = vec![self];
        if let Some(children) = &self.block {
            out.extend(children.iter().flat_map(Directive::walk));
        }
        out
    }
}

/// Every directive of `directives` and of the blocks under them, in file order.
pub fn walk(directives: &[Directive]) -> Vec<&Directive> {
    directives.iter().flat_map(Directive::walk).collect()
}

/// How a room reads a rendered file (one that parses back) into its directives, as its
/// consumer means them.
pub type ReadDirectives = fn(&str) -> Result<Vec<Directive>, super::SyntaxError>;
