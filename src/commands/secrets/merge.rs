//! `cfgc secrets merge BASE OURS THEIRS [PATH]`: git's merge driver for secrets files.
//! Values are merged name by name on their plaintexts (so two sides that set the same
//! value agree), the result is sealed under one data key with a fresh MAC and a generation
//! above both sides', and written to OURS. A conflict, a re-created side, or no identity
//! leaves OURS as it was and exits non-zero: git then reports a conflict as usual.
//!
//! BASE, OURS and THEIRS are git's temporary files, named on the command line; they are
//! read and written directly, not as project files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use secrecy::ExposeSecret;

use super::context::{self, Context};
use super::textconv::read_bounded;
use crate::cli::Config;
use crate::commands::emit;
use crate::commands::{Outcome, say};
use crate::diagnostic::{Code, Diagnostic};
use crate::pipeline::{Keyring, Opened, open_secrets_if_held};
use crate::project::Environment;
use crate::secrets::crypto::{Plaintext, seal};
use crate::secrets::file::shown::field;
use crate::secrets::file::{Parsed, SecretsFile, reseal, serialize};
use crate::secrets::history::parse_text;
use crate::secrets::review::{Concern, concerns};
use crate::source::SourceMap;

const SIDES: [&str; 3] = ["base", "ours", "theirs"];

pub fn run(config: &Config, files: [&PathBuf; 3], path: Option<&str>) -> Result<Outcome, Outcome> {
    // The path git names (`%P`) can hold any byte a file name can: shown escaped.
    let shown = field(path.unwrap_or("the secrets file")).into_owned();
    let limits = crate::fs::Limits::default();
    let texts = read_sides(config, files, &limits)?;
    // Which environment: the one OURS was written for (its MAC binds it).
    let mut scratch = SourceMap::default();
    let ours_text = texts[1].clone();
    let ours = parse_text(
        format!("{shown} (ours)"),
        files[1].clone(),
        ours_text,
        &limits,
        &mut scratch,
    )
    .map_err(|ds| crate::commands::emit(&ds, &scratch, config.color_err))?;
    let mut ctx = context::load(config, std::slice::from_ref(&ours.file.environment), true)?;
    let sides = Sides::parse(&mut ctx, files, texts, &shown, &limits)?;
    let env = ctx.env();
    sides.refuse_recreated(&ctx, env, &shown)?;
    let keyring = Keyring::from_sources(config.identity_sources.clone());
    let open = |p: &Parsed| open_side(&ctx, env, &keyring, &shown, p);
    let ours_open = open(&sides.ours)?;
    let theirs_open = open(&sides.theirs)?;
    let base_open = sides.base.as_ref().map(&open).transpose()?;
    let merged = merge_values(
        base_open.as_ref().map(|o| &o.values),
        &ours_open.values,
        &theirs_open.values,
    );
    let mut conflicts = merged.conflicts;
    let pending = merge_maps(
        sides.base.as_ref().map(|b| &b.file.pending),
        &sides.ours.file.pending,
        &sides.theirs.file.pending,
        &mut conflicts,
    );
    let take_theirs = sides.takes_theirs_key(&mut conflicts);
    if !conflicts.is_empty() {
        return Err(conflict(&ctx, env, &shown, &conflicts));
    }
    let (primary, opened) = if take_theirs {
        (&sides.theirs.file, &theirs_open)
    } else {
        (&sides.ours.file, &ours_open)
    };
    let mut next = primary.clone();
    next.pending = pending;
    next.generation = sides.ours.file.generation.max(sides.theirs.file.generation);
    seal_values(&mut next, env, primary, opened, &merged.values);
    // Under the project's write rules: never through a symlink, into `.git` or over an input.
    let purpose = crate::fs::Purpose::Secrets(&env.name);
    ctx.fs()
        .write_named(files[1], serialize(&next).as_bytes(), 0o600, purpose)
        .map_err(|e| ctx.emit(&[e.diagnostic().note("OURS is left as it was")]))?;
    say(
        config,
        &format!(
            "cfgc: merged {shown} ({}) name by name, generation {}\n",
            env.name, next.generation
        ),
    );
    Ok(Outcome::OK)
}

/// The texts of BASE, OURS and THEIRS, each within the secrets files' size limit.
fn read_sides(
    config: &Config,
    files: [&PathBuf; 3],
    limits: &crate::fs::Limits,
) -> Result<Vec<String>, Outcome> {
    let mut texts = Vec::new();
    for file in files {
        texts.push(read_bounded(file, limits.secrets).map_err(|why| {
            let name = file.display().to_string();
            let d = Diagnostic::new(Code::Io, format!("cannot read `{}`: {why}", field(&name)));
            emit(&[d], &SourceMap::default(), config.color_err)
        })?);
    }
    Ok(texts)
}

/// The three sides as parsed; an empty BASE (a file added on both sides) is none.
struct Sides {
    base: Option<Parsed>,
    ours: Parsed,
    theirs: Parsed,
}

impl Sides {
    fn parse(
        ctx: &mut Context,
        files: [&PathBuf; 3],
        texts: Vec<String>,
        shown: &str,
        limits: &crate::fs::Limits,
    ) -> Result<Sides, Outcome> {
        let mut parsed: Vec<Option<Parsed>> = Vec::new();
        for ((file, text), side) in files.iter().zip(texts).zip(SIDES) {
            if text.trim().is_empty() && side == "base" {
                parsed.push(None);
                continue;
            }
            let p = parse_text(
                format!("{shown} ({side})"),
                file.to_path_buf(),
                text,
                limits,
                &mut ctx.sources,
            )
            .map_err(|ds| ctx.emit(&ds))?;
            parsed.push(Some(p));
        }
        let [base, Some(ours), Some(theirs)] =
            <[Option<Parsed>; 3]>::try_from(parsed).expect("three sides")
        else {
            unreachable!("ours and theirs are always parsed");
        };
        Ok(Sides { base, ours, theirs })
    }

    /// A side re-created since BASE (its data key replaced without a confirmation) is
    /// never merged: that would carry the replacement over unreviewed.
    fn refuse_recreated(
        &self,
        ctx: &Context,
        env: &Environment,
        shown: &str,
    ) -> Result<(), Outcome> {
        let Some(base) = &self.base else {
            return Ok(());
        };
        for (side, file) in [("ours", &self.ours), ("theirs", &self.theirs)] {
            let recreated = concerns(&base.file, &file.file)
                .iter()
                .any(|c| matches!(c, Concern::Recreated { .. }));
            if recreated {
                let d = Diagnostic::new(
                    Code::MergeRecreated,
                    format!("{shown} ({}) was re-created on {side}: its data key was replaced without a confirmation (no holder of the base's data key signed it, whatever its recipients); cfgc never merges it, and OURS is left as it was", env.name),
                )
                .help(format!("review that side, keep one (`git checkout --ours|--theirs -- {shown}`), and re-apply the other side's changes with `cfgc secrets set`"));
                return Err(ctx.emit(&[d]));
            }
        }
        Ok(())
    }

    /// Whether the merge takes THEIRS' data key and its wrapping (so the recipients): it
    /// takes those of the side that changed them; both sides changing them differently is
    /// a conflict.
    fn takes_theirs_key(&self, conflicts: &mut Vec<String>) -> bool {
        let base_file = self.base.as_ref().map(|b| &b.file);
        let rewritten = |f: &SecretsFile| base_file.is_none_or(|b| b.data_key != f.data_key);
        let (ours, theirs) = (&self.ours.file, &self.theirs.file);
        match (rewritten(ours), rewritten(theirs)) {
            (_, false) => false,
            (false, true) => true,
            (true, true) if ours.data_key == theirs.data_key => false,
            (true, true) => {
                conflicts.push("the data key or the recipients".to_string());
                false
            }
        }
    }
}

/// One side decrypted; without an identity for `env` the merge cannot seal its result.
fn open_side(
    ctx: &Context,
    env: &Environment,
    keyring: &Keyring,
    shown: &str,
    p: &Parsed,
) -> Result<Opened, Outcome> {
    match open_secrets_if_held(env, p, keyring, &ctx.sources) {
        Ok(Some(o)) => Ok(o),
        Ok(None) => Err(ctx.emit(&[Diagnostic::new(
            Code::MergeNoIdentity,
            format!("cannot merge {shown} ({env}) name by name: no identity for environment `{env}` is at hand, and the merged file must be sealed again with its data key. OURS is left as it was and git reports a conflict", env = env.name),
        )
        .help(format!("resolve it where a key for `{env}` is at hand (`git merge` again with CFGC_AGE_KEY_FILE set), or keep one side (`git checkout --ours|--theirs -- {shown}`) and re-apply the other side's changes with `cfgc secrets set {env} NAME`", env = env.name))])),
        Err(ds) => Err(ctx.emit(&ds)),
    }
}

/// Puts the merged `values` into `next` under `primary`'s data key, then its MAC. A value
/// `primary` already holds keeps its sealed text, so its line does not change.
fn seal_values(
    next: &mut SecretsFile,
    env: &Environment,
    primary: &SecretsFile,
    opened: &Opened,
    values: &BTreeMap<String, Plaintext>,
) {
    next.values = BTreeMap::new();
    for (name, value) in values {
        let kept = opened
            .values
            .get(name)
            .filter(|v| v.expose_secret() == value.expose_secret())
            .and_then(|_| primary.values.get(name));
        let sealed = match kept {
            Some(text) => text.clone(),
            None => seal(
                &opened.key,
                &env.name,
                name,
                value.expose_secret().as_bytes(),
            ),
        };
        next.values.insert(name.clone(), sealed);
    }
    reseal(next, &opened.key);
}

/// Both sides changed the same names: a finding (exit 1) for git's log; OURS untouched.
fn conflict(ctx: &Context, env: &Environment, shown: &str, conflicts: &[String]) -> Outcome {
    let mut d = Diagnostic::new(
        Code::MergeConflict,
        format!(
            "{shown} ({}) cannot be merged name by name; OURS is left as it was",
            env.name
        ),
    );
    for c in conflicts {
        d = d.note(format!("both sides changed {c}"));
    }
    let d = d.help(format!(
        "keep one side (`git checkout --ours|--theirs -- {shown}`), set the names above to the value meant with `cfgc secrets set {} NAME`, then `git add {shown}`",
        env.name
    ));
    ctx.emit(&[d])
}

struct Merged {
    values: BTreeMap<String, Plaintext>,
    conflicts: Vec<String>,
}

/// Three-way merge by name: a side that left a name as it was at the base takes the other
/// side's change (a removal included); two different changes are a conflict.
fn merge_values(
    base: Option<&BTreeMap<String, Plaintext>>,
    ours: &BTreeMap<String, Plaintext>,
    theirs: &BTreeMap<String, Plaintext>,
) -> Merged {
    let mut conflicts = Vec::new();
    // Compared in place: no copy of a plaintext outlives its zeroizing wrapper.
    let picked = three_way(
        base,
        ours,
        theirs,
        |v| v.expose_secret(),
        |name| conflicts.push(format!("`{name}` to different values")),
    );
    let values = picked
        .into_iter()
        .map(|(name, v)| (name.clone(), Plaintext::from(v.expose_secret().to_string())))
        .collect();
    Merged { values, conflicts }
}

/// The same rule on texts (pending values, compared as sealed).
fn merge_maps(
    base: Option<&BTreeMap<String, String>>,
    ours: &BTreeMap<String, String>,
    theirs: &BTreeMap<String, String>,
    conflicts: &mut Vec<String>,
) -> BTreeMap<String, String> {
    three_way(base, ours, theirs, String::as_str, |name| {
        conflicts.push(format!("the pending value of `{name}`"))
    })
    .into_iter()
    .map(|(name, v)| (name.clone(), v.clone()))
    .collect()
}

/// The rule itself, shared by values and pending texts: every name on any side, in order,
/// with the side it takes; `conflict` hears of each name both sides changed differently.
/// `view` is what is compared, so a plaintext is compared without being copied.
fn three_way<'a, V, Q: PartialEq + ?Sized>(
    base: Option<&'a BTreeMap<String, V>>,
    ours: &'a BTreeMap<String, V>,
    theirs: &'a BTreeMap<String, V>,
    view: impl Fn(&V) -> &Q,
    mut conflict: impl FnMut(&str),
) -> BTreeMap<&'a String, &'a V> {
    let names: BTreeSet<&String> = base
        .into_iter()
        .flat_map(BTreeMap::keys)
        .chain(ours.keys())
        .chain(theirs.keys())
        .collect();
    let mut out = BTreeMap::new();
    for name in names {
        let b = base.and_then(|m| m.get(name));
        let (o, t) = (ours.get(name), theirs.get(name));
        let (bv, ov, tv) = (b.map(&view), o.map(&view), t.map(&view));
        let pick = if ov == tv || tv == bv {
            o
        } else if ov == bv {
            t
        } else {
            conflict(name);
            continue;
        };
        if let Some(v) = pick {
            out.insert(name, v);
        }
    }
    out
}
