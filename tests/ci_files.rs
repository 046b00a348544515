//! The CI integration files other projects copy: `.pre-commit-hooks.yaml` as pre-commit
//! itself validates it, and the example GitHub Actions workflow against the GitHub
//! workflow schema check-jsonschema ships (`vendor.github-workflows`, offline; actionlint's
//! PyPI package downloads its binary from GitHub at install time, which CI cannot count on).

use crate::common::{repo, tools};

#[test]
fn pre_commit_hooks_validate_with_pre_commit() {
    let home = tempfile::tempdir().expect("temp dir");
    let out = tools::output(
        tools::command("pre-commit")
            .args(["validate-manifest", ".pre-commit-hooks.yaml"])
            .current_dir(repo())
            .env("PRE_COMMIT_HOME", home.path()),
    );
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(repo().join(".pre-commit-hooks.yaml")).expect("read");
    assert!(text.contains("- id: cfgc-check\n"), "{text}");
    assert!(text.contains("  entry: cfgc check\n"), "{text}");
    assert!(text.contains("  pass_filenames: false\n"), "{text}");
}

#[test]
fn the_example_workflow_is_a_valid_github_workflow() {
    let out = tools::output(
        tools::command("check-jsonschema")
            .args([
                "--builtin-schema",
                "vendor.github-workflows",
                "docs/examples/cfgc.yml",
            ])
            .current_dir(repo()),
    );
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(repo().join("docs/examples/cfgc.yml")).expect("read");
    for step in [
        "cfgc check --format github",
        "cfgc plan --format github --exit-code --no-decrypt",
        "cfgc docs --check",
        "cfgc plan --format markdown --no-decrypt",
    ] {
        assert!(text.contains(step), "{step} in {text}");
    }
}
