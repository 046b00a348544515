//! Whether a string points at this machine: the host of a `scheme://[userinfo@]host[:port]/…`
//! URL (any scheme: `redis`, `postgres`, `amqp`… are opaque to a WHATWG URL parser, which
//! then compares nothing), of a bare `[user@]host[:port][/…]`, compared as a resolver or
//! socket library would read it. Loopback: `localhost`, `localhost.`, `*.localhost`, all of
//! 127.0.0.0/8 in every `inet_aton` spelling (`127.1`, `0x7f.1`, `017700000001`,
//! `2130706433`), `::1`, and IPv4-mapped or -compatible forms of those; unspecified
//! (`0.0.0.0`, `0`, `::`) reaches the local machine too.

use std::net::{Ipv4Addr, Ipv6Addr};

/// Whether one item (no separators) names a loopback or unspecified host.
pub fn is_local(item: &str) -> bool {
    is_local_host(&host_of(item))
}

/// The host part of a URL or `[user@]host[:port][/path]`, percent-decoded, lowercased, without
/// brackets, zone or trailing dot.
fn host_of(item: &str) -> String {
    let rest = match item.find("://") {
        Some(i) if is_scheme(&item[..i]) => &item[i + 3..],
        _ => item,
    };
    let authority = rest.split(['/', '?', '#', '\\']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(inner) = host_port.strip_prefix('[') {
        inner.split(']').next().unwrap_or(inner)
    } else if host_port.matches(':').count() > 1 {
        host_port // a bare IPv6 address
    } else {
        host_port.split(':').next().unwrap_or(host_port)
    };
    let host = host
        .split('%')
        .next()
        .filter(|_| host.contains(':'))
        .unwrap_or(host);
    percent_decode(host).to_ascii_lowercase()
}

fn is_scheme(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// `%6c` → `l`: browsers and URL libraries decode the host before resolving it.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn is_local_host(host: &str) -> bool {
    let name = host.strip_suffix('.').unwrap_or(host);
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    if name.contains(':') {
        return name.parse::<Ipv6Addr>().is_ok_and(|ip| {
            ip.is_loopback() || ip.is_unspecified() || ip.to_ipv4().is_some_and(is_local_v4)
        });
    }
    inet_aton(name).is_some_and(is_local_v4)
}

fn is_local_v4(ip: Ipv4Addr) -> bool {
    ip.is_loopback() || ip.is_unspecified()
}

/// An IPv4 address as `inet_aton` reads it: one to four parts, each decimal, `0x` hex or
/// `0` octal; the last part fills the bytes the others leave.
fn inet_aton(s: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let numbers: Vec<u64> = parts.iter().map(|p| number(p)).collect::<Option<_>>()?;
    let (last, leading) = numbers.split_last()?;
    if leading.iter().any(|&n| n > 0xff) || *last >= 1u64 << (8 * (4 - leading.len())) {
        return None;
    }
    let mut addr: u64 = 0;
    for (i, n) in leading.iter().enumerate() {
        addr |= n << (8 * (3 - i));
    }
    Some(Ipv4Addr::from((addr | last) as u32))
}

fn number(p: &str) -> Option<u64> {
    let (digits, radix) = if let Some(h) = p.strip_prefix("0x").or_else(|| p.strip_prefix("0X")) {
        (h, 16)
    } else if p.len() > 1 && p.starts_with('0') {
        (&p[1..], 8)
    } else {
        (p, 10)
    };
    if digits.is_empty() {
        // `0x` alone is 0 to glibc; an empty part (`1..2`) is not a number.
        return (radix == 16).then_some(0);
    }
    if digits.len() > 12 || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
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
            "https://0.0.0.0/api/v1",
            "http://localhost.:8080",
            "http://api.LOCALHOST/",
            "localhost.",
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
            "http://%6cocalhost/",
            "postgres://u:p@[::1]:5432/db",
            "user@localhost:22",
        ] {
            assert!(is_local(local), "{local} is this machine");
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
        ] {
            assert!(!is_local(other), "{other} is not this machine");
        }
    }
}
