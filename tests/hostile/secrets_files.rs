//! Tampered secrets files and wrong, missing or broken identities: each stops with the
//! file, the line and what to do; nothing is decrypted from a file that does not verify.

use crate::common::Project;

const SF: &str = "env/dev.secrets.yaml";

/// The secrets file with the line starting with `prefix` replaced by `to`.
fn line(c: Project, prefix: &str, to: &str) -> Project {
    let t = c.read(SF);
    let old = t
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line `{prefix}` in {t}"))
        .to_string();
    let to = to.replace("{old}", &old);
    c.edit(SF, &old, &to)
}

/// Flip one base64 character of the sealed value.
fn flip(c: Project) -> Project {
    let t = c.read(SF);
    let old = t
        .lines()
        .find(|l| l.starts_with("JWT_SECRET:"))
        .expect("a line")
        .to_string();
    let i = old.find(',').expect("ENC[v1,") + 5;
    let mut bytes = old.clone().into_bytes();
    bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
    let new = String::from_utf8(bytes).expect("ascii");
    c.edit(SF, &old, &new)
}

// `check` reports a file that does not verify with its findings, on stdout.
const FLIPPED: &str = "error[secrets-value]: the value of `JWT_SECRET` failed authentication";
mod value_flipped {
    use super::*;
    case!(check: flip => ["check"], 2, stdout: [FLIPPED, "env/dev.secrets.yaml:2:"]);
    case!(plan: flip => ["plan"], 2, stderr: [FLIPPED, "env/dev.secrets.yaml:2:"]);
    case!(apply: flip => ["apply", "--yes"], 2, stderr: [FLIPPED, "env/dev.secrets.yaml:2:"]);
}
case!(value_moved_to_another_name: |c| line(c, "JWT_SECRET:", "{old}\nAPI_TOKEN: {old}").edit(SF, "API_TOKEN: JWT_SECRET: ", "API_TOKEN: ") => ["plan"], 2, stderr: ["the value of `API_TOKEN` failed authentication"]);
case!(value_deleted: |c| line(c, "JWT_SECRET:", "") => ["plan"], 1, stdout: ["error[missing-secret]: required secret `JWT_SECRET` is missing in environment `dev`"]);
case!(mac_replaced: |c| line(c, "  mac:", "  mac: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=") => ["plan"], 2, stderr: ["error[secrets-mac]"]);
case!(mac_removed: |c| line(c, "  mac:", "") => ["check"], 2, stderr: ["env/dev.secrets.yaml"]);
case!(environment_changed: |c| line(c, "  environment:", "  environment: prod") => ["plan"], 1, stdout: ["error[secrets-environment]: `env/dev.secrets.yaml` was written for environment `prod`"]);
case!(version_two: |c| line(c, "  version:", "  version: 2") => ["check"], 2, stderr: ["error[secrets-version]: `env/dev.secrets.yaml` has format version 2; this cfgc reads version 1"]);
case!(version_is_a_string: |c| line(c, "  version:", "  version: one") => ["check"], 2, stderr: ["env/dev.secrets.yaml:4:"]);
case!(recipient_added_by_hand: |c| line(c, "  recipients:", "{old}\n    - age1crwzswjja7e0mxk7p8lgduflq9vyyafrx57n7sv5jng42wmuag3segk630") => ["plan"], 1, stdout: ["error[secrets-recipients]: the recipients of `env/dev.secrets.yaml` differ from those of `dev` in cfgc.toml"]);
case!(data_key_armor_damaged: |c| c.edit(SF, "-----BEGIN AGE ENCRYPTED FILE-----", "-----BEGIN AGE ENCRYPTED FILX-----") => ["plan"], 2, stderr: ["error[secrets-format]: `cfgc.data_key` is not an armored age file"]);
case!(data_key_body_damaged: |c| { let t = c.read(SF); let l = t.lines().nth(9).expect("a data key line").to_string(); let r: String = l.chars().rev().collect(); c.edit(SF, &l, &r) } => ["plan"], 2, stderr: ["env/dev.secrets.yaml"]);
case!(truncated_file: |c| { let t = c.read(SF); c.file(SF, &t[..200]) } => ["check"], 2, stderr: ["error[secrets-format]: `env/dev.secrets.yaml` has no `cfgc:` metadata"]);
case!(empty_file: |c| c.file(SF, "") => ["check"], 2, stderr: ["error[secrets-empty]: secrets file `env/dev.secrets.yaml` is empty"]);
case!(metadata_removed: |c| { let t = c.read(SF); let i = t.find("cfgc:").expect("meta"); c.file(SF, &t[..i]) } => ["check"], 2, stderr: ["has no `cfgc:` metadata"]);
case!(deep_nesting: |c| c.file(SF, format!("A: {}{}\n", "[".repeat(1000), "]".repeat(1000))) => ["check"], 2, stderr: ["error[yaml-too-deep]", "env/dev.secrets.yaml:1:"]);
case!(alias_bomb: |c| c.file(SF, format!("a: &a \"{}\"\nb: [{}]\n", "x".repeat(400_000), ["*a"; 10].join(", "))) => ["check"], 2, stderr: ["error[yaml-alias-budget]"]);
case!(top_level_list: |c| c.file(SF, "- a\n") => ["check"], 2, stderr: ["error[layer-not-a-map]"]);
case!(invalid_utf8: |c| c.file(SF, b"JWT_SECRET: \xff\n") => ["check"], 2, stderr: ["error[invalid-utf8]: `env/dev.secrets.yaml` is not valid UTF-8"]);
case!(over_the_size_limit: |c| c.file(SF, format!("A: {}\n", "x".repeat(5 << 20))) => ["check"], 2, stderr: ["error[file-too-large]: cannot read `env/dev.secrets.yaml`: it is larger than the secrets file limit of 4194304 bytes"]);
case!(duplicate_secret_name: |c| line(c, "JWT_SECRET:", "{old}\n{old}") => ["check"], 2, stderr: ["error[yaml-duplicate-key]: duplicate key `JWT_SECRET`"]);
case!(value_not_a_string: |c| line(c, "JWT_SECRET:", "JWT_SECRET: [1, 2]") => ["check"], 2, stderr: ["the value of `JWT_SECRET` is not an encrypted value"]);
case!(value_with_a_huge_ciphertext: |c| line(c, "JWT_SECRET:", &format!("JWT_SECRET: ENC[v1,{}]", "A".repeat(1 << 20))) => ["plan"], 2, stderr: ["JWT_SECRET"]);
case!(copied_from_another_environment_file_name: |c| { let public = c.public_key(); c.edit("cfgc.toml", "[environments.dev]", "[environments.prod]\ntier = \"deployed\"\nlayers = [\"env/base.yaml\"]\nsecrets = \"env/dev.secrets.yaml\"\nrecipients = [\"RECIPIENT\"]\n\n[environments.dev]").edit("cfgc.toml", "RECIPIENT", public) } => ["plan", "prod"], 1, stdout: ["was written for environment `dev`"]);

// Identities.
case!(no_identity_anywhere: |c| c.without_identity() => ["secrets", "get", "dev", "JWT_SECRET"], 2, stderr: ["error[no-identity]: no identity can decrypt the secrets of environment `dev`"]);
case!(identity_file_missing: |c| c.env("CFGC_AGE_KEY_FILE", "/nonexistent/key.txt") => ["plan"], 2, stderr: ["error[identity]: cannot load an identity: identity file /nonexistent/key.txt (from CFGC_AGE_KEY_FILE) does not exist"]);
case!(identity_of_someone_else: |c| { let k = crate::common::age_key(); c.without_identity().env("CFGC_AGE_KEY", &k.secret) } => ["secrets", "get", "dev", "JWT_SECRET"], 2, stderr: ["error[no-identity]", "not a recipient"]);
case!(identity_garbage_that_looks_like_a_key: |c| c.without_identity().env("CFGC_AGE_KEY", "AGE-SECRET-KEY-1GARBAGEGARBAGEGARBAGEGARBAGE") => ["plan"], 2, stderr: ["error[identity]: cannot load an identity", "invalid age secret key"]);
case!(identity_file_empty: |c| { let p = c.identity_path(); std::fs::write(&p, "").expect("write"); c } => ["plan"], 2, stderr: ["contains no identities"]);
case!(identity_file_is_a_folder: |c| { let p = c.identity_path(); std::fs::remove_file(&p).expect("rm"); std::fs::create_dir(&p).expect("mkdir"); c } => ["plan"], 2, stderr: ["error[identity]: cannot load an identity: identity file", "is not a regular file (a FIFO, device or folder)"]);
case!(identity_file_is_binary: |c| { let p = c.identity_path(); std::fs::write(&p, b"\xff\xfe\x00AGE").expect("write"); c } => ["plan"], 2, stderr: ["error[identity]"]);
// Without a terminal to ask on (tests run without one; tests/keys.rs types it on a pty).
case!(identity_ssh_key_with_a_passphrase_and_no_terminal_is_refused: |c| {
    let p = c.identity_path();
    std::fs::remove_file(&p).expect("rm");
    let status = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "hunter2", "-f"]).arg(&p)
        .status().expect("ssh-keygen must be installed: apt-get install openssh-client");
    assert!(status.success());
    c.without_terminal()
} => ["plan"], 2, stderr: ["error[identity]", "no terminal to ask for its passphrase"]);
// Without a key that fits, plan shows the plain outputs and skips the secret one, saying why.
case!(wrong_identity_plan_skips_the_secret_output: |c| { let k = crate::common::age_key(); c.without_identity().env("CFGC_AGE_KEY", &k.secret) } => ["plan", "--allow-skipped"], 0, stdout: ["skipped out/dev/.env: no identity can decrypt the secrets of environment `dev`"]);
