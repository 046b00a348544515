//! A value never comes from an argument (arguments are visible in `ps` and shell history):
//! `secrets set ENV NAME=value` and `secrets set ENV NAME value` are refused here, before
//! anything is loaded, and the refusal never repeats what was typed after the name. So are
//! `secrets get|rm` and `explain` given more than a name.

use std::ffi::OsString;

use crate::commands::Outcome;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::SourceMap;

/// Refuse a NAME holding `=` or any argument after it. `extra` is what clap captured
/// after NAME (a hidden trailing argument), so clap's own "unexpected argument" message,
/// which would echo it, never runs.
pub fn refuse_values(
    command: &str,
    environment: &str,
    name: &str,
    extra: &[OsString],
    color: bool,
) -> Result<(), Outcome> {
    let (shown, had_value) = match name.split_once('=') {
        Some((before, _)) => (before, true),
        None => (name, false),
    };
    if !had_value && extra.is_empty() {
        return Ok(());
    }
    let what = if had_value {
        format!("`{shown}=…`: a value in the argument (not shown)")
    } else {
        format!("{} argument(s) after `{shown}` (not shown)", extra.len())
    };
    let hint = if command == "set" {
        format!(
            "values are read from stdin or the prompt: `printf %s \"$VALUE\" | cfgc secrets set \
             {environment} {shown}`, or run it on a terminal to be prompted (input hidden)"
        )
    } else {
        format!(
            "`cfgc {command}` takes an environment and a name: `cfgc {command} {environment} {shown}`"
        )
    };
    let d = Diagnostic::new(Code::ValueInArguments,
        format!("values are read from stdin or the prompt, never from arguments: {what}"),
    )
    .help(hint)
    .note("an argument can be seen by other users (`ps`) and stays in shell history: if it was a real secret, consider it leaked and replace it");
    Err(crate::commands::emit(&[d], &SourceMap::default(), color))
}
