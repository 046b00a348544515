//! The catalogue of diagnostic codes: each code once, with what it means for the run (its
//! kind, and so the exit code) and the help shown when the place that reports it has nothing
//! more precise to say. `cfgc help codes` and the README's list are generated from it.
//!
//! A code is stable: scripts match on it (`--format json`, GitHub annotation titles). A new
//! one is one line here, in the group of the stage that reports it.

use crate::diagnostic::{Kind, Severity};

/// How a code counts: an error stops the run (exit 2), a finding is the project's content
/// breaking a rule (exit 1), a warning is shown and changes nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    Error,
    Finding,
    Warning,
}

macro_rules! catalogue {
    ($($variant:ident = $code:literal, $class:ident, $help:literal;)*) => {
        /// A diagnostic's code; see the module documentation.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            /// Every code, in the catalogue's order.
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            /// The code as users and scripts see it (`schema-type`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)*
                }
            }

            pub fn class(self) -> Class {
                match self {
                    $(Code::$variant => Class::$class,)*
                }
            }

            /// What to do about it, when the reporting place says nothing more precise.
            pub fn help(self) -> &'static str {
                match self {
                    $(Code::$variant => $help,)*
                }
            }
        }
    };
}

impl Code {
    pub fn kind(self) -> Kind {
        match self.class() {
            Class::Error => Kind::Error,
            Class::Finding | Class::Warning => Kind::Finding,
        }
    }

    pub fn severity(self) -> Severity {
        match self.class() {
            Class::Warning => Severity::Warning,
            Class::Error | Class::Finding => Severity::Error,
        }
    }
}

/// The catalogue as text, grouped by what a code means for the exit code: `cfgc help
/// codes`, and the README's list (a test keeps the two equal).
pub fn listing() -> String {
    let width = Code::ALL
        .iter()
        .map(|c| c.as_str().len())
        .max()
        .unwrap_or(0);
    let mut text = String::from(
        "Diagnostic codes: the CODE of `error[CODE]` and `warning[CODE]`, and the `code` of\n\
         `--format json`. Each line: the code, then what to do when the message says no more.\n",
    );
    for (class, title) in [
        (
            Class::Finding,
            "Findings (the project breaks a rule; exit 1)",
        ),
        (
            Class::Error,
            "Errors (the run could not do its job; exit 2)",
        ),
        (
            Class::Warning,
            "Warnings (shown; the exit code is unchanged)",
        ),
    ] {
        text.push_str(&format!("\n{title}:\n"));
        for code in Code::ALL.iter().filter(|c| c.class() == class) {
            text.push_str(&format!("  {:width$}  {}\n", code.as_str(), code.help()));
        }
    }
    text
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

catalogue! {
    // The project: cfgc.toml and the files it names.
    Project = "project", Error, "fix cfgc.toml where shown; `cfgc.schema.json` next to it describes every key";
    ProjectNotFound = "project-not-found", Error, "run cfgc in a project folder (one with cfgc.toml), pass `--project PATH`, or start one with `cfgc init`";
    UnknownEnvironment = "unknown-environment", Error, "name an environment cfgc.toml declares, or declare it with `cfgc env add NAME`";
    UnknownTier = "unknown-tier", Error, "use a tier `[project] tiers` declares, or declare it there";
    UndeclaredTier = "undeclared-tier", Error, "declare the tier in `[project] tiers` in cfgc.toml";
    TierAllow = "tier-allow", Error, "name a built-in rule (`loopback`, `plain-http`) and a variable of the schema";
    PatternUnsupported = "pattern-unsupported", Error, "rewrite the pattern without look-around or backreferences, which cfgc's linear-time engine cannot run";
    Schema = "schema-file", Error, "fix the schema file where shown: it must be a valid JSON Schema";
    TrustedRevision = "trusted-revision", Error, "pass `--trusted REV` naming the revision whose code may meet decrypted values, or set `[project] trusted_branch`";
    Git = "git", Error, "run the command inside the project's git repository, with git installed";
    GitRevision = "git-revision", Error, "name a revision that exists in the repository (`git log` lists them); fetch it first in a shallow clone";

    // Reading files: the project filesystem and the parsers' bounds.
    Io = "io", Error, "check the path and its permissions";
    FileRefused = "file-refused", Error, "keep every file cfgc reads a regular file inside the project, outside `.git/`";
    FileNotReadable = "file-not-readable", Error, "check that the file exists and that you may read it";
    FileTooLarge = "file-too-large", Error, "split the file, or keep large data out of configuration";
    InvalidUtf8 = "invalid-utf8", Error, "save the file as UTF-8";
    YamlSyntax = "yaml-syntax", Error, "fix the YAML where shown";
    YamlTag = "yaml-tag", Error, "remove the tag: cfgc's layers know only `!unset`";
    YamlDuplicateKey = "yaml-duplicate-key", Error, "keep one of the two keys: a later one would silently replace the first";
    YamlAliasBudget = "yaml-alias-budget", Error, "expand fewer aliases: cfgc bounds what aliases may copy";
    YamlTooDeep = "yaml-too-deep", Error, "flatten the structure: cfgc bounds how deep a layer may nest";
    TomlSyntax = "toml-syntax", Error, "fix the TOML where shown";
    TomlDuplicateKey = "toml-duplicate-key", Error, "keep one of the two keys";
    TomlTooDeep = "toml-too-deep", Error, "flatten the structure: cfgc bounds how deep a layer may nest";
    JsonTooDeep = "json-too-deep", Error, "flatten the structure: cfgc bounds how deep a file may nest";
    LayerNotAMap = "layer-not-a-map", Error, "write the layer as a mapping of variable names to values";

    // Validation: the merged values against the schema and the built-in rules.
    SchemaType = "schema-type", Finding, "give the variable a value of the type the schema declares";
    SchemaEnum = "schema-enum", Finding, "use one of the values the schema allows";
    SchemaFormat = "schema-format", Finding, "give a value in the format the schema names";
    SchemaRange = "schema-range", Finding, "give a value within the schema's bounds";
    SchemaString = "schema-string", Finding, "give a string of the length and pattern the schema asks for";
    SchemaArray = "schema-array", Finding, "give a list of the length and items the schema asks for";
    UnknownKey = "unknown-key", Finding, "remove the key, or declare it in the schema";
    SchemaRule = "schema", Finding, "change the value to satisfy the schema rule named in the note";
    MissingVariable = "missing-variable", Finding, "set the variable in a layer of each environment named, or give it a default in the schema";
    MissingSecret = "missing-secret", Finding, "set it with `cfgc secrets set ENV NAME`";
    UnknownVariable = "unknown-variable", Finding, "declare the variable in the schema, or remove it from the layer";
    UnknownSecret = "unknown-secret", Finding, "declare the secret in the schema with `\"x-secret\": true`, or remove it with `cfgc secrets rm`";
    SecretDefault = "secret-default", Finding, "remove the `default` from the secret's schema entry and set the value with `cfgc secrets set`";
    SecretInPlainLayer = "secret-in-plain-layer", Finding, "remove the value from the layer and set it with `cfgc secrets set ENV NAME`";
    SecretNotDeclaredSecret = "secret-not-declared-secret", Finding, "mark the variable `\"x-secret\": true` in the schema, or keep it in a layer";
    SchemaReservedName = "schema-reserved-name", Finding, "rename the variable: `cfgc exec` sets `CFGC_ENV` to the environment's name, over any value";
    SchemaSecretName = "schema-secret-name", Finding, "rename the secret in the schema to a letter or `_`, then letters, digits or `_`";
    PlaintextCredential = "plaintext-credential", Finding, "move the credential into the encrypted secrets with `cfgc secrets set`, and rotate it: it was committed in clear";
    SecretValue = "secret-value", Finding, "set a value that satisfies the schema with `cfgc secrets set ENV NAME`";
    Loopback = "loopback", Finding, "use the deployed service's host name; a deployed tier cannot reach this machine's loopback";
    PlainHttp = "plain-http", Finding, "use `https://`";
    Derive = "derive", Finding, "fix the `derive:` expression where shown";
    DeriveSyntax = "derive-syntax", Finding, "write references as `${NAME}` and a literal `$` as `$$`";
    DeriveUnknown = "derive-unknown", Finding, "reference a variable of the schema";
    DeriveCycle = "derive-cycle", Finding, "break the cycle: one of the values must be set, not derived";
    DeriveDepth = "derive-depth", Finding, "derive from set values, not through a long chain of derived ones";
    DeriveTooLong = "derive-too-long", Finding, "derive a shorter value";
    DeriveType = "derive-type", Finding, "interpolate only strings, numbers and booleans";
    DeriveSecret = "derive-secret", Finding, "derive a secret only from secrets: a plain value would show it";

    // The app's code (`check --app`): the variables it reads against the schema.
    AppUndeclared = "app-undeclared", Finding, "declare the variable in the schema, or correct the name the code reads";
    AppUnused = "app-unused", Finding, "read the variable in the app, mark it `\"x-infra\": true` if only the deploy files use it, or remove it from the schema";
    AppHiddenDefault = "app-hidden-default", Finding, "read the variable without a fallback, so a deploy that lacks it fails at start-up; a local default belongs in the schema's `default` or a local layer";
    AppDir = "app-dir", Error, "give `--app` a folder inside the project, relative to the folder that holds cfgc.toml";
    AppSyntax = "app-syntax", Error, "fix the file where shown, or move it out of the app's folder: cfgc reads no file halfway";
    AppTooLarge = "app-too-large", Error, "point `--app` at the app's source folder; bundled and generated code belongs in a folder cfgc skips (node_modules, dist, build, target)";

    // Secrets files: their structure, their history and the keys that open them.
    SecretsFormat = "secrets-format", Error, "restore the secrets file from version control: it is written by cfgc only";
    SecretsVersion = "secrets-version", Error, "upgrade cfgc, or restore the file from version control";
    SecretsEmpty = "secrets-empty", Error, "restore the secrets file from version control, or write a new one with `cfgc secrets set`";
    SecretsName = "secrets-name", Error, "a secret's name is a letter or `_`, then letters, digits or `_`";
    SecretsValue = "secrets-value", Error, "restore the secrets file from version control; set the value again with `cfgc secrets set`";
    SecretsMac = "secrets-mac", Error, "the file was changed outside cfgc: restore it from version control";
    SecretsDataKey = "secrets-data-key", Error, "the `data_key` block was damaged or edited by hand; restore the file from version control";
    SecretsEnvironment = "secrets-environment", Finding, "do not copy secrets files between environments: set each value with `cfgc secrets set ENV NAME`";
    DecryptEnvironment = "decrypt-environment", Error, "do not copy secrets files between environments: set each value with `cfgc secrets set ENV NAME`";
    SecretsRecipients = "secrets-recipients", Finding, "run `cfgc secrets rekey ENV` with a key, so the file is wrapped to the recipients cfgc.toml lists";
    SecretsPending = "secrets-pending", Finding, "a key holder seals pending values with `cfgc secrets seal ENV`";
    SecretsUnsealed = "secrets-unsealed", Error, "a key holder seals pending values with `cfgc secrets seal ENV` before they are used";
    SecretsRecreated = "secrets-recreated", Finding, "a key holder of the base confirms the new data key with `cfgc secrets confirm ENV`";
    SecretsRolledBack = "secrets-rolled-back", Finding, "restore the newer file: an older one brings back values that were replaced";
    SecretsLegacyBase = "secrets-legacy-base", Error, "review the change with a key at hand (`cfgc check --base REV` on a key holder's machine)";
    SecretsChanged = "secrets-changed", Error, "run the command again";
    SecretsSkipped = "secrets-skipped", Error, "provide the environment's key (see `cfgc help identities`), or pass `--allow-skipped`";
    SecretsNotDecrypted = "secrets-not-decrypted", Warning, "merge the change first, or name the trusted revision with `--trusted REV`";
    NoSecretsFile = "no-secrets-file", Error, "declare `secrets = \"environments/ENV.secrets.yaml\"` for the environment in cfgc.toml";
    NoRecipients = "no-recipients", Error, "list the public keys that may decrypt the environment's secrets in `recipients = [...]`";
    NoIdentity = "no-identity", Error, "provide a key that decrypts the environment's secrets (see `cfgc help identities`)";
    Identity = "identity", Error, "fix or remove the identity source named (see `cfgc help identities`)";
    IdentityPermissions = "identity-permissions", Warning, "make the key file readable by you only: `chmod 600 FILE`";
    Recipient = "recipient", Error, "give an age public key (`age1…`) or an SSH public key (`ssh-ed25519 …`, `ssh-rsa …`)";
    RekeyPending = "rekey-pending", Error, "seal the pending values with `cfgc secrets seal ENV` before changing recipients";
    SealFailed = "seal-failed", Error, "ask for the value to be set again with `cfgc secrets set ENV NAME`";
    NoSuchSecret = "no-such-secret", Error, "`cfgc secrets list ENV` shows every name";
    ReservedName = "reserved-name", Error, "choose another name";
    ValueInArguments = "value-in-arguments", Error, "pipe the value in (`printf %s \"$VALUE\" | cfgc secrets set ENV NAME`), or run on a terminal to be prompted";
    Input = "input", Error, "pipe the value in, or run on a terminal to be prompted";
    Edit = "edit", Error, "keep the edited copy a mapping of secret names to string values";
    NoEditor = "no-editor", Error, "set `VISUAL` or `EDITOR`";
    EditorFailed = "editor-failed", Error, "check the editor named by `VISUAL` or `EDITOR`";
    MergeConflict = "merge-conflict", Finding, "keep one side (`git checkout --ours|--theirs -- FILE`), set the names both changed with `cfgc secrets set`, then `git add FILE`";
    MergeRecreated = "merge-recreated", Finding, "review the re-created side, keep one, and re-apply the other side's changes with `cfgc secrets set`";
    MergeNoIdentity = "merge-no-identity", Error, "merge where a key for the environment is at hand, or keep one side and re-apply the other's changes with `cfgc secrets set`";
    NothingWritten = "nothing-written", Error, "fix the errors above: the command changes all of its files or none";
    Interrupted = "interrupted", Error, "run the command again";

    // Secret stores: `secrets push`, `secrets status`, `check --store`.
    Store = "store", Error, "check the store's credentials, endpoint and permissions (README: \"Secret stores\")";
    NoStore = "no-store", Error, "declare the environment's store in cfgc.toml: `store = { kind = \"gcp-secret-manager\", project = \"…\" }`";
    StoreRecord = "store-record", Error, "restore the record from version control: `cfgc secrets push` writes it";
    StoreUnconfirmed = "store-unconfirmed", Error, "review the push plan, then run `cfgc secrets push ENV --yes`";
    StoreCancelled = "store-cancelled", Error, "run `cfgc secrets push ENV` again when the plan is what you want";
    StoreNotDecrypted = "store-not-decrypted", Error, "push from the trusted branch (merge first), or name the trusted revision with `--trusted REV`";
    StoreCreate = "store-create", Error, "create the secrets on purpose with `cfgc secrets push ENV --create`";
    StoreMissing = "store-missing", Finding, "push it with `cfgc secrets push ENV --create`, or check the store's project, region and prefix";
    StoreNotPushed = "store-not-pushed", Finding, "push it with `cfgc secrets push ENV`";
    StoreStale = "store-stale", Finding, "the deploy would ship the old value: run `cfgc secrets push ENV`, then `cfgc apply`";
    StoreInterrupted = "store-interrupted", Finding, "a push was interrupted: run `cfgc secrets push ENV` again to finish it";
    StorePinGone = "store-pin-gone", Finding, "the pinned version no longer exists: push the value again with `cfgc secrets push ENV`";
    StorePinUnusable = "store-pin-unusable", Finding, "the deploy cannot read a disabled or destroyed version: enable it in the store, or push the value again";
    StoreOutOfBand = "store-out-of-band", Finding, "a version cfgc did not make: disable it in the store, or set the value with `cfgc secrets set` and push";
    StorePinLatest = "store-pin-latest", Finding, "pin a version number: `latest` moves with every change made anywhere";
    StoreOrphan = "store-orphan", Warning, "the record names a secret the secrets file no longer holds: the next push removes the entry";

    // Rendering: templates, the rooms' escaping and the project's policies.
    Template = "template", Error, "fix the template where shown";
    TemplateSyntax = "template-syntax", Error, "fix the template syntax where shown";
    TemplateUndefined = "template-undefined", Finding, "use a variable of the schema, or guard it with `{% if NAME is defined %}`";
    TemplateEscape = "template-escape", Finding, "change the value, or the template, so the value can be written safely where it lands";
    TemplateFuel = "template-fuel", Error, "cfgc bounds each render: look for nested loops over large ranges, or a string or list that grows in a loop";
    TemplateRecursion = "template-recursion", Error, "nest macros, includes and blocks less deeply";
    TemplateOutputTooLarge = "template-output-too-large", Error, "render less: cfgc bounds the size of one output";
    Policy = "policy", Finding, "fix the template or the values it uses so the output keeps the policy";
    OutputSyntax = "output-syntax", Finding, "fix the template so the output parses as its format";
    OutputStructure = "output-structure", Finding, "fix the template so the output reads as its format's consumer expects";
    SecretInPlainOutput = "secret-in-plain-output", Finding, "use the secret only in outputs declared `secrets = true`";
    SecretUnplaceable = "secret-unplaceable", Warning, "change the secret's value so it can be written where the template places it";
    OutputSecretCheck = "output-secret-check", Finding, "check the output's policies against the secrets' real values on a key holder's machine";
    UnusedVariable = "unused-variable", Warning, "use the variable in a template, or remove it";
    LayerChanged = "layer-changed", Error, "run the command again";

    // Commands: usage and what one command alone refuses.
    ExplainUnknownVariable = "explain-unknown-variable", Error, "name a variable of the schema (`cfgc docs` lists them)";
    ExecName = "exec-name", Error, "rename the variable: an environment variable name cannot hold `=` or a NUL byte";
    ExecValue = "exec-value", Error, "remove the NUL byte from the value";
    ExecNoCommand = "exec-no-command", Error, "give the command after `--`: cfgc exec ENV -- CMD [ARGS…]";
    ExecRefused = "exec-refused", Finding, "fix the findings (`cfgc check ENV`), then run the command again";
    ExecSpawn = "exec-spawn", Error, "check the command's name and PATH: cfgc exec ENV -- CMD [ARGS…]";
    ExecNotDecrypted = "exec-not-decrypted", Error, "merge the change first, or name the trusted revision with `--trusted REV`";
    DocsStale = "docs-stale", Finding, "run `cfgc docs` and commit the result";
    CodegenUnsupported = "codegen-unsupported", Error, "change the schema where shown to what the generated loader can check, or mark the variable `\"x-infra\": true` if the app never reads it";
    ApplyUnconfirmed = "apply-unconfirmed", Error, "review `cfgc plan`, then run `cfgc apply --yes`";
    ApplyCancelled = "apply-cancelled", Error, "run `cfgc apply` again when the plan is what you want";
    EnvName = "env-name", Error, "name the environment with letters, digits, `-` or `_`";
    EnvExists = "env-exists", Error, "choose another name, or edit the environment's table in cfgc.toml";
    EnvFrom = "env-from", Error, "name a declared environment with `--from`";
    InitExists = "init-exists", Error, "run `cfgc init` in an empty folder, or move the file aside";
    InitEnv = "init-env", Error, "give `--env NAME[:TIER]` with a valid name and a declared tier";
    InitKey = "init-key", Error, "check that cfgc's key file (`~/.config/cfgc/age/keys.txt`) can be written";
    InitNoHome = "init-no-home", Error, "set `HOME` or `XDG_CONFIG_HOME`, so cfgc knows where to keep the key";
    ImportRead = "import-read", Error, "check the path of the `.env` file";
    ImportReading = "import-reading", Warning, "check the value in the layer it was written to";
    ImportSyntax = "import-syntax", Error, "fix the line where shown, as python-dotenv and dotenvx would read it";
    ImportWhichEnvironment = "import-which-environment", Error, "name the environment: `cfgc import ENV FILE` or `ENV=FILE`";
    ImportEnvironmentTwice = "import-environment-twice", Error, "import each environment from one file";
    ImportExists = "import-exists", Error, "pass `--force` to replace the value, or remove it from the `.env` file";
    ImportNoLayer = "import-no-layer", Error, "give the environment a layer in cfgc.toml";
    ImportLayerFormat = "import-layer-format", Error, "import into a YAML or TOML layer";
    ImportSchemaFormat = "import-schema-format", Error, "keep the schema's properties an object cfgc can add to";
    ImportSharedLayer = "import-shared-layer", Error, "give the environment a layer of its own as its last layer";
    ImportCredential = "import-credential", Warning, "mark the variable `\"x-secret\": true` in the schema and import again, so the value is encrypted";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_lists_the_catalogue() {
        let readme = include_str!("../../README.md");
        let block = format!("```text\n{}```", listing());
        assert!(
            readme.contains(&block),
            "README.md's list of codes is stale: replace it with the output of `cfgc help codes`"
        );
    }

    #[test]
    fn every_code_is_listed_once_in_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "`{text}` is listed twice");
            assert!(
                text.split('-').all(|w| !w.is_empty()
                    && w.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
                "`{text}` is not kebab-case"
            );
            assert!(!code.help().is_empty(), "`{text}` has no help");
        }
    }
}
