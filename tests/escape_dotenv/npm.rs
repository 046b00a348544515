//! The npm `.env` readers, each in two installs: the releases cfgc was first checked against
//! (`target/node-readers`) and the current ones (`target/node-readers-current`, where
//! dotenv-expand 1000 runs `$(…)` as a shell command). `scripts/test` installs both; a missing
//! one fails the test with how to install it. Each reader is named with its version.
//!
//! A reader runs in an empty folder of its own, which must still be empty afterwards: a value
//! that made a reader run a command (`$(touch PWNED)`) shows up as a file there.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::{Vars, checked};
use crate::common::tools;

/// Reads a file with npm `dotenv` + `dotenv-expand` (unless told `no-expand`) and with
/// dotenvx, as a Node app would (`dotenv.config()` then `expand()`; `dotenvx.config()`),
/// each into an empty environment so nothing of the test's own leaks in, and each in its own
/// empty folder. Prints `{"expand": {"ok": {...}} or {"err": "..."}, "dotenvx": ...}`.
const NPM_READERS: &str = r#"
const [dir, file, expandCwd, dotenvxCwd, mode] = process.argv.slice(1);
const req = (name) => require(require('path').join(dir, 'node_modules', name));
const attempt = (read) => {
  try { return { ok: read() }; } catch (e) { return { err: String((e && e.message) || e) }; }
};
const expand = mode === 'no-expand' ? null : attempt(() => {
  const parsed = req('dotenv').parse(require('fs').readFileSync(file));
  process.chdir(expandCwd);
  return req('dotenv-expand').expand({ parsed, processEnv: {} }).parsed;
});
const dotenvx = attempt(() => {
  process.chdir(dotenvxCwd);
  const env = {};
  const result = req('@dotenvx/dotenvx').config({ path: file, processEnv: env, quiet: true });
  if (result.error) { throw result.error; }
  return env;
});
process.stdout.write(JSON.stringify({ expand, dotenvx }));
"#;

const PACKAGES: [&str; 3] = ["dotenv", "dotenv-expand", "@dotenvx/dotenvx"];

/// One install of the three packages, and the names its two readings go by.
pub struct Install {
    dir: PathBuf,
    /// `dotenv 17.2.3 + dotenv-expand 12.0.3`.
    pub expand: String,
    /// `dotenvx 1.59.1`.
    pub dotenvx: String,
}

/// Both installs, checked once: the pinned releases and the current ones.
pub fn installs() -> &'static [Install; 2] {
    static INSTALLS: OnceLock<[Install; 2]> = OnceLock::new();
    INSTALLS.get_or_init(|| [install("node-readers"), install("node-readers-current")])
}

fn install(folder: &str) -> Install {
    let dir = crate::common::repo().join("target").join(folder);
    let version = |package: &str| {
        let manifest = dir.join("node_modules").join(package).join("package.json");
        let text = std::fs::read_to_string(&manifest).unwrap_or_else(|_| {
            panic!(
                "npm `{package}` is not installed in {}: {}",
                dir.display(),
                tools::install_hint(folder)
            )
        });
        let manifest: serde_json::Value =
            serde_json::from_str(&text).expect("a package.json is JSON");
        manifest["version"]
            .as_str()
            .expect("a package.json has a version")
            .to_string()
    };
    let [dotenv, expand, dotenvx] = PACKAGES.map(version);
    Install {
        expand: format!("dotenv {dotenv} + dotenv-expand {expand}"),
        dotenvx: format!("dotenvx {dotenvx}"),
        dir,
    }
}

/// What `install`'s readers made of `file`, dotenv-expand left out unless `expand`:
/// `[(name with versions, variables or why not)]`.
pub fn read(install: &Install, file: &Path, expand: bool) -> Vec<(String, Result<Vars, String>)> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Outcome {
        Ok(Vars),
        Err(String),
    }
    #[derive(serde::Deserialize)]
    struct Both {
        expand: Option<Outcome>,
        dotenvx: Outcome,
    }
    let [expand_cwd, dotenvx_cwd] = [(); 2].map(|()| tempfile::tempdir().expect("temp dir"));
    let output = tools::output(
        tools::command("node")
            .args(["-e", NPM_READERS])
            .arg(&install.dir)
            .arg(file)
            .arg(expand_cwd.path())
            .arg(dotenvx_cwd.path())
            .arg(if expand { "expand" } else { "no-expand" })
            .env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin"),
    );
    let names = format!("{} and {}", install.expand, install.dotenvx);
    let both = checked(output, &names).and_then(|stdout| {
        serde_json::from_slice::<Both>(&stdout).map_err(|err| format!("{names}: {err}"))
    });
    let outcome = |reader: &str, outcome: Outcome| match outcome {
        Outcome::Ok(vars) => Ok(vars),
        Outcome::Err(why) => Err(format!("{reader} failed: {why}")),
    };
    let (expanded, dotenvx) = match both {
        Ok(both) => (
            both.expand.map(|o| outcome(&install.expand, o)),
            outcome(&install.dotenvx, both.dotenvx),
        ),
        Err(err) => (expand.then(|| Err(err.clone())), Err(err)),
    };
    let mut readings = Vec::new();
    if let Some(expanded) = expanded {
        let expanded = ran_nothing(&install.expand, expand_cwd.path(), expanded);
        readings.push((install.expand.clone(), expanded));
    }
    let dotenvx = ran_nothing(&install.dotenvx, dotenvx_cwd.path(), dotenvx);
    readings.push((install.dotenvx.clone(), dotenvx));
    readings
}

/// `read` unless the reader left something in its empty folder: it ran a command.
fn ran_nothing(reader: &str, dir: &Path, read: Result<Vars, String>) -> Result<Vars, String> {
    match ran_something(dir) {
        Some(left) => Err(format!("{reader} ran a command: it left {left:?} behind")),
        None => read,
    }
}

/// The names a command left in the readers' empty folder, if it left any.
fn ran_something(dir: &Path) -> Option<Vec<String>> {
    let left: Vec<String> = std::fs::read_dir(dir)
        .expect("read the readers' folder")
        .map(|entry| {
            entry
                .expect("a folder entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    (!left.is_empty()).then_some(left)
}
