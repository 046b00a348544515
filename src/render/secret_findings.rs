//! Findings about an output rendered with decrypted values say nothing about them.
//!
//! A policy is a question about the rendered text: "does `(?m)^JWT_SECRET=.{3}c` match?".
//! Answered per rule on the real render, many narrow rules spell a secret. So when a
//! secret-holding output rendered with real values fails its checks, what is shown is the
//! findings of the render with stand-ins (public, fixed values: they say nothing about the
//! secrets, and point into that render), and, unless every real finding is among them, one
//! finding for the file that names no rule, no pattern and no line. Which real findings
//! there were is never shown: a rule that fails on the stand-ins and passes or fails on
//! the real values by design would otherwise answer its question.

use std::collections::BTreeMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::project::Project;
use crate::schema::Schema;
use crate::secrets::crypto::Plaintext;
use crate::source::FileId;

use super::{Content, Context, Failed, RenderedFile, Templates, mask, policy, with_secrets};

/// Replace the findings and source of `file` from `before` (lengths of `failed`'s
/// diagnostics and sources) on, its checks on the real render, by what may be said.
pub fn redact(
    failed: &mut Failed,
    before: (usize, usize),
    file: &RenderedFile,
    plain: &Context,
    values: &BTreeMap<String, Plaintext>,
    render: (&Templates, &Project, &Schema),
) {
    if failed.diagnostics.len() <= before.0 {
        return;
    }
    let real = failed.diagnostics.split_off(before.0);
    failed.sources.truncate(before.1);
    let keyless = stand_in_findings(file, plain, values, render);
    // What is shown depends on the real render only through two facts: whether it fails
    // at all (we are here) and whether every failure is one the stand-ins fail too.
    let explained = real
        .iter()
        .all(|d| keyless.diagnostics.iter().any(|k| same(k, d)));
    // The stand-in render's sources join after the others: its ids move by this much.
    let offset = failed.sources.len() as u32;
    for mut k in keyless.diagnostics {
        if let Some(span) = &mut k.span {
            span.file = FileId(span.file.0 + offset);
        }
        failed.diagnostics.push(k);
    }
    failed.sources.extend(keyless.sources);
    if !explained {
        failed.diagnostics.push(about(file));
    }
}

/// The checks' findings on the render of `file` with stand-ins for every secret, and the
/// text they point into; none if that render fails (then no real finding is shown).
fn stand_in_findings(
    file: &RenderedFile,
    plain: &Context,
    values: &BTreeMap<String, Plaintext>,
    (templates, project, schema): (&Templates, &Project, &Schema),
) -> Failed {
    let mut scratch = Failed {
        diagnostics: Vec::new(),
        sources: Vec::new(),
    };
    let names: Vec<(&String, String)> = values
        .keys()
        .enumerate()
        .map(|(i, k)| (k, mask::stand_ins(i)[0].clone()))
        .collect();
    let ctx = with_secrets(plain, names.iter().map(|(k, v)| (*k, v.as_str())));
    let Ok(text) = templates.render_value(file.output, file.env, ctx, project, schema) else {
        return scratch;
    };
    let stand_in = RenderedFile {
        env: file.env,
        output: file.output,
        rel: file.rel.clone(),
        content: Content::Ready(text),
    };
    policy::check(
        &stand_in,
        project,
        &Default::default(),
        || None,
        &mut scratch,
    );
    scratch
}

/// Keep, of the findings of a keyless render of `file` (with the first stand-ins) from
/// `before` on, those the render with the other stand-ins gives too: a finding that the
/// stand-ins' text decides (a pattern about a secret's letters) would be decided by the
/// secrets, which are not at hand, and is no finding about the project.
pub fn keyless<'n>(
    failed: &mut Failed,
    before: (usize, usize),
    file: &RenderedFile,
    plain: &Context,
    names: impl Iterator<Item = &'n String>,
    (templates, project, schema): (&Templates, &Project, &Schema),
) {
    if failed.diagnostics.len() <= before.0 {
        return;
    }
    let names: Vec<(&String, String)> = names
        .enumerate()
        .map(|(i, k)| (k, mask::stand_ins(i)[1].clone()))
        .collect();
    let ctx = with_secrets(plain, names.iter().map(|(k, v)| (*k, v.as_str())));
    let mut other = Failed {
        diagnostics: Vec::new(),
        sources: Vec::new(),
    };
    if let Ok(text) = templates.render_value(file.output, file.env, ctx, project, schema) {
        let why = String::new();
        let second = RenderedFile {
            env: file.env,
            output: file.output,
            rel: file.rel.clone(),
            content: Content::Skipped {
                why,
                stand_in: text.to_string(),
            },
        };
        policy::check(&second, project, &Default::default(), || None, &mut other);
    }
    let found = failed.diagnostics.split_off(before.0);
    failed.diagnostics.extend(
        found
            .into_iter()
            .filter(|d| other.diagnostics.iter().any(|o| same(o, d))),
    );
    if failed.diagnostics.len() == before.0 {
        failed.sources.truncate(before.1);
    }
}

/// The same finding, wherever it points.
fn same(a: &Diagnostic, b: &Diagnostic) -> bool {
    (a.code, &a.message, &a.notes, &a.label) == (b.code, &b.message, &b.notes, &b.label)
}

fn about(file: &RenderedFile) -> Diagnostic {
    Diagnostic::new(Code::OutputSecretCheck,
        format!(
            "`{}` does not pass the project's checks with its secret values in",
            file.rel
        ),
    )
    .env(&file.env.name)
    .note("which check, and where, is not said: it fails only with the secret values in, so naming it would tell something about them")
    .help(format!(
        "on your own machine, compare `{}`'s secret values (`cfgc secrets edit {}`) with the policies in cfgc.toml and the template `{}`",
        file.env.name, file.env.name, file.output.template.value.rel.as_str()
    ))
}
