//! The store record: a reviewable file in the repository (`ENV.store.toml`) saying, for
//! each secret, which store version the deploy pins and the digest of the sealed value that
//! version was made from (`digest`). No value and no hash of one: it is as public as the
//! secrets file.
//!
//! A push writes its intent first (`pending`: the sealed digest it is pushing and the
//! newest version before it), then the versions it made. A push killed in between leaves
//! the intent, and the next push asks the store whether that version landed
//! (`Store::landed`) before pushing again: the record never claims a version the store
//! lacks, and a rerun finishes the job.
//!
//! ```toml
//! [secrets.DATABASE_URL]
//! version = "4"
//! sealed = "sha256:9f2c…"
//! ```

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Record {
    pub secrets: BTreeMap<String, Entry>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The pinned version: what templates read as `secret_versions.NAME`.
    pub version: Option<String>,
    /// The digest of the sealed value that version holds.
    pub sealed: Option<String>,
    /// A push begun and not known to have finished.
    pub pending: Option<Pending>,
    /// Where the entry is written, for findings.
    pub span: Range<usize>,
    /// Where `version` is written.
    pub version_span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub sealed: String,
    /// The newest version before the push; `None` when the secret had none.
    pub after: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    secrets: BTreeMap<String, Spanned<EntryFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryFile {
    version: Option<Spanned<String>>,
    sealed: Option<String>,
    pending: Option<PendingFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PendingFile {
    sealed: String,
    after: Option<String>,
}

/// Why a record cannot be read: the message, and where in its text.
#[derive(Debug)]
pub struct ParseError {
    pub message: String,
    pub span: Option<Range<usize>>,
}

/// Reads a record's text. Every entry has a version with its sealed digest, a pending
/// push, or both; a digest is `sha256:` and 64 hex digits.
pub fn parse(text: &str) -> Result<Record, ParseError> {
    let file: File = toml::from_str(text).map_err(|e| ParseError {
        message: e.message().to_string(),
        span: e.span(),
    })?;
    let mut record = Record::default();
    for (name, entry) in file.secrets {
        let span = entry.span();
        let e = entry.into_inner();
        let bad = |message: String| ParseError {
            message,
            span: Some(span.clone()),
        };
        if !crate::secrets::file::is_secret_name(&name) {
            return Err(bad(format!("`{name}` is not a secret's name")));
        }
        let digests = e.sealed.iter().chain(e.pending.as_ref().map(|p| &p.sealed));
        if let Some(d) = digests.into_iter().find(|d| !is_digest(d)) {
            return Err(bad(format!(
                "`{d}` is not a sealed digest (`sha256:` and 64 hex digits)"
            )));
        }
        if e.version.is_some() != e.sealed.is_some() {
            return Err(bad(format!(
                "`{name}` needs both `version` and `sealed`, or neither"
            )));
        }
        if e.version.is_none() && e.pending.is_none() {
            return Err(bad(format!("`{name}` records nothing")));
        }
        record.secrets.insert(
            name,
            Entry {
                version_span: e.version.as_ref().map_or(span.clone(), |v| v.span()),
                version: e.version.map(Spanned::into_inner),
                sealed: e.sealed,
                pending: e.pending.map(|p| Pending {
                    sealed: p.sealed,
                    after: p.after,
                }),
                span,
            },
        );
    }
    Ok(record)
}

fn is_digest(d: &str) -> bool {
    d.strip_prefix("sha256:")
        .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The record as text: entries by name, one table each, so a push's diff shows only the
/// secrets it changed.
pub fn serialize(env: &str, record: &Record) -> String {
    let mut out = format!(
        "# The store record of `{env}`, written by `cfgc secrets push {env}`: the version each\n\
         # secret is pinned to and the digest of the sealed value it holds. Review it; do not edit.\n"
    );
    for (name, e) in &record.secrets {
        out.push_str(&format!("\n[secrets.{name}]\n"));
        if let (Some(v), Some(s)) = (&e.version, &e.sealed) {
            out.push_str(&format!("version = {}\nsealed = \"{s}\"\n", quote(v)));
        }
        if let Some(p) = &e.pending {
            out.push_str(&format!("pending = {{ sealed = \"{}\"", p.sealed));
            if let Some(a) = &p.after {
                out.push_str(&format!(", after = {}", quote(a)));
            }
            out.push_str(" }\n");
        }
    }
    out
}

/// A version id as a TOML string (ids are digits or AWS's UUIDs, but a store's answer is
/// never trusted to be either).
fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(c: char) -> String {
        format!("sha256:{}", c.to_string().repeat(64))
    }

    #[test]
    fn a_record_round_trips() {
        let mut r = Record::default();
        r.secrets.insert(
            "DB".into(),
            Entry {
                version: Some("4".into()),
                sealed: Some(digest('a')),
                ..Entry::default()
            },
        );
        r.secrets.insert(
            "KEY".into(),
            Entry {
                pending: Some(Pending {
                    sealed: digest('b'),
                    after: Some("\"x".into()),
                }),
                ..Entry::default()
            },
        );
        let text = serialize("prod", &r);
        let back = parse(&text).unwrap();
        assert_eq!(back.secrets["DB"].version.as_deref(), Some("4"));
        assert_eq!(back.secrets["KEY"].pending, r.secrets["KEY"].pending);
        assert_eq!(serialize("prod", &back), text);
    }

    #[test]
    fn a_bad_record_is_refused_at_its_entry() {
        for bad in [
            "[secrets.A]\nversion = \"1\"\n",
            "[secrets.A]\nversion = \"1\"\nsealed = \"md5:00\"\n",
            "[secrets.A]\n",
            "[secrets.\"a-b\"]\npending = { sealed = \"sha256:00\" }\n",
            "[secrets.A]\nversion = 1\n",
            "other = 1\n",
        ] {
            let e = parse(bad).unwrap_err();
            assert!(e.span.is_some(), "{bad}: {}", e.message);
        }
    }
}
