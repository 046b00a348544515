//! The secret stores the release-loop tests (issue 21) push to, each a child process killed
//! when dropped: [`GcpFake`], a fake Google Secret Manager with its token endpoint and
//! metadata server (`tests/fakes/gcp_secret_manager.py`), and [`Moto`], the AWS emulator.
//! Each also runs the store's own client library (Google's, boto3) to read back, or change
//! behind cfgc's back, what a test pushed.
//!
//! ```ignore
//! let gcp = GcpFake::start();
//! let key = gcp.service_account_json(); // write it to a file, point cfgc at it
//! gcp.faults(json!({"status": 503, "count": 2, "path_contains": ":addVersion"}));
//! let versions = gcp.client(&["versions", "proj", "db-password"], "");
//! assert_eq!(gcp.stats()["secrets.addVersion"]["ok"], 1);
//! ```

#[cfg(any(feature = "aws", feature = "gcp"))]
mod canned;
mod client;
mod gcp;
mod http;
mod moto;
mod process;

#[cfg(any(feature = "aws", feature = "gcp"))]
pub use canned::canned;
pub use gcp::GcpFake;
pub use http::Response;
pub use moto::Moto;

use std::path::PathBuf;

/// `tests/fakes/<name>`.
fn fake(name: &str) -> PathBuf {
    super::repo().join("tests/fakes").join(name)
}
