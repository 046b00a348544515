//! Google Secret Manager (REST v1) as a store: a secret per cfgc secret, named
//! `prefix + NAME` in the environment's project; versions are numbered from 1 and are
//! ENABLED, DISABLED or DESTROYED.
//!
//! The endpoint is `https://secretmanager.googleapis.com`, or what gcloud's own setting
//! `CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER` names (one setting steers both tools;
//! https, or http to this machine only). Credentials: `auth`.

mod auth;
mod crc32c;

use base64::Engine as _;
use secrecy::ExposeSecret;
use zeroize::Zeroizing;

use super::http::{self, Client, Request, Response};
use super::{Described, State, Store, StoreError, Version};
use crate::secrets::crypto::Plaintext;
pub use auth::Auth;

const DEFAULT_ENDPOINT: &str = "https://secretmanager.googleapis.com";
/// The setting gcloud reads for `api_endpoint_overrides/secretmanager`.
pub const ENDPOINT_VARIABLE: &str = "CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER";

pub struct GcpStore {
    client: Client,
    auth: Auth,
    /// `…/v1/projects/PROJECT/secrets`.
    secrets_url: String,
    project: String,
    prefix: String,
}

impl GcpStore {
    pub fn new(
        project: &str,
        prefix: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<GcpStore, StoreError> {
        let base = match env(ENDPOINT_VARIABLE).filter(|v| !v.is_empty()) {
            Some(url) => http::endpoint(&url, ENDPOINT_VARIABLE)?,
            None => DEFAULT_ENDPOINT.to_string(),
        };
        // gcloud's override may name the API's version path already.
        let base = base.strip_suffix("/v1").unwrap_or(&base).to_string();
        let client = Client::new();
        Ok(GcpStore {
            auth: Auth::find(env)?,
            client,
            secrets_url: format!("{base}/v1/projects/{project}/secrets"),
            project: project.to_string(),
            prefix: prefix.to_string(),
        })
    }

    /// One call with the token; a 401 fetches a new token once (it expired mid-run).
    fn call(&self, method: &str, url: &str, body: Option<&[u8]>) -> Result<Response, StoreError> {
        self.call_with(method, url, body, Resend::Transient)
    }

    fn call_with(
        &self,
        method: &str,
        url: &str,
        body: Option<&[u8]>,
        resend: Resend,
    ) -> Result<Response, StoreError> {
        let mut refreshed = false;
        loop {
            let token = self.auth.token(&self.client)?;
            let mut headers = vec![
                ("authorization", format!("Bearer {}", token.expose_secret())),
                ("content-type", "application/json".to_string()),
            ];
            // Only when one is configured, as Google's libraries do: naming a quota project
            // needs `serviceusage.services.use` there, more than a metadata reader has.
            if let Some(quota) = self.auth.quota_project() {
                headers.push(("x-goog-user-project", quota.to_string()));
            }
            let request = Request {
                method,
                url,
                headers,
                body,
            };
            let response = match resend {
                Resend::Transient => self.client.send(&request, &|_| false)?,
                Resend::OnlyUnsent => self.client.send_once(&request)?,
            };
            if response.status == 401 && !refreshed {
                self.auth.expire(&token);
                refreshed = true;
                continue;
            }
            return Ok(response);
        }
    }

    fn url(&self, name: &str) -> String {
        format!("{}/{}{name}", self.secrets_url, self.prefix)
    }

    /// The version a push made after `after`, if the store shows one.
    fn added_after(&self, name: &str, after: Option<&str>) -> Result<Option<String>, StoreError> {
        let Some(described) = self.describe(name)? else {
            return Ok(None);
        };
        Ok(self.landed(&described, after, "").map(|v| v.id.clone()))
    }
}

/// How the client may send a call again.
#[derive(Clone, Copy)]
enum Resend {
    /// On any transient failure: reading, or making what exists already.
    Transient,
    /// Only when the server surely did not act on it: adding a version, which a second
    /// send would add twice (Secret Manager takes no idempotency token).
    OnlyUnsent,
}

impl Store for GcpStore {
    fn describe(&self, name: &str) -> Result<Option<Described>, StoreError> {
        let mut versions = Vec::new();
        let mut page = String::new();
        loop {
            let url = format!("{}/versions?pageSize=25000{page}", self.url(name));
            let r = self.call("GET", &url, None)?;
            if r.status == 404 {
                return Ok(None);
            }
            let json = ok_json(&r, "list the versions of", &self.display(name))?;
            for v in json["versions"].as_array().into_iter().flatten() {
                versions.push(version(v)?);
            }
            match json["nextPageToken"].as_str().filter(|t| !t.is_empty()) {
                Some(t) => page = format!("&pageToken={}", encode(t)),
                None => break,
            }
        }
        // Listed newest first; a deploy counts up.
        versions.sort_by_key(|v: &Version| v.id.parse::<u64>().unwrap_or(u64::MAX));
        Ok(Some(Described {
            versions,
            current: None,
        }))
    }

    fn create(&self, name: &str) -> Result<(), StoreError> {
        let url = format!("{}?secretId={}{name}", self.secrets_url, self.prefix);
        let body = br#"{"replication":{"automatic":{}},"labels":{"managed-by":"cfgc"}}"#;
        let r = self.call("POST", &url, Some(body))?;
        if r.status == 409 {
            return Ok(()); // made by an earlier, interrupted push
        }
        ok_json(&r, "create", &self.display(name)).map(drop)
    }

    /// Sent again only once the store shows that no version came after `after`: a
    /// failure may hide a version that was added and whose answer was lost.
    fn add_version(
        &self,
        name: &str,
        value: &Plaintext,
        _token: &str,
        after: Option<&str>,
    ) -> Result<String, StoreError> {
        let bytes = value.expose_secret().as_bytes();
        let data = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(bytes));
        let mut body = Zeroizing::new(Vec::with_capacity(data.len() + 64));
        body.extend_from_slice(b"{\"payload\":{\"data\":\"");
        body.extend_from_slice(data.as_bytes());
        // The checksum lets the store refuse a payload damaged on the way.
        let crc = format!("\",\"dataCrc32c\":\"{}\"}}}}", crc32c::checksum(bytes));
        body.extend_from_slice(crc.as_bytes());
        let url = format!("{}:addVersion", self.url(name));
        let mut attempt = 0;
        loop {
            attempt += 1;
            let sent = self.call_with("POST", &url, Some(&body), Resend::OnlyUnsent);
            let may_have_landed = match &sent {
                Ok(r) => matches!(r.status, 500 | 502 | 503 | 504),
                Err(e) => e.transient,
            };
            if !may_have_landed || attempt >= http::ATTEMPTS {
                // Given up: the record keeps the intent, and the next push adopts what landed.
                let json = ok_json(&sent?, "add a version to", &self.display(name))?;
                return Ok(version(&json)?.id);
            }
            if let Some(id) = self.added_after(name, after)? {
                return Ok(id);
            }
            self.client.back_off(attempt);
        }
    }

    fn landed<'d>(
        &self,
        described: &'d Described,
        after: Option<&str>,
        _token: &str,
    ) -> Option<&'d Version> {
        // Versions carry no token: the first one made after the push began is its own.
        described.after(after).first()
    }

    fn display(&self, name: &str) -> String {
        format!("projects/{}/secrets/{}{name}", self.project, self.prefix)
    }
}

/// A SecretVersion resource: its number and state.
fn version(v: &serde_json::Value) -> Result<Version, StoreError> {
    let name = v["name"].as_str().unwrap_or_default();
    let id = name.rsplit('/').next().unwrap_or_default();
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(StoreError::new(format!(
            "the store answered a version named `{}`",
            http::short(name)
        )));
    }
    let state = match v["state"].as_str() {
        Some("ENABLED") => State::Enabled,
        Some("DISABLED") => State::Disabled,
        Some("DESTROYED") => State::Destroyed,
        other => {
            return Err(StoreError::new(format!(
                "the store answered version {id} in state {other:?}"
            )));
        }
    };
    Ok(Version {
        id: id.to_string(),
        state,
    })
}

/// The answer's JSON when it is a success; else an error naming what failed and how.
fn ok_json(r: &Response, doing: &str, what: &str) -> Result<serde_json::Value, StoreError> {
    if (200..300).contains(&r.status) {
        return serde_json::from_str(&r.body).map_err(|e| {
            StoreError::new(format!(
                "could not {doing} {what}: the answer is not JSON ({e})"
            ))
        });
    }
    let json: serde_json::Value = serde_json::from_str(&r.body).unwrap_or_default();
    let error = &json["error"];
    let detail = match (error["status"].as_str(), error["message"].as_str()) {
        (Some(s), Some(m)) => format!("{s}: {}", http::short(m)),
        _ => http::short(&r.body),
    };
    Err(StoreError::new(format!(
        "could not {doing} {what}: {} {detail}",
        r.status
    )))
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
