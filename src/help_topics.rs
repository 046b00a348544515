//! `cfgc help TOPIC`: what is said once rather than in every subcommand's help (where
//! identities are looked for; the plumbing git and packagers run). Clap's own `help`
//! knows only subcommands, so these few topics are answered before clap parses.

use std::ffi::OsString;

const IDENTITIES: &str = "\
Where cfgc looks for age identities (to decrypt secrets), in this order:

  1. --identity FILE / -i FILE, repeatable: an age identity file (age-keygen output) or
     an SSH private key, passphrase-protected or not
  2. CFGC_AGE_KEY_FILE (a file), then CFGC_AGE_KEY (the key itself)
  3. $XDG_CONFIG_HOME/cfgc/age/keys.txt (default ~/.config/cfgc/age/keys.txt; where
     `cfgc init` writes development's key)
  4. sops's places: SOPS_AGE_SSH_PRIVATE_KEY_FILE or ~/.ssh/id_ed25519 and ~/.ssh/id_rsa,
     SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, SOPS_AGE_KEY_CMD, $XDG_CONFIG_HOME/sops/age/keys.txt
  5. the environment's `identity` in cfgc.toml (a demo key kept in the project)
";

const PLUMBING: &str = "\
Commands run by git, shells and packagers rather than by hand; hidden from `cfgc --help`,
documented in their man pages (`cfgc man --out DIR`) and the README:

  cfgc secrets textconv FILE                a keyless line-per-name summary of a secrets
                                            file (git's diff.cfgc-secrets.textconv)
  cfgc secrets merge BASE OURS THEIRS [PATH]  three-way merge, name by name (git's
                                            merge.cfgc-secrets.driver)
  cfgc completions SHELL                    a completion script for bash, zsh, fish, ...
  cfgc man [--out DIR]                      cfgc.1 on stdout, or every page into DIR

`cfgc git-setup` writes the git configuration that runs textconv and merge.
";

const TOPICS: [(&str, &str); 2] = [("identities", IDENTITIES), ("plumbing", PLUMBING)];

/// The topic's text when the arguments are exactly `help TOPIC` (after the program name).
/// `codes` is made from the catalogue, so it cannot drift from what cfgc reports.
pub fn requested(args: &[OsString]) -> Option<String> {
    match args {
        [help, topic] if help == "help" && topic == "codes" => {
            Some(crate::diagnostic::code::listing())
        }
        [help, topic] if help == "help" => TOPICS
            .iter()
            .find(|(name, _)| topic == name)
            .map(|(_, text)| text.to_string()),
        _ => None,
    }
}
