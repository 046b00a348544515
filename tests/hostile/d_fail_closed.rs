//! (d) Validation that fails closed: a schema pattern the engine cannot run to the end is
//! refused when the schema loads; patterns run in linear time, so a long value is checked,
//! never waved through.

use crate::common::Project;

const SCHEMA: &str = "schema/env.schema.json";
const UNSUPPORTED: &str = "error[pattern-unsupported]: the schema `schema/env.schema.json` has a pattern cfgc cannot run, at `/properties/NAME/pattern`";

fn pattern(c: Project, p: &str) -> Project {
    c.edit(SCHEMA, "\"^[a-z]+$\"", &format!("\"{p}\""))
}

case!(lookahead_over_a_long_value: |c| pattern(c, "^(a|a)*(?!b)$").file("env/dev.yaml", format!("NAME: {}b\n", "a".repeat(100_000))) => ["check"], 2, stderr: [UNSUPPORTED, "schema/env.schema.json:5:"]);
case!(negative_lookbehind: |c| pattern(c, "(?<!x)y") => ["check"], 2, stderr: [UNSUPPORTED]);
case!(positive_lookbehind: |c| pattern(c, "(?<=x)y") => ["check"], 2, stderr: [UNSUPPORTED]);
case!(positive_lookahead: |c| pattern(c, "^(?=.*[0-9]).+$") => ["check"], 2, stderr: [UNSUPPORTED]);
case!(backreference: |c| pattern(c, "(a)\\\\1") => ["check"], 2, stderr: [UNSUPPORTED]);
case!(atomic_group: |c| pattern(c, "(?>a+)b") => ["check"], 2, stderr: [UNSUPPORTED]);
case!(unbalanced_group: |c| pattern(c, "(ab") => ["check"], 2, stderr: [UNSUPPORTED]);
case!(unclosed_class: |c| pattern(c, "[a-") => ["check"], 2, stderr: [UNSUPPORTED]);
case!(huge_repetition: |c| pattern(c, "a{100000}{100000}") => ["check"], 2, stderr: [UNSUPPORTED]);
case!(pattern_properties_lookbehind: |c| c.edit(SCHEMA, "\"properties\": {", "\"patternProperties\": {\"(?<=x)y\": {}}, \"properties\": {") => ["check"], 2, stderr: ["error[pattern-unsupported]", "`/patternProperties/(?<=x)y`"]);
case!(nested_pattern_in_items: |c| c.edit(SCHEMA, "\"items\": { \"type\": \"string\" }", "\"items\": { \"type\": \"string\", \"pattern\": \"(?!a)\" }") => ["check"], 2, stderr: ["error[pattern-unsupported]", "/properties/TAGS/items/pattern"]);
// What used to pass: catastrophic backtracking patterns run in linear time and refuse.
case!(exponential_pattern_long_value_is_a_finding: |c| pattern(c, "^(a|a)*$").file("env/dev.yaml", format!("NAME: {}b\n", "a".repeat(100_000))) => ["check"], 1, stdout: ["`NAME` must match the pattern"]);
case!(nested_quantifier_long_value_is_a_finding: |c| pattern(c, "^(a+)+$").file("env/dev.yaml", format!("NAME: {}!\n", "a".repeat(100_000))) => ["check"], 1, stdout: ["`NAME` must match the pattern"]);
case!(one_mib_value_is_checked: |c| c.file("env/dev.yaml", format!("NAME: {}1\n", "a".repeat(1 << 20))) => ["check"], 1, stdout: ["`NAME` must match the pattern"]);
case!(unicode_class_pattern_is_supported_and_checked: |c| pattern(c, "^\\\\p{Lu}+$") => ["check"], 1, stdout: ["`NAME` must match the pattern"]);
// Past the engine's size limit (its Unicode form): refused at load, naming the pattern. The
// deleted ASCII-first build ran it on ASCII values and failed every other value.
case!(pattern_past_the_size_limit_is_refused_at_load: |c| pattern(c, "^(?:[^a]{1000}){50}$").file("env/dev.yaml", format!("NAME: {}\n", "b".repeat(50_000))) => ["check"], 2, stderr: [UNSUPPORTED, "size limit"]);
