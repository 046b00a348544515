use super::*;
use crate::secrets::identity::{IdentitySources, discover};
use crate::secrets::test_keys;

fn x25519() -> (Identity, Recipient) {
    let key = age::x25519::Identity::generate();
    let recipient = Recipient::from_x25519(key.to_public());
    (Identity::from_x25519(key, "test"), recipient)
}

#[test]
fn wrap_then_unwrap_with_x25519() {
    let (identity, recipient) = x25519();
    let key = DataKey::generate();
    let armored = wrap(&key, &[recipient]).expect("wrap");
    assert!(
        armored.starts_with("-----BEGIN AGE ENCRYPTED FILE-----\n"),
        "{armored}"
    );
    assert!(
        armored
            .trim_end()
            .ends_with("-----END AGE ENCRYPTED FILE-----"),
        "{armored}"
    );
    let unwrapped = unwrap(&armored, &[identity]).expect("unwrap");
    assert_eq!(unwrapped.expose_bytes(), key.expose_bytes());
}

#[test]
fn any_recipient_can_unwrap() {
    let (alice, alice_pub) = x25519();
    let (bob, bob_pub) = x25519();
    let key = DataKey::generate();
    let armored = wrap(&key, &[alice_pub, bob_pub]).expect("wrap");
    for identity in [alice, bob] {
        let unwrapped = unwrap(&armored, &[identity]).expect("unwrap");
        assert_eq!(unwrapped.expose_bytes(), key.expose_bytes());
    }
}

#[test]
fn wrap_then_unwrap_with_ssh_ed25519() {
    let (_dir, path) = test_keys::ssh_ed25519("");
    let public = std::fs::read_to_string(path.with_extension("pub")).expect("public key");
    let recipient: Recipient = public.parse().expect("ssh-keygen's public key parses");
    let sources = IdentitySources {
        files: vec![path],
        ..Default::default()
    };
    let (identities, _) = discover(&sources).expect("private key loads");
    assert_eq!(identities[0].recipient(), Some(recipient.clone()));

    let key = DataKey::generate();
    let armored = wrap(&key, &[recipient]).expect("wrap");
    let unwrapped = unwrap(&armored, &identities).expect("unwrap");
    assert_eq!(unwrapped.expose_bytes(), key.expose_bytes());
}

#[test]
fn wrong_identity_is_no_matching_identity() {
    let (_, recipient) = x25519();
    let (stranger, _) = x25519();
    let armored = wrap(&DataKey::generate(), &[recipient]).expect("wrap");
    assert_eq!(
        unwrap(&armored, &[stranger]).map(|_| ()),
        Err(UnwrapError::NoMatchingIdentity)
    );
    assert_eq!(
        unwrap(&armored, &[]).map(|_| ()),
        Err(UnwrapError::NoMatchingIdentity)
    );
}

#[test]
fn tries_every_identity() {
    let (stranger, _) = x25519();
    let (owner, recipient) = x25519();
    let key = DataKey::generate();
    let armored = wrap(&key, &[recipient]).expect("wrap");
    let unwrapped = unwrap(&armored, &[stranger, owner]).expect("second identity fits");
    assert_eq!(unwrapped.expose_bytes(), key.expose_bytes());
}

#[test]
fn no_recipients_is_an_error() {
    assert_eq!(
        wrap(&DataKey::generate(), &[]),
        Err(CryptoError::NoRecipients)
    );
}

#[test]
fn not_an_age_file_is_malformed() {
    let (identity, _) = x25519();
    for text in [
        "",
        "hello",
        "-----BEGIN AGE ENCRYPTED FILE-----\n!!!\n-----END AGE ENCRYPTED FILE-----\n",
    ] {
        let err = unwrap(text, std::slice::from_ref(&identity)).map(|_| ());
        assert!(
            matches!(err, Err(UnwrapError::Malformed(_))),
            "{text:?}: {err:?}"
        );
    }
}

#[test]
fn wrong_payload_length_is_malformed() {
    let key = age::x25519::Identity::generate();
    let recipient = key.to_public();
    let identity = Identity::from_x25519(key, "test");
    for len in [0, 31, 33, 1000] {
        let armored = age::encrypt_and_armor(&recipient, &vec![7u8; len]).expect("encrypt");
        let err = unwrap(&armored, std::slice::from_ref(&identity)).map(|_| ());
        let Err(UnwrapError::Malformed(message)) = err else {
            panic!("{len} bytes: {err:?}");
        };
        assert!(message.contains("expected a 32-byte data key"), "{message}");
    }
}

#[test]
fn tampered_age_file_is_malformed() {
    let (identity, recipient) = x25519();
    let armored = wrap(&DataKey::generate(), &[recipient]).expect("wrap");
    let mut binary = Vec::new();
    ArmoredReader::new(armored.as_bytes())
        .read_to_end(&mut binary)
        .expect("dearmor");
    let last = binary.len() - 1;
    binary[last] ^= 1;
    let err = unwrap_binary(&binary, &identity);
    assert!(matches!(err, Err(UnwrapError::Malformed(_))), "{err:?}");
}

// Re-armors bytes, so tampering can happen below the armor.
fn unwrap_binary(binary: &[u8], identity: &Identity) -> Result<(), UnwrapError> {
    let mut armored = Vec::new();
    let mut writer = ArmoredWriter::wrap_output(&mut armored, Format::AsciiArmor).expect("armor");
    writer.write_all(binary).expect("write");
    writer.finish().expect("finish");
    let text = String::from_utf8(armored).expect("ascii");
    unwrap(&text, std::slice::from_ref(identity)).map(|_| ())
}
