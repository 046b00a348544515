//! The store record as templates read it (`secret_versions`), with no store: the example's
//! deploy pins come from `environments/ENV.store.toml`, and a damaged record or a secret
//! never pushed stops the run at its place.

use crate::common::Project;

#[test]
fn the_example_pins_its_deploy_to_the_records() {
    let p = Project::example();
    p.args(["plan", "--exit-code", "--no-decrypt"])
        .status(0)
        .run();
    let p = p.edit(
        "environments/production.store.toml",
        "[secrets.DATABASE_URL]\nversion = \"3\"",
        "[secrets.DATABASE_URL]\nversion = \"4\"",
    );
    p.args(["plan", "production", "--exit-code", "--no-decrypt"])
        .status(3)
        .stdout_has(
            "-    - versionName: \"projects/taskpilot-prod/secrets/DATABASE_URL/versions/3\"",
        )
        .stdout_has(
            "+    - versionName: \"projects/taskpilot-prod/secrets/DATABASE_URL/versions/4\"",
        )
        .run();
}

#[test]
fn a_damaged_record_stops_the_run_at_its_line() {
    let p = Project::example().edit(
        "environments/staging.store.toml",
        "[secrets.JWT_SECRET]\nversion = \"1\"",
        "[secrets.JWT_SECRET]\nversion = 1",
    );
    p.args(["check"])
        .status(2)
        .stderr_has("error[store-record]")
        .stderr_has("environments/staging.store.toml:")
        .stderr_has("expected a string")
        .run();
}

#[test]
fn a_secret_never_pushed_has_no_pin_to_render() {
    let record = Project::example().read("environments/staging.store.toml");
    let start = record.find("[secrets.JWT_SECRET]").expect("an entry");
    let end = start + record[start..].find("\n\n").expect("its end") + 2;
    let p = Project::example().file(
        "environments/staging.store.toml",
        format!("{}{}", &record[..start], &record[end..]),
    );
    p.args(["plan", "staging", "--no-decrypt"])
        .status(1)
        .stdout_has("template-undefined")
        .stdout_has("secret_versions")
        .run();
}

#[test]
fn a_record_that_does_not_exist_yet_is_empty() {
    let p = Project::example().remove("environments/staging.store.toml");
    p.args(["check", "staging"])
        .status(1)
        .stdout_has("secret_versions")
        .run();
}
