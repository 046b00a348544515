//! (e) No secret in any message: template errors that would name a secret's value, a
//! private key pasted where a recipient belongs, plaintext written into a secrets file,
//! policy findings on lines that hold a secret. The canary secret must never be printed.

use crate::common::Project;

const NOT_PROJECT: &str = "a template it includes, imports or extends is not one of the project's";

fn dotenv_template(c: Project, text: &str) -> Project {
    c.file("templates/env.j2", text)
}

case!(include_of_a_secret_plan: |c| dotenv_template(c, "{% include JWT_SECRET %}\n") => ["plan"], 2, stderr: [NOT_PROJECT, "templates/env.j2:1:"]);
case!(include_of_a_secret_apply: |c| dotenv_template(c, "{% include JWT_SECRET %}\n") => ["apply", "--yes"], 2, stderr: [NOT_PROJECT]);
case!(import_of_a_secret: |c| dotenv_template(c, "{% import JWT_SECRET as x %}\n") => ["plan"], 2, stderr: [NOT_PROJECT]);
case!(extends_a_secret: |c| dotenv_template(c, "{% extends JWT_SECRET %}\n") => ["plan"], 2, stderr: [NOT_PROJECT]);
case!(from_a_secret_import: |c| dotenv_template(c, "{% from JWT_SECRET import x %}\n") => ["plan"], 2, stderr: [NOT_PROJECT]);
case!(include_of_a_list_with_a_secret: |c| dotenv_template(c, "{% include [JWT_SECRET, 'x'] %}\n") => ["plan"], 2, stderr: [NOT_PROJECT]);
case!(include_of_a_secret_with_a_suffix: |c| dotenv_template(c, "{% include JWT_SECRET ~ '.j2' %}\n") => ["plan"], 2, stderr: [NOT_PROJECT]);
case!(secret_as_a_macro_name_call: |c| dotenv_template(c, "{{ JWT_SECRET() }}\n") => ["plan"], 2, stderr: ["error[template]: cannot render `templates/env.j2`"]);
case!(secret_in_arithmetic: |c| dotenv_template(c, "X={{ JWT_SECRET - 1 }}\n") => ["plan"], 2, stderr: ["error[template]: cannot render `templates/env.j2`"]);
case!(secret_through_an_unknown_filter: |c| dotenv_template(c, "X={{ JWT_SECRET | nosuchfilter }}\n") => ["plan"], 2, stderr: ["error[template]: cannot render `templates/env.j2`: unknown filter"]);
case!(secret_as_an_attribute_lookup: |c| dotenv_template(c, "X={{ NAME[JWT_SECRET] }}\n") => ["plan"], 1, stdout: ["templates/env.j2:1:"]);
case!(secret_as_a_dict_key_then_missing: |c| dotenv_template(c, "X={{ {JWT_SECRET: 1}.nothing.deeper }}\n") => ["plan"], 1, stdout: ["templates/env.j2:1:"]);
case!(secret_in_a_plain_output: |c| c.file("templates/app.yaml.j2", "x: {{ JWT_SECRET }}\n") => ["plan"], 1, stdout: ["error[template-undefined]: undefined variable `JWT_SECRET` in `templates/app.yaml.j2`", "only outputs declared with `secrets = true` may use its value"]);
case!(secret_that_cannot_be_escaped_for_the_format: |c| c.edit("cfgc.toml", "format = \"dotenv\"", "format = \"nginx\"").file("templates/env.j2", "x {{ JWT_SECRET }}{{ '$' ~ JWT_SECRET }};\n") => ["plan"], 1, stdout: ["error[template-escape]", "contains `$`"]);
case!(secret_referred_to_by_a_derived_value: |c| c.file("env/dev.yaml", "NAME: { derive: \"x${JWT_SECRET}\" }\n") => ["plan"], 1, stdout: ["error[derive-secret]: `NAME` refers to the secret `JWT_SECRET`", "env/dev.yaml:1:19"]);
case!(policy_finding_on_a_secret_line_is_masked: |c| c.append("cfgc.toml", "\n[[policies]]\nname = \"no-jwt\"\noutputs = [\"dotenv\"]\nforbid = [ { pattern = 'CANARY', message = \"no canaries\" } ]\n") => ["plan"], 1, stdout: ["`out/dev/.env` does not pass the project's checks with its secret values in"]);
case!(directive_finding_on_a_secret_line_is_masked: |c| c.edit("cfgc.toml", "format = \"dotenv\"", "format = \"nginx\"").file("templates/env.j2", "set $jwt {{ JWT_SECRET }};\n").append("cfgc.toml", "\n[[policies]]\nname = \"no-jwt\"\noutputs = [\"dotenv\"]\n\n[[policies.directives]]\nmessage = \"no jwt variable\"\nforbid = [[\"set\", '\\$jwt', \"...\"]]\n") => ["plan"], 1, stdout: ["breaks policy `no-jwt`: no jwt variable", "forbidden directive: `set \\$jwt ...`"]);
case!(nginx_syntax_error_after_a_secret: |c| c.edit("cfgc.toml", "format = \"dotenv\"", "format = \"nginx\"").file("templates/env.j2", "set $jwt {{ JWT_SECRET }}\n") => ["plan"], 1, stdout: ["is not valid nginx: unexpected end of file, expecting `;`"]);
case!(private_key_pasted_as_a_recipient: |c| {
    let k = crate::common::age_key();
    c.edit("cfgc.toml", "recipients = [\"", &format!("recipients = [\"{}\", \"", k.secret))
} => ["check"], 2, stderr: ["error[project]: invalid recipient for environment `dev`: this is an age secret key, not a recipient"]);
case!(private_key_pasted_as_the_only_recipient_on_set: |c| {
    let k = crate::common::age_key();
    let public = c.public_key();
    c.edit("cfgc.toml", public, &k.secret)
} => ["secrets", "set", "dev", "JWT_SECRET"], 2, stderr: ["this is an age secret key, not a recipient"]);
case!(plaintext_secret_written_into_the_secrets_file: |c| {
    let t = c.read("env/dev.secrets.yaml");
    let line = t.lines().find(|l| l.starts_with("JWT_SECRET:")).expect("a line").to_string();
    c.edit("env/dev.secrets.yaml", &line, &format!("JWT_SECRET: {}", crate::common::SECRET))
} => ["check"], 2, stderr: ["error[secrets-value]: the value of `JWT_SECRET` is not an encrypted value"]);
case!(plaintext_secret_as_a_new_key_in_the_secrets_file: |c| {
    let t = c.read("env/dev.secrets.yaml");
    let line = t.lines().find(|l| l.starts_with("JWT_SECRET:")).expect("a line").to_string();
    c.edit("env/dev.secrets.yaml", &line, &format!("{line}\nAPI_TOKEN: {}", crate::common::SECRET))
} => ["check"], 2, stderr: ["error[secrets-value]: the value of `API_TOKEN` is not an encrypted value"]);
case!(secret_defined_in_a_plain_layer: |c| c.append("env/dev.yaml", &format!("JWT_SECRET: {}\n", crate::common::SECRET)) => ["check"], 1, stdout: ["JWT_SECRET"]);
case!(secret_value_set_for_a_name_not_declared_secret: |c| c => ["secrets", "set", "dev", "NAME"], 1, stderr: ["error[secret-not-declared-secret]: the schema does not mark `NAME` secret"]);

// A value the schema refuses is a finding (exit 1), and the value is not echoed.
#[test]
fn secrets_set_of_a_value_the_schema_refuses() {
    let p = Project::hostile();
    super::refuses(&p, &["secrets", "set", "dev", "JWT_SECRET"], 1)
        .stdin("CANARY-SECRET-short")
        .stderr_has("JWT_SECRET")
        .run();
}
