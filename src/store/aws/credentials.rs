//! Where the AWS store's keys come from: the SDKs' default chain, in the Rust SDK's order
//! — the environment's keys, then the shared config and credentials files' profile, then
//! a web identity token named by the environment (EKS, GitHub Actions' OIDC), then the
//! container credentials endpoint (ECS, CodeBuild, EKS Pod Identity), then EC2's instance
//! metadata. What none of them gives is an error listing every place looked at and what
//! to set.

use super::super::StoreError;
use super::super::http::Client;
use super::container;
use super::env::Env;
use super::imds;
use super::process;
use super::profile::{self, Profile};
use super::role::{self, At};
use super::sign::Credentials;
use super::sso;
use super::sts::{self, WebIdentity};

/// The first credentials the chain finds. STS, when a web identity is used, is asked in
/// `region`.
pub fn resolve(env: &Env, region: &str, client: &Client) -> Result<Credentials, StoreError> {
    let mut looked = Vec::new();
    if let Some(found) = env.keys(&mut looked)? {
        return Ok(found);
    }
    if let Some(profile) = profile::load(env, &mut looked)? {
        let at = At {
            env,
            region,
            client,
        };
        let mut visited = vec![profile.name.clone()];
        if let Some(found) = from_profile(&at, &profile, &mut visited)? {
            return Ok(found);
        }
        looked.push(format!("{} (no credentials in it)", profile.origin));
    }
    match (
        env.get("AWS_WEB_IDENTITY_TOKEN_FILE"),
        env.get("AWS_ROLE_ARN"),
    ) {
        (Some(file), Some(role_arn)) => {
            let id = WebIdentity {
                role_arn,
                token_file: &profile::file_setting(env, file),
                session_name: env.get("AWS_ROLE_SESSION_NAME"),
                origin: "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN",
            };
            return sts::assume(
                client,
                &env.endpoint("AWS_ENDPOINT_URL_STS", "sts", region)?,
                &id,
            );
        }
        (Some(_), None) => {
            return Err(super::env::half_set(
                "AWS_WEB_IDENTITY_TOKEN_FILE",
                "AWS_ROLE_ARN",
            ));
        }
        (None, Some(_)) => {
            return Err(super::env::half_set(
                "AWS_ROLE_ARN",
                "AWS_WEB_IDENTITY_TOKEN_FILE",
            ));
        }
        (None, None) => looked.push("AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN (unset)".into()),
    }
    if let Some(found) = container::fetch(env, client)? {
        return Ok(found);
    }
    looked.push("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI (unset)".into());
    if let Some(found) = imds::fetch(env, client, &mut looked)? {
        return Ok(found);
    }
    Err(StoreError::new(format!(
        "no AWS credentials found; looked at: {}. Set AWS_ACCESS_KEY_ID and \
         AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary keys), or AWS_PROFILE \
         to a profile with keys, a role, an SSO login or a credential_process, or \
         AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, or run where a role is attached \
         (ECS, CodeBuild, EKS, EC2)",
        looked.join("; ")
    )))
}

/// A profile's role (with a web identity token, or assumed with its source's keys)
/// before its static keys, then its SSO login, then its `credential_process`, as the SDKs
/// choose; `None` when
/// it has none of them. `visited` is the chain of source profiles that led here.
fn from_profile(
    at: &At,
    profile: &Profile,
    visited: &mut Vec<String>,
) -> Result<Option<Credentials>, StoreError> {
    let get = |key: &str| role::setting(profile, key);
    let origin = &profile.origin;
    if let Some(role_arn) = get("role_arn") {
        let Some(file) = get("web_identity_token_file") else {
            return role::assume(at, profile, role_arn, visited, &from_profile).map(Some);
        };
        let id = WebIdentity {
            role_arn,
            token_file: &profile::file_setting(at.env, file),
            session_name: get("role_session_name"),
            origin,
        };
        let endpoint = at.env.endpoint("AWS_ENDPOINT_URL_STS", "sts", at.region)?;
        return sts::assume(at.client, &endpoint, &id).map(Some);
    }
    if let Some(found) = role::static_keys(profile)? {
        return Ok(Some(found));
    }
    if let Some(found) = sso::fetch(at.env, at.client, profile)? {
        return Ok(Some(found));
    }
    if let Some(command) = get("credential_process") {
        return process::run(command, origin).map(Some);
    }
    if get("login_session").is_some() {
        return Err(StoreError::new(format!(
            "{origin} gets its credentials with login_session (`aws login`), which cfgc does \
             not read; export keys for it first: eval \"$(aws configure export-credentials \
             --profile {} --format env)\"",
            profile.name
        )));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use secrecy::ExposeSecret;

    use super::*;

    /// A home folder with `.aws/config` and `.aws/credentials` (when given) and the
    /// variables `vars`; HOME points at it.
    fn resolve_in(
        config: Option<&str>,
        creds: Option<&str>,
        vars: &[(&str, &str)],
    ) -> Result<Credentials, StoreError> {
        let home = tempfile::tempdir().expect("a temp folder");
        std::fs::create_dir(home.path().join(".aws")).expect("mkdir");
        for (file, text) in [("config", config), ("credentials", creds)] {
            if let Some(text) = text {
                std::fs::write(home.path().join(".aws").join(file), text).expect("write");
            }
        }
        let mut map: BTreeMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        map.insert("HOME".into(), home.path().display().to_string());
        map.entry("AWS_EC2_METADATA_DISABLED".into())
            .or_insert_with(|| "true".into());
        let env = Env::capture(&|k| map.get(k).cloned());
        resolve(&env, "us-east-1", &Client::new())
    }

    #[test]
    fn the_environment_comes_first() {
        let c = resolve_in(
            None,
            Some("[default]\naws_access_key_id = FROMFILE\naws_secret_access_key = f\n"),
            &[
                ("AWS_ACCESS_KEY_ID", "FROMENV"),
                ("AWS_SECRET_ACCESS_KEY", "e"),
                ("AWS_SESSION_TOKEN", "t"),
            ],
        )
        .expect("found");
        assert_eq!(c.access_key_id, "FROMENV");
        assert_eq!(
            c.session_token.as_ref().map(|t| t.expose_secret()),
            Some("t")
        );
    }

    #[test]
    fn the_credentials_file_wins_over_the_config_file() {
        let config = "[profile dev]\naws_access_key_id = FROMCONFIG\naws_secret_access_key = c\nregion = x\n";
        let creds = "[dev]\naws_access_key_id = FROMCREDS\naws_secret_access_key = s\n";
        let c = resolve_in(Some(config), Some(creds), &[("AWS_PROFILE", "dev")]).expect("found");
        assert_eq!(c.access_key_id, "FROMCREDS");
        assert_eq!(c.secret_access_key.expose_secret(), "s");
        assert!(c.source.starts_with("profile dev in "), "{}", c.source);
        let c = resolve_in(Some(config), None, &[("AWS_PROFILE", "dev")]).expect("found");
        assert_eq!(c.access_key_id, "FROMCONFIG");
    }

    #[test]
    fn nothing_found_lists_every_place_and_what_to_set() {
        let err =
            resolve_in(None, Some("[other]\naws_access_key_id = A\n"), &[]).expect_err("none");
        for part in [
            "no AWS credentials found; looked at: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (unset)",
            "/.aws/config (no such file)",
            "profile default in ",
            "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN (unset)",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI (unset)",
            "the EC2 instance metadata service (AWS_EC2_METADATA_DISABLED)",
            "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
            "or run where a role is attached (ECS, CodeBuild, EKS, EC2)",
        ] {
            assert!(err.message.contains(part), "{part} in {}", err.message);
        }
    }

    #[test]
    fn a_named_profile_that_is_missing_is_an_error() {
        let err =
            resolve_in(Some("[default]\n"), None, &[("AWS_PROFILE", "prod")]).expect_err("none");
        assert!(
            err.message
                .starts_with("AWS_PROFILE names profile `prod`, which neither"),
            "{}",
            err.message
        );
    }

    #[test]
    fn half_a_pair_is_an_error() {
        let err = resolve_in(None, None, &[("AWS_ACCESS_KEY_ID", "A")]).expect_err("none");
        assert_eq!(
            err.message,
            "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: set both, or neither"
        );
        let err = resolve_in(
            None,
            Some("[default]\naws_secret_access_key = wJalrS\n"),
            &[],
        )
        .expect_err("none");
        assert!(
            err.message.contains("has only one of aws_access_key_id"),
            "{}",
            err.message
        );
        assert!(!err.message.contains("wJalrS"));
        let err =
            resolve_in(None, None, &[("AWS_ROLE_ARN", "arn:aws:iam::1:role/r")]).expect_err("none");
        assert!(
            err.message
                .starts_with("AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not")
        );
    }

    #[test]
    fn sources_cfgc_does_not_read_say_how_to_export_keys() {
        for (config, what) in [
            (
                "[profile p]\nlogin_session = arn:aws:iam::1:user/me\n",
                "with login_session (`aws login`), which cfgc does not read",
            ),
            (
                "[profile p]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = q\n\
                 mfa_serial = arn:aws:iam::1:mfa/me\n[profile q]\naws_access_key_id = A\n",
                "with an MFA code (mfa_serial), which cfgc cannot ask for",
            ),
        ] {
            let err = resolve_in(Some(config), None, &[("AWS_PROFILE", "p")]).expect_err("refused");
            assert!(err.message.contains(what), "{}", err.message);
            assert!(
                err.message
                    .contains("aws configure export-credentials --profile p"),
                "{}",
                err.message
            );
        }
    }

    #[test]
    fn a_role_without_usable_source_keys_is_refused_before_sts() {
        let role = "role_arn = arn:aws:iam::1:role/r";
        for (config, said) in [
            (
                format!(
                    "[profile p]\n{role}\nsource_profile = q\n[profile q]\n{role}\nsource_profile = p\n"
                ),
                "source_profile makes a loop: p -> q -> p".to_string(),
            ),
            (
                format!("[profile p]\n{role}\nsource_profile = gone\n"),
                "names source_profile `gone`, which neither".to_string(),
            ),
            (
                format!("[profile p]\n{role}\nsource_profile = p\n"),
                "is its own source_profile but has no aws_access_key_id".to_string(),
            ),
            (
                format!(
                    "[profile p]\n{role}\nsource_profile = q\ncredential_source = Environment\n"
                ),
                "sets both source_profile and credential_source".to_string(),
            ),
            (
                format!("[profile p]\n{role}\ncredential_source = Laptop\n"),
                "has credential_source `Laptop`; it is Environment".to_string(),
            ),
            (
                format!("[profile p]\n{role}\ncredential_source = Environment\n"),
                "takes its source keys from Environment, which has none".to_string(),
            ),
            (
                format!("[profile p]\n{role}\n"),
                "sets role_arn without source_profile, credential_source".to_string(),
            ),
            (
                format!("[profile p]\n{role}\nsource_profile = q\n[profile q]\nregion = x\n"),
                "(the source_profile of profile p in ".to_string(),
            ),
        ] {
            let err =
                resolve_in(Some(&config), None, &[("AWS_PROFILE", "p")]).expect_err("refused");
            assert!(err.message.contains(&said), "{said} in {}", err.message);
        }
    }
}
