//! Secrets files: their format (`file`) and the cryptographic core under it: data keys,
//! sealed values, the file MAC, and the age keys that wrap them.

pub mod crypto;
pub mod file;
pub mod history;
pub mod identity;
pub mod pending;
pub mod review;

#[cfg(test)]
mod test_keys;
