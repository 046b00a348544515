//! `cfgc check`: every kind of finding, pinned as the user sees it.

use crate::common::Project;
use insta::assert_snapshot;

fn check(p: &Project) -> String {
    p.args(["check"]).run().transcript()
}

/// A run that must stop with exit 2 (malformed input, usage), as a transcript.
fn stopped(p: &Project, args: &[&str]) -> String {
    let run = p.args(args).status(2).run();
    run.transcript()
}

#[test]
fn valid_fixture_passes() {
    let run = Project::fixture("minimal").args(["check"]).status(0).run();
    assert_snapshot!(run.transcript());
}

#[test]
fn bundled_example_passes() {
    let run = Project::example().args(["check"]).status(0).run();
    // development's demo key (cfgc.toml `identity`) decrypts its values; the other keys are
    // not in the repository, so staging and production are checked by name.
    assert!(
        run.stdout.contains(
            "secrets: values checked in development; names only in staging, production (no identity)"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn localhost_url_in_production() {
    let p = Project::fixture("minimal").edit(
        "environments/prod.yaml",
        "https://app.example.com\nCORS",
        "https://localhost:8443\nCORS",
    );
    assert_snapshot!(check(&p));
}

#[test]
fn localhost_inside_a_list() {
    let p = Project::fixture("minimal").edit(
        "environments/prod.yaml",
        "  - https://app.example.com",
        "  - https://app.example.com\n  - http://127.0.0.1:5173",
    );
    assert_snapshot!(check(&p));
}

#[test]
fn wrong_type_with_provenance() {
    let p = Project::fixture("minimal").append("environments/prod.yaml", "PORT: \"80\"\n");
    assert_snapshot!(check(&p));
}

#[test]
fn value_outside_enum() {
    let p = Project::fixture("minimal").edit(
        "environments/base.yaml",
        "LOG_LEVEL: info",
        "LOG_LEVEL: verbose",
    );
    assert_snapshot!(check(&p));
}

#[test]
fn missing_required_variable() {
    let p = Project::fixture("minimal").edit(
        "environments/prod.yaml",
        "SENTRY_DSN: https://abc@o1.ingest.sentry.io/2\n",
        "",
    );
    assert_snapshot!(check(&p));
}

#[test]
fn secret_defined_in_plain_layer() {
    let p = Project::fixture("minimal").append(
        "environments/dev.yaml",
        "JWT_SECRET: canary-3f9a-not-for-output-0123456789\n",
    );
    let out = check(&p);
    assert!(
        !out.contains("canary-3f9a"),
        "the secret value leaked:\n{out}"
    );
    assert_snapshot!(out);
}

#[test]
fn secret_missing_from_secrets_file() {
    // Without a key, a deleted line is only a missing name; with one, the MAC fails too.
    let p = Project::fixture("minimal");
    let kept: String = p
        .read("environments/prod.secrets.yaml")
        .lines()
        .filter(|l| !l.starts_with("JWT_SECRET:"))
        .map(|l| format!("{l}\n"))
        .collect();
    let p = p.file("environments/prod.secrets.yaml", &kept);
    assert_snapshot!(check(&p));
}

#[test]
fn credential_embedded_in_plain_url() {
    // The production-readiness checklist's own leak: a password in DATABASE_URL's userinfo.
    let p = Project::fixture("minimal").edit(
        "environments/prod.yaml",
        "SENTRY_DSN: https://abc@o1.ingest.sentry.io/2",
        "SENTRY_DSN: https://postgres.ayiguljoxjpymzwdvxht:canary-pw-7d1e@aws-0-eu-west-2.pooler.supabase.com:6543/postgres",
    );
    let out = check(&p);
    assert!(
        !out.contains("canary-pw-7d1e"),
        "the credential leaked:\n{out}"
    );
    assert_snapshot!(out);
}

#[test]
fn unknown_variable_with_suggestion() {
    let p = Project::fixture("minimal").append(
        "environments/dev.yaml",
        "FRONTEND_ULR: http://localhost:5173\nCOMPLETELY_NEW: 1\n",
    );
    assert_snapshot!(check(&p));
}

#[test]
fn yaml_syntax_error() {
    let p = Project::fixture("minimal").file(
        "environments/dev.yaml",
        "NODE_ENV: development\nFRONTEND_URL: [http://localhost:5173\nPORT: 1\n",
    );
    assert_snapshot!(stopped(&p, &["check"]));
}

#[test]
fn toml_syntax_error() {
    let p = Project::fixture("minimal")
        .edit(
            "cfgc.toml",
            "environments/dev.yaml",
            "environments/dev.toml",
        )
        .file(
            "environments/dev.toml",
            "NODE_ENV = \"development\"\nFRONTEND_URL = http://localhost\n",
        );
    assert_snapshot!(stopped(&p, &["check"]));
}

#[test]
fn toml_layers_get_the_same_findings() {
    let p = Project::fixture("minimal")
        .edit("cfgc.toml", "environments/prod.yaml", "environments/prod.toml")
        .file(
            "environments/prod.toml",
            "NODE_ENV = \"production\"\nFRONTEND_URL = \"http://localhost:3000\"\nCORS_ALLOWED_ORIGINS = [\"https://app.example.com\"]\nSENTRY_DSN = \"https://abc@o1.ingest.sentry.io/2\"\nPORT = \"80\"\n",
        );
    assert_snapshot!(check(&p));
}

#[test]
fn duplicate_key_in_yaml() {
    let p = Project::fixture("minimal").append("environments/base.yaml", "PORT: 9090\n");
    assert_snapshot!(stopped(&p, &["check"]));
}

#[test]
fn duplicate_key_in_toml() {
    let p = Project::fixture("minimal")
        .edit(
            "cfgc.toml",
            "environments/base.yaml\", \"environments/dev.yaml",
            "environments/base.toml\", \"environments/dev.yaml",
        )
        .file(
            "environments/base.toml",
            "PORT = 8080\nLOG_LEVEL = \"info\"\nPORT = 9090\n",
        );
    assert_snapshot!(stopped(&p, &["check", "dev"]));
}

#[test]
fn unset_removes_an_inherited_key() {
    let p = Project::fixture("minimal").append("environments/dev.yaml", "LOG_LEVEL: !unset\n");
    assert_snapshot!(check(&p));
}

#[test]
fn json_format() {
    let p = Project::fixture("minimal")
        .edit(
            "environments/prod.yaml",
            "https://app.example.com\nCORS",
            "http://localhost:3000\nCORS",
        )
        .append("environments/dev.yaml", "FRONTEND_ULR: x\n");
    let run = p.args(["check", "--format", "json"]).status(1).run();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert_eq!(doc["summary"]["errors"], 3);
    assert_snapshot!(run.transcript());
}

#[test]
fn github_format() {
    let p = Project::fixture("minimal")
        .edit(
            "environments/prod.yaml",
            "https://app.example.com\nCORS",
            "http://localhost:3000\nCORS",
        )
        .append("environments/dev.yaml", "FRONTEND_ULR: x\n");
    let run = p.args(["check", "--format", "github"]).status(1).run();
    assert!(
        run.stdout.lines().all(|l| l.starts_with("::error file=")),
        "{}",
        run.stdout
    );
    assert_snapshot!(run.transcript());
}

#[test]
fn unknown_environment_is_a_usage_error() {
    assert_snapshot!(stopped(&Project::fixture("minimal"), &["check", "prdo"]));
}

#[test]
fn missing_layer_file() {
    let p = Project::fixture("minimal").edit(
        "cfgc.toml",
        "environments/prod.yaml",
        "environments/production.yaml",
    );
    assert_snapshot!(stopped(&p, &["check"]));
}

#[test]
fn invalid_utf8_layer() {
    let p = Project::fixture("minimal");
    std::fs::write(
        p.path("environments/dev.yaml"),
        b"NODE_ENV: development\nFRONTEND_URL: \xff\xfe\n",
    )
    .expect("write");
    assert_snapshot!(stopped(&p, &["check"]));
}

#[test]
fn invalid_project_file() {
    let p = Project::fixture("minimal").edit(
        "cfgc.toml",
        "tier = \"local\"",
        "tier = \"local\"\nlayres = []",
    );
    assert_snapshot!(stopped(&p, &["check"]));
}

#[test]
fn invalid_schema() {
    let p = Project::fixture("minimal").file(
        "schema/env.schema.json",
        "{\n  \"type\": \"object\",\n  \"properties\": { \"A\": { \"type\": \"strnig\" } }\n}\n",
    );
    assert_snapshot!(stopped(&p, &["check"]));
}

#[test]
fn check_selected_environment_only() {
    let p = Project::fixture("minimal").edit(
        "environments/prod.yaml",
        "https://app.example.com\nCORS",
        "http://localhost:3000\nCORS",
    );
    p.args(["check", "dev"]).status(0).run();
}

#[test]
fn yaml_strictness_no_and_leading_zero_stay_strings() {
    let p = Project::fixture("minimal").append("environments/dev.yaml", "PORT: 0808\n");
    assert_snapshot!(check(&p));
}

#[test]
fn missing_everywhere_is_one_finding_pointing_at_the_base_layer() {
    let p = Project::example().edit(
        "environments/base.yaml",
        "S3_BUCKET_NAME: taskpilot-uploads\n",
        "",
    );
    let run = p.args(["check"]).status(1).run();
    assert_eq!(run.stdout.matches("error[missing-variable]").count(), 1);
    assert_snapshot!(run.transcript());
}

#[test]
fn missing_in_some_environments_points_at_their_own_layers() {
    let p = Project::fixture("minimal")
        .edit("environments/base.yaml", "LOG_LEVEL: info\n", "")
        .append("environments/dev.yaml", "LOG_LEVEL: debug\n");
    let run = p.args(["check"]).status(1).run();
    assert!(
        run.stdout.contains("is missing in environment `prod`")
            && run
                .stdout
                .contains("help: add `LOG_LEVEL: <value>` to environments/prod.yaml"),
        "{}",
        run.transcript()
    );
}

/// A project whose schema requires eleven variables no layer sets, in three environments.
fn eleven_missing() -> Project {
    let names: Vec<String> = (b'A'..=b'K')
        .map(|c| format!("VAR_{}", c as char))
        .collect();
    let props: Vec<String> = names
        .iter()
        .map(|n| format!("\"{n}\": {{\"type\": \"string\"}}"))
        .collect();
    let required: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    let schema = format!(
        "{{\"type\": \"object\", \"properties\": {{{}}}, \"required\": [{}]}}\n",
        props.join(", "),
        required.join(", ")
    );
    let mut toml = "[project]\nname = \"eleven\"\nschema = \"schema.json\"\n".to_string();
    let mut p = Project::empty()
        .file("schema.json", &schema)
        .file("base.yaml", "{}\n");
    for env in ["dev", "staging", "production"] {
        toml.push_str(&format!(
            "\n[environments.{env}]\ntier = \"local\"\nlayers = [\"base.yaml\", \"{env}.yaml\"]\n"
        ));
        p = p.file(&format!("{env}.yaml"), "{}\n");
    }
    p.file("cfgc.toml", &toml)
}

#[test]
fn eleven_missing_variables_are_eleven_findings() {
    let run = eleven_missing().args(["check"]).status(1).run();
    assert_eq!(
        run.stdout.matches("error[missing-variable]").count(),
        11,
        "{}",
        run.transcript()
    );
    assert_snapshot!(run.transcript());
}

#[test]
fn missing_variables_grouped_in_json_and_github() {
    let p = eleven_missing();
    let run = p.args(["check", "--format", "json"]).status(1).run();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("a JSON document");
    let findings = doc["findings"].as_array().expect("a list of findings");
    assert_eq!(findings.len(), 11, "{}", run.stdout);
    assert_eq!(
        findings[0]["environments"],
        serde_json::json!(["dev", "staging", "production"])
    );
    assert_eq!(findings[0]["code"], "missing-variable");
    assert_eq!(findings[0]["key"], "VAR_A");
    let run = p.args(["check", "--format", "github"]).status(1).run();
    assert_eq!(run.stdout.matches("::error").count(), 11, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("(environments: dev, staging, production)")
    );
}

#[test]
fn check_passed_with_an_undefined_template_variable() {
    let p = Project::example().edit(
        "templates/nginx.conf.j2",
        "server_name {{ PUBLIC_DOMAIN }};",
        "server_name {{ PUBLIC_DOMAN }};",
    );
    let run = p.args(["check"]).status(1).run();
    assert_snapshot!(run.transcript());
}

#[test]
fn check_passed_with_a_template_syntax_error() {
    let p = Project::example().edit(
        "templates/nginx.conf.j2",
        "server_name {{ PUBLIC_DOMAIN }};",
        "server_name {{ PUBLIC_DOMAIN };",
    );
    let run = p.args(["check"]).status(1).run();
    assert_snapshot!(run.transcript());
}

#[test]
fn check_passed_with_a_policy_violation() {
    let p = Project::example().edit(
        "templates/nginx.conf.j2",
        "add_header Access-Control-Allow-Origin $cors_origin always;",
        "add_header Access-Control-Allow-Origin * always;",
    );
    let run = p.args(["check"]).status(1).run();
    assert_snapshot!(run.transcript());
}

#[test]
fn check_with_a_key_never_shows_a_rendered_secret() {
    let (p, _) = Project::with_secrets();
    let p = p
        .append(
            "cfgc.toml",
            "\n[outputs.secret_env]\ntemplate = \"templates/secret_env.j2\"\npath = \"deploy/{env}/.env\"\nformat = \"dotenv\"\nsecrets = true\nenvironments = [\"dev\"]\n",
        )
        .file(
            "templates/secret_env.j2",
            "JWT_SECRET={{ JWT_SECRET }}\nMISSING={{ NOT_A_VARIABLE }}\n",
        );
    p.set(
        "dev",
        "JWT_SECRET",
        "KIWICANARY-0123456789-abcdefghijklmnopq",
    );
    let run = p
        .args(["check", "dev"])
        .status(1)
        .stdout_has("templates/secret_env.j2:2:")
        .stdout_has("values checked in dev")
        .run();
    assert!(
        !run.transcript().contains("KIWICANARY"),
        "{}",
        run.transcript()
    );
    assert!(!p.path("deploy/dev/.env").exists(), "check wrote a file");
}

#[test]
fn check_finds_a_policy_violation_in_an_output_that_holds_secrets() {
    // No key for staging and production: the dotenv output is rendered with stand-ins for
    // the secrets, and the policy still reads what the secrets cannot change.
    let p = Project::example().append(
        "cfgc.toml",
        "\n[[policies]]\nname = \"dotenv-deployed\"\noutputs = [\"dotenv\"]\ntiers = [\"deployed\"]\nforbid = [ { pattern = '(?m)^LOG_LEVEL=info$', message = \"quieter logs in deployed tiers\" } ]\n",
    );
    p.args(["check"])
        .status(1)
        .stdout_has("error[policy]: `deploy/production/.env` breaks policy `dotenv-deployed`: quieter logs in deployed tiers")
        .stdout_has("LOG_LEVEL=info")
        .stdout_has("found in a render with public stand-ins for the secrets")
        .run();
    p.args(["plan", "--no-decrypt"])
        .status(1)
        .stdout_has("breaks policy `dotenv-deployed`")
        .run();
}

#[test]
fn a_keyless_check_judges_no_policy_about_a_secrets_letters() {
    // Whether `JWT_SECRET` starts with `c` or `Q` is the secret's to decide: neither
    // stand-in's answer is a finding.
    let p = Project::example().append(
        "cfgc.toml",
        "\n[[policies]]\nname = \"letters\"\noutputs = [\"dotenv\"]\nforbid = [ { pattern = '(?m)^JWT_SECRET=c', message = \"c\" }, { pattern = '(?m)^JWT_SECRET=Q', message = \"Q\" } ]\n",
    );
    p.args(["check", "staging", "production"])
        .status(0)
        .stdout_lacks("letters")
        .run();
}

#[test]
fn a_schema_declaring_cfgc_env_is_a_finding_at_its_property() {
    // `cfgc exec` sets CFGC_ENV to the environment's name, over any value a layer gives it.
    let p = Project::example().edit(
        "schema/env.schema.json",
        "\"NODE_ENV\": {",
        "\"CFGC_ENV\": { \"type\": \"string\" },\n    \"NODE_ENV\": {",
    );
    p.args(["check"])
        .status(1)
        .stdout_has(
            "error[schema-reserved-name]: the schema declares `CFGC_ENV`, which cfgc sets itself",
        )
        .stdout_has("--> schema/env.schema.json:8:5")
        .run();
}
