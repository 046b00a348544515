//! The long help texts: examples and exit codes under each command's `--help`.

pub(super) const EXIT_CODES: &str = crate::exit::HELP;

pub(super) const TOP_EXAMPLES: &str = concat!(
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

pub(super) const CHECK_EXAMPLES: &str = concat!(
    "Examples:\n",
    "  cfgc check                       every environment\n",
    "  cfgc check staging production    just these\n",
    "  cfgc check --format github       annotations for a GitHub Actions job\n",
    "  cfgc check --format json | jq .summary\n",
    "  cfgc check --base origin/main    CI on a pull request: also catch secrets files rolled\n",
    "                                   back or re-created compared with the target branch\n",
    "  cfgc check --app deploy/app      also hold the app's code to the schema: reads the\n",
    "                                   schema does not declare, variables no code reads\n\n",
    "Exit codes: 0 valid; 1 findings; 2 usage, I/O or decryption error (or --base names no\n",
    "revision of a git repository, or in CI with a key there is no trusted revision: see\n",
    "--trusted)"
);

pub(super) const PLAN_EXAMPLES: &str = concat!(
    "Examples:\n",
    "  cfgc plan                                  every environment, with the keys at hand\n",
    "  cfgc plan --no-decrypt --exit-code         CI without keys: is deploy/ current?\n",
    "  cfgc plan --no-decrypt --format markdown   a comment to post on the pull request\n",
    "  cfgc plan production -i ops.key            a release: fails if a key does not fit\n\n",
    "Exit codes: 0 ok; 1 findings; 2 usage, I/O or decryption error (or outputs skipped\n",
    "for lack of a key where one was expected, or in CI with a key no trusted revision:\n",
    "see --trusted); 3 changes pending (with --exit-code)"
);

pub(super) const APPLY_EXAMPLES: &str = concat!(
    "Examples:\n",
    "  cfgc apply                        show the plan, ask, write\n",
    "  cfgc apply production --yes       no question (CI, release step)\n\n",
    "Exit codes: 0 written or nothing to write; 1 findings (nothing written); 2 usage,\n",
    "I/O or decryption error, refused or cancelled (nothing written)"
);

pub(super) const EXPLAIN_EXAMPLES: &str = concat!(
    "Examples:\n",
    "  cfgc explain production PORT              value, schema rules, where set, who uses it\n",
    "  cfgc explain production JWT_SECRET        a secret: where it is set, never its value\n",
    "  cfgc explain staging LOG_LEVEL --format json\n\n",
    "Exit codes: 0 explained; 2 unknown environment or variable, usage or I/O error"
);

pub(super) const DOCS_EXAMPLES: &str = concat!(
    "Examples:\n",
    "  cfgc docs            write docs/configuration.md, .env.example, schema/layer.schema.json\n",
    "  cfgc docs --check    CI: are they current?\n\n",
    "Exit codes: 0 written or current; 1 stale (with --check); 2 usage or I/O error"
);

pub(super) const CODEGEN_EXAMPLES: &str = concat!(
    "Examples:\n",
    "  cfgc codegen typescript                                 print the loader\n",
    "  cfgc codegen typescript --out deploy/app/src/config.ts  write it\n",
    "  cfgc codegen python --out app/config.py                 the same contract for Python\n",
    "  cfgc exec production -- node dist/server.js             the app loads it with CFGC_ENV set\n\n",
    "Exit codes: 0 generated; 2 a schema the loader could not check as `cfgc check` does\n",
    "(`codegen-unsupported`, at its place in the schema), usage or I/O error"
);

pub(super) const GIT_SETUP_EXAMPLES: &str = concat!(
    "Examples:\n",
    "  cfgc git-setup                   once per clone: per-name merges and readable diffs\n",
    "  cfgc git-setup --program cfgc    write `cfgc` (found on PATH) instead of this binary's path\n\n",
    "Writes .gitattributes (keeping its other lines) and the clone's git config\n",
    "(merge.cfgc-secrets.driver, diff.cfgc-secrets.textconv).\n\n",
    "Exit codes: 0 done; 2 not a git repository, usage or I/O error"
);

pub(super) const EXEC_EXAMPLES: &str = concat!(
    "Examples:\n",
    "  cfgc exec development -- npm run dev\n",
    "  cfgc exec staging -- sh -c 'psql \"$DATABASE_URL\"'\n\n",
    "Exit codes: the command's own; 1 findings in the configuration (the command is not\n",
    "run); 2 usage, I/O or decryption error, or no identity opens the secrets (not run);\n",
    "127 the command was not found"
);

pub(super) const IMPORT_EXAMPLES: &str = concat!(
    "Examples:\n",
    "  cfgc import production .env.production\n",
    "  cfgc import .env.development .env.staging .env.production\n",
    "  cfgc import preview=old/.env\n",
    "  cfgc import staging old/.env --force      replace values already set\n\n",
    "Names the schema lacks are added to it, typed from their values (a table shows them).\n",
    "Exit codes: 0 imported; 1 a secret the schema refuses; 2 usage or I/O error, bad\n",
    "lines, an unknown environment, or a different value already set (nothing imported)"
);

pub(super) const INIT_EXAMPLES: &str = concat!(
    "Examples:\n",
    "  mkdir myapp-config && cd myapp-config && cfgc init && cfgc check\n",
    "  cfgc init --env staging --env production     three environments, a key each\n\n",
    "Exit codes: 0 written; 2 a file already exists or an I/O error (nothing written)"
);

pub(super) const ENV_EXAMPLES: &str = concat!(
    "Examples:\n",
    "  cfgc env add staging --tier deployed\n",
    "  cfgc env add production --from staging                   its layer starts as staging's\n",
    "  cfgc env add ci --tier deployed --recipient age1...      encrypted to a key you hold\n\n",
    "Exit codes: 0 added; 2 an existing or invalid name, an unknown tier or recipient, an I/O\n",
    "error (nothing written)"
);

pub(super) const SECRETS_EXAMPLES: &str = concat!(
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
