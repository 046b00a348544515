//! Secrets files compared without a key, as a reviewer needs them: which names were
//! added, removed or changed (a value's ciphertext changes only when its value does,
//! since every write re-seals only what changed), which recipients came or went, whether
//! the data key was replaced, and what the generation says about a rollback.

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
    /// The wrapped data key differs while the recipients did not change: a new data key
    /// (re-wrapping the same key happens only when recipients change), so every value was
    /// sealed again and "changed" cannot be told per name.
    pub resealed: bool,
    /// With `resealed`: the new file carries a valid signature by the old data key.
    pub confirmed: bool,
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
    c.resealed = base.is_some() && head.is_some() && b.data_key != h.data_key && br == hr;
    c.confirmed = c.resealed && super::confirm::confirms(b, h);
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

fn set(list: &[String]) -> BTreeSet<&str> {
    list.iter().map(String::as_str).collect()
}

/// What `check --base` holds against a file, compared with the same file at the base.
#[derive(Debug, PartialEq, Eq)]
pub enum Concern {
    /// The generation went down, or stayed while the content changed: an older file was
    /// put back (or the generation edited by hand).
    RolledBack { base: u64, head: u64 },
    /// A new data key with the same recipients and no valid confirmation: anyone can
    /// write such a file from the public recipient list.
    Recreated,
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
    let resealed = base.data_key != head.data_key && set(&base.recipients) == set(&head.recipients);
    if resealed && !super::confirm::confirms(base, head) {
        out.push(Concern::Recreated);
    }
    out
}

#[cfg(test)]
mod tests;
