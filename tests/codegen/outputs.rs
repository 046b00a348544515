//! A generated file is an output like any other: `plan` shows its diff and `--exit-code`
//! exits 3 when it is stale, `apply` writes it, `docs --check` reports it and `docs`
//! rewrites it; cfgc.toml refuses the declarations that cannot mean anything.

use crate::common::Project;

const PATH: &str = "deploy/app/src/config.ts";

#[test]
fn a_stale_generated_file_is_pending_for_plan_and_stale_for_docs() {
    let p = Project::example().edit(
        "schema/env.schema.json",
        "\"description\": \"Minimum log level.\"",
        "\"description\": \"Minimum log level (changed).\"",
    );
    p.args(["plan", "--exit-code", "--no-decrypt"])
        .status(3)
        .stdout_has(format!("+++ b/{PATH}"))
        .stdout_has("+  /** Minimum log level (changed). */")
        .run();
    p.args(["plan", "--no-decrypt", "--format", "json"])
        .status(0)
        .stdout_has("\"environment\": null,\n      \"output\": \"app_config\"")
        .run();
    p.args(["plan", "--no-decrypt", "--format", "markdown"])
        .status(0)
        .stdout_has("### generated for the project")
        .run();
    p.args(["plan", "--no-decrypt", "--format", "github"])
        .status(0)
        .stdout_has(format!(
            "::notice file={PATH},title=cfgc plan::`{PATH}` is stale: run `cfgc apply`"
        ))
        .run();
    p.args(["docs", "--check"])
        .status(1)
        .stderr_has(format!("`{PATH}` is not what `cfgc docs` writes"))
        .run();
    p.args(["docs"])
        .status(0)
        .stdout_has(format!("wrote {PATH}"))
        .run();
    p.args(["docs", "--check"]).status(0).run();
    p.args(["plan", "--exit-code", "--no-decrypt"])
        .status(0)
        .run();
}

#[test]
fn apply_writes_a_missing_generated_file() {
    let p = Project::example().remove(PATH);
    p.args(["plan", "--exit-code", "--no-decrypt"])
        .status(3)
        .stdout_has(format!("--- /dev/null\n+++ b/{PATH}"))
        .run();
    p.args(["apply", "--yes", "--allow-skipped", "production", "staging"])
        .status(0)
        .run();
    assert!(p.read(PATH).contains("export function loadConfig("));
    p.args(["plan", "--exit-code", "--no-decrypt"])
        .status(0)
        .run();
}

#[test]
fn cfgc_toml_refuses_generated_outputs_that_cannot_mean_anything() {
    let cases = [
        (
            "generate = \"typescript\"\ntemplate = \"templates/env.j2\"\nformat = \"text\"\npath = \"deploy/x.ts\"",
            "has both `generate` and `template`",
        ),
        (
            "generate = \"cobol\"\npath = \"deploy/x.ts\"",
            "generates `cobol`, a language cfgc does not generate",
        ),
        (
            "generate = \"typescript\"\npath = \"deploy/{env}/x.ts\"",
            "its path cannot hold `{env}`",
        ),
        (
            "generate = \"typescript\"\npath = \"deploy/x.ts\"\nsecrets = true",
            "is generated and cannot hold secrets",
        ),
        (
            "generate = \"typescript\"\npath = \"src/x.ts\"",
            "must be written under `deploy/`",
        ),
        (
            "path = \"deploy/{env}/x\"\nformat = \"text\"",
            "output `gen` has no `template`",
        ),
    ];
    for (table, message) in cases {
        let p = Project::example().append("cfgc.toml", &format!("\n[outputs.gen]\n{table}\n"));
        p.args(["check"]).status(2).stderr_has(message).run();
    }
}

#[test]
fn codegen_refuses_what_the_loader_cannot_check_with_its_schema_place() {
    let p = Project::example().edit(
        "schema/env.schema.json",
        "\"minLength\": 32,",
        "\"minLength\": 32, \"multipleOf\": 2,",
    );
    p.args(["codegen", "typescript"])
        .status(2)
        .stderr_has("error[codegen-unsupported]: the keyword `multipleOf` cannot be generated")
        .stderr_has("schema/env.schema.json:")
        .stdout("")
        .run();
    // And a plan that declares the output stops the same way.
    p.args(["plan", "--no-decrypt"])
        .status(2)
        .stderr_has("codegen-unsupported")
        .run();
}

#[test]
fn codegen_out_writes_inside_the_project_but_never_over_an_input() {
    let p = Project::example();
    p.args(["codegen", "typescript", "--out", "deploy/other.ts"])
        .status(0)
        .run();
    assert!(p.read("deploy/other.ts").contains("export class Secret"));
    p.args(["codegen", "typescript", "--out", "schema/env.schema.json"])
        .status(2)
        .run();
    assert!(p.read("schema/env.schema.json").starts_with('{'));
}
