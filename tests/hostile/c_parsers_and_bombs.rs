//! (c) Crashes and hangs, and malformed input: YAML and TOML that is broken, deep, a bomb,
//! huge, not UTF-8, with a BOM or with keys that are not strings; the same in cfgc.toml and
//! the schema. Each is a clear error naming the file and line with exit 2 (or a finding with
//! exit 1), never an abort, a hang or a blown memory budget.

use crate::common::Project;

fn yaml(c: Project, text: impl AsRef<[u8]>) -> Project {
    c.file("env/dev.yaml", text)
}

/// The dev layer as TOML.
fn toml(c: Project, text: impl AsRef<[u8]>) -> Project {
    c.remove("env/dev.yaml")
        .edit("cfgc.toml", "\"env/dev.yaml\"", "\"env/dev.toml\"")
        .file("env/dev.toml", text)
}

fn block_nesting(levels: usize) -> String {
    let mut s = String::new();
    for i in 0..levels {
        s.push_str(&"  ".repeat(i));
        s.push_str("k:\n");
    }
    s.push_str(&"  ".repeat(levels));
    s.push_str("v\n");
    s
}

fn laughs() -> String {
    let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let items = vec![format!("*a{}", i - 1); 9].join(", ");
        s.push_str(&format!("a{i}: &a{i} [{items}]\n"));
    }
    s
}

const DEEP_YAML: &str = "error[yaml-too-deep]: YAML nesting is deeper than 64 levels";
const DEEP_TOML: &str = "error[toml-too-deep]: TOML nesting is deeper than 64 levels";
const ALIAS: &str = "error[yaml-alias-budget]: YAML aliases expand to more than 1048576 bytes";

// YAML syntax and strictness.
case!(derived_value_that_doubles_past_the_bound: |c| yaml(c, (0..12).map(|i| format!("V{i}: {{ derive: \"${{V{0}}}${{V{0}}}\" }}\n", i + 1)).collect::<String>() + "V12: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nNAME: { derive: \"${V0}\" }\n") => ["check"], 1, stdout: ["error[derive-too-long]: `V5` derives a value longer than 8192 bytes"]);
case!(derived_values_in_a_cycle: |c| yaml(c, "NAME: { derive: \"${TAGS}\" }\nTAGS: { derive: \"${NAME}\" }\n") => ["check"], 1, stdout: ["error[derive-cycle]: derived values refer to each other in a cycle: NAME → TAGS → NAME"]);
case!(yaml_unclosed_flow_sequence: |c| yaml(c, "TAGS: [a, b\n") => ["check"], 2, stderr: ["error[yaml-syntax]: YAML syntax error: while parsing a flow sequence", "env/dev.yaml:2:1"]);
case!(yaml_tab_indentation: |c| yaml(c, "TAGS:\n\t- a\n") => ["check"], 2, stderr: ["error[yaml-syntax]: YAML syntax error: tabs disallowed", "env/dev.yaml:2:"]);
case!(yaml_duplicate_key: |c| yaml(c, "TAGS: [a]\nTAGS: [b]\n") => ["check"], 2, stderr: ["error[yaml-duplicate-key]: duplicate key `TAGS`", "env/dev.yaml:2:1"]);
case!(yaml_second_document: |c| yaml(c, "TAGS: [a]\n---\nNAME: x\n") => ["check"], 2, stderr: ["a layer file holds one YAML document, found a second one"]);
case!(yaml_top_level_list: |c| yaml(c, "- a\n- b\n") => ["check"], 2, stderr: ["error[layer-not-a-map]: a layer must be a mapping of variable names to values"]);
case!(yaml_top_level_scalar: |c| yaml(c, "hello\n") => ["check"], 2, stderr: ["error[layer-not-a-map]"]);
case!(yaml_unknown_tag: |c| yaml(c, "NAME: !custom x\n") => ["check"], 2, stderr: ["error[yaml-tag]: unsupported tag `!custom`", "env/dev.yaml:1:7"]);
case!(yaml_raw_nul_byte: |c| yaml(c, b"NAME: a\x00b\n") => ["check"], 2, stderr: ["error[yaml-syntax]: YAML syntax error: found unprintable character"]);
case!(yaml_unterminated_quote: |c| yaml(c, "NAME: \"shop\n") => ["check"], 2, stderr: ["error[yaml-syntax]"]);
case!(yaml_anchor_to_nothing: |c| yaml(c, "TAGS: *nothing\n") => ["check"], 2, stderr: ["env/dev.yaml:1:"]);
case!(yaml_control_character_is_escaped_in_the_source_line: |c| yaml(c, b"NAME: a\x1b[31mb\n") => ["check"], 1, stdout: ["error[schema-string]: `NAME` must match the pattern `^[a-z]+$`", "1 | NAME: a?[31mb"]);

// Encoding.
case!(yaml_invalid_utf8: |c| yaml(c, b"TAGS: [\xff\xfe]\n") => ["check"], 2, stderr: ["error[invalid-utf8]: `env/dev.yaml` is not valid UTF-8", "env/dev.yaml:1:8"]);
case!(yaml_utf16_file: |c| yaml(c, b"\xff\xfeT\x00A\x00G\x00S\x00:\x00 \x00[\x00]\x00\n\x00") => ["check"], 2, stderr: ["error[invalid-utf8]: `env/dev.yaml` is not valid UTF-8"]);
case!(yaml_bom_is_read: |c| yaml(c, "\u{feff}TAGS: [a]\n") => ["check"], 0, stdout: ["ok: 1 environment valid (dev)"]);
case!(yaml_bom_then_error_points_at_the_line: |c| yaml(c, "\u{feff}TAGS: [\n") => ["check"], 2, stderr: ["error[yaml-syntax]", "env/dev.yaml:2:1"]);
case!(yaml_overlong_utf8: |c| yaml(c, b"NAME: \xc0\xafx\n") => ["check"], 2, stderr: ["error[invalid-utf8]"]);
case!(yaml_lone_surrogate_escape: |c| yaml(c, "NAME: \"\\ud800\"\n") => ["check"], 2, stderr: ["env/dev.yaml:1:"]);

// Keys that are not strings: read as their text, then unknown to the schema (a finding).
case!(yaml_integer_key: |c| yaml(c, "1: x\n") => ["check"], 1, stdout: ["error[unknown-variable]: unknown variable `1`", "env/dev.yaml:1:1"]);
case!(yaml_null_key: |c| yaml(c, "~: x\n") => ["check"], 1, stdout: ["error[unknown-variable]: unknown variable `~`"]);
case!(yaml_bool_key: |c| yaml(c, "true: x\n") => ["check"], 1, stdout: ["error[unknown-variable]: unknown variable `true`"]);
case!(yaml_complex_key: |c| yaml(c, "? [a, b]\n: x\n") => ["check"], 2, stderr: ["error[yaml-syntax]: YAML syntax error: mapping keys must be plain strings"]);
case!(yaml_map_key: |c| yaml(c, "{a: 1}: x\n") => ["check"], 2, stderr: ["error[yaml-syntax]"]);

// Deep nesting: ~900 levels of block style aborted the process before the depth limit.
case!(yaml_900_levels_block_nesting: |c| yaml(c, block_nesting(900)) => ["check"], 2, stderr: [DEEP_YAML, "env/dev.yaml:65:"]);
case!(yaml_100k_levels_flow_nesting: |c| yaml(c, format!("TAGS: {}{}\n", "[".repeat(100_000), "]".repeat(100_000))) => ["check"], 2, stderr: [DEEP_YAML]);
case!(yaml_deep_flow_maps: |c| yaml(c, format!("TAGS: {}1{}\n", "{a: ".repeat(5_000), "}".repeat(5_000))) => ["check"], 2, stderr: [DEEP_YAML]);
case!(yaml_deep_nesting_in_plan: |c| yaml(c, block_nesting(900)) => ["plan"], 2, stderr: [DEEP_YAML]);
case!(yaml_deep_nesting_in_the_base_layer: |c| c.file("env/base.yaml", block_nesting(200)) => ["check"], 2, stderr: [DEEP_YAML, "env/base.yaml:65:"]);
case!(yaml_depth_lowered_in_limits: |c| yaml(c, "TAGS: [[[[[a]]]]]\n").append("cfgc.toml", "\n[limits]\ndepth = 4\n") => ["check"], 2, stderr: ["error[yaml-too-deep]: YAML nesting is deeper than 4 levels"]);

// Bombs: aliases are budgeted in bytes, not nodes.
case!(yaml_400kb_string_alias_bomb: |c| yaml(c, format!("a: &a \"{}\"\nb: [{}]\n", "x".repeat(400_000), ["*a"; 10].join(", "))) => ["check"], 2, stderr: [ALIAS, "env/dev.yaml:2:"]);
case!(yaml_billion_laughs: |c| yaml(c, laughs()) => ["check"], 2, stderr: [ALIAS]);
case!(yaml_alias_bomb_in_plan: |c| yaml(c, laughs()) => ["plan"], 2, stderr: [ALIAS]);
case!(yaml_alias_budget_lowered_in_limits: |c| yaml(c, format!("a: &a \"{}\"\nb: [*a, *a]\n", "x".repeat(100))).append("cfgc.toml", "\n[limits]\nalias_bytes = 150\n") => ["check"], 2, stderr: ["error[yaml-alias-budget]: YAML aliases expand to more than 150 bytes"]);

// Huge files are refused before they are read whole: a 50 MB layer took 2.5 GB.
case!(yaml_50_mb_layer: |c| yaml(c, format!("NAME: {}\n", "x".repeat(50 << 20))) => ["check"], 2, stderr: ["error[file-too-large]: cannot read `env/dev.yaml`: it is larger than the layer limit of 4194304 bytes"]);
case!(yaml_layer_over_a_lowered_limit: |c| yaml(c, "TAGS: [a, b, c, d, e, f]\n").append("cfgc.toml", "\n[limits]\nlayer_bytes = 16\n") => ["check"], 2, stderr: ["it is larger than the layer limit of 16 bytes"]);
case!(yaml_many_keys_are_findings_not_a_crash: |c| yaml(c, (0..20_000).map(|i| format!("K{i}: {i}\n")).collect::<String>()) => ["check"], 1, stdout: ["error[unknown-variable]: unknown variable `K0`"]);

// TOML.
case!(toml_unclosed_array: |c| toml(c, "TAGS = [\n") => ["check"], 2, stderr: ["error[toml-syntax]: TOML syntax error: unclosed array", "env/dev.toml:1:"]);
case!(toml_duplicate_key: |c| toml(c, "TAGS = []\nTAGS = []\n") => ["check"], 2, stderr: ["error[toml-duplicate-key]", "env/dev.toml:2:1"]);
case!(toml_duplicate_table: |c| toml(c, "[A]\nx = 1\n[A]\ny = 2\n") => ["check"], 2, stderr: ["env/dev.toml:3:"]);
case!(toml_invalid_utf8: |c| toml(c, b"TAGS = [\"\xff\"]\n") => ["check"], 2, stderr: ["error[invalid-utf8]: `env/dev.toml` is not valid UTF-8"]);
case!(toml_bom_is_read: |c| toml(c, "\u{feff}TAGS = [\"a\"]\n") => ["check"], 0, stdout: ["ok: 1 environment valid (dev)"]);
case!(toml_deep_arrays: |c| toml(c, format!("TAGS = {}{}\n", "[".repeat(1000), "]".repeat(1000))) => ["check"], 2, stderr: [DEEP_TOML]);
case!(toml_deep_inline_tables: |c| toml(c, format!("TAGS = {}1{}\n", "{a = ".repeat(70), "}".repeat(70))) => ["check"], 2, stderr: [DEEP_TOML]);
case!(toml_deep_dotted_tables: |c| toml(c, format!("[{}]\nx = 1\n", vec!["k"; 100].join("."))) => ["check"], 2, stderr: ["error[toml-syntax]: TOML syntax error: recursion limit"]);
case!(toml_datetime_is_a_string_to_the_schema: |c| toml(c, "NAME = 1979-05-27T07:32:00Z\n") => ["check"], 1, stdout: ["`NAME` must match the pattern"]);
case!(toml_integer_overflow: |c| toml(c, "PORT = 99999999999999999999\n") => ["check"], 1, stdout: ["error[schema-type]: `PORT` must be of type integer"]);
case!(toml_nan: |c| toml(c, "PORT = nan\n") => ["check"], 1, stdout: ["error[schema-type]: `PORT` must be of type integer"]);
case!(toml_huge_layer: |c| toml(c, format!("NAME = \"{}\"\n", "x".repeat(5 << 20))) => ["check"], 2, stderr: ["error[file-too-large]: cannot read `env/dev.toml`"]);
case!(toml_nul_in_string: |c| toml(c, b"NAME = \"a\x00b\"\n") => ["check"], 2, stderr: ["error[toml-syntax]"]);
case!(toml_quoted_non_identifier_key: |c| toml(c, "\"1 2\" = 3\n") => ["check"], 1, stdout: ["error[unknown-variable]: unknown variable `1 2`"]);

// cfgc.toml itself.
case!(project_file_syntax_error: |c| c.append("cfgc.toml", "\n[broken\n") => ["check"], 2, stderr: ["error[project]: invalid cfgc.toml"]);
case!(project_file_unknown_key: |c| c.append("cfgc.toml", "\nsurprise = 1\n") => ["check"], 2, stderr: ["error[project]: invalid cfgc.toml", "surprise"]);
case!(project_file_invalid_utf8: |c| { let t = c.read("cfgc.toml"); c.file("cfgc.toml", [t.into_bytes(), b"\n# \xff\n".to_vec()].concat()) } => ["check"], 2, stderr: ["cfgc.toml"]);
case!(project_file_over_one_mib: |c| c.append("cfgc.toml", &format!("\n# {}\n", "x".repeat(1 << 20))) => ["check"], 2, stderr: ["error[file-too-large]: cannot read `cfgc.toml`"]);
case!(project_file_bom_is_read: |c| { let t = c.read("cfgc.toml"); c.file("cfgc.toml", format!("\u{feff}{t}")) } => ["check"], 0, stdout: ["ok: 1 environment valid (dev)"]);
case!(project_file_deep_inline_tables: |c| c.append("cfgc.toml", &format!("\n[limits]\nx = {}1{}\n", "{a = ".repeat(200), "}".repeat(200))) => ["check"], 2, stderr: ["error[project]: invalid cfgc.toml"]);
case!(project_file_depth_limit_too_high: |c| c.append("cfgc.toml", "\n[limits]\ndepth = 100000\n") => ["check"], 2, stderr: ["depth"]);
case!(project_file_size_limit_too_high: |c| c.append("cfgc.toml", "\n[limits]\nlayer_bytes = 1099511627776\n") => ["check"], 2, stderr: ["layer_bytes"]);
case!(project_file_unknown_environment_key: |c| c.edit("cfgc.toml", "tier = \"local\"", "tier = \"local\"\nextra = true") => ["check"], 2, stderr: ["extra"]);
case!(project_file_environment_name_with_control_bytes: |c| c.edit("cfgc.toml", "[environments.dev]", "[environments.\"d\\u001bev\"]") => ["check"], 2, stderr: ["error[project]"]);

// The schema.
const SCHEMA: &str = "schema/env.schema.json";
case!(schema_truncated_json: |c| c.file(SCHEMA, "{\"type\": ") => ["check"], 2, stderr: ["error[schema-file]: the schema is not valid JSON: EOF while parsing a value", "schema/env.schema.json:1:"]);
case!(schema_nested_200_levels: |c| c.file(SCHEMA, format!("{}{{}}{}", "{\"properties\": {\"A\": ".repeat(200), "}}".repeat(200))) => ["check"], 2, stderr: ["error[json-too-deep]: the schema `schema/env.schema.json` nests deeper than 64 levels"]);
case!(schema_nested_arrays_100k: |c| c.file(SCHEMA, format!("{}{}", "[".repeat(100_000), "]".repeat(100_000))) => ["check"], 2, stderr: ["schema/env.schema.json"]);
case!(schema_not_an_object: |c| c.file(SCHEMA, "[1, 2]\n") => ["check"], 2, stderr: ["is not a valid JSON Schema"]);
case!(schema_invalid_utf8: |c| c.file(SCHEMA, b"{\"description\": \"\xff\"}") => ["check"], 2, stderr: ["error[schema-file]: the schema `schema/env.schema.json` is not UTF-8 (byte 17)"]);
// Found by this corpus: the BOM made the JSON error point inside it and the reporter panicked.
case!(schema_with_a_bom_does_not_panic: |c| { let t = c.read(SCHEMA); c.file(SCHEMA, format!("\u{feff}{t}")) } => ["check"], 2, stderr: ["error[schema-file]: the schema is not valid JSON", "schema/env.schema.json:1:1"]);
case!(schema_over_a_lowered_limit: |c| c.append("cfgc.toml", "\n[limits]\nschema_bytes = 64\n") => ["check"], 2, stderr: ["error[file-too-large]: cannot read `schema/env.schema.json`: it is larger than the schema limit of 64 bytes"]);
case!(schema_remote_ref_is_not_fetched: |c| c.edit(SCHEMA, "\"type\": \"integer\", ", "\"$ref\": \"https://example.com/x.json\", ") => ["check"], 2, stderr: ["is not a valid JSON Schema", "https://example.com/x.json"]);
case!(schema_file_ref_is_not_read: |c| { let o = c.outside("schema.json"); c.edit(SCHEMA, "\"type\": \"integer\", ", &format!("\"$ref\": \"file://{}\", ", o.display())) } => ["check"], 2, stderr: ["is not a valid JSON Schema"]);
