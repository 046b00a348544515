//! The Secret Manager API as Google's client library and raw requests meet it: versions,
//! states, pages, checksums, etags.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

use super::{PROJECT, add_raw, create_raw, statuses};
use crate::common::stores::GcpFake;

#[test]
fn google_client_creates_adds_lists_disables_and_accesses() {
    let gcp = GcpFake::start();
    let created = gcp.client(&["create", PROJECT, "db-password"], "");
    assert_eq!(created["name"], "projects/cfgc-test/secrets/db-password");
    for value in ["first", "second", "third"] {
        let added = gcp.client(&["add", PROJECT, "db-password"], value);
        assert_eq!(added["state"], "ENABLED", "{added}");
    }
    let disabled = gcp.client(&["disable", PROJECT, "db-password", "2"], "");
    assert_eq!(disabled["state"], "DISABLED");

    let versions = gcp.client(&["versions", PROJECT, "db-password"], "");
    let seen: Vec<(&str, &str)> = versions
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| (v["version"].as_str().unwrap(), v["state"].as_str().unwrap()))
        .collect();
    assert_eq!(
        seen,
        [("3", "ENABLED"), ("2", "DISABLED"), ("1", "ENABLED")],
        "newest first, with states"
    );
    let enabled = gcp.client(
        &[
            "versions",
            PROJECT,
            "db-password",
            "--filter",
            "state:ENABLED",
        ],
        "",
    );
    assert_eq!(enabled.as_array().map(Vec::len), Some(2), "{enabled}");

    let latest = gcp.client(&["access", PROJECT, "db-password", "latest"], "");
    assert_eq!(latest["data"], "third");
    assert_eq!(
        latest["name"],
        "projects/cfgc-test/secrets/db-password/versions/3"
    );
    let refused = gcp.client(&["access", PROJECT, "db-password", "2"], "");
    assert_eq!(
        refused["error"]["status"], "FAILED_PRECONDITION",
        "{refused}"
    );
    let missing = gcp.client(&["access", PROJECT, "nope", "1"], "");
    assert_eq!(missing["error"]["code"], 404, "{missing}");
    let again = gcp.client(&["create", PROJECT, "db-password"], "");
    assert_eq!(again["error"]["code"], 409, "{again}");

    let secrets = gcp.client(&["secrets", PROJECT], "");
    assert_eq!(secrets[0]["name"], "projects/cfgc-test/secrets/db-password");
    assert_eq!(gcp.stats()["secrets.addVersion"]["ok"], 3);
}

#[test]
fn versions_paginate_newest_first_each_seen_once() {
    let gcp = GcpFake::start();
    let token = gcp.static_token();
    create_raw(&gcp, &token, "api-key");
    for n in 1..=30 {
        add_raw(&gcp, &token, "api-key", &format!("value {n}"));
    }
    let mut seen = Vec::new();
    let mut page_token = String::new();
    let mut pages = 0;
    loop {
        let target = format!(
            "/v1/projects/{PROJECT}/secrets/api-key/versions?pageSize=7&pageToken={page_token}"
        );
        let page = gcp.request("GET", &target, Some(&token), None);
        assert_eq!(page.status, 200, "{}", page.text);
        assert_eq!(page.json["totalSize"], 30);
        pages += 1;
        let versions = page.json["versions"].as_array().expect("versions");
        assert!(versions.len() <= 7);
        for version in versions {
            let name = version["name"].as_str().expect("a name");
            seen.push(name.rsplit('/').next().unwrap().parse::<u32>().unwrap());
        }
        match page.json["nextPageToken"].as_str() {
            Some(next) => page_token = next.to_string(),
            None => break,
        }
    }
    assert_eq!(pages, 5);
    assert_eq!(
        seen,
        (1..=30).rev().collect::<Vec<_>>(),
        "newest first, once each"
    );

    // Google's pager walks the same pages.
    gcp.reset_log();
    let listed = gcp.client(&["versions", PROJECT, "api-key", "--page-size", "7"], "");
    assert_eq!(listed.as_array().map(Vec::len), Some(30));
    assert_eq!(statuses(&gcp, "versions.list"), [200; 5]);

    let bad = gcp.request(
        "GET",
        &format!("/v1/projects/{PROJECT}/secrets/api-key/versions?pageToken=garbage"),
        Some(&token),
        None,
    );
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json["error"]["status"], "INVALID_ARGUMENT");
}

#[test]
fn add_version_checks_the_crc32c_it_is_given() {
    let gcp = GcpFake::start();
    let token = gcp.static_token();
    create_raw(&gcp, &token, "crc");
    let target = format!("/v1/projects/{PROJECT}/secrets/crc:addVersion");
    let data = STANDARD.encode("123456789");
    // 0xE3069283: the CRC-32C check value of "123456789" in every CRC catalogue.
    let good = json!({ "payload": { "data": data, "dataCrc32c": "3808858755" } });
    let answer = gcp.request("POST", &target, Some(&token), Some(&good));
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.json["clientSpecifiedPayloadChecksum"], true);
    let wrong = json!({ "payload": { "data": data, "dataCrc32c": "3808858756" } });
    let answer = gcp.request("POST", &target, Some(&token), Some(&wrong));
    assert_eq!(answer.status, 400);
    assert_eq!(answer.json["error"]["status"], "INVALID_ARGUMENT");
    let access = gcp.request(
        "GET",
        &format!("/v1/projects/{PROJECT}/secrets/crc/versions/1:access"),
        Some(&token),
        None,
    );
    assert_eq!(access.json["payload"]["dataCrc32c"], "3808858755");
    assert_eq!(statuses(&gcp, "secrets.addVersion"), [200, 400]);
}

#[test]
fn destroy_and_disable_follow_states_and_etags() {
    let gcp = GcpFake::start();
    let token = gcp.static_token();
    create_raw(&gcp, &token, "rotated");
    let version = add_raw(&gcp, &token, "rotated", "old");
    let base = format!("/v1/projects/{PROJECT}/secrets/rotated/versions/1");
    let stale = json!({ "etag": "\"stale\"" });
    let answer = gcp.request(
        "POST",
        &format!("{base}:disable"),
        Some(&token),
        Some(&stale),
    );
    assert_eq!(answer.json["error"]["status"], "ABORTED", "{}", answer.text);
    let current = json!({ "etag": version["etag"] });
    let answer = gcp.request(
        "POST",
        &format!("{base}:destroy"),
        Some(&token),
        Some(&current),
    );
    assert_eq!(answer.json["state"], "DESTROYED", "{}", answer.text);
    assert!(answer.json["destroyTime"].is_string());
    let answer = gcp.request("POST", &format!("{base}:enable"), Some(&token), None);
    assert_eq!(answer.json["error"]["status"], "FAILED_PRECONDITION");
    let answer = gcp.request("GET", &format!("{base}:access"), Some(&token), None);
    assert_eq!(answer.status, 400);
    assert!(answer.text.contains("DESTROYED state"), "{}", answer.text);
}
