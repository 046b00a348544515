use std::path::Path;

use age::secrecy::ExposeSecret;

use super::parse::{parse_bytes, parse_text, read_file};
use super::*;
use crate::secrets::test_keys;

/// A key file read and parsed, as discovery does.
fn load(path: &Path, origin: &str) -> Result<Option<Vec<Identity>>, IdentityError> {
    match read_file(path, origin)? {
        None => Ok(None),
        Some(bytes) => parse_bytes(&bytes, origin).map(Some),
    }
}

/// A key file as `age-keygen` writes it, and the key's secret and public text.
pub(super) fn keygen_file() -> (String, String, String) {
    let key = age::x25519::Identity::generate();
    let secret = key.to_string().expose_secret().to_owned();
    let public = key.to_public().to_string();
    let file = format!("# created: 2024-01-01T00:00:00Z\n# public key: {public}\n{secret}\n");
    (file, secret, public)
}

fn recipients(identities: &[Identity]) -> Vec<String> {
    identities
        .iter()
        .map(|i| i.recipient().expect("has a public key").to_string())
        .collect()
}

#[test]
fn reads_an_age_keygen_file_with_comments() {
    let (file, _, public) = keygen_file();
    let identities = parse_text(&file, "keys.txt").expect("parses");
    assert_eq!(recipients(&identities), [public]);
    assert_eq!(identities[0].source(), "keys.txt, line 3");
}

#[test]
fn reads_several_keys_crlf_and_indentation() {
    let (_, a_secret, a_public) = keygen_file();
    let (_, b_secret, b_public) = keygen_file();
    let text = format!("# two keys\r\n\r\n  {a_secret}\r\n\t{b_secret}  \r\n");
    let identities = parse_text(&text, "CFGC_AGE_KEY").expect("parses");
    assert_eq!(recipients(&identities), [a_public, b_public]);
    assert_eq!(identities[1].source(), "CFGC_AGE_KEY, line 4");
}

#[test]
fn bad_line_names_the_line_but_not_its_content() {
    let (_, secret, _) = keygen_file();
    // A corrupted key: one character changed breaks the bech32 checksum.
    let mut corrupted = secret.clone();
    let last = corrupted.pop().expect("non-empty");
    corrupted.push(if last == 'Q' { 'P' } else { 'Q' });
    let cases = [
        (format!("# c\n{corrupted}\n"), 2, "invalid age secret key"),
        (
            format!("{secret}\n\nhunter2 password\n"),
            3,
            "not an age identity",
        ),
        (
            "age1t7rxyev2z3rw82stdlrrepyc39nvn86l5078zqkf5uasdy86jp6svpy7pa\n".into(),
            1,
            "public key",
        ),
    ];
    for (text, line, reason) in cases {
        let err = parse_text(&text, "k.txt").expect_err("rejected");
        let message = err.to_string();
        assert!(
            matches!(err, IdentityError::Malformed { line: Some(n), .. } if n == line),
            "{message}"
        );
        assert!(
            message.starts_with(&format!("k.txt, line {line}: ")),
            "{message}"
        );
        assert!(message.contains(reason), "{message}");
        assert!(!message.contains(&secret[20..]) && !message.contains(&corrupted[20..]));
        assert!(!message.contains("hunter2"), "{message}");
    }
}

#[test]
fn plugin_and_post_quantum_keys_are_unsupported() {
    for line in ["AGE-PLUGIN-YUBIKEY-1QQQQQQ", "AGE-SECRET-KEY-PQ-1QQQQQQ"] {
        let err = parse_text(line, "k.txt").expect_err("rejected");
        assert!(matches!(err, IdentityError::Unsupported { .. }), "{err}");
        assert!(
            err.to_string()
                .starts_with("k.txt, line 1: unsupported key: "),
            "{err}"
        );
    }
}

#[test]
fn a_damaged_age_encrypted_key_file_is_malformed_before_any_prompt() {
    let armored = "-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n";
    let err = parse_text(armored, "k.txt.age").expect_err("rejected");
    assert!(matches!(err, IdentityError::Malformed { .. }), "{err}");
}

#[test]
fn an_identity_file_encrypted_to_a_recipient_is_unsupported_before_any_prompt() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("keys.txt.age");
    let (file, _, _) = keygen_file();
    let encrypted = age::encrypt(
        &age::x25519::Identity::generate().to_public(),
        file.as_bytes(),
    )
    .expect("encrypt");
    std::fs::write(&path, encrypted).expect("write");
    let err = load(&path, "k").expect_err("rejected");
    assert!(matches!(err, IdentityError::Unsupported { .. }), "{err}");
}

#[test]
fn non_text_file_is_malformed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("blob");
    std::fs::write(&path, [0xffu8, 0x00, 0xfe]).expect("write");
    let err = load(&path, "blob").expect_err("rejected");
    assert!(
        matches!(err, IdentityError::Malformed { line: None, .. }),
        "{err}"
    );
}

#[test]
fn missing_file_is_none_for_the_caller_to_judge() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(matches!(load(&dir.path().join("nope"), "nope"), Ok(None)));
}

#[test]
fn huge_file_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("big");
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(super::MAX_FILE_LEN + 1).expect("sparse file");
    let err = load(&path, "big").expect_err("rejected");
    assert!(matches!(err, IdentityError::TooLarge { .. }), "{err}");
}

#[test]
fn unencrypted_ssh_key_loads() {
    let (_dir, path) = test_keys::ssh_ed25519("");
    let identities = load(&path, "id_ed25519").expect("reads").expect("exists");
    assert_eq!(identities.len(), 1);
    assert_eq!(identities[0].source(), "id_ed25519");
    assert_eq!(recipients(&identities), [ssh_public(&path)]);
}

#[test]
fn passphrase_protected_keys_are_recognised_without_asking() {
    // Opening one asks on the terminal (tests/keys.rs does, on a pty); here only the
    // recognition that decides whether a default key is passed over.
    let (_dir, path) = test_keys::ssh_ed25519("correct horse");
    assert!(super::passphrase::is_locked(
        &std::fs::read(&path).expect("read")
    ));
    let (_dir, path) = test_keys::ssh_ed25519("");
    assert!(!super::passphrase::is_locked(
        &std::fs::read(&path).expect("read")
    ));
    let (file, _, _) = keygen_file();
    assert!(!super::passphrase::is_locked(file.as_bytes()));
}

#[test]
fn garbage_after_begin_line_is_malformed() {
    let text =
        "-----BEGIN OPENSSH PRIVATE KEY-----\nnot base64 !!\n-----END OPENSSH PRIVATE KEY-----\n";
    let err = parse_text(text, "id").expect_err("rejected");
    assert!(
        matches!(err, IdentityError::Malformed { line: None, .. }),
        "{err}"
    );
}

#[test]
fn debug_shows_source_not_key() {
    let (file, secret, _) = keygen_file();
    let identities = parse_text(&file, "keys.txt").expect("parses");
    let debug = format!("{identities:?}");
    assert!(
        debug.contains("keys.txt, line 3") && debug.contains("x25519"),
        "{debug}"
    );
    assert!(!debug.contains(&secret[16..]), "{debug}");
}

fn ssh_public(private: &Path) -> String {
    let text = std::fs::read_to_string(private.with_extension("pub")).expect("public key");
    text.split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}
