//! The secret-store fakes the release-loop tests (issue 21) push to, held to the real clients:
//! Google's own Python library and google-auth must accept what the fake Secret Manager
//! answers (pages, states, errors, retries, tokens), and boto3 must read moto back. A fake
//! that only cfgc's own client believed would prove nothing.

mod api;
mod auth;
mod concurrency;
mod faults;
mod gcloud;
mod moto;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::common::stores::GcpFake;

pub const PROJECT: &str = "cfgc-test";

/// Adds a version through the raw API (quicker than a client process per version).
pub fn add_raw(gcp: &GcpFake, token: &str, secret: &str, value: &str) -> Value {
    let body = json!({ "payload": { "data": STANDARD.encode(value) } });
    let target = format!("/v1/projects/{PROJECT}/secrets/{secret}:addVersion");
    let answer = gcp.request("POST", &target, Some(token), Some(&body));
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.json
}

pub fn create_raw(gcp: &GcpFake, token: &str, secret: &str) {
    let body = json!({ "replication": { "automatic": {} }, "labels": { "managed-by": "cfgc" } });
    let target = format!("/v1/projects/{PROJECT}/secrets?secretId={secret}");
    let answer = gcp.request("POST", &target, Some(token), Some(&body));
    assert_eq!(answer.status, 200, "{}", answer.text);
}

pub fn statuses(gcp: &GcpFake, route: &str) -> Vec<u64> {
    gcp.log()
        .iter()
        .filter(|entry| entry["route"] == route)
        .map(|entry| entry["status"].as_u64().expect("a status"))
        .collect()
}
