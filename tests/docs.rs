//! `cfgc docs [--check]` on the bundled example, and the "add a variable" walk: schema →
//! check names what needs a value → values → docs stale → docs → the variable in outputs.

use crate::common::{Project, repo};

/// The example with its committed docs.
fn example() -> Project {
    let read = |rel: &str| std::fs::read_to_string(repo().join(rel)).expect("committed docs");
    Project::example()
        .file("docs/configuration.md", read("docs/configuration.md"))
        .file(".env.example", read(".env.example"))
}

#[test]
fn the_committed_docs_are_current() {
    example().args(["docs", "--check"]).status(0).run();
}

#[test]
fn check_fails_when_stale_and_writes_nothing() {
    let p = example().edit(
        "schema/env.schema.json",
        "Minimum log level.",
        "Minimum log level shown.",
    );
    let run = p.args(["docs", "--check"]).status(1).unchanged().run();
    insta::assert_snapshot!(run.transcript());
    p.args(["docs"]).status(0).run();
    assert!(
        p.read("docs/configuration.md")
            .contains("Minimum log level shown.")
    );
    p.args(["docs", "--check"]).status(0).run();
}

#[test]
fn secrets_are_never_shown() {
    let p = example();
    let docs = p.read("docs/configuration.md");
    let value = p.get("development", "JWT_SECRET");
    assert!(!docs.contains(&value));
    assert!(docs.contains("| development | secret |"));
    let example = p.read(".env.example");
    assert!(example.contains("\nJWT_SECRET=\n"), "{example}");
    assert!(example.contains("\nPORT=8080\n"), "{example}");
}

#[test]
fn the_layer_schema_makes_every_key_optional_and_refuses_secrets() {
    let p = example();
    let schema: serde_json::Value =
        serde_json::from_str(&p.read("schema/layer.schema.json")).expect("JSON");
    assert!(schema.get("required").is_none() && schema.get("allOf").is_none());
    // A value, or a derived one (`{ derive: "…" }`).
    assert_eq!(schema["properties"]["PORT"]["anyOf"][0]["type"], "integer");
    assert_eq!(
        schema["properties"]["PORT"]["anyOf"][1]["$ref"],
        "#/$defs/cfgc-derive"
    );
    assert_eq!(
        schema["properties"]["JWT_SECRET"]["not"],
        serde_json::json!({})
    );
    assert!(
        p.read("environments/base.yaml")
            .starts_with("# yaml-language-server: $schema=../schema/layer.schema.json\n")
    );
}

#[test]
fn adding_a_variable_end_to_end() {
    // 1. The schema gains a required variable.
    let p = example().edit(
        "schema/env.schema.json",
        "    \"SENTRY_DSN\": {",
        "    \"FEATURE_FLAGS\": { \"description\": \"Enabled feature flags.\", \"type\": \"string\" },\n    \"SENTRY_DSN\": {",
    ).edit("schema/env.schema.json", "\"NODE_ENV\", \"FRONTEND_URL\",", "\"NODE_ENV\", \"FEATURE_FLAGS\", \"FRONTEND_URL\",");
    // 2. check names each environment that needs a value.
    let run = p
        .args(["check"])
        .status(1)
        .stdout_has("FEATURE_FLAGS")
        .run();
    for env in ["development", "staging", "production"] {
        assert!(run.stdout.contains(env), "{}", run.stdout);
    }
    // 3. Values added: check passes.
    let p = p.append("environments/base.yaml", "FEATURE_FLAGS: beta-search\n");
    let run = p.args(["check"]).status(0).run();
    // No "used by no output" warning: `.env` iterates over `app_env`.
    assert!(!run.stdout.contains("unused-variable"), "{}", run.stdout);
    // 4. The docs are stale until `cfgc docs`.
    p.args(["docs", "--check"]).status(1).run();
    p.args(["docs"]).status(0).run();
    p.args(["docs", "--check"]).status(0).run();
    assert!(p.read("docs/configuration.md").contains("## FEATURE_FLAGS"));
    // 5. The variable reaches `.env` with no template edit: env.j2 iterates over `app_env`.
    let template = p.read("templates/env.j2");
    assert!(!template.contains("FEATURE_FLAGS"), "{template}");
    p.args(["apply", "development", "--yes"]).status(0).run();
    assert!(
        p.read("deploy/development/.env")
            .contains("FEATURE_FLAGS=beta-search")
    );
    assert_eq!(
        p.read("templates/env.j2"),
        template,
        "the template was not edited"
    );
    p.args(["explain", "development", "FEATURE_FLAGS"])
        .stdout_has("templates/env.j2")
        .run();
}

#[test]
fn infrastructure_variables_stay_out_of_the_env_file() {
    // `"x-infra": true` keeps nginx's and Cloud Build's variables out of `app_env`; the
    // app's own are all there, numbers and lists flattened as `cfgc exec` does.
    let p = example();
    p.args(["apply", "development", "--yes"]).status(0).run();
    let env = p.read("deploy/development/.env");
    assert!(env.contains("\nPORT=8080\n"), "{env}");
    assert!(env.contains("\nLOG_LEVEL="), "{env}");
    assert!(env.contains("\nJWT_SECRET="), "{env}");
    for infra in ["TLS_CERTIFICATE_PATH", "NGINX_RESOLVERS", "HSTS_MAX_AGE"] {
        assert!(!env.contains(infra), "{infra} in {env}");
    }
}
