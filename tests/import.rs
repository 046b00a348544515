//! `cfgc import ENV FILE` on the example, with a `preview` environment added for it:
//! plain values into its layer (comments kept, typed by the schema), secrets and
//! credential-looking values encrypted, unknown names added to the schema, nothing
//! overwritten by a different value without `--force`, and no value ever printed. Error paths: a missing file, a bad line
//! (file:line:col, the line not shown), a value already set.

use insta::assert_snapshot;

use crate::common::{Key, Project, age_key};

const JWT: &str = "canary-jwt-0123456789abcdefghijklmnop";
const DSN_PASSWORD: &str = "canarypw";

/// The example with a `preview` environment whose layer holds a comment and one value,
/// and whose secrets file is not written yet (encrypted to a fresh key, in `keys/`).
fn preview() -> (Project, Key) {
    let key = age_key();
    let p = Project::example()
        .append(
            "cfgc.toml",
            &format!(
                "\n[environments.preview]\ntier = \"local\"\nlayers = [\"environments/base.yaml\", \"environments/preview.yaml\"]\nsecrets = \"environments/preview.secrets.yaml\"\nrecipients = [\"{}\"]\n",
                key.public
            ),
        )
        .file(
            "environments/preview.yaml",
            "# preview's own values: kept by import\nFRONTEND_URL: http://localhost:5173\n",
        )
        .private_file("keys/preview.key", format!("{}\n", key.secret));
    let file = p.path("keys/preview.key").to_string_lossy().into_owned();
    (p.env("CFGC_AGE_KEY_FILE", &file), key)
}

fn dotenv() -> String {
    format!(
        "# TaskPilot .env.production style\nNODE_ENV=production\nPORT=9090\nCORS_ALLOWED_ORIGINS=https://a.example.com,https://b.example.com\nLOG_LEVEL=warn\nJWT_SECRET='{JWT}'\nSENTRY_DSN=https://abc:{DSN_PASSWORD}@o1.ingest.sentry.io/1\nMYSTERY_FLAG=1\n"
    )
}

fn no_canary(run: &crate::common::Run) {
    for canary in [JWT, DSN_PASSWORD] {
        assert!(!run.stdout.contains(canary), "{}", run.transcript());
        assert!(!run.stderr.contains(canary), "{}", run.transcript());
    }
}

#[test]
fn import_sorts_plain_values_and_secrets_and_adds_unknown_names_to_the_schema() {
    let (p, _key) = preview();
    let p = p.file(".env.production", dotenv());
    let run = p
        .args(["import", "preview", ".env.production"])
        .status(0)
        .run();
    no_canary(&run);
    assert_snapshot!(run.transcript());
    let layer = p.read("environments/preview.yaml");
    assert_eq!(
        layer,
        "# preview's own values: kept by import\nFRONTEND_URL: http://localhost:5173\nNODE_ENV: \"production\"\nPORT: 9090\nCORS_ALLOWED_ORIGINS: [\"https://a.example.com\", \"https://b.example.com\"]\nLOG_LEVEL: \"warn\"\nMYSTERY_FLAG: 1\n"
    );
    let secrets = p.read("environments/preview.secrets.yaml");
    assert!(secrets.contains("JWT_SECRET") && secrets.contains("SENTRY_DSN"));
    assert!(!secrets.contains(JWT) && !secrets.contains(DSN_PASSWORD));
    assert_eq!(p.get("preview", "JWT_SECRET"), JWT);
    assert!(!secrets.contains("MYSTERY_FLAG"));
    let schema = p.read("schema/env.schema.json");
    assert!(
        schema.contains("    \"MYSTERY_FLAG\": {\n      \"type\": \"integer\"\n    }\n  },"),
        "{schema}"
    );
}

#[test]
fn nothing_is_overwritten_without_force() {
    let (p, _key) = preview();
    let p = p.file(".env.production", dotenv());
    p.args(["import", "preview", ".env.production"])
        .status(0)
        .run();
    let p = p.edit(".env.production", "PORT=9090", "PORT=9191");
    let run = p
        .args(["import", "preview", ".env.production"])
        .status(2)
        .unchanged()
        .run();
    no_canary(&run);
    assert_snapshot!(run.transcript());

    let run = p
        .args(["import", "preview", ".env.production", "--force"])
        .status(0)
        .run();
    no_canary(&run);
    let layer = p.read("environments/preview.yaml");
    assert_eq!(layer.matches("PORT:").count(), 1, "{layer}");
    assert!(layer.contains("PORT: 9191\n"), "{layer}");
    assert!(
        layer.starts_with("# preview's own values: kept by import\n"),
        "{layer}"
    );
}

#[test]
fn a_missing_file_is_an_error() {
    let (p, _key) = preview();
    let run = p.args(["import", "preview", "no-such.env"]).status(2).run();
    assert_snapshot!(run.transcript());
}

#[test]
fn a_bad_line_is_named_by_line_and_column_never_shown() {
    let (p, _key) = preview();
    let p = p.file(
        ".env",
        format!("PORT=1\n\nthis line has {JWT} and no equals sign\n"),
    );
    let run = p
        .args(["import", "preview", ".env"])
        .status(2)
        .unchanged()
        .run();
    no_canary(&run);
    assert!(
        run.stderr.contains(".env:3:6: `this`: expected `=`"),
        "{}",
        run.stderr
    );
    assert_snapshot!(run.transcript());
}

#[test]
fn a_layer_other_environments_share_is_not_edited() {
    let p = Project::example()
        .append(
            "cfgc.toml",
            "\n[environments.lonely]\ntier = \"local\"\nlayers = [\"environments/base.yaml\"]\n",
        )
        .file(".env", "PORT=1234\n");
    p.args(["import", "lonely", ".env"])
        .status(2)
        .unchanged()
        .stderr_has("is shared with development, staging, production")
        .run();
}
