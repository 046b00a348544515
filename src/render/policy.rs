//! Checks of rendered outputs before anything is written: each format must
//! parse back, the project's policies (patterns, as data in cfgc.toml) must
//! hold, and no decrypted secret may land in an output not declared to hold
//! secrets.

mod cloudbuild;

use secrecy::ExposeSecret;

use super::escape::{self, Format};
use super::{Content, RenderedFile};
use crate::decrypt::Decrypted;
use crate::diagnostic::Diagnostic;
use crate::project::{Policy, Project, Rule, format_named};

/// Secrets shorter than this are not searched for: they would match by chance.
const MIN_SCANNED_SECRET: usize = 6;

pub fn check(file: &RenderedFile, project: &Project) -> Vec<Diagnostic> {
    let Content::Ready { text, .. } = &file.content else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let format =
        format_named(&file.output.format.value).expect("the project file checked the format");
    if let Err(why) = parses(format, text) {
        found.push(finding(
            file,
            "output-syntax",
            format!("`{}` is not valid {format}: {why}", file.rel),
        ));
    }
    for policy in &project.policies {
        let applies = (policy.outputs.is_empty() || policy.outputs.contains(&file.output.name))
            && (policy.tiers.is_empty() || policy.tiers.contains(&file.env.tier));
        if !applies {
            continue;
        }
        for rule in &policy.require {
            if !rule.regex().is_match(text) {
                found.push(
                    broken(file, policy, rule)
                        .note(format!("required pattern not found: {}", rule.pattern)),
                );
            }
        }
        for rule in &policy.forbid {
            if let Some(m) = rule.regex().find(text) {
                let line = text[..m.start()].matches('\n').count() + 1;
                found.push(broken(file, policy, rule).note(format!(
                    "forbidden pattern found at line {line}: {}",
                    rule.pattern
                )));
            }
        }
        if policy.structure.as_deref() == Some("cloudbuild") {
            for why in cloudbuild::check(text) {
                found.push(finding(
                    file,
                    "policy",
                    format!("`{}` breaks policy `{}`: {why}", file.rel, policy.name),
                ));
            }
        }
    }
    found
}

fn broken(file: &RenderedFile, policy: &Policy, rule: &Rule) -> Diagnostic {
    let message = format!(
        "`{}` breaks policy `{}`: {}",
        file.rel, policy.name, rule.message
    );
    finding(file, "policy", message)
}

fn finding(file: &RenderedFile, code: &'static str, message: String) -> Diagnostic {
    Diagnostic::error(code, message)
        .env(&file.env.name)
        .help(format!(
            "fix the template `{}` or the values it uses; nothing was written",
            file.output
                .template
                .value
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ))
}

/// What a consumer of the format would make of the text.
fn parses(format: Format, text: &str) -> Result<(), String> {
    match format {
        Format::Yaml => {
            let src =
                crate::source::Source::new(String::new(), Default::default(), text.to_string());
            crate::load::yaml::parse(crate::source::FileId(0), &src)
                .map(|_| ())
                .map_err(|d| {
                    let (line, col) = d.span.map_or((0, 0), |s| src.line_col(s.start as usize));
                    format!("{} at line {line}, column {col}", d.message)
                })
        }
        Format::Json => serde_json::from_str::<serde_json::Value>(text)
            .map(|_| ())
            .map_err(|e| e.to_string()),
        Format::Dotenv => escape::dotenv::parse_dotenv(text)
            .map(|_| ())
            .map_err(|e| e.to_string()),
        Format::Nginx | Format::Text => Ok(()),
    }
}

/// Every output not declared to hold secrets, searched for every secret
/// value decrypted in this run.
pub fn no_secret_in_plain_outputs(
    files: &[RenderedFile],
    decrypted: &Decrypted,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for file in files.iter().filter(|f| !f.output.secrets) {
        let Content::Ready { text, .. } = &file.content else {
            continue;
        };
        for (name, value) in &decrypted.values {
            let v = value.expose_secret();
            if v.len() < MIN_SCANNED_SECRET {
                continue;
            }
            if let Some(at) = text.find(v) {
                let line = text[..at].matches('\n').count() + 1;
                found.push(
                    Diagnostic::error("secret-in-plain-output", format!("the value of secret `{name}` appears in `{}`, which is not declared to hold secrets", file.rel))
                        .key(name.clone())
                        .env(&file.env.name)
                        .note(format!("at line {line} of the rendered `{}`", file.output.name))
                        .help("render it only into an output with `secrets = true`; nothing was written"),
                );
            }
        }
    }
    found
}
