//! `cfgc secrets push` and `secrets status` through the binary against moto: the release
//! loop on AWS Secrets Manager, with a prefix, read back by boto3 and changed behind cfgc's
//! back the ways the drift check must see.

use crate::common::Project;
use crate::common::stores::Moto;

const DB: &str = "postgres://app:prod@db.example.com/app";
const JWT: &str = "prod-jwt-secret-0123456789abcdefghijk";

fn project(moto: &Moto) -> Project {
    let (p, _key) = Project::with_secrets();
    let mut p = p
        .edit(
            "cfgc.toml",
            "[environments.prod]\n",
            "[environments.prod]\nstore = { kind = \"aws-secrets-manager\", region = \"eu-west-1\", prefix = \"minimal/prod/\" }\n",
        )
        .env("CFGC_STORE_QUICK_RETRY", "1")
        .canary(DB)
        .canary(JWT);
    for (k, v) in moto.env() {
        p = p.env(k, &v);
    }
    p
}

fn value(moto: &Moto, name: &str, version: &str) -> String {
    let answer = moto.client(&["get", name, version], "");
    answer["value"]
        .as_str()
        .unwrap_or_else(|| panic!("{answer}"))
        .to_string()
}

fn pin(p: &Project, name: &str) -> String {
    let record: toml::Value =
        toml::from_str(&p.read("environments/prod.store.toml")).expect("parses");
    record["secrets"][name]["version"]
        .as_str()
        .expect("pinned")
        .to_string()
}

#[test]
fn push_and_status_against_moto() {
    let moto = Moto::start();
    let p = project(&moto);
    p.args(["secrets", "push", "prod", "--yes"])
        .status(2)
        .stderr_has("store-create")
        .stderr_has("minimal/prod/DATABASE_URL")
        .no_canary()
        .run();
    p.args(["secrets", "push", "prod", "--yes", "--create"])
        .status(0)
        .stdout_has("pushed DATABASE_URL version ")
        .no_canary()
        .run();
    let db_pin = pin(&p, "DATABASE_URL");
    assert_eq!(
        value(&moto, "minimal/prod/DATABASE_URL", &db_pin),
        DB,
        "boto3 reads the pinned version"
    );
    assert_eq!(
        value(&moto, "minimal/prod/JWT_SECRET", &pin(&p, "JWT_SECRET")),
        JWT
    );
    p.args(["secrets", "status", "prod"])
        .status(0)
        .stdout_has("the store matches the record")
        .run();
    p.args(["secrets", "push", "prod", "--yes"])
        .status(0)
        .stdout_has("nothing to push")
        .run();
    // A rotation: a new version, AWSCURRENT on it, the record pinned to it.
    let rotated = "postgres://app:rotated@db.example.com/app";
    let p = p.canary(rotated);
    p.set("prod", "DATABASE_URL", rotated);
    p.args(["secrets", "status", "prod", "--format", "json"])
        .status(1)
        .stdout_has("\"code\": \"store-stale\"")
        .no_canary()
        .run();
    p.args(["secrets", "push", "prod", "--yes"])
        .status(0)
        .stdout_has(format!("DATABASE_URL: {db_pin} → a new version"))
        .no_canary()
        .run();
    let new_pin = pin(&p, "DATABASE_URL");
    assert_ne!(new_pin, db_pin);
    assert_eq!(
        moto.client(&["get", "minimal/prod/DATABASE_URL"], "")["version_id"],
        new_pin.as_str(),
        "AWSCURRENT is the new pin"
    );
    p.args(["secrets", "status", "prod"]).status(0).run();
    // Behind cfgc's back: a value put with the AWS CLI moves AWSCURRENT.
    moto.client(
        &["put", "minimal/prod/JWT_SECRET"],
        "put-by-hand-0123456789abcdefghijkl",
    );
    p.args(["secrets", "status", "prod"])
        .status(1)
        .stdout_has("store-out-of-band")
        .stdout_has("minimal/prod/JWT_SECRET has a version cfgc did not make")
        .run();
    // Deleted: the store has no such secret.
    moto.client(&["delete", "minimal/prod/DATABASE_URL"], "");
    p.args(["check", "prod", "--store"])
        .status(1)
        .stdout_has("store-missing")
        .stdout_has("minimal/prod/DATABASE_URL does not exist")
        .run();
}
