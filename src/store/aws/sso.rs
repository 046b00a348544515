//! IAM Identity Center (SSO) profiles: the token `aws sso login` cached, traded at the SSO
//! portal for a role's keys. The profile names the account (`sso_account_id`) and role
//! (`sso_role_name`), and either an `[sso-session NAME]` section (`sso_session`) or, the
//! older form, `sso_start_url` and `sso_region` itself. The token is read from
//! `~/.aws/sso/cache/<SHA-1 of the session name or start URL>.json`, as the CLI writes it;
//! an expired one is not refreshed here: `aws sso login` says who the user is, once.

use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use super::super::StoreError;
use super::super::http::{self, Client, Request};
use super::clock;
use super::env::Env;
use super::profile::{self, Profile};
use super::role::setting;
use super::sign::Credentials;

/// Where the portal is and which cached token it takes.
struct Session {
    region: String,
    /// The cache file's key: the session's name, or the start URL of an older profile.
    cache_key: String,
    /// `aws sso login …` for this session, for messages.
    login: String,
}

/// `profile`'s role keys from the portal; `None` when it is not an SSO profile.
pub fn fetch(
    env: &Env,
    client: &Client,
    profile: &Profile,
) -> Result<Option<Credentials>, StoreError> {
    let Some(session) = session(env, profile)? else {
        return Ok(None);
    };
    let origin = &profile.origin;
    let needed = |key: &str| {
        setting(profile, key)
            .ok_or_else(|| StoreError::new(format!("{origin} is an SSO profile without {key}")))
    };
    let (account, role) = (needed("sso_account_id")?, needed("sso_role_name")?);
    let token = cached_token(env, &session)?;
    let base = env.endpoint("AWS_ENDPOINT_URL_SSO", "portal.sso", &session.region)?;
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("account_id", account)
        .append_pair("role_name", role)
        .finish();
    let url = format!("{base}/federation/credentials?{query}");
    let request = Request {
        method: "GET",
        url: &url,
        headers: vec![("x-amz-sso_bearer_token", token.expose_secret().to_string())],
        body: None,
    };
    let response = client
        .send(&request, &|_| false)
        .map_err(|e| StoreError::new(format!("the SSO portal, for {origin}: {}", e.message)))?;
    let body = Zeroizing::new(response.body);
    match response.status {
        200 => keys(
            &body,
            format!("SSO role {role} in account {account} ({origin})"),
        )
        .map(Some),
        401 | 403 => Err(StoreError::new(format!(
            "the SSO portal refused the cached login for {origin} ({}): run `{}` again",
            response.status, session.login
        ))),
        status => Err(StoreError::new(format!(
            "the SSO portal answered {status} for {origin}: {}",
            http::short(&body)
        ))),
    }
}

/// The profile's SSO session, `None` when it has no SSO settings.
fn session(env: &Env, profile: &Profile) -> Result<Option<Session>, StoreError> {
    let origin = &profile.origin;
    if let Some(name) = setting(profile, "sso_session") {
        let section = profile::sso_session(env, name, origin)?;
        let region = section
            .get("sso_region")
            .filter(|r| !r.is_empty())
            .ok_or_else(|| StoreError::new(format!("[sso-session {name}] has no sso_region")))?;
        return Ok(Some(Session {
            region: region.to_string(),
            cache_key: name.to_string(),
            login: format!("aws sso login --sso-session {name}"),
        }));
    }
    let Some(start_url) = setting(profile, "sso_start_url") else {
        return Ok(None);
    };
    let region = setting(profile, "sso_region")
        .ok_or_else(|| StoreError::new(format!("{origin} has sso_start_url but no sso_region")))?;
    Ok(Some(Session {
        region: region.to_string(),
        cache_key: start_url.to_string(),
        login: format!("aws sso login --profile {}", profile.name),
    }))
}

/// The access token `aws sso login` left in the cache, if it has not expired.
fn cached_token(env: &Env, session: &Session) -> Result<SecretString, StoreError> {
    let login = &session.login;
    let path = cache_file(env, &session.cache_key).ok_or_else(|| {
        StoreError::new(format!(
            "no HOME to find the SSO login cache in: run `{login}`"
        ))
    })?;
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => Zeroizing::new(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(StoreError::new(format!(
                "no SSO login is cached ({} does not exist): run `{login}`",
                path.display()
            )));
        }
        Err(e) => {
            return Err(StoreError::new(format!(
                "cannot read the SSO login cache {}: {e}",
                path.display()
            )));
        }
    };
    let bad = || {
        StoreError::new(format!(
            "the SSO login cache {} is not what `aws sso login` writes: run `{login}`",
            path.display()
        ))
    };
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|_| bad())?;
    let token = json["accessToken"]
        .as_str()
        .filter(|t| !t.is_empty())
        .ok_or_else(bad)?;
    let expires = json["expiresAt"]
        .as_str()
        .and_then(expiry)
        .ok_or_else(bad)?;
    if expires <= clock::now() {
        return Err(StoreError::new(format!(
            "the SSO login has expired: run `{login}`"
        )));
    }
    Ok(SecretString::from(token))
}

/// `expiresAt` as the CLI writes it: `2026-12-07T22:00:00Z` (older ones: `…UTC`).
fn expiry(text: &str) -> Option<u64> {
    match text.strip_suffix("UTC") {
        Some(bare) => clock::parse_iso8601(&format!("{bare}Z")),
        None => clock::parse_iso8601(text),
    }
}

/// `~/.aws/sso/cache/<hex SHA-1 of key>.json`.
fn cache_file(env: &Env, key: &str) -> Option<PathBuf> {
    let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, key.as_bytes());
    let name = format!("{}.json", super::super::digest::hex(digest.as_ref()));
    Some(
        PathBuf::from(env.get("HOME")?)
            .join(".aws/sso/cache")
            .join(name),
    )
}

/// The keys in a `GetRoleCredentials` answer (`expiration` in milliseconds).
fn keys(body: &str, source: String) -> Result<Credentials, StoreError> {
    let json: serde_json::Value = serde_json::from_str(body).map_err(|_| {
        StoreError::new(format!("the SSO portal, for {source}, did not answer JSON"))
    })?;
    let creds = &json["roleCredentials"];
    let field = |name: &str| {
        creds[name]
            .as_str()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                StoreError::new(format!(
                    "the SSO portal answered without {name}, for {source}"
                ))
            })
    };
    let expires = creds["expiration"].as_u64().map(|ms| ms / 1000);
    Ok(Credentials {
        access_key_id: field("accessKeyId")?.to_string(),
        secret_access_key: SecretString::from(field("secretAccessKey")?),
        session_token: Some(SecretString::from(field("sessionToken")?)),
        expires,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_file_is_named_as_the_cli_names_it() {
        let env = Env::capture(&|k| (k == "HOME").then(|| "/h".to_string()));
        // Python's hashlib.sha1(b"my-sso").hexdigest(), as botocore computes it.
        assert_eq!(
            cache_file(&env, "my-sso"),
            Some(PathBuf::from(
                "/h/.aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json"
            ))
        );
    }

    #[test]
    fn both_expiry_forms_are_read() {
        assert_eq!(expiry("2014-10-24T23:00:23Z"), Some(1_414_191_623));
        assert_eq!(expiry("2014-10-24T23:00:23UTC"), Some(1_414_191_623));
        assert_eq!(expiry("tomorrow"), None);
    }
}
