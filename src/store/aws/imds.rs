//! EC2's instance metadata service: the keys of the role attached to the machine (an EC2
//! runner, a self-hosted CI agent), the last place the chain looks. Version 2 only, as the
//! Rust SDK: a session token first (a `PUT`, which a request forged through a server-side
//! request forgery cannot make), then the role's name, then its keys. At
//! `AWS_EC2_METADATA_SERVICE_ENDPOINT` or `169.254.169.254`; `AWS_EC2_METADATA_DISABLED=true`
//! skips it. Off EC2 nothing answers: a half-second probe says so before the client's
//! timeouts and retries would.

use zeroize::Zeroizing;

use super::super::StoreError;
use super::super::http::{self, Client, Request, Response};
use super::container;
use super::env::Env;
use super::sign::Credentials;

const DEFAULT_ENDPOINT: &str = "http://169.254.169.254";
const TOKEN_HEADER: &str = "x-aws-ec2-metadata-token";
/// Six hours, the SDKs' session length; a run needs one token.
const TOKEN_TTL: &str = "21600";
const CREDENTIALS_PATH: &str = "/latest/meta-data/iam/security-credentials/";

/// The attached role's keys; `None` (with why in `looked`) when there is no service or no
/// role, an error when the service answers wrongly.
pub fn fetch(
    env: &Env,
    client: &Client,
    looked: &mut Vec<String>,
) -> Result<Option<Credentials>, StoreError> {
    let place = "the EC2 instance metadata service";
    if env
        .get("AWS_EC2_METADATA_DISABLED")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        looked.push(format!("{place} (AWS_EC2_METADATA_DISABLED)"));
        return Ok(None);
    }
    let base = env
        .get("AWS_EC2_METADATA_SERVICE_ENDPOINT")
        .unwrap_or(DEFAULT_ENDPOINT)
        .trim_end_matches('/');
    let url = url::Url::parse(base).map_err(|e| {
        StoreError::new(format!(
            "AWS_EC2_METADATA_SERVICE_ENDPOINT `{base}` is not a URL: {e}"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") || !http::answers(&url) {
        looked.push(format!("{place} (nothing answered at {base})"));
        return Ok(None);
    }
    let ask = |method, path: &str, headers| -> Result<Response, StoreError> {
        let url = format!("{base}{path}");
        let request = Request {
            method,
            url: &url,
            headers,
            body: None,
        };
        let sent = client.send(&request, &|_| false);
        sent.map_err(|e| StoreError::new(format!("{place} at {base}: {}", e.message)))
    };
    let token = ask(
        "PUT",
        "/latest/api/token",
        vec![("x-aws-ec2-metadata-token-ttl-seconds", TOKEN_TTL.into())],
    )?;
    let token = Zeroizing::new(token_or_why(token, place, base, looked)?);
    let Some(token) = token.as_deref() else {
        return Ok(None);
    };
    let with_token = || vec![(TOKEN_HEADER, token.to_string())];
    let roles = ask("GET", CREDENTIALS_PATH, with_token())?;
    if roles.status == 404 {
        looked.push(format!("{place} (no role attached to the instance)"));
        return Ok(None);
    }
    let role = Zeroizing::new(answer(roles, place, "the role's name")?);
    let Some(role) = role.lines().next().map(str::trim).filter(|r| valid_role(r)) else {
        // Its text is not shown: whatever the service answered instead may hold keys.
        return Err(StoreError::new(format!(
            "{place} answered something other than an IAM role name when asked for the role"
        )));
    };
    let keys = ask("GET", &format!("{CREDENTIALS_PATH}{role}"), with_token())?;
    let keys = Zeroizing::new(answer(keys, place, "the role's keys")?);
    container::from_answer(&keys, format!("{place} (role {role})")).map(Some)
}

/// The session token, or `None` when the service does not give one (IMDSv1 only, or
/// turned off on the instance): then the chain ends here, as the Rust SDK's does.
fn token_or_why(
    response: Response,
    place: &str,
    base: &str,
    looked: &mut Vec<String>,
) -> Result<Option<String>, StoreError> {
    match response.status {
        200 if !response.body.trim().is_empty() => Ok(Some(response.body.trim().to_string())),
        403..=405 => {
            looked.push(format!(
                "{place} (no session token at {base}: {} {})",
                response.status,
                http::short(&response.body)
            ));
            Ok(None)
        }
        status => Err(StoreError::new(format!(
            "{place} at {base} refused a session token: {status} {}",
            http::short(&response.body)
        ))),
    }
}

/// A success's body, else an error naming `what` was asked.
fn answer(response: Response, place: &str, what: &str) -> Result<String, StoreError> {
    if response.status == 200 {
        return Ok(response.body);
    }
    Err(StoreError::new(format!(
        "{place} answered {} when asked for {what}",
        response.status
    )))
}

/// An IAM role name (`[\w+=,.@-]{1,64}`): it becomes part of a path.
fn valid_role(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_are_iam_names() {
        assert!(valid_role("default-role"));
        assert!(valid_role("ci+runner=a,b.c@d_e"));
        assert!(!valid_role(""));
        assert!(!valid_role("../../latest/user-data"));
        assert!(!valid_role(&"r".repeat(65)));
    }

    #[test]
    fn disabled_or_silent_services_are_passed_over_and_said() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        let closed = format!("http://{}", listener.local_addr().expect("bound"));
        drop(listener);
        for (vars, said) in [
            (
                vec![("AWS_EC2_METADATA_DISABLED", "TRUE")],
                "(AWS_EC2_METADATA_DISABLED)".to_string(),
            ),
            (
                vec![("AWS_EC2_METADATA_SERVICE_ENDPOINT", closed.as_str())],
                format!("(nothing answered at {closed})"),
            ),
        ] {
            let env = Env::capture(&|k| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            });
            let mut looked = Vec::new();
            let found = fetch(&env, &Client::new(), &mut looked).expect("no error");
            assert!(found.is_none());
            assert_eq!(
                looked,
                [format!("the EC2 instance metadata service {said}")]
            );
        }
    }
}
