//! (a) Reads outside the project: a file in each role that is a symlink out of the project,
//! to the process environment or to a key, into `.git`, or not a regular file at all. Each is
//! refused, named, and its content never shown.

use crate::common::Project;

const OUT: &str = "a symlink on the way leads outside the project";
const FIFO: &str = "it is a FIFO (named pipe), not a regular file";
const FOLDER: &str = "it is a folder, not a regular file";
const GIT: &str = "it leads into `.git`, which cfgc never reads or writes";

fn layer(why: &str) -> String {
    format!("error[file-refused]: cannot read `env/dev.yaml`: {why}")
}

// Layers.
each_command!(layer_symlinked_to_an_outside_file: |c| c.symlink_out("env/dev.yaml", "canary.yaml"), 2, stderr: [&layer(OUT), "declared here"]);
each_command!(layer_symlinked_to_proc_self_environ: |c| c.symlink("env/dev.yaml", "/proc/self/environ"), 2, stderr: [&layer(OUT)]);
each_command!(layer_symlinked_to_the_identity_file: |c| { let key = c.identity_path(); c.symlink("env/dev.yaml", key) }, 2, stderr: [&layer(OUT)]);
each_command!(layer_relative_symlink_climbing_out: |c| c.symlink("env/dev.yaml", "../../outside/canary.yaml"), 2, stderr: [&layer(OUT)]);
each_command!(layer_symlinked_into_git: |c| c.symlink("env/dev.yaml", "../.git/config"), 2, stderr: [&layer(GIT)]);
each_command!(layer_is_a_fifo: |c| c.fifo("env/dev.yaml"), 2, stderr: [&layer(FIFO)]);
each_command!(layer_is_a_folder: |c| c.remove("env/dev.yaml").mkdir("env/dev.yaml"), 2, stderr: [&layer(FOLDER)]);
case!(layer_symlinked_to_dev_zero: |c| c.symlink("env/dev.yaml", "/dev/zero") => ["check"], 2, stderr: [&layer(OUT)]);
case!(layer_folder_symlinked_out: |c| {
    let outside = c.outside("env");
    std::fs::create_dir_all(&outside).expect("mkdir");
    for f in ["base.yaml", "dev.yaml", "dev.secrets.yaml"] {
        std::fs::copy(c.path(&format!("env/{f}")), outside.join(f)).expect("copy");
    }
    std::fs::write(outside.join("dev.yaml"), format!("TAGS: [{}]\n", crate::common::OUTSIDE)).expect("write");
    c.symlink("env", outside)
} => ["check"], 2, stderr: ["cannot read `env/base.yaml`: a symlink on the way leads outside the project"]);

// The schema.
fn schema(why: &str) -> String {
    format!("error[file-refused]: cannot read `schema/env.schema.json`: {why}")
}
each_command!(schema_symlinked_out: |c| c.symlink_out("schema/env.schema.json", "schema.json"), 2, stderr: [&schema(OUT)]);
case!(schema_symlinked_to_proc_self_environ: |c| c.symlink("schema/env.schema.json", "/proc/self/environ") => ["check"], 2, stderr: [&schema(OUT)]);
case!(schema_symlinked_into_git: |c| c.symlink("schema/env.schema.json", "../.git/config") => ["check"], 2, stderr: [&schema(GIT)]);
case!(schema_is_a_fifo: |c| c.fifo("schema/env.schema.json") => ["check"], 2, stderr: [&schema(FIFO)]);
case!(schema_is_a_folder: |c| c.remove("schema/env.schema.json").mkdir("schema/env.schema.json") => ["check"], 2, stderr: [&schema(FOLDER)]);

// Templates: read when outputs are rendered (plan, apply).
fn template(why: &str) -> String {
    format!("error[file-refused]: cannot read `templates/env.j2`: {why}")
}
case!(template_symlinked_out_plan: |c| c.symlink_out("templates/env.j2", "canary.j2") => ["plan"], 2, stderr: [&template(OUT), "declared here"]);
case!(template_symlinked_out_apply: |c| c.symlink_out("templates/env.j2", "canary.j2") => ["apply", "--yes"], 2, stderr: [&template(OUT)]);
case!(template_symlinked_to_proc_self_environ: |c| c.symlink("templates/env.j2", "/proc/self/environ") => ["plan"], 2, stderr: [&template(OUT)]);
case!(template_symlinked_to_the_identity_file: |c| { let key = c.identity_path(); c.symlink("templates/env.j2", key) } => ["plan"], 2, stderr: [&template(OUT)]);
case!(template_symlinked_into_git: |c| c.symlink("templates/env.j2", "../.git/config") => ["plan"], 2, stderr: [&template(GIT)]);
case!(template_is_a_fifo_plan: |c| c.fifo("templates/env.j2") => ["plan"], 2, stderr: [&template(FIFO)]);
case!(template_is_a_fifo_apply: |c| c.fifo("templates/env.j2") => ["apply", "--yes"], 2, stderr: [&template(FIFO)]);
case!(template_is_a_folder: |c| c.remove("templates/env.j2").mkdir("templates/env.j2") => ["plan"], 2, stderr: [&template(FOLDER)]);
case!(template_not_utf8: |c| c.file("templates/env.j2", b"A={{ NAME }}\xff\n") => ["plan"], 2, stderr: ["error[template]: the template `templates/env.j2` is not UTF-8 (byte 12)"]);

// The secrets file.
fn secrets(why: &str) -> String {
    format!("error[file-refused]: cannot read `env/dev.secrets.yaml`: {why}")
}
each_command!(secrets_symlinked_out: |c| c.symlink_out("env/dev.secrets.yaml", "canary.yaml"), 2, stderr: [&secrets(OUT)]);
case!(secrets_symlinked_to_the_identity_file: |c| { let key = c.identity_path(); c.symlink("env/dev.secrets.yaml", key) } => ["check"], 2, stderr: [&secrets(OUT)]);
case!(secrets_is_a_fifo: |c| c.fifo("env/dev.secrets.yaml") => ["check"], 2, stderr: [&secrets(FIFO)]);
case!(secrets_is_a_folder: |c| c.remove("env/dev.secrets.yaml").mkdir("env/dev.secrets.yaml") => ["check"], 2, stderr: [&secrets(FOLDER)]);
case!(secrets_get_through_a_symlink_out: |c| c.symlink_out("env/dev.secrets.yaml", "canary.yaml") => ["secrets", "get", "dev", "JWT_SECRET"], 2, stderr: [&secrets(OUT)]);
case!(secrets_list_through_a_symlink_out: |c| c.symlink_out("env/dev.secrets.yaml", "canary.yaml") => ["secrets", "list", "dev"], 2, stderr: [&secrets(OUT)]);

// cfgc.toml itself.
each_command!(project_file_symlinked_out: |c| c.symlink_out("cfgc.toml", "cfgc.toml"), 2, stderr: ["error[file-refused]: cannot read `cfgc.toml`: a symlink on the way leads outside the project"]);
case!(project_file_is_a_fifo: |c| c.fifo("cfgc.toml") => ["check"], 2, stderr: ["error[project-not-found]: no cfgc.toml in this folder or any parent"]);

// A rendered target that is already on disk: plan reads it to diff against.
fn target(why: &str) -> String {
    format!("error[file-refused]: cannot read `out/dev/app.yaml`: {why}")
}
case!(output_target_symlinked_out_plan: |c| c.mkdir("out/dev").symlink_out("out/dev/app.yaml", "canary.yaml") => ["plan"], 2, stderr: [&target(OUT)]);
case!(output_target_symlinked_out_apply: |c| c.mkdir("out/dev").symlink_out("out/dev/app.yaml", "canary.yaml") => ["apply", "--yes"], 2, stderr: [&target(OUT)]);
case!(output_target_symlinked_to_proc_self_environ: |c| c.mkdir("out/dev").symlink("out/dev/app.yaml", "/proc/self/environ") => ["plan"], 2, stderr: [&target(OUT)]);
case!(output_target_symlinked_into_git: |c| c.mkdir("out/dev").symlink("out/dev/app.yaml", "../../.git/config") => ["plan"], 2, stderr: [&target(GIT)]);
case!(output_target_is_a_fifo_plan: |c| c.mkdir("out/dev").fifo("out/dev/app.yaml") => ["plan"], 2, stderr: [&target(FIFO)]);
case!(output_target_is_a_fifo_apply: |c| c.mkdir("out/dev").fifo("out/dev/app.yaml") => ["apply", "--yes"], 2, stderr: [&target(FIFO)]);
case!(output_target_is_a_folder: |c| c.mkdir("out/dev/app.yaml") => ["plan"], 2, stderr: [&target(FOLDER)]);
case!(output_folder_symlinked_out_plan: |c| { let o = c.outside(""); c.symlink("out", o) } => ["plan"], 2, stderr: ["cannot read `out/dev/.env`: a symlink on the way leads outside the project"]);
case!(output_env_folder_symlinked_out_plan: |c| { let o = c.outside(""); c.mkdir("out").symlink("out/dev", o) } => ["plan"], 2, stderr: ["cannot read `out/dev/.env`: a symlink on the way leads outside the project"]);
