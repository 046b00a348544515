//! A secret touched in an output not declared `secrets = true`, in every way a template
//! can touch a value: each gets the documented message naming the secret, the output and
//! the template line, never "undefined variable `length`" (exit 1, nothing written).

use crate::common::Project;

const DOCUMENTED: &str = "only outputs declared with `secrets = true` may use its value";
const NAMED: &str = "undefined variable `JWT_SECRET` in `templates/app.yaml.j2` (output `app`)";
const LINE: &str = "templates/app.yaml.j2:2:";

/// The plain output's template, with `use` on its second line.
fn using(c: Project, use_: &str) -> Project {
    c.file(
        "templates/app.yaml.j2",
        format!("name: {{{{ NAME }}}}\n{use_}\n"),
    )
}

macro_rules! touch {
    ($name:ident: $use:expr) => {
        case!($name: |c| using(c, $use) => ["plan"], 1, stdout: [NAMED, DOCUMENTED, LINE]);
    };
}

touch!(secret_with_length_filter_said_undefined_variable_length: "x: {{ JWT_SECRET|length }}");
touch!(secret_in_a_loop: "{% for c in JWT_SECRET %}{{ c }}{% endfor %}");
touch!(secret_through_the_secrets_map: "x: {{ secrets.JWT_SECRET }}");
touch!(secret_through_vars: "x: {{ vars.JWT_SECRET }}");
touch!(secret_in_a_condition: "{% if JWT_SECRET %}x: 1{% endif %}");
touch!(secret_concatenated: "x: {{ 'a' ~ JWT_SECRET }}");
touch!(secret_indexed: "x: {{ JWT_SECRET[0] }}");
touch!(secret_through_a_filter_chain: "x: {{ JWT_SECRET|upper|trim }}");
touch!(secret_directly: "x: {{ JWT_SECRET }}");
touch!(secret_used_in_a_loop_body: "{% for i in [1] %}x: {{ JWT_SECRET|length }}{% endfor %}");
case!(secrets_map_in_a_loop_said_undefined_variable_items: |c| using(c, "{% for k, v in secrets|items %}{{ k }}: {{ v }}{% endfor %}")
    => ["plan"], 1, stdout: ["undefined variable `secrets` in `templates/app.yaml.j2` (output `app`)", DOCUMENTED, LINE]);
touch!(secret_through_a_variable_set_from_it: "{% set s = JWT_SECRET %}x: {{ s }}");
touch!(secret_passed_to_a_macro: "{% macro m(v) %}{{ v }}{% endmacro %}x: {{ m(JWT_SECRET) }}");
