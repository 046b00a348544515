use std::collections::HashMap;
use std::path::PathBuf;

use tempfile::TempDir;

use super::*;
use crate::secrets::identity::tests::keygen_file;

struct Fixture {
    dir: TempDir,
}

impl Fixture {
    fn new() -> Self {
        Fixture {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// Writes a fresh key file and returns its path and public key.
    fn key_file(&self, name: &str) -> (PathBuf, String) {
        let (text, _, public) = keygen_file();
        (self.write(name, &text), public)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
        path
    }

    fn missing(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

fn publics(identities: &[Identity]) -> Vec<String> {
    identities
        .iter()
        .map(|i| i.recipient().expect("x25519").to_string())
        .collect()
}

fn places(searched: &[Searched]) -> Vec<(&str, String)> {
    searched
        .iter()
        .map(|s| (s.place.as_str(), s.outcome.clone()))
        .collect()
}

#[test]
fn every_source_in_order() {
    let fx = Fixture::new();
    let (flag_a, pub_a) = fx.key_file("a.txt");
    let (flag_b, pub_b) = fx.key_file("b.txt");
    let (env_file, pub_env_file) = fx.key_file("env.txt");
    let (env_text, _, pub_env) = keygen_file();
    let (default, pub_default) = fx.key_file("config/cfgc/age/keys.txt");
    let (sops, pub_sops) = fx.key_file("sops.txt");
    let (sops_text, _, pub_sops_key) = keygen_file();
    let (cmd_file, pub_cmd) = fx.key_file("cmd.txt");
    let (sops_default, pub_sops_default) = fx.key_file("config/sops/age/keys.txt");
    let (project, pub_project) = fx.key_file("demo.key");
    let sources = IdentitySources {
        files: vec![flag_a.clone(), flag_b.clone()],
        env_key_file: Some(env_file.clone()),
        env_key: Some(env_text),
        default_path: Some(default.clone()),
        sops_key: Some(sops_text),
        sops_key_file: Some(sops.clone()),
        sops_key_cmd: Some(format!("cat '{}'", cmd_file.display())),
        sops_default_path: Some(sops_default.clone()),
        project_file: Some(project.clone()),
        ..Default::default()
    };
    let (identities, searched) = discover(&sources).expect("all load");
    assert_eq!(
        publics(&identities),
        [
            pub_a,
            pub_b,
            pub_env_file,
            pub_env,
            pub_default,
            pub_sops_key,
            pub_sops,
            pub_cmd,
            pub_sops_default,
            pub_project
        ]
    );
    let one = |p: &PathBuf| format!("{}: 1 identity", p.display());
    assert_eq!(
        places(&searched),
        [
            ("--identity", one(&flag_a)),
            ("--identity", one(&flag_b)),
            ("CFGC_AGE_KEY_FILE", one(&env_file)),
            ("CFGC_AGE_KEY", "1 identity".into()),
            ("default key file", one(&default)),
            ("SSH key", "no HOME".into()),
            ("SOPS_AGE_KEY", "1 identity".into()),
            ("SOPS_AGE_KEY_FILE", one(&sops)),
            ("SOPS_AGE_KEY_CMD", "1 identity".into()),
            ("sops key file", one(&sops_default)),
            ("demo key in cfgc.toml", one(&project)),
        ]
    );
    assert_eq!(
        identities[2].source(),
        format!("{} (from CFGC_AGE_KEY_FILE), line 3", env_file.display())
    );
}

#[test]
fn nothing_set_is_not_an_error_and_lists_every_place() {
    let fx = Fixture::new();
    let default = fx.missing("config/cfgc/age/keys.txt");
    let sources = IdentitySources {
        default_path: Some(default.clone()),
        ..Default::default()
    };
    let (identities, searched) = discover(&sources).expect("no error");
    assert!(identities.is_empty());
    assert_eq!(
        places(&searched),
        [
            ("--identity", "not given".into()),
            ("CFGC_AGE_KEY_FILE", "not set".into()),
            ("CFGC_AGE_KEY", "not set".into()),
            (
                "default key file",
                format!("{}: no such file", default.display())
            ),
            ("SSH key", "no HOME".into()),
            ("SOPS_AGE_KEY", "not set".into()),
            ("SOPS_AGE_KEY_FILE", "not set".into()),
            ("SOPS_AGE_KEY_CMD", "not set".into()),
            ("sops key file", "no HOME or config folder".into()),
            ("demo key in cfgc.toml", "not set".into()),
        ]
    );
}

#[test]
fn a_named_file_that_is_missing_is_an_error() {
    let fx = Fixture::new();
    let gone = fx.missing("gone.txt");
    let cases: Vec<(&str, IdentitySources)> = vec![
        (
            "--identity",
            IdentitySources {
                files: vec![gone.clone()],
                ..Default::default()
            },
        ),
        (
            "CFGC_AGE_KEY_FILE",
            IdentitySources {
                env_key_file: Some(gone.clone()),
                ..Default::default()
            },
        ),
        (
            "SOPS_AGE_KEY_FILE",
            IdentitySources {
                sops_key_file: Some(gone.clone()),
                ..Default::default()
            },
        ),
        (
            "demo key in cfgc.toml",
            IdentitySources {
                project_file: Some(gone.clone()),
                ..Default::default()
            },
        ),
    ];
    for (place, sources) in cases {
        let err = discover(&sources).expect_err("missing file is an error");
        assert!(matches!(err, IdentityError::NotFound { .. }), "{err}");
        assert_eq!(
            err.to_string(),
            format!(
                "identity file {} (from {place}) does not exist",
                gone.display()
            )
        );
    }
}

#[test]
fn a_malformed_named_file_is_an_error_with_file_and_line() {
    let fx = Fixture::new();
    let (_, secret, _) = keygen_file();
    let bad = fx.write("bad.txt", &format!("# ok\n{secret}\nnot a key {secret}\n"));
    let sources = IdentitySources {
        env_key_file: Some(bad.clone()),
        ..Default::default()
    };
    let message = discover(&sources).expect_err("malformed").to_string();
    assert!(
        message.starts_with(&format!(
            "{} (from CFGC_AGE_KEY_FILE), line 3: ",
            bad.display()
        )),
        "{message}"
    );
    assert!(!message.contains(&secret[16..]), "{message}");
}

#[test]
fn a_malformed_default_file_is_an_error_too() {
    let fx = Fixture::new();
    let default = fx.write("keys.txt", "oops\n");
    let sources = IdentitySources {
        default_path: Some(default),
        ..Default::default()
    };
    let err = discover(&sources).expect_err("malformed");
    assert!(
        matches!(err, IdentityError::Malformed { line: Some(1), .. }),
        "{err}"
    );
}

#[test]
fn a_named_file_without_keys_is_an_error_but_an_empty_default_is_not() {
    let fx = Fixture::new();
    let empty = fx.write("empty.txt", "# nothing here\n\n");
    let named = IdentitySources {
        files: vec![empty.clone()],
        ..Default::default()
    };
    let err = discover(&named).expect_err("empty named file");
    assert!(matches!(err, IdentityError::Empty { .. }), "{err}");

    let default = IdentitySources {
        default_path: Some(empty.clone()),
        ..Default::default()
    };
    let (identities, searched) = discover(&default).expect("empty default is fine");
    assert!(identities.is_empty());
    assert_eq!(
        searched[3].outcome,
        format!("{}: no identities", empty.display())
    );
}

#[test]
fn env_key_holds_several_lines() {
    let (_, a, pub_a) = keygen_file();
    let (_, b, pub_b) = keygen_file();
    let sources = IdentitySources {
        env_key: Some(format!("{a}\n# second\n{b}\n")),
        ..Default::default()
    };
    let (identities, searched) = discover(&sources).expect("loads");
    assert_eq!(publics(&identities), [pub_a, pub_b]);
    assert_eq!(searched[2].outcome, "2 identities");
    assert_eq!(identities[1].source(), "CFGC_AGE_KEY, line 3");
}

#[test]
fn env_key_errors_name_the_variable_and_line() {
    let blank = IdentitySources {
        env_key: Some("  \n".into()),
        ..Default::default()
    };
    let (_, searched) = discover(&blank).expect("blank is unset");
    assert_eq!(searched[2].outcome, "set but empty");

    let comments = IdentitySources {
        env_key: Some("# only a comment".into()),
        ..Default::default()
    };
    let err = discover(&comments).expect_err("no keys");
    assert!(matches!(err, IdentityError::Empty { .. }), "{err}");

    let bad = IdentitySources {
        env_key: Some("\nAGE-SECRET-KEY-1XYZ\n".into()),
        ..Default::default()
    };
    let message = discover(&bad).expect_err("bad key").to_string();
    assert!(message.starts_with("CFGC_AGE_KEY, line 2: "), "{message}");
    assert!(!message.contains("XYZ"), "{message}");
}

#[test]
fn the_same_file_is_read_once() {
    let fx = Fixture::new();
    let (path, public) = fx.key_file("keys.txt");
    let sources = IdentitySources {
        files: vec![path.clone()],
        default_path: Some(fx.dir.path().join(".").join("keys.txt")),
        sops_key_file: Some(path.clone()),
        ..Default::default()
    };
    let (identities, searched) = discover(&sources).expect("loads");
    assert_eq!(publics(&identities), [public]);
    assert!(
        searched[3].outcome.ends_with("already read for --identity"),
        "{searched:?}"
    );
    assert!(
        searched[6].outcome.ends_with("already read for --identity"),
        "{searched:?}"
    );
}

#[test]
fn from_lookup_reads_the_variables() {
    let vars = HashMap::from([
        ("CFGC_AGE_KEY_FILE", "/k/env.txt"),
        ("CFGC_AGE_KEY", "AGE-SECRET-KEY-1..."),
        ("XDG_CONFIG_HOME", "/xdg"),
        ("HOME", "/home/me"),
        ("SOPS_AGE_KEY_FILE", "/k/sops.txt"),
        ("SOPS_AGE_KEY", "AGE-SECRET-KEY-1sops"),
        ("SOPS_AGE_KEY_CMD", "op read op://v/k"),
    ]);
    let sources = IdentitySources::from_lookup(
        vec![PathBuf::from("a.txt")],
        Some(PathBuf::from("/p/demo.key")),
        |name| vars.get(name).map(Into::into),
    );
    assert_eq!(sources.files, [PathBuf::from("a.txt")]);
    assert_eq!(sources.env_key_file, Some(PathBuf::from("/k/env.txt")));
    assert_eq!(sources.env_key.as_deref(), Some("AGE-SECRET-KEY-1..."));
    assert_eq!(
        sources.default_path,
        Some(PathBuf::from("/xdg/cfgc/age/keys.txt"))
    );
    assert_eq!(sources.sops_key_file, Some(PathBuf::from("/k/sops.txt")));
    assert_eq!(sources.sops_key.as_deref(), Some("AGE-SECRET-KEY-1sops"));
    assert_eq!(sources.sops_key_cmd.as_deref(), Some("op read op://v/k"));
    assert_eq!(sources.ssh_key_file, None);
    assert_eq!(
        sources.ssh_defaults,
        [
            PathBuf::from("/home/me/.ssh/id_ed25519"),
            PathBuf::from("/home/me/.ssh/id_rsa")
        ]
    );
    // sops's own key file: under XDG_CONFIG_HOME on Linux, as sops reads it.
    #[cfg(not(any(target_os = "macos", windows)))]
    assert_eq!(
        sources.sops_default_path,
        Some(PathBuf::from("/xdg/sops/age/keys.txt"))
    );
    assert_eq!(sources.project_file, Some(PathBuf::from("/p/demo.key")));
    assert!(sources.given());
    let debug = format!("{sources:?}");
    assert!(
        !debug.contains("sops\"") && !debug.contains("op read"),
        "{debug}"
    );
}

#[test]
fn default_path_falls_back_to_home_and_ignores_empty_or_relative_values() {
    let default_for = |vars: &[(&str, &str)]| {
        let vars: HashMap<_, _> = vars.iter().copied().collect();
        IdentitySources::from_lookup(vec![], None, |name| vars.get(name).map(Into::into))
    };
    let home = Some(PathBuf::from("/home/me/.config/cfgc/age/keys.txt"));
    assert_eq!(default_for(&[("HOME", "/home/me")]).default_path, home);
    assert_eq!(
        default_for(&[("HOME", "/home/me"), ("XDG_CONFIG_HOME", "")]).default_path,
        home
    );
    assert_eq!(
        default_for(&[("HOME", "/home/me"), ("XDG_CONFIG_HOME", "rel")]).default_path,
        home
    );
    let none = default_for(&[
        ("HOME", ""),
        ("CFGC_AGE_KEY", ""),
        ("CFGC_AGE_KEY_FILE", ""),
    ]);
    assert_eq!(none.default_path, None);
    assert_eq!(none.env_key, None);
    assert_eq!(none.env_key_file, None);
}

#[test]
fn debug_redacts_the_env_key() {
    let (_, secret, _) = keygen_file();
    let sources = IdentitySources {
        env_key: Some(secret.clone()),
        ..Default::default()
    };
    let debug = format!("{sources:?}");
    assert!(debug.contains("env_key: Some(\"<redacted>\")"), "{debug}");
    assert!(!debug.contains(&secret[16..]), "{debug}");
}

#[test]
fn a_default_ssh_key_age_cannot_read_is_passed_over_with_a_note() {
    let fx = Fixture::new();
    let odd = fx.write(
        "home/.ssh/id_rsa",
        "-----BEGIN PRIVATE KEY-----\nMIIBVQ==\n-----END PRIVATE KEY-----\n",
    );
    let sources = IdentitySources {
        ssh_defaults: vec![fx.missing("home/.ssh/id_ed25519"), odd.clone()],
        ..Default::default()
    };
    let (identities, searched) = discover(&sources).expect("not an error");
    assert!(identities.is_empty());
    let outcome = &searched
        .iter()
        .find(|s| s.place == "SSH key" && s.outcome.starts_with("passed over"))
        .expect("a note")
        .outcome;
    assert!(outcome.contains(&odd.display().to_string()), "{outcome}");
    // Named, the same key is an error.
    let named = IdentitySources {
        ssh_key_file: Some(odd),
        ..Default::default()
    };
    assert!(discover(&named).is_err());
}
