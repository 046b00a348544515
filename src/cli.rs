//! Command-line arguments (clap derive), resolved into a `Config` before
//! any stage runs: no stage reads arguments or the process environment.

mod config;
mod help;
mod secrets;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::report;
pub use config::Config;
use help::{
    APPLY_EXAMPLES, CHECK_EXAMPLES, CODEGEN_EXAMPLES, DOCS_EXAMPLES, ENV_EXAMPLES, EXEC_EXAMPLES,
    EXPLAIN_EXAMPLES, GIT_SETUP_EXAMPLES, IMPORT_EXAMPLES, INIT_EXAMPLES, PLAN_EXAMPLES,
    SECRETS_EXAMPLES, TOP_EXAMPLES,
};
pub use secrets::SecretsCommand;

#[derive(Parser, Debug)]
#[command(name = "cfgc", version, about = "Compile layered config, a JSON Schema and age-encrypted secrets into checked deploy files.", after_help = TOP_EXAMPLES)]
pub struct Args {
    /// The project: a folder holding cfgc.toml, or the file itself [default: search upwards from here]
    #[arg(long, short = 'C', global = true, value_name = "PATH")]
    pub project: Option<PathBuf>,

    /// An age identity file (age-keygen output or an SSH private key); repeatable. Other
    /// places are searched too: see `cfgc help identities`
    #[arg(long, short = 'i', global = true, value_name = "FILE")]
    pub identity: Vec<PathBuf>,

    /// When to colour output (NO_COLOR is respected with `auto`)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Print only findings, errors and what the command exists to print (no summaries,
    /// no diffs)
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,

    /// The reviewed revision: in CI or with a machine format, secrets are decrypted only
    /// for code identical to it [default: GITHUB_BASE_REF, else cfgc.toml's trusted_branch]
    #[arg(long, global = true, value_name = "REV")]
    pub trusted: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Validate environments against the schema; needs no decryption key
    #[command(after_help = CHECK_EXAMPLES, display_order = 2)]
    Check {
        /// Environments to check [default: all]
        #[arg(value_name = "ENV")]
        environments: Vec<String>,
        /// Output format
        #[arg(long, value_enum, default_value_t = report::Format::Human)]
        format: report::Format,
        /// Also compare each secrets file with the same file at this git revision (in CI:
        /// the pull request's target branch): a lower or equal generation with other content
        /// is "rolled back"; a new data key with the same recipients is "re-created"
        #[arg(long, value_name = "REV")]
        base: Option<String>,
        /// Also read the app's code in this folder (relative to the project folder) for the
        /// environment variables it reads: a read the schema does not declare, a variable no
        /// code reads, and a fallback literal where a deployed environment sets the variable
        /// are findings
        #[arg(long, value_name = "DIR")]
        app: Option<String>,
        /// Also compare each environment's store record with its secret store (metadata
        /// only, no key): drift is a finding, as `cfgc secrets status` reports it
        #[arg(long)]
        store: bool,
    },
    /// Set up this git clone for secrets files: per-name merges and readable diffs
    #[command(after_help = GIT_SETUP_EXAMPLES, display_order = 10)]
    GitSetup {
        /// The program git runs for the drivers [default: the absolute path of this cfgc]
        #[arg(long, value_name = "PROGRAM")]
        program: Option<String>,
    },
    /// Render every output and show a diff against the files on disk (secrets masked)
    #[command(after_help = PLAN_EXAMPLES, display_order = 3)]
    Plan {
        /// Environments to plan [default: all]
        #[arg(value_name = "ENV")]
        environments: Vec<String>,
        /// Exit 3 when files would be created or changed (1 stays for findings, 2 for
        /// errors); a demo `identity` in cfgc.toml is then used only for environments named
        #[arg(long)]
        exit_code: bool,
        /// Use no key: outputs that hold secrets are not written, only rendered with
        /// placeholders so their template errors still fail (what CI checks without keys)
        #[arg(long)]
        no_decrypt: bool,
        /// Allow outputs skipped for lack of a key in environments named here, or when an
        /// identity is given (otherwise an error: a release must not ship without its secrets)
        #[arg(long)]
        allow_skipped: bool,
        /// Output format
        #[arg(long, value_enum, default_value_t = crate::report::plan::PlanFormat::Human)]
        format: crate::report::plan::PlanFormat,
    },
    /// Plan, confirm, then write changed files atomically
    #[command(after_help = APPLY_EXAMPLES, display_order = 4)]
    Apply {
        /// Environments to apply [default: all]
        #[arg(value_name = "ENV")]
        environments: Vec<String>,
        /// Do not ask for confirmation (for CI); without it, apply needs a terminal
        #[arg(long, short = 'y')]
        yes: bool,
        /// Allow outputs skipped for lack of a key (see `plan --allow-skipped`)
        #[arg(long)]
        allow_skipped: bool,
    },
    /// Everything about one variable: value (masked if secret), schema, where it was set,
    /// what it overrode, and the template lines that use it; needs no key
    #[command(after_help = EXPLAIN_EXAMPLES, display_order = 5)]
    Explain {
        /// The environment
        #[arg(value_name = "ENV")]
        environment: String,
        /// The variable
        #[arg(value_name = "NAME")]
        name: String,
        /// What follows NAME: refused without being echoed (it may be a value)
        #[arg(hide = true, trailing_var_arg = true, allow_hyphen_values = true)]
        extra: Vec<std::ffi::OsString>,
        /// Output format
        #[arg(long, value_enum, default_value_t = crate::report::explain::ExplainFormat::Human)]
        format: crate::report::explain::ExplainFormat,
    },
    /// Write docs/configuration.md, .env.example and the layer files' JSON Schema (for
    /// editors) from the schema and the environments; needs no key
    #[command(after_help = DOCS_EXAMPLES, display_order = 8)]
    Docs {
        /// Write nothing; exit 1 when a file is not what `cfgc docs` writes (for CI)
        #[arg(long)]
        check: bool,
    },
    /// Generate the app's start-up configuration loader from the schema; needs no key
    ///
    /// The loader checks the app's environment at start-up as `cfgc check` checks the
    /// environments (types, rules per environment and tier, deployed-tier rules). TypeScript:
    /// one self-contained `.ts` file with a zod schema and a typed `loadConfig()` (needs `zod`
    /// 4). Python: one module with a pydantic-settings `Config` and `load_config()` (needs
    /// `pydantic-settings` and `ada-url`). The environment is named by `CFGC_ENV` (which `cfgc
    /// exec` sets) or the loader's argument. Declare the file as an output (`generate =
    /// "typescript"` or `"python"` in cfgc.toml) so `plan`, `apply` and `docs` keep it current.
    #[command(after_help = CODEGEN_EXAMPLES, display_order = 8)]
    Codegen {
        /// The language
        #[arg(value_enum, value_name = "LANGUAGE")]
        language: crate::project::Language,
        /// Write the file here instead of stdout (inside the project: atomically, never over
        /// one of its inputs)
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Run a command with the environment's variables (secrets decrypted) in its
    /// environment; writes nothing to disk
    ///
    /// Each top-level variable becomes one environment variable (see `cfgc_flatten` in the
    /// README): maps become PARENT_CHILD (upper-cased), lists comma-joined, booleans
    /// true/false, numbers as written; null is left out. cfgc then becomes the command
    /// (exec), so signals reach it directly and its exit code is the run's.
    #[command(after_help = EXEC_EXAMPLES, display_order = 6)]
    Exec {
        /// The environment
        #[arg(value_name = "ENV")]
        environment: String,
        /// The command and its arguments, after `--`
        #[arg(
            value_name = "CMD",
            required = true,
            trailing_var_arg = true,
            allow_hyphen_values = true
        )]
        command: Vec<std::ffi::OsString>,
    },
    /// Bootstrap environments from existing .env files
    ///
    /// Plain values go into the environment's own (last) layer file, appended as
    /// `NAME: value` lines typed by the schema, comments kept. Values the schema marks
    /// `x-secret`, and values that look like credentials, go encrypted into its secrets
    /// file. Names the schema does not declare are added to it, with a type inferred from
    /// their values (shown in a table for review). No value is
    /// printed.
    #[command(after_help = IMPORT_EXAMPLES, display_order = 9)]
    Import {
        /// `ENV FILE`, or any number of `.env.ENV` files and `ENV=FILE` pairs (the .env
        /// grammar python-dotenv and dotenvx share: quotes, escapes, `export`, comments)
        #[arg(value_name = "FILES", required = true, num_args = 1..)]
        files: Vec<String>,
        /// Replace values the layer or the secrets file already holds (an identical value
        /// needs no `--force`)
        #[arg(long)]
        force: bool,
    },
    /// Start a cfgc project in the current folder
    ///
    /// Writes cfgc.toml, schema/env.schema.json, environments/ (base, development, its
    /// secrets file), templates/env.j2 and a .gitignore for the rendered .env; refuses if
    /// any of them exists. Generates development's age key OUTSIDE the folder, in cfgc's
    /// key file ($XDG_CONFIG_HOME/cfgc/age/keys.txt, default ~/.config/cfgc/age/keys.txt),
    /// appended if it exists, and prints where.
    #[command(after_help = INIT_EXAMPLES, display_order = 1)]
    Init {
        /// More environments to create, as `NAME` or `NAME:TIER` (repeatable; tier
        /// `deployed` when not given); development is always made
        #[arg(long = "env", value_name = "NAME[:TIER]")]
        environments: Vec<String>,
    },
    /// Manage the project's environments
    #[command(after_help = ENV_EXAMPLES, display_order = 10)]
    Env {
        #[command(subcommand)]
        command: EnvCommand,
    },
    /// Manage the encrypted secrets of an environment
    #[command(after_help = SECRETS_EXAMPLES, display_order = 7)]
    Secrets {
        #[command(subcommand)]
        command: SecretsCommand,
    },
    /// Print a completion script for a shell
    #[command(
        hide = true,
        after_help = "Example: cfgc completions bash > ~/.local/share/bash-completion/completions/cfgc"
    )]
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print cfgc's man page (roff), or write one page per command into a folder
    #[command(
        hide = true,
        after_help = "Examples:\n  cfgc man > ~/.local/share/man/man1/cfgc.1 && man cfgc\n  cfgc man --out ~/.local/share/man/man1 && man cfgc-secrets-set"
    )]
    Man {
        /// Write cfgc.1, cfgc-check.1, cfgc-secrets-set.1 and the others into this folder (created if
        /// missing) instead of printing cfgc.1
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum EnvCommand {
    #[command(after_help = ENV_EXAMPLES)]
    /// Declare a new environment: its layer environments/NAME.yaml, its secrets file, its
    /// table in cfgc.toml (comments kept) and, unless --recipient is given, a new age key
    /// kept outside the project in cfgc's key file
    Add {
        /// The new environment's name (lowercase letters, digits, `-`, `_`)
        name: String,
        /// Its tier, one of `[project] tiers`
        #[arg(long, default_value = "deployed")]
        tier: String,
        /// Start its layer as a copy of this environment's own (last) layer
        #[arg(long, value_name = "ENV")]
        from: Option<String>,
        /// An age or SSH public key its secrets are encrypted to (repeatable); no key is
        /// generated then
        #[arg(long = "recipient", value_name = "PUBKEY")]
        recipients: Vec<String>,
    },
}
