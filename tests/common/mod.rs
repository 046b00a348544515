//! What the integration tests share: [`Project`], a scratch cfgc project in a temp folder,
//! and [`Test`], one run of the real binary in it with everything that run must show (as
//! casey/just's `Test`); plus the tools, git and nginx helpers, and the secret stores.
//!
//! ```ignore
//! Project::example().args(["check"]).status(1).stdout_has("missing-variable").run();
//! Project::hostile().symlink_out("env/dev.yaml", "canary.yaml").args(["check"])
//!     .status(2).stderr_has("outside the project").unchanged().no_canary().run();
//! ```
#![allow(dead_code)]

mod env;
mod expect;
mod files;
pub mod git;
mod hostile;
pub mod nginx;
mod project;
pub mod rng;
mod run;
mod secrets;
mod snapshot;
pub mod stores;
mod test;
pub mod tools;

use std::path::PathBuf;

pub use env::strip_user_env;
pub use hostile::{OUTSIDE, SECRET};
pub use project::Project;
pub use run::Run;
pub use secrets::{Key, age_key};
pub use snapshot::snapshot_files;
pub use test::Test;

/// `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// The repository, whose own project is the bundled example.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
