//! The gcloud CLI against the fake, where gcloud is installed.

use super::PROJECT;
use crate::common::stores::GcpFake;

/// gcloud is not on every machine (CI has none): run with `--ignored` where it is.
#[test]
#[ignore = "needs the gcloud CLI"]
fn gcloud_reads_the_fake() {
    let gcp = GcpFake::start();
    gcp.client(&["create", PROJECT, "from-gcloud"], "");
    let added = gcp.gcloud(
        &[
            "secrets",
            "versions",
            "add",
            "from-gcloud",
            "--data-file=-",
            "--project",
            PROJECT,
        ],
        "hello",
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let read = gcp.gcloud(
        &[
            "secrets",
            "versions",
            "access",
            "latest",
            "--secret",
            "from-gcloud",
            "--project",
            PROJECT,
        ],
        "",
    );
    assert_eq!(String::from_utf8_lossy(&read.stdout), "hello");
}
