//! IAM Identity Center profiles: the token `aws sso login` cached, traded at the SSO portal
//! (a canned loopback server) for a role's keys, as botocore trades it; both forms of
//! profile, and what an expired or missing login says.

use super::harness::{assert_both_hold, assert_signs_with, botocore_finds, python, store};
use crate::common::stores::canned;

const ROLE_KEYS: &str = r#"{"roleCredentials":{"accessKeyId":"ASIASSOROLE",
    "secretAccessKey":"ss0-s3cret","sessionToken":"sso-session-token",
    "expiration":4070908800000}}"#;

/// A home folder with `config` and the CLI's cache entry for `key` (file named by Python's
/// SHA-1, as botocore names it) expiring at `expires_at`.
fn home(config: &str, key: &str, expires_at: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().expect("a temp folder");
    let cache = home.path().join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).expect("mkdir");
    std::fs::write(home.path().join(".aws/config"), config).expect("write");
    let name = python(
        "import hashlib, sys; print(hashlib.sha1(sys.stdin.read().encode()).hexdigest())",
        key,
    );
    let entry = serde_json::json!({
        "startUrl": "https://corp.awsapps.com/start", "region": "eu-west-1",
        "accessToken": "sso-access-t0ken", "expiresAt": expires_at,
    });
    std::fs::write(
        cache.join(format!("{}.json", name.trim())),
        entry.to_string(),
    )
    .expect("write");
    home
}

const SESSION_PROFILE: &str = "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\n\
    sso_role_name = Deploy\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n\
    sso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n";
const LEGACY_PROFILE: &str = "[profile dev]\nsso_start_url = https://corp.awsapps.com/start\n\
    sso_region = eu-west-1\nsso_account_id = 123456789012\nsso_role_name = Deploy\n";

#[test]
fn both_profile_forms_trade_the_cached_login_as_botocore_does() {
    for (config, key) in [
        (SESSION_PROFILE, "corp"),
        (LEGACY_PROFILE, "https://corp.awsapps.com/start"),
    ] {
        let home = home(config, key, "2099-01-01T00:00:00Z");
        let home = home.path().display().to_string();
        let (portal, asked) = canned(vec![(200, ROLE_KEYS), (200, ROLE_KEYS)]);
        let vars = [
            ("HOME", home.as_str()),
            ("AWS_PROFILE", "dev"),
            ("AWS_ENDPOINT_URL_SSO", portal.as_str()),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ];
        assert_eq!(
            botocore_finds(&vars),
            "sso ASIASSOROLE sso-session-token",
            "{key}"
        );
        let botocore = asked.recv().expect("botocore's request");

        assert_signs_with(&vars, "asiassorole", "sso-session-token");
        let cfgc = asked.recv().expect("cfgc's request");
        let parts = [
            "get /federation/credentials?",
            "account_id=123456789012",
            "role_name=deploy",
            "x-amz-sso_bearer_token: sso-access-t0ken\r\n",
        ];
        assert_both_hold(&botocore, &cfgc, &parts);
    }
}

#[test]
fn an_expired_or_missing_login_says_which_login_to_run() {
    let expired = home(SESSION_PROFILE, "corp", "2020-01-01T00:00:00UTC");
    let path = expired.path().display().to_string();
    let err = store("", &[("HOME", &path), ("AWS_PROFILE", "dev")]).expect_err("refused");
    assert_eq!(
        err.message,
        "the SSO login has expired: run `aws sso login --sso-session corp`"
    );
    let elsewhere = home(
        LEGACY_PROFILE,
        "https://other.awsapps.com/start",
        "2099-01-01T00:00:00Z",
    );
    let path = elsewhere.path().display().to_string();
    let err = store("", &[("HOME", &path), ("AWS_PROFILE", "dev")]).expect_err("refused");
    assert!(
        err.message.starts_with("no SSO login is cached ("),
        "{}",
        err.message
    );
    assert!(
        err.message
            .ends_with("does not exist): run `aws sso login --profile dev`"),
        "{}",
        err.message
    );
    assert!(!err.message.contains("sso-access-t0ken"));
}
