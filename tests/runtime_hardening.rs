//! Runtime hardening, as a hostile pull request would try it: templates and outputs read
//! and written only inside the project, bounded renders, atomic all-or-nothing applies, no
//! secret and no terminal control byte in any message, `secrets edit` leftovers removed,
//! identity files checked. Each case checks the exit code, the message, that no file
//! changed where nothing should, and that no canary reaches the output.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Project, Run};

/// A canary secret value: it must never appear in any output.
const CANARY: &str = "canary-secret-7f3a9c0e1d2b4a5f6e7d8c9b";

/// The minimal fixture with secrets, and one `text` output from `templates/t.j2`,
/// rendered for `dev`, that may use secrets.
fn with_template(template: &str) -> Project {
    let (p, _) = Project::with_secrets();
    p.file("templates/t.j2", template).append(
        "cfgc.toml",
        "\n[outputs.t]\ntemplate = \"templates/t.j2\"\npath = \"deploy/{env}/t.txt\"\nformat = \"text\"\nsecrets = true\nmode = \"0600\"\nenvironments = [\"dev\"]\n",
    )
}

/// Set `JWT_SECRET` of dev to the canary (long enough for the schema).
fn canary(p: &Project) {
    p.args(["secrets", "set", "dev", "JWT_SECRET"])
        .stdin(CANARY)
        .status(0)
        .run();
}

fn no_canary(run: &Run) {
    assert!(
        !run.stdout.contains(CANARY) && !run.stderr.contains(CANARY),
        "the canary leaked:\n{}",
        run.transcript()
    );
}

/// No terminal control byte but newline and tab reaches the user.
fn no_controls(run: &Run) {
    for (name, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'),
            "a control byte reached {name}:\n{text:?}"
        );
    }
}

/// No temp file of cfgc's anywhere in the project.
fn no_temp_files(dir: &Path) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = entry.file_type().expect("file type");
        if kind.is_dir() {
            no_temp_files(&entry.path());
        } else {
            assert!(
                !(name.starts_with(".cfgc-") && name.ends_with(".tmp")),
                "temp file left behind: {}",
                entry.path().display()
            );
        }
    }
}

// --- templates: secrets in error messages -------------------------------------------

#[test]
fn include_import_extends_of_a_secret_never_quote_it() {
    for tag in [
        "{% include JWT_SECRET %}",
        "{% import JWT_SECRET as m %}",
        "{% extends JWT_SECRET %}",
        "{% from JWT_SECRET import x %}",
    ] {
        let p = with_template(&format!("{tag}\n"));
        canary(&p);
        let run = p.args(["plan"]).run();
        assert_eq!(run.code, 2, "{tag}: {}", run.transcript());
        assert!(
            run.stderr.contains("is not one of the project's"),
            "{tag}: {}",
            run.stderr
        );
        no_canary(&run);
    }
}

#[test]
fn filters_that_fail_on_a_secret_never_quote_it() {
    for expr in [
        "{{ JWT_SECRET | int }}",
        "{{ JWT_SECRET | float }}",
        "{{ JWT_SECRET[1000] }}",
        "{{ JWT_SECRET.nope }}",
        "{{ JWT_SECRET() }}",
        "{{ JWT_SECRET + 1 }}",
        "{{ JWT_SECRET | attr('x') }}",
        "{{ range(JWT_SECRET) }}",
        "{{ '%d' | format(JWT_SECRET) }}",
        "{{ JWT_SECRET | dictsort }}",
    ] {
        let p = with_template(&format!("x={expr}\n"));
        canary(&p);
        let run = p.args(["plan"]).run();
        assert_ne!(run.code, 0, "{expr}: {}", run.transcript());
        no_canary(&run);
    }
}

// --- templates: bounds --------------------------------------------------------------

fn bounded(template: &str, code: &str) -> Run {
    // A small output limit means little fuel: the bound is reached in a debug build quickly.
    let p = with_template(template).append("cfgc.toml", "\n[limits]\noutput_bytes = 65536\n");
    let start = Instant::now();
    let run = p.args(["plan"]).run();
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains(code), "{}", run.stderr);
    assert!(run.stderr.contains("templates/t.j2"), "{}", run.stderr);
    run
}

#[test]
fn nested_range_loops_run_out_of_fuel_and_name_the_line() {
    let run = bounded(
        "first line\n{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}\n",
        "template-fuel",
    );
    assert!(run.stderr.contains("t.j2:2:"), "{}", run.stderr);
}

#[test]
fn a_string_doubled_forty_times_fails_fast() {
    bounded(
        "{% set ns = namespace(s='xxxxxxxxxxxxxxxx') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}\n",
        "template-fuel",
    );
}

#[test]
fn a_rendered_file_past_the_output_limit_is_refused() {
    let p = with_template("{% for i in range(10000) %}0123456789{% endfor %}\n")
        .append("cfgc.toml", "\n[limits]\noutput_bytes = 4096\n");
    p.args(["plan"])
        .status(2)
        .stderr_has("`templates/t.j2` renders more than the output limit of 4096 bytes")
        .stderr_has("output_bytes")
        .run();
}

#[test]
fn deep_macro_recursion_is_an_error_not_an_abort() {
    bounded(
        "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}\n{{ f(0) }}\n",
        "template-recursion",
    );
}

// --- templates and outputs: reads only inside the project ---------------------------

#[test]
fn a_template_symlinked_out_of_the_project_is_refused_unread() {
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(outside.path().join("t.j2"), CANARY).expect("write");
    let p = with_template("x\n");
    std::fs::remove_file(p.path("templates/t.j2")).expect("rm");
    std::os::unix::fs::symlink(outside.path().join("t.j2"), p.path("templates/t.j2"))
        .expect("symlink");
    let run = p
        .args(["plan"])
        .status(2)
        .stderr_has("cannot read `templates/t.j2`: a symlink on the way leads outside the project")
        .run();
    no_canary(&run);
}

#[test]
fn a_template_that_is_a_fifo_is_refused_without_blocking() {
    let p = with_template("x\n");
    std::fs::remove_file(p.path("templates/t.j2")).expect("rm");
    mkfifo(&p.path("templates/t.j2"));
    let start = Instant::now();
    let run = p.args(["plan"]).run();
    assert!(start.elapsed() < Duration::from_secs(30));
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("it is a FIFO (named pipe), not a regular file"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_output_on_disk_symlinked_out_of_the_project_is_an_error_not_absent() {
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(outside.path().join("victim"), CANARY).expect("write");
    let p = with_template("x\n");
    std::fs::create_dir_all(p.path("deploy/dev")).expect("mkdir");
    std::os::unix::fs::symlink(outside.path().join("victim"), p.path("deploy/dev/t.txt"))
        .expect("symlink");
    let run = p
        .args(["plan"])
        .status(2)
        .stderr_has("cannot read `deploy/dev/t.txt`")
        .run();
    no_canary(&run);
    p.args(["apply", "--yes"]).status(2).run();
    assert_eq!(
        std::fs::read_to_string(outside.path().join("victim")).expect("read"),
        CANARY
    );
}

// --- apply: all or nothing ------------------------------------------------------------

/// The example project with a change in production, so apply has files to write.
fn example_with_changes() -> Project {
    Project::example().edit(
        "environments/production.yaml",
        "CLOUD_RUN_MAX_INSTANCES: 20",
        "CLOUD_RUN_MAX_INSTANCES: 30",
    )
}

/// With the lock file a first apply leaves: a refused apply still takes the lock, and
/// `.unchanged()` then shows that it wrote nothing at all.
fn with_lock_file(p: Project) -> Project {
    p.file(".cfgc.lock", "")
}

#[test]
fn a_target_that_is_a_folder_is_refused_before_any_write() {
    let p = with_lock_file(example_with_changes());
    std::fs::remove_file(p.path("deploy/staging/nginx.conf")).expect("rm");
    std::fs::create_dir(p.path("deploy/staging/nginx.conf")).expect("mkdir");
    p.args(["apply", "--yes"])
        .status(2)
        .unchanged()
        .stderr_has("`deploy/staging/nginx.conf`: it is a folder, not a regular file")
        .run();
    no_temp_files(p.dir.path());
}

#[test]
fn a_target_symlinked_inside_the_project_is_refused_before_any_write() {
    // The plan may read through a symlink that stays inside; apply never writes through one,
    // and checks every target before it writes the first (production's files come after
    // development's in path order, and development's change too).
    let p = with_lock_file(example_with_changes()).edit(
        "environments/base.yaml",
        "LOG_LEVEL: info",
        "LOG_LEVEL: warn",
    );
    std::fs::remove_file(p.path("deploy/staging/nginx.conf")).expect("rm");
    std::os::unix::fs::symlink(
        "../../environments/base.yaml",
        p.path("deploy/staging/nginx.conf"),
    )
    .expect("symlink");
    p.args(["apply", "--yes"])
        .status(2)
        .unchanged()
        .stderr_has("cannot write `deploy/staging/nginx.conf`: `deploy/staging/nginx.conf` is a symlink, and cfgc never writes through one")
        .stderr_has("nothing was written")
        .run();
    no_temp_files(p.dir.path());
}

#[test]
fn an_output_folder_swapped_for_a_symlink_is_never_written_through() {
    // Out of the project: refused already when the plan reads what is on disk.
    let p = example_with_changes();
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::remove_dir_all(p.path("deploy/production")).expect("rm");
    std::os::unix::fs::symlink(outside.path(), p.path("deploy/production")).expect("symlink");
    p.args(["apply", "--yes"])
        .status(2)
        .stderr_has("cannot read `deploy/production/nginx.conf`: a symlink on the way leads outside the project")
        .run();
    assert_eq!(
        std::fs::read_dir(outside.path()).expect("read").count(),
        0,
        "apply wrote outside the project"
    );
    no_temp_files(p.dir.path());

    // Inside the project (say, into `schema/`): readable, but never written through.
    let p = with_lock_file(example_with_changes());
    std::fs::rename(p.path("deploy/production"), p.path("elsewhere")).expect("mv");
    std::os::unix::fs::symlink("../elsewhere", p.path("deploy/production")).expect("symlink");
    p.args(["apply", "--yes"])
        .status(2)
        .unchanged()
        .stderr_has("`deploy/production` is a symlink, and cfgc never writes through one")
        .run();
    no_temp_files(p.dir.path());
}

#[test]
fn a_committed_lock_file_symlink_is_refused_and_not_created() {
    let outside = tempfile::tempdir().expect("temp dir");
    let victim = outside.path().join("created-by-cfgc");
    let p = example_with_changes();
    std::os::unix::fs::symlink(&victim, p.path(".cfgc.lock")).expect("symlink");
    p.args(["apply", "--yes"])
        .status(2)
        .stderr_has("cannot lock `.cfgc.lock`")
        .run();
    assert!(!victim.exists());

    let (p, _) = Project::with_secrets();
    // Setting up the project's secrets took the lock, which created the file.
    let _ = std::fs::remove_file(p.path(".cfgc.lock"));
    std::os::unix::fs::symlink(&victim, p.path(".cfgc.lock")).expect("symlink");
    let run = p
        .args(["secrets", "set", "dev", "JWT_SECRET"])
        .stdin(CANARY)
        .status(2)
        .unchanged()
        .run();
    assert!(!victim.exists());
    no_temp_files(p.dir.path());
    no_canary(&run);
}

// --- messages: terminal control bytes ---------------------------------------------------

#[test]
fn control_bytes_in_a_name_are_escaped_in_every_line() {
    let (p, _) = Project::with_secrets();
    let name = "EVIL\x1b[31m\x07\rNAME";
    let run = p
        .args(["secrets", "set", "dev", name])
        .stdin("x")
        .status(1)
        .run();
    no_controls(&run);
    // The help line names it too, escaped like the message.
    assert!(
        run.stderr
            .contains("help: declare `EVIL\\x1b[31m\\x07\\rNAME` under `properties`"),
        "{}",
        run.stderr
    );
}

#[test]
fn control_bytes_in_a_layer_key_and_value_are_escaped() {
    let (p, _) = Project::with_secrets();
    let p = p.append(
        "environments/dev.yaml",
        "\"BAD\\e[2J\\u009bKEY\": \"v\\e]0;title\\a\"\n",
    );
    let run = p.args(["check"]).run();
    assert_ne!(run.code, 0, "{}", run.transcript());
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(
        all.contains("help: declare `BAD\\x1b[2J\\u{9b}KEY` under `properties`"),
        "{all}"
    );
    no_controls(&run);
}

// --- secrets edit -----------------------------------------------------------------------

#[test]
fn a_killed_edit_leaves_a_copy_the_next_edit_removes() {
    let (p, _) = Project::with_secrets();
    let runtime = tempfile::tempdir().expect("temp dir");
    std::fs::set_permissions(
        runtime.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )
    .expect("chmod");
    let editor_pid = p.path("editor.pid");
    let p = p
        .file(
            "editor.sh",
            format!(
                "#!/bin/sh\necho $$ > '{}'\nexec sleep 60\n",
                editor_pid.display()
            ),
        )
        .env("XDG_RUNTIME_DIR", &runtime.path().to_string_lossy());
    std::fs::set_permissions(
        p.path("editor.sh"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("chmod");
    let mut cmd = p.command(&["secrets", "edit", "dev"]);
    cmd.env("EDITOR", p.path("editor.sh"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().expect("run cfgc");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !editor_pid.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let leftovers = |dir: &Path| -> Vec<String> {
        std::fs::read_dir(dir)
            .expect("read")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect()
    };
    // The decrypted copy is in the private runtime folder, in a folder named for the pid.
    let during = leftovers(runtime.path());
    let pid = child.id();
    child.kill().expect("kill -9 cfgc");
    child.wait().expect("reap cfgc");
    let editor = std::fs::read_to_string(&editor_pid).expect("editor pid");
    let _ = Command::new("kill")
        .args(["-9", editor.trim()])
        .status()
        .expect("kill the editor");
    assert_eq!(during.len(), 1, "{during:?}");
    assert!(
        during[0].starts_with(&format!("cfgc-edit-{pid}-")),
        "{during:?}"
    );
    let copy = runtime.path().join(&during[0]).join("dev.secrets.yaml");
    assert!(copy.exists(), "the killed edit's copy is where it was put");

    p.args(["secrets", "edit", "dev"])
        .env("EDITOR", "true")
        .status(0)
        .run();
    assert_eq!(
        leftovers(runtime.path()),
        Vec::<String>::new(),
        "the leftover was not removed"
    );
    std::fs::remove_file(p.path("editor.pid")).expect("rm");
}

// --- identities -------------------------------------------------------------------------

#[test]
fn an_identity_file_others_may_read_is_used_with_a_warning() {
    let (p, _) = Project::with_secrets();
    let key = p.path("keys/test.key");
    std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o644))
        .expect("chmod");
    p.args(["secrets", "get", "dev", "JWT_SECRET"])
        .status(0)
        .stderr_has("warning[identity-permissions]: identity file `[ROOT]/keys/test.key` may be read by others (mode 0644)")
        .stderr_has("help: make it private: `chmod 600 [ROOT]/keys/test.key`")
        .run();
    std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .expect("chmod");
    p.args(["secrets", "get", "dev", "JWT_SECRET"])
        .status(0)
        .stderr_lacks("warning")
        .run();
}

#[test]
fn an_identity_fifo_is_refused_without_blocking() {
    let (p, _) = Project::with_secrets();
    mkfifo(&p.path("keys/fifo.key"));
    let fifo = p.path("keys/fifo.key").to_string_lossy().into_owned();
    let p = p.env("CFGC_AGE_KEY_FILE", &fifo);
    let start = Instant::now();
    let run = p.args(["secrets", "get", "dev", "JWT_SECRET"]).run();
    assert!(start.elapsed() < Duration::from_secs(30));
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr.contains("is not a regular file"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_project_identity_symlinked_out_of_the_project_is_refused() {
    let outside = tempfile::tempdir().expect("temp dir");
    let (p, key) = Project::with_secrets();
    std::fs::write(outside.path().join("k"), &key.secret).expect("write");
    std::os::unix::fs::symlink(outside.path().join("k"), p.path("keys/demo.key")).expect("symlink");
    let p = p
        .edit(
            "cfgc.toml",
            "[environments.prod]\n",
            "identity = \"keys/demo.key\"\n\n[environments.prod]\n",
        )
        .env("CFGC_AGE_KEY_FILE", "");
    p.args(["secrets", "get", "dev", "JWT_SECRET"])
        .status(2)
        .stderr_has("cannot read `keys/demo.key`: a symlink on the way leads outside the project")
        .run();
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo (coreutils) must be installed: apt-get install coreutils");
    assert!(status.success(), "mkfifo failed");
}

#[test]
fn control_bytes_in_a_secret_name_are_escaped_by_secrets_list() {
    let (p, _) = Project::with_secrets();
    let prod = "environments/prod.secrets.yaml";
    let line = p.line(prod, "JWT_SECRET: ");
    let evil = line.replacen("JWT_SECRET", "\"STRAY\\e[31m\\u009bTOKEN\"", 1);
    let p = p.edit(prod, "cfgc:\n", &format!("{evil}\ncfgc:\n"));
    let run = p
        .env("CFGC_AGE_KEY_FILE", "")
        .args(["secrets", "list", "prod"])
        .run();
    no_controls(&run);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(all.contains("STRAY\\x1b[31m\\u{9b}TOKEN"), "{all}");
}
