//! STS `AssumeRoleWithWebIdentity`: trades an OIDC token (a CI job's, a Kubernetes service
//! account's) for temporary keys. The call is unsigned, so it needs no keys of its own: a
//! form POST whose answer is XML, read here by its few element names.

use secrecy::SecretString;
use zeroize::Zeroizing;

use super::super::StoreError;
use super::super::http::{self, Client, Request};
use super::clock;
use super::sign::{self, Credentials, Unsigned, encode};

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
    let call = Call {
        operation: "AssumeRoleWithWebIdentity",
        role_arn: id.role_arn,
        origin: id.origin,
    };
    exchange(client, endpoint, &call, body.as_bytes(), None)
}

/// What `AssumeRole` needs: the role, and the keys that may assume it (a source
/// profile's, or the `credential_source`'s).
pub struct Role<'a> {
    pub role_arn: &'a str,
    pub session_name: Option<&'a str>,
    pub external_id: Option<&'a str>,
    pub source: &'a Credentials,
    pub origin: &'a str,
}

/// `AssumeRole` at `endpoint` in `region`, signed with the source keys.
pub fn assume_role(
    client: &Client,
    endpoint: &str,
    region: &str,
    role: &Role,
) -> Result<Credentials, StoreError> {
    let session = role
        .session_name
        .map_or_else(|| format!("cfgc-{}", clock::now()), str::to_string);
    let mut body = format!(
        "Action=AssumeRole&Version=2011-06-15&RoleArn={}&RoleSessionName={}",
        encode(role.role_arn, false),
        encode(&session, false)
    );
    if let Some(id) = role.external_id {
        body.push_str("&ExternalId=");
        body.push_str(&encode(id, false));
    }
    let call = Call {
        operation: "AssumeRole",
        role_arn: role.role_arn,
        origin: role.origin,
    };
    exchange(
        client,
        endpoint,
        &call,
        body.as_bytes(),
        Some((role.source, region)),
    )
}

/// One STS call, for messages.
struct Call<'a> {
    operation: &'a str,
    role_arn: &'a str,
    origin: &'a str,
}

/// POSTs the form `body` to STS (signed with `signer`'s keys in its region, when given)
/// and reads the keys in the answer.
fn exchange(
    client: &Client,
    endpoint: &str,
    call: &Call,
    body: &[u8],
    signer: Option<(&Credentials, &str)>,
) -> Result<Credentials, StoreError> {
    let mut headers = vec![
        (
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8".to_string(),
        ),
        ("accept", "text/xml".to_string()),
    ];
    if let Some((creds, region)) = signer {
        let url = url::Url::parse(endpoint)
            .map_err(|e| StoreError::new(format!("STS endpoint `{endpoint}`: {e}")))?;
        let unsigned = Unsigned {
            method: "POST",
            url: &url,
            headers: &headers,
            payload: body,
            region,
            service: "sts",
        };
        let signed = sign::sign(creds, &unsigned, clock::now());
        headers.extend(signed);
    }
    let request = Request {
        method: "POST",
        url: endpoint,
        headers,
        body: Some(body),
    };
    let (operation, role_arn, origin) = (call.operation, call.role_arn, call.origin);
    let sent = client.send(&request, &|r| is_throttled(&r.body));
    let response = sent.map_err(|e| StoreError {
        message: format!("STS {operation} for {role_arn}: {}", e.message),
        transient: e.transient,
    })?;
    let answer = Zeroizing::new(response.body);
    if response.status != 200 {
        let code = element(&answer, "Code").unwrap_or_default();
        let message = element(&answer, "Message").unwrap_or_else(|| http::short(&answer));
        return Err(StoreError::new(format!(
            "STS {operation} for {role_arn} ({origin}) answered {} {code}: {message}",
            response.status
        )));
    }
    parse(&answer, call)
}

fn is_throttled(body: &str) -> bool {
    matches!(
        element(body, "Code").as_deref(),
        Some("Throttling" | "ThrottlingException" | "IDPCommunicationError")
    )
}

/// The keys in an `AssumeRoleResponse` or `AssumeRoleWithWebIdentityResponse`.
fn parse(xml: &str, call: &Call) -> Result<Credentials, StoreError> {
    let operation = call.operation;
    let creds = element(xml, "Credentials").ok_or_else(|| {
        StoreError::new(format!("STS {operation} answered without <Credentials>"))
    })?;
    let creds = Zeroizing::new(creds);
    let field = |name: &str| {
        element(&creds, name)
            .ok_or_else(|| StoreError::new(format!("STS {operation} answered without <{name}>")))
    };
    let expiration = field("Expiration")?;
    let kind = match operation {
        "AssumeRole" => "role",
        _ => "web identity",
    };
    Ok(Credentials {
        access_key_id: field("AccessKeyId")?,
        secret_access_key: SecretString::from(field("SecretAccessKey")?),
        session_token: Some(SecretString::from(field("SessionToken")?)),
        expires: Some(clock::parse_iso8601(&expiration).ok_or_else(|| {
            StoreError::new(format!(
                "STS gave an Expiration that is not a date: `{expiration}`"
            ))
        })?),
        source: format!("{kind} {} ({})", call.role_arn, call.origin),
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
        let call = Call {
            operation: "AssumeRoleWithWebIdentity",
            role_arn: "arn:aws:iam::1:role/ci",
            origin: "env",
        };
        let c = parse(xml, &call).expect("parses");
        assert_eq!(c.access_key_id, "ASgeIAIOSFODNN7EXAMPLE");
        assert_eq!(
            c.secret_access_key.expose_secret(),
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
        );
        assert_eq!(c.expires, Some(1_414_191_623));
        assert_eq!(c.source, "web identity arn:aws:iam::1:role/ci (env)");
    }

    #[test]
    fn a_missing_field_is_named() {
        let call = Call {
            operation: "AssumeRole",
            role_arn: "r",
            origin: "env",
        };
        let xml = "<Credentials><AccessKeyId>A</AccessKeyId></Credentials>";
        let err = parse(xml, &call).expect_err("an error");
        assert_eq!(err.message, "STS AssumeRole answered without <Expiration>");
    }

    #[test]
    fn entities_are_decoded() {
        assert_eq!(
            element("<a>x&amp;lt;&lt;</a>", "a").as_deref(),
            Some("x&lt;<")
        );
    }
}
