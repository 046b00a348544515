use std::collections::BTreeMap;

use super::*;
use crate::project::recipient::Recipient;
use crate::secrets::crypto::{DataKey, Plaintext};
use crate::secrets::file::{Change, create, rekey, update};

fn set(file: &SecretsFile, key: &DataKey, name: &str, value: &str) -> SecretsFile {
    let changes = BTreeMap::from([(
        name.to_string(),
        Change::Set(Plaintext::from(value.to_string())),
    )]);
    update(file, key, &BTreeMap::new(), changes)
}

#[test]
fn a_write_changes_only_its_name_and_raises_the_generation() {
    let (file, key) = create("prod", &[Recipient::generate()]).expect("create");
    let base = set(&set(&file, &key, "A", "a"), &key, "B", "b");
    let head = set(&base, &key, "B", "b2");
    let c = compare(Some(&base), Some(&head));
    assert_eq!(c.changed, vec!["B".to_string()]);
    assert!(c.added.is_empty() && c.removed.is_empty() && !c.resealed);
    assert_eq!(c.generations, (base.generation, base.generation + 1));
    assert!(concerns(&base, &head).is_empty());
    assert_eq!(
        concerns(&head, &base),
        vec![Concern::RolledBack {
            base: head.generation,
            head: base.generation
        }]
    );
    assert!(compare(Some(&base), Some(&base)).is_empty());
}

#[test]
fn a_file_recreated_from_the_recipients_is_a_concern_a_rotation_is_not() {
    let r = Recipient::generate();
    let (file, key) = create("prod", std::slice::from_ref(&r)).expect("create");
    let base = set(&file, &key, "A", "a");
    let (fresh, fresh_key) = create("prod", std::slice::from_ref(&r)).expect("create");
    let mut recreated = set(&fresh, &fresh_key, "A", "evil");
    for _ in 0..base.generation {
        recreated = set(&recreated, &fresh_key, "A", "evil");
    }
    assert!(recreated.generation > base.generation);
    assert!(compare(Some(&base), Some(&recreated)).resealed);
    assert_eq!(
        concerns(&base, &recreated),
        vec![Concern::Recreated { legacy: false }]
    );
    let current = BTreeMap::from([("A".to_string(), Plaintext::from("a".to_string()))]);
    let (rotated, _) = rekey(&base, &key, &current, &[r], true)
        .expect("rekey")
        .expect("rotated");
    assert!(compare(Some(&base), Some(&rotated)).resealed);
    assert!(concerns(&base, &rotated).is_empty());
}

#[test]
fn a_new_data_key_is_recreation_whatever_the_recipients_unless_the_old_key_signed_it() {
    let (me, evil) = (Recipient::generate(), Recipient::generate());
    let (file, key) = create("prod", std::slice::from_ref(&me)).expect("create");
    let base = set(&file, &key, "A", "a");
    let both = [me.clone(), evil];
    let (fresh, fresh_key) = create("prod", &both).expect("create");
    let mut recreated = set(&fresh, &fresh_key, "A", "evil");
    // Even claiming the base's signer (keyless review cannot check the MAC): only the
    // base's key can sign for it.
    recreated.signer = base.signer.clone();
    let c = compare(Some(&base), Some(&recreated));
    assert!(c.key_changed && !c.confirmed && c.resealed);
    assert_eq!(c.recipients_added.len(), 1);
    assert!(concerns(&base, &recreated).contains(&Concern::Recreated { legacy: false }));
    // The honest path: a recipient added re-wraps the same key, signed by it.
    let current = BTreeMap::from([("A".to_string(), Plaintext::from("a".to_string()))]);
    let (added, _) = rekey(&base, &key, &current, &both, false)
        .expect("rekey")
        .expect("re-wrapped");
    let c = compare(Some(&base), Some(&added));
    assert!(c.key_changed && c.confirmed && !c.resealed);
    assert!(concerns(&base, &added).is_empty());
    // Then removed again: a new key, signed by the old one, and a write after it.
    let (removed, _) = rekey(&added, &key, &current, &[me], false)
        .expect("rekey")
        .expect("rotated");
    assert!(concerns(&base, &removed).is_empty());
}
