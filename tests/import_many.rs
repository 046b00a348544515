//! `cfgc import` on whole real-world files, in one run: the 21-variable `.env.production` of
//! issue 20 (quoted PEM key, `!` in an unquoted URL, `KEY = value`, `export   KEY`, spaces,
//! `${APP_NAME}`) imported at once with its names added to the schema and the review table
//! pinned; every bad line reported in one run; an identical value needing no `--force`;
//! several files at once; an unknown environment.

use insta::assert_snapshot;

use crate::import_readers::{bare, exec_values, python_dotenv};

const CANARIES: &[&str] = &[
    "Pr0d!pass",
    "canary-jwt-0123456789abcdefghijklmnop",
    "sk_live_canary0123456789abcdef",
    "ghp_canary0123456789abcdefghijklmnopqrstu",
    "canary-smtp-pass",
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcw",
];

const PRODUCTION: &str = r#"# TaskPilot production, as the team kept it
NODE_ENV=production
PORT=8080
APP_NAME=taskpilot
FRONTEND_URL=https://app.taskpilot.example.com
API_BASE_URL = https://api.taskpilot.example.com
export   LOG_LEVEL=warn
WORKERS=4
ENABLE_SIGNUPS=false
SUPPORT_EMAIL=support@taskpilot.example.com
CORS_ALLOWED_ORIGINS=https://app.taskpilot.example.com,https://admin.taskpilot.example.com
DATABASE_URL=postgres://app:Pr0d!pass@db.internal.example.com:5432/taskpilot
REDIS_URL="redis://cache.internal.example.com:6379/0"
JWT_SECRET="canary-jwt-0123456789abcdefghijklmnop"
STRIPE_API_KEY='sk_live_canary0123456789abcdef'
GITHUB_TOKEN=ghp_canary0123456789abcdefghijklmnopqrstu
SMTP_PASSWORD='canary-smtp-pass'
TLS_PRIVATE_KEY="-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7
-----END PRIVATE KEY-----"
WELCOME_MESSAGE=hello world
LOG_DIR=${APP_NAME}/logs
SENTRY_ENVIRONMENT=production # tag in Sentry
UPLOAD_DIR=
"#;

fn no_canary(run: &crate::common::Run) {
    for canary in CANARIES {
        assert!(!run.stdout.contains(canary), "{}", run.transcript());
        assert!(!run.stderr.contains(canary), "{}", run.transcript());
    }
}

#[test]
fn the_21_variable_env_production_imports_in_one_run() {
    let p = bare().file(".env.production", PRODUCTION);
    let run = p.args(["import", ".env.production"]).status(0).run();
    no_canary(&run);
    assert_snapshot!(run.transcript());
    assert_snapshot!("the_21_variable_schema", p.read("schema/env.schema.json"));
    let python = python_dotenv(&[&p.path(".env.production")]).remove(0);
    assert_eq!(python.len(), 21);
    let names: Vec<&String> = python.keys().collect();
    assert_eq!(exec_values(&p, "production", &names), python);
    let layer = p.read("environments/production.yaml");
    for canary in CANARIES {
        assert!(
            !layer.contains(canary),
            "a secret went into the layer: {layer}"
        );
    }
    p.args(["check"]).status(0).run();
}

#[test]
fn every_bad_line_is_reported_in_one_run_with_its_key() {
    let text = "GOOD=1\n9LIVES=canary1\nNO_EQUALS canary2\nQUOTED=\"a\" canary3\nOPEN=\"canary4\n";
    let p = bare().file(".env.production", text);
    let run = p
        .args(["import", ".env.production"])
        .status(2)
        .unchanged()
        .run();
    for finding in [
        ".env.production:2:1: expected a variable name",
        ".env.production:3:11: `NO_EQUALS`: expected `=`",
        ".env.production:4:12: `QUOTED`: unexpected text after the closing quote",
        ".env.production:5:6: `OPEN`: this quote is never closed",
    ] {
        assert!(run.stderr.contains(finding), "{finding}\n{}", run.stderr);
    }
    assert!(
        !run.stderr.contains("canary"),
        "a value was shown: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains("4 problem(s); nothing was imported"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_identical_value_needs_no_force_a_different_one_does() {
    let p = bare().file(".env.production", PRODUCTION);
    p.args(["import", ".env.production"]).status(0).run();
    p.args(["import", "production", ".env.production"])
        .status(0)
        .stdout_has("nothing to import")
        .run();
    let p = p.edit(".env.production", "WORKERS=4", "WORKERS=8");
    let p = p.edit(
        ".env.production",
        "SMTP_PASSWORD='canary-smtp-pass'",
        "SMTP_PASSWORD='canary-smtp-pass2'",
    );
    let run = p
        .args(["import", ".env.production"])
        .status(2)
        .unchanged()
        .run();
    no_canary(&run);
    assert!(
        run.stderr.contains("`WORKERS` is already set"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("`SMTP_PASSWORD` is already set"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("2 problem(s)"), "{}", run.stderr);
    p.args(["import", ".env.production", "--force"])
        .status(0)
        .run();
    let names = ["WORKERS".to_string(), "SMTP_PASSWORD".to_string()];
    let got = exec_values(&p, "production", &names.iter().collect::<Vec<_>>());
    assert_eq!(got["WORKERS"], "8");
    assert_eq!(got["SMTP_PASSWORD"], "canary-smtp-pass2");
}

#[test]
fn several_files_map_to_environments_by_suffix_or_by_name() {
    let p = bare()
        .file(
            ".env.local",
            "FRONTEND_URL=http://localhost:5173\nPORT=3000\n",
        )
        .file(
            "old/prod.env",
            "FRONTEND_URL=https://app.example.com\nPORT=8080\nREGION=eu\n",
        );
    let run = p
        .args(["import", ".env.local", "production=old/prod.env"])
        .status(0)
        .run();
    assert_snapshot!(run.transcript());
    let names = ["FRONTEND_URL".to_string(), "PORT".to_string()];
    let names: Vec<&String> = names.iter().collect();
    assert_eq!(
        exec_values(&p, "local", &names)["FRONTEND_URL"],
        "http://localhost:5173"
    );
    assert_eq!(exec_values(&p, "production", &names)["PORT"], "8080");
    let schema = p.read("schema/env.schema.json");
    assert!(
        schema.contains(
            "\"FRONTEND_URL\": {\n      \"type\": \"string\",\n      \"format\": \"url\"\n    }"
        ),
        "{schema}"
    );
}

#[test]
fn an_unknown_environment_says_to_declare_it() {
    let p = bare()
        .file(".env.staging", "PORT=1\n")
        .file(".env.production", "PORT=1\nBAD LINE\n");
    let run = p
        .args(["import", ".env.production", ".env.staging"])
        .status(2)
        .stderr_has("unknown environment `staging`")
        .unchanged()
        .stderr_has("or declare it first with `cfgc env add")
        .run();
    assert!(
        run.stderr.contains(".env.production:2:5: `BAD`"),
        "the file's problems too: {}",
        run.stderr
    );
}

#[test]
fn a_reference_to_a_name_the_file_does_not_set_is_an_error_naming_the_key() {
    let text = "HOST=db.example.com\nURL=postgres://${HOST}/app\nCACHE=${REDIS_HOST}:6379\nDIR=${DATA_DIR:-/srv}/x\n";
    let p = bare().file(".env.production", text);
    p.args(["import", ".env.production"])
        .status(2)
        .unchanged()
        .stderr_has(
            ".env.production:3:1: `CACHE`: refers to `${…}` of a name this file does not set",
        )
        .stderr_has("1 problem(s)")
        .run();
    let p = p.edit(".env.production", "CACHE=${REDIS_HOST}:6379\n", "");
    p.args(["import", ".env.production"]).status(0).run();
    let names = ["URL".to_string(), "DIR".to_string()];
    let got = exec_values(&p, "production", &names.iter().collect::<Vec<_>>());
    assert_eq!(got["URL"], "postgres://db.example.com/app");
    assert_eq!(got["DIR"], "/srv/x");
}

#[test]
fn a_missing_environment_is_declared_after_saying_so() {
    let home = tempfile::tempdir().expect("temp home");
    let p = bare()
        .env("HOME", &home.path().to_string_lossy())
        .env("XDG_CONFIG_HOME", "")
        .file(
            ".env.staging",
            "PORT=1\nAPI_TOKEN=canary-token-0123456789\n",
        );
    p.args(["import", ".env.staging"])
        .status(0)
        .stdout_has("import: `staging` is not declared in cfgc.toml; declaring it as `cfgc env add staging --tier deployed` would:")
        .stdout_lacks("canary-token")
        .run();
    let toml = p.read("cfgc.toml");
    assert!(toml.contains("[environments.staging]"), "{toml}");
    assert!(p.read("environments/staging.yaml").contains("PORT: 1"));
    let run = p
        .args(["exec", "staging", "--", "printenv", "API_TOKEN"])
        .status(0)
        .run();
    assert_eq!(run.stdout, "canary-token-0123456789\n");
}

#[test]
fn a_refused_import_declares_no_environment() {
    let p = bare().file(".env.staging", "PORT=1\nBAD LINE\n");
    p.args(["import", ".env.staging"])
        .status(2)
        .unchanged()
        .run();
}
