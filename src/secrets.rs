//! The cryptographic core of secrets files: data keys, sealed values, the file MAC, and the age keys that wrap them.

pub mod crypto;
pub mod identity;
pub mod recipient;

#[cfg(test)]
mod test_keys;
