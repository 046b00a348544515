//! Directive rules (`[[policies.directives]]`) checked against an output as its consumer
//! reads it: the output's room reads the file into directives (`Room::directives`: nginx's
//! tokenizer, blocks and meaning), and each rule looks at directives, never at text. A
//! finding never quotes an argument (an output may hold secrets); it points at the
//! directive, and the report shows that line masked where it must be.

use std::ops::Range;

use crate::format::directive::{Directive, walk};
use crate::project::directives::DirectiveRule;

/// One way a file breaks a rule: what is wrong and, when it is one directive or block, where.
pub struct Broken {
    pub note: String,
    pub at: Option<Range<usize>>,
}

/// Every way `file` (its top-level directives) breaks `rule`.
pub fn check(file: &[Directive], rule: &DirectiveRule) -> Vec<Broken> {
    let mut broken = Vec::new();
    for scope in scopes(file, rule) {
        let inside = scope.inside();
        for wanted in &rule.require {
            if !inside.iter().any(|d| wanted.matches(&d.name, &d.args)) {
                broken.push(Broken {
                    note: format!("{} has no `{}`", scope.describe(), wanted.text),
                    at: scope.header.map(|d| d.span.clone()),
                });
            }
        }
        if let (Some(every), Some(must)) = (&rule.every, &rule.must) {
            for d in inside.iter().filter(|d| every.matches(&d.name, &d.args)) {
                if !must.matches(&d.name, &d.args) {
                    broken.push(Broken {
                        note: format!("this `{}` does not match `{}`", d.name, must.text),
                        at: Some(d.span.clone()),
                    });
                }
            }
        }
        for banned in &rule.forbid {
            for d in inside.iter().filter(|d| banned.matches(&d.name, &d.args)) {
                broken.push(Broken {
                    note: format!("forbidden directive: `{}`", banned.text),
                    at: Some(d.span.clone()),
                });
            }
        }
    }
    broken.sort_by_key(|b| b.at.as_ref().map(|r| r.start));
    broken
}

/// A part of the file a rule looks at: a block, or the whole file.
struct Scope<'a> {
    /// The block directive, or `None` for the whole file.
    header: Option<&'a Directive>,
    directives: &'a [Directive],
}

impl<'a> Scope<'a> {
    /// Every directive inside the scope, nested blocks included.
    fn inside(&self) -> Vec<&'a Directive> {
        walk(self.directives)
    }

    fn describe(&self) -> String {
        match self.header {
            Some(d) => format!("this `{}` block", d.name),
            None => "the file".to_string(),
        }
    }
}

/// The blocks `rule` checks: each `in` block that directly holds a `having` directive, or the
/// whole file when the rule has no `in`.
fn scopes<'a>(file: &'a [Directive], rule: &DirectiveRule) -> Vec<Scope<'a>> {
    let Some(within) = &rule.within else {
        return vec![Scope {
            header: None,
            directives: file,
        }];
    };
    walk(file)
        .into_iter()
        .filter(|d| &d.name == within)
        .filter_map(|d| {
            let children = d.block.as_deref()?;
            let selected = rule
                .having
                .as_ref()
                .is_none_or(|having| children.iter().any(|c| having.matches(&c.name, &c.args)));
            selected.then_some(Scope {
                header: Some(d),
                directives: children,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(toml_text: &str) -> DirectiveRule {
        toml::from_str(toml_text).expect("valid rule")
    }

    fn notes(text: &str, rule: &DirectiveRule) -> Vec<String> {
        // As a render reads an nginx output: through the room.
        let read = crate::format::NGINX
            .directives()
            .expect("nginx reads directives");
        let file = read(text).expect("valid nginx");
        check(&file, rule).into_iter().map(|b| b.note).collect()
    }

    fn tls_rule() -> DirectiveRule {
        rule(
            r#"
            message = "TLS 1.2 and 1.3 only"
            in = "server"
            having = ["listen", "...", "ssl", "..."]
            require = [["ssl_protocols", "TLSv1\\.2", "TLSv1\\.3"]]
            "#,
        )
    }

    #[test]
    fn a_required_directive_in_every_selected_block() {
        let good = "http { server { listen 443 ssl; ssl_protocols TLSv1.2 TLSv1.3; } server { listen 80; } }";
        assert!(notes(good, &tls_rule()).is_empty());
        let bad = "http { server { listen 443 ssl; ssl_protocols TLSv1 TLSv1.2 TLSv1.3; } }";
        assert_eq!(
            notes(bad, &tls_rule()),
            ["this `server` block has no `ssl_protocols TLSv1\\.2 TLSv1\\.3`"]
        );
    }

    #[test]
    fn a_comment_or_a_string_does_not_satisfy_a_rule() {
        let commented = "server { listen 443 ssl;\n# ssl_protocols TLSv1.2 TLSv1.3;\n}";
        assert_eq!(notes(commented, &tls_rule()).len(), 1);
        let quoted = "server { listen 443 ssl; add_header X \"ssl_protocols TLSv1.2 TLSv1.3;\"; }";
        assert_eq!(notes(quoted, &tls_rule()).len(), 1);
    }

    #[test]
    fn a_comment_or_a_string_does_not_dodge_a_rule() {
        let cors = rule(
            r#"
            message = "no wildcard CORS"
            forbid = [["add_header", "(?i)access-control-allow-origin", "\\*", "..."]]
            "#,
        );
        // Quoting the name or the star, or a comment between the arguments, is the same
        // directive to nginx.
        for text in [
            "add_header Access-Control-Allow-Origin * always;",
            "add_header \"Access-Control-Allow-Origin\" '*' always;",
            "add_header Access-Control-Allow-Origin # nothing here\n * always;",
        ] {
            assert_eq!(notes(text, &cors).len(), 1, "{text}");
        }
        assert!(notes("# add_header Access-Control-Allow-Origin *;\n", &cors).is_empty());
    }

    #[test]
    fn every_directive_of_a_kind_must_match() {
        let hsts = rule(
            r#"
            message = "HSTS of two years, always"
            every = ["add_header", "(?i)strict-transport-security", "..."]
            must = ["add_header", "(?i)strict-transport-security", "max-age=(6307200[0-9]|[7-9][0-9]{7}|[1-9][0-9]{8,})(;.*)?", "always"]
            "#,
        );
        let text = "add_header Strict-Transport-Security \"max-age=63072000; includeSubDomains\" always;\n\
                    location / { add_header Strict-Transport-Security max-age=300 always; }";
        assert_eq!(
            notes(text, &hsts),
            [format!(
                "this `add_header` does not match `{}`",
                hsts.must.as_ref().unwrap().text
            )]
        );
    }

    #[test]
    fn non_ascii_arguments_match_with_unicode() {
        let ids = rule(
            r#"
            message = "a request id"
            require = [["add_header", "(?i)x-request-id", '\$\w+']]
            "#,
        );
        assert!(notes("add_header X-Request-Id $hôte;", &ids).is_empty());
        assert!(notes("add_header X-Request-Id $host;", &ids).is_empty());
        assert_eq!(notes("add_header X-Request-Id $hô-te;", &ids).len(), 1);
    }

    #[test]
    fn shapes_are_checked() {
        let both = rule("message = \"x\"\nrequire = [[\"a\"]]\nforbid = [[\"b\"]]");
        assert!(both.shape_problem().is_some());
        let none = rule("message = \"x\"");
        assert!(none.shape_problem().is_some());
        let half = rule("message = \"x\"\nevery = [\"a\"]");
        assert!(half.shape_problem().is_some());
        let having = rule("message = \"x\"\nhaving = [\"a\"]\nforbid = [[\"b\"]]");
        assert!(having.shape_problem().is_some());
        assert!(tls_rule().shape_problem().is_none());
    }
}
