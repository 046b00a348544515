//! AWS Secrets Manager as a store: the four operations over its JSON 1.1 protocol
//! (`api`), signed with SigV4 (`sign`) by keys the SDKs' default chain finds
//! (`credentials`). Plain HTTPS instead of aws-sdk-secretsmanager, which brings tokio and
//! hyper for five calls. A cfgc secret NAME is the store's secret `prefix + NAME`; a
//! version's id is the push token it was made with (AWS takes `ClientRequestToken` as
//! the `VersionId`), so a retried push finds what it made.

mod api;
mod clock;
mod container;
mod credentials;
mod env;
mod imds;
mod process;
mod profile;
mod role;
pub mod sign;
mod sso;
mod sts;
mod versions;

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use secrecy::ExposeSecret;
use serde::Serialize;
use serde_json::{Value, json};
use zeroize::Zeroizing;

use super::http::Client;
use super::{Described, Store, StoreError, Version};
use crate::secrets::crypto::Plaintext;
use api::{Failure, Target};
use env::Env;
use sign::Credentials;

/// Credentials this close to their expiry are replaced before a call, not after a refusal.
const EXPIRY_MARGIN_SECS: u64 = 300;
/// The most `ListSecrets` and `ListSecretVersionIds` return per page.
const PAGE: u32 = 100;

pub struct AwsStore {
    region: String,
    prefix: String,
    url: url::Url,
    client: Client,
    /// Kept to find credentials again when AWS says these expired.
    env: Env,
    credentials: RwLock<Arc<Credentials>>,
}

impl std::fmt::Debug for AwsStore {
    // Where it points and whose keys, never the keys (`Credentials`' own Debug redacts).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AwsStore")
            .field("region", &self.region)
            .field("prefix", &self.prefix)
            .field("endpoint", &self.url.as_str())
            .finish_non_exhaustive()
    }
}

impl AwsStore {
    /// The store in `region` whose secrets are named `prefix` + the cfgc name, with the
    /// endpoint and credentials `env` (a variable lookup; production passes
    /// `|k| std::env::var(k).ok()`) leads to. Credentials are found now, so a missing key
    /// is said before any work.
    pub fn new(
        region: &str,
        prefix: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<AwsStore, StoreError> {
        let valid = !region.is_empty()
            && region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid {
            return Err(StoreError::new(format!(
                "AWS region `{region}` is not a region name (like eu-west-1)"
            )));
        }
        let env = Env::capture(env);
        let endpoint =
            env.endpoint("AWS_ENDPOINT_URL_SECRETS_MANAGER", "secretsmanager", region)?;
        let url = url::Url::parse(&endpoint)
            .map_err(|e| StoreError::new(format!("endpoint `{endpoint}`: {e}")))?;
        let client = Client::new();
        let found = credentials::resolve(&env, region, &client)?;
        Ok(AwsStore {
            region: region.to_string(),
            prefix: prefix.to_string(),
            url,
            client,
            env,
            credentials: RwLock::new(Arc::new(found)),
        })
    }

    fn store_name(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// The credentials in use; found again first when they are about to expire.
    fn current(&self) -> Result<Arc<Credentials>, StoreError> {
        let creds = Arc::clone(&self.credentials.read().unwrap_or_else(|p| p.into_inner()));
        match creds.expires {
            Some(at) if at <= clock::now() + EXPIRY_MARGIN_SECS => self.refresh(&creds),
            _ => Ok(creds),
        }
    }

    /// Finds credentials again, unless another thread already replaced `stale`.
    fn refresh(&self, stale: &Arc<Credentials>) -> Result<Arc<Credentials>, StoreError> {
        let mut slot = self.credentials.write().unwrap_or_else(|p| p.into_inner());
        if !Arc::ptr_eq(&slot, stale) {
            return Ok(Arc::clone(&slot));
        }
        let fresh = Arc::new(credentials::resolve(&self.env, &self.region, &self.client)?);
        *slot = Arc::clone(&fresh);
        Ok(fresh)
    }

    /// `operation` with `request` as its body; once more with fresh credentials when AWS
    /// says the token expired. `Err(Failure)` is the store's own error answer.
    fn call(
        &self,
        operation: &str,
        request: &impl Serialize,
    ) -> Result<Result<Value, Failure>, StoreError> {
        let body = to_json(request)?;
        let target = Target {
            client: &self.client,
            url: &self.url,
            region: &self.region,
        };
        let creds = self.current()?;
        match api::call(&target, &creds, operation, Zeroizing::new(body.to_vec()))? {
            Err(failure) if failure.expired() => {
                let fresh = self.refresh(&creds)?;
                api::call(&target, &fresh, operation, body)
            }
            answer => Ok(answer),
        }
    }

    /// Like `call`, with an error answer as a `StoreError` about `name`.
    fn ok(
        &self,
        operation: &str,
        name: &str,
        request: &impl Serialize,
    ) -> Result<Value, StoreError> {
        self.call(operation, request)?
            .map_err(|f| f.into_error(operation, &self.store_name(name)))
    }

    /// Every page of a listing: `request` with each `NextToken` in turn, `key`'s items.
    fn pages(
        &self,
        operation: &str,
        name: &str,
        mut request: Value,
        key: &str,
    ) -> Result<Option<Vec<Value>>, StoreError> {
        let mut items = Vec::new();
        loop {
            let page = match self.call(operation, &request)? {
                Ok(page) => page,
                Err(f) if f.kind == "ResourceNotFoundException" => return Ok(None),
                Err(f) => return Err(f.into_error(operation, &self.store_name(name))),
            };
            if let Some(list) = page.get(key).and_then(Value::as_array) {
                items.extend(list.iter().cloned());
            }
            match page.get("NextToken").and_then(Value::as_str) {
                Some(token) if !token.is_empty() => request["NextToken"] = json!(token),
                _ => return Ok(Some(items)),
            }
        }
    }
}

/// The request's JSON in zeroizing memory, sized up front so that writing it never
/// reallocates (a reallocation would leave a copy of a value in freed memory).
fn to_json(request: &impl Serialize) -> Result<Zeroizing<Vec<u8>>, StoreError> {
    let failed = |e: serde_json::Error| StoreError::new(format!("cannot write the request: {e}"));
    let mut counter = Counter(0);
    serde_json::to_writer(&mut counter, request).map_err(failed)?;
    let mut body = Zeroizing::new(Vec::with_capacity(counter.0));
    serde_json::to_writer(&mut *body, request).map_err(failed)?;
    Ok(body)
}

/// Counts the bytes of a serialisation without keeping them.
struct Counter(usize);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A `DeletedDate` (a `null` one, as moto writes for every secret, is none).
fn scheduled_for_deletion(secret: &Value) -> bool {
    secret.get("DeletedDate").is_some_and(|d| !d.is_null())
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PutSecretValue<'a> {
    secret_id: &'a str,
    secret_string: &'a str,
    client_request_token: &'a str,
}

impl Store for AwsStore {
    fn describe(&self, name: &str) -> Result<Option<Described>, StoreError> {
        let id = self.store_name(name);
        let secret = match self.call("DescribeSecret", &json!({ "SecretId": id }))? {
            Ok(secret) => secret,
            Err(f) if f.kind == "ResourceNotFoundException" => return Ok(None),
            Err(f) => return Err(f.into_error("DescribeSecret", &id)),
        };
        let deleted = scheduled_for_deletion(&secret);
        let request = json!({ "SecretId": id, "IncludeDeprecated": true, "MaxResults": PAGE });
        let Some(listed) = self.pages("ListSecretVersionIds", name, request, "Versions")? else {
            return Ok(None);
        };
        Ok(Some(versions::from_listed(&listed, deleted)))
    }

    fn describe_all(&self) -> Result<Option<BTreeMap<String, Described>>, StoreError> {
        let mut request = json!({ "MaxResults": PAGE, "IncludePlannedDeletion": true });
        if !self.prefix.is_empty() {
            // AWS matches the filter without regard to case (and at word starts): it
            // only narrows the listing; the exact prefix is checked below.
            request["Filters"] = json!([{ "Key": "name", "Values": [self.prefix] }]);
        }
        let listed = self
            .pages("ListSecrets", "", request, "SecretList")?
            .unwrap_or_default();
        let mut all = BTreeMap::new();
        let mut undated = Vec::new();
        for entry in &listed {
            let Some(name) = entry
                .get("Name")
                .and_then(Value::as_str)
                .and_then(|n| n.strip_prefix(self.prefix.as_str()))
            else {
                continue;
            };
            let deleted = scheduled_for_deletion(entry);
            match versions::from_stages(entry.get("SecretVersionsToStages"), deleted) {
                Some(described) => {
                    all.insert(name.to_string(), described);
                }
                None => undated.push(name.to_string()),
            }
        }
        // Versions with only custom labels: their order needs dates, one secret at a time.
        for (name, described) in undated
            .iter()
            .zip(super::pool::parallel(&undated, |n| self.describe(n)))
        {
            if let Some(described) = described? {
                all.insert(name.clone(), described);
            }
        }
        Ok(Some(all))
    }

    fn create(&self, name: &str) -> Result<(), StoreError> {
        match self.call("CreateSecret", &json!({ "Name": self.store_name(name) }))? {
            Ok(_) => Ok(()),
            // Made by an earlier, interrupted push (or by hand): what we wanted.
            Err(f) if f.kind == "ResourceExistsException" => Ok(()),
            Err(f) => Err(f.into_error("CreateSecret", &self.store_name(name))),
        }
    }

    /// The token makes a repeated call a no-op: `after` is not needed.
    fn add_version(
        &self,
        name: &str,
        value: &Plaintext,
        token: &str,
        _after: Option<&str>,
    ) -> Result<String, StoreError> {
        let id = self.store_name(name);
        let request = PutSecretValue {
            secret_id: &id,
            secret_string: value.expose_secret(),
            client_request_token: token,
        };
        let answer = self.ok("PutSecretValue", name, &request)?;
        answer
            .get("VersionId")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| {
                StoreError::new(format!(
                    "AWS Secrets Manager PutSecretValue for {id} answered without a VersionId"
                ))
            })
    }

    fn landed<'d>(
        &self,
        described: &'d Described,
        _after: Option<&str>,
        token: &str,
    ) -> Option<&'d Version> {
        // The token is the version's id: whatever the push made is found by it alone.
        described.get(token)
    }

    fn display(&self, name: &str) -> String {
        self.store_name(name)
    }
}
