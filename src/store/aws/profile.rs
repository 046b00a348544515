//! The shared config and credentials files (`~/.aws/config`, `~/.aws/credentials`), read
//! the way the AWS CLI reads them (Python's configparser under botocore): `[section]`
//! headers, `key = value` or `key: value`, keys in any case, whole-line `#` and `;`
//! comments, indented continuation lines, and a duplicate section or key an error. One
//! difference, from the SDKs: ` #…`/` ;…` after whitespace ends a value, since a key with
//! a comment after it would otherwise be sent as a broken key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::super::StoreError;
use super::env::Env;

/// One profile's settings, keys in lower case; values zeroized (keys are secrets).
pub type Section = BTreeMap<String, Zeroizing<String>>;

/// The settings of the profile in use, the credentials file's over the config file's.
pub struct Profile {
    pub name: String,
    pub settings: Section,
    /// `profile dev in /home/u/.aws/credentials`: for messages.
    pub origin: String,
}

/// The profile `AWS_PROFILE` names (else `default`) from both files; `None` when neither
/// has it and it was not asked for by name. `looked` gains each place looked at.
pub fn load(env: &Env, looked: &mut Vec<String>) -> Result<Option<Profile>, StoreError> {
    let explicit = env.get("AWS_PROFILE");
    let name = explicit.unwrap_or("default");
    let found = find(env, name, looked)?;
    if found.is_none() && explicit.is_some() {
        return Err(StoreError::new(format!(
            "AWS_PROFILE names profile `{name}`, which neither the config nor the \
             credentials file has; looked at: {}",
            looked.join("; ")
        )));
    }
    Ok(found)
}

/// The profile `name` that `by` (another profile's `source_profile`) names: an error
/// when neither file has it.
pub fn named(env: &Env, name: &str, by: &str) -> Result<Profile, StoreError> {
    let mut looked = Vec::new();
    find(env, name, &mut looked)?.ok_or_else(|| {
        StoreError::new(format!(
            "{by} names source_profile `{name}`, which neither the config nor the \
             credentials file has"
        ))
    })
}

/// The settings of profile `name`, the credentials file's over the config file's.
fn find(env: &Env, name: &str, looked: &mut Vec<String>) -> Result<Option<Profile>, StoreError> {
    let mut settings = Section::new();
    let mut origins = Vec::new();
    let files = [
        ("AWS_CONFIG_FILE", ".aws/config", true),
        ("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials", false),
    ];
    for (var, default, is_config) in files {
        let Some(path) = env.path(var, default) else {
            looked.push(format!("{var} (unset, and no HOME for ~/{default})"));
            continue;
        };
        let Some(text) = read(&path)? else {
            looked.push(format!("{} (no such file)", path.display()));
            continue;
        };
        looked.push(format!("profile {name} in {}", path.display()));
        let mut sections = parse(&text, &path, is_config)?;
        if let Some(found) = sections.remove(name) {
            origins.push(path.display().to_string());
            settings.extend(found);
        }
    }
    if origins.is_empty() {
        return Ok(None);
    }
    Ok(Some(Profile {
        name: name.to_string(),
        settings,
        origin: format!("profile {name} in {}", origins.join(" and ")),
    }))
}

/// The file's text, `None` when it does not exist.
fn read(path: &Path) -> Result<Option<Zeroizing<String>>, StoreError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(Zeroizing::new(text))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StoreError::new(format!(
            "cannot read {}: {e}",
            path.display()
        ))),
    }
}

/// Every profile in one file, by name. In the config file a profile's header is
/// `[profile NAME]` (or `[default]`); other sections (`[sso-session x]`, `[services x]`)
/// are not profiles and are dropped. In the credentials file the header is the name.
pub fn parse(
    text: &str,
    path: &Path,
    is_config: bool,
) -> Result<BTreeMap<String, Section>, StoreError> {
    Ok(sections(text, path)?
        .into_iter()
        .filter_map(|(header, section)| profile_name(&header, is_config).map(|n| (n, section)))
        .collect())
}

/// Every section of one file, by its header, in order.
fn sections(text: &str, path: &Path) -> Result<Vec<(String, Section)>, StoreError> {
    let at = |line: usize, what: &str| {
        // The line itself is never quoted: it may hold a key.
        StoreError::new(format!("{}:{line}: {what}", path.display()))
    };
    let mut sections: Vec<(String, Section)> = Vec::new();
    // The key a continuation line extends, with its indent.
    let mut last: Option<(String, usize)> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            continue;
        }
        let indent = raw.len() - raw.trim_start().len();
        if let Some(rest) = trimmed.strip_prefix('[') {
            let header = strip_comment(rest);
            let Some(name) = header.strip_suffix(']') else {
                return Err(at(n, "a section header must end with `]`"));
            };
            let name = name.trim().to_string();
            if sections.iter().any(|(s, _)| *s == name) {
                return Err(at(n, &format!("section [{name}] appears twice")));
            }
            sections.push((name, Section::new()));
            last = None;
            continue;
        }
        let Some((_, section)) = sections.last_mut() else {
            return Err(at(n, "a setting before any [section] header"));
        };
        if let Some((key, key_indent)) = &last
            && indent > *key_indent
        {
            // A continuation (the config file's nested `s3 =` settings): part of `key`.
            let value = section
                .get_mut(key)
                .expect("the continued key was inserted");
            value.push('\n');
            value.push_str(strip_comment(trimmed));
            continue;
        }
        let Some(split) = trimmed.find(['=', ':']) else {
            return Err(at(
                n,
                "expected `key = value`, a [section] header or a comment",
            ));
        };
        let key = trimmed[..split].trim().to_ascii_lowercase();
        if key.is_empty() {
            return Err(at(n, "a setting with no name before its `=`"));
        }
        let value = strip_comment(trimmed[split + 1..].trim()).to_string();
        if section.insert(key.clone(), Zeroizing::new(value)).is_some() {
            return Err(at(n, &format!("`{key}` is set twice in its section")));
        }
        last = Some((key, indent));
    }
    Ok(sections)
}

/// The `[sso-session NAME]` section of the config file, which profile `by` names.
pub fn sso_session(env: &Env, name: &str, by: &str) -> Result<Section, StoreError> {
    let missing = || {
        StoreError::new(format!(
            "{by} names sso_session `{name}`, which the config file has no \
             [sso-session {name}] section for"
        ))
    };
    let path = env
        .path("AWS_CONFIG_FILE", ".aws/config")
        .ok_or_else(missing)?;
    let text = read(&path)?.ok_or_else(missing)?;
    let header = format!("sso-session {name}");
    sections(&text, &path)?
        .into_iter()
        .find(|(h, _)| h.split_whitespace().eq(header.split_whitespace()))
        .map(|(_, section)| section)
        .ok_or_else(missing)
}

fn profile_name(header: &str, is_config: bool) -> Option<String> {
    if !is_config {
        return Some(header.to_string());
    }
    if header == "default" {
        return Some(header.to_string());
    }
    let rest = header.strip_prefix("profile")?;
    rest.starts_with(char::is_whitespace)
        .then(|| rest.trim().to_string())
}

/// `value # note` → `value`: a comment starts at `#` or `;` after whitespace.
fn strip_comment(text: &str) -> &str {
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if (*b == b'#' || *b == b';') && i > 0 && bytes[i - 1].is_ascii_whitespace() {
            return text[..i].trim_end();
        }
    }
    text.trim_end()
}

/// A file a setting names, relative to nothing in particular: `~` expanded as the CLI does.
pub fn file_setting(env: &Env, value: &str) -> PathBuf {
    match (value.strip_prefix("~/"), env.get("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_config(text: &str) -> Result<BTreeMap<String, Section>, StoreError> {
        parse(text, Path::new("/cfg"), true)
    }

    fn get<'a>(s: &'a BTreeMap<String, Section>, profile: &str, key: &str) -> Option<&'a str> {
        s.get(profile)?.get(key).map(|v| v.as_str())
    }

    #[test]
    fn config_sections_comments_case_and_continuations() {
        let text = "# top\n; also\n[default]\nregion = us-east-1\n\
                    [profile  dev ] ; note\nAWS_Access_Key_ID=AKIA1 # trailing\n\
                    aws_secret_access_key : s3cr#t\ns3 =\n  addressing_style = path\n\
                    [sso-session corp]\nsso_region = eu-west-1\n[dev]\nx = 1\n";
        let s = parse_config(text).expect("parses");
        assert_eq!(s.keys().collect::<Vec<_>>(), ["default", "dev"]);
        assert_eq!(get(&s, "dev", "aws_access_key_id"), Some("AKIA1"));
        // `#` without whitespace before it is part of the value, as in the CLI.
        assert_eq!(get(&s, "dev", "aws_secret_access_key"), Some("s3cr#t"));
        assert_eq!(get(&s, "dev", "s3"), Some("\naddressing_style = path"));
        assert_eq!(
            get(&s, "dev", "x"),
            None,
            "[dev] in the config file is not a profile"
        );
    }

    #[test]
    fn credentials_sections_are_names() {
        let s = parse(
            "[dev]\naws_access_key_id = A\n[profile x]\n",
            Path::new("/c"),
            false,
        )
        .expect("parses");
        assert_eq!(get(&s, "dev", "aws_access_key_id"), Some("A"));
        assert!(s.contains_key("profile x"));
    }

    #[test]
    fn malformed_files_name_the_line_not_its_text() {
        for (text, what) in [
            ("key = v\n", "/cfg:1: a setting before any [section] header"),
            (
                "[default]\naws_secret_access_key wJalr\n",
                "/cfg:2: expected `key = value`",
            ),
            ("[default\n", "/cfg:1: a section header must end with `]`"),
            (
                "[default]\n[default]\n",
                "/cfg:2: section [default] appears twice",
            ),
            ("[default]\na=1\nA=2\n", "/cfg:3: `a` is set twice"),
            ("[default]\n= x\n", "/cfg:2: a setting with no name"),
        ] {
            let err = parse_config(text).expect_err("an error").message;
            assert!(err.starts_with(what), "{err}");
            assert!(!err.contains("wJalr"), "{err}");
        }
    }
}
