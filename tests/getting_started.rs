//! docs/getting-started.md as a transcript: from an empty folder through `init`, `env add`,
//! `import`, `secrets set`, `check`, `plan`, `apply` and `exec` to an applied staging plan,
//! each step checked as a new user would read its output. A secret's value (the canary)
//! never appears in any of it.

use crate::common::{Project, Run};

const CANARY: &str = "tok_live_GSCANARY0123456789abcdef";
const SESSION: &str = "gs-session-secret-GSCANARY-0123456789";

fn ok(run: &Run) {
    assert_eq!(run.code, 0, "{}", run.transcript());
    for secret in [CANARY, SESSION] {
        assert!(!run.stdout.contains(secret), "{}", run.transcript());
        assert!(!run.stderr.contains(secret), "{}", run.transcript());
    }
}

/// `rel` with its `NAME:` line replaced by `line`.
fn set_line(p: Project, rel: &str, name: &str, line: &str) -> Project {
    let text = p.read(rel);
    let old = text
        .lines()
        .find(|l| l.starts_with(&format!("{name}:")))
        .unwrap_or_else(|| panic!("{rel} sets {name}:\n{text}"))
        .to_string();
    p.file(rel, text.replacen(&old, line, 1))
}

#[test]
fn getting_started_from_an_empty_folder_to_an_applied_staging_plan() {
    // 1. init: the deployed tier is held to the built-in rules from the start.
    let home = tempfile::tempdir().expect("temp home");
    let p = Project::empty()
        .env("HOME", &home.path().to_string_lossy())
        .env("XDG_CONFIG_HOME", "");
    ok(&p.args(["init"]).run());
    let toml = p.read("cfgc.toml");
    assert!(
        toml.starts_with("#:schema ./schema/cfgc.schema.json\n"),
        "{toml}"
    );
    assert!(toml.contains("[tiers.deployed]\ndeployed = true"), "{toml}");

    // 2. env add: two deployed environments, each with its own key outside the folder.
    ok(&p
        .args(["env", "add", "staging", "--tier", "deployed"])
        .run());
    let add = &[
        "env",
        "add",
        "production",
        "--tier",
        "deployed",
        "--from",
        "staging",
    ];
    ok(&p.args(add).run());

    // 3. import: both files in one run, by suffix, read as python-dotenv reads them.
    let dotenv = |url: &str| {
        format!(
            "# exported from the old host\nexport APP_URL = {url}\nAPI_TOKEN=\"{CANARY}\"\nMAX_WORKERS=4 # per box\nFEATURE_X=true\n"
        )
    };
    let p = p
        .file(".env.staging", dotenv("https://staging.example.com"))
        .file(".env.production", dotenv("https://app.example.com"));
    let run = p.args(["import", ".env.staging", ".env.production"]).run();
    ok(&run);
    for row in ["API_TOKEN", "APP_URL", "FEATURE_X", "MAX_WORKERS"] {
        assert!(run.stdout.contains(row), "{}", run.transcript());
    }
    let schema = p.read("schema/env.schema.json");
    assert!(schema.contains("\"API_TOKEN\""), "{schema}");
    assert!(
        !p.read("environments/staging.yaml").contains(CANARY),
        "a secret went into a plain layer"
    );

    // 4. secrets set: the value from stdin, never from an argument.
    ok(&p
        .args(["secrets", "set", "staging", "SESSION_SECRET"])
        .stdin(SESSION)
        .run());
    p.args([
        "secrets",
        "set",
        "staging",
        &format!("SESSION_SECRET={SESSION}"),
    ])
    .status(2)
    .stderr_lacks(SESSION)
    .run();

    // 5. check: NODE_ENV is missing in both deployed environments, said once.
    p.args(["check"])
        .status(1)
        .stdout_has(
            "required variable `NODE_ENV` is missing in environments `staging`, `production`",
        )
        .run();
    let p = p
        .append("environments/staging.yaml", "NODE_ENV: production\n")
        .append("environments/production.yaml", "NODE_ENV: production\n");
    ok(&p.args(["check"]).run());

    // A loopback URL in a deployed tier is refused with no rule of the project's own.
    let local = set_line(
        p,
        "environments/production.yaml",
        "APP_URL",
        "APP_URL: http://localhost:5173",
    );
    local
        .args(["check"])
        .status(1)
        .stdout_has("error[loopback]: `APP_URL`")
        .stdout_has("error[plain-http]: `APP_URL`")
        .run();
    let p = set_line(
        local,
        "environments/production.yaml",
        "APP_URL",
        "APP_URL: https://app.example.com",
    );
    ok(&p.args(["check"]).run());

    // 6. plan and apply: a value no layer sets takes the schema's default; secrets masked.
    let base = p.read("environments/base.yaml").replace("PORT: 8080\n", "");
    let p = p.file("environments/base.yaml", &base);
    let run = p.args(["plan", "staging"]).run();
    ok(&run);
    assert!(run.stdout.contains("+PORT=8080"), "{}", run.transcript());
    assert!(
        run.stdout.contains("+API_TOKEN=<secret"),
        "{}",
        run.transcript()
    );
    let run = p.args(["explain", "staging", "PORT"]).run();
    ok(&run);
    assert!(
        run.stdout.contains("default from schema"),
        "{}",
        run.transcript()
    );
    ok(&p.args(["apply", "staging", "--yes"]).run());
    let written = p.read("deploy/staging/.env");
    assert!(
        written.contains(&format!("API_TOKEN={CANARY}")),
        "{written}"
    );
    assert!(written.contains("MAX_WORKERS=4\n"), "{written}");

    // 7. exec: the app gets its environment, secrets included, and nothing is written.
    let run = p
        .args(["exec", "staging", "--", "printenv", "APP_URL", "FEATURE_X"])
        .status(0)
        .run();
    assert_eq!(run.stdout, "https://staging.example.com\ntrue\n");
    assert_eq!(run.stderr, "", "{}", run.transcript());
}
