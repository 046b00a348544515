//! Plaintext credentials in values that are not declared secret: the
//! mistake the TaskPilot checklist made with its DATABASE_URL. A hit names
//! the kind of credential, never the value.

use std::sync::LazyLock;

use regex::RegexSet;

/// Token shapes of well-known providers, in the order of `SHAPES_WHY`. The tokens are ASCII by
/// nature, so the shapes are written ASCII-only (`(?-u)`): `\b` is then an ASCII word boundary,
/// and a non-ASCII letter beside a token counts as a boundary, so the scan can only match
/// more than with Unicode's.
const SHAPE_PATTERNS: &[&str] = &[
    r"(?-u)\b(AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA)[A-Z0-9]{16}\b",
    r"(?-u)\bsk-(proj-|ant-|or-v1-|live-)?[A-Za-z0-9_-]{20,}",
    r"(?-u)-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----",
    r"(?-u)AGE-SECRET-KEY-1[0-9A-Z]{50,}",
    r"(?-u)\bgh[pousr]_[A-Za-z0-9]{36,}\b",
    r"(?-u)\bxox[abprs]-[A-Za-z0-9-]{10,}",
    r"(?-u)\bAIza[0-9A-Za-z_-]{35}\b",
    r"(?-u)\b[rs]k_live_[0-9A-Za-z]{20,}\b",
    r"(?-u)\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
];

/// The shapes as one set, built the first time a value is scanned.
static SHAPES: LazyLock<RegexSet> =
    LazyLock::new(|| RegexSet::new(SHAPE_PATTERNS).expect("the credential patterns are valid"));

const SHAPES_WHY: &[&str] = &[
    "it contains an AWS access key id",
    "it contains an API key (`sk-…`)",
    "it contains a private key block",
    "it contains an age secret key",
    "it contains a GitHub token",
    "it contains a Slack token",
    "it contains a Google API key",
    "it contains a Stripe live key",
    "it contains a JSON Web Token",
];

/// Why `s` looks like a plaintext credential, if it does.
pub fn scan(s: &str) -> Option<&'static str> {
    if url_password(s) {
        return Some("it is a URL with a password in its userinfo (`scheme://user:password@host`)");
    }
    if let Some(why) = shape(s) {
        return Some(why);
    }
    if high_entropy_token(s) {
        return Some("it contains a long random-looking token");
    }
    None
}

fn shape(s: &str) -> Option<&'static str> {
    SHAPES.matches(s).iter().next().map(|i| SHAPES_WHY[i])
}

fn url_password(s: &str) -> bool {
    s.split([',', ' ', '\n']).any(|item| {
        let Some((_, rest)) = item.split_once("://") else {
            return false;
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let Some((userinfo, _host)) = authority.rsplit_once('@') else {
            return false;
        };
        userinfo
            .split_once(':')
            .is_some_and(|(_, pw)| !pw.is_empty())
    })
}

/// A token of at least 24 characters mixing upper case, lower case and
/// digits with high Shannon entropy. Hex-only tokens (digests, commit ids)
/// are common in config and are not flagged.
fn high_entropy_token(s: &str) -> bool {
    s.split(|c: char| !(c.is_ascii_alphanumeric() || "+/=_-".contains(c)))
        .filter(|t| t.len() >= 24)
        .any(|t| {
            let upper = t.bytes().any(|b| b.is_ascii_uppercase());
            let lower = t.bytes().any(|b| b.is_ascii_lowercase());
            let digit = t.bytes().any(|b| b.is_ascii_digit());
            upper && lower && digit && entropy(t) >= 4.0
        })
}

fn entropy(t: &str) -> f64 {
    let mut counts = [0u32; 256];
    for b in t.bytes() {
        counts[b as usize] += 1;
    }
    let n = t.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_checklist_leak_and_token_shapes() {
        assert!(scan("postgresql://postgres.abc:hunter2@aws-0-eu-west-2.pooler.supabase.com:6543/postgres").is_some());
        assert!(scan("AKIAIOSFODNN7EXAMPLE").is_some());
        assert!(scan("sk-or-v1-0123456789abcdefghijABCDEFGHIJ").is_some());
        assert!(scan("-----BEGIN OPENSSH PRIVATE KEY-----\nabc").is_some());
        assert!(scan("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").is_some());
    }

    #[test]
    fn leaves_ordinary_config_alone() {
        for ok in [
            "https://takspilot-728214876651.europe-west1.run.app",
            "postgresql://app@db.internal:5432/app",
            "europe-west1-docker.pkg.dev/taskpilot-prod/taskpilot/api",
            "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "/etc/letsencrypt/live/app.taskpilot.example/fullchain.pem",
            "https://openrouter.ai/api/v1",
            "taskpilot-uploads",
        ] {
            assert_eq!(scan(ok), None, "{ok}");
        }
    }

    /// Every shape is found on its own, and beside a non-ASCII letter (an ASCII word
    /// boundary: the scan may match more than with Unicode's, never less).
    #[test]
    fn every_shape_is_found_in_the_order_of_its_reason() {
        let age = format!("AGE-SECRET-KEY-1{}", "Q".repeat(58));
        let samples = [
            "AKIAIOSFODNN7EXAMPLE",
            "sk-proj-abcdefghij0123456789",
            "-----BEGIN RSA PRIVATE KEY-----",
            &age,
            "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
            "xoxb-1234567890-abc",
            "AIzaSyA-abcdefghijklmnopqrstuvwxyz01234",
            "rk_live_abcdefghij0123456789",
            "eyJhbGciOiJI.eyJzdWIiOiIx.abcdefghij",
        ];
        assert_eq!(samples.len(), SHAPES_WHY.len());
        for (sample, why) in samples.iter().zip(SHAPES_WHY) {
            assert_eq!(scan(sample), Some(*why), "{sample}");
            assert_eq!(scan(&format!("é{sample}é")), Some(*why), "{sample}");
            assert_eq!(scan(&format!("x={sample};")), Some(*why), "{sample}");
        }
        assert_eq!(scan("xAKIAIOSFODNN7EXAMPLE"), None);
    }
}
