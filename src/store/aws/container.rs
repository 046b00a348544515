//! The container credentials endpoint: a role's keys served to ECS tasks (CodeBuild runs in
//! them) at `169.254.170.2` + `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`, and to EKS Pod
//! Identity or a local agent at `AWS_CONTAINER_CREDENTIALS_FULL_URI`, with the
//! `Authorization` header from `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read on each call:
//! it is rotated) or `AWS_CONTAINER_AUTHORIZATION_TOKEN`. The rules are botocore's: a full
//! URI must be https, or plain http to this machine or to the ECS and EKS agents' addresses
//! (a token sent to another host in the clear could be read on the way).

use std::net::IpAddr;

use secrecy::SecretString;
use zeroize::Zeroizing;

use super::super::StoreError;
use super::super::http::{self, Client, Request};
use super::clock;
use super::env::Env;
use super::sign::Credentials;

/// The ECS agent's address, for a relative URI.
const ECS_HOST: &str = "http://169.254.170.2";
/// The addresses plain http may go to besides loopback: ECS's agent, EKS Pod Identity's
/// agent (IPv4 and IPv6).
const AGENTS: [&str; 3] = ["169.254.170.2", "169.254.170.23", "fd00:ec2::23"];

/// The endpoint's credentials, when the environment names one; `None` when it does not.
pub fn fetch(env: &Env, client: &Client) -> Result<Option<Credentials>, StoreError> {
    let Some((url, var)) = endpoint(env)? else {
        return Ok(None);
    };
    let origin = format!("the container credentials endpoint ({var})");
    let mut headers = vec![("accept", "application/json".to_string())];
    if let Some(token) = authorization(env)? {
        headers.push(("authorization", token.to_string()));
    }
    let request = Request {
        method: "GET",
        url: &url,
        headers,
        body: None,
    };
    let response = client
        .send(&request, &|_| false)
        .map_err(|e| StoreError::new(format!("{origin}: {}", e.message)))?;
    let body = Zeroizing::new(response.body);
    if response.status != 200 {
        return Err(StoreError::new(format!(
            "{origin} answered {}: {}",
            response.status,
            http::short(&body)
        )));
    }
    from_answer(&body, origin).map(Some)
}

/// The URL to ask and the variable that named it.
fn endpoint(env: &Env) -> Result<Option<(String, &'static str)>, StoreError> {
    if let Some(relative) = env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
        let var = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
        if !relative.starts_with('/') {
            return Err(StoreError::new(format!(
                "{var} `{relative}` must be a path, starting with `/`"
            )));
        }
        return Ok(Some((format!("{ECS_HOST}{relative}"), var)));
    }
    let var = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
    let Some(full) = env.get(var) else {
        return Ok(None);
    };
    let url = url::Url::parse(full)
        .map_err(|e| StoreError::new(format!("{var} `{full}` is not a URL: {e}")))?;
    // Where any token may go (https, or this machine), or else one of the agents.
    let agent = match url.host() {
        Some(url::Host::Ipv4(ip)) => is_agent(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => is_agent(IpAddr::V6(ip)),
        _ => false,
    };
    if http::secure(full, var).is_err() && !(url.scheme() == "http" && agent) {
        return Err(StoreError::new(format!(
            "{var} `{full}` must be https, or http to this machine or to the ECS or EKS \
             agent ({})",
            AGENTS.join(", ")
        )));
    }
    Ok(Some((full.to_string(), var)))
}

fn is_agent(ip: IpAddr) -> bool {
    AGENTS.iter().any(|a| a.parse::<IpAddr>() == Ok(ip))
}

/// The `Authorization` value: the token file's text (as it is: botocore refuses a line
/// break in it rather than trimming), else the variable's.
fn authorization(env: &Env) -> Result<Option<Zeroizing<String>>, StoreError> {
    let (token, named) = match env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
        Some(file) => {
            let token = std::fs::read_to_string(file).map_err(|e| {
                StoreError::new(format!(
                    "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE {file}: {e}"
                ))
            })?;
            (
                Zeroizing::new(token),
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            )
        }
        None => match env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN") {
            Some(token) => (
                Zeroizing::new(token.to_string()),
                "AWS_CONTAINER_AUTHORIZATION_TOKEN",
            ),
            None => return Ok(None),
        },
    };
    if token.contains(['\r', '\n']) {
        return Err(StoreError::new(format!(
            "the token in {named} holds a line break, which a header cannot: remove it"
        )));
    }
    Ok(Some(token))
}

/// The keys in a metadata answer: `AccessKeyId`, `SecretAccessKey`, `Token` and
/// `Expiration`, as both this endpoint and EC2's instance metadata give them.
pub fn from_answer(body: &str, source: String) -> Result<Credentials, StoreError> {
    let json: serde_json::Value = serde_json::from_str(body)
        .map_err(|_| StoreError::new(format!("{source} did not answer JSON")))?;
    let field = |name: &str| {
        json[name]
            .as_str()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| StoreError::new(format!("{source} answered without {name}")))
    };
    if let Some(code) = json["Code"].as_str().filter(|c| *c != "Success") {
        return Err(StoreError::new(format!("{source} answered Code {code}")));
    }
    let expiration = field("Expiration")?;
    let expires = clock::parse_iso8601(expiration).ok_or_else(|| {
        StoreError::new(format!(
            "{source} gave an Expiration that is not a date: `{}`",
            http::short(expiration)
        ))
    })?;
    Ok(Credentials {
        access_key_id: field("AccessKeyId")?.to_string(),
        secret_access_key: SecretString::from(field("SecretAccessKey")?),
        session_token: Some(SecretString::from(field("Token")?)),
        expires: Some(expires),
        source,
    })
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    fn env(vars: &[(&str, &str)]) -> Env {
        Env::capture(&|k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        })
    }

    fn url_of(vars: &[(&str, &str)]) -> Result<Option<String>, String> {
        endpoint(&env(vars))
            .map(|found| found.map(|(url, _)| url))
            .map_err(|e| e.message)
    }

    #[test]
    fn a_relative_uri_goes_to_the_ecs_agent_before_a_full_one() {
        let vars = [
            (
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                "/v2/credentials/x",
            ),
            (
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "https://example.com/c",
            ),
        ];
        assert_eq!(
            url_of(&vars),
            Ok(Some("http://169.254.170.2/v2/credentials/x".into()))
        );
        assert_eq!(url_of(&[]), Ok(None));
        let bad = url_of(&[("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "@evil.com/x")]);
        assert!(bad.expect_err("refused").contains("must be a path"));
    }

    #[test]
    fn a_full_uri_is_https_or_plain_http_to_loopback_or_an_agent() {
        for ok in [
            "https://creds.example.com/role",
            "http://127.0.0.1:51679/creds",
            "http://localhost:8080/creds",
            "http://[::1]:8080/creds",
            "http://169.254.170.2/v1/credentials",
            "http://169.254.170.23/v1/credentials",
            "http://[fd00:ec2::23]/v1/credentials",
        ] {
            let full = [("AWS_CONTAINER_CREDENTIALS_FULL_URI", ok)];
            assert_eq!(url_of(&full), Ok(Some(ok.to_string())), "{ok}");
        }
        for refused in [
            "http://creds.example.com/role",
            "http://169.254.169.254/latest",
            "http://127.0.0.1.example.com/x",
            "ftp://127.0.0.1/x",
        ] {
            let full = [("AWS_CONTAINER_CREDENTIALS_FULL_URI", refused)];
            let err = url_of(&full).expect_err(refused);
            assert!(
                err.contains("must be https, or http to this machine"),
                "{err}"
            );
        }
    }

    #[test]
    fn the_token_file_wins_and_a_line_break_is_refused() {
        let dir = tempfile::tempdir().expect("a temp folder");
        let file = dir.path().join("token");
        std::fs::write(&file, "from-file").expect("write");
        let path = file.display().to_string();
        let both = env(&[
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", &path),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "from-var"),
        ]);
        let token = authorization(&both).expect("read").expect("a token");
        assert_eq!(token.as_str(), "from-file");
        std::fs::write(&file, "t0ken\n").expect("write");
        let err = authorization(&both).expect_err("refused").message;
        assert!(err.contains("holds a line break"), "{err}");
        assert!(!err.contains("t0ken"), "{err}");
    }

    #[test]
    fn answers_are_read_and_refusals_named() {
        let answer = r#"{"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"s3cr3t",
            "Token":"tok","Expiration":"2014-10-24T23:00:23Z","RoleArn":"arn:aws:iam::1:role/r"}"#;
        let c = from_answer(answer, "here".into()).expect("read");
        assert_eq!(c.access_key_id, "ASIAEXAMPLE");
        assert_eq!(c.secret_access_key.expose_secret(), "s3cr3t");
        assert_eq!(
            c.session_token.as_ref().map(|t| t.expose_secret()),
            Some("tok")
        );
        assert_eq!(c.expires, Some(1_414_191_623));
        let err = from_answer(r#"{"Code":"AssumeRoleUnauthorizedAccess"}"#, "here".into());
        assert_eq!(
            err.expect_err("refused").message,
            "here answered Code AssumeRoleUnauthorizedAccess"
        );
        let err = from_answer(
            r#"{"AccessKeyId":"A","SecretAccessKey":"s3cr3t"}"#,
            "here".into(),
        );
        let err = err.expect_err("refused").message;
        assert_eq!(err, "here answered without Expiration");
        assert!(from_answer("<html>", "here".into()).is_err());
    }
}
