//! A `listen` address as nginx reads it (`ngx_parse_url` in nginx 1.22, with the `listen`
//! directive's default port 80), written back in one canonical spelling, so a policy pattern
//! written for `80` also sees `0080`, and one for `[::]:80` also sees `[0::0]:0080`.
//!
//! nginx reads the port with `ngx_atoi` (digits only, leading zeros allowed), an IPv4 address
//! with `ngx_inet_addr` (dotted quads, empty parts read as 0) and, when that fails, hands the
//! host to `getaddrinfo`, which also takes the `inet_aton` spellings (`127.1`, `0x7f.1`).

use std::net::{Ipv4Addr, Ipv6Addr};

/// The port `listen` uses when its address has none.
pub const DEFAULT_PORT: u16 = 80;

/// The canonical spelling of a `listen` address: the port alone (`80`) for every IPv4
/// address (`*:80`, `0.0.0.0:80`), else `127.0.0.1:80`, `[::]:80` or `name:80` (lowercased),
/// the default port added where nginx adds it. `unix:` sockets, and what nginx would refuse
/// (`nginx -t` reports that), are `None`: they are left as written.
pub fn canonical(address: &str) -> Option<String> {
    if address.starts_with("unix:") {
        return None;
    }
    if let Some(inner) = address.strip_prefix('[') {
        let (host, rest) = inner.split_once(']')?;
        let port = match rest {
            "" => DEFAULT_PORT,
            _ => port(rest.strip_prefix(':')?)?,
        };
        let ip: Ipv6Addr = host.parse().ok()?;
        return Some(format!("[{ip}]:{port}"));
    }
    if address.contains(['/', '?']) {
        return None;
    }
    let (host, port) = match address.split_once(':') {
        Some((name, port_text)) => (host(name)?, port(port_text)?),
        // nginx tries the whole address as a port first.
        None if address.bytes().all(|b| b.is_ascii_digit()) => ("*".to_string(), port(address)?),
        None => (host(address)?, DEFAULT_PORT),
    };
    // Every IPv4 address (`*`, `0.0.0.0`) is what a port alone means.
    Some(match host.as_str() {
        "*" | "0.0.0.0" => port.to_string(),
        _ => format!("{host}:{port}"),
    })
}

/// An IPv4 address in dotted decimal, `*`, or a name (lowercased: DNS ignores case).
fn host(text: &str) -> Option<String> {
    if text == "*" {
        return Some("*".to_string());
    }
    if let Some(ip) = ngx_inet_addr(text).or_else(|| inet_aton(text)) {
        return Some(ip.to_string());
    }
    // nginx: "no host" for an empty one.
    let name = text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    (name && !text.is_empty()).then(|| text.to_ascii_lowercase())
}

/// `ngx_atoi` then nginx's range check: 1 to 65535.
fn port(text: &str) -> Option<u16> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = text.trim_start_matches('0');
    let value: u16 = if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    (value >= 1).then_some(value)
}

/// nginx's own IPv4 reader: exactly four dot-separated decimal parts, each at most 255; an
/// empty part is 0 (so `127.0..1` is 127.0.0.1).
fn ngx_inet_addr(text: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut octets = [0u8; 4];
    for (octet, part) in octets.iter_mut().zip(parts) {
        if !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let value = part.bytes().try_fold(0u32, |n, b| {
            Some(n * 10 + u32::from(b - b'0')).filter(|n| *n <= 255)
        })?;
        *octet = u8::try_from(value).ok()?;
    }
    Some(Ipv4Addr::from(octets))
}

/// glibc's `inet_aton`, which `getaddrinfo` tries before DNS: one to four parts, each
/// decimal, octal (`0` first) or hex (`0x` first), the last filling the remaining bytes.
fn inet_aton(text: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() > 4 {
        return None;
    }
    let numbers = parts
        .iter()
        .map(|p| number(p))
        .collect::<Option<Vec<u32>>>()?;
    let (last, leading) = numbers.split_last()?;
    if leading.iter().any(|n| *n > 255) {
        return None;
    }
    let room = 8 * (4 - leading.len() as u32);
    if room < 32 && *last >= 1 << room {
        return None;
    }
    let high = leading
        .iter()
        .enumerate()
        .fold(0u32, |acc, (i, n)| acc | (n << (24 - 8 * i as u32)));
    Some(Ipv4Addr::from(high | last))
}

fn number(part: &str) -> Option<u32> {
    let (digits, radix) = match part.as_bytes() {
        [b'0', b'x' | b'X', ..] => (&part[2..], 16),
        [b'0', _, ..] => (&part[1..], 8),
        _ => (part, 10),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return (part == "0").then_some(0);
    }
    u32::from_str_radix(digits, radix).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_numbers() {
        for (written, canonical_form) in [
            ("80", "80"),
            ("0080", "80"),
            ("8443", "8443"),
            ("*:0080", "80"),
            ("0.0.0.0:80", "80"),
            ("*", "80"),
            ("[::]:0080", "[::]:80"),
            ("[0:0::0]:80", "[::]:80"),
            ("[::]", "[::]:80"),
            ("127.0.0.1", "127.0.0.1:80"),
            ("127.000.0.1:080", "127.0.0.1:80"),
            ("127.0..1:80", "127.0.0.1:80"),
            ("127.1:80", "127.0.0.1:80"),
            ("0x7f000001:80", "127.0.0.1:80"),
            ("LocalHost:080", "localhost:80"),
            ("localhost", "localhost:80"),
            ("[::ffff:127.0.0.1]:443", "[::ffff:127.0.0.1]:443"),
        ] {
            assert_eq!(
                canonical(written).as_deref(),
                Some(canonical_form),
                "{written}"
            );
        }
    }

    #[test]
    fn sockets_and_what_nginx_refuses_stay_as_written() {
        for written in [
            "unix:/run/a.sock",
            "0",
            "65536",
            "+80",
            "a:",
            ":80",
            "[::]x",
            "[::",
            "a/b:80",
            "a b:80",
            "[zz]:80",
        ] {
            assert_eq!(canonical(written), None, "{written}");
        }
    }

    proptest::proptest! {
        /// Any text is read or left as written, without a panic; what is read reads the
        /// same again (the canonical spelling is a fixed point).
        #[test]
        fn any_address_is_read_or_left_and_reading_is_stable(text in "[0-9a-fx.:*\\[\\]]{0,24}") {
            if let Some(once) = canonical(&text) {
                proptest::prop_assert_eq!(canonical(&once), Some(once));
            }
        }
    }

    #[test]
    fn inet_aton_spellings() {
        for (text, ip) in [
            ("127.1", "127.0.0.1"),
            ("0x7f.1", "127.0.0.1"),
            ("017700000001", "127.0.0.1"),
            ("2130706433", "127.0.0.1"),
            ("0", "0.0.0.0"),
        ] {
            assert_eq!(inet_aton(text).map(|i| i.to_string()).as_deref(), Some(ip));
        }
        for text in ["256.1.1.1", "1.2.3.4.5", "08", "1..2", "0x1ffffffff"] {
            assert_eq!(inet_aton(text), None, "{text}");
        }
    }
}
