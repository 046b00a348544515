//! The environment variables the AWS store reads, captured once when the store is made.
//! The lookup is injected (tests never touch the process environment), and the store
//! keeps the snapshot to find credentials again when AWS says they expired.

use std::collections::BTreeMap;
use std::path::PathBuf;

use secrecy::SecretString;
use zeroize::Zeroizing;

use super::super::StoreError;
use super::super::http;
use super::sign::Credentials;

/// Every variable the store reads; nothing else is captured.
const NAMES: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_SECRETS_MANAGER",
    "AWS_ENDPOINT_URL_STS",
    "AWS_ENDPOINT_URL_SSO",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_EC2_METADATA_DISABLED",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT",
    "HOME",
];

/// A snapshot of [`NAMES`]. Values are zeroized on drop: one of them is a secret key.
pub struct Env {
    vars: BTreeMap<&'static str, Zeroizing<String>>,
}

impl Env {
    /// Reads each variable through `lookup`; an empty value counts as unset, as the SDKs do.
    pub fn capture(lookup: &dyn Fn(&str) -> Option<String>) -> Env {
        let vars = NAMES
            .iter()
            .filter_map(|name| {
                let value = Zeroizing::new(lookup(name)?);
                (!value.trim().is_empty()).then_some((*name, value))
            })
            .collect();
        Env { vars }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(|v| v.as_str())
    }

    /// A file named by `var`, else `default` under the home folder (`~` is expanded in
    /// the variable too, as the CLI does).
    pub fn path(&self, var: &str, default: &str) -> Option<PathBuf> {
        let home = self.get("HOME");
        match self.get(var) {
            Some(path) => match (path.strip_prefix("~/"), home) {
                (Some(rest), Some(home)) => Some(PathBuf::from(home).join(rest)),
                _ => Some(PathBuf::from(path)),
            },
            None => home.map(|h| PathBuf::from(h).join(default)),
        }
    }

    /// The endpoint of `service` (`secretsmanager`, `sts`): the service's own variable, else
    /// `AWS_ENDPOINT_URL`, else AWS's regional host; https, or plain http to this machine.
    pub fn endpoint(&self, var: &str, service: &str, region: &str) -> Result<String, StoreError> {
        let (url, what) = match (self.get(var), self.get("AWS_ENDPOINT_URL")) {
            (Some(url), _) => (url.to_string(), var),
            (None, Some(url)) => (url.to_string(), "AWS_ENDPOINT_URL"),
            (None, None) => {
                // The China partition has its own domain; every other region is under .com.
                let domain = if region.starts_with("cn-") {
                    "amazonaws.com.cn"
                } else {
                    "amazonaws.com"
                };
                (
                    format!("https://{service}.{region}.{domain}"),
                    "the endpoint",
                )
            }
        };
        http::endpoint(&url, what)
    }
}

/// One of a pair set without the other is a mistake, not a reason to look elsewhere
/// (the SDKs move on silently, and then use keys the user did not mean).
pub fn half_set(set: &str, unset: &str) -> StoreError {
    StoreError::new(format!(
        "{set} is set but {unset} is not: set both, or neither"
    ))
}

impl Env {
    /// The keys in `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
    pub fn keys(&self, looked: &mut Vec<String>) -> Result<Option<Credentials>, StoreError> {
        match (
            self.get("AWS_ACCESS_KEY_ID"),
            self.get("AWS_SECRET_ACCESS_KEY"),
        ) {
            (Some(id), Some(secret)) => Ok(Some(Credentials {
                access_key_id: id.to_string(),
                secret_access_key: SecretString::from(secret),
                session_token: self.get("AWS_SESSION_TOKEN").map(SecretString::from),
                expires: None,
                source: "the environment (AWS_ACCESS_KEY_ID)".into(),
            })),
            (Some(_), None) => Err(half_set("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")),
            (None, Some(_)) => Err(half_set("AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID")),
            (None, None) => {
                looked.push("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (unset)".into());
                Ok(None)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_non_empty_variables_are_kept() {
        let env = Env::capture(&|k| match k {
            "AWS_PROFILE" => Some("dev".into()),
            "AWS_ROLE_ARN" => Some(" ".into()),
            "PATH" => Some("/bin".into()),
            _ => None,
        });
        assert_eq!(env.get("AWS_PROFILE"), Some("dev"));
        assert_eq!(env.get("AWS_ROLE_ARN"), None);
        assert_eq!(env.get("PATH"), None);
    }

    #[test]
    fn paths_default_under_home_and_expand_tilde() {
        let env = Env::capture(&|k| match k {
            "HOME" => Some("/home/u".into()),
            "AWS_CONFIG_FILE" => Some("~/cfg".into()),
            _ => None,
        });
        assert_eq!(
            env.path("AWS_CONFIG_FILE", ".aws/config"),
            Some("/home/u/cfg".into())
        );
        assert_eq!(
            env.path("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials"),
            Some("/home/u/.aws/credentials".into())
        );
        let bare = Env::capture(&|_| None);
        assert_eq!(bare.path("AWS_CONFIG_FILE", ".aws/config"), None);
    }

    #[test]
    fn endpoints_from_the_service_variable_the_general_one_or_the_region() {
        let env = Env::capture(&|k| match k {
            "AWS_ENDPOINT_URL" => Some("http://127.0.0.1:5000/".into()),
            "AWS_ENDPOINT_URL_STS" => Some("http://example.com".into()),
            _ => None,
        });
        assert_eq!(
            env.endpoint(
                "AWS_ENDPOINT_URL_SECRETS_MANAGER",
                "secretsmanager",
                "eu-west-1"
            ),
            Ok("http://127.0.0.1:5000".to_string())
        );
        let refused = env
            .endpoint("AWS_ENDPOINT_URL_STS", "sts", "eu-west-1")
            .expect_err("refused");
        assert!(
            refused
                .message
                .contains("AWS_ENDPOINT_URL_STS `http://example.com` must be https")
        );
        let bare = Env::capture(&|_| None);
        assert_eq!(
            bare.endpoint("AWS_ENDPOINT_URL_STS", "sts", "cn-north-1"),
            Ok("https://sts.cn-north-1.amazonaws.com.cn".to_string())
        );
    }
}
