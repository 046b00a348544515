//! The string formats cfgc adds to JSON Schema. Each check returns why a
//! value fails, in words that never repeat the value itself.

use url::Url;

pub const FORMATS: &[&str] = &[
    "url",
    "https-url",
    "no-localhost",
    "duration",
    "port",
    "age-recipient",
];

pub fn check(format: &str, s: &str) -> Result<(), &'static str> {
    match format {
        "url" => url(s).map(|_| ()),
        "https-url" => https_url(s),
        "no-localhost" => no_localhost(s),
        "duration" => duration(s),
        "port" => port(s),
        "age-recipient" => age_recipient(s),
        _ => Ok(()),
    }
}

/// What a format means, for "expected …" in messages.
pub fn describe(format: &str) -> &'static str {
    match format {
        "url" => "an absolute URL with a host, such as `https://example.com/path`",
        "https-url" => "an `https://` URL",
        "no-localhost" => {
            "a host or URL that is not localhost, *.localhost, 127.0.0.0/8 (in any spelling), ::1, 0.0.0.0 or ::"
        }
        "duration" => "a duration such as `15m`, `7d` or `1h30m` (units ms, s, m, h, d, w)",
        "port" => "a TCP port from 1 to 65535",
        "age-recipient" => "an age recipient (`age1…`) or an SSH public key (`ssh-ed25519 …`)",
        "email" => "an email address",
        "uri" => "an absolute URI",
        "hostname" => "a hostname",
        _ => "a value of this format",
    }
}

fn url(s: &str) -> Result<Url, &'static str> {
    let u = Url::parse(s).map_err(|_| "it is not an absolute URL")?;
    if u.host().is_none() {
        return Err("the URL has no host");
    }
    Ok(u)
}

fn https_url(s: &str) -> Result<(), &'static str> {
    if url(s)?.scheme() != "https" {
        return Err("the URL does not use https");
    }
    Ok(())
}

/// Rejects loopback and unspecified hosts in a URL of any scheme, a `[user@]host[:port]`,
/// or a comma- or space-separated list of either (see `loopback::names_local`).
fn no_localhost(s: &str) -> Result<(), &'static str> {
    if crate::loopback::names_local(s) {
        return Err(
            "it points at a loopback or unspecified host (localhost, 127.0.0.0/8, ::1, 0.0.0.0)",
        );
    }
    Ok(())
}

fn duration(s: &str) -> Result<(), &'static str> {
    const WHY: &str = "it is not a duration: digits followed by a unit (ms, s, m, h, d, w), e.g. `15m` or `1h30m`";
    let mut rest = s;
    if rest.is_empty() {
        return Err(WHY);
    }
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(WHY);
        }
        rest = &rest[digits..];
        let unit = ["ms", "s", "m", "h", "d", "w"]
            .into_iter()
            .find(|u| rest.starts_with(u))
            .ok_or(WHY)?;
        rest = &rest[unit.len()..];
    }
    Ok(())
}

fn port(s: &str) -> Result<(), &'static str> {
    match s.parse::<u32>() {
        Ok(1..=65535) if !s.starts_with('0') => Ok(()),
        _ => Err("it is not a port number from 1 to 65535"),
    }
}

fn age_recipient(s: &str) -> Result<(), &'static str> {
    let ok = s.parse::<crate::project::recipient::Recipient>().is_ok();
    if ok {
        Ok(())
    } else {
        Err("it is not an age recipient (`age1…`) or an SSH public key")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_localhost_catches_every_spelling() {
        for bad in [
            "http://localhost:3000",
            "https://LOCALHOST/x",
            "http://127.0.0.1",
            "127.8.9.1:80",
            "http://[::1]:8080/",
            "0.0.0.0",
            "api.localhost",
            "https://app.localhost./",
            "https://example.com, http://localhost:5173",
            "postgres://u@localhost:5432/db",
            "[::ffff:127.0.0.1]:80",
            "redis://127.0.0.1:6379",
            "postgres://u@127.0.0.1/db",
            "amqp://0.0.0.0",
            "mongodb://[::1]/x",
            "rediss://127.0.0.2",
            "https://localhost./",
            "http://127.1/",
            "https://local\thost/",
            "https://a.example\nhttp://localhost",
            "https://a.example\thttp://localhost",
        ] {
            assert!(no_localhost(bad).is_err(), "{bad} should be rejected");
        }
        for good in [
            "https://taskpilot.example.com",
            "10.0.0.1",
            "db.internal:5432",
            "https://localhost.example.com",
        ] {
            assert!(no_localhost(good).is_ok(), "{good} should pass");
        }
    }

    #[test]
    fn durations_and_ports() {
        for ok in ["15m", "7d", "1h30m", "250ms"] {
            assert!(duration(ok).is_ok(), "{ok}");
        }
        for bad in ["", "7", "d", "7days", "1.5h", "-1m"] {
            assert!(duration(bad).is_err(), "{bad}");
        }
        assert!(port("8080").is_ok());
        assert!(port("0").is_err());
        assert!(port("65536").is_err());
        assert!(port("080").is_err());
    }

    #[test]
    fn urls() {
        assert!(https_url("https://a.example/x").is_ok());
        assert!(https_url("http://a.example").is_err());
        assert!(url("postgresql://db.example:5432/app").is_ok());
        assert!(url("not a url").is_err());
        assert!(url("mailto:x@example.com").is_err());
    }
}
