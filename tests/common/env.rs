//! The developer's environment, kept away from the binary under test.

use std::process::Command;

/// The developer's own settings a test run must not see: their keys (cfgc's and sops's
/// places) and editor, `NO_COLOR`, and the CI's own variables (`CI`, GitHub Actions'):
/// cfgc reads those to decide whether output leaves the key holder, and a test sets them
/// only where it means to. Every command a test starts is stripped of them (and of any
/// other `GITHUB_*`, see [`strip_user_env`]).
pub const USER_VARS: &[&str] = &[
    "CI",
    "GITHUB_ACTIONS",
    "GITHUB_BASE_REF",
    "GITHUB_HEAD_REF",
    "GITHUB_REF",
    "CFGC_AGE_KEY",
    "CFGC_AGE_KEY_FILE",
    "SOPS_AGE_KEY",
    "SOPS_AGE_KEY_FILE",
    "SOPS_AGE_KEY_CMD",
    "SOPS_AGE_SSH_PRIVATE_KEY_FILE",
    "NO_COLOR",
    "EDITOR",
    "VISUAL",
];

/// Removes [`USER_VARS`] and every `GITHUB_*` variable of the test process from `cmd`.
pub fn strip_user_env(cmd: &mut Command) {
    for var in USER_VARS {
        cmd.env_remove(var);
    }
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("GITHUB_") {
            cmd.env_remove(name);
        }
    }
}
