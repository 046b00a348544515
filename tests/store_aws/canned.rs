//! Against a loopback server with canned answers: what moto cannot show.

use cfgc::store::Store;

use super::harness::{store, value};
use crate::common::stores::canned;

#[test]
fn static_keys_from_a_profile_sign_the_request() {
    let (url, requests) = canned(vec![(
        400,
        r#"{"__type":"ResourceNotFoundException","message":"no"}"#,
    )]);
    let home = tempfile::tempdir().expect("a temp folder");
    std::fs::create_dir(home.path().join(".aws")).expect("mkdir");
    std::fs::write(
        home.path().join(".aws/credentials"),
        "# keys\n[dev]\nAWS_ACCESS_KEY_ID = AKIAPROFILEKEY ; the dev key\naws_secret_access_key=s\n",
    )
    .expect("write");
    let store = store(
        "",
        &[
            ("AWS_ENDPOINT_URL", &url),
            ("HOME", &home.path().display().to_string()),
            ("AWS_PROFILE", "dev"),
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.describe("x"), Ok(None));
    let request = requests.recv().expect("a request").to_ascii_lowercase();
    assert!(
        request.contains("authorization: aws4-hmac-sha256 credential=akiaprofilekey/"),
        "{request}"
    );
    assert!(
        request.contains("x-amz-target: secretsmanager.describesecret"),
        "{request}"
    );
    assert!(
        request.contains("content-type: application/x-amz-json-1.1"),
        "{request}"
    );
}

#[test]
fn an_expired_token_is_found_again_and_the_call_retried() {
    let (url, requests) = canned(vec![
        (
            400,
            r#"{"__type":"ExpiredTokenException","message":"expired"}"#,
        ),
        (
            400,
            r#"{"__type":"ThrottlingException","message":"slow down"}"#,
        ),
        (200, r#"{"VersionId":"v1"}"#),
    ]);
    let store = store(
        "",
        &[
            ("AWS_ENDPOINT_URL", &url),
            ("AWS_ACCESS_KEY_ID", "A"),
            ("AWS_SECRET_ACCESS_KEY", "s"),
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        store.add_version("x", &value("hunter2"), "v1", None),
        Ok("v1".to_string())
    );
    assert_eq!(requests.iter().count(), 3);
}

#[test]
fn an_error_answer_names_the_call_and_never_the_value() {
    let (url, _requests) = canned(vec![(
        400,
        r#"{"__type":"com.amazonaws#InvalidParameterException","Message":"too long"}"#,
    )]);
    let store = store(
        "p/",
        &[
            ("AWS_ENDPOINT_URL", &url),
            ("AWS_ACCESS_KEY_ID", "A"),
            ("AWS_SECRET_ACCESS_KEY", "s"),
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let err = store
        .add_version("x", &value("hunter2"), "t", None)
        .expect_err("refused");
    assert_eq!(
        err.message,
        "AWS Secrets Manager PutSecretValue for p/x answered 400 InvalidParameterException: too long"
    );
}

#[test]
fn plain_http_to_another_host_is_refused() {
    let keys = [("AWS_ACCESS_KEY_ID", "A"), ("AWS_SECRET_ACCESS_KEY", "s")];
    for var in ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SECRETS_MANAGER"] {
        let mut vars = keys.to_vec();
        vars.push((var, "http://secretsmanager.example.com"));
        let err = store("", &vars).expect_err("refused");
        assert_eq!(
            err.message,
            format!(
                "{var} `http://secretsmanager.example.com` must be https (plain http only to this machine)"
            )
        );
    }
    let err = store(
        "",
        &[
            ("AWS_ENDPOINT_URL_STS", "http://sts.example.com"),
            ("AWS_WEB_IDENTITY_TOKEN_FILE", "/t"),
            ("AWS_ROLE_ARN", "arn"),
        ],
    )
    .expect_err("refused");
    assert!(
        err.message
            .starts_with("AWS_ENDPOINT_URL_STS `http://sts.example.com` must be https"),
        "{}",
        err.message
    );
}
