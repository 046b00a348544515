//! `cfgc secrets`' subcommands and their arguments.

use clap::Subcommand;

use super::help::EXIT_CODES;

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
    /// Add a store version for each secret whose sealed value changed, and record it
    ///
    /// Needs a key for the environment and the store's credentials. Shows the plan first
    /// (names and versions, never values) and asks, unless --yes. Writes the environment's
    /// store record (`ENV.store.toml`): commit it, then `cfgc plan` shows the new pins in
    /// the deploy files. A second push adds nothing; an interrupted one is finished by the
    /// next.
    #[command(after_help = concat!(
        "Examples:\n",
        "  cfgc secrets set production DATABASE_URL && cfgc secrets push production\n",
        "  cfgc secrets push production --yes              in a release job\n",
        "  cfgc secrets push staging --create              make secrets the store lacks\n\n",
        "Exit codes: 0 pushed, or nothing to push; 2 a secret missing from the store without\n",
        "--create, no key, a store error (what landed is recorded; run it again), usage or I/O"
    ))]
    Push {
        /// The environment
        #[arg(value_name = "ENV")]
        environment: String,
        /// Create the secrets the store does not have yet
        #[arg(long)]
        create: bool,
        /// Push without asking (CI)
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Compare the store record with the store and the secrets file, with no key
    ///
    /// Needs read access to the store's metadata only. Each of these is a finding: a secret
    /// missing from the store, a pinned version disabled or destroyed, a newer version cfgc
    /// did not make, a sealed value changed since its push, a pin to `latest`, an
    /// interrupted push.
    #[command(after_help = concat!(
        "Examples:\n",
        "  cfgc secrets status production\n",
        "  cfgc secrets status production --format github    annotations in a CI job\n\n",
        "Exit codes: 0 in sync; 1 drift found; 2 the store could not be asked, usage or I/O"
    ))]
    Status {
        /// The environment
        #[arg(value_name = "ENV")]
        environment: String,
        /// Output format
        #[arg(long, value_enum, default_value_t = crate::report::Format::Human)]
        format: crate::report::Format,
    },
}
