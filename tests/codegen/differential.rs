//! cfgc's verdict and the generated loader's agree: random environments of the fixture
//! project (`fixture.rs`), each variable valid, invalid (out of range, bad enum, bad format,
//! wrong type, a rule of the environment or tier broken, loopback and plain http in the
//! deployed tier) or missing. `cfgc check ENV` accepts or refuses and names variables; the
//! loader (compiled once with tsc, run with Node once per case) must do the same on the
//! environment `cfgc exec` gives the app: `cfgc exec` itself where check passes, else the
//! one exec would give, built by its flattening rule over the baseline it gave a valid layer.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use proptest::prelude::*;
use serde_json::{Value, json};

use super::{fixture, ts};
use crate::common::{Project, tools};

/// Prints `{"ok": …, "variables": [...]}` for the loader's verdict on its environment.
const RUNNER: &str = r#"const { loadConfig } = require("./out/config.js");
let verdict;
try { loadConfig(); verdict = { ok: true, variables: [] }; }
catch (e) {
  if (!e.problems) throw e;
  verdict = { ok: false, variables: [...new Set(e.problems.map((p) => p.variable))].sort() };
}
process.stdout.write(JSON.stringify(verdict));
"#;

/// Valid values, then invalid ones (in some environment), for each variable.
fn values(name: &str) -> (Vec<Value>, Vec<Value>) {
    let (valid, invalid) = match name {
        "NAME" => (
            json!(["abc", "xy", "abcdefgh"]),
            json!(["A1", "x", "abcdefghi", 7]),
        ),
        // 4.0: cfgc refuses a whole float where the schema wants an integer.
        "COUNT" => (json!([3, 5, 10]), json!([0, 11, 1, 2, "abc", 1.5, 4.0])),
        "RATIO" => (json!([0.25, 1, 0.5]), json!([0, 1.5, -1, "half"])),
        "DEBUG" => (json!([false]), json!([true, "yes"])),
        "LEVEL" => (json!(["info", "warn", "error"]), json!(["verbose"])),
        "API_URL" => (
            json!(["https://api.example.com/x", "postgres://db.example:5432/a"]),
            json!([
                "not a url",
                "mailto:x@example.com",
                "http://localhost:3000",
                "https://[::1]/"
            ]),
        ),
        "CALLBACK" => (
            json!(["https://cb.example.com/cb"]),
            json!([
                "http://cb.example.com",
                "https://127.0.0.1/cb",
                "https://0x7f.1/"
            ]),
        ),
        "UPSTREAM" => (
            json!([
                "https://up.example.com",
                "http://up.example.com",
                "10.0.0.1:80"
            ]),
            json!([
                "redis://127.0.0.1:6379",
                "0x7f.1:80",
                "https://a.example, http://localhost"
            ]),
        ),
        "TIMEOUT" => (
            json!(["15m", "1h30m", "250ms"]),
            json!(["15 minutes", "7", "1.5h"]),
        ),
        "PORT" => (
            json!(["8080", "+80", "65535"]),
            json!(["0", "080", "70000", "http"]),
        ),
        "ORIGINS" => (
            json!([
                ["https://a.example"],
                ["https://a.example", "https://b.example"]
            ]),
            json!([
                [],
                ["https://a.example", "https://a.example"],
                ["nope"],
                ["http://localhost:5173"]
            ]),
        ),
        "MODE" => (json!(["a", "b"]), json!(["c"])),
        "B_KEY" => (json!(["abcd1234"]), json!(["abc"])),
        _ => unreachable!("{name}"),
    };
    let list = |v: Value| v.as_array().expect("a list").clone();
    (list(valid), list(invalid))
}

const NAMES: &[&str] = &[
    "NAME", "COUNT", "RATIO", "DEBUG", "LEVEL", "API_URL", "CALLBACK", "UPSTREAM", "TIMEOUT",
    "PORT", "ORIGINS", "MODE", "B_KEY",
];

/// One case: the environment, and per variable `None` (missing) or its value. One case in
/// two is "clean" (values valid or missing, which the rules may still refuse), so both
/// verdicts come up.
fn case() -> impl Strategy<Value = (bool, Vec<Option<Value>>)> {
    (any::<bool>(), any::<bool>()).prop_flat_map(|(prod, clean)| {
        let invalid_weight = if clean { 0 } else { 4 };
        let vars: Vec<BoxedStrategy<Option<Value>>> = NAMES
            .iter()
            .map(|name| {
                let (valid, invalid) = values(name);
                let missing = if clean && REQUIRED.contains(name) {
                    0
                } else {
                    2
                };
                prop_oneof![
                    missing => Just(None),
                    10 => proptest::sample::select(valid).prop_map(Some),
                    invalid_weight => proptest::sample::select(invalid).prop_map(Some),
                ]
                .boxed()
            })
            .collect();
        (Just(prod), vars)
    })
}

const REQUIRED: &[&str] = &["NAME", "COUNT", "API_URL"];

/// The value as `cfgc exec` passes it (`render::flatten`).
fn flat(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(flat).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

/// `cfgc exec ENV -- env` over the valid layer: the environment exec gives the app.
fn baseline(p: &Project, env: &str) -> BTreeMap<String, String> {
    let out = p
        .args(["exec", env, "--", "env", "-0"])
        .status(0)
        .run()
        .stdout;
    out.split('\0')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// cfgc's verdict: accepted, and the variables its findings name.
fn check(p: &Project, env: &str) -> (bool, BTreeSet<String>) {
    let run = p.args(["check", env, "--format", "json"]).run();
    assert!(
        run.code == 0 || run.code == 1,
        "check failed to run: {}",
        run.transcript()
    );
    let doc: Value = serde_json::from_str(&run.stdout).expect("check's JSON");
    let named = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "error")
        .filter_map(|f| f["key"].as_str())
        .map(|k| k.split(['[', '.']).next().unwrap_or(k).to_string())
        .collect();
    (run.code == 0, named)
}

fn loader(p: &Project, env: &BTreeMap<String, String>) -> (bool, BTreeSet<String>) {
    let out = tools::output(
        Command::new("node")
            .arg("runner.cjs")
            .current_dir(p.path("app"))
            .env_clear()
            .envs(env),
    );
    verdict(&out.stdout, &out.stderr)
}

fn verdict(stdout: &[u8], stderr: &[u8]) -> (bool, BTreeSet<String>) {
    let v: Value = serde_json::from_slice(stdout)
        .unwrap_or_else(|_| panic!("the runner failed: {}", String::from_utf8_lossy(stderr)));
    let names = v["variables"].as_array().expect("variables").iter();
    (
        v["ok"] == true,
        names
            .filter_map(|n| n.as_str().map(str::to_string))
            .collect(),
    )
}

#[test]
fn check_and_the_generated_loader_agree_on_random_environments() {
    let p = fixture::project(fixture::VALID);
    ts::compile(&p, "app", &ts::generated(&p));
    let p = p.file("app/runner.cjs", RUNNER);
    let bases = [("dev", baseline(&p, "dev")), ("prod", baseline(&p, "prod"))];
    let (accepted, refused) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
    let config = ProptestConfig {
        cases: 40,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |((prod, vars) in case())| {
        let (env, base) = &bases[usize::from(prod)];
        let layer: String = NAMES.iter().zip(&vars)
            .filter_map(|(n, v)| v.as_ref().map(|v| format!("{n}: {v}\n")))
            .collect();
        let layer = if layer.is_empty() { "{}\n".to_string() } else { layer };
        std::fs::write(p.path(&format!("env/{env}.yaml")), &layer).expect("write the layer");
        let ours = check(&p, env);
        let theirs = if ours.0 {
            let run = p.args(["exec", env, "--", "node", "app/runner.cjs"]).status(0).run();
            verdict(run.stdout.as_bytes(), run.stderr.as_bytes())
        } else {
            let mut environ = base.clone();
            for (n, v) in NAMES.iter().zip(&vars) {
                match v {
                    Some(v) => environ.insert(n.to_string(), flat(v)),
                    None => environ.remove(*n),
                };
            }
            loader(&p, &environ)
        };
        let count = if ours.0 { &accepted } else { &refused };
        count.set(count.get() + 1);
        prop_assert_eq!(&ours, &theirs, "cfgc check {} and the loader disagree on:\n{}", env, layer);
    });
    let (accepted, refused) = (accepted.get(), refused.get());
    eprintln!("{accepted} accepted, {refused} refused by both");
    assert!(
        accepted >= 3 && refused >= 3,
        "a run of mostly one verdict proves little: {accepted} accepted, {refused} refused"
    );
}
