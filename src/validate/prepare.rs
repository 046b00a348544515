//! What every check needs and nothing in the project decides, built on a thread of its own
//! at start-up so that it is ready, or nearly, when the first check asks for it.
//!
//! The draft 2020-12 meta-schema's validator (every schema is checked against it before it
//! is compiled) was a fifth of the example's `check`, and the credential scan's automaton a
//! tenth; the main thread spends that time reading cfgc.toml and the schema. Nothing here
//! reads a file or an environment variable: it only fills the two `LazyLock`s the checks
//! use, so a thread that is slow, never starts, or is cut short by the end of the run
//! changes nothing but the time (the first user then builds what is missing, once).

/// Starts building; returns at once.
pub fn prepare_in_background() {
    let _ = std::thread::Builder::new()
        .name("cfgc-prepare".into())
        .spawn(|| {
            // Forces the `LazyLock` jsonschema checks every draft 2020-12 schema against.
            let _ = jsonschema::draft202012::meta::validator();
            super::credentials::prepare();
        });
}
