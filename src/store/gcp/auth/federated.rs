//! Workload identity federation: an `external_account` credentials file, as
//! `google-github-actions/auth` and `gcloud iam workload-identity-pools create-cred-config`
//! write it. A token from another identity provider (a CI job's OIDC token, read from a file
//! or fetched from a URL) is traded at Google's STS for a federated token (RFC 8693), and
//! that, when the file names a service account, for the account's own token. Tokens from
//! AWS or from an executable (`environment_id`, `executable`) are refused with what to use.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use super::super::super::StoreError;
use super::super::super::http::{self, Client, Request};
use super::{SCOPE, form, read_limited};

const TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";
const IAM_SCOPE: &str = "https://www.googleapis.com/auth/iam";
/// The lifetime asked of an impersonated token, google-auth's default.
const LIFETIME_SECS: u64 = 3600;

pub struct Federated {
    audience: String,
    subject_token_type: String,
    token_url: String,
    subject: Subject,
    /// `…/serviceAccounts/EMAIL:generateAccessToken`, when a service account is used.
    impersonation_url: Option<String>,
}

/// Where the other provider's token is read.
enum Subject {
    File {
        path: String,
        field: Option<String>,
    },
    Url {
        url: String,
        headers: Vec<(String, String)>,
        field: Option<String>,
    },
}

impl Federated {
    /// The file's settings; `Err` says what is wrong or unsupported in it.
    pub fn from_json(json: &serde_json::Value) -> Result<Federated, String> {
        let text = |k: &str| {
            json[k]
                .as_str()
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let required = |k: &str| text(k).ok_or_else(|| format!("lacks {k}"));
        let source = &json["credential_source"];
        let field = match source["format"]["type"].as_str() {
            None | Some("text") => None,
            Some("json") => Some(
                source["format"]["subject_token_field_name"]
                    .as_str()
                    .ok_or("names a json format without subject_token_field_name")?
                    .to_string(),
            ),
            Some(other) => return Err(format!("has a credential_source format `{other}`")),
        };
        let subject = if let Some(path) = source["file"].as_str() {
            Subject::File {
                path: path.to_string(),
                field,
            }
        } else if let Some(url) = source["url"].as_str() {
            let headers = source["headers"]
                .as_object()
                .into_iter()
                .flatten()
                .filter_map(|(k, v)| Some((k.to_ascii_lowercase(), v.as_str()?.to_string())))
                .collect();
            Subject::Url {
                url: subject_url(url)?,
                headers,
                field,
            }
        } else {
            return Err(
                "takes its token from AWS or an executable, which cfgc does not run; \
                        use a file or URL credential source, or a service account key"
                    .into(),
            );
        };
        let endpoint = |url: String, what: &str| http::endpoint(&url, what).map_err(|e| e.message);
        Ok(Federated {
            audience: required("audience")?,
            subject_token_type: required("subject_token_type")?,
            token_url: endpoint(required("token_url")?, "the credentials' token_url")?,
            subject,
            impersonation_url: text("service_account_impersonation_url")
                .map(|u| endpoint(u, "the credentials' service_account_impersonation_url"))
                .transpose()?,
        })
    }

    /// A token: the federated one, or the impersonated service account's.
    pub fn token(&self, client: &Client) -> Result<(SecretString, Duration), StoreError> {
        let subject = self.subject_token(client)?;
        // A token only for impersonating needs IAM alone, as google-auth asks.
        let scope = match self.impersonation_url {
            Some(_) => IAM_SCOPE,
            None => SCOPE,
        };
        let form = form(&[
            ("grant_type", TOKEN_EXCHANGE),
            ("audience", &self.audience),
            ("scope", scope),
            ("requested_token_type", ACCESS_TOKEN_TYPE),
            ("subject_token", subject.expose_secret()),
            ("subject_token_type", &self.subject_token_type),
        ]);
        let federated = super::exchange(client, &self.token_url, &form)?;
        match &self.impersonation_url {
            None => Ok(federated),
            Some(url) => impersonate(client, url, &federated.0),
        }
    }

    /// The other provider's token, from its file or URL.
    fn subject_token(&self, client: &Client) -> Result<SecretString, StoreError> {
        let (raw, field, from) = match &self.subject {
            Subject::File { path, field } => {
                let text = read_limited(path).map_err(|e| {
                    StoreError::new(format!("cannot read the subject token file {path}: {e}"))
                })?;
                (
                    Zeroizing::new(text.expose_secret().to_string()),
                    field,
                    path.as_str(),
                )
            }
            Subject::Url {
                url,
                headers,
                field,
            } => {
                let request = Request {
                    method: "GET",
                    url,
                    headers: headers
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.clone()))
                        .collect(),
                    body: None,
                };
                let r = client.send(&request, &|_| false)?;
                let body = Zeroizing::new(r.body);
                if r.status != 200 {
                    return Err(StoreError::new(format!(
                        "the subject token URL answered {}",
                        r.status
                    )));
                }
                (body, field, "the subject token URL")
            }
        };
        let token = match field {
            None => raw.trim().to_string(),
            Some(name) => {
                let json: serde_json::Value = serde_json::from_str(&raw).unwrap_or_default();
                json[name.as_str()].as_str().unwrap_or_default().to_string()
            }
        };
        if token.is_empty() {
            return Err(StoreError::new(format!("{from} gave no subject token")));
        }
        Ok(token.into())
    }
}

/// The service account's own token, asked for with the federated one.
fn impersonate(
    client: &Client,
    url: &str,
    federated: &SecretString,
) -> Result<(SecretString, Duration), StoreError> {
    let body = format!(r#"{{"scope":["{SCOPE}"],"lifetime":"{LIFETIME_SECS}s"}}"#);
    let request = Request {
        method: "POST",
        url,
        headers: vec![
            (
                "authorization",
                format!("Bearer {}", federated.expose_secret()),
            ),
            ("content-type", "application/json".to_string()),
        ],
        body: Some(body.as_bytes()),
    };
    let r = client.send(&request, &|_| false)?;
    let answer = Zeroizing::new(r.body);
    let json: serde_json::Value = serde_json::from_str(&answer).unwrap_or_default();
    match json["accessToken"].as_str() {
        Some(token) if r.status == 200 && !token.is_empty() => {
            Ok((token.to_string().into(), Duration::from_secs(LIFETIME_SECS)))
        }
        _ => Err(StoreError::new(format!(
            "impersonating the service account gave no token: {} {}",
            r.status,
            json["error"]["message"].as_str().unwrap_or("")
        ))),
    }
}

/// The URL a subject token is fetched from: https, or http to this machine (a query is
/// allowed: GitHub's names the audience in it), and no user or password.
fn subject_url(url: &str) -> Result<String, String> {
    // Worded for "the credentials file … {why}".
    let parsed = http::secure(url, "the subject token URL").map_err(
        |_| "names a subject token URL that is not https (plain http only to this machine)",
    )?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("names a subject token URL with a user or password in it".into());
    }
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn file(source: serde_json::Value) -> serde_json::Value {
        json!({
            "type": "external_account",
            "audience": "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/gh",
            "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
            "token_url": "https://sts.googleapis.com/v1/token",
            "credential_source": source,
        })
    }

    #[test]
    fn file_and_url_sources_are_read_and_others_refused() {
        let f = Federated::from_json(&file(json!({"file": "/t", "format": {"type": "text"}})));
        assert!(matches!(
            f.expect("read").subject,
            Subject::File { field: None, .. }
        ));
        let github = json!({
            "url": "https://pipelines.actions.githubusercontent.com/x?api-version=2.0&audience=a",
            "headers": {"Authorization": "bearer t"},
            "format": {"type": "json", "subject_token_field_name": "value"},
        });
        let f = Federated::from_json(&file(github)).expect("read");
        let Subject::Url { headers, field, .. } = f.subject else {
            panic!("a URL source");
        };
        assert_eq!(
            headers,
            [("authorization".to_string(), "bearer t".to_string())]
        );
        assert_eq!(field.as_deref(), Some("value"));
        for (source, said) in [
            (
                json!({"environment_id": "aws1"}),
                "from AWS or an executable",
            ),
            (
                json!({"executable": {"command": "x"}}),
                "from AWS or an executable",
            ),
            (json!({"url": "http://example.com/t"}), "not https"),
            (
                json!({"file": "/t", "format": {"type": "xml"}}),
                "format `xml`",
            ),
        ] {
            let err = Federated::from_json(&file(source)).err().expect("refused");
            assert!(err.contains(said), "{said} in {err}");
        }
        let mut plain_http = file(json!({"file": "/t"}));
        plain_http["token_url"] = json!("http://sts.example.com/v1/token");
        let err = Federated::from_json(&plain_http).err().expect("refused");
        assert!(err.contains("must be https"), "{err}");
    }
}
