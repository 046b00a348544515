//! Command-line arguments (clap derive), resolved into a `Config` before
//! any stage runs: no stage reads arguments or the process environment.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::report;
use crate::secrets::identity::IdentitySources;

const EXIT_CODES: &str = crate::exit::HELP;

#[derive(Parser, Debug)]
#[command(name = "cfgc", version, about = "Compile layered config, a JSON Schema and age-encrypted secrets into checked deploy files.", after_help = EXIT_CODES)]
pub struct Args {
    /// The project: a folder holding cfgc.toml, or the file itself [default: search upwards from here]
    #[arg(long, short = 'C', global = true, value_name = "PATH")]
    pub project: Option<PathBuf>,

    /// An age identity file (age-keygen output or an SSH private key); repeatable.
    /// Also read, in order: CFGC_AGE_KEY_FILE, CFGC_AGE_KEY, $XDG_CONFIG_HOME/cfgc/age/keys.txt,
    /// SOPS_AGE_KEY_FILE, and the environment's `identity` in cfgc.toml
    #[arg(long, short = 'i', global = true, value_name = "FILE")]
    pub identity: Vec<PathBuf>,

    /// When to colour output (NO_COLOR is respected with `auto`)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

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
    #[command(after_help = EXIT_CODES)]
    Check {
        /// Environments to check [default: all]
        #[arg(value_name = "ENV")]
        environments: Vec<String>,
        /// Output format
        #[arg(long, value_enum, default_value_t = report::Format::Human)]
        format: report::Format,
    },
    /// Render every output and show a diff against the files on disk (secrets masked)
    #[command(after_help = EXIT_CODES)]
    Plan {
        /// Environments to plan [default: all]
        #[arg(value_name = "ENV")]
        environments: Vec<String>,
        /// Exit 3 when files would be created or changed (1 stays for findings, 2 for errors)
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
    #[command(after_help = EXIT_CODES)]
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
    /// Manage the encrypted secrets of an environment
    #[command(after_help = EXIT_CODES)]
    Secrets {
        #[command(subcommand)]
        command: SecretsCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum SecretsCommand {
    /// List secrets by name: set, required, missing, unknown (needs no key)
    List {
        /// The environment
        #[arg(value_name = "ENV")]
        environment: String,
    },
    /// Store a secret, read from stdin or a hidden prompt (never from arguments)
    ///
    /// The value is read from stdin when it is piped (one trailing newline is dropped), else
    /// from a prompt that does not echo. It must satisfy the schema: otherwise nothing is
    /// stored and the exit code is 1. Creates the secrets file if it does not exist.
    #[command(after_help = EXIT_CODES)]
    Set {
        /// The environment
        #[arg(value_name = "ENV")]
        environment: String,
        /// The secret's name, as declared (with `x-secret: true`) in the schema
        #[arg(value_name = "NAME")]
        name: String,
    },
    /// Print a secret's value and a newline, for scripts
    Get {
        /// The environment
        #[arg(value_name = "ENV")]
        environment: String,
        /// The secret's name
        #[arg(value_name = "NAME")]
        name: String,
    },
    /// Remove a secret
    Rm {
        /// The environment
        #[arg(value_name = "ENV")]
        environment: String,
        /// The secret's name
        #[arg(value_name = "NAME")]
        name: String,
    },
    /// Edit the decrypted secrets in $VISUAL or $EDITOR
    ///
    /// The decrypted copy lives in a private (0700) temporary folder that is removed
    /// whatever happens, Ctrl-C included. Only values that changed are encrypted again.
    Edit {
        /// The environment
        #[arg(value_name = "ENV")]
        environment: String,
    },
    /// Encrypt secrets files to the recipients in cfgc.toml, all or none
    ///
    /// Adding a recipient wraps the data key for it (values unchanged); removing one
    /// replaces the data key and encrypts every value again. If any file cannot be done
    /// (no identity, a damaged file), no file is changed.
    #[command(after_help = EXIT_CODES)]
    Rekey {
        /// Environments to rekey [default: all with a secrets file]
        #[arg(value_name = "ENV")]
        environments: Vec<String>,
        /// Replace the data key and encrypt every value again even if the recipients did
        /// not change (after a key may have leaked)
        #[arg(long)]
        rotate: bool,
    },
}

/// Everything a command needs to know from the outside world: the arguments and the
/// process environment, read here once, so no stage reads either.
pub struct Config {
    pub project: Option<PathBuf>,
    /// Where identities are looked for: `--identity` files, then the variables and default
    /// paths, as read from the environment now.
    pub identity_sources: IdentitySources,
    /// The editor for `secrets edit`: `$VISUAL`, else `$EDITOR`.
    pub editor: Option<String>,
    pub color: bool,
    pub command: Command,
}

impl Config {
    pub fn from_args(args: Args) -> Config {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => var("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
        };
        Config {
            project: args.project,
            identity_sources: IdentitySources::from_env(args.identity, None),
            editor: var("VISUAL").or_else(|| var("EDITOR")),
            color,
            command: args.command,
        }
    }
}
