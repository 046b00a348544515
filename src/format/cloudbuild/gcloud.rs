//! gcloud's dict arguments (`--set-env-vars`, `--update-env-vars`, `--set-secrets`), written
//! so that gcloud reads back exactly the pairs given.
//!
//! `gcloud topic escaping`: items are split on `,`, or on DELIM when the argument starts
//! with `^DELIM^`; each item is split on its first `=`. Nothing escapes a delimiter, so it
//! must appear in no key and no value. Only single characters are used: with a longer
//! delimiter, a value ending in part of it would be split wrongly (Python's `split` is
//! greedy from the left), whatever "appears in no value" says.
//!
//! Templates write one with the cloudbuild room's filter, `{{ {"K": V, …} | gcloud_dict }}`.

use minijinja::value::ValueKind;

use super::super::FilterError;

/// Delimiters tried, in order: `,` (gcloud's default, no prefix needed), then ASCII
/// punctuation with no meaning to gcloud's parser (`^`, `=`), to Cloud Build (`$`) or to
/// YAML inside double quotes (`"`, `\`).
const DELIMITERS: &[char] = &[
    ',', '|', ';', '~', '!', '#', '%', '*', '+', '@', ':', '&', '?', '/', '<', '>', '(', ')', '[',
    ']', '{', '}', '`', '\'', '.', '-', '_',
];

/// Why a dict cannot be written for gcloud. Names a key, never a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DictError {
    #[error(
        "the gcloud dict key `{0}` is empty or holds `=`, `^` or a line break; gcloud would split it differently"
    )]
    BadKey(String),
    #[error(
        "no delimiter is free for this gcloud dict argument: every one gcloud could use appears in a key or value (`{0}` holds the most of them); shorten that value or pass it another way"
    )]
    NoDelimiter(String),
}

/// `pairs` as one gcloud dict argument: plain `K1=V1,K2=V2` when no key or value holds a
/// comma, else `^D^K1=V1DK2=V2` with the first delimiter found in none of them: one
/// character, else two, each checked by splitting the result as gcloud does.
pub fn gcloud_dict(pairs: &[(String, String)]) -> Result<String, DictError> {
    if let Some((key, _)) = pairs
        .iter()
        .find(|(k, _)| k.is_empty() || k.contains(['=', '^', '\n', '\r']))
    {
        return Err(DictError::BadKey(key.clone()));
    }
    let items: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let singles = DELIMITERS.iter().map(|c| c.to_string());
    let doubles = DELIMITERS
        .iter()
        .flat_map(|a| DELIMITERS.iter().map(move |b| format!("{a}{b}")));
    let Some(delim) = singles.chain(doubles).find(|d| splits_back(&items, d)) else {
        let blocking = pairs
            .iter()
            .max_by_key(|(k, v)| {
                DELIMITERS
                    .iter()
                    .filter(|&&c| v.contains(c) || k.contains(c))
                    .count()
            })
            .map(|(k, _)| k.clone())
            .unwrap_or_default();
        return Err(DictError::NoDelimiter(blocking));
    };
    let body = items.join(&delim);
    // Without a prefix, a first key starting with `^` (refused above) could read as one.
    if delim == "," {
        Ok(body)
    } else {
        Ok(format!("^{delim}^{body}"))
    }
}

/// `{{ {"K": V, …} | gcloud_dict }}`: a map as one gcloud dict argument (`--set-env-vars`)
/// with a delimiter found in no key or value. Values must be strings, numbers or booleans:
/// a list is joined by the template, which knows how.
pub fn filter(value: minijinja::Value) -> Result<String, FilterError> {
    let refuse = FilterError::Refused;
    if value.kind() != ValueKind::Map {
        return Err(refuse(
            "gcloud_dict takes a map (`{\"KEY\": VALUE, …}`)".into(),
        ));
    }
    let mut pairs = Vec::new();
    for key in value.try_iter()? {
        let item = value.get_item(&key)?;
        let text = match item.kind() {
            ValueKind::String | ValueKind::Number | ValueKind::Bool => item.to_string(),
            kind => {
                return Err(refuse(format!(
                    "gcloud_dict: the value of `{key}` is a {kind}; give a string (join a list first)"
                )));
            }
        };
        pairs.push((key.to_string(), text));
    }
    gcloud_dict(&pairs).map_err(|e| refuse(e.to_string()))
}

/// Whether gcloud splits `items` joined by `delim` back into exactly `items`: the
/// delimiter is in none of them, and no item's end joins the delimiter after it into a
/// different split (`a:` + `::` reads as `a`, `:…`).
fn splits_back(items: &[String], delim: &str) -> bool {
    if items.iter().any(|i| i.contains(delim)) {
        return false;
    }
    let mut body = items.join(delim);
    if !body.ends_with(delim) {
        body.push_str(delim);
    }
    let mut split: Vec<&str> = body.split(delim).collect();
    split.pop();
    split == items || (items.is_empty() && split == [""])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn plain_commas_when_free_else_the_first_free_delimiter() {
        assert_eq!(
            gcloud_dict(&pairs(&[("A", "1"), ("B", "x@y")])).as_deref(),
            Ok("A=1,B=x@y")
        );
        assert_eq!(
            gcloud_dict(&pairs(&[("A", "a,b"), ("B", "c|d")])).as_deref(),
            Ok("^;^A=a,b;B=c|d")
        );
        // Every single character taken: two, never one that an item's end would extend.
        let singles: String = DELIMITERS.iter().filter(|&&c| c != '_').collect();
        let out = gcloud_dict(&pairs(&[("A_", &singles), ("B", "x")])).expect("a pair is free");
        assert!(out.starts_with("^,,^"), "{out}");
    }

    #[test]
    fn a_key_gcloud_would_split_is_refused_by_name() {
        let err = gcloud_dict(&pairs(&[("A=B", "1")])).expect_err("`=` in a key");
        assert_eq!(err, DictError::BadKey("A=B".into()));
    }

    #[test]
    fn no_free_delimiter_names_the_variable() {
        let all: String = DELIMITERS
            .iter()
            .flat_map(|a| DELIMITERS.iter().map(move |b| format!("{a}{b}")))
            .collect();
        let err = gcloud_dict(&pairs(&[("A", "1"), ("HOSTILE", &all)])).expect_err("all used");
        assert_eq!(err, DictError::NoDelimiter("HOSTILE".into()));
        assert!(!err.to_string().contains(&all));
    }
}
