//! moto, the AWS emulator, read and written through boto3.

use serde_json::{Value, json};

use crate::common::stores::Moto;

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
