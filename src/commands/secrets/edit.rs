//! `cfgc secrets edit ENV`: the decrypted values in a YAML file inside a private (0700)
//! folder, in memory where the system has one (`scratch`), opened in $VISUAL or $EDITOR.
//! Afterwards only changed values are sealed again. The folder is removed on every path
//! out: success, error, or a signal (Ctrl-C, SIGTERM, SIGHUP are caught while the editor
//! runs); what a `kill -9` leaves is removed by the next edit.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use secrecy::ExposeSecret;
use zeroize::Zeroizing;

use super::context::{self, Context};
use super::edit_rounds::Refused;
use super::values::name_problem;
use crate::cli::Config;
use crate::commands::{Outcome, say};
use crate::diagnostic::{Code, Diagnostic};
use crate::node::Kind;
use crate::pipeline::Keyring;
use crate::secrets::crypto::Plaintext;
use crate::secrets::file::{Change, update};
use crate::source::{FileId, Source, SourceMap, Span};

pub fn run(config: &Config, environment: &str) -> Result<Outcome, Outcome> {
    let ctx = context::load_to_write(config, &[environment.to_string()], true)?;
    let env = ctx.env();
    ctx.secrets_path(env)?;
    let editor = config
        .editor
        .clone()
        .filter(|e| !e.trim().is_empty())
        .ok_or_else(|| {
            ctx.emit(&[Diagnostic::new(
                Code::NoEditor,
                "no editor: neither VISUAL nor EDITOR is set",
            )
            .help(format!(
                "set EDITOR (e.g. `EDITOR=nano cfgc secrets edit {}`), or use `cfgc secrets set`",
                env.name
            ))])
        })?;
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        let flag = interrupted.clone();
        // Fails only if a handler is already set, which nothing else in cfgc does.
        let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    }

    let keyring = Keyring::from_sources(config.identity_sources.clone());
    let (file, key, current) = ctx.open_or_create(env, &keyring)?;

    let dir = super::scratch::Scratch::create()
        .map_err(|e| io_error(&ctx, "cannot create a private temporary folder", &e))?;
    let path = dir.path().join(format!("{}.secrets.yaml", env.name));
    let wanted = super::edit_rounds::until_valid(
        &ctx,
        plaintext_file(&ctx, env, &current),
        |shown| edit_once(&ctx, &editor, &interrupted, &path, shown),
        |saved| validate(&ctx, env, &current, saved),
    )?;
    drop(dir);

    let changed = changed_values(&current, &wanted);
    let removed: Vec<&String> = current
        .keys()
        .filter(|k| !wanted.contains_key(*k))
        .collect();
    if changed.is_empty() && removed.is_empty() && ctx.parsed(env).is_some() {
        say(
            config,
            &format!("no changes to {}\n", ctx.display_name(env)),
        );
        return Ok(Outcome::OK);
    }
    let summary = format!(
        "{} ({}): {} changed or added, {} removed\n",
        ctx.display_name(env),
        env.name,
        changed.len(),
        removed.len()
    );
    let mut changes: BTreeMap<String, Change> = removed
        .into_iter()
        .map(|k| (k.clone(), Change::Remove))
        .collect();
    let changed_names: Vec<String> = changed.iter().map(|(k, _)| k.to_string()).collect();
    let mut wanted = wanted;
    for name in changed_names {
        if let Some(v) = wanted.remove(&name) {
            changes.insert(name, Change::Set(v));
        }
    }
    let next = update(&file, &key, &current, changes);
    ctx.write(env, &next)?;
    say(config, &summary);
    say(config, &ctx.recipients_note(env));
    Ok(Outcome::OK)
}

/// One round: the copy written, the editor run on it, what it saved read back and
/// removed. An interruption or a failing editor ends the run with nothing changed.
fn edit_once(
    ctx: &Context,
    editor: &str,
    interrupted: &AtomicBool,
    path: &Path,
    shown: &str,
) -> Result<Zeroizing<String>, Outcome> {
    write_private(path, shown).map_err(|e| io_error(ctx, "cannot write the decrypted copy", &e))?;
    let status = std::process::Command::new("sh")
        .arg("-c")
        // Through the shell, as git does, so EDITOR may carry arguments (`code --wait`).
        .arg(format!("exec {editor} \"$1\""))
        .arg("cfgc-editor")
        .arg(path)
        .status();
    if interrupted.load(Ordering::SeqCst) {
        return Err(ctx.emit(&[Diagnostic::new(
            Code::Interrupted,
            "interrupted: nothing was changed",
        )
        .note("the decrypted copy was removed")]));
    }
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => {
            return Err(ctx.emit(&[Diagnostic::new(
                Code::EditorFailed,
                format!("the editor `{editor}` exited with {s}: nothing was changed"),
            )
            .note("the decrypted copy was removed")]));
        }
        Err(e) => {
            return Err(ctx.emit(&[Diagnostic::new(
                Code::EditorFailed,
                format!("cannot run the editor `{editor}`: {e}"),
            )
            .help("set VISUAL or EDITOR to an editor on your PATH")]));
        }
    }
    let saved = Zeroizing::new(
        std::fs::read_to_string(path)
            .map_err(|e| io_error(ctx, "cannot read the edited copy", &e))?,
    );
    // `write_private` creates the next round's copy anew.
    std::fs::remove_file(path).map_err(|e| io_error(ctx, "cannot remove the edited copy", &e))?;
    Ok(saved)
}

/// The saved copy as name → value, if its names and changed values are ones the schema
/// accepts.
fn validate(
    ctx: &Context,
    env: &crate::project::Environment,
    current: &BTreeMap<String, Plaintext>,
    saved: &str,
) -> Result<BTreeMap<String, Plaintext>, Refused> {
    let wanted = parse_edited(ctx, env, saved)?;
    let names: Vec<Diagnostic> = wanted
        .keys()
        .filter_map(|name| name_problem(ctx, env, name))
        .collect();
    if !names.is_empty() {
        return Err(Refused {
            diagnostics: names,
            sources: None,
        });
    }
    let changed = changed_values(current, &wanted);
    let found = ctx.check_values(env, current, &changed);
    if !found.is_empty() {
        return Err(Refused {
            diagnostics: found,
            sources: None,
        });
    }
    Ok(wanted)
}

/// The names whose value is new or differs from the file's.
fn changed_values<'a>(
    current: &BTreeMap<String, Plaintext>,
    wanted: &'a BTreeMap<String, Plaintext>,
) -> Vec<(&'a str, &'a Plaintext)> {
    wanted
        .iter()
        .filter(|(k, v)| {
            current
                .get(*k)
                .is_none_or(|old| old.expose_secret() != v.expose_secret())
        })
        .map(|(k, v)| (k.as_str(), v))
        .collect()
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(text.as_bytes())
}

fn io_error(ctx: &Context, what: &str, e: &std::io::Error) -> Outcome {
    ctx.emit(&[Diagnostic::new(Code::Io, format!("{what}: {e}")).note("nothing was changed")])
}

fn plaintext_file(
    ctx: &Context,
    env: &crate::project::Environment,
    current: &BTreeMap<String, Plaintext>,
) -> Zeroizing<String> {
    let mut text = Zeroizing::new(format!(
        "# Secrets of environment `{}` ({}), decrypted.\n\
         # Edit, save and quit: changed values are encrypted again; delete a line to remove\n\
         # a secret. This copy is removed when the editor exits. Lines starting with # are ignored.\n",
        env.name,
        ctx.display_name(env)
    ));
    for (name, value) in current {
        text.push_str(&crate::secrets::file::yaml_scalar(name));
        text.push_str(": ");
        text.push_str(&crate::secrets::file::yaml_scalar(value.expose_secret()));
        text.push('\n');
    }
    let unset: Vec<&String> = ctx
        .loaded
        .schema
        .secrets
        .iter()
        .filter(|s| !current.contains_key(*s))
        .collect();
    if !unset.is_empty() {
        text.push_str("# Not set yet (uncomment to add):\n");
        for name in unset {
            text.push_str(&format!("# {name}: \n"));
        }
    }
    text
}

/// The edited copy as name → value. Errors show the line but never its text: the whole
/// copy is plaintext.
fn parse_edited(
    ctx: &Context,
    env: &crate::project::Environment,
    text: &str,
) -> Result<BTreeMap<String, Plaintext>, Refused> {
    let mut sources = SourceMap::default();
    let name = format!("{} (decrypted copy)", ctx.display_name(env));
    let id = sources.add(Source::new(name, "edited".into(), text.to_string()));
    sources.redact(Span::new(id, 0, text.len()));
    let fail = |d: Diagnostic, sources: SourceMap| Refused {
        diagnostics: vec![d.note("nothing was changed; the decrypted copy was removed")],
        sources: Some(sources),
    };
    let parsed = crate::yaml::parse(FileId(id.0), sources.get(id));
    let node = match parsed {
        Ok(node) => node,
        Err(d) => return Err(fail(d, sources)),
    };
    let Some(map) = node.as_map() else {
        return Err(fail(
            Diagnostic::new(
                Code::Edit,
                "the edited copy must be a mapping of secret names to values",
            )
            .at(node.span),
            sources,
        ));
    };
    let mut out = BTreeMap::new();
    for (key, entry) in map {
        let value = match &entry.node.kind {
            Kind::Str(s) => s.clone(),
            Kind::Int(_) | Kind::Float(_) | Kind::Bool(_) => {
                text[entry.node.span.start as usize..entry.node.span.end as usize].to_string()
            }
            _ => {
                let d = Diagnostic::new(Code::Edit, format!("`{key}` has no text value"))
                    .at(entry.key_span)
                    .key(key)
                    .help("give it a value, or delete the line to remove the secret");
                return Err(fail(d, sources));
            }
        };
        out.insert(key.clone(), Plaintext::from(value));
    }
    Ok(out)
}
