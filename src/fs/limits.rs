//! Size and depth limits on every input, with their defaults. `[limits]` in cfgc.toml
//! changes them (see the README's cfgc.toml reference); cfgc.toml itself is always read
//! under the default project-file limit, since it is read before its `[limits]` is known.

use std::fmt;

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;

/// What a file is to cfgc, which decides its size limit and how refusals name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Project,
    Layer,
    Schema,
    Template,
    Secrets,
    Identity,
    /// A rendered output, or the file on disk it would replace.
    Output,
    /// The lock file: never read for content.
    Lock,
    /// A source file of the app `check --app` reads.
    App,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// cfgc.toml. Not settable: it is read before `[limits]` is known.
    pub project_file: u64,
    pub layer: u64,
    pub schema: u64,
    pub template: u64,
    pub secrets: u64,
    /// Identity files (age or SSH keys). Not settable: a key is a few hundred bytes.
    pub identity: u64,
    /// A rendered file, and the file it replaces on disk.
    pub output: u64,
    /// Nesting depth of YAML, TOML and JSON: lists and maps inside each other.
    pub depth: usize,
    /// Bytes of text YAML aliases may copy, all aliases of a file together.
    pub alias_bytes: u64,
    /// A source file of the app (`check --app`). Not settable: a hand-written source file
    /// is far smaller; a larger one is bundled or generated code, kept out of the walk.
    pub app: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            project_file: MIB,
            layer: 4 * MIB,
            schema: 4 * MIB,
            template: MIB,
            secrets: 4 * MIB,
            identity: 64 * KIB,
            output: 16 * MIB,
            depth: 64,
            alias_bytes: MIB,
            app: MIB,
        }
    }
}

/// The most `[limits]` may raise a size limit to. cfgc.toml comes with the pull request
/// like every other file, so its limits must not let a file exhaust the runner's memory.
pub const MAX_BYTES: u64 = 64 * MIB;
/// The most `[limits]` may raise `depth` to: the tree builders and JSON Schema recurse,
/// and serde_json stops at 128 itself.
pub const MAX_DEPTH: usize = 128;

impl Limits {
    /// The most bytes a file in this role may hold.
    pub fn bytes(&self, role: Role) -> u64 {
        match role {
            Role::Project => self.project_file,
            Role::Layer => self.layer,
            Role::Schema => self.schema,
            Role::Template => self.template,
            Role::Secrets => self.secrets,
            Role::Identity => self.identity,
            Role::Output => self.output,
            Role::Lock => 0,
            Role::App => self.app,
        }
    }
}

impl Role {
    /// The `[limits]` key in cfgc.toml that sets this role's size limit, if any.
    pub fn limit_key(self) -> Option<&'static str> {
        match self {
            Role::Layer => Some("layer_bytes"),
            Role::Schema => Some("schema_bytes"),
            Role::Template => Some("template_bytes"),
            Role::Secrets => Some("secrets_bytes"),
            Role::Output => Some("output_bytes"),
            Role::Project | Role::Identity | Role::Lock | Role::App => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Project => "project file",
            Role::Layer => "layer",
            Role::Schema => "schema",
            Role::Template => "template",
            Role::Secrets => "secrets file",
            Role::Identity => "identity file",
            Role::Output => "output",
            Role::Lock => "lock file",
            Role::App => "app source file",
        })
    }
}
