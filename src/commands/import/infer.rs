//! Types for names the schema does not declare yet, inferred from every value imported for
//! them (across all the files of one run), so that each value validates against what is
//! added. A type is only inferred when the value comes back unchanged through cfgc's
//! layer and `cfgc exec` (`007` stays a string: YAML would keep it, but not as 7).

use crate::schema::formats;

/// What import adds for a new name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Integer,
    Boolean,
    Url,
    HttpsUrl,
    Email,
    List,
    String,
}

impl Kind {
    /// As shown in the summary table.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Integer => "integer",
            Kind::Boolean => "boolean",
            Kind::Url => "url",
            Kind::HttpsUrl => "https-url",
            Kind::Email => "email",
            Kind::List => "list",
            Kind::String => "string",
        }
    }

    /// The schema property's body: `"key": value` pairs, in the order written.
    pub fn property(self, secret: bool) -> Vec<(&'static str, &'static str)> {
        let mut out = match self {
            Kind::Integer => vec![("type", "\"integer\"")],
            Kind::Boolean => vec![("type", "\"boolean\"")],
            Kind::Url => vec![("type", "\"string\""), ("format", "\"url\"")],
            Kind::HttpsUrl => vec![("type", "\"string\""), ("format", "\"https-url\"")],
            Kind::Email => vec![("type", "\"string\""), ("format", "\"email\"")],
            Kind::List => vec![("type", "\"array\""), ("items", "{ \"type\": \"string\" }")],
            Kind::String => vec![("type", "\"string\"")],
        };
        if secret {
            out.push(("x-secret", "true"));
        }
        out
    }
}

/// Names that say they hold a secret, whatever their value looks like.
const SECRET_SUFFIXES: &[&str] = &["_SECRET", "_KEY", "_TOKEN", "_PASSWORD"];

/// Whether `name`, given its `values`, is a secret: by its name, or because one value looks
/// like a credential to the same detector `cfgc check` uses.
pub fn is_secret(name: &str, values: &[&str]) -> bool {
    SECRET_SUFFIXES.iter().any(|s| name.ends_with(s))
        || values
            .iter()
            .any(|v| crate::validate::credentials::scan(v).is_some())
}

/// The narrowest kind every value fits. `values` pairs each value with whether it is for a
/// deployed-tier environment. A secret is stored as a string, so it is a string or a URL.
pub fn kind(values: &[(bool, &str)], secret: bool) -> Kind {
    let all = |f: fn(&str) -> bool| !values.is_empty() && values.iter().all(|(_, v)| f(v));
    if !secret && all(is_integer) {
        Kind::Integer
    } else if !secret && all(|v| matches!(v, "true" | "false")) {
        Kind::Boolean
    } else if !secret && all(is_list) {
        Kind::List
    } else if all(|v| formats::check("url", v).is_ok() && v.contains("://")) {
        let https = |v: &str| formats::check("https-url", v).is_ok();
        let deployed: Vec<&str> = values.iter().filter(|(d, _)| *d).map(|(_, v)| *v).collect();
        // `https-url` holds for every value, so a local `http://localhost` keeps it `url`.
        if !deployed.is_empty() && values.iter().all(|(_, v)| https(v)) {
            Kind::HttpsUrl
        } else {
            Kind::Url
        }
    } else if all(is_email) {
        Kind::Email
    } else {
        Kind::String
    }
}

fn is_integer(v: &str) -> bool {
    let digits = v.strip_prefix('-').unwrap_or(v);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && v != "-0"
        && v.parse::<i64>().is_ok()
}

/// A plain `name@example.com`: a narrower reading than the schema's `email` format, so
/// that every value inferred an email is one the format accepts.
fn is_email(v: &str) -> bool {
    let Some((local, domain)) = v.split_once('@') else {
        return false;
    };
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    !local.is_empty()
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._%+-".contains(&b))
        && labels.len() >= 2
        && labels.iter().all(label_ok)
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()))
}

/// `a,b,c`: items neither empty nor padded, so `cfgc exec`'s join gives the value back. A
/// URL with a comma in its path or query is a URL, not a list: in a list of URLs, every item
/// is one.
fn is_list(v: &str) -> bool {
    let urls = v.contains("://");
    v.contains(',')
        && v.split(',').all(|item| {
            !item.is_empty()
                && item.trim() == item
                && !item.contains('"')
                && (!urls || item.contains("://"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(values: &[&str]) -> Kind {
        let pairs: Vec<(bool, &str)> = values.iter().map(|v| (true, *v)).collect();
        kind(&pairs, false)
    }

    #[test]
    fn kinds() {
        assert_eq!(of(&["8080", "-1"]), Kind::Integer);
        assert_eq!(of(&["007"]), Kind::String);
        assert_eq!(of(&["true", "false"]), Kind::Boolean);
        assert_eq!(of(&["True"]), Kind::String);
        assert_eq!(of(&["https://a.example.com/x"]), Kind::HttpsUrl);
        assert_eq!(of(&["https://a.example.com", "redis://r:6379"]), Kind::Url);
        assert_eq!(of(&["ops@example.com"]), Kind::Email);
        assert_eq!(of(&["éa%=é%0@].;"]), Kind::String);
        assert_eq!(of(&["a,b,c"]), Kind::List);
        assert_eq!(of(&["a, b"]), Kind::String);
        assert_eq!(
            of(&["https://a.example.com,https://b.example.com"]),
            Kind::List
        );
        assert_eq!(of(&["https://a.example.com/?q=1,2"]), Kind::HttpsUrl);
        assert_eq!(of(&["hello world"]), Kind::String);
        assert_eq!(of(&[""]), Kind::String);
        let local = [
            (false, "http://localhost:3000"),
            (true, "https://a.example.com"),
        ];
        assert_eq!(kind(&local, false), Kind::Url);
    }

    #[test]
    fn secrets_by_name_or_look() {
        assert!(is_secret("STRIPE_SECRET", &["x"]));
        assert!(is_secret("GITHUB_TOKEN", &["x"]));
        assert!(!is_secret("APP_NAME", &["taskpilot"]));
    }
}
