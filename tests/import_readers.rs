//! `cfgc import` reads what the .env readers read: for each case of the grammar python-dotenv
//! and dotenvx share, the value `cfgc exec` gives a program after the import is the value
//! both readers read from the same file. Where the two readers disagree (`\"` and `\\` in
//! double quotes), cfgc reads as python-dotenv does and warns naming the key. Needs python3
//! with python-dotenv and the npm readers (`scripts/test` installs both).

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{Project, age_key, tools};

pub type Vars = BTreeMap<String, String>;

/// A project with one name declared (`SEED`, a secret, so that each environment's secrets
/// file exists, as `cfgc exec` needs): `local` (tier local) and `production` (tier
/// deployed), each with a layer of its own.
pub fn bare() -> Project {
    let key = age_key();
    let mut toml =
        String::from("[project]\nname = \"bare\"\nschema = \"schema/env.schema.json\"\n");
    for (env, tier) in [("local", "local"), ("production", "deployed")] {
        toml.push_str(&format!(
            "\n[environments.{env}]\ntier = \"{tier}\"\nlayers = [\"environments/{env}.yaml\"]\nsecrets = \"environments/{env}.secrets.yaml\"\nrecipients = [\"{}\"]\n",
            key.public
        ));
    }
    let p = Project::empty()
        .file("cfgc.toml", &toml)
        .file(
            "schema/env.schema.json",
            "{\n  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n  \"type\": \"object\",\n  \"properties\": {\n    \"SEED\": { \"type\": \"string\", \"x-secret\": true }\n  }\n}\n",
        )
        .file("environments/local.yaml", "# local's own values\n")
        .file("environments/production.yaml", "# production's own values\n")
        .private_file("keys/bare.key", format!("{}\n", key.secret));
    let file = p.path("keys/bare.key").to_string_lossy().into_owned();
    let p = p.env("CFGC_AGE_KEY_FILE", &file);
    p.set("local", "SEED", "seed");
    p.set("production", "SEED", "seed");
    p
}

/// Every file as python-dotenv's `dotenv_values` reads it, in one Python process.
pub fn python_dotenv(files: &[&Path]) -> Vec<Vars> {
    tools::require_python_module("dotenv", "python-dotenv");
    let script = "import json, sys\nfrom dotenv import dotenv_values\nprint(json.dumps([dotenv_values(f) for f in sys.argv[1:]]))";
    let output = tools::output(tools::command("python3").args(["-c", script]).args(files));
    assert!(
        output.status.success(),
        "python-dotenv: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("python-dotenv prints JSON")
}

/// Every file as dotenvx reads it into an empty environment, in one Node process.
pub fn dotenvx(files: &[&Path]) -> Vec<Vars> {
    let dir = crate::common::repo().join("target/node-readers");
    assert!(
        dir.join("node_modules/@dotenvx/dotenvx").is_dir(),
        "dotenvx is not installed: {}",
        tools::install_hint("node-readers")
    );
    let script = "const [dir, ...files] = process.argv.slice(1);\nconst d = require(require('path').join(dir, 'node_modules', '@dotenvx/dotenvx'));\nprocess.stdout.write(JSON.stringify(files.map((path) => { const env = {}; const r = d.config({ path, processEnv: env, quiet: true }); if (r.error) { throw r.error; } return env; })));";
    let output = tools::output(
        tools::command("node")
            .args(["-e", script])
            .arg(&dir)
            .args(files)
            .env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin"),
    );
    assert!(
        output.status.success(),
        "dotenvx: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("dotenvx prints JSON")
}

/// The `names` `cfgc exec ENV` gives a program (read back with `env -0`).
pub fn exec_values(p: &Project, env: &str, names: &[&String]) -> Vars {
    let run = p.args(["exec", env, "--", "env", "-0"]).status(0).run();
    run.stdout
        .split_terminator('\0')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(k, _)| names.iter().any(|n| n.as_str() == *k))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Imports `text` as `.env.local` into a bare project and returns what cfgc exec gives,
/// what python-dotenv reads and what dotenvx reads, with the import's transcript.
fn import_and_read(text: &str) -> (Vars, Vars, Vars, String) {
    let p = bare().file(".env.local", text);
    let run = p.args(["import", ".env.local"]).status(0).run();
    let file = p.path(".env.local");
    let python = python_dotenv(&[&file]).remove(0);
    let node = dotenvx(&[&file]).remove(0);
    let names: Vec<&String> = python.keys().collect();
    (
        exec_values(&p, "local", &names),
        python,
        node,
        run.transcript(),
    )
}

/// The shared grammar: cfgc, python-dotenv and dotenvx read the same values.
fn agrees(text: &str) {
    let (cfgc, python, node, transcript) = import_and_read(text);
    assert_eq!(cfgc, python, "cfgc vs python-dotenv\n{transcript}");
    assert_eq!(cfgc, node, "cfgc vs dotenvx\n{transcript}");
    assert!(!cfgc.is_empty());
}

#[test]
fn double_quoted_values_decode_their_escapes() {
    agrees("GREETING=\"line one\\nline two\\ttabbed\"\nPLAIN=\"a # not a comment\"\n");
}

#[test]
fn a_quoted_multi_line_pem_key_is_one_value() {
    agrees(
        "TLS_PRIVATE_KEY=\"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nVJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuic\n-----END PRIVATE KEY-----\"\nAFTER=1\n",
    );
}

#[test]
fn an_unquoted_url_with_a_bang_in_its_password() {
    agrees("DATABASE_URL=postgres://app:s3cr!t@db.example.com:5432/app\n");
}

#[test]
fn spaces_around_the_equals_sign() {
    agrees("APP_NAME = taskpilot\nWORKERS =4\n");
}

#[test]
fn export_with_several_spaces() {
    agrees("export   REGION=eu-west-1\nexport\tZONE=b\n");
}

#[test]
fn an_unquoted_value_with_spaces() {
    agrees("GREETING=hello world\n");
}

#[test]
fn a_reference_to_a_name_set_earlier_is_expanded_with_a_warning() {
    let text = "APP_NAME=taskpilot\nLOG_DIR=${APP_NAME}/x\nQUOTED=\"/srv/${APP_NAME}\"\n";
    agrees(text);
    let (_, _, _, transcript) = import_and_read(text);
    assert!(
        transcript.contains(".env.local:2:1: `LOG_DIR`: refers to `${…}`"),
        "{transcript}"
    );
    assert!(
        transcript.contains(".env.local:3:1: `QUOTED`: refers"),
        "{transcript}"
    );
}

#[test]
fn single_quotes_are_literal() {
    agrees("LITERAL='a \\n \"b\" # c $HOME'\n");
}

#[test]
fn inline_comments_after_unquoted_values() {
    agrees("LOG_LEVEL=warn # the default is info\nAFTER_QUOTES=\"x\" # note\n#c\n");
}

/// `a#b` unquoted: python-dotenv keeps `#b`, dotenvx ends the value at `#`.
#[test]
fn a_hash_inside_an_unquoted_value_is_read_as_python_dotenv_reads_it_with_a_warning() {
    let (cfgc, python, node, transcript) = import_and_read("COLOR=ff#00\n");
    assert_eq!(cfgc, python, "{transcript}");
    assert_ne!(
        node["COLOR"], python["COLOR"],
        "the readers agree now: make this an `agrees` case"
    );
    assert!(
        transcript.contains(".env.local:1:1: `COLOR`: holds `#`"),
        "{transcript}"
    );
}

#[test]
fn empty_values() {
    agrees("EMPTY=\nEMPTY_QUOTED=\"\"\nEMPTY_SINGLE=''\nNEXT=1\n");
}

#[test]
fn crlf_line_endings() {
    agrees("FIRST=one\r\nSECOND=\"two\"\r\nTHIRD=three # c\r\n");
}

/// `\"` and `\\` in double quotes: python-dotenv decodes them, dotenvx keeps the backslash.
#[test]
fn escaped_quotes_are_read_as_python_dotenv_reads_them_with_a_warning() {
    let text = "SAID=\"she said \\\"hi\\\" \\\\o/\"\n";
    let (cfgc, python, node, transcript) = import_and_read(text);
    assert_eq!(cfgc, python, "{transcript}");
    assert_eq!(cfgc["SAID"], "she said \"hi\" \\o/");
    assert_ne!(
        node["SAID"], python["SAID"],
        "the readers agree now: make this an `agrees` case"
    );
    assert!(
        transcript.contains(".env.local:1:1: `SAID`: holds a backslash escape"),
        "{transcript}"
    );
}
