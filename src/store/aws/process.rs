//! `credential_process`: a profile's command that prints keys as JSON (aws-vault, granted,
//! a password manager's CLI). Run as botocore runs it: the line split as a POSIX shell
//! splits words (no shell runs it), and its output read as `{"Version": 1, "AccessKeyId",
//! "SecretAccessKey", "SessionToken"?, "Expiration"?}`. Its standard error stays the
//! user's terminal, where such tools ask for an MFA code or say what went wrong; its
//! output holds the keys and is never shown.

use std::process::{Command, Stdio};

use secrecy::SecretString;
use zeroize::Zeroizing;

use super::super::StoreError;
use super::clock;
use super::sign::Credentials;

/// The keys `command` prints; `origin` (the profile) names it in messages.
pub fn run(command: &str, origin: &str) -> Result<Credentials, StoreError> {
    let named = format!("credential_process of {origin}");
    let argv = shlex::split(command)
        .filter(|argv| !argv.is_empty())
        .ok_or_else(|| {
            StoreError::new(format!(
                "{named} is not a command line (an unclosed quote, or empty)"
            ))
        })?;
    let output = Command::new(&argv[0])
        .args(&argv[1..])
        .stdin(Stdio::inherit())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| StoreError::new(format!("{named}: `{}` could not run: {e}", argv[0])))?;
    let stdout = Zeroizing::new(output.stdout);
    if !output.status.success() {
        return Err(StoreError::new(format!(
            "{named}: `{}` failed ({})",
            argv[0], output.status
        )));
    }
    parse(&stdout, &named)
}

/// The keys in the command's output.
fn parse(stdout: &[u8], named: &str) -> Result<Credentials, StoreError> {
    let json: Zeroizing<String> = Zeroizing::new(String::from_utf8_lossy(stdout).into_owned());
    let json: serde_json::Value = serde_json::from_str(&json)
        .map_err(|_| StoreError::new(format!("{named} did not print JSON")))?;
    if json["Version"].as_u64() != Some(1) {
        return Err(StoreError::new(format!(
            "{named} printed Version {}, not 1 (the only version there is)",
            json["Version"]
        )));
    }
    let text = |name: &str| json[name].as_str().filter(|v| !v.is_empty());
    let required = |name: &str| {
        text(name).ok_or_else(|| StoreError::new(format!("{named} printed no {name}")))
    };
    let expires = match text("Expiration") {
        None => None,
        Some(at) => Some(clock::parse_iso8601(at).ok_or_else(|| {
            StoreError::new(format!("{named} printed an Expiration that is not a date"))
        })?),
    };
    Ok(Credentials {
        access_key_id: required("AccessKeyId")?.to_string(),
        secret_access_key: SecretString::from(required("SecretAccessKey")?),
        session_token: text("SessionToken").map(SecretString::from),
        expires,
        source: named.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    #[test]
    fn the_output_is_read_by_its_version() {
        let out = br#"{"Version": 1, "AccessKeyId": "AKIAPROC", "SecretAccessKey": "pr0c-s3cret",
            "SessionToken": "st", "Expiration": "2014-10-24T23:00:23Z"}"#;
        let c = parse(out, "p").expect("read");
        assert_eq!(c.access_key_id, "AKIAPROC");
        assert_eq!(c.secret_access_key.expose_secret(), "pr0c-s3cret");
        assert_eq!(
            c.session_token.as_ref().map(|t| t.expose_secret()),
            Some("st")
        );
        assert_eq!(c.expires, Some(1_414_191_623));
        let long_lived = br#"{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "s"}"#;
        let c = parse(long_lived, "p").expect("read");
        assert!(c.session_token.is_none() && c.expires.is_none());
        for (out, said) in [
            (
                &br#"{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "s"}"#[..],
                "p printed Version 2, not 1 (the only version there is)",
            ),
            (
                br#"{"Version": 1, "AccessKeyId": "A"}"#,
                "p printed no SecretAccessKey",
            ),
            (br#"AKIA s3cret"#, "p did not print JSON"),
        ] {
            assert_eq!(parse(out, "p").expect_err("refused").message, said);
        }
    }

    #[test]
    fn the_command_runs_without_a_shell_and_its_failure_is_named() {
        let dir = tempfile::tempdir().expect("a temp folder");
        let script = dir.path().join("keys with space.sh");
        std::fs::write(
            &script,
            "#!/bin/sh\n[ \"$1\" = 'a b' ] || exit 3\n\
             echo '{\"Version\":1,\"AccessKeyId\":\"AKIAPROC\",\"SecretAccessKey\":\"pr0c-s3cret\"}'\n",
        )
        .expect("write");
        // Run by `sh`, not executed itself: a file just written may still be open in a
        // process another test thread forked (ETXTBSY).
        let quoted = format!("sh '{}' 'a b'", script.display());
        assert_eq!(
            run(&quoted, "profile p").expect("ran").access_key_id,
            "AKIAPROC"
        );
        let err = run(&format!("sh '{}' ab", script.display()), "profile p").expect_err("failed");
        assert!(
            err.message.ends_with("failed (exit status: 3)"),
            "{}",
            err.message
        );
        let err = run("'unclosed", "profile p").expect_err("refused");
        assert!(
            err.message.contains("is not a command line"),
            "{}",
            err.message
        );
    }
}
