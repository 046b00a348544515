//! `secrets push ENV`: a version for each secret whose sealed value changed since its
//! last push, recorded in the environment's record.
//!
//! The order makes every interruption recoverable: the plan is made from the record and
//! the store's metadata (no key); the record then gets each push's intent (`pending`);
//! only then are versions added, concurrently; the record is written again with what
//! landed. A rerun first asks the store whether a pending push landed (`Store::landed`)
//! and adopts that version, so it never adds a value twice and never records a version the
//! store lacks.

use std::collections::BTreeMap;

use secrecy::ExposeSecret;

use crate::secrets::crypto::Plaintext;
use crate::store::record::{Entry, Pending, Record};
use crate::store::{Described, Store, StoreError, digest, pool};

/// What a push will do, decided before any value is decrypted.
#[derive(Debug, Default)]
pub struct Plan {
    /// Secrets to push, by name.
    pub push: Vec<Item>,
    /// Pending pushes that did land: recorded without pushing again.
    pub adopt: Vec<(String, String)>,
    /// Secrets the store lacks and `--create` was not given for.
    pub missing: Vec<String>,
    /// Record entries of secrets the file no longer holds: removed.
    pub orphans: Vec<String>,
    /// Intents of an interrupted push of a value since put back to the recorded one:
    /// dropped (what that push may have made is newer than the pin, and `status` says so).
    pub dropped: Vec<String>,
    pub unchanged: usize,
}

#[derive(Debug, Clone)]
pub struct Item {
    pub name: String,
    pub sealed: String,
    /// The pinned version before this push.
    pub old: Option<String>,
    /// The newest version in the store before this push.
    pub after: Option<String>,
    /// The store has no such secret yet: it is created first.
    pub create: bool,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.push.is_empty()
            && self.adopt.is_empty()
            && self.orphans.is_empty()
            && self.dropped.is_empty()
    }
}

/// The plan for `sealed` (each secret's sealed digest) against `record` and the store.
pub fn plan(
    store: &dyn Store,
    sealed: &BTreeMap<String, String>,
    record: &Record,
    create: bool,
) -> Result<Plan, StoreError> {
    let mut plan = Plan {
        orphans: record
            .secrets
            .keys()
            .filter(|n| !sealed.contains_key(*n))
            .cloned()
            .collect(),
        ..Plan::default()
    };
    let candidates: Vec<String> = sealed
        .iter()
        .filter(|(name, digest)| {
            record
                .secrets
                .get(*name)
                .is_none_or(|e| e.sealed.as_ref() != Some(digest) || e.pending.is_some())
        })
        .map(|(name, _)| name.clone())
        .collect();
    plan.unchanged = sealed.len() - candidates.len();
    let described = super::status::describe(store, &candidates)?;
    for name in candidates {
        let entry = record.secrets.get(&name);
        let digest = &sealed[&name];
        let d = described.get(&name).and_then(Option::as_ref);
        if let Some(v) = landed(store, entry, digest, d) {
            plan.adopt.push((name, v));
            continue;
        }
        if entry.and_then(|e| e.sealed.as_ref()) == Some(digest) {
            plan.unchanged += 1;
            plan.dropped.push(name);
            continue;
        }
        if d.is_none() && !create {
            plan.missing.push(name.clone());
        }
        plan.push.push(Item {
            sealed: digest.clone(),
            old: entry.and_then(|e| e.version.clone()),
            after: d.and_then(|d| d.versions.last()).map(|v| v.id.clone()),
            create: d.is_none(),
            name,
        });
    }
    Ok(plan)
}

/// The version an interrupted push of this same sealed value made, if the store shows one.
fn landed(
    store: &dyn Store,
    entry: Option<&Entry>,
    digest: &str,
    described: Option<&Described>,
) -> Option<String> {
    let pending = entry?.pending.as_ref().filter(|p| p.sealed == digest)?;
    let token = digest::token(&pending.sealed, pending.after.as_deref());
    let v = store.landed(described?, pending.after.as_deref(), &token)?;
    Some(v.id.clone())
}

/// The record with the plan's intents: what a push killed from here on leaves behind.
pub fn intend(record: &Record, plan: &Plan) -> Record {
    let mut next = settle(record, plan);
    for item in &plan.push {
        let entry = next.secrets.entry(item.name.clone()).or_default();
        entry.pending = Some(Pending {
            sealed: item.sealed.clone(),
            after: item.after.clone(),
        });
    }
    next
}

/// The record with the adopted versions in and the orphans out.
fn settle(record: &Record, plan: &Plan) -> Record {
    let mut next = record.clone();
    for name in &plan.orphans {
        next.secrets.remove(name);
    }
    for name in &plan.dropped {
        if let Some(entry) = next.secrets.get_mut(name) {
            entry.pending = None;
        }
    }
    for (name, version) in &plan.adopt {
        let entry = next.secrets.entry(name.clone()).or_default();
        let sealed = entry.pending.take().map(|p| p.sealed);
        entry.version = Some(version.clone());
        entry.sealed = sealed;
    }
    next
}

/// One pushed secret's result.
pub type Pushed = Result<String, StoreError>;

/// Adds the versions, `pool::CONCURRENCY` at a time; `values` holds every item's value.
pub fn execute(
    store: &dyn Store,
    plan: &Plan,
    values: &BTreeMap<String, Plaintext>,
) -> Vec<Pushed> {
    pool::parallel(&plan.push, |item| {
        let value = values
            .get(&item.name)
            .ok_or_else(|| StoreError::new(format!("`{}` could not be decrypted", item.name)))?;
        if item.create {
            store.create(&item.name)?;
        }
        let token = digest::token(&item.sealed, item.after.as_deref());
        store.add_version(&item.name, value, &token, item.after.as_deref())
    })
}

/// The record after the push: each version that landed pinned with its digest, each
/// failure's intent kept for the rerun.
pub fn record(intended: &Record, plan: &Plan, results: &[Pushed]) -> Record {
    let mut next = intended.clone();
    for (item, result) in plan.push.iter().zip(results) {
        if let Ok(version) = result {
            let entry = next.secrets.entry(item.name.clone()).or_default();
            entry.pending = None;
            entry.version = Some(version.clone());
            entry.sealed = Some(item.sealed.clone());
        }
    }
    next
}

/// Whether a value is empty: Secret Manager refuses an empty payload, so it is named
/// before anything is pushed rather than failing halfway.
pub fn empty_values<'a>(plan: &'a Plan, values: &BTreeMap<String, Plaintext>) -> Vec<&'a str> {
    plan.push
        .iter()
        .filter(|i| {
            values
                .get(&i.name)
                .is_some_and(|v| v.expose_secret().is_empty())
        })
        .map(|i| i.name.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::store::{State, Version};

    /// A store in memory, Secret Manager's way: numbered versions, no tokens.
    #[derive(Default)]
    struct Memory(Mutex<BTreeMap<String, Vec<String>>>);

    impl Store for Memory {
        fn describe(&self, name: &str) -> Result<Option<Described>, StoreError> {
            Ok(self.0.lock().unwrap().get(name).map(|vs| Described {
                versions: (1..=vs.len())
                    .map(|i| Version {
                        id: i.to_string(),
                        state: State::Enabled,
                    })
                    .collect(),
                current: None,
            }))
        }
        fn create(&self, name: &str) -> Result<(), StoreError> {
            self.0.lock().unwrap().entry(name.into()).or_default();
            Ok(())
        }
        fn add_version(
            &self,
            name: &str,
            value: &Plaintext,
            _: &str,
            _: Option<&str>,
        ) -> Result<String, StoreError> {
            let mut all = self.0.lock().unwrap();
            let vs = all
                .get_mut(name)
                .ok_or_else(|| StoreError::new("no such secret"))?;
            vs.push(value.expose_secret().to_string());
            Ok(vs.len().to_string())
        }
        fn landed<'d>(
            &self,
            d: &'d Described,
            after: Option<&str>,
            _: &str,
        ) -> Option<&'d Version> {
            d.after(after).first()
        }
        fn display(&self, name: &str) -> String {
            name.to_string()
        }
    }

    fn digest(c: char) -> String {
        format!("sha256:{}", c.to_string().repeat(64))
    }

    fn sealed(pairs: &[(&str, char)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, c)| (k.to_string(), digest(*c)))
            .collect()
    }

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, Plaintext> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Plaintext::from(v.to_string())))
            .collect()
    }

    /// One whole push, as the command runs it.
    fn push(
        store: &Memory,
        sealed: &BTreeMap<String, String>,
        record: &Record,
        vals: &BTreeMap<String, Plaintext>,
    ) -> Record {
        let plan = plan(store, sealed, record, true).unwrap();
        let intended = intend(record, &plan);
        let results = execute(store, &plan, vals);
        super::record(&intended, &plan, &results)
    }

    #[test]
    fn a_first_push_creates_and_a_second_adds_nothing() {
        let store = Memory::default();
        let s = sealed(&[("A", 'a'), ("B", 'b')]);
        let p = plan(&store, &s, &Record::default(), false).unwrap();
        assert_eq!(p.missing, ["A", "B"], "nothing is created without --create");
        let r = push(
            &store,
            &s,
            &Record::default(),
            &values(&[("A", "1"), ("B", "2")]),
        );
        assert_eq!(r.secrets["A"].version.as_deref(), Some("1"));
        assert_eq!(r.secrets["B"].sealed.as_deref(), Some(digest('b').as_str()));
        let again = plan(&store, &s, &r, false).unwrap();
        assert!(again.is_empty() && again.unchanged == 2, "{again:?}");
    }

    #[test]
    fn an_interrupted_push_is_adopted_where_it_landed_and_pushed_where_it_did_not() {
        let store = Memory::default();
        let first = sealed(&[("A", 'a'), ("B", 'b')]);
        let r = push(
            &store,
            &first,
            &Record::default(),
            &values(&[("A", "1"), ("B", "2")]),
        );
        // The push of new values: intents written, then only A's version landed.
        let next = sealed(&[("A", 'c'), ("B", 'd')]);
        let p = plan(&store, &next, &r, false).unwrap();
        let intended = intend(&r, &p);
        store
            .add_version("A", &Plaintext::from("3".to_string()), "", None)
            .unwrap();
        let rerun = plan(&store, &next, &intended, false).unwrap();
        assert_eq!(rerun.adopt, [("A".to_string(), "2".to_string())]);
        assert_eq!(
            rerun
                .push
                .iter()
                .map(|i| i.name.as_str())
                .collect::<Vec<_>>(),
            ["B"]
        );
        let done = push(&store, &next, &intended, &values(&[("A", "3"), ("B", "4")]));
        assert_eq!(done.secrets["A"].version.as_deref(), Some("2"));
        assert_eq!(done.secrets["B"].version.as_deref(), Some("2"));
        assert!(done.secrets.values().all(|e| e.pending.is_none()));
        assert_eq!(
            store.0.lock().unwrap()["A"],
            ["1", "3"],
            "no value pushed twice"
        );
    }

    #[test]
    fn a_value_put_back_drops_the_intent_and_a_removed_secret_leaves_the_record() {
        let store = Memory::default();
        let first = sealed(&[("A", 'a'), ("B", 'b')]);
        let r = push(
            &store,
            &first,
            &Record::default(),
            &values(&[("A", "1"), ("B", "2")]),
        );
        let p = plan(&store, &sealed(&[("A", 'c'), ("B", 'b')]), &r, false).unwrap();
        let intended = intend(&r, &p);
        // A put back to its recorded value, B removed from the file.
        let back = sealed(&[("A", 'a')]);
        let p = plan(&store, &back, &intended, false).unwrap();
        assert_eq!(
            (p.dropped.as_slice(), p.orphans.as_slice()),
            (&["A".to_string()][..], &["B".to_string()][..])
        );
        let r = super::record(&intend(&intended, &p), &p, &[]);
        assert!(r.secrets["A"].pending.is_none() && !r.secrets.contains_key("B"));
    }
}
