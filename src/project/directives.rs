//! `[[policies.directives]]`: structural rules over an output made of directives (nginx), as
//! data. A rule picks blocks (`in`, narrowed by `having`) and says which directives they must
//! hold (`require`), what every directive of a kind must look like (`every` + `must`), or
//! which may not appear (`forbid`). Directives are matched as the consumer reads them (the
//! output's room reads the file: `Room::directives`), so a comment or a quoted string can
//! neither satisfy nor dodge a rule.

use regex::Regex;
use serde::{Deserialize, Deserializer};

/// One structural rule; see the module docs and README's cfgc.toml reference.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectiveRule {
    /// What the rule protects, shown when it fails.
    pub message: String,
    /// The block directive whose blocks are checked, each on its own (`server`, `location`);
    /// the whole file when absent.
    #[serde(rename = "in")]
    pub within: Option<String>,
    /// Only the `in` blocks that directly hold a directive matching this.
    pub having: Option<Pattern>,
    /// Each checked block must hold, anywhere inside it, a directive matching each of these.
    #[serde(default)]
    pub require: Vec<Pattern>,
    /// Every directive inside the checked blocks that matches `every` must match `must`.
    pub every: Option<Pattern>,
    pub must: Option<Pattern>,
    /// No directive inside the checked blocks may match any of these.
    #[serde(default)]
    pub forbid: Vec<Pattern>,
}

impl DirectiveRule {
    /// Why this rule is not one of the three shapes, if it is not.
    pub fn shape_problem(&self) -> Option<&'static str> {
        let kinds = [
            !self.require.is_empty(),
            self.every.is_some() || self.must.is_some(),
            !self.forbid.is_empty(),
        ];
        if kinds.iter().filter(|k| **k).count() != 1 {
            return Some("needs exactly one of `require`, `every` with `must`, or `forbid`");
        }
        if self.every.is_some() != self.must.is_some() {
            return Some("has `every` or `must` without the other");
        }
        if self.having.is_some() && self.within.is_none() {
            return Some("has `having` without `in` (the blocks it narrows)");
        }
        None
    }
}

/// How many `...` a pattern may hold: each one multiplies the matching work.
const MAX_ANY: usize = 4;

/// A directive pattern: `["name", "arg", …]`. The name is compared as written; each argument
/// is a regular expression that must match the whole argument (as the consumer reads it:
/// quotes and escapes resolved); `"..."` stands for any number of arguments, and `"<loopback-url>"` for
/// a URL (`scheme://…`) whose host is this machine in any spelling a resolver or URL parser
/// takes (`127.1`, `0x7f000001`, `[::ffff:127.0.0.1]`: `validate::formats::loopback`), which
/// no regular expression lists in full. Without a `...` the directive has exactly as many
/// arguments as the pattern.
#[derive(Debug)]
pub struct Pattern {
    pub name: String,
    args: Vec<Arg>,
    /// The pattern as written, for messages.
    pub text: String,
}

#[derive(Debug)]
enum Arg {
    Any,
    Is(Regex),
    LoopbackUrl,
}

/// How a pattern writes [`Arg::LoopbackUrl`].
pub const LOOPBACK_URL: &str = "<loopback-url>";

impl Pattern {
    pub fn compile(items: &[String]) -> Result<Pattern, String> {
        let Some((name, args)) = items.split_first() else {
            return Err("a directive pattern needs at least the directive's name".into());
        };
        if name.is_empty() || name == "..." {
            return Err("a directive pattern starts with the directive's name".into());
        }
        if args.iter().filter(|a| *a == "...").count() > MAX_ANY {
            return Err(format!(
                "a directive pattern may hold `...` at most {MAX_ANY} times"
            ));
        }
        let args = args
            .iter()
            .map(|a| match a.as_str() {
                "..." => Ok(Arg::Any),
                LOOPBACK_URL => Ok(Arg::LoopbackUrl),
                a => super::pattern::compile(&format!("^(?:{a})$"))
                    .map(Arg::Is)
                    .map_err(|why| format!("invalid argument pattern `{a}`: {why}")),
            })
            .collect::<Result<_, _>>()?;
        Ok(Pattern {
            name: name.clone(),
            args,
            text: items.join(" "),
        })
    }

    /// Whether the directive matches.
    pub fn matches(&self, name: &str, args: &[String]) -> bool {
        name == self.name && matches_args(&self.args, args)
    }
}

fn matches_args(pattern: &[Arg], args: &[String]) -> bool {
    match pattern.split_first() {
        None => args.is_empty(),
        Some((Arg::Any, rest)) => (0..=args.len()).any(|skip| matches_args(rest, &args[skip..])),
        Some((Arg::Is(re), rest)) => {
            let is = |a: &String| re.is_match(a);
            args.first().is_some_and(is) && matches_args(rest, &args[1..])
        }
        Some((Arg::LoopbackUrl, rest)) => {
            args.first().is_some_and(|a| is_loopback_url(a)) && matches_args(rest, &args[1..])
        }
    }
}

/// A URL with a scheme whose host is loopback or unspecified. Without the `scheme://`, a
/// bare `0` (a `set $flag 0`) would read as the host 0.0.0.0.
fn is_loopback_url(arg: &str) -> bool {
    let scheme = arg.split_once("://").map(|(scheme, _)| scheme);
    scheme.is_some_and(|s| {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    }) && crate::loopback::is_local(arg)
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let items = Vec::<String>::deserialize(deserializer)?;
        Pattern::compile(&items).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(items: &[&str]) -> Pattern {
        Pattern::compile(&items.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .expect("valid pattern")
    }

    fn args(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn arguments_match_whole_and_in_order() {
        let p = pattern(&["ssl_protocols", "TLSv1\\.2", "TLSv1\\.3"]);
        assert!(p.matches("ssl_protocols", &args(&["TLSv1.2", "TLSv1.3"])));
        assert!(!p.matches("ssl_protocols", &args(&["TLSv1.2"])));
        assert!(!p.matches("ssl_protocols", &args(&["TLSv1.2", "TLSv1.3", "TLSv1"])));
        assert!(!p.matches("ssl_protocols", &args(&["TLSv1.2x", "TLSv1.3"])));
        assert!(!p.matches("ssl_ciphers", &args(&["TLSv1.2", "TLSv1.3"])));
    }

    #[test]
    fn dots_stand_for_any_arguments() {
        let p = pattern(&["listen", "...", "ssl", "..."]);
        assert!(p.matches("listen", &args(&["443", "ssl"])));
        assert!(p.matches("listen", &args(&["[::]:443", "ssl", "http2"])));
        assert!(!p.matches("listen", &args(&["80"])));
    }

    #[test]
    fn loopback_urls_match_in_every_spelling() {
        let p = pattern(&["proxy_pass", LOOPBACK_URL]);
        for local in [
            "http://127.0.0.1:3000",
            "http://127.1",
            "http://0x7f000001/",
            "https://[::ffff:127.0.0.1]:8443",
            "http://[::1]",
            "http://LOCALHOST.",
            "http://0.0.0.0",
        ] {
            assert!(p.matches("proxy_pass", &args(&[local])), "{local}");
        }
        for remote in ["https://api.example.com", "$app_upstream", "0", "127.0.0.1"] {
            assert!(!p.matches("proxy_pass", &args(&[remote])), "{remote}");
        }
    }

    #[test]
    fn bad_patterns_are_refused() {
        for bad in [
            &[][..],
            &["..."][..],
            &["x", "("][..],
            &["x", "...", "...", "...", "...", "..."][..],
            // Past `regex`'s size limit (Unicode `\w` a thousand times): refused when the
            // project loads, where the deleted ASCII-first build ran it on ASCII arguments.
            &["set", r"\w{1000}", "..."][..],
        ] {
            let items: Vec<String> = bad.iter().map(|s| s.to_string()).collect();
            assert!(Pattern::compile(&items).is_err(), "{bad:?}");
        }
    }
}
