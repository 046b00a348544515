//! The `cloudbuild` format against what runs it. The gcloud CLI and Cloud Build cannot be
//! installed here, so their documented rules are written out below, from their help texts,
//! independently of cfgc's code:
//! - Cloud Build (https://cloud.google.com/build/docs/configuring-builds/substitute-variable-values):
//!   in every string, `$$` is a literal `$`, and `$NAME` / `${NAME}` is replaced by the
//!   substitution `NAME`; a user substitution (`_NAME`) not defined, or a `$NAME` that is not
//!   a built-in, fails the build.
//! - `gcloud topic escaping`: a list or dict argument is split on `,`, or on DELIM when it
//!   starts with `^DELIM^` (DELIM: one or more characters, no `^`; empty is an error); the
//!   text is split left to right, a trailing delimiter ends the last item; each dict item is
//!   split on its first `=`, and an item without one is "Bad syntax for dict arg".
//!
//! Every rendered value must come out of both exactly as it went in, or the render must fail
//! naming the variable.

use std::collections::BTreeMap;

use cfgc::format::cloudbuild;
use proptest::prelude::*;
use serde_json::Value;

use crate::common::Project;
use crate::escape_yaml;

/// The substitutions Cloud Build defines itself, with stand-in values.
const BUILT_IN: &[(&str, &str)] = &[
    ("PROJECT_ID", "built-in-project"),
    ("SHORT_SHA", "abc1234"),
    ("BUILD_ID", "built-in-build"),
];

/// A string as the build step receives it.
fn substitute(text: &str, user: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        match chars.peek().map(|&(_, c)| c) {
            Some('$') => {
                chars.next();
                out.push('$');
            }
            Some('{') => {
                chars.next();
                let name: String = chars
                    .by_ref()
                    .map(|(_, c)| c)
                    .take_while(|&c| c != '}')
                    .collect();
                out.push_str(&lookup(&name, user)?);
            }
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                let mut name = String::new();
                while let Some(&(_, c)) = chars.peek() {
                    if !(c.is_ascii_alphanumeric() || c == '_') {
                        break;
                    }
                    name.push(c);
                    chars.next();
                }
                out.push_str(&lookup(&name, user)?);
            }
            _ => out.push('$'),
        }
    }
    Ok(out)
}

fn lookup(name: &str, user: &BTreeMap<String, String>) -> Result<String, String> {
    if let Some(v) = user.get(name) {
        return Ok(v.clone());
    }
    BUILT_IN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_string())
        .ok_or_else(|| format!("the build fails: `{name}` is not a valid substitution"))
}

/// A dict argument as gcloud parses it.
fn gcloud_dict(arg: &str) -> Result<BTreeMap<String, String>, String> {
    let (delim, body) = match arg.strip_prefix('^') {
        Some(rest) if rest.contains('^') => {
            let (delim, body) = rest.split_once('^').expect("checked");
            if delim.is_empty() {
                return Err("Invalid delimiter".into());
            }
            (delim, body)
        }
        _ => (",", arg),
    };
    let mut dict = BTreeMap::new();
    if body.is_empty() {
        return Ok(dict);
    }
    let body = if body.ends_with(delim) {
        body.to_string()
    } else {
        format!("{body}{delim}")
    };
    let mut items: Vec<&str> = body.split(delim).collect();
    items.pop();
    for item in items {
        let (key, value) = item
            .split_once('=')
            .ok_or_else(|| format!("Bad syntax for dict arg: {item:?}"))?;
        if key.is_empty() {
            return Err(format!("bad key for dict arg: {item:?}"));
        }
        dict.insert(key.to_string(), value.to_string());
    }
    Ok(dict)
}

/// A rendered build, read as YAML, each string substituted as Cloud Build does.
fn as_run(text: &str) -> Value {
    let doc = escape_yaml::to_json(&escape_yaml::parse(text).expect("valid YAML"))
        .expect("YAML 1.2 core types");
    let user: BTreeMap<String, String> = doc["substitutions"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().expect("a string").to_string()))
                .collect()
        })
        .unwrap_or_default();
    fn walk(v: &Value, user: &BTreeMap<String, String>) -> Value {
        match v {
            Value::String(s) => {
                Value::String(substitute(s, user).unwrap_or_else(|e| panic!("{e}")))
            }
            Value::Array(items) => Value::Array(items.iter().map(|i| walk(i, user)).collect()),
            Value::Object(m) => {
                Value::Object(m.iter().map(|(k, v)| (k.clone(), walk(v, user))).collect())
            }
            other => other.clone(),
        }
    }
    let mut steps = walk(&doc["steps"], &user);
    // Substitution values are not substituted themselves (no dynamicSubstitutions).
    let mut run = doc.clone();
    run["steps"] = steps.take();
    run
}

/// The dict after `flag` in a step's arguments.
fn flag_dict(step: &Value, flag: &str) -> BTreeMap<String, String> {
    let args = step["args"].as_array().expect("args");
    let at = args
        .iter()
        .position(|a| a == flag)
        .unwrap_or_else(|| panic!("no {flag}"));
    gcloud_dict(args[at + 1].as_str().expect("a string")).unwrap_or_else(|e| panic!("{flag}: {e}"))
}

#[test]
fn the_gcloud_rule_as_documented() {
    let d = |s| gcloud_dict(s).map(|d| d.into_iter().collect::<Vec<_>>());
    assert_eq!(
        d("a=1,b=2"),
        Ok(vec![("a".into(), "1".into()), ("b".into(), "2".into())])
    );
    assert_eq!(
        d("^:^a=1,2:b=3"),
        Ok(vec![("a".into(), "1,2".into()), ("b".into(), "3".into())])
    );
    assert_eq!(
        d("^--^a=1-,b=2--c=3"),
        Ok(vec![
            ("a".into(), "1-,b=2".into()),
            ("c".into(), "3".into())
        ])
    );
    // The failure: `@` as the delimiter, and a DSN holding `@`.
    assert!(d("^@^A=1@SENTRY_DSN=https://k@o4.ingest.sentry.io/45").is_err());
    assert!(d("^^a=1").is_err());
    assert_eq!(
        substitute(
            "$$HOME ${_A}:$SHORT_SHA",
            &[("_A".to_string(), "x".to_string())].into()
        ),
        Ok("$HOME x:abc1234".into())
    );
    assert!(substitute("$HOME", &BTreeMap::new()).is_err());
}

#[test]
fn every_rendered_cloudbuild_deploys_the_values_of_its_environment() {
    let p = Project::example();
    p.args(["apply", "--yes"]).status(0).run();
    for (env, dsn, origins, service) in [
        (
            "staging",
            "https://4f1a2b3c4d5e6f70@o450000.ingest.sentry.io/4500001",
            "https://staging.taskpilot.example.com",
            "taskpilot-staging",
        ),
        (
            "production",
            "https://9a8b7c6d5e4f3021@o450000.ingest.sentry.io/4500002",
            "https://app.taskpilot.example.com,https://www.taskpilot.example.com",
            "taskpilot",
        ),
    ] {
        let run = as_run(&p.read(&format!("deploy/{env}/cloudbuild.yaml")));
        let deploy = run["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .find(|s| s["id"] == "deploy")
            .expect("a deploy step");
        let vars = flag_dict(deploy, "--set-env-vars");
        assert_eq!(vars["SENTRY_DSN"], dsn, "{env}");
        assert_eq!(vars["CORS_ALLOWED_ORIGINS"], origins, "{env}");
        assert_eq!(vars["NODE_ENV"], "production", "{env}");
        assert_eq!(vars.len(), 11, "{env}: {vars:?}");
        let secrets = flag_dict(deploy, "--set-secrets");
        assert_eq!(
            secrets["DATABASE_URL"].split(':').next(),
            Some("DATABASE_URL")
        );
        let args = deploy["args"].as_array().expect("args");
        assert_eq!(args[2], service, "{env}: the service deployed");
        // The upstream nginx proxies to is that service's URL in this environment.
        let nginx = p.read(&format!("deploy/{env}/nginx.conf"));
        assert!(
            nginx.contains(&format!("https://{service}-")),
            "{env}: {nginx}"
        );
    }
}

/// Hostile values, each in a variable of its own, rendered into substitutions, a plain
/// argument and a gcloud dict.
const HOSTILE: &[&str] = &[
    "$HOME",
    "${_REGION}",
    "$PROJECT_ID",
    "$$",
    "${HOME}-$_X$",
    "a,b,c",
    "https://k@o4.ingest.sentry.io/1",
    "x@EVIL=1",
    "x,EVIL=1",
    "^@^EVIL=1",
    "|;~!#%*+@:&?/<>()[]{}`'.-_",
    "\"quoted\" and 'single'",
    "line\nbreak\r\n",
    "key: value # comment",
    "- item",
    "{a: b}",
    "=",
    "tab\there é 🦀",
    "",
];

fn hostile_project() -> Project {
    let names: Vec<String> = (0..HOSTILE.len()).map(|i| format!("V{i}")).collect();
    let props: Vec<String> = names
        .iter()
        .map(|n| format!("\"{n}\": {{\"type\": \"string\"}}"))
        .collect();
    let schema = format!(
        "{{\"type\": \"object\", \"properties\": {{{}}}}}",
        props.join(", ")
    );
    let layer: String = names
        .iter()
        .zip(HOSTILE)
        .map(|(n, v)| format!("{n}: {}\n", serde_json::to_string(v).expect("json")))
        .collect();
    let dict: Vec<String> = names.iter().map(|n| format!("\"{n}\": {n}")).collect();
    let plain: String = names
        .iter()
        .map(|n| format!("      - {{{{ {n} }}}}\n"))
        .collect();
    let template = format!(
        "substitutions:\n  _REGION: europe-west1\n  _SUB: {{{{ V5 }}}}\nsteps:\n  - name: gcr.io/cloud-builders/gcloud\n    args:\n      - ${{_REGION}}\n      - ${{_SUB}}\n      - --set-env-vars\n      - {{{{ {{{}}} | gcloud_dict }}}}\n{plain}",
        dict.join(", ")
    );
    Project::example()
        .file(
            "cfgc.toml",
            "[project]\nname = \"hostile\"\nschema = \"schema.json\"\n\n[environments.prod]\ntier = \"deployed\"\nlayers = [\"values.yaml\"]\n\n[outputs.cloudbuild]\ntemplate = \"cloudbuild.yaml.j2\"\npath = \"deploy/{env}/cloudbuild.yaml\"\nformat = \"cloudbuild\"\n",
        )
        .file("schema.json", &schema)
        .file("values.yaml", &layer)
        .file("cloudbuild.yaml.j2", &template)
}

#[test]
fn hostile_values_reach_the_build_unchanged() {
    let p = hostile_project();
    p.args(["apply", "--yes"]).status(0).run();
    let run = as_run(&p.read("deploy/prod/cloudbuild.yaml"));
    let step = &run["steps"][0];
    let args = step["args"].as_array().expect("args");
    assert_eq!(
        args[0], "europe-west1",
        "the template's own substitution stays one"
    );
    let vars = flag_dict(step, "--set-env-vars");
    for (i, value) in HOSTILE.iter().enumerate() {
        assert_eq!(vars[&format!("V{i}")], *value, "V{i} in the gcloud dict");
        assert_eq!(args[4 + i], *value, "V{i} as a plain argument");
    }
    assert_eq!(vars.len(), HOSTILE.len(), "no variable added: {vars:?}");
    assert_eq!(args[1], "a,b,c", "a substitution's value");
}

#[test]
fn a_value_holding_every_delimiter_is_refused_by_name() {
    // Every character cfgc tries, and every pair of them.
    let chars = "|;~!#%*+@:&?/<>()[]{}`'.-_,";
    let every: String = chars
        .chars()
        .flat_map(|a| chars.chars().map(move |b| format!("{a}{b}")))
        .collect();
    let p = hostile_project().edit(
        "values.yaml",
        "V1: \"${_REGION}\"",
        &format!("V1: {}", serde_json::to_string(&every).expect("json")),
    );
    let run = p
        .args(["plan"])
        .status(1)
        .stdout_has("`V1` holds the most of them")
        .run();
    assert!(!run.stdout.contains(&every) && !run.stderr.contains(&every));
    assert!(!p.path("deploy/prod/cloudbuild.yaml").exists());
}

#[test]
fn an_undefined_substitution_or_secret_is_found_before_writing() {
    let p = hostile_project()
        .edit(
            "cloudbuild.yaml.j2",
            "      - ${_REGION}\n",
            "      - ${_REGOIN}\n      - $HOME\n",
        )
        .edit("cloudbuild.yaml.j2", "_SUB: {{ V5 }}", "_SUB: {{ V0 }}")
        .append("cloudbuild.yaml.j2", "    secretEnv: [API_KEY]\n");
    let run = p.args(["plan"]).status(1).run();
    for want in [
        "`_REGOIN` is used but not defined",
        "`$HOME` is not a Cloud Build substitution",
        "`_REGION` is defined but never used",
        "secretEnv `API_KEY`",
        "the substitution `_SUB` holds `$`",
    ] {
        assert!(run.stdout.contains(want), "{want}: {}", run.transcript());
    }
}

/// Strings made of what gcloud, Cloud Build and YAML treat specially, and anything else.
fn tricky() -> impl Strategy<Value = String> {
    let special = prop::sample::select(vec![
        "$",
        "$$",
        "${",
        "}",
        "_",
        "^",
        "=",
        ",",
        "@",
        "|",
        ";",
        ":",
        "::",
        "#",
        "\"",
        "'",
        "\\",
        "\n",
        " ",
        "-",
        "HOME",
        "_REGION",
        "PROJECT_ID",
        "a",
        "é",
    ]);
    prop_oneof![
        prop::collection::vec(special, 0..12).prop_map(|parts| parts.concat()),
        ".{0,24}",
    ]
}

proptest! {
    // In process: many cases cost little. A failure prints its shrunk input, to be pinned
    // as a named regression test.
    #![proptest_config(ProptestConfig {
        cases: 500,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_dict_reads_back_in_gcloud_or_is_refused(
        values in prop::collection::vec(tricky(), 1..6),
    ) {
        let pairs: Vec<(String, String)> = values
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("V{i}"), v.clone()))
            .collect();
        if let Ok(arg) = cloudbuild::gcloud_dict(&pairs) {
            let parsed = gcloud_dict(&arg).map_err(TestCaseError::fail)?;
            let want: BTreeMap<String, String> = pairs.into_iter().collect();
            prop_assert_eq!(parsed, want);
        }
    }

    #[test]
    fn every_value_reaches_a_build_step_unchanged(value in tricky()) {
        let text = format!(
            "steps:\n  - name: b\n    args:\n      - {}\n",
            cloudbuild::escape(&Value::String(value.clone()))
        );
        let run = as_run(&text);
        prop_assert_eq!(&run["steps"][0]["args"][0], &Value::String(value));
    }
}
