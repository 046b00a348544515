//! (f) Outputs: duplicate paths, an output over one of the project's inputs, bad modes, a
//! read-only output folder, a full disk. Nothing is written, nothing is left behind.

use super::mount::{Tmpfs, can_mount};
use crate::common::Project;

each_command!(two_outputs_with_one_path: |c| c.edit("cfgc.toml", "out/{env}/app.yaml", "out/{env}/.env"), 2, stderr: ["error[project]: outputs `dotenv` and `app` are both written to `out/dev/.env`", "cfgc.toml:21:8"]);
case!(two_outputs_with_one_path_after_normalising: |c| c.edit("cfgc.toml", "out/{env}/app.yaml", "out/./{env}//.env") => ["apply", "--yes"], 2, stderr: ["error[project]: outputs `dotenv` and `app` are both written to `out/dev/.env`"]);
case!(one_path_for_every_environment: |c| {
    let public = c.public_key();
    c.edit("cfgc.toml", "[outputs.dotenv]", &format!("[environments.prod]\ntier = \"deployed\"\nlayers = [\"env/base.yaml\"]\nrecipients = [\"{public}\"]\n\n[outputs.dotenv]"))
        .edit("cfgc.toml", "out/{env}/app.yaml", "out/app.yaml")
} => ["check"], 2, stderr: ["error[project]: output `app` would write every environment to the same file", "put `{env}` in the path"]);

fn over(c: Project, dir: &str, path: &str) -> Project {
    c.edit(
        "cfgc.toml",
        "output_dir = \"out\"",
        &format!("output_dir = \"{dir}\""),
    )
    .edit("cfgc.toml", "out/{env}/app.yaml", path)
}
const INPUT: &str = "error[project]: output `app` would be written over";
each_command!(output_over_the_secrets_file: |c| over(c, "env", "env/dev.secrets.yaml").edit("cfgc.toml", "out/{env}/.env", "env/{env}.env"), 2, stderr: [INPUT, "`env/dev.secrets.yaml`, a secrets file of this project"]);
case!(output_over_a_layer: |c| over(c, "env", "env/base.yaml").edit("cfgc.toml", "out/{env}/.env", "env/{env}.env") => ["apply", "--yes"], 2, stderr: [INPUT, "`env/base.yaml`, a layer of this project"]);
case!(output_over_a_template: |c| over(c, "templates", "templates/env.j2").edit("cfgc.toml", "out/{env}/.env", "templates/{env}.env") => ["apply", "--yes"], 2, stderr: [INPUT, "`templates/env.j2`, a template of this project"]);
case!(output_over_the_schema: |c| over(c, "schema", "schema/env.schema.json").edit("cfgc.toml", "out/{env}/.env", "schema/{env}.env") => ["apply", "--yes"], 2, stderr: [INPUT, "`schema/env.schema.json`, the schema of this project"]);
case!(output_over_the_project_file: |c| over(c, ".", "cfgc.toml") => ["apply", "--yes"], 2, stderr: ["error[project]: invalid path for `output_dir`: the path is empty"]);
case!(secret_output_over_a_layer_it_reads: |c| over(c, "env", "env/dev.yaml").edit("cfgc.toml", "out/{env}/.env", "env/{env}.env").edit("cfgc.toml", "format = \"yaml\"", "format = \"yaml\"\nsecrets = true") => ["apply", "--yes"], 2, stderr: [INPUT, "`env/dev.yaml`, a layer of this project"]);

fn mode(c: Project, m: &str) -> Project {
    c.edit(
        "cfgc.toml",
        "path = \"out/{env}/app.yaml\"",
        &format!("path = \"out/{{env}}/app.yaml\"\nmode = \"{m}\""),
    )
}
const MODE: &str = "error[project]: `mode` must be an octal file mode such as \"0644\"";
case!(mode_setuid: |c| mode(c, "4755") => ["apply", "--yes"], 2, stderr: [MODE]);
case!(mode_not_octal: |c| mode(c, "0999") => ["check"], 2, stderr: [MODE]);
case!(mode_not_a_number: |c| mode(c, "rwx") => ["check"], 2, stderr: [MODE]);

// What is on disk now is read under the output limit.
case!(existing_target_over_the_output_limit: |c| c.mkdir("out/dev").file("out/dev/app.yaml", "x".repeat(10_000)).append("cfgc.toml", "\n[limits]\noutput_bytes = 4096\n") => ["plan"], 2, stderr: ["error[file-too-large]: cannot read `out/dev/app.yaml`: it is larger than the output limit of 4096 bytes"]);

/// apply into an output folder that cannot be written: a read-only tmpfs as root, a mode
/// 0555 folder otherwise.
#[test]
fn read_only_output_folder() {
    let p = Project::hostile();
    let _fs = if can_mount() {
        Some(Tmpfs::mount(&p.path("out"), "64k", true).expect("mount a read-only tmpfs as root"))
    } else {
        std::fs::create_dir_all(p.path("out/dev")).expect("mkdir");
        std::fs::set_permissions(
            p.path("out/dev"),
            std::os::unix::fs::PermissionsExt::from_mode(0o555),
        )
        .expect("chmod");
        None
    };
    let run = super::refuses(&p, &["apply", "--yes"], 2)
        .stderr_has("error[io]: cannot write `out/dev/")
        .run();
    assert!(
        run.stderr.contains("Read-only file system") || run.stderr.contains("Permission denied"),
        "{}",
        run.transcript()
    );
}

/// apply onto a full disk: a 16 KiB tmpfs filled up as root; without root, a file-size
/// rlimit of 1 block with SIGXFSZ ignored, which turns the write into EFBIG.
#[test]
fn full_disk() {
    let p = Project::hostile();
    if can_mount() {
        let _fs = Tmpfs::mount(&p.path("out"), "16k", false).expect("mount a tmpfs as root");
        std::fs::create_dir_all(p.path("out/dev")).expect("mkdir");
        // Fill it: the write stops at ENOSPC.
        let fill = p.path("out/fill");
        let _ = std::fs::write(&fill, vec![b'x'; 64 << 10]);
        super::refuses(&p, &["apply", "--yes"], 2)
            .stderr_has("error[io]: cannot write `out/dev/")
            .stderr_has("No space left on device")
            .run();
    } else {
        let p = p.mkdir("out/dev").through(
            "bash",
            // bash execs cfgc in place: the pid the timeout stops is cfgc's.
            &[
                "-c",
                "trap '' XFSZ; ulimit -f 0; exec \"$0\" \"$@\"",
                "{cfgc}",
            ],
        );
        super::refuses(&p, &["apply", "--yes"], 2)
            .stderr_has("error[io]: cannot write `out/dev/")
            .stderr_has("File too large")
            .run();
    }
}

// A target that is a folder: apply used to write the files before it and then fail.
case!(target_is_a_folder_nothing_is_written: |c| c.mkdir("out/dev/app.yaml") => ["apply", "--yes"], 2, stderr: ["error[file-refused]: cannot read `out/dev/app.yaml`: it is a folder, not a regular file"]);
