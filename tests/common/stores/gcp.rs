//! [`GcpFake`]: the fake Google Secret Manager (`tests/fakes/gcp_secret_manager.py`), its
//! admin API (`/_fake/...`, described at the top of that script) as methods, and Google's
//! own clients pointed at it: the Python library always, `gcloud` where it is installed.

use std::path::Path;
use std::process::{Output, Stdio};

use serde_json::{Value, json};

use super::client::{feed, run_json};
use super::http::{self, Response};
use super::process::Process;
use crate::common::tools;

/// The PyPI packages the fake and its client import (module, package to install).
const MODULES: &[(&str, &str)] = &[
    ("cryptography", "cryptography"),
    (
        "google.cloud.secretmanager",
        "google-cloud-secret-manager==2.32.0",
    ),
];

/// What a proxy setting of the developer's would send elsewhere: the fake is on loopback.
const PROXY_VARS: &[&str] = &[
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
];

pub struct GcpFake {
    process: Process,
}

impl GcpFake {
    pub fn start() -> GcpFake {
        let script = super::fake("gcp_secret_manager.py");
        GcpFake {
            process: Process::start(&script, &["--port", "0"], MODULES),
        }
    }

    /// `http://127.0.0.1:PORT`, the API's root (what `api_endpoint` overrides take).
    pub fn url(&self) -> &str {
        self.process.url()
    }

    /// The OAuth2 token endpoint, as the key files the fake makes name it.
    pub fn token_uri(&self) -> String {
        format!("{}/token", self.url())
    }

    /// `host:port`, what `GCE_METADATA_HOST` takes to make this the metadata server.
    pub fn metadata_host(&self) -> &str {
        self.url().trim_start_matches("http://")
    }

    /// Any request to the fake; `token` goes in `Authorization: Bearer`.
    pub fn request(
        &self,
        method: &str,
        target: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Response {
        let bearer = token.map(|token| format!("Bearer {token}"));
        let mut headers = vec![("Content-Type", "application/json")];
        if let Some(bearer) = &bearer {
            headers.push(("Authorization", bearer));
        }
        let body = body.map(Value::to_string).unwrap_or_default();
        self.raw(method, target, &headers, body.as_bytes())
    }

    /// Any request to the fake, headers and body as given.
    pub fn raw(
        &self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Response {
        http::request(self.url(), method, target, headers, body)
    }

    /// POSTs `body` to `/_fake/<path>`; the admin API answers 200 or the test is wrong.
    pub fn admin(&self, path: &str, body: Value) -> Value {
        let answer = self.request("POST", &format!("/_fake/{path}"), None, Some(&body));
        assert_eq!(answer.status, 200, "/_fake/{path}: {}", answer.text);
        answer.json
    }

    fn admin_get(&self, path: &str) -> Value {
        let answer = self.request("GET", &format!("/_fake/{path}"), None, None);
        assert_eq!(answer.status, 200, "/_fake/{path}: {}", answer.text);
        answer.json
    }

    /// A new service account's key file (JSON), signed JWTs of which `/token` accepts.
    pub fn service_account_json(&self) -> Value {
        self.admin("service-account", json!({}))
    }

    /// A new `authorized_user` file (JSON) whose refresh token `/token` accepts. Its
    /// `token_uri` names the fake, but google-auth ignores that field in such files and
    /// always asks Google: a client meant to reach the fake must be told where.
    pub fn authorized_user_json(&self) -> Value {
        self.admin("authorized-user", json!({}))
    }

    /// A new access token, good until [`GcpFake::expire_tokens`].
    pub fn static_token(&self) -> String {
        self.admin("token", json!({}))["access_token"]
            .as_str()
            .expect("the fake answers with an access_token")
            .to_string()
    }

    /// Adds a fault: `{"status": 429|503|"close", "count": N | "rate": 0.3,
    /// "path_contains"?, "methods"?, "retry_after"?}`; `{"clear": true}` removes all.
    pub fn faults(&self, fault: Value) {
        self.admin("faults", fault);
    }

    /// Delays every `/v1` request by `ms`.
    pub fn latency(&self, ms: u64) {
        self.admin("latency", json!({ "ms": ms }));
    }

    /// Every token issued so far answers 401 from now on.
    pub fn expire_tokens(&self) {
        self.admin("expire-tokens", json!({}));
    }

    /// Each token (issued before or after) dies after `uses` requests; `None` lifts it.
    pub fn token_ttl_requests(&self, uses: Option<u64>) {
        self.admin("expire-tokens", json!({ "token_ttl_requests": uses }));
    }

    /// Names the API returns use `number` for `project`, as the real API's do.
    pub fn project_number(&self, project: &str, number: &str) {
        self.admin(
            "project-number",
            json!({ "project": project, "number": number }),
        );
    }

    /// Every request so far: `{"method", "path", "route", "status"}`, oldest first; no
    /// bodies, queries or tokens. `status` 0 is a connection closed by a fault.
    pub fn log(&self) -> Vec<Value> {
        match self.admin_get("log") {
            Value::Array(entries) => entries,
            other => panic!("/_fake/log is a list, not {other}"),
        }
    }

    pub fn reset_log(&self) {
        self.admin("reset-log", json!({}));
    }

    /// The log counted by route (`"secrets.addVersion"`, `"versions.access"`, `"token"`,
    /// `"metadata"`, ...): `{"total", "ok" (2xx), "status": {"200": n, "429": m}}`.
    pub fn stats(&self) -> Value {
        self.admin_get("stats")
    }

    /// Runs `tests/fakes/gcp_client.py` (Google's Python client) with a fresh static token;
    /// its answer, or `{"error": {"code", "status", "message"}}` when the API refused.
    pub fn client(&self, args: &[&str], stdin: &str) -> Value {
        let token = self.static_token();
        self.client_as(&token, args, stdin)
    }

    /// [`GcpFake::client`] with this access token.
    pub fn client_as(&self, token: &str, args: &[&str], stdin: &str) -> Value {
        self.run_client(&[("FAKE_GCP_TOKEN", token)], args, stdin)
    }

    /// [`GcpFake::client`] with a credentials file: for a service account's key google-auth
    /// signs a JWT and trades it at the file's `token_uri`; for an `authorized_user` file it
    /// trades the refresh token (at the fake, though the library alone would ask Google).
    pub fn client_with_key(&self, key_file: &Path, args: &[&str], stdin: &str) -> Value {
        let key_file = key_file.to_str().expect("temp paths are UTF-8");
        self.run_client(&[("FAKE_GCP_CREDENTIALS", key_file)], args, stdin)
    }

    /// [`GcpFake::client`] with google-auth's Compute Engine credentials: tokens from this
    /// fake as the metadata server (`GCE_METADATA_HOST`).
    pub fn client_via_metadata(&self, args: &[&str], stdin: &str) -> Value {
        let env = [
            ("FAKE_GCP_METADATA", "1"),
            ("GCE_METADATA_HOST", self.metadata_host()),
            ("GCE_METADATA_IP", self.metadata_host()),
        ];
        self.run_client(&env, args, stdin)
    }

    fn run_client(&self, env: &[(&str, &str)], args: &[&str], stdin: &str) -> Value {
        let mut command = tools::command("python3");
        command
            .arg(super::fake("gcp_client.py"))
            .args(args)
            .env("FAKE_GCP_URL", self.url())
            .envs(env.iter().copied())
            .env("NO_PROXY", "127.0.0.1,localhost")
            .env_remove("GOOGLE_APPLICATION_CREDENTIALS");
        for var in PROXY_VARS {
            command.env_remove(var);
        }
        run_json(command, stdin, "gcp_client.py")
    }

    /// Runs `gcloud ARGS` against the fake with a static token, in a scratch configuration
    /// folder (the developer's own is never read or written). Not every machine has gcloud:
    /// only `#[ignore]` tests may call this.
    pub fn gcloud(&self, args: &[&str], stdin: &str) -> Output {
        let config = tempfile::tempdir().expect("a temp folder for gcloud's configuration");
        let token_file = config.path().join("access-token");
        std::fs::write(&token_file, self.static_token()).expect("write the token file");
        let mut command = tools::command("gcloud");
        command
            .args(args)
            .env("CLOUDSDK_CONFIG", config.path())
            .env(
                "CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER",
                format!("{}/", self.url()),
            )
            .env("CLOUDSDK_AUTH_ACCESS_TOKEN_FILE", &token_file)
            .env("CLOUDSDK_CORE_DISABLE_PROMPTS", "1")
            .env("CLOUDSDK_CORE_DISABLE_USAGE_REPORTING", "true")
            .env("NO_PROXY", "127.0.0.1,localhost")
            .env_remove("GOOGLE_APPLICATION_CREDENTIALS")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for var in PROXY_VARS {
            command.env_remove(var);
        }
        let mut child = tools::spawn(&mut command);
        feed(&mut child, stdin);
        child.wait_with_output().expect("wait for gcloud")
    }
}
