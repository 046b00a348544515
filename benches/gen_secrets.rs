//! Writes many cfgc secrets files quickly, for the benchmark generators
//! (`gen_project.py`, `gen_plan_project.py`): through the library calls
//! `cfgc secrets set` makes (`create`, `update`, `serialize`), with no process per value.
//!
//!   cargo bench --bench gen_secrets -- --spec SPEC.json
//!
//! SPEC.json: `{"key_file": PATH, "files": [{"path": P, "environment": E,
//! "values": {NAME: VALUE, ...}}, ...]}`. The identity in `key_file` is read, or generated
//! and written there (age-keygen format) when the file does not exist; every file is
//! encrypted to it. Prints the recipient (`age1…`) on stdout.
//!
//! Without `--spec` (`cargo bench` running every bench) it does nothing.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::str::FromStr;

use age::secrecy::ExposeSecret;
use cfgc::project::recipient::Recipient;
use cfgc::secrets::crypto::Plaintext;
use cfgc::secrets::file::{Change, create, serialize, update};
use rayon::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Spec {
    key_file: PathBuf,
    files: Vec<FileSpec>,
}

#[derive(Deserialize)]
struct FileSpec {
    path: PathBuf,
    environment: String,
    values: BTreeMap<String, String>,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(spec_path) = args
        .iter()
        .position(|a| a == "--spec")
        .and_then(|i| args.get(i + 1))
    else {
        eprintln!("gen_secrets: no --spec given, nothing to do (see benches/gen_secrets.rs)");
        return;
    };
    let spec: Spec = serde_json::from_str(
        &std::fs::read_to_string(spec_path).expect("the spec file is readable"),
    )
    .expect("the spec is valid JSON of the documented shape");
    let identity = identity(&spec.key_file);
    let recipient: Recipient = identity
        .to_public()
        .to_string()
        .parse()
        .expect("an age public key is a valid recipient");
    spec.files.par_iter().for_each(|f| {
        let (file, key) =
            create(&f.environment, std::slice::from_ref(&recipient)).expect("data key wraps");
        let changes = f
            .values
            .iter()
            .map(|(name, value)| (name.clone(), Change::Set(Plaintext::from(value.clone()))))
            .collect();
        let file = update(&file, &key, &BTreeMap::new(), changes);
        if let Some(dir) = f.path.parent() {
            std::fs::create_dir_all(dir).expect("the output folder can be created");
        }
        std::fs::write(&f.path, serialize(&file)).expect("the secrets file can be written");
    });
    println!("{}", recipient.as_str());
}

/// The identity in `path`, or a new one written there.
fn identity(path: &std::path::Path) -> age::x25519::Identity {
    if let Ok(text) = std::fs::read_to_string(path) {
        let line = text
            .lines()
            .find(|l| l.starts_with("AGE-SECRET-KEY-"))
            .expect("the key file holds an AGE-SECRET-KEY- line");
        return age::x25519::Identity::from_str(line).expect("a valid age identity");
    }
    let identity = age::x25519::Identity::generate();
    let text = format!(
        "# public key: {}\n{}\n",
        identity.to_public(),
        identity.to_string().expose_secret()
    );
    std::fs::write(path, text).expect("the key file can be written");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .expect("the key file's mode can be set");
    }
    identity
}
