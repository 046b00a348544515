//! STS `AssumeRoleWithWebIdentity`: trades an OIDC token (a CI job's, a Kubernetes service
//! account's) for temporary keys. The call is unsigned, so it needs no keys of its own: a
//! form POST whose answer is XML, read here by its few element names.

use secrecy::SecretString;
use zeroize::Zeroizing;

use super::super::StoreError;
use super::super::http::{self, Client, Request};
use super::clock;
use super::sign::{Credentials, encode};

/// What the web identity exchange needs.
pub struct WebIdentity<'a> {
    pub role_arn: &'a str,
    pub token_file: &'a std::path::Path,
    pub session_name: Option<&'a str>,
    /// Where the settings came from, for messages and the credentials' `source`.
    pub origin: &'a str,
}

/// Reads the token file (again on each call: Kubernetes and CI rotate it) and asks STS at
/// `endpoint` for keys.
pub fn assume(
    client: &Client,
    endpoint: &str,
    id: &WebIdentity,
) -> Result<Credentials, StoreError> {
    let token = std::fs::read_to_string(id.token_file).map_err(|e| {
        StoreError::new(format!(
            "cannot read the web identity token file {} ({}): {e}",
            id.token_file.display(),
            id.origin
        ))
    })?;
    let token = Zeroizing::new(token);
    let session = id
        .session_name
        .map_or_else(|| format!("cfgc-{}", clock::now()), str::to_string);
    let mut body = Zeroizing::new(String::with_capacity(token.len() * 3 + 256));
    body.push_str("Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=");
    body.push_str(&encode(id.role_arn, false));
    body.push_str("&RoleSessionName=");
    body.push_str(&encode(&session, false));
    body.push_str("&WebIdentityToken=");
    body.push_str(&Zeroizing::new(encode(token.trim(), false)));
    let request = Request {
        method: "POST",
        url: endpoint,
        headers: vec![
            (
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8".into(),
            ),
            ("accept", "text/xml".into()),
        ],
        body: Some(body.as_bytes()),
    };
    let sent = client.send(&request, &|r| is_throttled(&r.body));
    let response = sent.map_err(|e| StoreError {
        message: format!(
            "STS AssumeRoleWithWebIdentity for {}: {}",
            id.role_arn, e.message
        ),
        transient: e.transient,
    })?;
    if response.status != 200 {
        let code = element(&response.body, "Code").unwrap_or_default();
        let message =
            element(&response.body, "Message").unwrap_or_else(|| http::short(&response.body));
        return Err(StoreError::new(format!(
            "STS AssumeRoleWithWebIdentity for {} ({}) answered {} {code}: {message}",
            id.role_arn, id.origin, response.status
        )));
    }
    parse(&response.body, id.origin)
}

fn is_throttled(body: &str) -> bool {
    matches!(
        element(body, "Code").as_deref(),
        Some("Throttling" | "ThrottlingException" | "IDPCommunicationError")
    )
}

/// The keys in an `AssumeRoleWithWebIdentityResponse`.
fn parse(xml: &str, origin: &str) -> Result<Credentials, StoreError> {
    let creds = element(xml, "Credentials").ok_or_else(|| {
        StoreError::new("STS AssumeRoleWithWebIdentity answered without <Credentials>")
    })?;
    let field = |name: &str| {
        element(&creds, name).ok_or_else(|| {
            StoreError::new(format!(
                "STS AssumeRoleWithWebIdentity answered without <{name}>"
            ))
        })
    };
    let expiration = field("Expiration")?;
    Ok(Credentials {
        access_key_id: field("AccessKeyId")?,
        secret_access_key: SecretString::from(field("SecretAccessKey")?),
        session_token: Some(SecretString::from(field("SessionToken")?)),
        expires: Some(clock::parse_iso8601(&expiration).ok_or_else(|| {
            StoreError::new(format!(
                "STS gave an Expiration that is not a date: `{expiration}`"
            ))
        })?),
        source: format!("web identity ({origin})"),
    })
}

/// The text of the first `<name>…</name>`, entities decoded. STS answers are flat and
/// namespaced only on the root, so no XML parser is needed to read five elements.
fn element(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&format!("</{name}>"))?;
    Some(unescape(xml[start..end].trim()))
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn reads_the_documented_answer() {
        let xml = r#"<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A</SubjectFromWebIdentityToken>
    <Credentials>
      <SessionToken>AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE</SessionToken>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <Expiration>2014-10-24T23:00:23Z</Expiration>
      <AccessKeyId>ASgeIAIOSFODNN7EXAMPLE</AccessKeyId>
    </Credentials>
  </AssumeRoleWithWebIdentityResult>
</AssumeRoleWithWebIdentityResponse>"#;
        let c = parse(xml, "env").expect("parses");
        assert_eq!(c.access_key_id, "ASgeIAIOSFODNN7EXAMPLE");
        assert_eq!(
            c.secret_access_key.expose_secret(),
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
        );
        assert_eq!(c.expires, Some(1_414_191_623));
        assert_eq!(c.source, "web identity (env)");
    }

    #[test]
    fn a_missing_field_is_named() {
        let err = parse(
            "<Credentials><AccessKeyId>A</AccessKeyId></Credentials>",
            "env",
        )
        .expect_err("an error");
        assert!(err.message.contains("<Expiration>"), "{}", err.message);
    }

    #[test]
    fn entities_are_decoded() {
        assert_eq!(
            element("<a>x&amp;lt;&lt;</a>", "a").as_deref(),
            Some("x&lt;<")
        );
    }
}
