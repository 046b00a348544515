//! The canonical byte encoding fed to the AEAD (as associated data) and to the MAC.
//!
//! Every field is prefixed with its length as a big-endian u64, so no two different
//! sequences of fields encode to the same bytes: `("ab", "c")` and `("a", "bc")` differ.

/// Appends one length-prefixed field.
pub(super) fn field(out: &mut Vec<u8>, bytes: &[u8]) {
    // usize fits in u64 on every platform Rust supports.
    out.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// Appends a count, so a list's end is known without a terminator.
pub(super) fn count(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&(n as u64).to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::field;

    fn encode(fields: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        for f in fields {
            field(&mut out, f.as_bytes());
        }
        out
    }

    #[test]
    fn moving_a_boundary_changes_the_encoding() {
        assert_ne!(encode(&["ab", "c"]), encode(&["a", "bc"]));
        assert_ne!(encode(&["", "a"]), encode(&["a", ""]));
    }
}
