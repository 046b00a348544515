//! The `kubernetes` format against what reads it: a Secret and two ConfigMaps rendered by
//! the binary with hostile values in each (YAML indicators, `---` and line breaks, YAML 1.1
//! booleans and numbers, controls, unicode, a 1 MiB value), then checked by
//! `kubernetes-validate` (the API's schemas, strict) and read back by PyYAML, a YAML 1.1
//! reader as Kubernetes' own is: every value must come back as the same string, byte for
//! byte. Both tools come from target/test-venv (`scripts/test` installs them); a missing
//! one fails the test with how to install it.

use serde_json::{Map, Value, json};

use crate::common::{Project, tools};

/// Keys and values placed in the Secret's `stringData` and the ConfigMap's `data`.
const HOSTILE: &[(&str, &str)] = &[
    ("colon", "a: b # c"),
    ("dash", "- item"),
    ("question", "? key"),
    ("star", "*alias"),
    ("amp", "&anchor"),
    ("bang", "!!binary aGk="),
    ("percent", "%YAML 1.1"),
    ("at", "@at"),
    ("tick", "`id`"),
    ("yes", "yes"),
    ("no", "no"),
    ("on", "on"),
    ("off", "off"),
    ("y", "y"),
    ("n", "n"),
    ("null", "null"),
    ("tilde", "~"),
    ("hex", "0x1F"),
    ("exp", "1e3"),
    ("inf", ".inf"),
    ("octal", "0644"),
    ("empty", ""),
    ("blanks", "  padded  "),
    ("break", "line\nnext: injected"),
    ("document", "x\n---\napiVersion: v1\nkind: Secret\n"),
    ("crlf", "a\r\nb"),
    ("nul", "nul\0byte"),
    ("controls", "\u{1}\u{7}\u{1b}[31m\u{7f}"),
    ("breaks", "\u{85}\u{2028}\u{2029}\u{feff}"),
    ("unicode", "héllo ☃ 🦀"),
    ("quotes", "'single' \"double\" \\back\\"),
    ("dollars", "$HOME ${X} $(id)"),
    ("comment", "#not a comment"),
    ("flow", "{a: [b]}"),
];

/// A secret with every trouble at once, long enough for the schema's `minLength`.
const JWT: &str = "-----BEGIN KEY-----\nyes: on\n---\n\"quoted\": #x\n-----END KEY-----";
const API_TOKEN: &str = "no";

/// The schema of the `minimal` fixture plus the variables the manifests hold.
fn schema(p: &Project) -> String {
    let mut schema: Value =
        serde_json::from_str(&p.read("schema/env.schema.json")).expect("fixture schema");
    let properties = schema["properties"].as_object_mut().expect("properties");
    properties.insert(
        "HOSTILE".into(),
        json!({"type": "object", "additionalProperties": {"type": "string"}}),
    );
    properties.insert("BIG".into(), json!({"type": "string"}));
    properties.insert(
        "API_TOKEN".into(),
        json!({"type": "string", "x-secret": true}),
    );
    serde_json::to_string_pretty(&schema).expect("JSON")
}

/// A 1 MiB value, the most one object may hold, with a character of each width.
fn big() -> String {
    let unit = "a€é𝄞\"\\\n";
    let mut big = unit.repeat((1 << 20) / unit.len());
    while big.len() < 1 << 20 {
        big.push('z');
    }
    big
}

const TEMPLATE: &str = "\
apiVersion: v1
kind: Secret
metadata:
  name: app-secrets
  labels:
    env: {{ env }}
type: Opaque
stringData:
  JWT_SECRET: {{ JWT_SECRET }}
  API_TOKEN: {{ API_TOKEN }}
  PORT: {{ PORT }}
{% for key, value in HOSTILE | items %}  {{ key }}: {{ value }}
{% endfor %}---
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
data:
  PORT: {{ PORT }}
{% for key, value in HOSTILE | items %}  {{ key }}: {{ value }}
{% endfor %}---
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-big
data:
  big: {{ BIG }}
";

/// The `minimal` fixture with a kubernetes output for `dev` holding secrets, its layer
/// holding the hostile values (written with cfgc's own YAML quoter, the one under test's
/// twin, so the layer itself holds them exactly).
fn project(declared_secrets: bool) -> Project {
    let (p, _key) = Project::with_secrets();
    let quote = cfgc::format::yaml::double_quoted;
    let mut layer = p.read("environments/dev.yaml");
    layer.push_str("HOSTILE:\n");
    for (key, value) in HOSTILE {
        layer.push_str(&format!("  {key}: {}\n", quote(value)));
    }
    layer.push_str(&format!("BIG: {}\n", quote(&big())));
    let schema = schema(&p);
    let p = p
        .file("schema/env.schema.json", &schema)
        .file("environments/dev.yaml", &layer)
        .file("templates/k8s.yaml.j2", TEMPLATE)
        .append(
            "cfgc.toml",
            &format!(
                "\n[outputs.k8s]\ntemplate = \"templates/k8s.yaml.j2\"\npath = \"deploy/{{env}}/k8s.yaml\"\nformat = \"kubernetes\"\nsecrets = {declared_secrets}\nenvironments = [\"dev\"]\n"
            ),
        );
    p.set("dev", "JWT_SECRET", JWT);
    p.set("dev", "API_TOKEN", API_TOKEN);
    p
}

/// The documents of a YAML stream as PyYAML's `safe_load_all` reads them.
fn pyyaml(path: &std::path::Path) -> Vec<Value> {
    tools::require_python_module("yaml", "pyyaml");
    let script = "import json, sys, yaml\n\
                  with open(sys.argv[1], encoding='utf-8') as f:\n    \
                  json.dump(list(yaml.safe_load_all(f)), sys.stdout)\n";
    let out = tools::output(tools::command("python3").args(["-c", script]).arg(path));
    assert!(
        out.status.success(),
        "PyYAML refused the manifests: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json.dump's output")
}

fn strings(pairs: &[(&str, &str)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), Value::from(*v)))
        .collect()
}

#[test]
fn kubernetes_validate_and_pyyaml_read_every_hostile_value_back_unchanged() {
    let p = project(true);
    p.args(["apply", "--yes", "dev"]).status(0).run();
    let file = p.path("deploy/dev/k8s.yaml");

    let out = tools::output(
        tools::command("kubernetes-validate")
            .args(["--kubernetes-version", "1.37.0", "--strict"])
            .arg(&file),
    );
    let said =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "kubernetes-validate refused:\n{said}");
    for resource in [
        "secret/app-secrets",
        "configmap/app-config",
        "configmap/app-big",
    ] {
        assert!(
            said.contains(&format!("passed for resource {resource}")),
            "{said}"
        );
    }

    let docs = pyyaml(&file);
    assert_eq!(docs.len(), 3, "three documents");
    let mut secret = strings(HOSTILE);
    secret.extend(strings(&[
        ("JWT_SECRET", JWT),
        ("API_TOKEN", API_TOKEN),
        ("PORT", "8080"),
    ]));
    assert_eq!(docs[0]["stringData"], Value::Object(secret));
    assert_eq!(docs[0]["metadata"]["labels"]["env"], "dev");
    let mut config = strings(HOSTILE);
    config.insert("PORT".into(), "8080".into());
    assert_eq!(docs[1]["data"], Value::Object(config));
    assert!(docs[2]["data"]["big"] == big(), "the 1 MiB value changed");
}

#[test]
fn plan_masks_the_secrets_of_a_kubernetes_output() {
    let canary = "CANARY-k8s-0123456789-abcdefghijklmnop";
    let p = project(true).canary(canary).canary("CANARY2");
    p.set("dev", "JWT_SECRET", canary);
    p.set("dev", "API_TOKEN", "yes: CANARY2 # on");
    let run = p
        .args(["plan", "dev"])
        .status(0)
        .no_canary()
        .stdout_has("+  JWT_SECRET: <secret ")
        .stdout_has("+  API_TOKEN: <secret ")
        .stdout_has("+  PORT: \"8080\"")
        .run();
    // Nor any other spelling of them (case, a part).
    let said = run.transcript().to_lowercase();
    assert!(!said.contains("canary"), "a secret leaked:\n{said}");
}

#[test]
fn a_kubernetes_output_must_be_declared_to_hold_secrets() {
    project(false)
        .args(["plan", "dev"])
        .status(1)
        .stdout_has("only outputs declared with `secrets = true` may use its value")
        .stdout_lacks("BEGIN KEY")
        .stderr_lacks("BEGIN KEY")
        .run();
}

#[test]
fn a_list_has_no_place_in_a_kubernetes_value_and_a_bare_number_is_found() {
    let manifest = |value: &str| {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  v: {value}\n")
    };
    project(true)
        .file(
            "templates/k8s.yaml.j2",
            manifest("{{ CORS_ALLOWED_ORIGINS }}"),
        )
        .args(["plan", "dev"])
        .status(1)
        .stdout_has("a list is not a string, and a Kubernetes value is one")
        .run();
    project(true)
        .file("templates/k8s.yaml.j2", manifest("8080"))
        .args(["plan", "dev"])
        .status(1)
        .stdout_has(
            "is not a valid kubernetes file: document 1: `data.v` is not a string (it reads as integer)",
        )
        .run();
}
