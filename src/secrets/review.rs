//! Secrets files compared without a key, as a reviewer needs them: which names were
//! added, removed or changed (a value's ciphertext changes only when its value does,
//! since every write re-seals only what changed), which recipients came or went, whether
//! the data key was replaced, and what the generation says about a rollback.
//!
//! Re-creation is told by one rule, whatever else changed (recipients, generation):
//! a wrapped data key (or its signer) that differs from the base's must carry a
//! signature by the base's data key (`confirm`). Every honest writer that replaces or
//! re-wraps the key holds the old one and signs; a file re-created from the public
//! recipient list cannot.

use std::collections::BTreeSet;

use super::file::SecretsFile;

/// What changed from `base` to `head` of one secrets file; `None` where it did not exist.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub created: bool,
    pub deleted: bool,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
    pub recipients_added: Vec<String>,
    pub recipients_removed: Vec<String>,
    /// The wrapped data key or its signer differs from the base's: re-wrapped for other
    /// recipients, replaced by a rotation, or re-created.
    pub key_changed: bool,
    /// With `key_changed`: the new file carries a valid signature by the base's data key.
    pub confirmed: bool,
    /// A new data key (anything but a confirmed re-wrap of the same one): every value was
    /// sealed again, so "changed" cannot be told per name.
    pub resealed: bool,
    pub pending_added: Vec<String>,
    pub pending_removed: Vec<String>,
    pub pending_changed: Vec<String>,
    /// Generations before and after (0: legacy, or no file).
    pub generations: (u64, u64),
    /// The MAC or another covered part changed although nothing above did (e.g. only the
    /// generation or a confirmation).
    pub other: bool,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        *self
            == Changes {
                generations: self.generations,
                ..Changes::default()
            }
    }
}

pub fn compare(base: Option<&SecretsFile>, head: Option<&SecretsFile>) -> Changes {
    let empty = SecretsFile {
        environment: String::new(),
        recipients: Vec::new(),
        data_key: String::new(),
        mac: String::new(),
        values: Default::default(),
        generation: 0,
        signer: None,
        confirmed: None,
        pending: Default::default(),
    };
    let (b, h) = (base.unwrap_or(&empty), head.unwrap_or(&empty));
    let mut c = Changes {
        created: base.is_none() && head.is_some(),
        deleted: base.is_some() && head.is_none(),
        generations: (b.generation, h.generation),
        ..Changes::default()
    };
    let (br, hr) = (set(&b.recipients), set(&h.recipients));
    c.recipients_added = hr.difference(&br).map(|s| s.to_string()).collect();
    c.recipients_removed = br.difference(&hr).map(|s| s.to_string()).collect();
    c.key_changed = base.is_some() && head.is_some() && key_changed(b, h);
    c.confirmed = c.key_changed && super::file::confirm::confirms(b, h);
    // A confirmed signer that stayed is the same key, re-wrapped: values kept their text.
    c.resealed = c.key_changed && !(c.confirmed && b.signer == h.signer);
    for (name, sealed) in &h.values {
        match b.values.get(name) {
            None => c.added.push(name.clone()),
            Some(old) if old != sealed && !c.resealed => c.changed.push(name.clone()),
            Some(_) => {}
        }
    }
    c.removed = b
        .values
        .keys()
        .filter(|n| !h.values.contains_key(*n))
        .cloned()
        .collect();
    for (name, sealed) in &h.pending {
        match b.pending.get(name) {
            None => c.pending_added.push(name.clone()),
            Some(old) if old != sealed => c.pending_changed.push(name.clone()),
            Some(_) => {}
        }
    }
    c.pending_removed = b
        .pending
        .keys()
        .filter(|n| !h.pending.contains_key(*n))
        .cloned()
        .collect();
    c.other = base.is_some() && head.is_some() && (b.mac != h.mac || b.data_key != h.data_key);
    c
}

/// Whether `head`'s data key is not plainly the base's: its wrapped text changed (a
/// re-wrap, a rotation or a re-creation all change it), or its signer did (a legacy
/// base has none to compare).
fn key_changed(base: &SecretsFile, head: &SecretsFile) -> bool {
    base.data_key != head.data_key || (base.signer.is_some() && base.signer != head.signer)
}

fn set(list: &[String]) -> BTreeSet<&str> {
    list.iter().map(String::as_str).collect()
}

/// What `check --base` holds against a file, compared with the same file at the base.
#[derive(Debug, PartialEq, Eq)]
pub enum Concern {
    /// The generation went down, or stayed while the content changed: an older file was
    /// put back (or the generation edited by hand).
    RolledBack { base: u64, head: u64 },
    /// A data key that changed without a valid signature by the base's: anyone can write
    /// such a file from the public recipient list, with recipients of their own added.
    /// `legacy`: the base publishes no signer, so no signature could be checked.
    Recreated { legacy: bool },
}

/// The concerns about `head` given `base`. A legacy base (no generation) has nothing
/// to compare a generation with; the counter starts with its first write.
pub fn concerns(base: &SecretsFile, head: &SecretsFile) -> Vec<Concern> {
    let mut out = Vec::new();
    let covered_differs = base.values != head.values
        || set(&base.recipients) != set(&head.recipients)
        || base.data_key != head.data_key
        || base.confirmed != head.confirmed
        || base.mac != head.mac;
    if base.generation > 0
        && (head.generation < base.generation
            || (head.generation == base.generation && covered_differs))
    {
        out.push(Concern::RolledBack {
            base: base.generation,
            head: head.generation,
        });
    }
    if key_changed(base, head) && !super::file::confirm::confirms(base, head) {
        out.push(Concern::Recreated {
            legacy: base.signer.is_none(),
        });
    }
    out
}

#[cfg(test)]
mod tests;
