//! The file MAC: HMAC-SHA256 over the environment, the generation, the recipients, the
//! other metadata and every sealed value.
//!
//! Each value's AEAD already binds it to its name; the MAC adds what per-value tags cannot
//! see: a value deleted, a value rolled back to an older ciphertext, or a recipient list
//! edited by hand. Order is canonicalised here, so reordering a file does not break it.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::DataKey;
use super::encoding::{count, field};

type HmacSha256 = Hmac<Sha256>;

// Domain separation from the value AAD, which starts with "cfgc v1".
const LABEL: &[u8] = b"cfgc v1 mac";
// Files with a generation use their own label: a file whose `generation:` line was
// stripped is checked as a legacy file, under the other label, and fails.
const LABEL_GENERATION: &[u8] = b"cfgc v1 mac with generation";

/// What the MAC covers besides the values: everything in the metadata but the MAC itself,
/// the wrapped data key (covered by the key it wraps) and pending values (unauthenticated
/// by design).
#[derive(Clone, Copy)]
pub struct Covered<'a> {
    pub env: &'a str,
    /// 0: a legacy file written before generations, MAC'd as it was then.
    pub generation: u64,
    pub recipients: &'a [String],
    /// Further metadata fields as (name, text), e.g. a recorded confirmation.
    pub extra: &'a [(&'a str, &'a str)],
}

/// The MAC of a file, as standard base64 of the 32-byte HMAC-SHA256.
///
/// `recipients` should be the canonical recipient texts (`Recipient::as_str`), `entries`
/// the `(name, sealed text)` pairs exactly as stored.
pub fn mac(key: &DataKey, env: &str, recipients: &[String], entries: &[(&str, &str)]) -> String {
    BASE64.encode(
        compute(key, env, recipients, entries)
            .finalize()
            .into_bytes(),
    )
}

/// Whether `mac_text` is the MAC of this content. The comparison is constant-time; text
/// that is not base64 of the right length is simply a mismatch.
pub fn verify_mac(
    key: &DataKey,
    env: &str,
    recipients: &[String],
    entries: &[(&str, &str)],
    mac_text: &str,
) -> bool {
    let Ok(expected) = BASE64.decode(mac_text) else {
        return false;
    };
    compute(key, env, recipients, entries)
        .verify_slice(&expected)
        .is_ok()
}

/// The MAC of a file with everything `covered` says, as standard base64.
pub fn file_mac(key: &DataKey, covered: &Covered, entries: &[(&str, &str)]) -> String {
    BASE64.encode(compute_file(key, covered, entries).finalize().into_bytes())
}

/// Whether `mac_text` is `file_mac` of this content (constant-time).
pub fn verify_file_mac(
    key: &DataKey,
    covered: &Covered,
    entries: &[(&str, &str)],
    mac_text: &str,
) -> bool {
    let Ok(expected) = BASE64.decode(mac_text) else {
        return false;
    };
    compute_file(key, covered, entries)
        .verify_slice(&expected)
        .is_ok()
}

fn compute_file(key: &DataKey, covered: &Covered, entries: &[(&str, &str)]) -> HmacSha256 {
    if covered.generation == 0 && covered.extra.is_empty() {
        return compute(key, covered.env, covered.recipients, entries);
    }
    let mut message = Vec::new();
    field(&mut message, LABEL_GENERATION);
    field(&mut message, covered.env.as_bytes());
    field(&mut message, &covered.generation.to_be_bytes());
    recipient_list(&mut message, covered.recipients);
    pairs(&mut message, covered.extra);
    pairs(&mut message, entries);
    keyed(key, &message)
}

/// The legacy message: what every file written before generations was MAC'd over.
fn compute(
    key: &DataKey,
    env: &str,
    recipients: &[String],
    entries: &[(&str, &str)],
) -> HmacSha256 {
    let mut message = Vec::new();
    field(&mut message, LABEL);
    field(&mut message, env.as_bytes());
    recipient_list(&mut message, recipients);
    pairs(&mut message, entries);
    keyed(key, &message)
}

// Both formats encode lists the same way, sorted so that reordering a file keeps its MAC;
// only the label and the fields between them differ.
fn recipient_list(message: &mut Vec<u8>, recipients: &[String]) {
    let mut recipients: Vec<&str> = recipients.iter().map(String::as_str).collect();
    recipients.sort_unstable();
    count(message, recipients.len());
    for recipient in recipients {
        field(message, recipient.as_bytes());
    }
}

fn pairs(message: &mut Vec<u8>, pairs: &[(&str, &str)]) {
    let mut pairs = pairs.to_vec();
    pairs.sort_unstable();
    count(message, pairs.len());
    for (name, text) in pairs {
        field(message, name.as_bytes());
        field(message, text.as_bytes());
    }
}

fn keyed(key: &DataKey, message: &[u8]) -> HmacSha256 {
    let mut hmac =
        HmacSha256::new_from_slice(key.mac_key()).expect("HMAC accepts keys of any length");
    hmac.update(message);
    hmac
}

#[cfg(test)]
mod tests {
    use super::*;

    struct File {
        env: &'static str,
        recipients: Vec<String>,
        entries: Vec<(&'static str, &'static str)>,
    }

    impl File {
        fn new() -> Self {
            File {
                env: "prod",
                recipients: vec!["age1aaa".into(), "ssh-ed25519 AAAA".into()],
                entries: vec![("db", "ENC[v1,AAAA]"), ("api", "ENC[v1,BBBB]")],
            }
        }

        fn mac(&self, key: &DataKey) -> String {
            mac(key, self.env, &self.recipients, &self.entries)
        }
    }

    #[test]
    fn verifies_its_own_mac() {
        let key = DataKey::generate();
        let file = File::new();
        let tag = file.mac(&key);
        assert_eq!(BASE64.decode(&tag).expect("base64").len(), 32);
        assert!(verify_mac(
            &key,
            file.env,
            &file.recipients,
            &file.entries,
            &tag
        ));
    }

    #[test]
    fn order_does_not_matter() {
        let key = DataKey::generate();
        let file = File::new();
        let mut reordered = File::new();
        reordered.recipients.reverse();
        reordered.entries.reverse();
        assert_eq!(file.mac(&key), reordered.mac(&key));
    }

    #[test]
    fn every_change_changes_the_mac() {
        let key = DataKey::generate();
        let original = File::new().mac(&key);
        type Change = (&'static str, fn(&mut File));
        let changes: Vec<Change> = vec![
            ("env", |f| f.env = "staging"),
            ("recipient changed", |f| f.recipients[0] = "age1aab".into()),
            ("recipient added", |f| f.recipients.push("age1ccc".into())),
            ("recipient removed", |f| {
                f.recipients.pop();
            }),
            ("name", |f| f.entries[0].0 = "db2"),
            ("ciphertext", |f| f.entries[0].1 = "ENC[v1,AAAB]"),
            ("entry added", |f| f.entries.push(("new", "ENC[v1,CCCC]"))),
            ("entry removed", |f| {
                f.entries.pop();
            }),
            ("values swapped between names", |f| {
                f.entries = vec![("db", "ENC[v1,BBBB]"), ("api", "ENC[v1,AAAA]")];
            }),
            ("boundary moved between name and value", |f| {
                f.entries[0] = ("dbE", "NC[v1,AAAA]");
            }),
            ("recipient moved into an entry name", |f| {
                f.recipients.pop();
                f.entries.push(("ssh-ed25519 AAAA", ""));
            }),
        ];
        for (what, change) in changes {
            let mut file = File::new();
            change(&mut file);
            assert_ne!(file.mac(&key), original, "{what}");
            assert!(
                !verify_mac(&key, file.env, &file.recipients, &file.entries, &original),
                "{what}"
            );
        }
    }

    #[test]
    fn the_generation_is_covered_and_cannot_be_stripped() {
        let key = DataKey::generate();
        let file = File::new();
        let covered = |generation| Covered {
            env: file.env,
            generation,
            recipients: &file.recipients,
            extra: &[],
        };
        let tag = file_mac(&key, &covered(4), &file.entries);
        assert!(verify_file_mac(&key, &covered(4), &file.entries, &tag));
        // Raised, lowered, or stripped (a legacy file): none verifies.
        for other in [5, 3, 0] {
            assert!(!verify_file_mac(&key, &covered(other), &file.entries, &tag));
        }
        // A legacy file keeps its old MAC.
        assert_eq!(file_mac(&key, &covered(0), &file.entries), file.mac(&key));
        let extra = [("confirmed", "x")];
        let with_extra = Covered {
            extra: &extra,
            ..covered(4)
        };
        assert!(!verify_file_mac(&key, &with_extra, &file.entries, &tag));
    }

    /// Both formats pinned to bytes computed before the two builders shared their
    /// encoding: files already written must keep verifying.
    #[test]
    fn both_mac_formats_keep_their_bytes() {
        let key = DataKey::from_bytes(&[7; 32]);
        let file = File::new();
        assert_eq!(
            file.mac(&key),
            "QB+Gf+vF9D+YWNyCCEr6g3dF4WYQQATXubFc32nfgM0="
        );
        let extra = [("confirmed", "sig"), ("by", "x")];
        let covered = Covered {
            env: file.env,
            generation: 3,
            recipients: &file.recipients,
            extra: &extra,
        };
        assert_eq!(
            file_mac(&key, &covered, &file.entries),
            "/yaQAUeAMvricMdGxyCT5+UdQELiOCyN18Em1VtCqJ4="
        );
    }

    #[test]
    fn other_key_or_garbage_does_not_verify() {
        let file = File::new();
        let tag = file.mac(&DataKey::generate());
        let other = DataKey::generate();
        assert!(!verify_mac(
            &other,
            file.env,
            &file.recipients,
            &file.entries,
            &tag
        ));
        for garbage in ["", "not base64", "AAAA", &tag[..tag.len() - 4]] {
            assert!(!verify_mac(
                &other,
                file.env,
                &file.recipients,
                &file.entries,
                garbage
            ));
        }
    }
}
