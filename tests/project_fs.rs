//! The project filesystem and the parsers' bounds, through the binary: hostile files
//! in each role stop the run with exit 2 and a message naming the file and the reason,
//! never an abort, a hang, or the content of a file outside the project.

use std::os::unix::fs::symlink;

use crate::common::Project;

const CANARY: &str = "CANARY-0123456789";

/// `check` must stop with exit 2, say `message` on stderr, change no file, and print no
/// canary.
fn refused(p: &Project, message: &str) -> String {
    let run = p
        .args(["check"])
        .status(2)
        .stderr_has(message)
        .stdout_lacks(CANARY)
        .stderr_lacks(CANARY)
        .unchanged()
        .run();
    run.stderr
}

fn with_layer(p: Project, rel: &str) -> Project {
    p.edit(
        "cfgc.toml",
        r#""environments/dev.yaml"]"#,
        &format!(r#""environments/dev.yaml", "{rel}"]"#),
    )
}

/// A file outside the project, holding the canary.
fn outside() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("secret.yaml");
    std::fs::write(&file, format!("KEY: {CANARY}\n")).expect("write");
    (dir, file)
}

#[test]
fn a_layer_symlinked_out_of_the_project_is_refused_without_its_content() {
    let (_dir, file) = outside();
    let p = with_layer(Project::fixture("minimal"), "environments/evil.yaml");
    symlink(&file, p.path("environments/evil.yaml")).expect("symlink");
    let err = refused(
        &p,
        "error[file-refused]: cannot read `environments/evil.yaml`: a symlink on the way leads outside the project",
    );
    assert!(err.contains("declared here"), "{err}");
}

#[test]
fn a_relative_symlink_that_climbs_out_is_refused() {
    let p = with_layer(Project::fixture("minimal"), "environments/up.yaml");
    symlink(
        "../../../../../../etc/hostname",
        p.path("environments/up.yaml"),
    )
    .expect("symlink");
    refused(
        &p,
        "cannot read `environments/up.yaml`: a symlink on the way leads outside the project",
    );
}

#[test]
fn a_schema_and_a_secrets_file_symlinked_out_are_refused() {
    let (_dir, file) = outside();
    let p = Project::fixture("minimal");
    std::fs::remove_file(p.path("schema/env.schema.json")).expect("rm");
    symlink(&file, p.path("schema/env.schema.json")).expect("symlink");
    refused(
        &p,
        "cannot read `schema/env.schema.json`: a symlink on the way leads outside the project",
    );

    let p = Project::fixture("minimal");
    std::fs::remove_file(p.path("environments/dev.secrets.yaml")).expect("rm");
    symlink(&file, p.path("environments/dev.secrets.yaml")).expect("symlink");
    refused(
        &p,
        "cannot read `environments/dev.secrets.yaml`: a symlink on the way leads outside the project",
    );
}

#[test]
fn a_symlink_inside_the_project_is_followed() {
    let p = Project::fixture("minimal");
    std::fs::rename(
        p.path("environments/dev.yaml"),
        p.path("environments/real-dev.yaml"),
    )
    .expect("move");
    symlink("real-dev.yaml", p.path("environments/dev.yaml")).expect("symlink");
    p.args(["check"]).status(0).run();
}

#[test]
fn a_fifo_layer_is_refused_without_hanging() {
    let p = with_layer(Project::fixture("minimal"), "environments/pipe.yaml")
        .fifo("environments/pipe.yaml");
    // A read that blocks on the FIFO is stopped at the timeout, failing the test.
    p.args(["check"])
        .timeout(std::time::Duration::from_secs(20))
        .status(2)
        .stderr_has(
            "cannot read `environments/pipe.yaml`: it is a FIFO (named pipe), not a regular file",
        )
        .unchanged()
        .run();
}

#[test]
fn a_folder_as_a_layer_is_refused() {
    let p = with_layer(Project::fixture("minimal"), "environments/dir.yaml");
    std::fs::create_dir(p.path("environments/dir.yaml")).expect("mkdir");
    refused(
        &p,
        "cannot read `environments/dir.yaml`: it is a folder, not a regular file",
    );
}

#[test]
fn absolute_parent_and_git_paths_in_cfgc_toml_are_errors_at_load() {
    for (path, why) in [
        ("/proc/self/environ", "the path is absolute"),
        ("../outside.yaml", "the path has a `..` component"),
        (
            ".git/config.yaml",
            "the path is inside `.git`, which cfgc never reads or writes",
        ),
    ] {
        let p = with_layer(Project::fixture("minimal"), path);
        let err = refused(
            &p,
            &format!("error[project]: invalid path for a layer of `dev`: {why}"),
        );
        assert!(err.contains("cfgc.toml:7:"), "{err}");
        assert!(err.contains("not a path inside the project"), "{err}");
    }
    let p = Project::fixture("minimal").edit(
        "cfgc.toml",
        r#"schema = "schema/env.schema.json""#,
        "schema = \"schema/env.schema.json\"\noutput_dir = \".git\"",
    );
    refused(
        &p,
        "invalid path for `output_dir`: the path is inside `.git`",
    );
    let p = Project::fixture("minimal").append(
        "cfgc.toml",
        "\n[outputs.hook]\ntemplate = \"/etc/hostname\"\npath = \"deploy/{env}/x\"\nformat = \"text\"\n",
    );
    refused(
        &p,
        "invalid path for the template of `hook`: the path is absolute",
    );
}

#[test]
fn two_outputs_with_the_same_path_are_an_error_at_load() {
    let p = Project::fixture("minimal")
        .file("templates/a.j2", "a\n")
        .append(
            "cfgc.toml",
            "\n[outputs.a]\ntemplate = \"templates/a.j2\"\npath = \"deploy/{env}/x\"\nformat = \"text\"\n\
             \n[outputs.b]\ntemplate = \"templates/a.j2\"\npath = \"deploy/{env}/./x\"\nformat = \"text\"\n",
        );
    refused(
        &p,
        "error[project]: outputs `a` and `b` are both written to `deploy/dev/x`",
    );
}

#[test]
fn an_oversize_layer_is_refused_by_its_limit() {
    let p = Project::fixture("minimal")
        .append("cfgc.toml", "\n[limits]\nlayer_bytes = 1000\n")
        .append(
            "environments/dev.yaml",
            &format!("# {}\n", "x".repeat(1000)),
        );
    let err = refused(
        &p,
        "error[file-too-large]: cannot read `environments/dev.yaml`: it is larger than the layer limit of 1000 bytes",
    );
    assert!(
        err.contains("raise `layer_bytes` in the `[limits]` table of cfgc.toml"),
        "{err}"
    );
}

#[test]
fn limits_cannot_be_raised_past_their_ceiling_or_misspelled() {
    let p = Project::fixture("minimal").append("cfgc.toml", "\n[limits]\ndepth = 100000\n");
    refused(&p, "`limits.depth` must be a whole number from 1 to 128");
    let p = Project::fixture("minimal").append("cfgc.toml", "\n[limits]\nlayer_bytes = 0\n");
    refused(
        &p,
        "`limits.layer_bytes` must be a whole number from 1 to 67108864",
    );
    let p = Project::fixture("minimal").append("cfgc.toml", "\n[limits]\nlayer_size = 10\n");
    refused(&p, "unknown field `layer_size`");
}
