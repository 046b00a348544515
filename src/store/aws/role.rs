//! A profile's `role_arn` assumed with other keys, as the AWS CLI does: those of its
//! `source_profile` (which may assume a role itself: a chain, followed up to `MAX_CHAIN`
//! profiles, a loop refused), or those its `credential_source` names (`Environment`,
//! `Ec2InstanceMetadata`, `EcsContainer`). STS `AssumeRole`, signed with the source's keys.
//! A role that wants an MFA code (`mfa_serial`) is refused with the command that exports
//! keys for it: a release step has no one to type the code.

use super::super::StoreError;
use super::super::http::Client;
use super::container;
use super::env::Env;
use super::imds;
use super::profile::{self, Profile};
use super::sign::Credentials;
use super::sts::{self, Role};

/// Profiles a chain may pass through; the CLI has no limit, but a longer one is a mistake.
const MAX_CHAIN: usize = 8;

/// Where the keys are asked for: the variables, STS's region, the client.
pub struct At<'a> {
    pub env: &'a Env,
    pub region: &'a str,
    pub client: &'a Client,
}

/// A profile's own credentials (its keys, web identity, process or role), `None` when it
/// has none: the chain's profile step, which a source profile goes through too.
pub type FromProfile<'f> =
    &'f dyn Fn(&At, &Profile, &mut Vec<String>) -> Result<Option<Credentials>, StoreError>;

/// `profile`'s `role_arn`, assumed with its source's keys. `visited` holds the profiles
/// of the chain so far, `profile` included.
pub fn assume(
    at: &At,
    profile: &Profile,
    role_arn: &str,
    visited: &mut Vec<String>,
    from_profile: FromProfile,
) -> Result<Credentials, StoreError> {
    let get = |key: &str| setting(profile, key);
    let origin = &profile.origin;
    if get("mfa_serial").is_some() {
        return Err(StoreError::new(format!(
            "{origin} assumes its role with an MFA code (mfa_serial), which cfgc cannot ask \
             for; export keys for it first: eval \"$(aws configure export-credentials \
             --profile {} --format env)\"",
            profile.name
        )));
    }
    let source = match (get("source_profile"), get("credential_source")) {
        (Some(_), Some(_)) => {
            return Err(StoreError::new(format!(
                "{origin} sets both source_profile and credential_source: keep one"
            )));
        }
        (Some(name), None) => source_profile(at, profile, name, visited, from_profile)?,
        (None, Some(source)) => credential_source(at, profile, source)?,
        (None, None) => {
            return Err(StoreError::new(format!(
                "{origin} sets role_arn without source_profile, credential_source or \
                 web_identity_token_file: nothing can assume the role"
            )));
        }
    };
    let role = Role {
        role_arn,
        session_name: get("role_session_name"),
        external_id: get("external_id"),
        source: &source,
        origin,
    };
    let endpoint = at.env.endpoint("AWS_ENDPOINT_URL_STS", "sts", at.region)?;
    sts::assume_role(at.client, &endpoint, at.region, &role)
}

/// A profile's setting, an empty one as unset.
pub fn setting<'p>(profile: &'p Profile, key: &str) -> Option<&'p str> {
    profile
        .settings
        .get(key)
        .map(|v| v.as_str())
        .filter(|v| !v.is_empty())
}

/// The keys of source profile `name`. A profile that names itself uses its own static keys,
/// as the CLI does; any other goes through the whole profile step, its own role included.
fn source_profile(
    at: &At,
    profile: &Profile,
    name: &str,
    visited: &mut Vec<String>,
    from_profile: FromProfile,
) -> Result<Credentials, StoreError> {
    let origin = &profile.origin;
    if name == profile.name {
        return static_keys(profile)?.ok_or_else(|| {
            StoreError::new(format!(
                "{origin} is its own source_profile but has no aws_access_key_id and \
                 aws_secret_access_key"
            ))
        });
    }
    if visited.iter().any(|v| v == name) {
        return Err(StoreError::new(format!(
            "source_profile makes a loop: {} -> {name}",
            visited.join(" -> ")
        )));
    }
    if visited.len() >= MAX_CHAIN {
        return Err(StoreError::new(format!(
            "source_profile chains more than {MAX_CHAIN} profiles: {}",
            visited.join(" -> ")
        )));
    }
    let source = profile::named(at.env, name, origin)?;
    visited.push(name.to_string());
    from_profile(at, &source, visited)?.ok_or_else(|| {
        StoreError::new(format!(
            "{} (the source_profile of {origin}) has no credentials",
            source.origin
        ))
    })
}

/// The keys `credential_source` names.
fn credential_source(at: &At, profile: &Profile, source: &str) -> Result<Credentials, StoreError> {
    let origin = &profile.origin;
    let mut looked = Vec::new();
    let found = match source {
        "Environment" => at.env.keys(&mut looked)?,
        "EcsContainer" => container::fetch(at.env, at.client)?,
        "Ec2InstanceMetadata" => imds::fetch(at.env, at.client, &mut looked)?,
        other => {
            return Err(StoreError::new(format!(
                "{origin} has credential_source `{other}`; it is Environment, \
                 Ec2InstanceMetadata or EcsContainer"
            )));
        }
    };
    found.ok_or_else(|| {
        StoreError::new(format!(
            "{origin} takes its source keys from {source}, which has none ({})",
            if looked.is_empty() {
                "no container endpoint is set".to_string()
            } else {
                looked.join("; ")
            }
        ))
    })
}

/// `aws_access_key_id` and `aws_secret_access_key` (and `aws_session_token`), if set.
pub fn static_keys(profile: &Profile) -> Result<Option<Credentials>, StoreError> {
    let get = |key: &str| setting(profile, key);
    match (get("aws_access_key_id"), get("aws_secret_access_key")) {
        (Some(id), Some(secret)) => Ok(Some(Credentials {
            access_key_id: id.to_string(),
            secret_access_key: secrecy::SecretString::from(secret),
            session_token: get("aws_session_token").map(secrecy::SecretString::from),
            expires: None,
            source: profile.origin.clone(),
        })),
        (Some(_), None) | (None, Some(_)) => Err(StoreError::new(format!(
            "{} has only one of aws_access_key_id and aws_secret_access_key: set both",
            profile.origin
        ))),
        (None, None) => Ok(None),
    }
}
