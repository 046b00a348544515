//! The secret-store fakes the release-loop tests (issue 21) push to, held to the real clients:
//! Google's own Python library and google-auth must accept what the fake Secret Manager
//! answers (pages, states, errors, retries, tokens), and boto3 must read moto back. A fake
//! that only cfgc's own client believed would prove nothing.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::common::stores::{GcpFake, Moto, Response};

const PROJECT: &str = "cfgc-test";

/// Adds a version through the raw API (quicker than a client process per version).
fn add_raw(gcp: &GcpFake, token: &str, secret: &str, value: &str) -> Value {
    let body = json!({ "payload": { "data": STANDARD.encode(value) } });
    let target = format!("/v1/projects/{PROJECT}/secrets/{secret}:addVersion");
    let answer = gcp.request("POST", &target, Some(token), Some(&body));
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.json
}

fn create_raw(gcp: &GcpFake, token: &str, secret: &str) {
    let body = json!({ "replication": { "automatic": {} }, "labels": { "managed-by": "cfgc" } });
    let target = format!("/v1/projects/{PROJECT}/secrets?secretId={secret}");
    let answer = gcp.request("POST", &target, Some(token), Some(&body));
    assert_eq!(answer.status, 200, "{}", answer.text);
}

fn statuses(gcp: &GcpFake, route: &str) -> Vec<u64> {
    gcp.log()
        .iter()
        .filter(|entry| entry["route"] == route)
        .map(|entry| entry["status"].as_u64().expect("a status"))
        .collect()
}

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

#[test]
fn expired_tokens_answer_401() {
    let gcp = GcpFake::start();
    let token = gcp.static_token();
    let listed = gcp.client_as(&token, &["secrets", PROJECT], "");
    assert_eq!(listed, json!([]));
    gcp.expire_tokens();
    // On a 401 the library tries to refresh, which a bare access token cannot.
    let refused = gcp.client_as(&token, &["secrets", PROJECT], "");
    assert_eq!(refused["error"]["status"], "REFRESH_FAILED", "{refused}");
    assert_eq!(statuses(&gcp, "secrets.list"), [200, 401]);
    let raw = gcp.request(
        "GET",
        &format!("/v1/projects/{PROJECT}/secrets"),
        Some(&token),
        None,
    );
    assert_eq!(raw.status, 401);
    assert_eq!(raw.json["error"]["status"], "UNAUTHENTICATED");
    assert!(
        raw.header("www-authenticate")
            .is_some_and(|h| h.starts_with("Bearer"))
    );
    let anonymous = gcp.request(
        "GET",
        &format!("/v1/projects/{PROJECT}/secrets"),
        None,
        None,
    );
    assert_eq!(anonymous.status, 401);

    // A token that dies after two uses.
    gcp.token_ttl_requests(Some(2));
    let short = gcp.static_token();
    let target = format!("/v1/projects/{PROJECT}/secrets");
    let codes: Vec<u16> = (0..3)
        .map(|_| gcp.request("GET", &target, Some(&short), None).status)
        .collect();
    assert_eq!(codes, [200, 200, 401]);
    gcp.token_ttl_requests(None);
    assert_eq!(
        gcp.request("GET", &target, Some(&gcp.static_token()), None)
            .status,
        200
    );
}

#[test]
fn service_account_jwt_signed_by_google_auth_is_accepted_and_a_forged_one_refused() {
    let gcp = GcpFake::start();
    let dir = tempfile::tempdir().expect("a temp folder");
    let key = gcp.service_account_json();
    assert_eq!(key["type"], "service_account");
    assert_eq!(key["token_uri"], gcp.token_uri());
    let good = dir.path().join("good.json");
    std::fs::write(&good, key.to_string()).expect("write the key file");
    let created = gcp.client_with_key(&good, &["create", PROJECT, "from-sa"], "");
    assert_eq!(
        created["name"], "projects/cfgc-test/secrets/from-sa",
        "{created}"
    );
    assert_eq!(statuses(&gcp, "token"), [200]);

    // The account's name with another account's key: the signature does not verify.
    let other = gcp.service_account_json();
    let mut forged = key.clone();
    forged["private_key"] = other["private_key"].clone();
    let forged_file = dir.path().join("forged.json");
    std::fs::write(&forged_file, forged.to_string()).expect("write the key file");
    gcp.reset_log();
    let refused = gcp.client_with_key(&forged_file, &["secrets", PROJECT], "");
    assert_eq!(refused["error"]["status"], "REFRESH_FAILED", "{refused}");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Invalid JWT Signature"),
        "{refused}"
    );
    let routes: BTreeSet<String> = gcp.log().iter().map(|e| e["route"].to_string()).collect();
    assert_eq!(
        routes,
        BTreeSet::from(["\"token\"".to_string()]),
        "no API call was made"
    );
}

#[test]
fn metadata_server_and_refresh_tokens_issue_working_tokens() {
    let gcp = GcpFake::start();
    let path = "/computeMetadata/v1/instance/service-accounts/default/token";
    let bare = http_get(&gcp, path, &[]);
    assert_eq!(bare.status, 403);
    let flavoured = http_get(&gcp, path, &[("Metadata-Flavor", "Google")]);
    assert_eq!(flavoured.status, 200);
    assert_eq!(flavoured.header("metadata-flavor"), Some("Google"));
    assert_eq!(flavoured.json["token_type"], "Bearer");
    let token = flavoured.json["access_token"].as_str().expect("a token");
    let target = format!("/v1/projects/{PROJECT}/secrets");
    assert_eq!(gcp.request("GET", &target, Some(token), None).status, 200);

    let user = gcp.authorized_user_json();
    assert_eq!(user["type"], "authorized_user");
    let form = |secret: &str| {
        format!(
            "grant_type=refresh_token&client_id={}&client_secret={secret}&refresh_token={}",
            user["client_id"].as_str().unwrap(),
            user["refresh_token"].as_str().unwrap()
        )
    };
    let good = post_form(&gcp, &form(user["client_secret"].as_str().unwrap()));
    assert_eq!(good.status, 200, "{}", good.text);
    let token = good.json["access_token"].as_str().expect("a token");
    assert_eq!(gcp.request("GET", &target, Some(token), None).status, 200);
    let wrong = post_form(&gcp, &form("wrong"));
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.json["error"], "invalid_client");

    // google-auth's own requests: Compute Engine credentials, and a refresh-token grant.
    gcp.reset_log();
    let listed = gcp.client_via_metadata(&["secrets", PROJECT], "");
    assert_eq!(listed, json!([]), "{listed}");
    assert!(statuses(&gcp, "metadata").contains(&200));
    let dir = tempfile::tempdir().expect("a temp folder");
    let file = dir.path().join("authorized_user.json");
    std::fs::write(&file, user.to_string()).expect("write the credentials file");
    let listed = gcp.client_with_key(&file, &["secrets", PROJECT], "");
    assert_eq!(listed, json!([]), "{listed}");
    assert_eq!(statuses(&gcp, "token"), [200]);
}

fn http_get(gcp: &GcpFake, target: &str, headers: &[(&str, &str)]) -> Response {
    gcp.raw("GET", target, headers, b"")
}

fn post_form(gcp: &GcpFake, form: &str) -> Response {
    let headers = [("Content-Type", "application/x-www-form-urlencoded")];
    gcp.raw("POST", "/token", &headers, form.as_bytes())
}

#[test]
fn thirty_two_keep_alive_connections_at_once() {
    let gcp = GcpFake::start();
    let token = gcp.static_token();
    create_raw(&gcp, &token, "busy");
    gcp.latency(50);
    let authority = gcp.metadata_host().to_string();
    let threads: Vec<_> = (0..32)
        .map(|n| {
            let authority = authority.clone();
            let token = token.clone();
            std::thread::spawn(move || {
                let mut stream = TcpStream::connect(&authority).expect("connect");
                let mut reader = BufReader::new(stream.try_clone().expect("clone the stream"));
                for i in 0..3 {
                    let body =
                        json!({ "payload": { "data": STANDARD.encode(format!("{n}.{i}")) } })
                            .to_string();
                    write!(
                        stream,
                        "POST /v1/projects/{PROJECT}/secrets/busy:addVersion HTTP/1.1\r\n\
                         Host: {authority}\r\nAuthorization: Bearer {token}\r\n\
                         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    )
                    .expect("send on the kept-alive connection");
                    assert_eq!(read_keep_alive(&mut reader), 200);
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("every connection got its answers");
    }
    gcp.latency(0);
    assert_eq!(gcp.stats()["secrets.addVersion"]["ok"], 96);
    let last = gcp.request(
        "GET",
        &format!("/v1/projects/{PROJECT}/secrets/busy/versions/latest"),
        Some(&token),
        None,
    );
    assert_eq!(
        last.json["name"],
        "projects/cfgc-test/secrets/busy/versions/96"
    );
}

/// Reads one answer from a kept-alive connection (by its Content-Length); its status.
fn read_keep_alive(reader: &mut BufReader<TcpStream>) -> u16 {
    let mut status_line = String::new();
    reader.read_line(&mut status_line).expect("a status line");
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("a header");
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().expect("a length");
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).expect("the body");
    status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status")
}

#[test]
fn moto_round_trip_through_boto3() {
    let moto = Moto::start();
    let first = moto.client(&["put", "app/db-password"], "one");
    let second = moto.client(&["put", "app/db-password"], "two");
    assert_eq!(second["stages"], json!(["AWSCURRENT"]));
    let versions = moto.client(&["versions", "app/db-password"], "");
    let stages_of = |id: &Value| {
        versions
            .as_array()
            .expect("a list")
            .iter()
            .find(|v| v["version_id"] == *id)
            .map(|v| v["stages"].clone())
    };
    assert_eq!(
        stages_of(&first["version_id"]),
        Some(json!(["AWSPREVIOUS"]))
    );
    assert_eq!(
        stages_of(&second["version_id"]),
        Some(json!(["AWSCURRENT"]))
    );
    let current = moto.client(&["get", "app/db-password"], "");
    assert_eq!(current["value"], "two");
    let old_id = first["version_id"].as_str().expect("an id");
    let old = moto.client(&["get", "app/db-password", old_id], "");
    assert_eq!(old["value"], "one");
    let described = moto.client(&["describe", "app/db-password"], "");
    assert_eq!(described["Name"], "app/db-password");
    moto.client(&["delete", "app/db-password"], "");
    let gone = moto.client(&["get", "app/db-password"], "");
    assert_eq!(gone["error"]["code"], "ResourceNotFoundException");
}

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
