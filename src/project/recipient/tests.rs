use super::*;

// Public keys from age's own test vectors: public material, safe to commit.
const AGE: &str = "age1t7rxyev2z3rw82stdlrrepyc39nvn86l5078zqkf5uasdy86jp6svpy7pa";
const ED25519: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN";
const RSA: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDE7nIXTGNuaRBN9toI/wNALuQec8mvlt0iJ7o3OaD2UvoKHJ7S8rmIn4FiQDUed/Vac3OhUibei1k+TBmm16u2Rj3klgWZOIDgi8d4vXKI5N3YBhxr3jsQ+kz1c+iZ4z/tTtz306+4K46XViVMWwyyg9j82Jn41mOAy9vdeDIfQ5fLeaGqn5KwlT61GNkZ+ozWK/ZNlQIlNCcoXxhJULIs9XrtczWyVBAea1nlDo0WHODePxoJjmsNHrpQXn5mf9O83xs10qfTUjnRUt48jRmedFy4tcra3QGmSTQ3KZne+wXXSb0cIpXLGvZjQSPHgG1hc4r3uBpiSzvesGLv79XL";
const ECDSA: &str = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBHFliOyIZs1gxGF3fmDxFykQhE88wy6AKDGFBfn0R6ZuvRmENABZQa9+pj9hMki+LX0qDJbmHTiWDbYv/cmFt/Q=";

fn parse(text: &str) -> Result<Recipient, RecipientError> {
    text.parse()
}

#[test]
fn age_recipient_is_canonical_lowercase() {
    let r = parse(AGE).expect("valid");
    assert_eq!(r.as_str(), AGE);
    assert_eq!(r.to_string(), AGE);
    assert_eq!(parse(&AGE.to_uppercase()).expect("valid"), r);
    assert_eq!(parse(&format!("  {AGE}\n")).expect("trimmed").as_str(), AGE);
}

#[test]
fn ssh_comment_is_kept_aside_not_in_canonical_text() {
    let r = parse(&format!("{ED25519} alice@laptop")).expect("valid");
    assert_eq!(r.as_str(), ED25519);
    assert_eq!(r.to_string(), ED25519);
    assert_eq!(r.comment(), Some("alice@laptop"));
    assert_eq!(parse(ED25519).expect("valid"), r);
    assert_eq!(parse(ED25519).expect("valid").comment(), None);
}

#[test]
fn ssh_fields_may_be_separated_by_any_whitespace() {
    let (key_type, blob) = ED25519.split_once(' ').expect("two fields");
    let r = parse(&format!("{key_type}\t  {blob}   my laptop  ")).expect("valid");
    assert_eq!(r.as_str(), ED25519);
    assert_eq!(r.comment(), Some("my laptop"));
}

#[test]
fn ssh_rsa_is_accepted() {
    let r = parse(&format!("{RSA} bob@host")).expect("valid");
    assert_eq!(r.as_str(), RSA);
}

#[test]
fn bad_input_names_the_problem() {
    let cases: &[(&str, RecipientError)] = &[
        ("", RecipientError::Unrecognised),
        ("hello world", RecipientError::Unrecognised),
        (
            "age1notbech32",
            RecipientError::InvalidAge("invalid Bech32 encoding"),
        ),
        (
            "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ",
            RecipientError::SecretKey,
        ),
        (
            "-----BEGIN OPENSSH PRIVATE KEY-----\nxxx",
            RecipientError::PrivateKey,
        ),
        (
            "age-secret-key-1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq",
            RecipientError::SecretKey,
        ),
        (
            "ssh-ed25519 AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ",
            RecipientError::SecretKey,
        ),
        (
            "ssh-ed25519 x -----BEGIN OPENSSH PRIVATE KEY-----",
            RecipientError::PrivateKey,
        ),
        (
            ECDSA,
            RecipientError::UnsupportedSshType("ecdsa-sha2-nistp256".into()),
        ),
        (
            "ssh-ed25519 AAAA",
            RecipientError::InvalidSsh("invalid SSH recipient"),
        ),
        ("ssh-ed25519", RecipientError::Unrecognised),
    ];
    for (input, expected) in cases {
        assert_eq!(parse(input).as_ref().err(), Some(expected), "{input:?}");
    }
}

#[test]
fn trailing_junk_in_the_key_data_is_rejected() {
    let err = parse(&format!("{ED25519}AAAA")).err();
    assert!(
        matches!(err, Some(RecipientError::InvalidSsh(_))),
        "{err:?}"
    );
}

#[test]
fn errors_do_not_echo_the_input() {
    let huge = format!("x{}", "y".repeat(10_000));
    let secret = "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ";
    for input in [huge.as_str(), secret] {
        let message = parse(input).expect_err("rejected").to_string();
        assert!(message.len() < 300, "{message}");
        assert!(
            !message.contains("yyyy") && !message.contains("QQQQ"),
            "{message}"
        );
    }
    let long_type = format!("ssh-{} AAAA", "z".repeat(500));
    let message = parse(&long_type).expect_err("rejected").to_string();
    assert!(message.len() < 300, "{message}");
}

#[test]
fn message_for_unrecognised_input() {
    assert_eq!(
        parse("hello").expect_err("rejected").to_string(),
        "not an age recipient or SSH public key: expected `age1…` or `ssh-ed25519 …` (or `ssh-rsa …`)"
    );
}
