//! Paths in cfgc.toml: absolute, with `..`, or into `.git`, in every key that names a file.
//! Each is an error when the project loads, pointing at the value.

use crate::common::Project;

const ABS: &str = "the path is absolute";
const UP: &str = "the path has a `..` component";
const GIT: &str = "the path is inside `.git`, which cfgc never reads or writes";

fn layer(c: Project, to: &str) -> Project {
    c.edit("cfgc.toml", "\"env/dev.yaml\"", &format!("\"{to}\""))
}
fn schema(c: Project, to: &str) -> Project {
    c.edit(
        "cfgc.toml",
        "schema = \"schema/env.schema.json\"",
        &format!("schema = \"{to}\""),
    )
}
fn template(c: Project, to: &str) -> Project {
    c.edit(
        "cfgc.toml",
        "template = \"templates/env.j2\"",
        &format!("template = \"{to}\""),
    )
}
fn secrets(c: Project, to: &str) -> Project {
    c.edit(
        "cfgc.toml",
        "secrets = \"env/dev.secrets.yaml\"",
        &format!("secrets = \"{to}\""),
    )
}
fn identity(c: Project, to: &str) -> Project {
    c.edit(
        "cfgc.toml",
        "secrets = \"env/dev.secrets.yaml\"",
        &format!("secrets = \"env/dev.secrets.yaml\"\nidentity = \"{to}\""),
    )
}

case!(layer_absolute: |c| layer(c, "/etc/cfgc-hostile.yaml") => ["check"], 2, stderr: ["invalid path for a layer of `dev`: ", ABS, "cfgc.toml:8:"]);
case!(layer_climbing_out: |c| layer(c, "../outside/canary.yaml") => ["check"], 2, stderr: ["invalid path for a layer of `dev`: ", UP]);
case!(layer_climbing_out_midway: |c| layer(c, "env/../../outside/canary.yaml") => ["check"], 2, stderr: [UP]);
case!(layer_into_git: |c| layer(c, ".git/config.yaml") => ["check"], 2, stderr: ["invalid path for a layer of `dev`: ", GIT]);
case!(layer_into_git_after_dot: |c| layer(c, "./.git/x.yaml") => ["check"], 2, stderr: [GIT]);
case!(schema_absolute: |c| schema(c, "/etc/passwd") => ["check"], 2, stderr: [ABS]);
case!(schema_climbing_out: |c| schema(c, "../outside/schema.json") => ["check"], 2, stderr: [UP]);
case!(schema_into_git: |c| schema(c, ".git/config") => ["check"], 2, stderr: [GIT]);
case!(template_proc_self_environ: |c| template(c, "/proc/self/environ") => ["plan"], 2, stderr: ["invalid path for the template of `dotenv`: ", ABS]);
case!(template_climbing_out: |c| template(c, "../outside/canary.j2") => ["plan"], 2, stderr: ["invalid path for the template of `dotenv`: ", UP]);
case!(template_into_git: |c| template(c, ".git/config") => ["plan"], 2, stderr: [GIT]);
case!(secrets_absolute: |c| secrets(c, "/etc/shadow") => ["check"], 2, stderr: [ABS]);
case!(secrets_climbing_out: |c| secrets(c, "../outside/canary.yaml") => ["check"], 2, stderr: [UP]);
case!(secrets_into_git: |c| secrets(c, ".git/dev.secrets.yaml") => ["check"], 2, stderr: [GIT]);
case!(identity_absolute: |c| identity(c, "/root/.ssh/id_ed25519") => ["plan"], 2, stderr: [ABS]);
case!(identity_climbing_out: |c| identity(c, "../home/key.txt") => ["plan"], 2, stderr: [UP]);
case!(identity_into_git: |c| identity(c, ".git/key.txt") => ["plan"], 2, stderr: [GIT]);
case!(path_with_a_nul_byte: |c| layer(c, "env/dev\\u0000.yaml") => ["check"], 2, stderr: ["invalid path for a layer of `dev`"]);
