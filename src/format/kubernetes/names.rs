//! The API server's rules for the names and keys of a Secret or ConfigMap, and how it reads
//! the base64 of a `data` (Secret) or `binaryData` (ConfigMap) value. Written from
//! k8s.io/apimachinery's validation (`IsDNS1123Subdomain`, `IsDNS1123Label`,
//! `IsConfigMapKey`) and Go's `encoding/json`, which decodes a `[]byte` field with
//! `base64.StdEncoding` (padding required, line breaks ignored).

use base64::Engine;
use base64::engine::{GeneralPurpose, GeneralPurposeConfig};

/// `metadata.name` of a Secret or ConfigMap: a DNS-1123 subdomain.
pub fn subdomain_problem(name: &str) -> Option<&'static str> {
    if name.len() > 253 {
        return Some("is longer than 253 characters");
    }
    if name.split('.').all(|label| label_ok(label, 253)) {
        None
    } else {
        Some(
            "must be lowercase letters, digits, `-` and `.`, starting and ending with a letter or digit",
        )
    }
}

/// `metadata.namespace`: a DNS-1123 label.
pub fn label_problem(name: &str) -> Option<&'static str> {
    if label_ok(name, 63) {
        None
    } else {
        Some(
            "must be at most 63 lowercase letters, digits and `-`, starting and ending with a letter or digit",
        )
    }
}

fn label_ok(label: &str, max: usize) -> bool {
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    label.len() <= max
        && edge(label.chars().next())
        && edge(label.chars().last())
        && label
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// A key of `data`, `stringData` or `binaryData` (it becomes a file name when the object is
/// mounted as a volume).
pub fn key_problem(key: &str) -> Option<&'static str> {
    if key.is_empty() || key.len() > 253 {
        return Some("must be 1 to 253 characters");
    }
    if !key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Some("may hold only letters, digits, `-`, `_` and `.`");
    }
    if key == "." || key.starts_with("..") {
        return Some("may not be `.` or start with `..`");
    }
    None
}

/// Go's `base64.StdEncoding`: padding required, and bits after the last full byte not
/// checked (the strict engines of the base64 crate refuse those).
const GO_STD: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
);

/// The bytes the API server decodes from a base64 value, or `None` when it refuses it.
pub fn decoded_len(text: &str) -> Option<usize> {
    let text: String = text.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();
    GO_STD.decode(text).ok().map(|bytes| bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keys_and_base64_as_the_api_server_reads_them() {
        assert_eq!(subdomain_problem("app-config.v1"), None);
        assert!(subdomain_problem("App").is_some());
        assert!(subdomain_problem("-app").is_some());
        assert!(subdomain_problem("a..b").is_some());
        assert_eq!(label_problem("prod-1"), None);
        assert!(label_problem("prod.1").is_some());
        assert_eq!(key_problem("DATABASE_URL"), None);
        assert_eq!(key_problem("tls.crt"), None);
        assert!(key_problem("a b").is_some());
        assert!(key_problem("..data").is_some());
        assert!(key_problem("").is_some());
        assert_eq!(decoded_len("aGVsbG8="), Some(5));
        assert_eq!(decoded_len("aGVs\nbG8="), Some(5));
        assert_eq!(decoded_len("aGVsbG8"), None);
        assert_eq!(decoded_len("hello!"), None);
    }
}
