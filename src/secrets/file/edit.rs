//! Changing a secrets file under its data key: new files, set and removed values, and
//! rekeying. Each function returns the whole new file with a fresh MAC; unchanged values
//! keep their sealed text byte for byte, so diffs show only what changed.

use std::collections::BTreeMap;

use secrecy::ExposeSecret;

use super::SecretsFile;
use crate::project::recipient::Recipient;
use crate::secrets::crypto::{
    Covered, CryptoError, DataKey, Plaintext, file_mac, seal, verify_file_mac, wrap,
};

/// What to do to one secret.
pub enum Change {
    Set(Plaintext),
    Remove,
}

/// An empty file for `env`: a fresh data key, wrapped to `recipients`.
pub fn create(env: &str, recipients: &[Recipient]) -> Result<(SecretsFile, DataKey), CryptoError> {
    let key = DataKey::generate();
    let mut file = SecretsFile {
        environment: env.to_string(),
        recipients: canonical(recipients),
        data_key: wrap(&key, recipients)?,
        mac: String::new(),
        values: BTreeMap::new(),
        generation: 0,
        signer: None,
        confirmed: None,
        pending: BTreeMap::new(),
    };
    reseal(&mut file, &key);
    Ok((file, key))
}

/// `file` with `changes` applied. A value set to what it already holds keeps its sealed
/// text; `current` holds the file's values as opened (and verified) with `key`.
pub fn update(
    file: &SecretsFile,
    key: &DataKey,
    current: &BTreeMap<String, Plaintext>,
    changes: BTreeMap<String, Change>,
) -> SecretsFile {
    let mut next = file.clone();
    for (name, change) in changes {
        match change {
            Change::Remove => {
                next.values.remove(&name);
            }
            Change::Set(value) => {
                let same = current
                    .get(&name)
                    .is_some_and(|old| old.expose_secret() == value.expose_secret());
                if !same {
                    let sealed = seal(
                        key,
                        &file.environment,
                        &name,
                        value.expose_secret().as_bytes(),
                    );
                    next.values.insert(name, sealed);
                }
            }
        }
    }
    reseal(&mut next, key);
    next
}

/// How a file was brought to its recipients.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rekeyed {
    /// Recipients were only added: the same data key, wrapped again; values untouched.
    Rewrapped,
    /// A recipient was removed (or rotation asked for): a new data key, every value
    /// sealed again, so a removed key cannot read what is written from now on.
    Rotated,
}

/// `file` encrypted to exactly `recipients`, or `None` when it already is (and no
/// rotation is asked for). `current` holds every value, opened with `key`.
pub fn rekey(
    file: &SecretsFile,
    key: &DataKey,
    current: &BTreeMap<String, Plaintext>,
    recipients: &[Recipient],
    rotate: bool,
) -> Result<Option<(SecretsFile, Rekeyed)>, CryptoError> {
    let wanted = canonical(recipients);
    let mut have = file.recipients.clone();
    have.sort();
    have.dedup();
    if wanted == have && !rotate {
        return Ok(None);
    }
    let removed = have.iter().any(|r| !wanted.contains(r));
    let mut next = file.clone();
    next.recipients = wanted;
    if removed || rotate {
        let fresh = DataKey::generate();
        next.data_key = wrap(&fresh, recipients)?;
        next.values = current
            .iter()
            .map(|(name, value)| {
                let sealed = seal(
                    &fresh,
                    &file.environment,
                    name,
                    value.expose_secret().as_bytes(),
                );
                (name.clone(), sealed)
            })
            .collect();
        // cfgc holds the old key here, so it confirms the new one itself: `check --base`
        // tells this rotation from a file re-created without a key.
        next.confirmed = Some(crate::secrets::file::confirm::sign(
            &file.environment,
            key,
            &fresh,
            &next.data_key,
        ));
        reseal(&mut next, &fresh);
        Ok(Some((next, Rekeyed::Rotated)))
    } else {
        next.data_key = wrap(key, recipients)?;
        // Signed by the key itself: keyless review cannot tell the same key re-wrapped from
        // a new one, only that the new wrapping was signed by a holder of the old key.
        next.confirmed = Some(crate::secrets::file::confirm::sign(
            &file.environment,
            key,
            key,
            &next.data_key,
        ));
        reseal(&mut next, key);
        Ok(Some((next, Rekeyed::Rewrapped)))
    }
}

fn canonical(recipients: &[Recipient]) -> Vec<String> {
    let mut out: Vec<String> = recipients.iter().map(|r| r.as_str().to_string()).collect();
    out.sort();
    out.dedup();
    out
}

/// Every write ends here: the generation raised by one and the MAC computed again, so
/// the written file is newer than the one it came from.
pub fn reseal(file: &mut SecretsFile, key: &DataKey) {
    file.generation += 1;
    file.signer = Some(crate::secrets::file::confirm::signer(key));
    file.mac = compute_mac(file, key);
}

/// The MAC of `file`'s content under `key` (the stored `mac` field is ignored).
pub fn compute_mac(file: &SecretsFile, key: &DataKey) -> String {
    let entries = entries(file);
    file_mac(key, &covered(file, &file.covered_extra()), &entries)
}

/// Whether `file`'s stored MAC is that of its content under `key`.
pub fn mac_verifies(file: &SecretsFile, key: &DataKey) -> bool {
    let entries = entries(file);
    verify_file_mac(
        key,
        &covered(file, &file.covered_extra()),
        &entries,
        &file.mac,
    )
}

fn entries(file: &SecretsFile) -> Vec<(&str, &str)> {
    file.values
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

fn covered<'a>(file: &'a SecretsFile, extra: &'a [(&'a str, &'a str)]) -> Covered<'a> {
    Covered {
        env: &file.environment,
        generation: file.generation,
        recipients: &file.recipients,
        extra,
    }
}
