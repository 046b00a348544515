//! A schema written in YAML (issue 20): the example's schema, turned into YAML by PyYAML,
//! gives the same check, plan, docs and findings as the JSON one; a broken YAML schema is
//! reported at its line; import adds new names to a YAML schema in its own style, read back
//! by PyYAML.

use crate::common::{Project, tools};

/// The example with its schema as `schema/env.schema.yaml`, written by PyYAML in the
/// schema's own key order, and cfgc.toml pointing at it.
fn example_in_yaml() -> Project {
    tools::require_python_module("yaml", "pyyaml");
    let p = Project::example();
    let script = "import json, sys, yaml\n\
                  d = json.load(open(sys.argv[1]))\n\
                  open(sys.argv[2], 'w').write(yaml.safe_dump(d, sort_keys=False, allow_unicode=True))\n";
    let out = tools::output(
        tools::command("python3")
            .args(["-c", script])
            .arg(p.path("schema/env.schema.json"))
            .arg(p.path("schema/env.schema.yaml")),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    p.remove("schema/env.schema.json").edit(
        "cfgc.toml",
        "schema/env.schema.json",
        "schema/env.schema.yaml",
    )
}

#[test]
fn the_example_checks_and_plans_the_same_with_its_schema_in_yaml() {
    let json = Project::example();
    let yaml = example_in_yaml();
    let check_json = json.args(["check"]).status(0).run();
    yaml.args(["check"])
        .status(0)
        .stdout(&check_json.stdout)
        .run();
    // The generated loader's header names the schema file: regenerated for the YAML one.
    yaml.args(["docs"]).status(0).run();
    json.args(["docs"]).status(0).run();
    let plan_json = json.args(["plan", "--exit-code"]).status(0).run();
    yaml.args(["plan", "--exit-code"])
        .status(0)
        .stdout(&plan_json.stdout)
        .run();
    // The reference lists the variables in the schema's own order, as from the JSON.
    let named = |p: &Project| {
        p.read("docs/configuration.md")
            .replace("schema/env.schema.yaml", "schema/env.schema.json")
    };
    assert_eq!(named(&yaml), named(&json));
}

#[test]
fn a_finding_points_into_the_yaml_schema() {
    let p = example_in_yaml().edit("environments/base.yaml", "PORT: 8080", "PORT: 99999");
    p.args(["check"])
        .status(1)
        .stdout_has("schema: schema/env.schema.yaml#/properties/PORT/maximum")
        .run();
    let p = example_in_yaml().edit(
        "schema/env.schema.yaml",
        "    type: integer\n    minimum: 1\n    maximum: 65535",
        "    type: integr\n    minimum: 1\n    maximum: 65535",
    );
    let run = p
        .args(["check"])
        .status(2)
        .stderr_has("error[schema-file]")
        .run();
    let text = p.read("schema/env.schema.yaml");
    let line = text.lines().position(|l| l == "    type: integr").unwrap() + 1;
    assert!(
        run.stderr
            .contains(&format!("--> schema/env.schema.yaml:{line}:5")),
        "{}",
        run.stderr
    );
}

#[test]
fn yaml_that_json_cannot_hold_is_refused_where_written() {
    let p = example_in_yaml().append("schema/env.schema.yaml", "x-note: !unset\n");
    p.args(["check"])
        .status(2)
        .stderr_has("error[schema-file]: the schema holds `!unset`, which JSON cannot")
        .run();
    let p = example_in_yaml().append("schema/env.schema.yaml", "title: again\n");
    p.args(["check"]).status(2).stderr_has("duplicate").run();
}

#[test]
fn import_adds_new_names_to_a_yaml_schema() {
    let p = example_in_yaml().file(
        ".env.development",
        "WORKERS=4\nSUPPORT_URL=https://help.example.com\n",
    );
    p.args(["import", ".env.development"]).status(0).run();
    let script = "import json, sys, yaml\nprint(json.dumps(yaml.safe_load(open(sys.argv[1]))['properties']))\n";
    let out = tools::output(
        tools::command("python3")
            .args(["-c", script])
            .arg(p.path("schema/env.schema.yaml")),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let props: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(props["WORKERS"]["type"], "integer");
    // A local environment's values alone: `url` (`https-url` needs deployed ones).
    assert_eq!(props["SUPPORT_URL"]["format"], "url");
    assert!(
        props.get("NODE_ENV").is_some(),
        "the existing properties stay"
    );
    p.args(["check"]).status(0).run();
}
