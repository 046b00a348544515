//! AWS Signature Version 4, written out from the specification ("Create a signed AWS API
//! request"): the canonical request, the string to sign, the derived key and the
//! `Authorization` header. Tested against AWS's own worked example and, in
//! tests/store_aws.rs, against botocore's signer on the requests this store sends.

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::clock;

/// What a signature is made with, and where it came from (for messages).
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: SecretString,
    /// Present with temporary credentials (STS); sent as `X-Amz-Security-Token`.
    pub session_token: Option<SecretString>,
    /// Seconds since the epoch after which AWS refuses them, when they expire.
    pub expires: Option<u64>,
    /// Where the chain found them: `environment`, `profile dev in ~/.aws/credentials`…
    pub source: String,
}

impl std::fmt::Debug for Credentials {
    // The key id names the key (AWS prints it in its own errors); the rest is redacted.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .field("expires", &self.expires)
            .field("source", &self.source)
            .finish()
    }
}

/// One request to sign. `headers` are the ones sent besides `host` and the ones signing
/// adds; their names in lower case.
pub struct Unsigned<'a> {
    pub method: &'a str,
    pub url: &'a url::Url,
    pub headers: &'a [(&'a str, String)],
    pub payload: &'a [u8],
    pub region: &'a str,
    pub service: &'a str,
}

/// The headers to add to the request for it to be signed at `unix` seconds: `host` (sent
/// as signed, so the HTTP client cannot write it another way), `x-amz-date`,
/// `x-amz-security-token` with temporary credentials, and `authorization`.
pub fn sign(creds: &Credentials, req: &Unsigned, unix: u64) -> Vec<(&'static str, String)> {
    let date = clock::amz_date(unix);
    let mut added = vec![("host", host(req.url)), ("x-amz-date", date.clone())];
    if let Some(token) = &creds.session_token {
        added.push(("x-amz-security-token", token.expose_secret().to_string()));
    }
    let mut headers: Vec<(String, String)> = req
        .headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
        .chain(added.iter().map(|(n, v)| (n.to_string(), v.clone())))
        .collect();
    headers.sort();
    let (canonical, signed) = canonical_request(req, &headers);
    let scope = format!("{}/{}/{}/aws4_request", &date[..8], req.region, req.service);
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{date}\n{scope}\n{}",
        hex(&sha256(&canonical))
    );
    let key = signing_key(creds, &date[..8], req.region, req.service);
    let signature = hex(&hmac(&key, to_sign.as_bytes()));
    added.push((
        "authorization",
        format!(
            "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed}, Signature={signature}",
            creds.access_key_id
        ),
    ));
    added
}

/// `Host` as HTTP/1.1 writes it: the port only when it is not the scheme's default.
pub fn host(url: &url::Url) -> String {
    let name = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{name}:{port}"),
        None => name.to_string(),
    }
}

/// The canonical request and the `SignedHeaders` list, from headers sorted by name.
fn canonical_request(req: &Unsigned, headers: &[(String, String)]) -> (Vec<u8>, String) {
    let mut text = format!(
        "{}\n{}\n{}\n",
        req.method,
        uri_path(req.url),
        query(req.url)
    );
    for (name, value) in headers {
        // Values are trimmed and inner runs of spaces made one, as the specification says.
        let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
        text.push_str(&format!("{name}:{value}\n"));
    }
    let signed = headers
        .iter()
        .map(|(n, _)| n.as_str())
        .collect::<Vec<_>>()
        .join(";");
    text.push_str(&format!("\n{signed}\n{}", hex(&sha256(req.payload))));
    (text.into_bytes(), signed)
}

/// The path encoded once more (every service but S3 signs the already-encoded path
/// encoded again); `/` when empty.
fn uri_path(url: &url::Url) -> String {
    let path = url.path();
    if path.is_empty() {
        return "/".to_string();
    }
    encode(path, true)
}

/// Parameters sorted by encoded name, then value; each name and value percent-encoded.
fn query(url: &url::Url) -> String {
    let mut pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (encode(&k, false), encode(&v, false)))
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// RFC 3986 percent-encoding: every byte but the unreserved ones (and `/` in a path),
/// upper-case hex, as SigV4 requires.
pub fn encode(text: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            b'/' if keep_slash => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
fn signing_key(creds: &Credentials, day: &str, region: &str, service: &str) -> Zeroizing<Vec<u8>> {
    let mut secret = Zeroizing::new(String::from("AWS4"));
    secret.push_str(creds.secret_access_key.expose_secret());
    let mut key = Zeroizing::new(hmac(secret.as_bytes(), day.as_bytes()));
    for part in [region, service, "aws4_request"] {
        key = Zeroizing::new(hmac(&key, part.as_bytes()));
    }
    key
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

pub fn sha256(data: &[u8]) -> Vec<u8> {
    Sha256::digest(data).to_vec()
}

pub use crate::store::digest::hex;

#[cfg(test)]
mod tests {
    use super::*;

    fn example_credentials(token: Option<&str>) -> Credentials {
        Credentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
            session_token: token.map(Into::into),
            expires: None,
            source: "test".into(),
        }
    }

    const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";

    fn list_users_url() -> url::Url {
        url::Url::parse("https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08")
            .expect("a URL")
    }

    /// AWS's worked example (IAM ListUsers, 2015-08-30T12:36:00Z, us-east-1): the
    /// canonical request hashes to f536975d…, and the signature is 5d672d79….
    #[test]
    fn aws_documented_example() {
        let url = list_users_url();
        let headers = [("content-type", CONTENT_TYPE.to_string())];
        let req = Unsigned {
            method: "GET",
            url: &url,
            headers: &headers,
            payload: b"",
            region: "us-east-1",
            service: "iam",
        };
        let mut sorted = vec![
            ("content-type".to_string(), CONTENT_TYPE.to_string()),
            ("host".to_string(), "iam.amazonaws.com".to_string()),
            ("x-amz-date".to_string(), "20150830T123600Z".to_string()),
        ];
        sorted.sort();
        let (canonical, signed) = canonical_request(&req, &sorted);
        assert_eq!(
            String::from_utf8(canonical.clone()).expect("text"),
            "GET\n/\nAction=ListUsers&Version=2010-05-08\n\
             content-type:application/x-www-form-urlencoded; charset=utf-8\n\
             host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n\
             content-type;host;x-amz-date\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(signed, "content-type;host;x-amz-date");
        assert_eq!(
            hex(&sha256(&canonical)),
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"
        );
        let added = sign(&example_credentials(None), &req, 1_440_938_160);
        let auth = &added
            .iter()
            .find(|(n, _)| *n == "authorization")
            .expect("signed")
            .1;
        assert_eq!(
            auth,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date, \
             Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        );
    }

    #[test]
    fn a_session_token_is_sent_and_signed() {
        let url = list_users_url();
        let req = Unsigned {
            method: "GET",
            url: &url,
            headers: &[],
            payload: b"",
            region: "us-east-1",
            service: "iam",
        };
        let added = sign(&example_credentials(Some("tok+/=")), &req, 1_440_938_160);
        let names: Vec<_> = added.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            [
                "host",
                "x-amz-date",
                "x-amz-security-token",
                "authorization"
            ]
        );
        assert!(
            added[3]
                .1
                .contains("SignedHeaders=host;x-amz-date;x-amz-security-token,")
        );
    }

    #[test]
    fn host_carries_only_a_non_default_port() {
        let host_of = |u: &str| host(&url::Url::parse(u).expect("a URL"));
        assert_eq!(
            host_of("https://secretsmanager.eu-west-1.amazonaws.com/"),
            "secretsmanager.eu-west-1.amazonaws.com"
        );
        assert_eq!(host_of("https://example.com:443/"), "example.com");
        assert_eq!(host_of("http://127.0.0.1:5000"), "127.0.0.1:5000");
        assert_eq!(host_of("http://[::1]:80/"), "[::1]");
    }

    #[test]
    fn encoding_is_rfc3986() {
        assert_eq!(encode("a b/c~d*é", false), "a%20b%2Fc~d%2A%C3%A9");
        assert_eq!(encode("/a b/", true), "/a%20b/");
    }

    #[test]
    fn debug_redacts_the_secret_and_token() {
        let shown = format!("{:?}", example_credentials(Some("SESSIONTOKEN")));
        assert!(shown.contains("AKIDEXAMPLE"));
        assert!(
            !shown.contains("EXAMPLEKEY") && !shown.contains("SESSIONTOKEN"),
            "{shown}"
        );
    }
}
