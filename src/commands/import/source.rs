//! Reading the `.env` to import: named on the command line, so it may live outside the
//! project (not a project file, hence not through `ProjectFs`), read with the same care as a
//! key file: a regular file only (a FIFO is refused without blocking), bounded, UTF-8, kept
//! in zeroizing memory because it holds secrets.

use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use crate::diagnostic::{Code, Diagnostic};

/// A `.env` to import is small; a bigger file was named by mistake.
const MAX_LEN: u64 = 1 << 20;

/// The `.env` to import, named on the command line (it may live outside the project):
/// a regular file (a FIFO is refused without blocking), at most `MAX_LEN` bytes, UTF-8.
pub(super) fn read(path: &Path) -> Result<zeroize::Zeroizing<String>, Diagnostic> {
    let cannot = |why: String| {
        Diagnostic::new(
            Code::ImportRead,
            format!("cannot read {}: {why}", path.display()),
        )
        .help("name an existing .env file, e.g. `cfgc import production .env.production`")
    };
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags((rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOCTTY).bits() as i32)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => cannot("no such file".into()),
            _ => cannot(e.to_string()),
        })?;
    let meta = file.metadata().map_err(|e| cannot(e.to_string()))?;
    if !meta.is_file() {
        return Err(cannot("not a regular file".into()));
    }
    let mut bytes =
        zeroize::Zeroizing::new(Vec::with_capacity(meta.len().min(MAX_LEN) as usize + 1));
    file.take(MAX_LEN + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| cannot(e.to_string()))?;
    if bytes.len() as u64 > MAX_LEN {
        return Err(cannot(format!(
            "larger than {MAX_LEN} bytes; not a .env file"
        )));
    }
    let text = std::str::from_utf8(&bytes).map_err(|_| cannot("not UTF-8 text".into()))?;
    Ok(zeroize::Zeroizing::new(text.to_owned()))
}
