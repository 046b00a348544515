//! Resource bounds on every parser, through the binary: input nested past the depth
//! limit or an alias bomb stops with exit 2 and a message naming the file and line,
//! never a stack overflow or an out-of-memory abort.

use crate::common::Project;

fn stopped(p: &Project, message: &str, at: &str) {
    let run = p.args(["check"]).status(2).run();
    assert!(
        run.stderr.contains(message),
        "expected `{message}`:\n{}",
        run.transcript()
    );
    assert!(
        run.stderr.contains(at),
        "expected `{at}`:\n{}",
        run.transcript()
    );
}

#[test]
fn yaml_nested_5000_levels_in_block_style_stops_with_exit_2() {
    // Compact block sequences: `- - - x` nests one level per `- `.
    let text = format!("DEEP:\n  {}x\n", "- ".repeat(5000));
    let p = Project::fixture("minimal").file("environments/dev.yaml", &text);
    stopped(
        &p,
        "error[yaml-too-deep]: YAML nesting is deeper than 64 levels",
        "--> environments/dev.yaml:2:",
    );
}

#[test]
fn yaml_maps_nested_1000_levels_by_indentation_stop_with_exit_2() {
    // The shape that overflowed the stack at about 900 levels.
    let mut text = String::from("DEEP:\n");
    for i in 1..1000 {
        text.push_str(&" ".repeat(i));
        text.push_str("k:\n");
    }
    let p = Project::fixture("minimal").file("environments/dev.yaml", &text);
    stopped(
        &p,
        "error[yaml-too-deep]: YAML nesting is deeper than 64 levels",
        "--> environments/dev.yaml:65:65",
    );
}

#[test]
fn yaml_nested_5000_levels_in_flow_style_stops_with_exit_2() {
    let text = format!("DEEP: {}{}\n", "[".repeat(5000), "]".repeat(5000));
    let p = Project::fixture("minimal").file("environments/dev.yaml", &text);
    stopped(
        &p,
        "error[yaml-too-deep]: YAML nesting is deeper than 64 levels",
        "--> environments/dev.yaml:1:",
    );
}

#[test]
fn a_yaml_string_alias_bomb_stops_with_exit_2() {
    // 400 KB of text, copied by 11 aliases: few nodes, 4.4 MB of expanded text.
    let text = format!(
        "BIG: &a \"{}\"\nBOMB: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n",
        "x".repeat(400_000)
    );
    let p = Project::fixture("minimal").file("environments/dev.yaml", &text);
    stopped(
        &p,
        "error[yaml-alias-budget]: YAML aliases expand to more than 1048576 bytes",
        "--> environments/dev.yaml:2:",
    );
}

#[test]
fn toml_nested_5000_levels_stops_with_exit_2() {
    let text = format!("DEEP = {}{}\n", "[".repeat(5000), "]".repeat(5000));
    let p = Project::fixture("minimal")
        .edit(
            "cfgc.toml",
            "\"environments/dev.yaml\"",
            "\"environments/dev.toml\"",
        )
        .file("environments/dev.toml", &text);
    stopped(
        &p,
        "error[toml-too-deep]: TOML nesting is deeper than 64 levels",
        "--> environments/dev.toml:1:",
    );
}

#[test]
fn a_deep_cfgc_toml_stops_with_exit_2() {
    let p = Project::fixture("minimal").append(
        "cfgc.toml",
        &format!(
            "\n[limits]\ndepth = {}{}\n",
            "[".repeat(5000),
            "]".repeat(5000)
        ),
    );
    stopped(&p, "error[project]: invalid cfgc.toml", "--> cfgc.toml:");
}

#[test]
fn a_schema_nested_5000_levels_stops_with_exit_2() {
    let text = format!("{}{{}}{}", "{\"not\":".repeat(5000), "}".repeat(5000));
    let p = Project::fixture("minimal").file("schema/env.schema.json", &text);
    stopped(
        &p,
        "error[json-too-deep]: the schema `schema/env.schema.json` nests deeper than 64 levels",
        "--> schema/env.schema.json:1:",
    );
}

#[test]
fn a_deep_but_legal_schema_compiles_and_validates() {
    // 122 levels (`not` inside `not`), under a raised limit: jsonschema must not overflow.
    let text = format!(
        "{{\"properties\": {{\"X\": {}{{\"type\": \"string\"}}{}}}}}",
        "{\"not\": {\"not\": ".repeat(59),
        "}}".repeat(59)
    );
    let p = Project::fixture("minimal")
        .append("cfgc.toml", "\n[limits]\ndepth = 128\n")
        .file("schema/env.schema.json", &text);
    let run = p.args(["check"]).run();
    assert!(matches!(run.code, 0 | 1), "{}", run.transcript());
}

#[test]
fn a_pattern_the_engine_cannot_run_is_refused_when_the_schema_loads() {
    let schema = r#"{
  "type": "object",
  "properties": {
    "NAME": { "type": "string", "pattern": "^(a|a)*(?!b)$" }
  }
}
"#;
    let p = Project::fixture("minimal").file("schema/env.schema.json", schema);
    stopped(
        &p,
        "error[pattern-unsupported]: the schema `schema/env.schema.json` has a pattern cfgc cannot run, at `/properties/NAME/pattern`",
        "--> schema/env.schema.json:4:",
    );
    let schema = r#"{
  "type": "object",
  "patternProperties": { "^(X)\\1$": { "type": "string" } }
}
"#;
    let p = Project::fixture("minimal").file("schema/env.schema.json", schema);
    stopped(
        &p,
        "error[pattern-unsupported]",
        "at `/patternProperties/^(X)\\1$`",
    );
}

#[test]
fn yaml_at_the_highest_depth_limit_loads_without_overflowing() {
    // Layers are parsed on rayon's threads (2 MiB stacks), merged and validated at this
    // depth: 128 levels, the ceiling of `depth`, must not abort in a debug build.
    let text = format!("DEEP: {}1{}\n", "[".repeat(126), "]".repeat(126));
    let p = Project::fixture("minimal")
        .append("cfgc.toml", "\n[limits]\ndepth = 128\n")
        .file("environments/dev.yaml", &text);
    let run = p.args(["check"]).run();
    assert!(matches!(run.code, 0 | 1), "{}", run.transcript());
    let too_deep = format!("DEEP: {}1{}\n", "[".repeat(128), "]".repeat(128));
    let p = p.file("environments/dev.yaml", &too_deep);
    stopped(
        &p,
        "YAML nesting is deeper than 128 levels",
        "--> environments/dev.yaml:1:",
    );
}
