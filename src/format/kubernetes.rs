//! Kubernetes Secret and ConfigMap manifests, one document per object, `---` between them.
//! The values a template places (under `stringData` or `data`, in labels, as a name) are
//! strings to the API (a `map[string]string`), so every value is written as a string: a
//! double-quoted YAML scalar (the one YAML quoter), in which nothing is an indicator, no
//! line break is raw (kubectl splits documents at `---` lines before YAML is parsed), and
//! YAML 1.1's `yes`, `on`, `0x1F` or `~` stay text for Kubernetes' own YAML 1.1 reader too.
//! A number or boolean becomes its text; null, a list or a map has none and is refused.
//! Parse-back reads the file as kubectl does ([`documents`]); the checks are what the API
//! server refuses ([`manifest`]).

use serde_json::Value;

use super::round_trip::{expect, text_of};
use super::{EscapeError, KUBERNETES, Room, SyntaxError, yaml};

mod documents;
mod manifest;
mod names;

use documents::Stream;

pub struct Kubernetes;

impl Room for Kubernetes {
    fn name(&self) -> &'static str {
        "kubernetes"
    }

    fn summary(&self) -> &'static str {
        "Kubernetes Secret and ConfigMap manifests: a value is one string"
    }

    fn escape(&self, value: &Value) -> Result<String, EscapeError> {
        let refuse = |why: &str| Err(EscapeError::new(KUBERNETES, why));
        match value {
            Value::String(text) => Ok(yaml::double_quoted(text)),
            Value::Number(_) | Value::Bool(_) => Ok(yaml::double_quoted(&text_of(value))),
            Value::Null => refuse(
                "null has no text, and a Kubernetes value is a string; give a string, or leave the key out",
            ),
            Value::Array(_) => refuse(
                "a list is not a string, and a Kubernetes value is one; join it in the template (`{{ items | join(\",\") }}`)",
            ),
            Value::Object(_) => refuse(
                "a map is not a string, and a Kubernetes value is one; write one key per entry in the template",
            ),
        }
    }

    fn escape_str(&self, text: &str) -> Result<String, EscapeError> {
        Ok(yaml::double_quoted(text))
    }

    /// kubectl's split into documents, then cfgc's strict YAML reader on each.
    fn parse_back(&self, text: &str) -> Result<(), SyntaxError> {
        Stream::read(text).map(|_| ())
    }

    fn check(&self, text: &str) -> Vec<SyntaxError> {
        match Stream::read(text) {
            Ok(stream) => manifest::check(&stream),
            Err(_) => Vec::new(), // parse_back reports it
        }
    }

    /// As in YAML: indentation, list dashes and a key with its `: `.
    fn mask_prefix<'a>(&self, line: &'a str) -> &'a str {
        yaml::Yaml.mask_prefix(line)
    }

    /// `key: ESCAPED` before `next: "1"` in a Secret's `stringData`, read as kubectl reads
    /// the file: the value must come back as a string, the text of `value`, on one line.
    fn round_trip(&self, value: &Value, escaped: &str) -> Result<(), String> {
        expect(
            !escaped.contains(['\n', '\r']),
            "a line break reaches kubectl's document split",
        )?;
        let doc = format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: round-trip\nstringData:\n  key: {escaped}\n  next: \"1\"\n"
        );
        let stream = Stream::read(&doc)
            .map_err(|e| format!("the file does not parse back: {}", e.message))?;
        let [document] = &stream.documents[..] else {
            return Err("the value split the file into other documents".into());
        };
        let data = document
            .root
            .at(&["stringData".to_string()])
            .and_then(|n| n.as_map())
            .ok_or("`stringData` is gone")?;
        let text = |key: &str| match data.get(key).map(|e| &e.node.kind) {
            Some(crate::node::Kind::Str(text)) => Some(text.as_str()),
            _ => None,
        };
        expect(
            text("key") == Some(text_of(value).as_str()),
            "the value came back as another value, or not as a string",
        )?;
        expect(
            data.len() == 2 && text("next") == Some("1"),
            "the value swallowed the next key or added one",
        )
    }
}

#[cfg(test)]
mod tests;
