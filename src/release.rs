//! The release loop: the stage after decrypt that puts secrets where the deploy reads
//! them. `push` adds store versions for the secrets whose sealed value changed and records
//! them; `status` compares the record with the store's metadata, with no key. The clients
//! are in `store`; this stage ties them to the project: its record files, its secrets files,
//! its diagnostics.

pub mod drift;
pub mod open;
pub mod push;
pub mod records;
pub mod status;

use std::collections::BTreeMap;

use crate::secrets::file::SecretsFile;

/// Each secret's sealed digest, by name: what a push would make versions from.
pub fn sealed(file: Option<&SecretsFile>) -> BTreeMap<String, String> {
    file.map(|f| {
        f.values
            .iter()
            .map(|(name, text)| (name.clone(), crate::store::digest::sealed(text)))
            .collect()
    })
    .unwrap_or_default()
}
