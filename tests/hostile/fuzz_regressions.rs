//! Crashes found by `scripts/fuzz`, each pinned as a case named after the target and the
//! bug, with the fuzzer's own input where it is small.

use crate::common::Project;

const ENGINE: &str = "error[template]: cannot compile the template `templates/env.j2`: the template engine failed on it";

// template_render, crash-685b8de9: minijinja 3.1's code generator reaches `unreachable!()`
// for `{% import … as <not an identifier> %}` (the parser lets it through), and cfgc
// aborted with exit 101 on a template from a pull request.
case!(fuzz_template_render_import_as_a_number_panicked: |c| c.file("templates/env.j2", "{% import \"templates/app.yaml.j2\" as 0 %}\n") => ["plan"], 2, stderr: [ENGINE, "cfgc.toml:13:12"]);
case!(fuzz_template_render_import_as_a_string_panicked: |c| c.file("templates/env.j2", "{% import \"templates/app.yaml.j2\" as \"p\" %}\n") => ["plan"], 2, stderr: ["templates/env.j2"]);
case!(fuzz_template_render_crash_685b8de9_as_found: |c| c.file("templates/env.j2", &FOUND[1..]) => ["apply", "--yes"], 2, stderr: [ENGINE]);

/// The fuzzer's input (its first byte chose the format).
const FOUND: &[u8] = include_bytes!("fuzz_crash_685b8de9");
