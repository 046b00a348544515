//! Reading a secrets file's structure from the loader's tree, without any key: enough to
//! list names, compare recipients and reject a damaged file with its line, in CI too.

use std::collections::BTreeMap;

use super::{META_KEY, SecretsFile, VERSION, names};
use crate::diagnostic::{Code, Diagnostic};
use crate::node::{Kind, Node};
use crate::secrets::crypto::{CryptoError, check_sealed};
use crate::secrets::file::shown::field;
use crate::source::{FileId, Span};

/// A file as read, with where each part was written.
#[derive(Clone, Debug)]
pub struct Parsed {
    pub file: SecretsFile,
    pub spans: Spans,
}

#[derive(Clone, Debug)]
pub struct Spans {
    pub file: FileId,
    /// The `cfgc` key.
    pub meta: Span,
    pub environment: Span,
    pub recipients: Span,
    pub data_key: Span,
    pub mac: Span,
    /// `generation:`'s value; `None` in a legacy file.
    pub generation: Option<Span>,
    pub values: BTreeMap<String, ValueSpans>,
    /// Each pending value's name.
    pub pending: BTreeMap<String, Span>,
}

#[derive(Clone, Copy, Debug)]
pub struct ValueSpans {
    pub key: Span,
    pub value: Span,
}

/// The metadata fields; `generation`, `signer`, `confirmed` and `pending` are optional.
const FIELDS: [&str; 9] = [
    "version",
    "generation",
    "environment",
    "recipients",
    "data_key",
    "signer",
    "confirmed",
    "mac",
    "pending",
];

const HELP_RESTORE: &str = "secrets files are written by `cfgc secrets`; restore this one from version control (`git checkout -- FILE`), or fix it as described";

/// The secrets file in `node` (the whole document), every problem reported at its line.
/// An empty document is an error here: the caller decides whether a new file is allowed.
pub fn parse(node: &Node, file: FileId, name: &str) -> Result<Parsed, Vec<Diagnostic>> {
    let top = Span::new(file, 0, 0);
    let Some(map) = node.as_map() else {
        return Err(vec![format_error(
            format!("`{name}` is not a secrets file"),
            node.span,
            "expected a mapping of secret names",
        )]);
    };
    if map.is_empty() {
        return Err(vec![
            Diagnostic::new(Code::SecretsEmpty, format!("secrets file `{name}` is empty"))
                .at(top)
                .label("no secrets and no `cfgc:` metadata")
                .help("restore the file from version control; to start afresh, delete it and run `cfgc secrets set ENV NAME`, which writes a new one"),
        ]);
    }
    let mut errors = Vec::new();
    let mut values = BTreeMap::new();
    let mut value_spans = BTreeMap::new();
    for (key, entry) in map.iter().filter(|(k, _)| k.as_str() != META_KEY) {
        if let Some(d) = names::check_secret(key, entry.key_span, "secret") {
            errors.push(d);
            continue;
        }
        // The message names the key, never the value: a hand-edited value may be plaintext.
        let not_sealed = |why: String| {
            Diagnostic::new(Code::SecretsValue, format!("the value of `{key}` is not an encrypted value: {why}"))
                .at(entry.node.span)
                .label("expected `ENC[v1,…]`")
                .key(key)
                .help(format!("remove the line and store the value with `cfgc secrets set <ENV> {key}`; if a real secret was written here in plain text, rotate it"))
        };
        match &entry.node.kind {
            Kind::Str(text) => match check_sealed(text) {
                Ok(()) => {
                    values.insert(key.clone(), text.clone());
                    value_spans.insert(
                        key.clone(),
                        ValueSpans {
                            key: entry.key_span,
                            value: entry.node.span,
                        },
                    );
                }
                Err(CryptoError::UnsupportedVersion(v)) => errors.push(
                    Diagnostic::new(
                        Code::SecretsVersion,
                        format!(
                            "the value of `{key}` has format version `{v}`; this cfgc reads `v1`"
                        ),
                    )
                    .at(entry.node.span)
                    .label("unsupported version")
                    .key(key)
                    .help("upgrade cfgc to read this file"),
                ),
                Err(e) => errors.push(not_sealed(short(&e))),
            },
            _ => errors.push(not_sealed(format!("found {}", entry.node.type_name()))),
        }
    }
    let Some(meta) = map.get(META_KEY) else {
        errors.push(
            Diagnostic::new(Code::SecretsFormat, format!("`{name}` has no `{META_KEY}:` metadata"))
                .at(first_key(map).unwrap_or(top))
                .label("a secrets file ends with a `cfgc:` block")
                .note("the metadata holds the format version, environment, recipients, the wrapped data key and the MAC; without it no value can be decrypted or verified")
                .help(HELP_RESTORE),
        );
        return Err(errors);
    };
    let Some(fields) = meta.node.as_map() else {
        errors.push(format_error(
            format!("`{META_KEY}` must be a mapping"),
            meta.node.span,
            "expected `version`, `environment`, `recipients`, `data_key` and `mac`",
        ));
        return Err(errors);
    };
    for (k, e) in fields {
        if !FIELDS.contains(&k.as_str()) {
            errors.push(format_error(
                format!("unknown metadata key `{META_KEY}.{}`", field(k)),
                e.key_span,
                "not part of the format",
            ));
        }
    }
    let field = |errors: &mut Vec<Diagnostic>, k: &str| {
        let found = fields.get(k);
        if found.is_none() {
            errors.push(format_error(
                format!("`{META_KEY}.{k}` is missing"),
                meta.key_span,
                "incomplete metadata",
            ));
        }
        found.map(|e| &e.node)
    };
    let string = |errors: &mut Vec<Diagnostic>, k: &str| -> Option<(String, Span)> {
        match field(errors, k)? {
            Node {
                kind: Kind::Str(s),
                span,
                ..
            } if !s.trim().is_empty() => Some((s.clone(), *span)),
            other => {
                errors.push(format_error(
                    format!("`{META_KEY}.{k}` must be a non-empty string"),
                    other.span,
                    format!("found {}", other.type_name()),
                ));
                None
            }
        }
    };

    match field(&mut errors, "version") {
        Some(Node {
            kind: Kind::Int(VERSION),
            ..
        })
        | None => {}
        Some(Node {
            kind: Kind::Int(v),
            span,
            ..
        }) => errors.push(
            Diagnostic::new(
                Code::SecretsVersion,
                format!("`{name}` has format version {v}; this cfgc reads version {VERSION}"),
            )
            .at(*span)
            .label("unsupported version")
            .help("upgrade cfgc to read this file"),
        ),
        Some(other) => errors.push(format_error(
            format!("`{META_KEY}.version` must be the number {VERSION}"),
            other.span,
            format!("found {}", other.type_name()),
        )),
    }
    let environment = string(&mut errors, "environment");
    if let Some(d) = environment
        .as_ref()
        .and_then(|(text, span)| names::check_environment(text, *span))
    {
        errors.push(d);
    }
    let data_key = string(&mut errors, "data_key");
    if let Some((text, span)) = &data_key
        && (!text
            .trim_start()
            .starts_with("-----BEGIN AGE ENCRYPTED FILE-----")
            || !text
                .trim_end()
                .ends_with("-----END AGE ENCRYPTED FILE-----"))
    {
        errors.push(format_error(
            format!("`{META_KEY}.data_key` is not an armored age file"),
            *span,
            "expected `-----BEGIN AGE ENCRYPTED FILE-----` … `-----END AGE ENCRYPTED FILE-----`",
        ));
    }
    let mac = string(&mut errors, "mac");
    let generation = match fields.get("generation").map(|e| &e.node) {
        None => Some((0, None)),
        Some(Node {
            kind: Kind::Int(n),
            span,
            ..
        }) if *n >= 1 => Some((*n as u64, Some(*span))),
        Some(other) => {
            errors.push(format_error(
                format!("`{META_KEY}.generation` must be a whole number from 1"),
                other.span,
                "raised by cfgc on every write",
            ));
            None
        }
    };
    let optional = |errors: &mut Vec<Diagnostic>, k: &str| match fields.get(k).map(|e| &e.node) {
        None => None,
        Some(Node {
            kind: Kind::Str(s), ..
        }) if !s.trim().is_empty() => Some(s.clone()),
        Some(other) => {
            errors.push(format_error(
                format!("`{META_KEY}.{k}` must be a non-empty string"),
                other.span,
                format!("found {}", other.type_name()),
            ));
            None
        }
    };
    let signer = optional(&mut errors, "signer");
    let confirmed = optional(&mut errors, "confirmed");
    let (pending, pending_spans) = match fields.get("pending") {
        None => (BTreeMap::new(), BTreeMap::new()),
        Some(entry) => pending_values(&entry.node, &mut errors),
    };
    let recipients = match field(&mut errors, "recipients") {
        Some(Node {
            kind: Kind::List(items),
            span,
            ..
        }) if !items.is_empty() => {
            let mut list = Vec::new();
            for item in items {
                match &item.kind {
                    Kind::Str(s) if s.parse::<crate::project::recipient::Recipient>().is_ok() => {
                        list.push(s.clone())
                    }
                    _ => errors.push(format_error(
                        format!("`{META_KEY}.recipients` holds something that is not a recipient"),
                        item.span,
                        "expected `age1…` or `ssh-ed25519 …`",
                    )),
                }
            }
            Some((list, *span))
        }
        Some(other) => {
            errors.push(format_error(
                format!("`{META_KEY}.recipients` must be a non-empty list"),
                other.span,
                format!("found {}", other.type_name()),
            ));
            None
        }
        None => None,
    };

    match (environment, recipients, data_key, mac, generation) {
        (Some(environment), Some(recipients), Some(data_key), Some(mac), Some(generation))
            if errors.is_empty() =>
        {
            Ok(Parsed {
                file: SecretsFile {
                    environment: environment.0,
                    recipients: recipients.0,
                    data_key: data_key.0,
                    mac: mac.0,
                    values,
                    generation: generation.0,
                    signer,
                    confirmed,
                    pending,
                },
                spans: Spans {
                    file,
                    meta: meta.key_span,
                    environment: environment.1,
                    recipients: recipients.1,
                    data_key: data_key.1,
                    mac: mac.1,
                    generation: generation.1,
                    values: value_spans,
                    pending: pending_spans,
                },
            })
        }
        _ => Err(errors),
    }
}

/// `cfgc.pending`: name → base64 of an age file, one per value set without a key.
fn pending_values(
    node: &Node,
    errors: &mut Vec<Diagnostic>,
) -> (BTreeMap<String, String>, BTreeMap<String, Span>) {
    let (mut values, mut spans) = (BTreeMap::new(), BTreeMap::new());
    let Some(map) = node.as_map() else {
        errors.push(format_error(
            format!("`{META_KEY}.pending` must be a mapping of secret names"),
            node.span,
            format!("found {}", node.type_name()),
        ));
        return (values, spans);
    };
    for (name, entry) in map {
        if let Some(d) = names::check_secret(name, entry.key_span, "pending secret") {
            errors.push(d);
            continue;
        }
        match &entry.node.kind {
            Kind::Str(text) if crate::secrets::pending::is_well_formed(text) => {
                values.insert(name.clone(), text.clone());
                spans.insert(name.clone(), entry.key_span);
            }
            _ => errors.push(format_error(
                format!("the pending value of `{name}` is not an age file in base64"),
                entry.node.span,
                "written by `cfgc secrets set` without a key",
            )),
        }
    }
    (values, spans)
}

fn format_error(message: String, at: Span, label: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Code::SecretsFormat, message)
        .at(at)
        .label(label)
        .help(HELP_RESTORE)
}

fn first_key(map: &crate::node::Map) -> Option<Span> {
    map.values().map(|e| e.key_span).min()
}

fn short(e: &CryptoError) -> String {
    match e {
        CryptoError::Malformed(why) => (*why).to_string(),
        other => other.to_string(),
    }
}
