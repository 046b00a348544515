use std::path::PathBuf;

use super::*;
use crate::diagnostic::Code;
use crate::project::Environment;
use crate::secrets::identity::IdentitySources;
use crate::source::{FileId, Span};

fn env(identity: Option<PathBuf>) -> Environment {
    let span = Span::new(FileId(0), 0, 0);
    Environment {
        name: "e".into(),
        tier: "t".into(),
        span,
        layers: Vec::new(),
        layers_span: span,
        secrets: None,
        recipients: Vec::new(),
        deployed: None,
        store: None,
        identity: identity.map(|abs| crate::project::ProjectPath {
            rel: crate::fs::RelPath::parse(
                abs.file_name()
                    .and_then(|n| n.to_str())
                    .expect("a file name"),
            )
            .expect("a relative path"),
            abs,
        }),
    }
}

fn key_file(dir: &std::path::Path, name: &str) -> PathBuf {
    use age::secrecy::ExposeSecret;
    let path = dir.join(name);
    let id = age::x25519::Identity::generate();
    std::fs::write(&path, id.to_string().expose_secret()).expect("write key");
    path
}

#[test]
fn project_identity_is_added_and_replaces_its_not_set_line() {
    let dir = tempfile::tempdir().expect("dir");
    let shared = key_file(dir.path(), "shared.txt");
    let demo = key_file(dir.path(), "demo.txt");
    let keyring = Keyring::from_sources(IdentitySources {
        files: vec![shared],
        ..Default::default()
    });
    let plain = keyring
        .for_environment(&env(None))
        .map_err(|_| ())
        .expect("ids");
    assert_eq!(plain.iter().count(), 1);
    let with_demo = keyring
        .for_environment(&env(Some(demo)))
        .map_err(|_| ())
        .expect("ids");
    assert_eq!(with_demo.iter().count(), 2);
    let places: Vec<&str> = with_demo.searched().map(|s| s.place.as_str()).collect();
    assert_eq!(
        places.iter().filter(|p| p.contains("cfgc.toml")).count(),
        1,
        "{places:?}"
    );
    assert!(
        with_demo
            .searched()
            .last()
            .expect("entry")
            .outcome
            .contains("demo.txt")
    );
}

#[test]
fn a_missing_named_identity_is_an_error_not_a_lack_of_identity() {
    let keyring = Keyring::from_sources(IdentitySources {
        files: vec![PathBuf::from("/no/such/key.txt")],
        ..Default::default()
    });
    match keyring.for_environment(&env(None)) {
        Err(DecryptError::Failed(ds)) => {
            assert_eq!(ds[0].code, Code::Identity);
            assert!(
                ds[0].message.contains("/no/such/key.txt"),
                "{}",
                ds[0].message
            );
        }
        other => panic!("expected an identity error, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn decrypted_values_debug_is_redacted() {
    let mut values = std::collections::BTreeMap::new();
    values.insert("K".to_string(), Plaintext::from("hunter2".to_string()));
    let shown = format!("{:?}", Resolved::Values(values));
    assert!(!shown.contains("hunter2"), "{shown}");
}
