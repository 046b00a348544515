//! Injected faults, and what Google's client library does with each: the retries it makes
//! and the ones it does not.

use serde_json::json;

use super::{PROJECT, add_raw, create_raw, statuses};
use crate::common::stores::GcpFake;

#[test]
fn faults_are_retried_where_the_library_retries_and_fail_elsewhere() {
    let gcp = GcpFake::start();
    let token = gcp.static_token();
    create_raw(&gcp, &token, "quota");
    add_raw(&gcp, &token, "quota", "v1");
    gcp.reset_log();

    // The library retries AccessSecretVersion on UNAVAILABLE...
    gcp.faults(json!({ "status": 503, "count": 1, "path_contains": ":access" }));
    let got = gcp.client(&["access", PROJECT, "quota", "1"], "");
    assert_eq!(got["data"], "v1", "{got}");
    assert_eq!(statuses(&gcp, "versions.access"), [503, 200]);

    // ...and on RESOURCE_EXHAUSTED, but over REST a 429 becomes api_core's TooManyRequests,
    // which its retry predicate does not name: the call fails after one request.
    gcp.faults(json!({ "status": 429, "count": 1, "path_contains": ":access" }));
    let refused = gcp.client(&["access", PROJECT, "quota", "1"], "");
    assert_eq!(refused["error"]["code"], 429, "{refused}");
    assert_eq!(refused["error"]["status"], "RESOURCE_EXHAUSTED");
    assert_eq!(statuses(&gcp, "versions.access"), [503, 200, 429]);

    // AddSecretVersion is not idempotent: never retried.
    gcp.faults(json!({ "status": 503, "count": 1, "path_contains": ":addVersion" }));
    let refused = gcp.client(&["add", PROJECT, "quota"], "v2");
    assert_eq!(refused["error"]["code"], 503, "{refused}");
    assert_eq!(statuses(&gcp, "secrets.addVersion"), [503]);

    // What a client sees of a fault: Google's error JSON and a short Retry-After.
    gcp.faults(json!({ "status": 429, "count": 1 }));
    let target = format!("/v1/projects/{PROJECT}/secrets");
    let raw = gcp.request("GET", &target, Some(&token), None);
    assert_eq!(raw.status, 429);
    assert_eq!(raw.header("retry-after"), Some("0"));
    assert_eq!(raw.json["error"]["status"], "RESOURCE_EXHAUSTED");
    assert_eq!(gcp.request("GET", &target, Some(&token), None).status, 200);
}
