//! Command-line arguments (clap derive), resolved into a `Config` before
//! any stage runs: no stage reads arguments or the process environment.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::report;
use crate::secrets::identity::IdentitySources;

const EXIT_CODES: &str = crate::exit::HELP;

const TOP_EXAMPLES: &str = concat!(
    "Examples:\n",
    "  cfgc check                          validate every environment (no key needed)\n",
    "  cfgc plan production                what `apply production` would write, secrets masked\n",
    "  cfgc plan --no-decrypt --exit-code  CI: is deploy/ current? (3 if stale, 1 if invalid)\n",
    "  cfgc apply production --yes         write production's files atomically\n",
    "  cfgc secrets set production JWT_SECRET < value.txt\n\n",
    "More: `cfgc help identities` (where keys are looked for), `cfgc help plumbing`\n",
    "(what git and packagers run), `cfgc help codes` (every diagnostic code and what to\n",
    "do), `cfgc man --out DIR` (a man page per command)\n\n",
    crate::exit_codes_help!()
);

const CHECK_EXAMPLES: &str = concat!(
    "Examples:\n",
    "  cfgc check                       every environment\n",
    "  cfgc check staging production    just these\n",
    "  cfgc check --format github       annotations for a GitHub Actions job\n",
    "  cfgc check --format json | jq .summary\n",
    "  cfgc check --base origin/main    CI on a pull request: also catch secrets files rolled\n",
    "                                   back or re-created compared with the target branch\n\n",
    "Exit codes: 0 valid; 1 findings; 2 usage, I/O or decryption error (or --base names no\n",
    "revision of a git repository, or in CI with a key there is no trusted revision: see\n",
    "--trusted)"
);

const PLAN_EXAMPLES: &str = concat!(
    "Examples:\n",
    "  cfgc plan                                  every environment, with the keys at hand\n",
    "  cfgc plan --no-decrypt --exit-code         CI without keys: is deploy/ current?\n",
    "  cfgc plan --no-decrypt --format markdown   a comment to post on the pull request\n",
    "  cfgc plan production -i ops.key            a release: fails if a key does not fit\n\n",
    "Exit codes: 0 ok; 1 findings; 2 usage, I/O or decryption error (or outputs skipped\n",
    "for lack of a key where one was expected, or in CI with a key no trusted revision:\n",
    "see --trusted); 3 changes pending (with --exit-code)"
);

const APPLY_EXAMPLES: &str = concat!(
    "Examples:\n",
    "  cfgc apply                        show the plan, ask, write\n",
    "  cfgc apply production --yes       no question (CI, release step)\n\n",
    "Exit codes: 0 written or nothing to write; 1 findings (nothing written); 2 usage,\n",
    "I/O or decryption error, refused or cancelled (nothing written)"
);

const EXPLAIN_EXAMPLES: &str = concat!(
    "Examples:\n",
    "  cfgc explain production PORT              value, schema rules, where set, who uses it\n",
    "  cfgc explain production JWT_SECRET        a secret: where it is set, never its value\n",
    "  cfgc explain staging LOG_LEVEL --format json\n\n",
    "Exit codes: 0 explained; 2 unknown environment or variable, usage or I/O error"
);

const DOCS_EXAMPLES: &str = concat!(
    "Examples:\n",
    "  cfgc docs            write docs/configuration.md, .env.example, schema/layer.schema.json\n",
    "  cfgc docs --check    CI: are they current?\n\n",
    "Exit codes: 0 written or current; 1 stale (with --check); 2 usage or I/O error"
);

const GIT_SETUP_EXAMPLES: &str = concat!(
    "Examples:\n",
    "  cfgc git-setup                   once per clone: per-name merges and readable diffs\n",
    "  cfgc git-setup --program cfgc    write `cfgc` (found on PATH) instead of this binary's path\n\n",
    "Writes .gitattributes (keeping its other lines) and the clone's git config\n",
    "(merge.cfgc-secrets.driver, diff.cfgc-secrets.textconv).\n\n",
    "Exit codes: 0 done; 2 not a git repository, usage or I/O error"
);

const EXEC_EXAMPLES: &str = concat!(
    "Examples:\n",
    "  cfgc exec development -- npm run dev\n",
    "  cfgc exec staging -- sh -c 'psql \"$DATABASE_URL\"'\n\n",
    "Exit codes: the command's own; 1 findings in the configuration (the command is not\n",
    "run); 2 usage, I/O or decryption error, or no identity opens the secrets (not run);\n",
    "127 the command was not found"
);

const IMPORT_EXAMPLES: &str = concat!(
    "Examples:\n",
    "  cfgc import production .env.production\n",
    "  cfgc import .env.development .env.staging .env.production\n",
    "  cfgc import preview=old/.env\n",
    "  cfgc import staging old/.env --force      replace values already set\n\n",
    "Names the schema lacks are added to it, typed from their values (a table shows them).\n",
    "Exit codes: 0 imported; 1 a secret the schema refuses; 2 usage or I/O error, bad\n",
    "lines, an unknown environment, or a different value already set (nothing imported)"
);

const INIT_EXAMPLES: &str = concat!(
    "Examples:\n",
    "  mkdir myapp-config && cd myapp-config && cfgc init && cfgc check\n",
    "  cfgc init --env staging --env production     three environments, a key each\n\n",
    "Exit codes: 0 written; 2 a file already exists or an I/O error (nothing written)"
);

const ENV_EXAMPLES: &str = concat!(
    "Examples:\n",
    "  cfgc env add staging --tier deployed\n",
    "  cfgc env add production --from staging                   its layer starts as staging's\n",
    "  cfgc env add ci --tier deployed --recipient age1...      encrypted to a key you hold\n\n",
    "Exit codes: 0 added; 2 an existing or invalid name, an unknown tier or recipient, an I/O\n",
    "error (nothing written)"
);

const SECRETS_EXAMPLES: &str = concat!(
    "Examples:\n",
    "  cfgc secrets list production\n",
    "  printf %s \"$TOKEN\" | cfgc secrets set production API_TOKEN\n",
    "  cfgc secrets get production DATABASE_URL\n",
    "  cfgc secrets edit development\n",
    "  cfgc secrets rekey production     after changing its recipients in cfgc.toml\n\n",
    "  cfgc secrets diff origin/main      what a branch changed, by name, without a key\n",
    "  cfgc secrets seal production       fold in values set by someone without a key\n\n",
    "Who can do what: `list`, `diff` and `textconv` need no key; `set` on a new file needs\n",
    "none, and `set` without a key for an existing file stores a PENDING value (sealed to\n",
    "the recipients, unauthenticated until a key holder runs `seal`); `get`, `rm`, `edit`,\n",
    "`rekey`, `seal`, `merge` and `confirm-recreate` need an identity that opens the file.\n\n",
    "Exit codes: 0 ok; 1 a value or name the schema refuses; 2 usage, I/O or decryption error"
);

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
    ///
    /// Without a key for an existing file, the value is sealed to the file's recipients on
    /// its own and stored as PENDING: outside the MAC, unauthenticated, refused by `plan`
    /// and `apply` until a key holder runs `cfgc secrets seal ENV`.
    #[command(after_help = EXIT_CODES)]
    Set {
        /// The environment
        #[arg(value_name = "ENV")]
        environment: String,
        /// The secret's name, as declared (with `x-secret: true`) in the schema
        #[arg(value_name = "NAME")]
        name: String,
        /// What follows NAME: refused without being echoed (a value never comes from an
        /// argument), which clap's "unexpected argument" would do
        #[arg(hide = true, trailing_var_arg = true, allow_hyphen_values = true)]
        extra: Vec<std::ffi::OsString>,
    },
    /// Print a secret's value and a newline, for scripts
    Get {
        /// The environment
        #[arg(value_name = "ENV")]
        environment: String,
        /// The secret's name
        #[arg(value_name = "NAME")]
        name: String,
        /// What follows NAME: refused without being echoed (a value never comes from an
        /// argument), which clap's "unexpected argument" would do
        #[arg(hide = true, trailing_var_arg = true, allow_hyphen_values = true)]
        extra: Vec<std::ffi::OsString>,
    },
    /// Remove a secret
    Rm {
        /// The environment
        #[arg(value_name = "ENV")]
        environment: String,
        /// The secret's name
        #[arg(value_name = "NAME")]
        name: String,
        /// What follows NAME: refused without being echoed (a value never comes from an
        /// argument), which clap's "unexpected argument" would do
        #[arg(hide = true, trailing_var_arg = true, allow_hyphen_values = true)]
        extra: Vec<std::ffi::OsString>,
    },
    /// Edit the decrypted secrets in $VISUAL or $EDITOR
    ///
    /// The decrypted copy lives in a private (0700) temporary folder that is removed
    /// whatever happens, Ctrl-C included. Only values that changed are encrypted again.
    ///
    /// On a terminal, a copy that cannot be saved (a YAML error, an unknown name, a value
    /// the schema refuses) is opened again with the error as comments at the top (never a
    /// value). To give up, with nothing changed: save it unchanged or empty, or make the
    /// editor exit non-zero (vim: `:cq`). Without a terminal the first error ends the run.
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
    /// What changed in each secrets file since a git revision, by name, without a key
    ///
    /// Names added, removed and changed (a value's ciphertext changes only when its value
    /// does), recipients added or removed, values pending, and when the data key was
    /// replaced while the recipients stayed, that every value was sealed again. Never a
    /// value or a ciphertext.
    #[command(after_help = concat!(
        "Examples:\n",
        "  cfgc secrets diff                 the working tree against HEAD\n",
        "  cfgc secrets diff origin/main     what this branch changed\n\n",
        "Exit codes: 0 nothing changed; 1 something changed; 2 not a git repository, no such\n",
        "revision, a damaged file, usage or I/O error"
    ))]
    Diff {
        /// The revision to compare with
        #[arg(value_name = "REV", default_value = "HEAD")]
        rev: String,
    },
    /// A keyless, line-per-name summary of one secrets file (git's `diff.cfgc-secrets.textconv`)
    #[command(hide = true, after_help = concat!(
        "Examples:\n",
        "  cfgc secrets textconv environments/production.secrets.yaml\n",
        "  git config diff.cfgc-secrets.textconv 'cfgc secrets textconv'   (what git-setup does)\n\n",
        "Exit codes: 0 ok; 2 unreadable or damaged file"
    ))]
    Textconv {
        /// The file (git passes a temporary copy)
        #[arg(value_name = "FILE")]
        file: std::path::PathBuf,
    },
    /// Three-way merge of a secrets file, name by name (git's merge driver)
    ///
    /// Writes the result to OURS. A name changed on both sides to different values is a
    /// conflict: OURS is left as it was and the conflicting names are listed. Re-sealing the
    /// result needs an identity for the environment; a file re-created on one side is
    /// never merged.
    #[command(hide = true, after_help = concat!(
        "Examples:\n",
        "  git config merge.cfgc-secrets.driver 'cfgc secrets merge %O %A %B %P'   (what\n",
        "  `cfgc git-setup` does; git then runs it for files marked merge=cfgc-secrets)\n\n",
        "Exit codes: 0 merged; 1 conflict or a side re-created (OURS untouched); 2 no identity,\n",
        "damaged file, usage\n",
        "or I/O error (OURS untouched)"
    ))]
    Merge {
        /// The common ancestor's version
        #[arg(value_name = "BASE")]
        base: std::path::PathBuf,
        /// Our version: the result is written here
        #[arg(value_name = "OURS")]
        ours: std::path::PathBuf,
        /// Their version
        #[arg(value_name = "THEIRS")]
        theirs: std::path::PathBuf,
        /// The file's path in the repository (for messages)
        #[arg(value_name = "PATH")]
        path: Option<String>,
    },
    /// Review values set without a key and fold them into the file (a key holder)
    ///
    /// Lists the pending names (values only with --show), checks them against the schema,
    /// seals them under the file's data key and MAC, and raises the generation.
    #[command(after_help = concat!(
        "Examples:\n",
        "  cfgc secrets seal production --show    review the values first (printed on stdout)\n",
        "  cfgc secrets seal production\n\n",
        "Exit codes: 0 sealed or nothing pending; 1 a value the schema refuses (nothing\n",
        "written); 2 no identity, a damaged or moved pending value, usage or I/O error"
    ))]
    Seal {
        /// The environment
        #[arg(value_name = "ENV")]
        environment: String,
        /// Print each pending value (on stdout) before sealing
        #[arg(long)]
        show: bool,
    },
    /// Confirm, as a holder of the OLD key, that a file whose data key was replaced
    /// (re-created) is meant: `check --base` then accepts it
    ///
    /// Needs an identity that opens the file at REV and the file now. Records, under the
    /// MAC, a signature by the old data key over the new one, which CI checks without a key.
    #[command(after_help = concat!(
        "Example: cfgc secrets confirm-recreate production --base origin/main\n\n",
        "Exit codes: 0 confirmed, or nothing to confirm; 2 no identity for either file, not a\n",
        "git repository, usage or I/O error"
    ))]
    ConfirmRecreate {
        /// The environment
        #[arg(value_name = "ENV")]
        environment: String,
        /// The revision holding the file it replaced
        #[arg(long, value_name = "REV")]
        base: String,
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
    /// Colour on stdout, and on stderr: decided per stream, so `check 2>log` on a
    /// terminal keeps escape codes out of the log.
    pub color: bool,
    pub color_err: bool,
    /// `-q`: nothing but findings, errors and what the command exists to print.
    pub quiet: bool,
    /// Where output goes and which revision's code is trusted (see `trust`).
    pub trust: crate::trust::Setting,
    pub command: Command,
}

impl Config {
    pub fn from_args(args: Args) -> Config {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let auto = |choice: anstream::ColorChoice| choice != anstream::ColorChoice::Never;
        let (color, color_err) = match args.color {
            ColorChoice::Always => (true, true),
            ColorChoice::Never => (false, false),
            ColorChoice::Auto => (
                auto(anstream::AutoStream::choice(&std::io::stdout())),
                auto(anstream::AutoStream::choice(&std::io::stderr())),
            ),
        };
        let machine = match &args.command {
            Command::Check { format, .. } if *format != report::Format::Human => {
                format.to_possible_value()
            }
            Command::Plan { format, .. } if *format != crate::report::plan::PlanFormat::Human => {
                format.to_possible_value()
            }
            _ => None,
        };
        let trust = crate::trust::Setting::from_env(
            var,
            args.trusted,
            machine.as_ref().map(|v| v.get_name()),
        );
        Config {
            trust,
            project: args.project,
            identity_sources: IdentitySources::from_env(args.identity, None),
            editor: var("VISUAL").or_else(|| var("EDITOR")),
            color,
            color_err,
            quiet: args.quiet,
            command: args.command,
        }
    }
}
