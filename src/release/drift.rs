//! What `status` finds when it holds the record against the secrets file and the store:
//! pure, so each kind of drift is tested without a store.

use std::collections::BTreeMap;

use crate::store::record::Record;
use crate::store::{Described, State};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    /// In the secrets file, never pushed.
    NotPushed,
    /// The sealed value changed since its push: the deploy would ship the old value.
    Stale,
    /// A push began and was not seen to finish.
    Interrupted,
    /// The store has no such secret.
    Missing,
    /// The pinned version is not in the store's list (destroyed and gone).
    PinGone(String),
    /// The pinned version cannot be read by the deploy.
    PinUnusable(String, State),
    /// Versions cfgc did not make, after the pinned one (or the store's current version
    /// moved away from the pin).
    OutOfBand(Vec<String>),
    /// The record pins `latest`, which moves with every change made anywhere.
    PinLatest,
    /// The record names a secret the secrets file no longer holds.
    Orphan,
}

/// Every drift, by secret name in name order. `described[name]` is `None` when the store
/// has no such secret; a name missing from `described` was not asked about.
pub fn drift(
    sealed: &BTreeMap<String, String>,
    record: &Record,
    described: &BTreeMap<String, Option<Described>>,
) -> Vec<(String, Drift)> {
    let mut found = Vec::new();
    let names: std::collections::BTreeSet<&String> =
        sealed.keys().chain(record.secrets.keys()).collect();
    for name in names {
        let entry = record.secrets.get(name);
        let mut add = |d| found.push((name.clone(), d));
        let Some(digest) = sealed.get(name) else {
            add(Drift::Orphan);
            continue;
        };
        let Some(entry) = entry else {
            add(Drift::NotPushed);
            continue;
        };
        if entry.pending.is_some() {
            add(Drift::Interrupted);
        }
        let Some(pin) = &entry.version else {
            continue;
        };
        if entry.sealed.as_ref() != Some(digest) && entry.pending.is_none() {
            add(Drift::Stale);
        }
        if pin == "latest" {
            add(Drift::PinLatest);
            continue;
        }
        match described.get(name) {
            Some(None) => add(Drift::Missing),
            Some(Some(d)) => against_store(d, pin, &mut add),
            None => {}
        }
    }
    found
}

fn against_store(d: &Described, pin: &str, add: &mut impl FnMut(Drift)) {
    match d.get(pin) {
        None => add(Drift::PinGone(pin.to_string())),
        Some(v) if v.state != State::Enabled => add(Drift::PinUnusable(pin.to_string(), v.state)),
        Some(_) => {}
    }
    let mut newer: Vec<String> = d
        .after(Some(pin))
        .iter()
        .filter(|v| v.state == State::Enabled)
        .map(|v| v.id.clone())
        .collect();
    if let Some(current) = &d.current
        && current != pin
        && !newer.contains(current)
    {
        newer.push(current.clone());
    }
    if !newer.is_empty() {
        add(Drift::OutOfBand(newer));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Version;
    use crate::store::record::{Entry, Pending};

    fn digest(c: char) -> String {
        format!("sha256:{}", c.to_string().repeat(64))
    }

    fn versions(states: &[State]) -> Option<Described> {
        Some(Described {
            versions: states
                .iter()
                .enumerate()
                .map(|(i, s)| Version {
                    id: (i + 1).to_string(),
                    state: *s,
                })
                .collect(),
            current: None,
        })
    }

    fn pinned(v: &str, c: char) -> Entry {
        Entry {
            version: Some(v.into()),
            sealed: Some(digest(c)),
            ..Entry::default()
        }
    }

    #[test]
    fn each_kind_of_drift_is_found() {
        use State::*;
        let sealed: BTreeMap<String, String> = [
            ("CLEAN", 'a'),
            ("STALE", 'z'),
            ("GONE", 'a'),
            ("OFF", 'a'),
            ("NEWER", 'a'),
            ("NEW", 'a'),
            ("LATEST", 'a'),
            ("HALF", 'b'),
            ("ABSENT", 'a'),
        ]
        .into_iter()
        .map(|(k, c)| (k.to_string(), digest(c)))
        .collect();
        let mut record = Record::default();
        for (name, v) in [
            ("CLEAN", "2"),
            ("STALE", "1"),
            ("GONE", "3"),
            ("OFF", "1"),
            ("NEWER", "1"),
            ("LATEST", "latest"),
            ("ABSENT", "1"),
            ("ORPHAN", "1"),
        ] {
            record.secrets.insert(name.into(), pinned(v, 'a'));
        }
        let mut half = pinned("1", 'a');
        half.pending = Some(Pending {
            sealed: digest('b'),
            after: Some("1".into()),
        });
        record.secrets.insert("HALF".into(), half);
        let described: BTreeMap<String, Option<Described>> = [
            ("CLEAN", versions(&[Disabled, Enabled])),
            ("STALE", versions(&[Enabled])),
            ("GONE", versions(&[Enabled, Enabled])),
            ("OFF", versions(&[Disabled])),
            ("NEWER", versions(&[Enabled, Destroyed, Enabled])),
            ("HALF", versions(&[Enabled])),
            ("ABSENT", None),
        ]
        .into_iter()
        .map(|(k, d)| (k.to_string(), d))
        .collect();
        let found = drift(&sealed, &record, &described);
        let expected = vec![
            ("ABSENT", Drift::Missing),
            ("GONE", Drift::PinGone("3".into())),
            ("HALF", Drift::Interrupted),
            ("LATEST", Drift::PinLatest),
            ("NEW", Drift::NotPushed),
            ("NEWER", Drift::OutOfBand(vec!["3".into()])),
            ("OFF", Drift::PinUnusable("1".into(), Disabled)),
            ("ORPHAN", Drift::Orphan),
            ("STALE", Drift::Stale),
        ];
        let found: Vec<(&str, Drift)> =
            found.iter().map(|(n, d)| (n.as_str(), d.clone())).collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn a_store_current_version_away_from_the_pin_is_out_of_band() {
        let sealed = BTreeMap::from([("A".to_string(), digest('a'))]);
        let mut record = Record::default();
        record.secrets.insert("A".into(), pinned("v1", 'a'));
        let mut d = versions(&[State::Enabled]).unwrap();
        d.versions[0].id = "v1".into();
        d.versions.insert(
            0,
            Version {
                id: "v0".into(),
                state: State::Enabled,
            },
        );
        d.current = Some("v0".into());
        let found = drift(
            &sealed,
            &record,
            &BTreeMap::from([("A".to_string(), Some(d))]),
        );
        assert_eq!(
            found,
            vec![("A".to_string(), Drift::OutOfBand(vec!["v0".into()]))]
        );
    }
}
