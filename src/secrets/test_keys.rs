//! Keys made fresh for unit tests, so no private key is ever committed.

use std::path::PathBuf;
use std::process::Command;

use tempfile::TempDir;

/// An OpenSSH ed25519 key pair from `ssh-keygen`, with `passphrase` ("" for none).
/// `None` (with a note on stderr) when `ssh-keygen` is not installed.
pub(crate) fn ssh_ed25519(passphrase: &str) -> Option<(TempDir, PathBuf)> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("id_ed25519");
    let status = Command::new("ssh-keygen")
        .args([
            "-q",
            "-t",
            "ed25519",
            "-C",
            "test@cfgc",
            "-N",
            passphrase,
            "-f",
        ])
        .arg(&path)
        .status();
    match status {
        Ok(status) if status.success() => Some((dir, path)),
        Ok(status) => panic!("ssh-keygen failed: {status}"),
        Err(err) => {
            eprintln!("note: skipping SSH key test, ssh-keygen is not available: {err}");
            None
        }
    }
}
