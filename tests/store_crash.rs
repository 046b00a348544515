//! `cfgc secrets push` SIGKILLed at random moments (as `apply_crash` does to apply): the
//! record must always parse, never claim a version the store lacks, and the next push must
//! finish the job, pinning every secret to a version that holds its value, with no value
//! pushed twice. Against the Secret Manager fake with latency, so kills land between the
//! record's intent, the requests in flight, and the record's final write.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::Project;
use crate::common::rng::Rng;
use crate::common::stores::GcpFake;

const PROJECT: &str = "crash-prod";
const SECRETS: usize = 12;
const ITERATIONS: u64 = 25;
const DEFAULT_SEED: u64 = 0x5eed_5709_e000_0001;

fn names() -> Vec<String> {
    (0..SECRETS).map(|i| format!("S{i}")).collect()
}

/// The minimal fixture with twelve more secrets and prod's store in the fake.
fn project(gcp: &GcpFake, creds: &tempfile::TempDir) -> Project {
    let sa = creds.path().join("sa.json");
    std::fs::write(&sa, gcp.service_account_json().to_string()).expect("write the key file");
    let (p, _key) = Project::with_secrets();
    let mut schema: Value = serde_json::from_str(&p.read("schema/env.schema.json")).expect("json");
    for name in names() {
        schema["properties"][name] = json!({ "type": "string", "x-secret": true });
    }
    p.file("schema/env.schema.json", schema.to_string())
        .edit(
            "cfgc.toml",
            "[environments.prod]\n",
            &format!("[environments.prod]\nstore = {{ kind = \"gcp-secret-manager\", project = \"{PROJECT}\" }}\n"),
        )
        .env("GOOGLE_APPLICATION_CREDENTIALS", &sa.to_string_lossy())
        .env("CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER", gcp.url())
        .env("CFGC_STORE_QUICK_RETRY", "1")
}

/// What the store holds: each secret's payloads by version number.
fn store(gcp: &GcpFake, token: &str, name: &str) -> Vec<(u64, String)> {
    let list = gcp.request(
        "GET",
        &format!("/v1/projects/{PROJECT}/secrets/{name}/versions"),
        Some(token),
        None,
    );
    let mut out = Vec::new();
    for v in list.json["versions"].as_array().into_iter().flatten() {
        let vname = v["name"].as_str().expect("a name");
        let n: u64 = vname
            .rsplit('/')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("a number");
        let access = gcp.request("GET", &format!("/v1/{vname}:access"), Some(token), None);
        let data = access.json["payload"]["data"].as_str().expect("a payload");
        let bytes = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, data)
            .expect("base64");
        out.push((n, String::from_utf8(bytes).expect("utf-8")));
    }
    out.sort();
    out
}

/// The record's pin of each secret.
fn pins(p: &Project) -> Vec<(String, String)> {
    let record: toml::Value =
        toml::from_str(&p.read("environments/prod.store.toml")).expect("the record parses");
    let secrets = record["secrets"].as_table().expect("secrets");
    names()
        .into_iter()
        .map(|n| {
            let v = secrets[&n]["version"]
                .as_str()
                .unwrap_or_else(|| panic!("{n} is pinned: {record}"));
            (n, v.to_string())
        })
        .collect()
}

fn push(p: &Project) -> std::process::Child {
    p.command(&["secrets", "push", "prod", "--yes", "--create", "-q"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("cfgc starts")
}

#[test]
fn a_push_killed_anywhere_is_finished_by_the_next_one() {
    let gcp = GcpFake::start();
    let creds = tempfile::tempdir().expect("temp dir");
    let p = project(&gcp, &creds);
    let token = gcp.static_token();
    let mut values: Vec<String> = names().iter().map(|n| format!("{n}-value-0")).collect();
    for (n, v) in names().iter().zip(&values) {
        p.set("prod", n, v);
    }
    gcp.latency(15);
    let started = Instant::now();
    assert!(push(&p).wait().expect("waits").success());
    let full = started.elapsed();
    let mut rng = Rng(DEFAULT_SEED);
    let mut killed = 0;
    for round in 1..=ITERATIONS {
        // A few values change each round.
        for _ in 0..3 {
            let i = (rng.next() % SECRETS as u64) as usize;
            values[i] = format!("S{i}-value-{round}");
            p.set("prod", &format!("S{i}"), &values[i]);
        }
        let mut child = push(&p);
        let at = Duration::from_micros(rng.next() % (full.as_micros() as u64 * 12 / 10 + 1));
        std::thread::sleep(at);
        if child.try_wait().expect("polls").is_none() {
            child.kill().expect("SIGKILL");
            killed += 1;
        }
        child.wait().expect("reaped");
        // Whatever the moment, the record reads, and the next push finishes the job.
        p.args(["secrets", "push", "prod", "--yes", "-q"])
            .status(0)
            .run();
        p.args(["secrets", "status", "prod"]).status(0).run();
    }
    for ((name, pin), value) in pins(&p).into_iter().zip(&values) {
        let held = store(&gcp, &token, &name);
        let pinned = held
            .iter()
            .find(|(n, _)| n.to_string() == pin)
            .unwrap_or_else(|| panic!("{name}: pin {pin} not in {held:?}"));
        assert_eq!(&pinned.1, value, "{name}'s pin holds its value");
        let distinct: BTreeSet<&String> = held.iter().map(|(_, v)| v).collect();
        assert_eq!(
            distinct.len(),
            held.len(),
            "{name}: a value pushed twice: {held:?}"
        );
    }
    eprintln!(
        "store_crash: {killed} of {ITERATIONS} pushes killed mid-run (a full push took {full:?})"
    );
    assert!(killed >= 5, "the kills missed: {killed}");
}
