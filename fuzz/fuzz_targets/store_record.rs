//! The store record (`ENV.store.toml`, `cfgc::store::record`), which a pull request may
//! change: any text is read into a record or refused with a message, never a panic, and a
//! record that reads is written back to text that reads back to the same record.
#![no_main]

use cfgc::store::record::{parse, serialize};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(record) = parse(text) else {
        return;
    };
    let again = parse(&serialize("fuzz", &record)).expect("a written record reads back");
    let strip = |r: &cfgc::store::record::Record| {
        r.secrets
            .iter()
            .map(|(k, e)| (k.clone(), e.version.clone(), e.sealed.clone(), e.pending.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&record), strip(&again));
});
