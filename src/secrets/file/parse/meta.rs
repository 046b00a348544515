//! Reading the `cfgc:` block of a secrets file: each field checked on its own, every
//! problem gathered at its line, so one run reports all of them.

use std::collections::BTreeMap;

use super::format_error;
use crate::diagnostic::{Code, Diagnostic};
use crate::node::{Kind, Map, Node};
use crate::secrets::file::shown::field;
use crate::secrets::file::{META_KEY, VERSION, names};
use crate::source::Span;

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

/// The metadata as read: a field is `None` when it is missing or wrong (its error is
/// among the reader's), each with where it was written.
pub(super) struct Meta {
    pub environment: Option<(String, Span)>,
    pub recipients: Option<(Vec<String>, Span)>,
    pub data_key: Option<(String, Span)>,
    pub mac: Option<(String, Span)>,
    /// The generation and its span; `(0, None)` in a legacy file.
    pub generation: Option<(u64, Option<Span>)>,
    pub signer: Option<String>,
    pub confirmed: Option<String>,
    pub pending: BTreeMap<String, String>,
    pub pending_spans: BTreeMap<String, Span>,
}

/// Reads the fields of one `cfgc:` mapping, adding each problem to `errors`.
pub(super) struct Reader<'a> {
    pub fields: &'a Map,
    /// The `cfgc` key: where a missing field is reported.
    pub at: Span,
    pub errors: &'a mut Vec<Diagnostic>,
}

impl<'a> Reader<'a> {
    /// Every field, in the order their errors have always been reported; `name` is the
    /// file's name, for the version error.
    pub fn read(mut self, name: &str) -> Meta {
        self.unknown_keys();
        self.version(name);
        let environment = self.environment();
        let data_key = self.data_key();
        let mac = self.string("mac");
        let generation = self.generation();
        let signer = self.optional("signer");
        let confirmed = self.optional("confirmed");
        let (pending, pending_spans) = match self.fields.get("pending") {
            None => (BTreeMap::new(), BTreeMap::new()),
            Some(entry) => pending_values(&entry.node, self.errors),
        };
        let recipients = self.recipients();
        Meta {
            environment,
            recipients,
            data_key,
            mac,
            generation,
            signer,
            confirmed,
            pending,
            pending_spans,
        }
    }

    fn unknown_keys(&mut self) {
        for (k, e) in self.fields {
            if !FIELDS.contains(&k.as_str()) {
                self.errors.push(format_error(
                    format!("unknown metadata key `{META_KEY}.{}`", field(k)),
                    e.key_span,
                    "not part of the format",
                ));
            }
        }
    }

    /// A field the format requires: its node, or an error at the `cfgc` key.
    fn required(&mut self, k: &str) -> Option<&'a Node> {
        let found = self.fields.get(k);
        if found.is_none() {
            self.errors.push(format_error(
                format!("`{META_KEY}.{k}` is missing"),
                self.at,
                "incomplete metadata",
            ));
        }
        found.map(|e| &e.node)
    }

    /// A required field that must be a non-empty string.
    fn string(&mut self, k: &str) -> Option<(String, Span)> {
        match self.required(k)? {
            Node {
                kind: Kind::Str(s),
                span,
                ..
            } if !s.trim().is_empty() => Some((s.clone(), *span)),
            other => {
                self.errors.push(not_a_string(k, other));
                None
            }
        }
    }

    /// An optional field that, when present, must be a non-empty string.
    fn optional(&mut self, k: &str) -> Option<String> {
        match self.fields.get(k).map(|e| &e.node) {
            None => None,
            Some(Node {
                kind: Kind::Str(s), ..
            }) if !s.trim().is_empty() => Some(s.clone()),
            Some(other) => {
                self.errors.push(not_a_string(k, other));
                None
            }
        }
    }

    fn version(&mut self, name: &str) {
        let error = match self.required("version") {
            Some(Node {
                kind: Kind::Int(VERSION),
                ..
            })
            | None => return,
            Some(Node {
                kind: Kind::Int(v),
                span,
                ..
            }) => Diagnostic::new(
                Code::SecretsVersion,
                format!("`{name}` has format version {v}; this cfgc reads version {VERSION}"),
            )
            .at(*span)
            .label("unsupported version")
            .help("upgrade cfgc to read this file"),
            Some(other) => format_error(
                format!("`{META_KEY}.version` must be the number {VERSION}"),
                other.span,
                format!("found {}", other.type_name()),
            ),
        };
        self.errors.push(error);
    }

    fn environment(&mut self) -> Option<(String, Span)> {
        let environment = self.string("environment");
        if let Some(d) = environment
            .as_ref()
            .and_then(|(text, span)| names::check_environment(text, *span))
        {
            self.errors.push(d);
        }
        environment
    }

    /// `data_key`, which must at least look like an armored age file.
    fn data_key(&mut self) -> Option<(String, Span)> {
        let data_key = self.string("data_key");
        if let Some((text, span)) = &data_key
            && (!text
                .trim_start()
                .starts_with("-----BEGIN AGE ENCRYPTED FILE-----")
                || !text
                    .trim_end()
                    .ends_with("-----END AGE ENCRYPTED FILE-----"))
        {
            self.errors.push(format_error(
                format!("`{META_KEY}.data_key` is not an armored age file"),
                *span,
                "expected `-----BEGIN AGE ENCRYPTED FILE-----` … `-----END AGE ENCRYPTED FILE-----`",
            ));
        }
        data_key
    }

    fn generation(&mut self) -> Option<(u64, Option<Span>)> {
        match self.fields.get("generation").map(|e| &e.node) {
            None => Some((0, None)),
            Some(Node {
                kind: Kind::Int(n),
                span,
                ..
            }) if *n >= 1 => Some((*n as u64, Some(*span))),
            Some(other) => {
                self.errors.push(format_error(
                    format!("`{META_KEY}.generation` must be a whole number from 1"),
                    other.span,
                    "raised by cfgc on every write",
                ));
                None
            }
        }
    }

    /// `recipients`: a non-empty list, each item a recipient cfgc can encrypt to.
    fn recipients(&mut self) -> Option<(Vec<String>, Span)> {
        let (items, span) = match self.required("recipients") {
            Some(Node {
                kind: Kind::List(items),
                span,
                ..
            }) if !items.is_empty() => (items, *span),
            Some(other) => {
                self.errors.push(format_error(
                    format!("`{META_KEY}.recipients` must be a non-empty list"),
                    other.span,
                    format!("found {}", other.type_name()),
                ));
                return None;
            }
            None => return None,
        };
        let mut list = Vec::new();
        for item in items {
            match &item.kind {
                Kind::Str(s) if s.parse::<crate::project::recipient::Recipient>().is_ok() => {
                    list.push(s.clone())
                }
                _ => self.errors.push(format_error(
                    format!("`{META_KEY}.recipients` holds something that is not a recipient"),
                    item.span,
                    "expected `age1…` or `ssh-ed25519 …`",
                )),
            }
        }
        Some((list, span))
    }
}

fn not_a_string(k: &str, found: &Node) -> Diagnostic {
    format_error(
        format!("`{META_KEY}.{k}` must be a non-empty string"),
        found.span,
        format!("found {}", found.type_name()),
    )
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
