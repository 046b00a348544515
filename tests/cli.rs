//! The command line around the stages: completions and man page generated from the parser,
//! `-q`, colour decided per stream, help with examples and exit codes.

use crate::common::Project;

#[test]
fn bash_completions_are_valid_bash_and_know_the_subcommands() {
    let p = Project::example();
    let run = p.args(["completions", "bash"]).status(0).run();
    for word in [
        "check",
        "plan",
        "apply",
        "secrets",
        "--no-decrypt",
        "--allow-skipped",
    ] {
        assert!(run.stdout.contains(word), "{word} missing");
    }
    let script = p.path("cfgc.bash");
    std::fs::write(&script, &run.stdout).expect("write the script");
    let syntax =
        crate::common::tools::status(crate::common::tools::command("bash").arg("-n").arg(&script));
    assert!(syntax.success(), "bash -n refused the completion script");
}

#[test]
fn the_man_page_renders_with_groff() {
    let p = Project::example();
    let run = p.args(["man"]).status(0).run();
    assert!(
        run.stdout.starts_with(".ie"),
        "{}",
        &run.stdout[..80.min(run.stdout.len())]
    );
    assert!(run.stdout.contains(".TH cfgc 1"));
    let page = p.path("cfgc.1");
    std::fs::write(&page, &run.stdout).expect("write the page");
    let out = crate::common::tools::output(
        crate::common::tools::command("groff")
            .args(["-man", "-Tutf8", "-ww", "-z"])
            .arg(&page),
    );
    assert!(
        out.status.success(),
        "groff: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "groff warned: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn quiet_prints_only_what_matters() {
    let p = Project::example();
    let run = p.args(["-q", "check"]).status(0).run();
    assert_eq!(run.stdout, "", "{}", run.transcript());
    let run = p.args(["plan", "-q", "--no-decrypt"]).status(0).run();
    assert_eq!(run.stdout, "", "{}", run.transcript());
    let broken = p.append("environments/production.yaml", "PORT: eighty\n");
    broken
        .args(["-q", "check"])
        .status(1)
        .stdout_has("error[")
        .run();
}

#[test]
fn colour_is_decided_per_stream() {
    // stdout on a terminal (script's pty), stderr into a file: only stdout is coloured.
    let p = Project::example().append("environments/production.yaml", "PORT: [1\n");
    let cfgc = env!("CARGO_BIN_EXE_cfgc");
    let command = format!(
        "cd '{}' && '{cfgc}' check 2>err.log; '{cfgc}' check --format human > out.log 2>&1; true",
        p.dir.path().display()
    );
    let mut script = crate::common::tools::command("script");
    // The test's own CI variables stay out, as for every command a test starts.
    crate::common::strip_user_env(&mut script);
    let out = crate::common::tools::output(script.args(["-qec", &command, "/dev/null"]));
    assert!(out.status.success());
    let err_log = p.read("err.log");
    assert!(err_log.contains("error["), "{err_log}");
    assert!(
        !err_log.contains('\u{1b}'),
        "colour in a redirected stderr: {err_log:?}"
    );
}

#[test]
fn help_shows_examples_and_exit_codes() {
    let p = Project::example();
    for args in [
        &["--help"][..],
        &["plan", "--help"],
        &["check", "--help"],
        &["apply", "--help"],
        &["secrets", "--help"],
        &["git-setup", "--help"],
        &["secrets", "diff", "--help"],
        &["secrets", "textconv", "--help"],
        &["secrets", "merge", "--help"],
        &["secrets", "seal", "--help"],
    ] {
        let run = p.args(args).status(0).run();
        assert!(run.stdout.contains("Examples:"), "{args:?}");
        assert!(run.stdout.contains("Exit codes"), "{args:?}");
    }
}

#[test]
fn an_optional_variable_says_so_and_how_to_guard_it() {
    let p = Project::example().append("templates/env.j2", "SENTRY_DSN={{ SENTRY_DSN }}\n");
    p.args(["plan", "development"])
        .status(1)
        .stdout_has("`SENTRY_DSN` is not set in `development`, and `templates/env.j2` uses it")
        .stdout_has("{% if SENTRY_DSN is defined %}")
        .stdout_lacks("did you mean `SENTRY_DSN`")
        .run();
}

#[test]
fn a_project_file_of_another_name_is_named_in_messages() {
    let p = Project::example();
    let toml = p.read("cfgc.toml");
    let p = p.file("other.toml", format!("{toml}oops = 1\n"));
    p.args(["-C", "other.toml", "check"])
        .status(2)
        .stderr_has("invalid other.toml:")
        .stderr_has("--> other.toml:")
        .stderr_lacks("invalid cfgc.toml")
        .stderr_lacks("--> cfgc.toml")
        .run();
}

#[test]
fn a_schema_variable_no_output_uses_is_a_warning() {
    let p = Project::example().edit(
        "schema/env.schema.json",
        "\"properties\": {",
        "\"properties\": {\n    \"FEATURE_FLAGS\": { \"type\": \"string\", \"description\": \"new\", \"x-infra\": true },",
    );
    // `x-infra`: not in `.env`'s `app_env`, so no template uses it.
    let run = p.args(["check"]).run();
    assert_eq!(run.code, 0, "warnings alone exit 0: {}", run.transcript());
    assert!(
        run.stdout
            .contains("warning[unused-variable]: `FEATURE_FLAGS` is used by no output"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("--> schema/env.schema.json:"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("valid (development, staging, production), 1 warning"),
        "{}",
        run.stdout
    );
}

#[test]
fn project_not_found_never_mentioned_cfgc_init() {
    let p = Project::empty();
    p.args(["check"]).status(2).stderr_has("`cfgc init`").run();
    p.args(["-C", "nowhere", "check"])
        .status(2)
        .stderr_has("`cfgc init`")
        .run();
}
