use proptest::prelude::*;
use serde_json::{Value, json};

use super::manifest::MAX_OBJECT_BYTES;
use crate::format::KUBERNETES;

/// What the room's checks say of `text`, messages only.
fn problems(text: &str) -> Vec<String> {
    assert_eq!(KUBERNETES.parse_back(text), Ok(()), "{text}");
    KUBERNETES
        .check(text)
        .into_iter()
        .map(|e| format!("{}:{} {}", e.line, e.column, e.message))
        .collect()
}

const VALID: &str = "\
apiVersion: v1
kind: Secret
metadata:
  name: app-secrets
  namespace: prod
type: Opaque
stringData:
  DATABASE_URL: \"postgres://x\"
data:
  tls.key: aGVsbG8=
---
# the settings
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
  labels:
    app: \"web\"
data:
  PORT: \"8080\"
  yes: \"on\"
binaryData:
  logo.png: aGVsbG8=
immutable: true
";

#[test]
fn a_secret_and_a_config_map_pass() {
    assert_eq!(problems(VALID), Vec::<String>::new());
}

#[test]
fn values_are_always_double_quoted_strings() {
    let cases = [
        (json!("yes"), r#""yes""#),
        (json!("~"), r#""~""#),
        (json!("0x1F"), r#""0x1F""#),
        (json!("- a: b # c"), r#""- a: b # c""#),
        (json!("a\n---\nb"), r#""a\n---\nb""#),
        (json!("nul\0"), r#""nul\x00""#),
        (json!(8080), r#""8080""#),
        (json!(2.5), r#""2.5""#),
        (json!(false), r#""false""#),
    ];
    for (value, escaped) in cases {
        assert_eq!(KUBERNETES.escape(&value).as_deref(), Ok(escaped), "{value}");
        assert_eq!(KUBERNETES.round_trip(&value, escaped), Ok(()), "{value}");
    }
    for value in [json!(null), json!(["a"]), json!({"a": "b"})] {
        let err = KUBERNETES.escape(&value).expect_err("no text");
        assert!(err.reason.contains("a Kubernetes value is"), "{err}");
    }
}

#[test]
fn a_mebibyte_value_round_trips_and_one_byte_more_is_refused_by_the_check() {
    let value = "é".repeat(MAX_OBJECT_BYTES / 2);
    let escaped = KUBERNETES.escape_str(&value).expect("a string");
    assert_eq!(KUBERNETES.round_trip(&json!(value), &escaped), Ok(()));
    let manifest = |extra: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  big: {escaped}\n  more: \"{extra}\"\n"
        )
    };
    assert_eq!(problems(&manifest("")), Vec::<String>::new());
    assert_eq!(
        problems(&manifest("x")),
        [
            "2:7 document 1: the values of this ConfigMap add up to more than 1048576 bytes (1 MiB), the API server's limit; split them over several objects"
        ]
    );
}

#[test]
fn what_the_api_server_refuses_is_found_where_it_is() {
    let text = "\
apiVersion: apps/v1
kind: Secret
metadata:
  name: App_Secrets
  labels: {port: 8080}
stringData:
  PORT: 8080
  bad key: \"x\"
  both: \"x\"
data:
  both: aGk=
  raw: \"not base64!\"
spec: {}
---
apiVersion: v1
kind: Deployment
metadata: {name: x}
---
- a list
---
apiVersion: v1
kind: ConfigMap
metadata: {name: app, namespace: prod}
stringData: {a: \"b\"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: app, namespace: prod}
";
    assert_eq!(
        problems(text),
        [
            "1:13 document 1: `apiVersion` must be `v1`: Secret and ConfigMap are core objects",
            "4:9 document 1: `metadata.name` must be lowercase letters, digits, `-` and `.`, starting and ending with a letter or digit",
            "5:18 document 1: `metadata.labels.port` is not a string (it reads as integer), and the API takes only strings there: quote it, or interpolate it (cfgc writes every value as a string)",
            "7:9 document 1: `stringData.PORT` is not a string (it reads as integer), and the API takes only strings there: quote it, or interpolate it (cfgc writes every value as a string)",
            "8:3 document 1: a key of `stringData` may hold only letters, digits, `-`, `_` and `.`",
            "9:3 document 1: `both` is in both `data` and `stringData`: the API server keeps `stringData`'s value and drops the other without a word",
            "12:8 document 1: `data.raw` is not base64, which `data` holds; put text in `stringData`",
            "13:1 document 1: a Secret has no field `spec` (the API server refuses unknown fields)",
            "16:7 document 2: `kind` must be `Secret` or `ConfigMap`, the objects the kubernetes format is for",
            "19:1 document 3: a manifest is a mapping (`apiVersion`, `kind`, `metadata`, …)",
            "24:1 document 4: a ConfigMap has no field `stringData` (the API server refuses unknown fields)",
            "26:1 document 5: this ConfigMap has the namespace and name of document 4: kubectl applies both and the last one wins",
        ]
    );
}

#[test]
fn a_file_without_a_manifest_is_refused() {
    assert_eq!(
        problems("# nothing yet\n---\n"),
        [
            "1:1 the file holds no manifest (kubectl apply refuses it); write a Secret or a ConfigMap"
        ]
    );
}

proptest! {
    /// Every string is placed, never refused, and read back by the room as itself.
    #[test]
    fn every_string_round_trips(text in any::<String>()) {
        let escaped = KUBERNETES.escape_str(&text).expect("every string has a place");
        prop_assert_eq!(KUBERNETES.round_trip(&Value::String(text), &escaped), Ok(()));
    }

    #[test]
    fn every_number_round_trips_as_its_text(n in any::<i64>(), f in any::<f64>()) {
        // A non-finite float is no JSON number: no value ever holds one.
        let floats = f.is_finite().then(|| json!(f));
        for value in std::iter::once(json!(n)).chain(floats) {
            let escaped = KUBERNETES.escape(&value).expect("numbers are text");
            prop_assert_eq!(KUBERNETES.round_trip(&value, &escaped), Ok(()));
        }
    }
}

#[test]
fn a_namespace_is_a_dns_label() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: Prod.1}\n";
    assert_eq!(
        problems(text),
        [
            "3:32 document 1: `metadata.namespace` must be at most 63 lowercase letters, digits and `-`, starting and ending with a letter or digit"
        ]
    );
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: 7}\n";
    assert_eq!(
        problems(text),
        ["3:32 document 1: `metadata.namespace` must be a string"]
    );
}
