//! `cfgc git-setup`: makes a clone merge secrets files name by name and show them by name
//! in `git diff`: `.gitattributes` entries for the secrets files (kept with the project),
//! and the clone's own git config for the two drivers (git never takes driver commands
//! from the repository, so each clone runs this once).
//!
//! The drivers name this binary by its absolute path unless `--program` says otherwise:
//! git runs them from GUIs, IDEs and hooks whose PATH may not hold cfgc, and a wrong cfgc
//! on PATH would be worse than none. After moving cfgc, run `cfgc git-setup` again.

use crate::cli::Config;
use crate::commands::{Outcome, say};
use crate::diagnostic::{Code, Diagnostic};
use crate::fs::{Purpose, RelPath, Role};
use crate::git;
use crate::project::Project;
use crate::source::SourceMap;

const DRIVER: &str = "cfgc-secrets";

pub fn run(config: &Config, program: Option<&str>) -> Outcome {
    let mut sources = SourceMap::default();
    let loaded = match crate::pipeline::load_for_secrets(config, &[], true, &mut sources) {
        Ok(l) => l,
        Err(errors) => return crate::commands::emit(&errors, &sources, config.color_err),
    };
    let project = &loaded.project;
    let fail = |d: Diagnostic| crate::commands::emit(&[d], &sources, config.color_err);
    let prefix = match git::prefix(&project.root) {
        Ok(p) => p,
        Err(e) => return fail(e.diagnostic()),
    };
    let program = match program {
        Some(p) => p.to_string(),
        None => match this_program() {
            Ok(p) => p,
            Err(d) => return fail(d),
        },
    };
    let settings = driver_settings(&program, &prefix);
    // .gitattributes is checked before git's config is touched: a refused file leaves both
    // as they were.
    let rel = RelPath::parse(".gitattributes").expect("a valid relative path");
    if let Err(e) = project.fs.check_writable(&rel, Purpose::Output) {
        return fail(e.diagnostic().note("nothing was written"));
    }
    for (key, value) in &settings {
        if let Err(e) = git::set_config(&project.root, key, value) {
            return fail(e.diagnostic());
        }
    }

    let patterns = patterns(
        project
            .environments
            .iter()
            .filter_map(|e| e.secrets.as_ref())
            .map(|s| s.value.rel.as_str()),
    );
    let wrote = match update_attributes(project, &rel, &patterns) {
        Ok(wrote) => wrote,
        Err(d) => return fail(d),
    };
    let mut text = format!(
        "{} .gitattributes ({})\n",
        if wrote { "updated" } else { "unchanged:" },
        patterns.join(", ")
    );
    for (key, value) in &settings {
        text.push_str(&format!("git config {key} = {value}\n"));
    }
    text.push_str("commit .gitattributes; every clone runs `cfgc git-setup` once\n");
    say(config, &text);
    Outcome::OK
}

/// This binary's absolute path, quoted for the shell git runs drivers with.
fn this_program() -> Result<String, Diagnostic> {
    match std::env::current_exe() {
        Ok(exe) => Ok(shell_quote(&exe.to_string_lossy())),
        Err(e) => Err(
            Diagnostic::new(Code::Io, format!("cannot find this program's path: {e}"))
                .help("name it with `--program cfgc`"),
        ),
    }
}

/// The clone's git config for the two drivers; `prefix` is the project's folder within
/// the repository.
fn driver_settings(program: &str, prefix: &str) -> [(String, String); 3] {
    // Git runs drivers from the repository's root; `-C` finds the project from there.
    let project_arg = if prefix.is_empty() {
        String::new()
    } else {
        format!(" -C {}", shell_quote(prefix))
    };
    [
        (
            format!("merge.{DRIVER}.name"),
            "cfgc secrets files, merged name by name".to_string(),
        ),
        (
            format!("merge.{DRIVER}.driver"),
            format!("{program}{project_arg} secrets merge %O %A %B %P"),
        ),
        (
            format!("diff.{DRIVER}.textconv"),
            format!("{program} secrets textconv"),
        ),
    ]
}

/// Writes `.gitattributes` (at `rel`) with entries for `patterns`, if it lacks them;
/// whether it was written.
fn update_attributes(
    project: &Project,
    rel: &RelPath,
    patterns: &[String],
) -> Result<bool, Diagnostic> {
    let old = match project.fs.read_if_exists(rel, Role::Layer) {
        Ok(bytes) => String::from_utf8_lossy(&bytes.unwrap_or_default()).into_owned(),
        Err(e) => return Err(e.diagnostic()),
    };
    let new = attributes(&old, patterns);
    let wrote = new != old;
    if wrote
        && let Err(e) = project
            .fs
            .write_atomic(rel, new.as_bytes(), 0o644, Purpose::Output)
    {
        return Err(e.diagnostic());
    }
    Ok(wrote)
}

/// The patterns for the declared secrets files: `*.secrets.yaml` for those named so (the
/// convention, and it covers files added later), else the file's own path.
fn patterns<'a>(declared: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = declared
        .map(|rel| {
            if rel.ends_with(".secrets.yaml") {
                "*.secrets.yaml".to_string()
            } else {
                format!("/{}", rel.replace(' ', "[[:space:]]"))
            }
        })
        .collect();
    if out.is_empty() {
        out.push("*.secrets.yaml".to_string());
    }
    out.sort();
    out.dedup();
    out
}

/// `old` with one line per pattern saying `merge=cfgc-secrets diff=cfgc-secrets`: a line
/// for the same pattern is replaced in place, other lines are kept as they are.
fn attributes(old: &str, patterns: &[String]) -> String {
    let want = |p: &str| format!("{p} merge={DRIVER} diff={DRIVER}");
    let mut out = String::new();
    let mut done = Vec::new();
    for line in old.lines() {
        let pattern = line.split_whitespace().next().unwrap_or("");
        if let Some(p) = patterns.iter().find(|p| p.as_str() == pattern) {
            if !done.contains(p) {
                out.push_str(&want(p));
                out.push('\n');
                done.push(p.clone());
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    for p in patterns.iter().filter(|p| !done.contains(p)) {
        out.push_str(&want(p));
        out.push('\n');
    }
    out
}

/// `s` as one word for the shell git runs drivers with.
fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_idempotent_and_keep_other_lines() {
        let patterns = vec!["*.secrets.yaml".to_string()];
        let old = "*.png binary\n*.secrets.yaml diff=old\n";
        let once = attributes(old, &patterns);
        assert_eq!(
            once,
            "*.png binary\n*.secrets.yaml merge=cfgc-secrets diff=cfgc-secrets\n"
        );
        assert_eq!(attributes(&once, &patterns), once);
        assert_eq!(
            attributes("", &patterns),
            "*.secrets.yaml merge=cfgc-secrets diff=cfgc-secrets\n"
        );
    }

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("/usr/bin/cfgc"), "/usr/bin/cfgc");
        assert_eq!(shell_quote("/a b/it's"), "'/a b/it'\\''s'");
    }
}
