//! `cfgc check --app DIR`: the app's code read for the variables it uses, by the built
//! binary on real files. The fixture app (`tests/fixtures/app-reads/app`) reads every
//! variable of the `minimal` fixture's schema (`web/config.ts`), and writes every read
//! form of each language with an undeclared name, beside every place a read must not
//! count (`NOT_*`). The bundled example's app (`deploy/app`) is clean.

use std::path::Path;

use crate::common::{Project, fixture};
use insta::assert_snapshot;

/// The `minimal` fixture with the fixture app copied to `app/`.
fn with_app() -> Project {
    let mut p = Project::fixture("minimal");
    let from = fixture("app-reads");
    for file in files(&from.join("app")) {
        let rel = file.strip_prefix(&from).expect("under the fixture");
        let bytes = std::fs::read(&file).expect("read a fixture file");
        p = p.file(&rel.to_string_lossy(), bytes);
    }
    p
}

fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read a fixture folder") {
        let path = entry.expect("an entry").path();
        match path.is_dir() {
            true => out.extend(files(&path)),
            false => out.push(path),
        }
    }
    out
}

/// The fixture app holding only its clean `web/config.ts` and `extra`.
fn clean_app(extra: &[(&str, &str)]) -> Project {
    let mut p = Project::fixture("minimal").file(
        "app/web/config.ts",
        std::fs::read(fixture("app-reads/app/web/config.ts")).expect("config.ts"),
    );
    for (rel, text) in extra {
        p = p.file(rel, text);
    }
    p
}

/// The `key` of every finding of `code` in a `--format json` document.
fn keys(json: &str, code: &str) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_str(json).expect("check's JSON");
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == code)
        .map(|f| f["key"].as_str().expect("a key").to_string())
        .collect()
}

#[test]
fn every_read_form_is_found_in_each_language_and_nothing_else() {
    let run = with_app()
        .args(["check", "--app", "app", "--format", "json"])
        .status(1)
        .stdout_lacks("NOT_")
        .run();
    let mut found = keys(&run.stdout, "app-undeclared");
    found.sort();
    let mut expected = vec![
        "CJS_READ",
        "JSX_IN_BRACES",
        "JS_AFTER_DIVISION",
        "JS_AFTER_REGEX",
        "JS_BRACKET_DOUBLE",
        "JS_BRACKET_SINGLE",
        "JS_DEFAULTED",
        "JS_DENO",
        "JS_DESTRUCTURED",
        "JS_DOT",
        "JS_IMPORT_META",
        "JS_IN_TEMPLATE",
        "JS_NESTED_TEMPLATE",
        "JS_RENAMED",
        "MJS_READ",
        "PY_GET",
        "PY_GETENV",
        "PY_GETENV_DEFAULT",
        "PY_GET_DEFAULT",
        "PY_IN_FSTRING",
        "PY_SUBSCRIPT",
        "RS_AFTER_LIFETIMES",
        "RS_STD_VAR",
        "RS_VAR",
        "RS_VAR_OS",
    ];
    expected.sort();
    assert_eq!(found, expected, "{}", run.stdout);
    // Only undeclared reads: every declared variable is read, CFGC_ENV is never undeclared.
    assert_eq!(keys(&run.stdout, "app-unused"), Vec::<String>::new());
    assert!(!run.stdout.contains("CFGC_ENV"), "{}", run.stdout);
}

#[test]
fn a_clean_app_passes_and_says_what_it_read() {
    clean_app(&[])
        .args(["check", "--app", "app"])
        .status(0)
        .stdout_has("app: 9 reads in 1 source file under app\n")
        .run();
}

#[test]
fn undeclared_read_with_did_you_mean() {
    let p = clean_app(&[(
        "app/web/db.ts",
        "export const url = process.env.DATABSE_URL;\nexport const other = process.env.REDIS_URL;\n",
    )]);
    let human = p.args(["check", "--app", "app"]).status(1).run();
    assert_snapshot!("undeclared_human", human.transcript());
    let json = p
        .args(["check", "--app", "app", "--format", "json"])
        .status(1)
        .run();
    assert_snapshot!("undeclared_json", json.stdout);
    let github = p
        .args(["check", "--app", "app", "--format", "github"])
        .status(1)
        .run();
    assert_snapshot!("undeclared_github", github.stdout);
}

#[test]
fn unused_variable_at_its_schema_property() {
    let p = clean_app(&[]).edit(
        "app/web/config.ts",
        "  sentryDsn: process.env.SENTRY_DSN,\n",
        "",
    );
    let human = p.args(["check", "--app", "app"]).status(1).run();
    assert_snapshot!("unused_human", human.transcript());
    let json = p
        .args(["check", "--app", "app", "--format", "json"])
        .status(1)
        .run();
    assert_snapshot!("unused_json", json.stdout);
}

#[test]
fn hidden_default_names_the_deployed_environments_and_masks_a_secret() {
    let p = clean_app(&[(
        "app/web/defaults.ts",
        "export const level = process.env.LOG_LEVEL ?? \"info\";\nexport const secret = process.env.JWT_SECRET || \"dev-only-secret\";\n",
    )]);
    let human = p
        .args(["check", "--app", "app"])
        .status(1)
        .stdout_lacks("dev-only-secret")
        .run();
    assert_snapshot!("hidden_default_human", human.transcript());
    let json = p
        .args(["check", "--app", "app", "--format", "json"])
        .status(1)
        .stdout_lacks("dev-only-secret")
        .run();
    assert_snapshot!("hidden_default_json", json.stdout);
}

#[test]
fn hidden_default_is_not_reported_without_a_deployed_environment() {
    // `dev` is local: a fallback there hides nothing a deploy could lose.
    clean_app(&[(
        "app/web/defaults.ts",
        "export const level = process.env.LOG_LEVEL ?? \"info\";\n",
    )])
    .args(["check", "dev", "--app", "app"])
    .status(0)
    .run();
}

#[test]
fn the_example_app_reads_every_variable_it_is_given() {
    Project::example()
        .args(["check", "--app", "deploy/app"])
        .status(0)
        .stdout_has("app: 21 reads in 7 source files under deploy/app\n")
        .run();
}

#[test]
fn the_project_folder_itself_is_an_app_folder() {
    // TaskPilot's own repository keeps its app at the root: `--app .` walks the project
    // (skipping node_modules, dist, build, target and .git).
    Project::example()
        .file("node_modules/dep/index.js", "process.env.NOT_DECLARED;\n")
        .args(["check", "--app", "."])
        .status(0)
        .stdout_has("app: 21 reads in 7 source files under .\n")
        .run();
}

#[test]
fn the_example_with_an_undeclared_read_and_an_unused_variable() {
    let p = Project::example()
        .edit(
            "deploy/app/src/db.ts",
            "process.env.DATABASE_URL",
            "process.env.DATABASE_URI",
        )
        .edit(
            "deploy/app/src/logger.ts",
            "const { LOG_LEVEL, SENTRY_DSN, NODE_ENV } = process.env;",
            "const { LOG_LEVEL, NODE_ENV } = process.env;\nconst SENTRY_DSN = undefined;",
        );
    let run = p.args(["check", "--app", "deploy/app"]).status(1).run();
    assert_snapshot!(run.transcript());
}

#[test]
fn without_app_check_does_not_read_the_app() {
    // The example's default `check` (CI's) stays as it was: `--app` is opt-in.
    Project::example()
        .file("deploy/app/src/extra.ts", "process.env.NOT_DECLARED;\n")
        .args(["check"])
        .status(0)
        .stdout_lacks("app:")
        .run();
}

#[test]
fn names_the_platform_sets_are_not_undeclared_once_listed_external() {
    let p = Project::example().file(
        "deploy/app/src/revision.ts",
        "export const revision = `${process.env.K_SERVICE}@${process.env.K_REVISION}`;\n",
    );
    p.args(["check", "--app", "deploy/app"])
        .status(1)
        .stdout_has(
            "error[app-undeclared]: the app reads `K_SERVICE`, which the schema does not declare",
        )
        .stdout_has("the app reads `K_REVISION`")
        .run();
    let p = p.append(
        "cfgc.toml",
        "\n[app]\nexternal = [\"K_SERVICE\", \"K_REVISION\"]\n",
    );
    p.args(["check", "--app", "deploy/app"])
        .status(0)
        .stdout_has("app: 23 reads in 8 source files under deploy/app\n")
        .run();
    // Listing a declared variable changes nothing: it is read, and not unused.
    let p = p.append("cfgc.toml", "").edit(
        "cfgc.toml",
        "external = [\"K_SERVICE\"",
        "external = [\"PORT\", \"K_SERVICE\"",
    );
    p.args(["check", "--app", "deploy/app"]).status(0).run();
    let p = p.edit("cfgc.toml", "external = [\"PORT\"", "external = [\"9PORT\"");
    p.args(["check", "--app", "deploy/app"])
        .status(2)
        .stderr_has("`[app] external` lists `9PORT`, which is no environment variable name")
        .run();
}
