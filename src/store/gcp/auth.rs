//! Google credentials, found as Application Default Credentials finds them:
//! 1. the file `GOOGLE_APPLICATION_CREDENTIALS` names (a service account's key, an
//!    authorized user's refresh token, or workload identity federation's settings);
//! 2. gcloud's ADC file (`gcloud auth application-default login`):
//!    `$CLOUDSDK_CONFIG/application_default_credentials.json`, by default under
//!    `~/.config/gcloud`;
//! 3. the metadata server of the machine (Cloud Build, Cloud Run, GCE, GKE), at
//!    `GCE_METADATA_HOST` or `metadata.google.internal`;
//! 4. `gcloud auth print-access-token`, when gcloud is on the PATH.
//!
//! A token is kept until a minute before it expires, or until the store refuses it
//! (`expire`). Tokens, keys and refresh tokens live in `SecretString`s: never printed.

mod federated;
mod jwt;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};

use super::super::StoreError;
use super::super::http::{self, Client, Request};

const SCOPE: &str = "https://www.googleapis.com/auth/cloud-platform";
const DEFAULT_TOKEN_URI: &str = "https://oauth2.googleapis.com/token";
/// A credentials file larger than this is not one.
const FILE_LIMIT: u64 = 64 << 10;

pub struct Auth {
    source: Source,
    /// `GOOGLE_CLOUD_QUOTA_PROJECT`, else the credentials file's `quota_project_id`.
    quota_project: Option<String>,
    cached: Mutex<Option<(SecretString, Instant)>>,
}

enum Source {
    ServiceAccount(Box<jwt::ServiceAccount>),
    /// Workload identity federation (`external_account`).
    Federated(Box<federated::Federated>),
    AuthorizedUser {
        client_id: String,
        client_secret: SecretString,
        refresh_token: SecretString,
        token_uri: String,
    },
    Metadata {
        url: String,
    },
    Gcloud,
}

impl Auth {
    /// The first source the chain finds; an error listing each place looked at otherwise.
    pub fn find(env: &dyn Fn(&str) -> Option<String>) -> Result<Auth, StoreError> {
        let (source, quota_project) = find_source(env)?;
        let quota_project = env("GOOGLE_CLOUD_QUOTA_PROJECT")
            .filter(|q| !q.is_empty())
            .or(quota_project);
        Ok(Auth {
            source,
            quota_project,
            cached: Mutex::new(None),
        })
    }

    /// The project billed for the calls, when one is configured.
    pub fn quota_project(&self) -> Option<&str> {
        self.quota_project.as_deref()
    }

    /// A token valid for at least a minute more.
    pub fn token(&self, client: &Client) -> Result<SecretString, StoreError> {
        let mut cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((token, until)) = cached.as_ref()
            && Instant::now() < *until
        {
            return Ok(token.clone());
        }
        let (token, lifetime) = self.fetch(client)?;
        let margin = Duration::from_secs(60).min(lifetime / 2);
        *cached = Some((token.clone(), Instant::now() + lifetime - margin));
        Ok(token)
    }

    /// The store refused `token`: the next call fetches a new one.
    pub fn expire(&self, token: &SecretString) {
        let mut cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        if cached
            .as_ref()
            .is_some_and(|(t, _)| t.expose_secret() == token.expose_secret())
        {
            *cached = None;
        }
    }

    fn fetch(&self, client: &Client) -> Result<(SecretString, Duration), StoreError> {
        match &self.source {
            Source::ServiceAccount(sa) => {
                let assertion = sa.assertion(SCOPE)?;
                let form = form(&[
                    ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                    ("assertion", assertion.expose_secret()),
                ]);
                exchange(client, &sa.token_uri, &form)
            }
            Source::AuthorizedUser {
                client_id,
                client_secret,
                refresh_token,
                token_uri,
            } => {
                let form = form(&[
                    ("grant_type", "refresh_token"),
                    ("client_id", client_id),
                    ("client_secret", client_secret.expose_secret()),
                    ("refresh_token", refresh_token.expose_secret()),
                ]);
                exchange(client, token_uri, &form)
            }
            Source::Federated(federated) => federated.token(client),
            Source::Metadata { url } => metadata_token(client, url),
            Source::Gcloud => gcloud_token(),
        }
    }
}

/// The source, and the quota project its file names.
type Found = (Source, Option<String>);

fn find_source(env: &dyn Fn(&str) -> Option<String>) -> Result<Found, StoreError> {
    if let Some(path) = env("GOOGLE_APPLICATION_CREDENTIALS").filter(|p| !p.is_empty()) {
        return from_file(&path, "GOOGLE_APPLICATION_CREDENTIALS");
    }
    let config_dir = env("CLOUDSDK_CONFIG")
        .filter(|d| !d.is_empty())
        .or_else(|| env("HOME").map(|h| format!("{h}/.config/gcloud")));
    if let Some(dir) = &config_dir {
        let path = format!("{dir}/application_default_credentials.json");
        if std::path::Path::new(&path).is_file() {
            return from_file(&path, "gcloud's application default credentials");
        }
    }
    let host = env("GCE_METADATA_HOST").unwrap_or_else(|| "metadata.google.internal".into());
    let url = format!("http://{host}/computeMetadata/v1/instance/service-accounts/default/token");
    if url::Url::parse(&url).is_ok_and(|u| http::answers(&u)) {
        return Ok((Source::Metadata { url }, None));
    }
    if gcloud_token().is_ok() {
        return Ok((Source::Gcloud, None));
    }
    Err(StoreError::new(format!(
        "no Google credentials: GOOGLE_APPLICATION_CREDENTIALS is not set, {} does not exist, \
         no metadata server answered at {host}, and `gcloud auth print-access-token` gave no token; \
         run `gcloud auth application-default login`, or point GOOGLE_APPLICATION_CREDENTIALS at a key file",
        config_dir.map_or("gcloud's ADC file".to_string(), |d| format!(
            "{d}/application_default_credentials.json"
        ))
    )))
}

/// A service account key or an authorized user's file, as ADC reads them.
fn from_file(path: &str, named_by: &str) -> Result<Found, StoreError> {
    let bad =
        |why: String| StoreError::new(format!("the credentials file {path} ({named_by}) {why}"));
    let text = read_limited(path).map_err(|e| bad(format!("cannot be read: {e}")))?;
    let json: serde_json::Value =
        serde_json::from_str(text.expose_secret()).map_err(|_| bad("is not JSON".into()))?;
    let field = |k: &str| json[k].as_str().map(str::to_string);
    let token_uri = field("token_uri").unwrap_or_else(|| DEFAULT_TOKEN_URI.to_string());
    let token_uri = http::endpoint(&token_uri, "the credentials' token_uri")?;
    let quota = field("quota_project_id");
    let source = match json["type"].as_str() {
        Some("service_account") => {
            let sa = jwt::ServiceAccount::from_json(&json, token_uri).map_err(bad)?;
            Source::ServiceAccount(Box::new(sa))
        }
        Some("authorized_user") => {
            let (Some(client_id), Some(secret), Some(refresh)) = (
                field("client_id"),
                field("client_secret"),
                field("refresh_token"),
            ) else {
                return Err(bad("lacks client_id, client_secret or refresh_token".into()));
            };
            Source::AuthorizedUser {
                client_id,
                client_secret: secret.into(),
                refresh_token: refresh.into(),
                token_uri,
            }
        }
        Some("external_account") => {
            let federated = federated::Federated::from_json(&json).map_err(bad)?;
            Source::Federated(Box::new(federated))
        }
        other => {
            return Err(bad(format!(
                "is of type {other:?}; cfgc reads `service_account`, `authorized_user` and \
                 `external_account` files"
            )));
        }
    };
    Ok((source, quota))
}

fn read_limited(path: &str) -> std::io::Result<SecretString> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(FILE_LIMIT)
        .read_to_string(&mut text)?;
    Ok(text.into())
}

fn form(pairs: &[(&str, &str)]) -> zeroize::Zeroizing<String> {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    zeroize::Zeroizing::new(s.finish())
}

/// An OAuth 2.0 token request; the answer's `access_token` and `expires_in`.
fn exchange(
    client: &Client,
    uri: &str,
    form: &str,
) -> Result<(SecretString, Duration), StoreError> {
    let request = Request {
        method: "POST",
        url: uri,
        headers: vec![(
            "content-type",
            "application/x-www-form-urlencoded".to_string(),
        )],
        body: Some(form.as_bytes()),
    };
    let r = client.send(&request, &|_| false)?;
    token_answer(r.status, &r.body, uri)
}

fn token_answer(
    status: u16,
    body: &str,
    from: &str,
) -> Result<(SecretString, Duration), StoreError> {
    let json: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    match json["access_token"].as_str() {
        Some(t) if status == 200 && !t.is_empty() => {
            let secs = json["expires_in"].as_u64().unwrap_or(3600).clamp(1, 86_400);
            Ok((t.to_string().into(), Duration::from_secs(secs)))
        }
        _ => Err(StoreError::new(format!(
            "{from} gave no token: {status} {}",
            json["error_description"]
                .as_str()
                .or(json["error"].as_str())
                .unwrap_or("")
        ))),
    }
}

fn metadata_token(client: &Client, url: &str) -> Result<(SecretString, Duration), StoreError> {
    let request = Request {
        method: "GET",
        url,
        headers: vec![("metadata-flavor", "Google".to_string())],
        body: None,
    };
    let r = client.send(&request, &|_| false)?;
    token_answer(r.status, &r.body, "the metadata server")
}

/// `gcloud auth print-access-token`: gcloud's own login, as the last resort.
fn gcloud_token() -> Result<(SecretString, Duration), StoreError> {
    let out = std::process::Command::new("gcloud")
        .args(["auth", "print-access-token", "--quiet"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .map_err(|e| StoreError::new(format!("gcloud could not run: {e}")))?;
    let stdout = zeroize::Zeroizing::new(out.stdout);
    let token = zeroize::Zeroizing::new(String::from_utf8_lossy(&stdout).trim().to_string());
    if !out.status.success() || token.is_empty() || token.contains(char::is_whitespace) {
        return Err(StoreError::new(
            "`gcloud auth print-access-token` gave no token",
        ));
    }
    // gcloud does not say how long; it refreshes tokens that have under 5 minutes left.
    Ok((token.to_string().into(), Duration::from_secs(300)))
}
