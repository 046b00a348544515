//! Keys made fresh for unit tests, so no private key is ever committed.

use std::io::ErrorKind;
use std::path::PathBuf;
use std::process::Command;

use tempfile::TempDir;

/// An OpenSSH ed25519 key pair from `ssh-keygen`, with `passphrase` ("" for none). A missing
/// `ssh-keygen` fails the test with how to install it: a skipped key test would pass silently.
pub(crate) fn ssh_ed25519(passphrase: &str) -> (TempDir, PathBuf) {
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
        Ok(status) if status.success() => (dir, path),
        Ok(status) => panic!("ssh-keygen failed: {status}"),
        Err(err) if err.kind() == ErrorKind::NotFound => panic!(
            "`ssh-keygen` is not installed: apt-get install openssh-client; \
             `scripts/test` installs everything the tests need"
        ),
        Err(err) => panic!("cannot run `ssh-keygen`: {err}"),
    }
}
