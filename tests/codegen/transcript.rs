//! The example app's generated loader at start-up: a deployed environment with a variable
//! missing and a loopback URL refuses to start, naming both and printing no value; a
//! started app's secrets never reach `JSON.stringify`, `console.log`, `String()`,
//! template literals or `util.inspect`.

use std::collections::BTreeMap;
use std::process::Command;

use super::ts;
use crate::common::{Project, tools};

/// What the app does first: load its configuration.
const MAIN: &str = r#"const { loadConfig } = require("./out/config.js");
const config = loadConfig();
console.log(`started in ${config.CFGC_ENV} on port ${config.PORT}`);
"#;

/// An app that tries every way to print its configuration.
const LEAK: &str = r#"const util = require("node:util");
const { loadConfig } = require("./out/config.js");
const config = loadConfig();
console.log(JSON.stringify(config));
console.log(config);
console.log(util.inspect(config, { showHidden: true, depth: 5 }));
console.log(String(config.JWT_SECRET), `${config.DATABASE_URL}`, "" + config.OPENROUTER_API_KEY);
console.error(config.JWT_SECRET);
console.log("revealed length", config.JWT_SECRET.reveal().length);
"#;

const CANARY_SECRET: &str = "canary-secret-5f0c2e9a71b3d8e4a6c0f1b2d3e4f5a6";
const CANARY_URL: &str = "https://127.0.0.1/canary-path-4417";

/// Every app variable production needs, valid, as `cfgc exec production` would set them.
fn production() -> BTreeMap<&'static str, &'static str> {
    BTreeMap::from([
        ("CFGC_ENV", "production"),
        ("NODE_ENV", "production"),
        ("FRONTEND_URL", "https://app.taskpilot.example.com"),
        ("API_BASE_URL", "https://app.taskpilot.example.com"),
        ("DATABASE_URL", "postgresql://u:p@db.example.com:5432/app"),
        ("JWT_SECRET", CANARY_SECRET),
        ("JWT_EXPIRES_IN", "7d"),
        ("OAUTH_PROVIDER", "composio"),
        ("COMPOSIO_API_KEY", "cmp-0123456789abcdef"),
        ("OPENROUTER_API_KEY", "sk-or-0123456789"),
        ("OPENROUTER_BASE_URL", "https://openrouter.ai/api/v1"),
        ("AWS_REGION", "eu-west-1"),
        ("AWS_ACCESS_KEY_ID", "AKIA0123456789ABCDEF"),
        (
            "AWS_SECRET_ACCESS_KEY",
            "0123456789012345678901234567890123456789",
        ),
        ("S3_BUCKET_NAME", "taskpilot-uploads"),
        ("SENTRY_DSN", "https://k@o1.ingest.sentry.io/2"),
        ("LOG_LEVEL", "info"),
        ("PORT", "8080"),
        ("CORS_ALLOWED_ORIGINS", "https://app.taskpilot.example.com"),
    ])
}

fn node(p: &Project, script: &str, env: &BTreeMap<&str, &str>) -> (i32, String, String) {
    let path = std::env::var("PATH").unwrap_or_default();
    let out = tools::output(
        Command::new("node")
            .arg(script)
            .current_dir(p.path("app"))
            .env_clear()
            .env("PATH", path)
            .envs(env),
    );
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

#[test]
fn a_deployed_start_with_a_missing_variable_and_a_loopback_url_names_both_and_no_value() {
    let p = Project::example();
    ts::compile(&p, "app", &ts::generated(&p));
    let p = p.file("app/main.cjs", MAIN);
    // The baseline starts: the environment is what production needs.
    let (code, out, err) = node(&p, "main.cjs", &production());
    assert_eq!(
        (code, out.as_str()),
        (0, "started in production on port 8080\n"),
        "{err}"
    );

    let mut env = production();
    env.remove("S3_BUCKET_NAME");
    env.insert("API_BASE_URL", CANARY_URL);
    let (code, out, err) = node(&p, "main.cjs", &env);
    assert_ne!(code, 0, "the app started: {out}");
    let transcript = format!("{out}{err}");
    assert!(
        transcript.contains("invalid configuration for the environment `production` (2 problem(s)):")
            && transcript.contains("  - S3_BUCKET_NAME: is required but not set")
            && transcript.contains("  - API_BASE_URL: points at a loopback or unspecified host in the deployed tier `deployed`"),
        "{transcript}"
    );
    for canary in [CANARY_SECRET, CANARY_URL, "canary"] {
        assert!(
            !transcript.contains(canary),
            "a value was printed:\n{transcript}"
        );
    }
    // Without `CFGC_ENV` (or a name) the loader does not guess an environment.
    env.remove("CFGC_ENV");
    let (code, _, err) = node(&p, "main.cjs", &env);
    assert!(
        code != 0 && err.contains("CFGC_ENV: names no environment of this project"),
        "{err}"
    );
}

#[test]
fn secrets_never_reach_a_print_of_the_config() {
    let p = Project::example();
    ts::compile(&p, "app", &ts::generated(&p));
    let p = p.file("app/leak.cjs", LEAK);
    let (code, out, err) = node(&p, "leak.cjs", &production());
    assert_eq!(code, 0, "{err}");
    let transcript = format!("{out}{err}");
    assert!(
        transcript.contains("[redacted]")
            && transcript.contains(&format!("revealed length {}", CANARY_SECRET.len()))
    );
    for secret in [
        CANARY_SECRET,
        "postgresql://u:p@",
        "sk-or-0123456789",
        "AKIA0123456789ABCDEF",
    ] {
        assert!(
            !transcript.contains(secret),
            "a secret was printed:\n{transcript}"
        );
    }
    // Started by `cfgc exec`, which sets CFGC_ENV and decrypts development's secrets.
    let jwt = p
        .args(["exec", "development", "--", "printenv", "JWT_SECRET"])
        .status(0)
        .run()
        .stdout;
    let run = p
        .args(["exec", "development", "--", "node", "app/leak.cjs"])
        .status(0)
        .stdout_has("\"CFGC_ENV\":\"development\"")
        .stdout_has("[redacted]")
        .stdout_lacks(jwt.trim())
        .stderr_lacks(jwt.trim())
        .run();
    assert!(
        run.stdout
            .contains(&format!("revealed length {}", jwt.trim().len()))
    );
}

#[test]
fn a_secret_that_breaks_its_rules_is_named_without_the_rule() {
    let p = Project::example();
    ts::compile(&p, "app", &ts::generated(&p));
    let p = p.file("app/main.cjs", MAIN);
    let mut env = production();
    // Too short (minLength 32) and not `^sk-or-`: how, would tell something of the value.
    env.insert("JWT_SECRET", "short-canary");
    env.insert("OPENROUTER_API_KEY", "xx-canary");
    let (code, out, err) = node(&p, "main.cjs", &env);
    assert_ne!(code, 0, "the app started: {out}");
    let said = "does not satisfy the schema (its rules are not named: it is a secret)";
    for name in ["JWT_SECRET", "OPENROUTER_API_KEY"] {
        assert!(err.contains(&format!("  - {name}: {said}")), "{err}");
    }
    for word in ["shorter", "pattern", "sk-or", "canary"] {
        assert!(!err.contains(word), "{word}: {err}");
    }
    assert!(
        err.contains("(2 problem(s))"),
        "one problem per secret: {err}"
    );
}
