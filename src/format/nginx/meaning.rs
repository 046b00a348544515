//! What an nginx file means where nginx takes several spellings for one thing, written in
//! one spelling before directive rules run, so a rule judges the meaning and not the text:
//!
//! - every `listen` address of an HTTP `server` in its canonical spelling ([`listen`]):
//!   `0080` reads `80`, `[::]:0080` reads `[::]:80`, `*:80` reads `80`;
//! - a server that speaks TLS has `ssl` on every `listen`: nginx 1.22 still takes the
//!   deprecated `ssl on;` (in the server, or in `http` for every server) and then makes
//!   every listen of the server a TLS one;
//! - a server without `listen` gets the one nginx gives it, `listen 80;` (`*:80`; nginx
//!   takes 8000 when not started as root, which a deployed nginx is).
//!
//! Spans stay those of the directives as written; an added `listen` points at its server.

use super::listen;
use super::parse::Directive;

/// The file, read as described in the module docs.
pub fn normalise(mut file: Vec<Directive>) -> Vec<Directive> {
    within_http(&mut file, false);
    file
}

/// The directives of the file's top level or of an `http` block, where `server` blocks are
/// HTTP servers (`stream` and `mail` have servers of their own, and no `ssl on` here).
fn within_http(directives: &mut [Directive], tls_around: bool) {
    let tls = ssl_flag(directives).unwrap_or(tls_around);
    for directive in directives.iter_mut() {
        match (directive.name.as_str(), directive.block.as_mut()) {
            ("http", Some(block)) => within_http(block, tls),
            ("server", Some(_)) => server(directive, tls),
            _ => {}
        }
    }
}

fn server(server: &mut Directive, tls_around: bool) {
    let span = server.span.clone();
    let Some(children) = server.block.as_mut() else {
        return;
    };
    let tls = ssl_flag(children).unwrap_or(tls_around);
    if !children.iter().any(is_listen) {
        children.insert(
            0,
            Directive {
                name: "listen".to_string(),
                args: vec![listen::DEFAULT_PORT.to_string()],
                span,
                block: None,
            },
        );
    }
    for listen in children.iter_mut().filter(|d| is_listen(d)) {
        if let Some(address) = listen.args.first_mut()
            && let Some(canonical) = listen::canonical(address)
        {
            *address = canonical;
        }
        if tls && !listen.args.iter().skip(1).any(|a| a == "ssl") {
            listen.args.push("ssl".to_string());
        }
    }
}

fn is_listen(directive: &Directive) -> bool {
    directive.name == "listen" && directive.block.is_none()
}

/// The `ssl on|off` flag set among `directives`, if one is (nginx reads `on` in any case).
fn ssl_flag(directives: &[Directive]) -> Option<bool> {
    directives
        .iter()
        .filter(|d| d.name == "ssl" && d.block.is_none())
        .filter_map(|d| match d.args.as_slice() {
            [flag] => Some(flag.eq_ignore_ascii_case("on")),
            _ => None,
        })
        .next_back()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::nginx::parse::{parse, walk};

    /// Every `listen` of the normalised file, its arguments joined.
    fn listens(text: &str) -> Vec<String> {
        let file = normalise(parse(text).expect("valid nginx"));
        walk(&file)
            .into_iter()
            .filter(|d| d.name == "listen")
            .map(|d| d.args.join(" "))
            .collect()
    }

    #[test]
    fn listen_addresses_are_canonical() {
        let text = "http { server { listen 0080; listen [::]:0080 default_server; \
                    listen unix:/run/a.sock; listen localhost; } }";
        assert_eq!(
            listens(text),
            [
                "80",
                "[::]:80 default_server",
                "unix:/run/a.sock",
                "localhost:80"
            ]
        );
    }

    #[test]
    fn ssl_on_makes_every_listen_of_its_server_tls() {
        let text = "http { server { listen 8443; listen [::]:8443; ssl on; } \
                    server { listen 443; } server { listen 443 ssl; } }";
        assert_eq!(
            listens(text),
            ["8443 ssl", "[::]:8443 ssl", "443", "443 ssl"]
        );
        let inherited = "http { ssl ON; server { listen 8443; } server { ssl off; listen 81; } }";
        assert_eq!(listens(inherited), ["8443 ssl", "81"]);
    }

    #[test]
    fn a_server_without_listen_listens_on_80() {
        assert_eq!(listens("server { server_name a; }"), ["80"]);
        assert_eq!(listens("server { ssl on; }"), ["80 ssl"]);
    }

    #[test]
    fn other_protocols_and_blocks_are_left_alone() {
        let text = "stream { server { listen 0053; } } \
                    http { map $a $b { ssl on; } server { location / { listen 0081; } listen 81; } }";
        assert_eq!(listens(text), ["0053", "0081", "81"]);
    }
}
