//! Confirming that a secrets file's data key was replaced on purpose, in a way CI can
//! check without a key.
//!
//! Every write publishes `signer`: the public half of an Ed25519 key derived from the
//! file's data key. When the data key is replaced or re-wrapped by someone who held the
//! old one (`rekey` after removing a recipient, `rekey --rotate`, `rekey` after adding one,
//! `secrets confirm-recreate`), the new file carries `confirmed`: a signature by the OLD
//! signing key over the environment, the old signer, the new signer and the new wrapped
//! data key. Review without a key cannot tell the same key re-wrapped from a new one, so
//! any change of the wrapped data key needs it (`review::concerns`). A file
//! re-created from the public recipient list alone cannot carry one, since its writer never
//! had the old data key; nor can it reuse another file's: `signer` is only text, but the
//! wrapped data key it would have to copy opens only with that file's key, under which
//! its writer cannot seal values or compute the MAC.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{Signature, Signer, VerifyingKey};

use super::SecretsFile;
use crate::secrets::crypto::DataKey;

const LABEL: &[u8] = b"cfgc v1 succession";

/// The `signer` text of a file under `key`.
pub fn signer(key: &DataKey) -> String {
    BASE64.encode(key.signing_key().verifying_key().to_bytes())
}

fn message(env: &str, old_signer: &str, new_signer: &str, new_data_key: &str) -> Vec<u8> {
    let mut m = Vec::new();
    for part in [
        LABEL,
        env.as_bytes(),
        old_signer.as_bytes(),
        new_signer.as_bytes(),
        new_data_key.as_bytes(),
    ] {
        m.extend_from_slice(&(part.len() as u64).to_be_bytes());
        m.extend_from_slice(part);
    }
    m
}

/// The confirmation that the file of `env` under `new` (wrapped as `new_data_key`)
/// succeeds the one under `old`.
pub fn sign(env: &str, old: &DataKey, new: &DataKey, new_data_key: &str) -> String {
    let message = message(env, &signer(old), &signer(new), new_data_key);
    let signature = old.signing_key().sign(&message);
    BASE64.encode(signature.to_bytes())
}

/// Whether `head` carries a valid confirmation that it succeeds `base` (checked with
/// the public signers alone). A legacy base publishes no signer: nothing can be checked.
pub fn confirms(base: &SecretsFile, head: &SecretsFile) -> bool {
    let (Some(old), Some(new), Some(confirmed)) = (&base.signer, &head.signer, &head.confirmed)
    else {
        return false;
    };
    let Some(key) = decode::<32>(old).and_then(|b| VerifyingKey::from_bytes(&b).ok()) else {
        return false;
    };
    let Some(signature) = decode::<64>(confirmed).map(|b| Signature::from_bytes(&b)) else {
        return false;
    };
    let message = message(&head.environment, old, new, &head.data_key);
    key.verify_strict(&message, &signature).is_ok()
}

fn decode<const N: usize>(text: &str) -> Option<[u8; N]> {
    BASE64.decode(text).ok()?.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::recipient::Recipient;
    use crate::secrets::file::{create, reseal};

    #[test]
    fn only_the_old_key_confirms_a_new_one() {
        let r = Recipient::generate();
        let (base, old) = create("prod", std::slice::from_ref(&r)).expect("create");
        let (mut head, new) = create("prod", std::slice::from_ref(&r)).expect("create");
        assert!(!confirms(&base, &head), "no confirmation");
        head.confirmed = Some(sign("prod", &new, &new, &head.data_key));
        reseal(&mut head, &new);
        assert!(!confirms(&base, &head), "signed by the new key itself");
        head.confirmed = Some(sign("staging", &old, &new, &head.data_key));
        assert!(!confirms(&base, &head), "for another environment");
        head.confirmed = Some(sign("prod", &old, &new, &head.data_key));
        reseal(&mut head, &new);
        assert!(confirms(&base, &head));
        let (other, _) = create("prod", std::slice::from_ref(&r)).expect("create");
        assert!(!confirms(&other, &head), "another base");
        // Another file claiming this one's signer and confirmation: its own wrapped data
        // key is not the one signed.
        let (mut copy, _) = create("prod", &[r]).expect("create");
        copy.signer = head.signer.clone();
        copy.confirmed = head.confirmed.clone();
        assert!(
            !confirms(&base, &copy),
            "a confirmation copied to another file"
        );
    }
}
