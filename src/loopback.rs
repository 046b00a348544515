//! Whether a string points at this machine, read the way the programs that receive it read
//! it: by the WHATWG URL parser (the `url` crate; Node's `URL`, browsers and most HTTP
//! clients follow the same standard), with its IPv4 number forms (`127.1`, `0x7f.1`,
//! `017700000001`, `2130706433`, extra zeros), percent-decoding and IDNA mapping
//! (full-width `ｌｏｃａｌｈｏｓｔ`, ideographic full stops), and with tabs and line
//! breaks removed wherever they are. A hand-written host reader disagreed with those
//! consumers (issue 19 c): every disagreement was a way to reach this machine unseen.
//!
//! Three shapes are read:
//! - a URL of a special scheme (`http`, `https`, `ws`, `wss`, `ftp`): as the standard reads
//!   it, missing slashes (`https:/localhost`, `https:localhost:8443`) included;
//! - a URL of any other scheme with an authority (`redis://`, `postgres://`, `amqp://`): the
//!   standard keeps such a host opaque and compares nothing, so the authority is read again
//!   under `http://`, and its host means what it would mean to an HTTP client;
//! - anything else, a bare `[user@]host[:port][/…]` or IPv6 literal: read as `http://` and
//!   the text.
//!
//! Loopback: `localhost`, `localhost.`, `*.localhost`, 127.0.0.0/8, `::1`, and IPv4-mapped
//! or -compatible forms of those; unspecified (`0.0.0.0`, `0`, `::`) reaches the local
//! machine too. A zone (`[::1%25lo]`, `fe80::1%eth0`) is dropped before reading, as curl
//! and the socket layer do. Where only what follows the host is unreadable
//! (`localhost:${PORT}`, a port past 65535), the host it names still counts: fail closed.
//! A host that the WHATWG host parser refuses itself (`08`, a 12-digit number past 2^32)
//! names nothing a URL consumer would connect to, and is not local (the `url` format
//! refuses malformed URLs where a schema asks for one).

use std::net::{Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

/// Whether a URL, host or `host:port` (one item, no list separators) names a loopback or
/// unspecified host. The one host reading cfgc uses for "this machine": the
/// Whether a value (a URL, a `[user@]host[:port]`, or a comma- or space-separated list of
/// either) names this machine anywhere. A URL parser removes a tab or line break inside a
/// URL (`local<TAB>host` is `localhost`), while a list may be split by them: both readings
/// are checked, and either one finding this machine is enough. The `no-localhost` format
/// and the built-in `loopback` rule of deployed tiers both read values through this.
pub fn names_local(s: &str) -> bool {
    any_item(s, is_local)
}

/// Whether `test` holds for an item of `s` in either reading `names_local` describes.
pub fn any_item(s: &str, test: impl Fn(&str) -> bool) -> bool {
    let breaks = ['\t', '\n', '\r'];
    let joined = s.replace(breaks, "");
    // Without a tab or line break the two readings are one: read it once.
    let split = s
        .contains(breaks)
        .then(|| s.split([',', ' ', '\t', '\n', '\r']));
    let items = joined.split([',', ' ']).chain(split.into_iter().flatten());
    items.filter(|i| !i.is_empty()).any(test)
}

/// `no-localhost` format and the nginx room's `proxy_pass` check both call it.
pub fn is_local(item: &str) -> bool {
    host_of(item).is_some_and(|host| is_local_host(&host))
}

/// The host a URL consumer would connect to for `item` (see the module comment), or `None`
/// when none would: no host (`file:///x`, `mailto:a`) or text no parser accepts.
pub fn host_of(item: &str) -> Option<Host<String>> {
    let text = without_zone(&clean(item));
    if text.is_empty() {
        return None;
    }
    if let Some(ip) = bare_ipv6(&text) {
        return Some(Host::Ipv6(ip));
    }
    let (url, authority) = match scheme(&text) {
        Some((scheme, rest)) if SPECIAL.contains(&scheme.to_ascii_lowercase().as_str()) => {
            (text.clone(), rest.trim_start_matches(['/', '\\']))
        }
        Some((_, rest)) if rest.starts_with("//") => (format!("http:{rest}"), &rest[2..]),
        // `localhost:8080` and `mailto:x@localhost` look like a scheme and a path.
        _ => (format!("http://{text}"), text.as_str()),
    };
    match Url::parse(&url) {
        Ok(url) => url.host().map(|h| h.to_owned()),
        Err(_) => named_host(authority),
    }
}

/// The host named at the start of an authority that is no valid URL for what follows
/// its host (`localhost:${PORT}`, a port past 65535): a consumer that fills in or
/// ignores the rest still connects there, so it counts (fail closed). The host itself is
/// still read by the WHATWG host parser, so `08` names none.
fn named_host(authority: &str) -> Option<Host<String>> {
    let end = authority
        .find(['/', '?', '#', '\\'])
        .unwrap_or(authority.len());
    let authority = &authority[..end];
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host_port.find(']') {
        Some(close) if host_port.starts_with('[') => &host_port[..=close],
        _ => host_port.split(':').next().unwrap_or(host_port),
    };
    Host::parse(host).ok()
}

/// The schemes whose hosts the URL standard itself parses (IPv4 forms, IDNA).
const SPECIAL: &[&str] = &["http", "https", "ws", "wss", "ftp", "file"];

/// The scheme and what follows its `:`, if the text starts with one (WHATWG's scheme
/// state: an ASCII letter, then letters, digits, `+`, `-`, `.`).
fn scheme(text: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = text.split_once(':')?;
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some((scheme, rest))
}

/// Whether a host, as the `url` crate gives it, is loopback or unspecified.
pub fn is_local_host(host: &Host<String>) -> bool {
    match host {
        Host::Domain(name) => {
            let name = name.to_ascii_lowercase();
            let name = name.strip_suffix('.').unwrap_or(&name);
            name == "localhost" || name.ends_with(".localhost")
        }
        Host::Ipv4(ip) => is_local_v4(*ip),
        Host::Ipv6(ip) => is_local_v6(*ip),
    }
}

fn is_local_v4(ip: Ipv4Addr) -> bool {
    ip.is_loopback() || ip.is_unspecified()
}

fn is_local_v6(ip: Ipv6Addr) -> bool {
    ip.is_loopback() || ip.is_unspecified() || ip.to_ipv4().is_some_and(is_local_v4)
}

/// The text as the URL parser sees it: without leading and trailing C0 controls and spaces,
/// and without any ASCII tab or line break (WHATWG's first steps).
fn clean(item: &str) -> String {
    item.trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

/// The text with an IPv6 zone (`%25lo`, `%eth0`) cut from a bracketed literal: the URL
/// parser refuses zones, the socket layer ignores them for loopback.
fn without_zone(text: &str) -> String {
    let Some(open) = text.find('[') else {
        return text.to_string();
    };
    let Some(close) = text[open..].find(']').map(|i| open + i) else {
        return text.to_string();
    };
    match text[open..close].find('%') {
        Some(zone) => format!("{}{}", &text[..open + zone], &text[close..]),
        None => text.to_string(),
    }
}

/// A bare IPv6 address without brackets (`::1`, `fe80::1%eth0`), which no URL can hold.
fn bare_ipv6(text: &str) -> Option<Ipv6Addr> {
    let addr = text.split('%').next().unwrap_or(text);
    addr.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_this_machine() {
        for local in [
            "redis://127.0.0.1:6379",
            "postgres://u@127.0.0.1/db",
            "amqp://0.0.0.0",
            "mongodb://[::1]/x",
            "rediss://127.0.0.2",
            "redis://0x7f.1:6379",
            "redis://ｌｏｃａｌｈｏｓｔ",
            "https://0.0.0.0/api/v1",
            "http://localhost.:8080",
            "http://api.LOCALHOST/",
            "localhost.",
            "localhost:8080",
            "api.localhost:3000",
            "127.1",
            "0x7f.1",
            "0x7f000001",
            "017700000001",
            "2130706433",
            "0",
            "0.0.0.0",
            "::1",
            "::",
            "::ffff:127.0.0.1",
            "[::ffff:7f00:1]:80",
            "[::1%25lo]",
            "http://[::1%25lo]:80/",
            "::1%lo",
            "http://%6cocalhost/",
            "postgres://u:p@[::1]:5432/db",
            "user@localhost:22",
            "mailto:x@localhost",
        ] {
            assert!(is_local(local), "{local} is this machine");
        }
    }

    #[test]
    fn issue_19_c_bypasses_are_this_machine() {
        for local in [
            "https:/localhost/",
            "https:localhost:8443",
            "https://0x000000000000007f000001/",
            "https://127.000000000000000000001/",
            "ｌｏｃａｌｈｏｓｔ",
            "https://ｌｏｃａｌｈｏｓｔ/",
            "https://local\thost/",
            "https://local\nhost/",
            "https://localhost%E3%80%82/",
            "https://localhost\u{3002}/",
            "https://localhost\u{ff0e}/",
            "https://localhost\u{ff61}/",
            " https://localhost/ ",
        ] {
            assert!(is_local(local), "{local:?} is this machine");
        }
    }

    #[test]
    fn a_host_before_an_unreadable_port_still_counts() {
        for local in [
            "http://localhost:${PORT}/api",
            "https://localhost:99999/",
            "redis://u:p@127.0.0.1:{{port}}/0",
            "[::1]:${PORT}",
            "localhost:${PORT}",
            "https:\\\\0x7f.1:port",
        ] {
            assert!(is_local(local), "{local:?} is this machine");
        }
    }

    #[test]
    fn other_hosts_and_plain_words_pass() {
        for other in [
            "https://taskpilot.example.com",
            "https://localhost.example.com",
            "redis://10.0.0.3:6379",
            "128.0.0.1",
            "1.22.1",
            "/usr/share/nginx/html",
            "7d",
            "391847205613",
            "europe-west1",
            "https://taskpilot-728214876651.europe-west1.run.app",
            "08",
            "",
            "file:///etc/hosts",
            "urn:isbn:0451450523",
            "db.internal:5432",
            "::1:6379",
            "https://08:99999/",
            "https://example.com:${PORT}/",
        ] {
            assert!(!is_local(other), "{other} is not this machine");
        }
    }

    #[test]
    fn hosts_are_the_url_crate_hosts() {
        let host = |s: &str| host_of(s).map(|h| h.to_string());
        assert_eq!(host("redis://0x7F.1:6379/0").as_deref(), Some("127.0.0.1"));
        assert_eq!(
            host("HTTPS://Ex%41mple.COM/").as_deref(),
            Some("example.com")
        );
        assert_eq!(host("[::1]:6379").as_deref(), Some("[::1]"));
        assert_eq!(host("user@host.example").as_deref(), Some("host.example"));
        assert_eq!(host("file:///x"), None);
    }
}
