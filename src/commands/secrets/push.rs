//! `cfgc secrets push ENV`: plan, confirm, decrypt, push, record (see `release::push`).

use super::context::{self, Context};
use crate::cli::Config;
use crate::commands::{Outcome, say};
use crate::diagnostic::{Code, Diagnostic};
use crate::project::Environment;
use crate::release::push::{self, Plan};
use crate::release::{records, status};

pub fn run(
    config: &Config,
    environment: &str,
    create: bool,
    yes: bool,
) -> Result<Outcome, Outcome> {
    let ctx = context::load_to_write(config, &[environment.to_string()], false)?;
    let env = ctx.env();
    let declared = status::declared(env).map_err(|d| ctx.emit(&[d]))?;
    let file = records::read(declared, &ctx.sources).map_err(|d| ctx.emit(&[d]))?;
    ctx.fs()
        .check_writable(
            &declared.record.value.rel,
            crate::fs::Purpose::Record(&env.name),
        )
        .map_err(|e| ctx.emit(&[e.diagnostic().note("nothing was pushed")]))?;
    let Some(parsed) = ctx.parsed(env) else {
        return Err(ctx.emit(&[Diagnostic::new(
            Code::NoSuchSecret,
            format!("`{}` has no secrets file yet", env.name),
        )]));
    };
    let sealed = crate::release::sealed(Some(&parsed.file));
    let store_error =
        |e: &crate::store::StoreError| ctx.emit(&[status::store_error(env, declared, e)]);
    let store = crate::release::open::open(declared).map_err(|e| store_error(&e))?;
    let plan =
        push::plan(store.as_ref(), &sealed, &file.record, create).map_err(|e| store_error(&e))?;
    if !plan.missing.is_empty() {
        return Err(ctx.emit(&[missing(env, &plan, store.as_ref())]));
    }
    show_plan(config, env, &plan, store.as_ref());
    if plan.is_empty() {
        say(
            config,
            &format!("nothing to push: {} matches the record\n", env.name),
        );
        return Ok(Outcome::OK);
    }
    if !plan.push.is_empty() && !yes {
        confirm(&ctx, plan.push.len())?;
    }
    let opened = crate::pipeline::open_to_release(config, &ctx.loaded, env, parsed, &ctx.sources)
        .map_err(|ds| ctx.emit(&ds))?;
    let empty = push::empty_values(&plan, &opened.values);
    if !empty.is_empty() {
        return Err(ctx.emit(&[Diagnostic::new(
            Code::Store,
            format!("a store version cannot be empty: {}", empty.join(", ")),
        )
        .help(format!(
            "set a value with `cfgc secrets set {} NAME`, or remove the secret",
            env.name
        ))]));
    }
    let project = &ctx.loaded.project;
    let write =
        |record| records::write(project, &env.name, declared, record).map_err(|d| ctx.emit(&[d]));
    let intended = push::intend(&file.record, &plan);
    write(&intended)?;
    let results = push::execute(store.as_ref(), &plan, &opened.values);
    write(&push::record(&intended, &plan, &results))?;
    report(config, &ctx, env, &plan, &results, store.as_ref())
}

fn missing(env: &Environment, plan: &Plan, store: &dyn crate::store::Store) -> Diagnostic {
    let names: Vec<String> = plan.missing.iter().map(|n| store.display(n)).collect();
    Diagnostic::new(Code::StoreCreate, format!("the store of `{}` has no {}", env.name, names.join(", ")))
        .note("nothing was pushed")
        .help(format!("create them on purpose with `cfgc secrets push {} --create`, or check the store's project, region and prefix in cfgc.toml", env.name))
}

/// Names and versions, never values.
fn show_plan(config: &Config, env: &Environment, plan: &Plan, store: &dyn crate::store::Store) {
    let mut text = String::new();
    for item in &plan.push {
        let old = item.old.as_deref().unwrap_or("none");
        let what = if item.create {
            "create, then a new version"
        } else {
            "a new version"
        };
        text.push_str(&format!(
            "  {}: {old} → {what} ({})\n",
            item.name,
            store.display(&item.name)
        ));
    }
    for (name, v) in &plan.adopt {
        text.push_str(&format!(
            "  {name}: version {v}, made by an interrupted push: recorded\n"
        ));
    }
    for name in &plan.dropped {
        text.push_str(&format!(
            "  {name}: back to its recorded value: an interrupted push's intent is dropped\n"
        ));
    }
    for name in &plan.orphans {
        text.push_str(&format!(
            "  {name}: no longer in the secrets file: removed from the record\n"
        ));
    }
    if !text.is_empty() {
        say(
            config,
            &format!("push {} ({} unchanged):\n{text}", env.name, plan.unchanged),
        );
    }
}

fn confirm(ctx: &Context, n: usize) -> Result<(), Outcome> {
    crate::commands::confirm(
        &format!("Push {n} secret(s)?"),
        Diagnostic::new(
            Code::StoreUnconfirmed,
            "refusing to push without confirmation: standard input is not a terminal",
        ),
        Diagnostic::new(Code::StoreCancelled, "cancelled, nothing pushed"),
    )
    .map_err(|d| ctx.emit(&[d]))
}

fn report(
    config: &Config,
    ctx: &Context,
    env: &Environment,
    plan: &Plan,
    results: &[push::Pushed],
    store: &dyn crate::store::Store,
) -> Result<Outcome, Outcome> {
    let mut failed = Vec::new();
    for (item, result) in plan.push.iter().zip(results) {
        match result {
            Ok(v) => say(config, &format!("pushed {} version {v}\n", item.name)),
            Err(e) => failed.push(
                Diagnostic::new(
                    Code::Store,
                    format!("{} was not pushed: {e}", store.display(&item.name)),
                )
                .key(&item.name)
                .env(&env.name),
            ),
        }
    }
    if failed.is_empty() {
        let record = env
            .store
            .as_ref()
            .map(|s| s.record.value.rel.to_string())
            .unwrap_or_default();
        say(
            config,
            &format!("recorded in {record}: commit it, then `cfgc plan` shows the new pins\n"),
        );
        return Ok(Outcome::OK);
    }
    let n = failed.len();
    failed.push(
        Diagnostic::new(
            Code::Store,
            format!("{n} of {} secrets were not pushed", plan.push.len()),
        )
        .note("what landed is recorded; the rest stays pending in the record")
        .help(format!(
            "run `cfgc secrets push {}` again to finish",
            env.name
        )),
    );
    Err(ctx.emit(&failed))
}
