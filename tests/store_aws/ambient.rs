//! The keys of the machine's role, the chain's last two places: EC2's instance metadata
//! (moto serves it, IMDSv2 token included) and the container credentials endpoint (ECS,
//! CodeBuild, EKS Pod Identity: a canned loopback server). Each time botocore, asked the
//! same way, must find the same keys: cfgc reads these services as the SDKs do.

use cfgc::store::Store;

use super::harness::{Moto, assert_both_hold, assert_signs_with, botocore_finds, store, value};
use crate::common::stores::canned;

#[test]
fn instance_metadata_keys_sign_requests_as_botocore_finds_them() {
    let moto = Moto::start();
    let home = tempfile::tempdir().expect("a temp folder");
    let home = home.path().display().to_string();
    let imds = [
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", moto.url.as_str()),
        ("HOME", home.as_str()),
    ];
    assert_eq!(
        botocore_finds(&imds),
        "iam-role test-key test-session-token"
    );

    assert_signs_with(&imds, "test-key", "test-session-token");

    // And a push through moto itself, on the keys of its instance role.
    let mut vars = imds.to_vec();
    vars.push(("AWS_ENDPOINT_URL", &moto.url));
    let pushing = store("", &vars).unwrap_or_else(|e| panic!("{e}"));
    pushing.create("ROLE_PUSHED").expect("created");
    let id = pushing
        .add_version(
            "ROLE_PUSHED",
            &value("v1"),
            "tok-0000000000000000000000000001",
            None,
        )
        .expect("pushed");
    let described = pushing.describe("ROLE_PUSHED").expect("described");
    assert!(described.is_some_and(|d| d.versions.iter().any(|v| v.id == id)));
}

#[test]
fn container_keys_come_with_the_authorization_token_as_botocore_sends_it() {
    let answer = r#"{"AccessKeyId":"ASIACONTAINER","SecretAccessKey":"c0ntainer-s3cret",
        "Token":"container-session","Expiration":"2099-01-01T00:00:00Z"}"#;
    let (endpoint, asked) = canned(vec![(200, answer), (200, answer)]);
    let dir = tempfile::tempdir().expect("a temp folder");
    let token_file = dir.path().join("eks-pod-identity-token");
    std::fs::write(&token_file, "pod-identity-t0ken").expect("write");
    let full = format!("{endpoint}/v1/credentials");
    let token_path = token_file.display().to_string();
    let container = [
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", full.as_str()),
        (
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            token_path.as_str(),
        ),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    assert_eq!(
        botocore_finds(&container),
        "container-role ASIACONTAINER container-session"
    );
    let botocore_asked = asked.recv().expect("botocore's request");

    assert_signs_with(&container, "asiacontainer", "container-session");
    let cfgc_asked = asked.recv().expect("cfgc's request");
    let parts = [
        "get /v1/credentials http/1.1",
        "authorization: pod-identity-t0ken\r\n",
    ];
    assert_both_hold(&botocore_asked, &cfgc_asked, &parts);
}

#[test]
fn a_container_endpoint_elsewhere_in_plain_http_is_refused() {
    let err = store(
        "",
        &[
            (
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "http://creds.example.com/role",
            ),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "t0ken"),
        ],
    )
    .expect_err("refused");
    assert!(
        err.message.starts_with(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI `http://creds.example.com/role` must be https"
        ),
        "{}",
        err.message
    );
    assert!(!err.message.contains("t0ken"));
}

#[test]
fn the_instance_metadata_session_is_asked_for_as_botocore_asks() {
    let (token, role) = ((200, "AQAEAIMDS-session=="), (200, "ci-runner\n"));
    let keys = (
        200,
        r#"{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIAINSTANCE",
            "SecretAccessKey":"inst4nce-s3cret","Token":"instance-session",
            "Expiration":"2099-01-01T00:00:00Z"}"#,
    );
    let (imds, asked) = canned(vec![token, role, keys, token, role, keys]);
    let home = tempfile::tempdir().expect("a temp folder");
    let home = home.path().display().to_string();
    let vars = [
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.as_str()),
        ("HOME", home.as_str()),
    ];
    assert_eq!(
        botocore_finds(&vars),
        "iam-role ASIAINSTANCE instance-session"
    );
    let botocore: Vec<String> = asked.iter().take(3).collect();
    assert_signs_with(&vars, "asiainstance", "instance-session");
    let cfgc: Vec<String> = asked.iter().take(3).collect();
    // The same three requests, each with the header that makes it IMDSv2.
    let expected = [
        (
            "put /latest/api/token ",
            "x-aws-ec2-metadata-token-ttl-seconds: 21600\r\n",
        ),
        (
            "get /latest/meta-data/iam/security-credentials/ ",
            "x-aws-ec2-metadata-token: aqaeaimds-session==\r\n",
        ),
        (
            "get /latest/meta-data/iam/security-credentials/ci-runner ",
            "x-aws-ec2-metadata-token: aqaeaimds-session==\r\n",
        ),
    ];
    for (who, requests) in [("botocore", &botocore), ("cfgc", &cfgc)] {
        for (request, (line, header)) in requests.iter().zip(expected) {
            let lower = request.to_ascii_lowercase();
            assert!(lower.starts_with(line), "{who}: {request}");
            assert!(lower.contains(header), "{who}: {request}");
        }
    }
}

#[test]
fn a_metadata_service_answering_out_of_turn_is_not_echoed() {
    let keys = r#"{"AccessKeyId":"ASIAX","SecretAccessKey":"inst4nce-s3cret","Token":"t",
        "Expiration":"2099-01-01T00:00:00Z"}"#;
    let (imds, _asked) = canned(vec![(200, "session"), (200, keys)]);
    let err = store(
        "",
        &[
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.as_str()),
            ("HOME", "/nonexistent"),
        ],
    )
    .expect_err("refused");
    assert_eq!(
        err.message,
        "the EC2 instance metadata service answered something other than an IAM role name \
         when asked for the role"
    );
}
