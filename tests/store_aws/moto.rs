//! Against moto: what a push makes, what a deploy reads back, and the bulk listing.

use cfgc::store::{State, Store, digest};

use super::harness::{Moto, ids, store, value};

#[test]
fn push_describe_and_read_back_with_boto3() {
    let moto = Moto::start();
    let store = moto.store("app/", &[]);
    assert_eq!(store.describe("db"), Ok(None));
    store.create("db").expect("created");
    store.create("db").expect("a second create finds it made");
    let empty = store.describe("db").expect("described").expect("exists");
    assert!(empty.versions.is_empty() && empty.current.is_none());

    let t1 = digest::token("sha256:one", None);
    let t2 = digest::token("sha256:two", Some(&t1));
    let second = "tw\"o\n€ \\ {}";
    assert_eq!(
        store.add_version("db", &value("one"), &t1, None),
        Ok(t1.clone())
    );
    assert_eq!(
        store.add_version("db", &value(second), &t2, None),
        Ok(t2.clone())
    );
    // The same push retried: the same version, nothing added.
    assert_eq!(
        store.add_version("db", &value(second), &t2, None),
        Ok(t2.clone())
    );
    let d = store.describe("db").expect("described").expect("exists");
    assert_eq!(ids(&d), [t1.as_str(), t2.as_str()]);
    assert_eq!(d.current.as_deref(), Some(t2.as_str()));
    assert!(d.versions.iter().all(|v| v.state == State::Enabled));
    assert_eq!(
        store.landed(&d, Some(&t1), &t2).map(|v| v.id.as_str()),
        Some(t2.as_str())
    );
    assert_eq!(
        store.landed(&d, Some(&t1), "no-such-token-0000000000000000000"),
        None
    );
    assert_eq!(store.display("db"), "app/db");

    // What a deploy reads (boto3, by version id) is what was pushed.
    let read = moto.boto3(&format!(
        "import json\nprint(json.dumps([client.get_secret_value(SecretId='app/db', \
         VersionId=v)['SecretString'] for v in ['{t1}', '{t2}']]))"
    ));
    let read: Vec<String> = serde_json::from_str(&read).expect("json");
    assert_eq!(read, ["one", second]);

    // The same token with another value: AWS refuses, and the error holds no value.
    let err = store
        .add_version("db", &value("hunter2"), &t2, None)
        .expect_err("refused");
    assert!(
        err.message.starts_with(
            "AWS Secrets Manager PutSecretValue for app/db answered 400 ResourceExistsException"
        ),
        "{}",
        err.message
    );
    assert!(!err.message.contains("hunter2"), "{}", err.message);

    // In bulk: only the prefix's secrets, in the rotation's order.
    moto.boto3("client.create_secret(Name='other/db', SecretString='x')");
    let all = store.describe_all().expect("listed").expect("bulk");
    assert_eq!(all.keys().collect::<Vec<_>>(), ["db"]);
    assert_eq!(all["db"], d);

    // Scheduled for deletion: every version disabled, in either view.
    moto.boto3("client.delete_secret(SecretId='app/db')");
    let d = store
        .describe("db")
        .expect("described")
        .expect("still listed");
    assert!(d.versions.len() == 2 && d.versions.iter().all(|v| v.state == State::Disabled));
    let all = store.describe_all().expect("listed").expect("bulk");
    assert!(
        all["db"]
            .versions
            .iter()
            .all(|v| v.state == State::Disabled)
    );
}

#[test]
fn describe_all_pages_through_the_prefix() {
    let moto = Moto::start();
    let store = moto.store("bulk/", &[]);
    let names: Vec<String> = (0..150).map(|i| format!("s{i:03}")).collect();
    for r in cfgc::store::pool::parallel(&names, |n| store.create(n)) {
        r.expect("created");
    }
    let token = digest::token("sha256:x", None);
    store
        .add_version("s007", &value("v"), &token, None)
        .expect("pushed");
    // Outside the prefix, though a case-blind or word-start filter would match them.
    moto.boto3("client.create_secret(Name='BULK/s1')\nclient.create_secret(Name='bulkier/s2')");
    // The listing takes two pages: the second page is read.
    let first = moto.boto3(
        "r = client.list_secrets(MaxResults=100, Filters=[{'Key': 'name', 'Values': ['bulk/']}])\n\
         print(len(r['SecretList']), bool(r.get('NextToken')))",
    );
    assert_eq!(first.trim(), "100 True");
    let all = store.describe_all().expect("listed").expect("bulk");
    assert_eq!(all.keys().cloned().collect::<Vec<_>>(), names);
    assert_eq!(ids(&all["s007"]), [token.as_str()]);
    assert_eq!(all["s007"].current.as_deref(), Some(token.as_str()));
    assert!(all["s008"].versions.is_empty());
}

#[test]
fn web_identity_from_the_environment_and_from_a_profile() {
    let moto = Moto::start();
    let home = tempfile::tempdir().expect("a temp folder");
    let token_file = home.path().join("token");
    std::fs::write(&token_file, "eyJhbGciOiJSUzI1NiJ9.e30.c2ln\n").expect("write");
    let token_path = token_file.display().to_string();
    let home_path = home.path().display().to_string();
    let role = "arn:aws:iam::111111111111:role/ci";
    let from_env = store(
        "wi/",
        &[
            ("AWS_ENDPOINT_URL", &moto.url),
            ("HOME", &home_path),
            ("AWS_WEB_IDENTITY_TOKEN_FILE", &token_path),
            ("AWS_ROLE_ARN", role),
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    from_env.create("x").expect("created");
    // moto keeps each assumed role's keys in the role's account: the default account's
    // keys do not see the secret, the role's do.
    assert_eq!(moto.store("wi/", &[]).describe("x"), Ok(None));
    assert!(from_env.describe("x").expect("described").is_some());

    let config = home.path().join("config");
    std::fs::write(
        &config,
        format!("[profile ci]\nrole_arn = {role}\nweb_identity_token_file = {token_path}\n"),
    )
    .expect("write");
    let from_profile = store(
        "wi/",
        &[
            ("AWS_ENDPOINT_URL", &moto.url),
            ("HOME", &home_path),
            ("AWS_CONFIG_FILE", &config.display().to_string()),
            ("AWS_PROFILE", "ci"),
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(from_profile.describe("x").expect("described").is_some());
}
