//! Cases whose fix is on the runtime-hardening branch (issue 8's other half: template fuel,
//! recursion and output cap; apply's lock file through ProjectFs; control bytes in every
//! line of a message; `secrets edit` in a memory-backed folder with leftover cleanup; the
//! identity permission warning), and two
//! found here that belong next to them (the project identity file read through ProjectFs).
//! They assert the behaviour the issue asks for, and fail until those fixes are merged.

use crate::common::{Project, SECRET};

// Template bounds: no fuel limit, no output cap today.
case!(template_nested_range_loops_run_out_of_fuel: |c| c.file("templates/app.yaml.j2", "{% for i in range(100000) %}{% for j in range(100000) %}.{% endfor %}{% endfor %}\n") => ["plan"], 2, stderr: ["templates/app.yaml.j2"]);
case!(template_output_doubled_forty_times_is_capped: |c| c.file("templates/app.yaml.j2", "{% set ns = namespace(s='ab') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}\n") => ["plan"], 2, stderr: ["templates/app.yaml.j2"]);
case!(template_output_over_the_output_limit: |c| c.file("templates/app.yaml.j2", "{% for i in range(2000) %}line {{ i }}\n{% endfor %}").append("cfgc.toml", "\n[limits]\noutput_bytes = 1024\n") => ["plan"], 2, stderr: ["error[template-output-too-large]: `templates/app.yaml.j2` renders more than the output limit of 1024 bytes (output `app`)"]);

// The lock file is opened without following a symlink.
case!(lock_file_symlinked_out: |c| { let o = c.outside("created-by-apply"); c.remove(".cfgc.lock").symlink(".cfgc.lock", o) } => ["apply", "--yes"], 2, stderr: ["`.cfgc.lock`"]);

// The project's identity file (`identity =` in cfgc.toml) is read with std::fs today: a
// symlink out of the project is followed and a FIFO hangs.
fn project_identity(c: Project) -> Project {
    c.edit(
        "cfgc.toml",
        "secrets = \"env/dev.secrets.yaml\"",
        "secrets = \"env/dev.secrets.yaml\"\nidentity = \"keys/dev.key\"",
    )
}
case!(project_identity_symlinked_out: |c| { let key = c.identity_path(); project_identity(c).without_identity().symlink("keys/dev.key", key) } => ["plan"], 2, stderr: ["cannot read `keys/dev.key`: a symlink on the way leads outside the project"]);
case!(project_identity_is_a_fifo: |c| project_identity(c).without_identity().fifo("keys/dev.key") => ["plan"], 2, stderr: ["cannot read `keys/dev.key`: it is a FIFO (named pipe), not a regular file"]);

// An identity readable by group or others is used with a warning, as ssh refuses such keys.
#[test]
fn identity_readable_by_others_gets_a_warning() {
    let c = Project::hostile();
    let key = c.identity_path();
    std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o644))
        .expect("chmod");
    let run = super::refuses(&c, &["plan"], 0)
        .stderr_has("warning")
        .stderr_has("key.txt")
        .run();
    assert!(
        run.stderr.contains("group") || run.stderr.contains("others"),
        "{}",
        run.transcript()
    );
}

// Terminal control bytes from a key name are escaped in every line, the `help:` line too.
fn no_raw_control_bytes(args: &[&str], c: Project) {
    super::refuses(&c, args, 1)
        .stdout_lacks("\u{1b}")
        .stderr_lacks("\u{1b}")
        .run();
}
#[test]
fn control_bytes_in_a_layer_key_reach_no_line_raw() {
    no_raw_control_bytes(
        &["check"],
        Project::hostile().file("env/dev.yaml", "\"NAM\\e[2J\": x\n"),
    );
}
#[test]
fn control_bytes_in_a_secret_name_reach_no_line_raw() {
    no_raw_control_bytes(
        &["secrets", "set", "dev", "NAM\u{1b}[2J"],
        Project::hostile(),
    );
}

// `secrets edit` keeps its plaintext in $XDG_RUNTIME_DIR, and the next run removes what a
// killed one left there.
#[test]
fn secrets_edit_killed_leaves_no_plaintext_after_the_next_run() {
    let c = Project::hostile();
    let editor = c.outside("kill-editor.sh");
    std::fs::write(&editor, "#!/bin/sh\nkill -9 $PPID\n").expect("write");
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let c = c.env("EDITOR", &editor.to_string_lossy());
    c.args(["secrets", "edit", "dev"]).run();
    let on_disk = |c: &Project| {
        let mut found = Vec::new();
        for dir in ["project", "runtime", "tmpdir"] {
            let root = c.root().parent().expect("case folder").join(dir);
            for entry in walk(&root) {
                if std::fs::read(&entry).is_ok_and(|b| String::from_utf8_lossy(&b).contains(SECRET))
                {
                    found.push(entry);
                }
            }
        }
        found
    };
    let left = on_disk(&c);
    assert!(
        left.iter()
            .all(|p| p.starts_with(c.root().parent().expect("case").join("runtime"))),
        "a killed edit left plaintext outside the runtime folder: {left:?}"
    );
    let c = c.env("EDITOR", "true");
    c.args(["secrets", "edit", "dev"])
        .status(0)
        .no_canary()
        .run();
    assert!(
        on_disk(&c).is_empty(),
        "the next edit did not remove the leftover plaintext"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.is_dir() => out.extend(walk(&p)),
            Ok(m) if m.is_file() => out.push(p),
            _ => {}
        }
    }
    out
}
