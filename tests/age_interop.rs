//! cfgc's wrapped data keys against the real `age` CLI, in both directions: a file cfgc
//! writes must open with `age -d`, and a file `age` writes must unwrap in cfgc. The CLI is
//! required (`scripts/test` installs it, and ssh-keygen), so a missing binary fails the test
//! with how to install it rather than skipping.

use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use cfgc::project::recipient::Recipient;
use cfgc::secrets::crypto::{DataKey, unwrap, wrap};
use cfgc::secrets::identity::{Identity, IdentitySources, discover};

use crate::common::tools;

/// Runs a CLI and returns its stdout, failing loudly with its stderr.
fn run(program: &str, args: &[&str], stdin: &[u8]) -> Vec<u8> {
    let mut child = tools::spawn(
        tools::command(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    );
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin)
        .expect("write stdin");
    let output = child.wait_with_output().expect("wait");
    assert!(
        output.status.success(),
        "`{program} {}` failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn path_arg(path: &Path) -> &str {
    path.to_str().expect("temp paths are UTF-8")
}

/// `age-keygen -o key.txt`, loaded through cfgc's discovery as `--identity key.txt`.
fn keygen(dir: &Path) -> (std::path::PathBuf, Recipient, Vec<Identity>) {
    let key_file = dir.join("key.txt");
    run("age-keygen", &["-o", path_arg(&key_file)], b"");
    let public = String::from_utf8(run("age-keygen", &["-y", path_arg(&key_file)], b""))
        .expect("public key is text");
    let recipient: Recipient = public.parse().expect("age-keygen's public key parses");
    let sources = IdentitySources {
        files: vec![key_file.clone()],
        ..Default::default()
    };
    let (identities, _) = discover(&sources).expect("age-keygen's key file loads");
    assert_eq!(identities.len(), 1);
    assert_eq!(identities[0].recipient().as_ref(), Some(&recipient));
    (key_file, recipient, identities)
}

#[test]
fn age_cli_decrypts_a_key_wrapped_by_cfgc() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (key_file, recipient, identities) = keygen(dir.path());

    let key = DataKey::generate();
    let armored = wrap(&key, &[recipient]).expect("wrap");
    let wrapped_file = dir.path().join("data-key.age");
    std::fs::write(&wrapped_file, &armored).expect("write wrapped key");

    let decrypted = run(
        "age",
        &["-d", "-i", path_arg(&key_file), path_arg(&wrapped_file)],
        b"",
    );
    assert_eq!(decrypted.as_slice(), key.expose_bytes());

    let unwrapped = unwrap(&armored, &identities).expect("unwrap");
    assert_eq!(unwrapped.expose_bytes(), decrypted.as_slice());
}

#[test]
fn cfgc_unwraps_a_key_encrypted_by_the_age_cli() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, recipient, identities) = keygen(dir.path());

    // Any 32 bytes stand for a data key; a fresh one saves writing a random generator.
    let bytes = *DataKey::generate().expose_bytes();
    let armored = run("age", &["-r", recipient.as_str(), "-a"], &bytes);
    let armored = String::from_utf8(armored).expect("armored output is text");

    let unwrapped = unwrap(&armored, &identities).expect("unwrap");
    assert_eq!(unwrapped.expose_bytes(), &bytes);
}

#[test]
fn age_cli_decrypts_a_key_wrapped_to_an_ssh_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let private = dir.path().join("id_ed25519");
    let keygen = tools::status(
        tools::command("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", "ci@cfgc", "-f"])
            .arg(&private),
    );
    assert!(keygen.success(), "ssh-keygen failed");
    let public = std::fs::read_to_string(private.with_extension("pub")).expect("public key");
    let recipient: Recipient = public.parse().expect("ssh public key parses");

    let key = DataKey::generate();
    let wrapped_file = dir.path().join("data-key.age");
    std::fs::write(&wrapped_file, wrap(&key, &[recipient]).expect("wrap")).expect("write");
    let decrypted = run(
        "age",
        &["-d", "-i", path_arg(&private), path_arg(&wrapped_file)],
        b"",
    );
    assert_eq!(decrypted.as_slice(), key.expose_bytes());
}

/// Through the binary: a key made by `age-keygen` decrypts cfgc's secrets file, and the
/// file's `data_key` block opens with `age -d` and that key (the escape hatch if cfgc is
/// ever unavailable).
#[test]
fn age_keygen_key_opens_a_cfgc_secrets_file_and_age_opens_its_data_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (key_file, recipient, _) = keygen(dir.path());
    let project = dir.path().join("project");
    std::fs::create_dir_all(project.join("environments")).expect("mkdir");
    std::fs::create_dir_all(project.join("schema")).expect("mkdir");
    std::fs::write(
        project.join("cfgc.toml"),
        format!(
            "[project]\nname = \"interop\"\nschema = \"schema/s.json\"\n\n[environments.prod]\ntier = \"deployed\"\nlayers = [\"environments/prod.yaml\"]\nsecrets = \"environments/prod.secrets.yaml\"\nrecipients = [\"{recipient}\"]\n"
        ),
    )
    .expect("write cfgc.toml");
    std::fs::write(
        project.join("schema/s.json"),
        r#"{"type": "object", "properties": {"API_TOKEN": {"type": "string", "x-secret": true}}}"#,
    )
    .expect("write schema");
    std::fs::write(project.join("environments/prod.yaml"), "").expect("write layer");
    let cfgc = |args: &[&str], stdin: &[u8]| {
        let mut full = vec!["-C", path_arg(&project), "-i", path_arg(&key_file)];
        full.extend_from_slice(args);
        run(env!("CARGO_BIN_EXE_cfgc"), &full, stdin)
    };
    cfgc(
        &["secrets", "set", "prod", "API_TOKEN"],
        b"interop-value-42",
    );
    assert_eq!(
        cfgc(&["secrets", "get", "prod", "API_TOKEN"], b""),
        b"interop-value-42\n"
    );

    let text =
        std::fs::read_to_string(project.join("environments/prod.secrets.yaml")).expect("read");
    let armored: String = text
        .lines()
        .skip_while(|l| !l.starts_with("  data_key: |"))
        .skip(1)
        .take_while(|l| l.starts_with("    "))
        .map(|l| format!("{}\n", &l[4..]))
        .collect();
    assert!(
        armored.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"),
        "{armored}"
    );
    let data_key = run(
        "age",
        &["-d", "-i", path_arg(&key_file)],
        armored.as_bytes(),
    );
    assert_eq!(data_key.len(), 32, "the payload is the 32-byte data key");
}
