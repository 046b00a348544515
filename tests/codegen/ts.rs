//! The pinned TypeScript tools (`scripts/test` installs `typescript` and `zod` into
//! `target/ts-tools`) and the generated loader compiled with them into a project's folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::{Project, repo, tools};

/// `target/ts-tools/node_modules`; missing, the test fails with how to install it.
pub fn node_modules() -> PathBuf {
    let dir = repo().join("target/ts-tools/node_modules");
    assert!(
        dir.join("typescript/bin/tsc").is_file() && dir.join("zod/package.json").is_file(),
        "the pinned TypeScript tools are not installed: {}",
        tools::install_hint("ts-tools")
    );
    dir
}

/// `tsc` with `args`, in `dir`.
pub fn tsc(dir: &Path, args: &[&str]) -> Output {
    let tsc = node_modules().join("typescript/bin/tsc");
    tools::output(
        Command::new("node")
            .arg(tsc)
            .args(["--strict", "--target", "es2022", "--module", "nodenext"])
            .args(["--moduleResolution", "nodenext"])
            .args(args)
            .current_dir(dir),
    )
}

/// `text` (a generated loader) as `<dir>/config.ts` in the project, with the pinned
/// `node_modules` linked beside it; checked by `tsc --strict --noEmit`.
pub fn strict_check(p: &Project, dir: &str, text: &str) {
    place(p, dir, text);
    let out = tsc(&p.path(dir), &["--noEmit", "config.ts"]);
    assert!(
        out.status.success(),
        "tsc --strict --noEmit failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `text` compiled to `<dir>/out/config.js`, which Node can `require`.
pub fn compile(p: &Project, dir: &str, text: &str) -> PathBuf {
    place(p, dir, text);
    let out = tsc(&p.path(dir), &["--outDir", "out", "config.ts"]);
    assert!(
        out.status.success(),
        "tsc failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    p.path(dir).join("out/config.js")
}

fn place(p: &Project, dir: &str, text: &str) {
    let dir = p.path(dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("config.ts"), text).expect("write config.ts");
    let link = dir.join("node_modules");
    if !link.exists() {
        std::os::unix::fs::symlink(node_modules(), link).expect("link node_modules");
    }
}

/// The loader `cfgc codegen typescript` prints for `p`.
pub fn generated(p: &Project) -> String {
    p.args(["codegen", "typescript"]).status(0).run().stdout
}
