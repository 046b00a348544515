//! A profile's `credential_process`: the command botocore would run, run the same way, and
//! its keys used to sign.

use super::harness::{assert_signs_with, botocore_finds, store};

#[test]
fn credential_process_keys_are_the_ones_botocore_gets() {
    let home = tempfile::tempdir().expect("a temp folder");
    let aws = home.path().join(".aws");
    std::fs::create_dir(&aws).expect("mkdir");
    // A path with a space and a quoted argument: split as botocore splits it.
    let tool = home.path().join("key tool");
    std::fs::write(
        &tool,
        "#!/bin/sh\n[ \"$1\" = '--role=deploy prod' ] || { echo \"bad args: $*\" >&2; exit 2; }\n\
         printf '%s' '{\"Version\": 1, \"AccessKeyId\": \"ASIAPROCESS\", \
         \"SecretAccessKey\": \"pr0cess-s3cret\", \"SessionToken\": \"process-session\", \
         \"Expiration\": \"2099-01-01T00:00:00Z\"}'\n",
    )
    .expect("write");
    // Run by `sh`, not executed itself: a file just written may still be open in a process
    // another test thread forked (ETXTBSY).
    std::fs::write(
        aws.join("config"),
        format!(
            "[profile release]\ncredential_process = sh \"{}\" '--role=deploy prod'\n",
            tool.display()
        ),
    )
    .expect("write");
    let home = home.path().display().to_string();
    let vars = [("HOME", home.as_str()), ("AWS_PROFILE", "release")];
    assert_eq!(
        botocore_finds(&vars),
        "custom-process ASIAPROCESS process-session"
    );

    assert_signs_with(&vars, "asiaprocess", "process-session");
}

#[test]
fn a_failing_process_is_named_and_its_output_never_shown() {
    let home = tempfile::tempdir().expect("a temp folder");
    let aws = home.path().join(".aws");
    std::fs::create_dir(&aws).expect("mkdir");
    std::fs::write(
        aws.join("config"),
        "[default]\ncredential_process = sh -c 'echo pr0cess-s3cret; exit 7'\n",
    )
    .expect("write");
    let home = home.path().display().to_string();
    let err = store("", &[("HOME", home.as_str())]).expect_err("refused");
    assert!(
        err.message
            .starts_with("credential_process of profile default in "),
        "{}",
        err.message
    );
    assert!(
        err.message.ends_with(": `sh` failed (exit status: 7)"),
        "{}",
        err.message
    );
    assert!(!err.message.contains("pr0cess-s3cret"));
}
