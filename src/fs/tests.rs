//! Each refusal of the project filesystem, on real files in a temp folder.

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;
use std::time::Duration;

use super::*;

fn project() -> (tempfile::TempDir, ProjectFs) {
    let dir = tempfile::tempdir().expect("temp dir");
    let fs = ProjectFs::open(dir.path(), Limits::default()).expect("open root");
    (dir, fs)
}

fn rel(s: &str) -> RelPath {
    RelPath::parse(s).expect("a valid relative path")
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn rel_path_refuses_absolute_parent_git_and_empty() {
    assert_eq!(RelPath::parse("/etc/passwd"), Err(PathError::Absolute));
    assert_eq!(RelPath::parse("a/../../b"), Err(PathError::Parent));
    assert_eq!(RelPath::parse(".."), Err(PathError::Parent));
    assert_eq!(RelPath::parse(".git/hooks/pre-commit"), Err(PathError::Git));
    assert_eq!(RelPath::parse("deploy/.GIT/x"), Err(PathError::Git));
    assert_eq!(RelPath::parse(""), Err(PathError::Empty));
    assert_eq!(RelPath::parse("./"), Err(PathError::Empty));
    assert_eq!(RelPath::parse("a\0b"), Err(PathError::Nul));
    assert_eq!(rel("./a//b/").as_str(), "a/b");
    assert_eq!(rel("a/b").parent(), Some(rel("a")));
    assert_eq!(rel("a/b").file_name(), "b");
    assert_eq!(rel("a").parent(), None);
    assert_eq!(rel("a").join(".."), Err(PathError::Parent));
}

#[test]
fn reads_a_regular_file_and_a_symlink_that_stays_inside() {
    let (dir, fs) = project();
    std::fs::create_dir(dir.path().join("env")).expect("mkdir");
    std::fs::write(dir.path().join("env/base.yaml"), "A: 1\n").expect("write");
    symlink("env/base.yaml", dir.path().join("link.yaml")).expect("symlink");
    assert_eq!(
        fs.read(&rel("env/base.yaml"), Role::Layer).expect("read"),
        b"A: 1\n"
    );
    assert_eq!(
        fs.read(&rel("link.yaml"), Role::Layer).expect("read"),
        b"A: 1\n"
    );
}

#[test]
fn refuses_a_symlink_out_of_the_root_whatever_it_points_at() {
    let (dir, fs) = project();
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(outside.path().join("secret"), "CANARY").expect("write");
    symlink(outside.path().join("secret"), dir.path().join("abs.yaml")).expect("symlink");
    std::fs::create_dir(dir.path().join("env")).expect("mkdir");
    symlink(
        "../../../../../../../../etc/passwd",
        dir.path().join("env/up.yaml"),
    )
    .expect("symlink");
    // Absent target outside: still refused, not "no such file".
    symlink("/nonexistent/x", dir.path().join("dangling.yaml")).expect("symlink");
    for name in ["abs.yaml", "env/up.yaml", "dangling.yaml"] {
        let e = fs.read(&rel(name), Role::Layer).expect_err("a way out");
        assert!(matches!(e.why, Why::Outside), "{name}: {e}");
        assert_eq!(
            e.to_string(),
            format!("cannot read `{name}`: a symlink on the way leads outside the project")
        );
        assert!(!e.to_string().contains("CANARY"));
    }
    // A folder symlinked out is a way out too.
    symlink(outside.path(), dir.path().join("out")).expect("symlink");
    let e = fs
        .read(&rel("out/secret"), Role::Layer)
        .expect_err("a way out");
    assert!(matches!(e.why, Why::Outside), "{e}");
}

#[test]
fn never_reads_git_even_through_a_symlink_inside() {
    let (dir, fs) = project();
    std::fs::create_dir(dir.path().join(".git")).expect("mkdir");
    std::fs::write(dir.path().join(".git/config"), "x").expect("write");
    symlink(".git/config", dir.path().join("layer.yaml")).expect("symlink");
    let e = fs
        .read(&rel("layer.yaml"), Role::Layer)
        .expect_err("into .git");
    assert!(matches!(e.why, Why::Git), "{e}");
}

#[test]
fn refuses_a_fifo_without_blocking() {
    let (dir, fs) = project();
    let fifo = dir.path().join("pipe.yaml");
    rustix::fs::mknodat(
        rustix::fs::CWD,
        &fifo,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
        0,
    )
    .expect("mkfifo");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(fs.read(&rel("pipe.yaml"), Role::Layer).map(|_| ()));
    });
    let result = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("reading a FIFO must not block");
    let e = result.expect_err("a FIFO");
    assert_eq!(
        e.to_string(),
        "cannot read `pipe.yaml`: it is a FIFO (named pipe), not a regular file"
    );
}

#[test]
fn refuses_a_folder_and_a_missing_file() {
    let (dir, fs) = project();
    std::fs::create_dir(dir.path().join("env")).expect("mkdir");
    let e = fs.read(&rel("env"), Role::Layer).expect_err("a folder");
    assert!(matches!(e.why, Why::NotRegular("folder")), "{e}");
    let e = fs
        .read(&rel("nope.yaml"), Role::Layer)
        .expect_err("missing");
    assert!(e.is_not_found());
    assert_eq!(
        fs.read_if_exists(&rel("nope.yaml"), Role::Output)
            .expect("ok"),
        None
    );
}

#[test]
fn refuses_an_oversize_file_by_its_role_limit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let limits = Limits {
        layer: 10,
        ..Limits::default()
    };
    let fs = ProjectFs::open(dir.path(), limits).expect("open root");
    std::fs::write(dir.path().join("ten.yaml"), "0123456789").expect("write");
    std::fs::write(dir.path().join("big.yaml"), "0123456789A").expect("write");
    assert_eq!(
        fs.read(&rel("ten.yaml"), Role::Layer)
            .expect("at the limit")
            .len(),
        10
    );
    let e = fs.read(&rel("big.yaml"), Role::Layer).expect_err("over");
    assert_eq!(
        e.to_string(),
        "cannot read `big.yaml`: it is larger than the layer limit of 10 bytes"
    );
    assert!(e.help().contains("layer_bytes"));
    assert!(fs.read(&rel("big.yaml"), Role::Schema).is_ok());
}

#[test]
fn writes_atomically_with_the_mode_and_leaves_no_temp_file() {
    let (dir, fs) = project();
    fs.write_atomic(&rel("deploy/dev/.env"), b"A=1\n", 0o640, Purpose::Output)
        .expect("write");
    let path = dir.path().join("deploy/dev/.env");
    assert_eq!(std::fs::read(&path).expect("read back"), b"A=1\n");
    let mode = std::fs::metadata(&path).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    fs.write_atomic(&rel("deploy/dev/.env"), b"A=2\n", 0o600, Purpose::Output)
        .expect("replace");
    assert_eq!(std::fs::read(&path).expect("read back"), b"A=2\n");
    assert_eq!(names_in(&dir.path().join("deploy/dev")), [".env"]);
}

#[test]
fn refuses_to_write_through_a_symlink_or_onto_a_folder() {
    let (dir, fs) = project();
    let outside = tempfile::tempdir().expect("temp dir");
    symlink(outside.path(), dir.path().join("deploy")).expect("symlink");
    let e = fs
        .write_atomic(&rel("deploy/.env"), b"A=1\n", 0o600, Purpose::Output)
        .expect_err("through a symlink");
    assert!(matches!(&e.why, Why::Symlink(at) if at == "deploy"), "{e}");
    assert!(
        fs.check_writable(&rel("deploy/.env"), Purpose::Output)
            .is_err()
    );
    assert!(names_in(outside.path()).is_empty());

    std::fs::create_dir_all(dir.path().join("out/dir")).expect("mkdir");
    let e = fs
        .write_atomic(&rel("out/dir"), b"x", 0o600, Purpose::Output)
        .expect_err("a folder");
    assert!(matches!(e.why, Why::NotRegular("folder")), "{e}");
    assert!(fs.check_writable(&rel("out/dir"), Purpose::Output).is_err());
    symlink("dir", dir.path().join("out/link")).expect("symlink");
    let e = fs
        .write_atomic(&rel("out/link"), b"x", 0o600, Purpose::Output)
        .expect_err("a symlink");
    assert!(matches!(e.why, Why::Symlink(_)), "{e}");
    std::fs::write(dir.path().join("out/file"), "x").expect("write");
    let e = fs
        .write_atomic(&rel("out/file/x"), b"x", 0o600, Purpose::Output)
        .expect_err("not a folder");
    assert!(
        matches!(&e.why, Why::NotAFolder(at) if at == "out/file"),
        "{e}"
    );
    assert_eq!(names_in(&dir.path().join("out")), ["dir", "file", "link"]);
}

#[test]
fn a_folder_swapped_for_a_symlink_after_the_check_is_not_written_through() {
    let (dir, fs) = project();
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("deploy")).expect("mkdir");
    fs.check_writable(&rel("deploy/.env"), Purpose::Output)
        .expect("a real folder");
    // What apply's confirmation prompt gave an attacker time to do.
    std::fs::rename(dir.path().join("deploy"), dir.path().join("old")).expect("move");
    symlink(outside.path(), dir.path().join("deploy")).expect("symlink");
    let e = fs
        .write_atomic(&rel("deploy/.env"), b"SECRET=1\n", 0o600, Purpose::Output)
        .expect_err("swapped");
    assert!(matches!(e.why, Why::Symlink(_)), "{e}");
    assert!(names_in(outside.path()).is_empty());
}

#[test]
fn a_failed_write_leaves_no_temp_file() {
    let (dir, fs) = project();
    std::fs::create_dir(dir.path().join("deploy")).expect("mkdir");
    // The rename fails: the target became a non-empty folder after the check.
    std::fs::create_dir_all(dir.path().join("deploy/.env/x")).expect("mkdir");
    assert!(
        fs.write_atomic(&rel("deploy/.env"), b"A=1\n", 0o600, Purpose::Output)
            .is_err()
    );
    assert_eq!(names_in(&dir.path().join("deploy")), [".env"]);
}

#[test]
fn removes_stale_temp_files_only() {
    let (dir, fs) = project();
    std::fs::create_dir_all(dir.path().join("deploy/dev")).expect("mkdir");
    std::fs::write(dir.path().join("deploy/dev/.cfgc-.env.0a1b2c.tmp"), "x").expect("write");
    std::fs::write(dir.path().join("deploy/dev/.env"), "x").expect("write");
    std::fs::write(dir.path().join("deploy/keep.tmp"), "x").expect("write");
    assert_eq!(fs.remove_stale_temps(&rel("deploy")).expect("clean"), 1);
    assert_eq!(names_in(&dir.path().join("deploy/dev")), [".env"]);
    assert_eq!(fs.remove_stale_temps(&rel("absent")).expect("clean"), 0);
}

#[test]
fn locks_are_exclusive_and_refuse_a_symlink() {
    let (dir, fs) = project();
    let held = fs.lock(&rel(".cfgc.lock")).expect("lock");
    let file = std::fs::File::open(dir.path().join(".cfgc.lock")).expect("open");
    assert!(matches!(
        file.try_lock(),
        Err(std::fs::TryLockError::WouldBlock)
    ));
    drop(held);
    file.try_lock().expect("released on drop");

    let outside = tempfile::tempdir().expect("temp dir");
    symlink(outside.path().join("made"), dir.path().join("s.lock")).expect("symlink");
    let e = fs.lock(&rel("s.lock")).expect_err("a symlink");
    assert!(matches!(e.why, Why::Symlink(_)), "{e}");
    assert!(names_in(outside.path()).is_empty());
}

#[test]
fn a_staged_file_is_in_place_only_once_committed_and_dropping_it_leaves_nothing() {
    let (dir, fs) = project();
    std::fs::create_dir(dir.path().join("out")).expect("mkdir");
    std::fs::write(dir.path().join("out/a"), "old").expect("write");
    let staged = fs
        .stage(&rel("out/a"), b"new", 0o640, Purpose::Output)
        .expect("stage");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out/a")).expect("read"),
        "old"
    );
    staged.commit().expect("commit");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out/a")).expect("read"),
        "new"
    );
    let mode = std::fs::metadata(dir.path().join("out/a"))
        .expect("stat")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o640);
    drop(
        fs.stage(&rel("out/a"), b"never", 0o600, Purpose::Output)
            .expect("stage"),
    );
    assert_eq!(names_in(&dir.path().join("out")), vec!["a"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out/a")).expect("read"),
        "new"
    );
}

#[test]
fn a_symlink_put_in_place_of_a_staged_target_is_refused_at_commit() {
    let (dir, fs) = project();
    let outside = tempfile::tempdir().expect("temp dir");
    let staged = fs
        .stage(&rel("a"), b"secret", 0o600, Purpose::Output)
        .expect("stage");
    symlink(outside.path().join("victim"), dir.path().join("a")).expect("symlink");
    let e = staged.commit().expect_err("a symlink is never replaced");
    assert!(matches!(e.why, Why::Symlink(_)), "{e}");
    assert!(!outside.path().join("victim").exists());
    assert_eq!(names_in(dir.path()), vec!["a"]);
}

fn with_inputs(fs: &mut ProjectFs) {
    let mut inputs = Inputs::default();
    inputs.add(rel("env/base.yaml"), Input::Layer);
    inputs.add(rel("env/dev.secrets.yaml"), Input::Secrets("dev".into()));
    fs.set_inputs(inputs);
}

#[test]
fn a_write_over_an_input_is_refused_unless_it_is_the_input_the_write_is_for() {
    let (_dir, mut fs) = project();
    with_inputs(&mut fs);
    let e = fs
        .write_atomic(&rel("env/base.yaml"), b"A=1\n", 0o600, Purpose::Output)
        .expect_err("an output never replaces a layer");
    assert_eq!(
        e.to_string(),
        "cannot write `env/base.yaml`: it is a layer, one of the project's inputs, which cfgc never writes over"
    );
    assert!(
        fs.check_writable(&rel("env/base.yaml"), Purpose::Secrets("dev"))
            .is_err()
    );
    fs.check_writable(&rel("env/base.yaml"), Purpose::Layer)
        .expect("import edits a layer");
    fs.check_writable(&rel("env/dev.secrets.yaml"), Purpose::Secrets("dev"))
        .expect("dev's own secrets file");
    let e = fs
        .check_writable(&rel("env/dev.secrets.yaml"), Purpose::Secrets("prod"))
        .expect_err("another environment's secrets file");
    assert!(e.to_string().contains("the secrets file of `dev`"), "{e}");
}

#[test]
fn an_input_read_through_a_symlink_inside_is_refused_where_it_really_is() {
    let (dir, mut fs) = project();
    std::fs::create_dir(dir.path().join("conf")).expect("mkdir");
    std::fs::write(dir.path().join("conf/base.yaml"), "A: 1\n").expect("write");
    symlink("conf", dir.path().join("env")).expect("symlink");
    with_inputs(&mut fs);
    let e = fs
        .write_atomic(&rel("conf/base.yaml"), b"B: 2\n", 0o644, Purpose::Output)
        .expect_err("the layer, by its real path");
    assert!(e.to_string().contains("it is a layer"), "{e}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("conf/base.yaml")).expect("read"),
        "A: 1\n"
    );
}
