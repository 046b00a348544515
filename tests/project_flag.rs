//! `-C` names the project's folder or its file, relative or absolute, from inside the
//! project or from another folder, and every command accepts each form (`apply` once
//! said "cannot read ``" for `-C cfgc.toml`, which `check` and `plan` accepted). Also:
//! a file where an output's folder belongs is named, with what to do.

use crate::common::{Project, Test};

const CFGC_TOML: &str = r#"[project]
name = "plain"
schema = "schema.json"
output_dir = "deploy"

[environments.development]
tier = "local"
layers = ["development.yaml"]

[outputs.dotenv]
template = "env.j2"
path = "deploy/{env}/.env"
format = "dotenv"
"#;

/// A project without secrets in the folder `sub` of the test's folder.
fn project() -> Project {
    Project::empty()
        .file("sub/cfgc.toml", CFGC_TOML)
        .file(
            "sub/schema.json",
            r#"{"type": "object", "properties": {"NAME": {"type": "string"}}, "required": ["NAME"]}"#,
        )
        .file("sub/development.yaml", "NAME: shop\n")
        .file("sub/env.j2", "NAME={{ NAME }}\n")
}

/// `cfgc -C project args…` run in the folder `cwd` of the test's folder.
fn run_in<'p>(p: &'p Project, cwd: &str, project: &str, args: &[&str]) -> Test<'p> {
    let mut full = vec!["-C", project];
    full.extend_from_slice(args);
    p.args(full).cwd(cwd)
}

/// Every command that loads the project, with the exit code it gives on this one.
const COMMANDS: &[(&[&str], i32)] = &[
    (&["check"], 0),
    (&["plan"], 0),
    (&["apply", "--yes"], 0),
    (&["docs", "--check"], 1),
    (&["explain", "development", "NAME"], 0),
    (&["exec", "development", "--", "true"], 0),
];

fn every_command_accepts(cwd: &str, project_arg: &str) {
    let p = project();
    let project_arg = project_arg.replace("{abs}", &p.path("sub").to_string_lossy());
    for (args, code) in COMMANDS {
        let run = run_in(&p, cwd, &project_arg, args).run();
        assert_eq!(
            run.code,
            *code,
            "-C {project_arg} {args:?}\n{}",
            run.transcript()
        );
        assert!(
            !run.stderr.contains("cannot read ``"),
            "{}",
            run.transcript()
        );
    }
    assert_eq!(p.read("sub/deploy/development/.env"), "NAME=shop\n");
}

#[test]
fn apply_with_c_naming_cfgc_toml_said_cannot_read_empty_path() {
    every_command_accepts("sub", "cfgc.toml");
}

#[test]
fn every_command_accepts_c_naming_the_folder() {
    every_command_accepts("sub", ".");
}

#[test]
fn every_command_accepts_c_naming_the_file_by_its_absolute_path() {
    every_command_accepts(".", "{abs}/cfgc.toml");
}

#[test]
fn every_command_accepts_c_naming_the_folder_by_its_absolute_path() {
    every_command_accepts(".", "{abs}");
}

#[test]
fn every_command_accepts_c_naming_sub_cfgc_toml_from_another_folder() {
    every_command_accepts(".", "sub/cfgc.toml");
}

#[test]
fn every_command_accepts_c_naming_sub_from_another_folder() {
    every_command_accepts(".", "sub");
}

#[test]
fn apply_into_an_output_folder_that_is_a_file_said_not_a_directory() {
    let p = project();
    run_in(&p, "sub", ".", &["apply", "--yes"]).status(0).run();
    std::fs::remove_dir_all(p.path("sub/deploy/development")).expect("rm -r");
    std::fs::write(p.path("sub/deploy/development"), "").expect("touch");
    for args in [&["apply", "--yes"][..], &["plan"]] {
        run_in(&p, "sub", ".", args)
            .status(2)
            .stderr_has("`deploy/development/.env`: `deploy/development` is not a folder")
            .stderr_has("remove or move that file")
            .stderr_lacks("os error")
            .run();
    }
    assert_eq!(p.read("sub/deploy/development"), "");
}

#[test]
fn init_accepts_c_naming_the_project_file_it_creates() {
    let p = Project::empty().file("fresh/.keep", "");
    run_in(&p, ".", "fresh/cfgc.toml", &["init"])
        .status(0)
        .run();
    assert!(p.path("fresh/cfgc.toml").is_file());
    assert!(!p.path("fresh/cfgc.toml/cfgc.toml").exists());
    run_in(&p, ".", "fresh/cfgc.toml", &["check"])
        .status(0)
        .run();
}
