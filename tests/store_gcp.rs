//! The release loop against Google Secret Manager (issue 21): `cfgc secrets push` and
//! `secrets status` on the bundled example and on the minimal fixture, against the fake of
//! the REST API (`tests/fakes/gcp_secret_manager.py`), with what cfgc pushed read back
//! through Google's own Python client.

use serde_json::{Value, json};

use crate::common::stores::{GcpFake, canned};
use crate::common::{Project, age_key};

/// Values for the example's production secrets, each one a canary no output may show.
const PRODUCTION: &[(&str, &str)] = &[
    ("AWS_ACCESS_KEY_ID", "AKIACANARYAWSKEY0001"),
    (
        "AWS_SECRET_ACCESS_KEY",
        "canary-aws-secret-0123456789abcdefghijklmn",
    ),
    ("CLAUDE_API_KEY", "sk-ant-canary-claude-key-01"),
    ("COMPOSIO_API_KEY", "canary-composio-key-0001"),
    (
        "DATABASE_URL",
        "postgres://app:canary-db-pass-01@db.taskpilot.example.com/app",
    ),
    ("JWT_SECRET", "canary-jwt-secret-0123456789abcdefghijkl"),
    ("OPENROUTER_API_KEY", "sk-or-canary-openrouter-01"),
];

/// The example with production's secrets file made anew for a fresh key, pointed at the
/// fake with a service account's key file (outside the project).
fn example_on(gcp: &GcpFake, creds: &tempfile::TempDir) -> Project {
    let key = age_key();
    let sa = creds.path().join("sa.json");
    std::fs::write(&sa, gcp.service_account_json().to_string()).expect("write the key file");
    let mut p = Project::example()
        .remove("environments/production.secrets.yaml")
        .private_file("keys/test.key", format!("{}\n", key.secret));
    let toml = p.read("cfgc.toml");
    let start = toml.find("[environments.production]").expect("production");
    let from = start
        + toml[start..]
            .find("recipients = [")
            .expect("its recipients");
    let to = from + toml[from..].find("]\n").expect("the list's end") + 1;
    let toml = format!(
        "{}recipients = [\"{}\"]{}",
        &toml[..from],
        key.public,
        &toml[to..]
    );
    p = p.file("cfgc.toml", toml);
    let key_file = p.path("keys/test.key").to_string_lossy().into_owned();
    p = on_fake(p.env("CFGC_AGE_KEY_FILE", &key_file), gcp, &sa);
    for (name, value) in PRODUCTION {
        p = p.canary(value);
        p.set("production", name, value);
    }
    p
}

fn on_fake(p: Project, gcp: &GcpFake, key_file: &std::path::Path) -> Project {
    p.env(
        "GOOGLE_APPLICATION_CREDENTIALS",
        &key_file.to_string_lossy(),
    )
    .env("CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER", gcp.url())
    .env("CFGC_STORE_QUICK_RETRY", "1")
}

/// The payload of `secret`'s `version` in `project`, read by Google's client.
fn payload(gcp: &GcpFake, project: &str, secret: &str, version: &str) -> String {
    let answer = gcp.client(&["access", project, secret, version], "");
    answer["data"]
        .as_str()
        .unwrap_or_else(|| panic!("{answer}"))
        .to_string()
}

/// Every version of `secret` as Google's client lists it: (number, state), oldest first.
fn versions(gcp: &GcpFake, project: &str, secret: &str) -> Vec<(String, String)> {
    let answer = gcp.client(&["versions", project, secret], "");
    let mut list: Vec<(String, String)> = answer
        .as_array()
        .unwrap_or_else(|| panic!("{answer}"))
        .iter()
        .map(|v| {
            (
                v["version"].to_string().trim_matches('"').to_string(),
                v["state"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    list.reverse();
    list
}

fn adds(gcp: &GcpFake) -> u64 {
    gcp.stats()["secrets.addVersion"]["ok"]
        .as_u64()
        .unwrap_or(0)
}

#[test]
fn a_rotation_flows_from_set_to_push_to_plan_to_apply_and_status_sees_what_others_do() {
    let gcp = GcpFake::start();
    let creds = tempfile::tempdir().expect("temp dir");
    let p = example_on(&gcp, &creds);
    // New values, never pushed: the record's digests are of the old file.
    p.args(["secrets", "status", "production"])
        .status(1)
        .stdout_has("store-stale")
        .stdout_has("store-missing")
        .no_canary()
        .run();
    // The store has none of them: made only on purpose.
    p.args(["secrets", "push", "production", "--yes"])
        .status(2)
        .stderr_has("store-create")
        .stderr_has("--create")
        .no_canary()
        .run();
    assert_eq!(
        adds(&gcp),
        0,
        "nothing is pushed when one secret is missing"
    );
    p.args(["secrets", "push", "production", "--yes", "--create"])
        .status(0)
        .stdout_has("pushed DATABASE_URL version 1")
        .no_canary()
        .run();
    for (name, value) in PRODUCTION {
        assert_eq!(
            payload(&gcp, "taskpilot-prod", name, "1"),
            *value,
            "{name} as Google's client reads it"
        );
    }
    // The pins moved from the hand-kept 3, 2, 1 to what was pushed.
    p.args(["plan", "production", "--exit-code"])
        .status(3)
        .stdout_has("DATABASE_URL=DATABASE_URL:3,")
        .stdout_has("DATABASE_URL=DATABASE_URL:1,")
        .stdout_has(
            "+    - versionName: \"projects/taskpilot-prod/secrets/DATABASE_URL/versions/1\"",
        )
        .no_canary()
        .run();
    p.args(["apply", "production", "--yes"]).status(0).run();
    p.args(["secrets", "status", "production"])
        .status(0)
        .stdout_has("production: the store matches the record")
        .run();
    // A rotation.
    let rotated = "postgres://app:canary-rotated-02@db.taskpilot.example.com/app";
    let p = p.canary(rotated);
    p.set("production", "DATABASE_URL", rotated);
    p.args(["secrets", "status", "production"])
        .status(1)
        .stdout_has("store-stale")
        .stdout_has("DATABASE_URL")
        .no_canary()
        .run();
    p.args(["secrets", "push", "production", "--yes"])
        .status(0)
        .stdout_has("DATABASE_URL: 1 → a new version")
        .stdout_has("(6 unchanged)")
        .stdout_has("pushed DATABASE_URL version 2")
        .no_canary()
        .run();
    assert_eq!(
        payload(&gcp, "taskpilot-prod", "DATABASE_URL", "2"),
        rotated
    );
    p.args(["plan", "production", "--exit-code"])
        .status(3)
        .stdout_has("DATABASE_URL=DATABASE_URL:2,")
        .stdout_has(
            "-    - versionName: \"projects/taskpilot-prod/secrets/DATABASE_URL/versions/1\"",
        )
        .stdout_has(
            "+    - versionName: \"projects/taskpilot-prod/secrets/DATABASE_URL/versions/2\"",
        )
        .no_canary()
        .run();
    p.args(["apply", "production", "--yes"]).status(0).run();
    let before = adds(&gcp);
    p.args(["secrets", "push", "production", "--yes"])
        .status(0)
        .stdout_has("nothing to push")
        .run();
    assert_eq!(adds(&gcp), before, "a second push adds nothing");
    p.args(["secrets", "status", "production"]).status(0).run();
    // Out of band: the pinned version disabled in the console.
    gcp.client(&["disable", "taskpilot-prod", "DATABASE_URL", "2"], "");
    p.args(["secrets", "status", "production"])
        .status(1)
        .stdout_has("store-pin-unusable")
        .stdout_has("version 2 of projects/taskpilot-prod/secrets/DATABASE_URL is disabled")
        .run();
    gcp.client(&["enable", "taskpilot-prod", "DATABASE_URL", "2"], "");
    // Out of band: a version added with another tool.
    gcp.client(
        &["add", "taskpilot-prod", "JWT_SECRET"],
        "set-by-hand-in-the-console-0123456789",
    );
    let run = p
        .args(["secrets", "status", "production", "--format", "json"])
        .status(1)
        .run();
    let doc: Value = serde_json::from_str(&run.stdout).expect("json");
    let codes: Vec<&str> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(codes, ["store-out-of-band"], "{}", run.stdout);
    p.args(["secrets", "status", "production", "--format", "github"])
        .status(1)
        .stdout_has("::error file=environments/production.store.toml,line=")
        .stdout_has("title=cfgc store-out-of-band::")
        .run();
    p.args(["check", "production", "--store"])
        .status(1)
        .stdout_has("store-out-of-band")
        .run();
}

/// The minimal fixture with prod's store in the fake; a service account's key outside it.
fn minimal_on(gcp: &GcpFake, creds: &tempfile::TempDir) -> Project {
    let sa = creds.path().join("sa.json");
    std::fs::write(&sa, gcp.service_account_json().to_string()).expect("write the key file");
    let (p, _key) = Project::with_secrets();
    let p = p.edit(
        "cfgc.toml",
        "[environments.prod]\n",
        "[environments.prod]\nstore = { kind = \"gcp-secret-manager\", project = \"minimal-prod\" }\n",
    );
    on_fake(p, gcp, &sa).canary("postgres://app:prod@db.example.com/app")
}

#[test]
fn storms_of_429_and_503_are_waited_out_and_each_value_lands_once() {
    let gcp = GcpFake::start();
    let creds = tempfile::tempdir().expect("temp dir");
    let p = minimal_on(&gcp, &creds);
    gcp.faults(json!({ "status": 429, "count": 5 }));
    gcp.faults(json!({ "status": 503, "rate": 0.25 }));
    p.args(["secrets", "push", "prod", "--yes", "--create"])
        .status(0)
        .no_canary()
        .run();
    gcp.faults(json!({ "clear": true }));
    for name in ["DATABASE_URL", "JWT_SECRET"] {
        assert_eq!(
            versions(&gcp, "minimal-prod", name),
            [("1".to_string(), "ENABLED".to_string())],
            "{name}"
        );
    }
    assert!(
        gcp.stats()["secrets.addVersion"]["status"]["429"]
            .as_u64()
            .unwrap_or(0)
            + gcp.stats()["secrets.create"]["status"]["429"]
                .as_u64()
                .unwrap_or(0)
            + gcp.stats()["versions.list"]["status"]["429"]
                .as_u64()
                .unwrap_or(0)
            > 0,
        "the storm hit: {}",
        gcp.stats()
    );
    p.args(["secrets", "status", "prod"]).status(0).run();
}

#[test]
fn a_version_added_whose_answer_was_lost_is_not_added_again() {
    let gcp = GcpFake::start();
    let creds = tempfile::tempdir().expect("temp dir");
    let p = minimal_on(&gcp, &creds);
    // The store adds each version, then the answer is lost: a 503 from a proxy in front,
    // or a connection dropped before the answer. Secret Manager takes no idempotency
    // token, so a blind resend would add a second copy of the value.
    for (secret, status) in [("DATABASE_URL", json!(503)), ("JWT_SECRET", json!("close"))] {
        gcp.faults(json!({
            "status": status, "count": 2, "after_commit": true,
            "path_contains": format!("{secret}:addVersion"),
        }));
    }
    p.args(["secrets", "push", "prod", "--yes", "--create"])
        .status(0)
        .no_canary()
        .run();
    for name in ["DATABASE_URL", "JWT_SECRET"] {
        assert_eq!(
            versions(&gcp, "minimal-prod", name),
            [("1".to_string(), "ENABLED".to_string())],
            "{name}"
        );
    }
    let record = p.read("environments/prod.store.toml");
    for name in ["DATABASE_URL", "JWT_SECRET"] {
        assert!(
            record.contains(&format!("[secrets.{name}]\nversion = \"1\"")),
            "{record}"
        );
    }
    p.args(["secrets", "status", "prod"]).status(0).run();
}

#[test]
fn a_token_that_expires_mid_run_is_fetched_again() {
    let gcp = GcpFake::start();
    let creds = tempfile::tempdir().expect("temp dir");
    let p = minimal_on(&gcp, &creds);
    gcp.token_ttl_requests(Some(2));
    p.args(["secrets", "push", "prod", "--yes", "--create"])
        .status(0)
        .run();
    assert!(
        gcp.stats()["token"]["ok"].as_u64().unwrap_or(0) >= 2,
        "{}",
        gcp.stats()
    );
    assert_eq!(
        payload(&gcp, "minimal-prod", "DATABASE_URL", "1"),
        "postgres://app:prod@db.example.com/app"
    );
}

#[test]
fn a_push_failing_halfway_records_what_landed_and_a_rerun_finishes() {
    let gcp = GcpFake::start();
    let creds = tempfile::tempdir().expect("temp dir");
    let p = minimal_on(&gcp, &creds);
    gcp.faults(json!({ "status": 503, "count": 1000, "path_contains": "JWT_SECRET:addVersion" }));
    p.args(["secrets", "push", "prod", "--yes", "--create"])
        .status(2)
        .stderr_has("JWT_SECRET was not pushed")
        .stderr_has("run `cfgc secrets push prod` again")
        .no_canary()
        .run();
    let record = p.read("environments/prod.store.toml");
    assert!(
        record.contains("[secrets.DATABASE_URL]\nversion = \"1\""),
        "{record}"
    );
    assert!(
        record.contains("[secrets.JWT_SECRET]\npending = { sealed = \"sha256:"),
        "{record}"
    );
    p.args(["secrets", "status", "prod"])
        .status(1)
        .stdout_has("store-interrupted")
        .run();
    gcp.faults(json!({ "clear": true }));
    p.args(["secrets", "push", "prod", "--yes"])
        .status(0)
        .stdout_has("JWT_SECRET: none → a new version")
        .stdout_lacks("DATABASE_URL:")
        .run();
    assert_eq!(versions(&gcp, "minimal-prod", "JWT_SECRET").len(), 1);
    assert_eq!(versions(&gcp, "minimal-prod", "DATABASE_URL").len(), 1);
    p.args(["secrets", "status", "prod"]).status(0).run();
}

#[test]
fn a_pin_to_latest_and_a_damaged_record_are_reported() {
    let gcp = GcpFake::start();
    let creds = tempfile::tempdir().expect("temp dir");
    let p = minimal_on(&gcp, &creds);
    p.args(["secrets", "push", "prod", "--yes", "--create"])
        .status(0)
        .run();
    let record = p.read("environments/prod.store.toml");
    let p = p.file(
        "environments/prod.store.toml",
        record.replacen("version = \"1\"", "version = \"latest\"", 1),
    );
    p.args(["secrets", "status", "prod"])
        .status(1)
        .stdout_has("store-pin-latest")
        .stdout_has("prod.store.toml:")
        .run();
    let p = p.file(
        "environments/prod.store.toml",
        "[secrets.DATABASE_URL]\nversion = \"1\"\n",
    );
    p.args(["secrets", "status", "prod"])
        .status(2)
        .stderr_has("store-record")
        .stderr_has("needs both `version` and `sealed`")
        .stderr_has("prod.store.toml:1:1")
        .run();
}

#[test]
fn credentials_come_from_an_authorized_user_the_adc_file_or_the_metadata_server() {
    let gcp = GcpFake::start();
    let creds = tempfile::tempdir().expect("temp dir");
    let p = minimal_on(&gcp, &creds);
    let user = creds.path().join("user.json");
    std::fs::write(&user, gcp.authorized_user_json().to_string()).expect("write");
    p.args(["secrets", "push", "prod", "--yes", "--create"])
        .env("GOOGLE_APPLICATION_CREDENTIALS", &user)
        .status(0)
        .run();
    // gcloud's ADC file, found through CLOUDSDK_CONFIG.
    let adc = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        &user,
        adc.path().join("application_default_credentials.json"),
    )
    .expect("copy");
    let p = p.unset("GOOGLE_APPLICATION_CREDENTIALS");
    p.args(["secrets", "status", "prod"])
        .env("CLOUDSDK_CONFIG", adc.path())
        .status(0)
        .run();
    // The metadata server (Cloud Build, Cloud Run).
    let empty = tempfile::tempdir().expect("temp dir");
    p.args(["secrets", "status", "prod"])
        .env("CLOUDSDK_CONFIG", empty.path())
        .env("GCE_METADATA_HOST", gcp.metadata_host())
        .status(0)
        .run();
    assert!(
        gcp.stats()["metadata"]["ok"].as_u64().unwrap_or(0) >= 1,
        "{}",
        gcp.stats()
    );
    // None at all: each place looked at is named.
    p.args(["secrets", "status", "prod"])
        .env("CLOUDSDK_CONFIG", empty.path())
        .env("GCE_METADATA_HOST", "127.0.0.1:9")
        .env("PATH", "/nonexistent")
        .status(2)
        .stderr_has("no Google credentials")
        .stderr_has("GOOGLE_APPLICATION_CREDENTIALS is not set")
        .stderr_has("gcloud auth application-default login")
        .run();
}

#[test]
fn an_endpoint_is_https_or_this_machine() {
    let gcp = GcpFake::start();
    let creds = tempfile::tempdir().expect("temp dir");
    let p = minimal_on(&gcp, &creds);
    p.args(["secrets", "status", "prod"])
        .env(
            "CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER",
            "http://secretmanager.example.com/",
        )
        .status(2)
        .stderr_has("must be https (plain http only to this machine)")
        .run();
    let sa: Value = gcp.service_account_json();
    let mut bad = sa.clone();
    bad["token_uri"] = json!("http://oauth2.example.com/token");
    let file = creds.path().join("bad.json");
    std::fs::write(&file, bad.to_string()).expect("write");
    p.args(["secrets", "status", "prod"])
        .env("GOOGLE_APPLICATION_CREDENTIALS", &file)
        .status(2)
        .stderr_has("token_uri")
        .stderr_has("must be https")
        .run();
}

/// In CI, a push decrypts only for code identical to the trusted branch: a pull request
/// that points the store elsewhere pushes nothing anywhere.
#[test]
fn a_pull_request_that_moves_the_store_pushes_nothing_in_ci() {
    use crate::common::git::{commit, git, repo};
    let gcp = GcpFake::start();
    let creds = tempfile::tempdir().expect("temp dir");
    let sa = creds.path().join("sa.json");
    std::fs::write(&sa, gcp.service_account_json().to_string()).expect("write the key file");
    let secret = "c4n4ry-pushed-0123456789abcdefghijkl";
    let p = repo();
    p.set("dev", "JWT_SECRET", secret);
    let p = p
        .edit(
            "cfgc.toml",
            "schema = \"schema/env.schema.json\"",
            "schema = \"schema/env.schema.json\"\ntrusted_branch = \"main\"",
        )
        .edit(
            "cfgc.toml",
            "[environments.dev]\n",
            "[environments.dev]\nstore = { kind = \"gcp-secret-manager\", project = \"ours\" }\n",
        )
        .file(".gitignore", "keys/\n.cfgc.lock\ndeploy/\n");
    commit(&p, "a store");
    git(&p, &["checkout", "-q", "-b", "pr"]);
    let p = p.edit("cfgc.toml", "project = \"ours\"", "project = \"theirs\"");
    commit(&p, "the pull request");
    let p = on_fake(p, &gcp, &sa).canary(secret);
    p.args(["secrets", "push", "dev", "--yes", "--create"])
        .env("CI", "true")
        .status(2)
        .stderr_has("store-not-decrypted")
        .stderr_has("not pushing `dev`")
        .no_canary()
        .run();
    assert_eq!(adds(&gcp), 0, "nothing reached any store");
    // The same push from the trusted branch goes through.
    git(&p, &["checkout", "-q", "main"]);
    p.args(["secrets", "push", "dev", "--yes", "--create"])
        .env("CI", "true")
        .status(0)
        .no_canary()
        .run();
    assert_eq!(payload(&gcp, "ours", "JWT_SECRET", "1"), secret);
}

/// A refused refresh token, a refused key and a store that refuses the token: each is an
/// error that names the place, never the credential.
#[test]
fn refused_credentials_are_named_never_shown() {
    let gcp = GcpFake::start();
    let creds = tempfile::tempdir().expect("temp dir");
    let p = minimal_on(&gcp, &creds);
    let mut user = gcp.authorized_user_json();
    let refresh = "1//canary-refresh-token-0123456789";
    user["refresh_token"] = json!(refresh);
    let user_file = creds.path().join("user.json");
    std::fs::write(&user_file, user.to_string()).expect("write");
    let sa: Value = serde_json::from_str(
        &std::fs::read_to_string(creds.path().join("sa.json")).expect("minimal_on wrote it"),
    )
    .expect("json");
    let key = sa["private_key"].as_str().expect("a key");
    let key_body = &key[40..100];
    let p = p.canary(refresh).canary(key_body);
    p.args(["secrets", "push", "prod", "--yes", "--create"])
        .env("GOOGLE_APPLICATION_CREDENTIALS", &user_file)
        .status(2)
        .stderr_has("gave no token")
        .no_canary()
        .run();
    // Every token the fake issued dies at once: the one fetched again is refused too.
    gcp.token_ttl_requests(Some(0));
    p.args(["secrets", "status", "prod"])
        .status(2)
        .stderr_has("401")
        .no_canary()
        .run();
}

/// The last source of the chain: gcloud's own login (`gcloud auth print-access-token`), here
/// with an access-token file. gcloud is not on every machine (CI's included): run with
/// `cargo test -- --ignored` where it is.
#[test]
#[ignore = "needs the gcloud CLI"]
fn gcloud_is_the_last_resort() {
    let gcp = GcpFake::start();
    let creds = tempfile::tempdir().expect("temp dir");
    let p = minimal_on(&gcp, &creds).unset("GOOGLE_APPLICATION_CREDENTIALS");
    let token_file = creds.path().join("token");
    std::fs::write(&token_file, gcp.static_token()).expect("write");
    let empty = tempfile::tempdir().expect("temp dir");
    p.args(["secrets", "push", "prod", "--yes", "--create"])
        .env("CLOUDSDK_CONFIG", empty.path())
        .env("CLOUDSDK_AUTH_ACCESS_TOKEN_FILE", &token_file)
        .env("GCE_METADATA_HOST", "127.0.0.1:9")
        .status(0)
        .run();
    assert_eq!(
        payload(&gcp, "minimal-prod", "DATABASE_URL", "1"),
        "postgres://app:prod@db.example.com/app"
    );
}

/// google-auth's own refresh of the credentials file at `path`: the token it ends with.
fn google_auth_token(path: &std::path::Path) -> String {
    crate::common::tools::require_python_module("google.auth", "google-auth");
    // identity_pool directly: load_credentials_from_file would also ask Resource Manager
    // for the project, which is not the exchange under test.
    let script = "import sys, google.auth.transport.requests as r\n\
        from google.auth import identity_pool\n\
        creds = identity_pool.Credentials.from_file(sys.argv[1], \
        scopes=['https://www.googleapis.com/auth/cloud-platform'])\n\
        creds.refresh(r.Request())\nprint(creds.token)\n";
    let out = crate::common::tools::command("python3")
        .args(["-c", script])
        .arg(path)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "google-auth failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_string()
}

#[test]
fn workload_identity_federation_trades_a_ci_token_as_google_auth_does() {
    let gcp = GcpFake::start();
    let service_token = gcp.static_token();
    // GitHub's token endpoint, Google's STS and IAM credentials, each asked twice: by
    // google-auth, then by cfgc.
    let github = r#"{"count":1,"value":"gh-oidc-t0ken"}"#;
    let sts = r#"{"access_token":"federated-t0ken","token_type":"Bearer","expires_in":3600,
        "issued_token_type":"urn:ietf:params:oauth:token-type:access_token"}"#;
    let iam = format!(r#"{{"accessToken":"{service_token}","expireTime":"2099-01-01T00:00:00Z"}}"#);
    let (github_url, github_asked) = canned(vec![(200, github), (200, github)]);
    let (sts_url, sts_asked) = canned(vec![(200, sts), (200, sts)]);
    let (iam_url, iam_asked) = canned(vec![(200, iam.clone()), (200, iam)]);
    let creds = tempfile::tempdir().expect("temp dir");
    let file = creds.path().join("wif.json");
    let config = json!({
        "type": "external_account",
        "audience": "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/ci/providers/github",
        "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
        "token_url": format!("{sts_url}/v1/token"),
        "service_account_impersonation_url": format!(
            "{iam_url}/v1/projects/-/serviceAccounts/release@minimal-prod.iam.gserviceaccount.com:generateAccessToken"
        ),
        "credential_source": {
            "url": format!("{github_url}/token?api-version=2.0&audience=gcp"),
            "headers": {"Authorization": "bearer gh-request-t0ken"},
            "format": {"type": "json", "subject_token_field_name": "value"},
        },
    });
    std::fs::write(&file, config.to_string()).expect("write");
    assert_eq!(google_auth_token(&file), service_token);
    let google_auth = [&github_asked, &sts_asked, &iam_asked].map(|r| r.recv().expect("asked"));

    let (p, _key) = Project::with_secrets();
    let p = p.edit(
        "cfgc.toml",
        "[environments.prod]\n",
        "[environments.prod]\nstore = { kind = \"gcp-secret-manager\", project = \"minimal-prod\" }\n",
    );
    let p = on_fake(p, &gcp, &file);
    p.args(["secrets", "push", "prod", "--yes", "--create"])
        .status(0)
        .run();
    let cfgc = [&github_asked, &sts_asked, &iam_asked].map(|r| r.recv().expect("asked"));
    let expected: [&[&str]; 3] = [
        &[
            "get /token?api-version=2.0&audience=gcp ",
            "authorization: bearer gh-request-t0ken\r\n",
        ],
        &[
            "post /v1/token ",
            "grant_type=urn%3aietf%3aparams%3aoauth%3agrant-type%3atoken-exchange",
            "audience=%2f%2fiam.googleapis.com%2fprojects%2f123%2flocations%2fglobal%2fworkloadidentitypools%2fci%2fproviders%2fgithub",
            // The federated token only impersonates: IAM's scope.
            "scope=https%3a%2f%2fwww.googleapis.com%2fauth%2fiam&",
            "requested_token_type=urn%3aietf%3aparams%3aoauth%3atoken-type%3aaccess_token",
            "subject_token=gh-oidc-t0ken",
            "subject_token_type=urn%3aietf%3aparams%3aoauth%3atoken-type%3ajwt",
        ],
        &[
            "post /v1/projects/-/serviceaccounts/release@minimal-prod.iam.gserviceaccount.com:generateaccesstoken ",
            "authorization: bearer federated-t0ken\r\n",
            "https://www.googleapis.com/auth/cloud-platform",
            "\"lifetime\":",
        ],
    ];
    for ((theirs, ours), parts) in google_auth.iter().zip(&cfgc).zip(expected) {
        for (who, request) in [("google-auth", theirs), ("cfgc", ours)] {
            let lower = request.to_ascii_lowercase().replace("\": \"", "\":\"");
            for part in parts {
                assert!(lower.contains(part), "{who} lacks {part}: {request}");
            }
        }
    }
    assert_eq!(versions(&gcp, "minimal-prod", "DATABASE_URL").len(), 1);
}
