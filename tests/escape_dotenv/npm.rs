//! The npm `.env` readers, each in two installs: the releases cfgc was first checked against
//! (`target/node-readers`) and the current ones (`target/node-readers-current`, where
//! dotenv-expand 1000 runs `$(…)` as a shell command). `scripts/test` installs both; a missing
//! one fails the test with how to install it. Each reader is named with its version; dotenv
//! 18's second parser (`{ fast: true }`, or `DOTENV_FAST`) is a reader of its own. Files
//! `dotenv-literal` writes are read by npm dotenv alone, without dotenv-expand.
//!
//! A reader runs in an empty folder of its own, which must still be empty afterwards: a value
//! that made a reader run a command (`$(touch PWNED)`) shows up as a file there.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::{Vars, checked};
use crate::common::tools;

/// Reads a file with npm `dotenv` (then `dotenv-expand`, unless told `no-expand`), with
/// dotenv's `{ fast: true }` parser too when told `fast`, and with dotenvx, as a Node app
/// would (`dotenv.config()` then `expand()`; `dotenvx.config()`): each into an empty
/// environment so nothing of the test's own leaks in, and each in its own empty folder (the
/// last arguments). Prints `{"dotenv": {"ok": {...}} or {"err": "..."}, "fast": … or null,
/// "dotenvx": …}`.
const NPM_READERS: &str = r#"
const [dir, file, mode, fast, ...cwds] = process.argv.slice(1);
const req = (name) => require(require('path').join(dir, 'node_modules', name));
const attempt = (cwd, read) => {
  process.chdir(cwd);
  try { return { ok: read() }; } catch (e) { return { err: String((e && e.message) || e) }; }
};
const viaDotenv = (options) => {
  const parsed = req('dotenv').parse(require('fs').readFileSync(file), options);
  return mode === 'expand' ? req('dotenv-expand').expand({ parsed, processEnv: {} }).parsed : parsed;
};
const dotenv = attempt(cwds[0], () => viaDotenv({}));
const fastRead = fast === 'fast' ? attempt(cwds[1], () => viaDotenv({ fast: true })) : null;
const dotenvx = attempt(cwds[2], () => {
  const env = {};
  const result = req('@dotenvx/dotenvx').config({ path: file, processEnv: env, quiet: true });
  if (result.error) { throw result.error; }
  return env;
});
process.stdout.write(JSON.stringify({ dotenv, fast: fastRead, dotenvx }));
"#;

const PACKAGES: [&str; 3] = ["dotenv", "dotenv-expand", "@dotenvx/dotenvx"];

/// One install of the three packages, and the versions its readings are named with.
pub struct Install {
    dir: PathBuf,
    dotenv: String,
    expand: String,
    dotenvx: String,
}

impl Install {
    /// `dotenv 17.2.3 + dotenv-expand 12.0.3`, or `dotenv 17.2.3` alone.
    fn dotenv_name(&self, expand: bool, fast: bool) -> String {
        let options = if fast { " {fast: true}" } else { "" };
        match expand {
            true => format!(
                "dotenv {}{options} + dotenv-expand {}",
                self.dotenv, self.expand
            ),
            false => format!("dotenv {}{options}", self.dotenv),
        }
    }

    /// dotenv 18 has a second parser, chosen with `{ fast: true }` or `DOTENV_FAST`.
    fn has_fast_parser(&self) -> bool {
        self.dotenv
            .split('.')
            .next()
            .and_then(|major| major.parse::<u32>().ok())
            .is_some_and(|major| major >= 18)
    }
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
        dotenv,
        expand,
        dotenvx,
        dir,
    }
}

/// What `install`'s readers made of `file`, dotenv read without dotenv-expand unless
/// `expand`: `[(name with versions, variables or why not)]`.
pub fn read(install: &Install, file: &Path, expand: bool) -> Vec<(String, Result<Vars, String>)> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Outcome {
        Ok(Vars),
        Err(String),
    }
    #[derive(serde::Deserialize)]
    struct All {
        dotenv: Outcome,
        fast: Option<Outcome>,
        dotenvx: Outcome,
    }
    let fast = install.has_fast_parser();
    let names = [
        Some(install.dotenv_name(expand, false)),
        fast.then(|| install.dotenv_name(expand, true)),
        Some(format!("dotenvx {}", install.dotenvx)),
    ];
    let cwds = [(); 3].map(|()| tempfile::tempdir().expect("temp dir"));
    let output = tools::output(
        tools::command("node")
            .args(["-e", NPM_READERS])
            .arg(&install.dir)
            .arg(file)
            .arg(if expand { "expand" } else { "no-expand" })
            .arg(if fast { "fast" } else { "no-fast" })
            .args(cwds.iter().map(|d| d.path()))
            .env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin"),
    );
    let all = checked(output, "the npm readers").and_then(|stdout| {
        serde_json::from_slice::<All>(&stdout).map_err(|err| format!("npm readers: {err}"))
    });
    let outcomes: [Option<Result<Vars, String>>; 3] = match all {
        Ok(all) => [Some(all.dotenv), all.fast, Some(all.dotenvx)].map(|o| {
            o.map(|o| match o {
                Outcome::Ok(vars) => Ok(vars),
                Outcome::Err(why) => Err(format!("failed: {why}")),
            })
        }),
        Err(err) => [(); 3].map(|()| Some(Err(err.clone()))),
    };
    names
        .into_iter()
        .zip(outcomes)
        .zip(&cwds)
        .filter_map(|((name, outcome), cwd)| {
            let name = name?;
            let read = ran_nothing(cwd.path(), outcome?).map_err(|why| format!("{name}: {why}"));
            Some((name, read))
        })
        .collect()
}

/// `read` unless the reader left something in its empty folder: it ran a command.
fn ran_nothing(dir: &Path, read: Result<Vars, String>) -> Result<Vars, String> {
    match ran_something(dir) {
        Some(left) => Err(format!("ran a command: it left {left:?} behind")),
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
