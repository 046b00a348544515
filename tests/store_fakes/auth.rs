//! Tokens: the ones the fake issues (token endpoint, metadata server, static), the ones it
//! refuses (expired, used up, signed with the wrong key), as google-auth meets them.

use std::collections::BTreeSet;

use serde_json::json;

use super::{PROJECT, statuses};
use crate::common::stores::{GcpFake, Response};

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
