//! The output formats, one room each: a module per format owns how a value is escaped for
//! its value position, how a rendered file is parsed back and checked, which part of a line
//! may be shown when the rest depends on a secret, the template filters the format brings,
//! and, for a format made of directives, how directive rules read its files. Adding a format
//! is one new module and one entry in [`ALL`]: the template environment, the project's
//! format names, the fuzz targets and the README's format table all iterate over it.
//!
//! A template interpolation lands in "the value position" of its file: a YAML scalar, an nginx
//! directive argument, the text after `KEY=` in a `.env` file, a JSON value. Each room turns one
//! value into text that a real consumer reads back as exactly that value, or refuses with an
//! [`EscapeError`] saying why and what to do. Refusing is the safe answer whenever a consumer
//! has no way to carry the value: a silently altered secret or an injected directive is worse
//! than a failed render.

pub mod cloudbuild;
pub mod directive;
pub mod dotenv;
pub mod json;
pub mod kubernetes;
pub mod nginx;
mod round_trip;
pub mod text;
pub mod yaml;

use serde_json::Value;

pub use directive::{Directive, ReadDirectives};

/// What one output format knows. Implemented once per format, by a unit struct in its module.
pub trait Room: Sync {
    /// The name used in `cfgc.toml` and in messages.
    fn name(&self) -> &'static str;

    /// What files the format is for, in a few words: its row in the README's format table.
    fn summary(&self) -> &'static str;

    /// One interpolated value as text for the format's value position, or why it cannot be
    /// placed safely.
    fn escape(&self, value: &Value) -> Result<String, EscapeError>;

    /// [`Room::escape`] of a string, without building a JSON value: nearly every
    /// interpolation is one. A room overrides it only with what its `escape` does for a
    /// string (`every_room_escapes_a_str_as_the_string_value` holds them to that).
    fn escape_str(&self, text: &str) -> Result<String, EscapeError> {
        self.escape(&Value::String(text.to_string()))
    }

    /// What a consumer of the format makes of a rendered file: `Ok`, or where it stops.
    fn parse_back(&self, text: &str) -> Result<(), SyntaxError>;

    /// What the consumer would refuse beyond syntax (Cloud Build: a secret not declared,
    /// a substitution not defined), on a file that parses back. Most formats have nothing.
    fn check(&self, _text: &str) -> Vec<SyntaxError> {
        Vec::new()
    }

    /// The start of `line` that says what the line sets (`KEY=`, `  key: `, `ssl_ciphers `),
    /// shown in place of the whole line when the rest depends on a secret. The masker keeps
    /// it only when it is the same with every stand-in for the secrets, so a room may be
    /// generous here without leaking.
    fn mask_prefix<'a>(&self, line: &'a str) -> &'a str;

    /// The template filters the format brings (`{{ pairs | gcloud_dict }}`), by name. Every
    /// room's filters are registered in the one template environment, so a name names one
    /// filter across all rooms (`filter_names_are_unique`).
    fn filters(&self) -> &'static [(&'static str, Filter)] {
        &[]
    }

    /// How cfgc.toml's directive rules (`[[policies.directives]]`) read the format's files:
    /// as the consumer means them, a tree of directives. `None` for a format not made of
    /// directives; a policy with directive rules may then not apply to its outputs.
    fn directives(&self) -> Option<ReadDirectives> {
        None
    }

    /// The proof of [`Room::escape`], for tests and the fuzz targets (never a render):
    /// `escaped`, what `escape` made of `value`, written into a small file of the format
    /// before another entry, and read back the way the format's consumer reads it. `Ok` when
    /// the consumer reads exactly `value` there and the entry after it intact; otherwise what
    /// went wrong, naming no value.
    fn round_trip(&self, value: &Value, escaped: &str) -> Result<(), String>;
}

/// A template filter a room brings, `{{ value | name }}`: the text it makes, which the
/// output's room then escapes like any other interpolation, or why it cannot make one.
pub type Filter = fn(minijinja::Value) -> Result<String, FilterError>;

/// Why a room's filter made no text.
#[derive(Debug)]
pub enum FilterError {
    /// The input cannot be written: why, naming a key or a shape, never a value. Shown to the
    /// user as an escaping refusal is.
    Refused(String),
    /// The template engine's own error (its detail may quote a value and is not shown).
    Engine(minijinja::Error),
}

impl From<minijinja::Error> for FilterError {
    fn from(e: minijinja::Error) -> Self {
        FilterError::Engine(e)
    }
}

/// A format, as stored on an output: a handle on its room.
#[derive(Clone, Copy)]
pub struct Format(&'static dyn Room);

pub const YAML: Format = Format(&yaml::Yaml);
pub const NGINX: Format = Format(&nginx::Nginx);
pub const DOTENV: Format = Format(&dotenv::Dotenv {
    expanded: dotenv::Expanded::Maybe,
});
pub const DOTENV_LITERAL: Format = Format(&dotenv::Dotenv {
    expanded: dotenv::Expanded::Never,
});
pub const JSON: Format = Format(&json::Json);
pub const TEXT: Format = Format(&text::Text);
pub const CLOUDBUILD: Format = Format(&cloudbuild::CloudBuild);
pub const KUBERNETES: Format = Format(&kubernetes::Kubernetes);

/// Every format, in the order the docs list them: the one registry. One room a line, so a
/// new room is one added line.
#[rustfmt::skip]
pub const ALL: &[Format] = &[
    YAML,
    NGINX,
    DOTENV,
    DOTENV_LITERAL,
    JSON,
    TEXT,
    CLOUDBUILD,
    KUBERNETES,
];

impl Format {
    /// The format called `name` in `cfgc.toml`.
    pub fn named(name: &str) -> Option<Format> {
        ALL.iter().copied().find(|f| f.name() == name)
    }

    /// The names `cfgc.toml` accepts, for "expected one of" messages.
    pub fn names() -> String {
        ALL.iter().map(|f| f.name()).collect::<Vec<_>>().join(", ")
    }

    /// The names of the formats directive rules can read, for messages ("nginx").
    pub fn with_directives() -> String {
        ALL.iter()
            .filter(|f| f.directives().is_some())
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join(" or ")
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }

    pub fn summary(self) -> &'static str {
        self.0.summary()
    }

    pub fn escape(self, value: &Value) -> Result<String, EscapeError> {
        self.0.escape(value)
    }

    pub fn escape_str(self, text: &str) -> Result<String, EscapeError> {
        self.0.escape_str(text)
    }

    pub fn parse_back(self, text: &str) -> Result<(), SyntaxError> {
        self.0.parse_back(text)
    }

    pub fn check(self, text: &str) -> Vec<SyntaxError> {
        self.0.check(text)
    }

    pub fn mask_prefix(self, line: &str) -> &str {
        self.0.mask_prefix(line)
    }

    pub fn filters(self) -> &'static [(&'static str, Filter)] {
        self.0.filters()
    }

    pub fn directives(self) -> Option<ReadDirectives> {
        self.0.directives()
    }

    pub fn round_trip(self, value: &Value, escaped: &str) -> Result<(), String> {
        self.0.round_trip(value, escaped)
    }
}

impl PartialEq for Format {
    fn eq(&self, other: &Format) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Format {}

impl std::fmt::Debug for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Encode one interpolated value for `format`, or explain why it cannot be placed safely.
pub fn escape(format: Format, value: &Value) -> Result<String, EscapeError> {
    format.escape(value)
}

/// Why a value cannot be placed in a file of some format.
///
/// The reason names the offending character or shape and what to do about it; it never quotes
/// the value, because values may be secrets and this error ends up on a terminal or in CI logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot escape this value for {format}: {reason}")]
pub struct EscapeError {
    pub format: Format,
    pub reason: String,
}

impl EscapeError {
    pub(crate) fn new(format: Format, reason: impl Into<String>) -> Self {
        EscapeError {
            format,
            reason: reason.into(),
        }
    }
}

/// Where and why a rendered file does not parse back. The message never quotes the file:
/// it may hold secrets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at line {line}, column {column}")]
pub struct SyntaxError {
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
}

#[cfg(test)]
mod tests;
