//! Encryption of a secrets file: one random data key per file, wrapped with age to every
//! recipient; each value sealed under it; one MAC binding the whole file together.
//!
//! The data key is never used directly: HKDF derives one subkey for values and another for
//! the MAC, so no key serves two purposes.

mod encoding;
mod error;
mod key;
mod mac;
mod value;
mod wrap;

pub use error::{CryptoError, UnwrapError};
pub use key::DataKey;
pub use mac::{Covered, file_mac, mac, verify_file_mac, verify_mac};
pub use value::{Plaintext, check_sealed, open, seal};
pub use wrap::{unwrap, wrap};
