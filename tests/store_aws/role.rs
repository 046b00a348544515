//! A profile's role assumed with its `source_profile`'s keys: the `AssumeRole` request as
//! botocore sends it (a canned STS), and a push on the assumed keys through moto's STS and
//! Secrets Manager.

use cfgc::store::Store;

use super::harness::{Moto, assert_both_hold, assert_signs_with, botocore_finds, store, value};
use crate::common::stores::canned;

const ASSUMED: &str = r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>ASIAASSUMED</AccessKeyId>
      <SecretAccessKey>assum3d-s3cret</SecretAccessKey>
      <SessionToken>assumed-session</SessionToken>
      <Expiration>2099-01-01T00:00:00Z</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/deploy/release</Arn>
      <AssumedRoleId>AROAEXAMPLE:release</AssumedRoleId>
    </AssumedRoleUser>
  </AssumeRoleResult>
</AssumeRoleResponse>"#;

/// A home folder whose config has profile `deploy`: a role, assumed with `base`'s keys.
fn home_with_a_role_profile() -> tempfile::TempDir {
    let home = tempfile::tempdir().expect("a temp folder");
    std::fs::create_dir(home.path().join(".aws")).expect("mkdir");
    std::fs::write(
        home.path().join(".aws/config"),
        "[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\n\
         source_profile = base\nrole_session_name = release\nexternal_id = ext-42\n",
    )
    .expect("write");
    std::fs::write(
        home.path().join(".aws/credentials"),
        "[base]\naws_access_key_id = AKIASOURCEKEY\naws_secret_access_key = s0urce-s3cret\n",
    )
    .expect("write");
    home
}

#[test]
fn assume_role_is_asked_with_the_source_keys_as_botocore_asks() {
    let home = home_with_a_role_profile();
    let home = home.path().display().to_string();
    let (sts, asked) = canned(vec![(200, ASSUMED), (200, ASSUMED)]);
    let vars = [
        ("HOME", home.as_str()),
        ("AWS_PROFILE", "deploy"),
        ("AWS_ENDPOINT_URL_STS", sts.as_str()),
        ("AWS_DEFAULT_REGION", "us-east-1"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    assert_eq!(
        botocore_finds(&vars),
        "assume-role ASIAASSUMED assumed-session"
    );
    let botocore = asked.recv().expect("botocore's request");

    assert_signs_with(&vars, "asiaassumed", "assumed-session");
    let cfgc = asked.recv().expect("cfgc's request");
    let parts = [
        "post / http/1.1",
        "authorization: aws4-hmac-sha256 credential=akiasourcekey/",
        "/us-east-1/sts/aws4_request",
        "action=assumerole",
        "rolearn=arn%3aaws%3aiam%3a%3a123456789012%3arole%2fdeploy",
        "rolesessionname=release",
        "externalid=ext-42",
    ];
    assert_both_hold(&botocore, &cfgc, &parts);
}

#[test]
fn a_push_on_assumed_keys_through_moto() {
    let moto = Moto::start();
    let home = home_with_a_role_profile();
    let home = home.path().display().to_string();
    let vars = [
        ("HOME", home.as_str()),
        ("AWS_PROFILE", "deploy"),
        ("AWS_ENDPOINT_URL", moto.url.as_str()),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    let pushing = store("", &vars).unwrap_or_else(|e| panic!("{e}"));
    pushing.create("ASSUMED_PUSH").expect("created");
    let id = pushing
        .add_version(
            "ASSUMED_PUSH",
            &value("v1"),
            "tok-0000000000000000000000000002",
            None,
        )
        .expect("pushed");
    let described = pushing.describe("ASSUMED_PUSH").expect("described");
    assert!(described.is_some_and(|d| d.versions.iter().any(|v| v.id == id)));
}
