//! `SOPS_AGE_KEY_CMD`: run a command (split like a shell would, but run without one, as
//! sops does) and read identities from its stdout. Its output is key material: it is read
//! into zeroizing memory, bounded, and never echoed; its stderr stays the command's own.

use std::io::Read;
use std::process::{Command, Stdio};

use zeroize::Zeroizing;

use super::super::IdentityError;
use super::super::MAX_FILE_LEN;

pub(super) const PLACE: &str = "SOPS_AGE_KEY_CMD";

/// The command's stdout, at most [`MAX_FILE_LEN`] bytes. A command that cannot be run,
/// fails, or writes more is an error that names the variable and the program, never the
/// output (nor the arguments, which may carry a token).
pub(super) fn run(line: &str) -> Result<Zeroizing<Vec<u8>>, IdentityError> {
    let fail = |reason: String| IdentityError::Command {
        origin: PLACE.to_owned(),
        reason,
    };
    let words = shlex::split(line)
        .ok_or_else(|| fail("cannot split the command line (an unclosed quote?)".into()))?;
    let Some((program, args)) = words.split_first() else {
        return Err(fail("the command is empty".into()));
    };
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        // The command's own messages (a password manager asking to unlock) reach the user
        // as they are; only stdout is ours.
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| fail(format!("cannot run `{program}`: {e}")))?;
    let mut out = Zeroizing::new(Vec::new());
    let read = child
        .stdout
        .take()
        .expect("stdout is piped")
        .take(MAX_FILE_LEN + 1)
        .read_to_end(&mut out);
    if read.is_err() || out.len() as u64 > MAX_FILE_LEN {
        // Stop it rather than wait on a command that writes without end.
        let _ = child.kill();
    }
    let status = child
        .wait()
        .map_err(|e| fail(format!("cannot wait for `{program}`: {e}")))?;
    if let Err(e) = read {
        return Err(fail(format!("cannot read the output of `{program}`: {e}")));
    }
    if out.len() as u64 > MAX_FILE_LEN {
        return Err(fail(format!(
            "`{program}` wrote more than {MAX_FILE_LEN} bytes; a key command prints identities only"
        )));
    }
    if !status.success() {
        return Err(fail(format!(
            "`{program}` failed ({status}); its own messages, if any, are above"
        )));
    }
    Ok(out)
}
