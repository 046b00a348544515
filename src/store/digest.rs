//! What a store version was made from, as the record keeps it: a digest of the sealed
//! value (the `ENC[…]` text in the secrets file), never of the plaintext. Anyone can
//! compute it from the repository, so a keyless `status` tells a value changed since its
//! push; it says nothing about the value a key would open.

use sha2::{Digest, Sha256};

/// `sha256:` and the hex digest of the sealed text.
pub fn sealed(sealed_text: &str) -> String {
    let digest = Sha256::digest(sealed_text.as_bytes());
    format!("sha256:{}", hex(&digest))
}

/// The idempotency token of one push of one sealed value after store version `after`:
/// the same push retried gets the same token, a later push of the same text another.
pub fn token(sealed_digest: &str, after: Option<&str>) -> String {
    let mut h = Sha256::new();
    h.update(sealed_digest.as_bytes());
    h.update(b"\n");
    h.update(after.unwrap_or("").as_bytes());
    // 32 hex digits in the 8-4-4-4-12 shape: what AWS's ClientRequestToken (32 to 64
    // characters) and the SDKs' own UUID tokens look like.
    let x = hex(&h.finalize()[..16]);
    format!(
        "{}-{}-{}-{}-{}",
        &x[..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..]
    )
}

/// Lowercase hex, as digests and SigV4 write bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    const SHA256_OF_ENC_ABC: &str =
        "ee3bad3b566e16d911420c693dc10fee6101cccedcba6cd194aab802a05480c9";

    #[test]
    fn digests_and_tokens_are_stable() {
        // `printf %s 'ENC[v1,abc]' | sha256sum`
        assert_eq!(
            super::sealed("ENC[v1,abc]"),
            format!("sha256:{}", SHA256_OF_ENC_ABC)
        );
        let t = super::token("sha256:00", Some("3"));
        assert_eq!(t.len(), 36);
        assert_ne!(t, super::token("sha256:00", Some("4")));
        assert_eq!(t, super::token("sha256:00", Some("3")));
    }
}
