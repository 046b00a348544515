use std::collections::BTreeMap;

use secrecy::ExposeSecret;

use super::serialize::{quoted, scalar};
use super::*;
use crate::diagnostic::Code;
use crate::project::recipient::Recipient;
use crate::secrets::crypto::{DataKey, Plaintext, open, unwrap};
use crate::secrets::identity::Identity;
use crate::source::{FileId, Source};

fn key() -> (Identity, Recipient) {
    let k = age::x25519::Identity::generate();
    let r: Recipient = k.to_public().to_string().parse().expect("own public key");
    (Identity::from_x25519(k, "test"), r)
}

fn reparse(text: &str) -> Result<Parsed, Vec<crate::diagnostic::Diagnostic>> {
    let src = Source::new("s.yaml".into(), "s.yaml".into(), text.into());
    let node = crate::yaml::parse(FileId(0), &src).map_err(|d| vec![d])?;
    parse(&node, FileId(0), "s.yaml")
}

fn set(file: &SecretsFile, key: &DataKey, pairs: &[(&str, &str)]) -> SecretsFile {
    let changes = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), Change::Set(Plaintext::from(v.to_string()))))
        .collect();
    update(file, key, &BTreeMap::new(), changes)
}

#[test]
fn serialize_then_parse_round_trips() {
    let (id, r) = key();
    let (file, dk) = create("production", &[r]).expect("create");
    let file = set(
        &file,
        &dk,
        &[("DATABASE_URL", "postgres://x"), ("JWT_SECRET", "y")],
    );
    let text = serialize(&file);
    assert!(text.starts_with("# cfgc secrets file"), "{text}");
    let parsed = reparse(&text).expect("own output parses");
    assert_eq!(parsed.file, file);
    let dk2 = unwrap(&parsed.file.data_key, &[id]).expect("unwrap");
    assert!(super::mac_verifies(&parsed.file, &dk2));
    // One write per change, each raising the generation: create, then set.
    assert_eq!(parsed.file.generation, 2);
    let db = open(
        &dk2,
        "production",
        "DATABASE_URL",
        &parsed.file.values["DATABASE_URL"],
    )
    .expect("open");
    assert_eq!(db.expose_secret(), "postgres://x");
}

#[test]
fn changing_one_value_changes_its_line_and_the_mac_only() {
    let (_, r) = key();
    let (file, dk) = create("staging", &[r]).expect("create");
    let before = set(&file, &dk, &[("A", "1"), ("B", "2"), ("C", "3")]);
    let after = set(&before, &dk, &[("B", "two")]);
    let (a, b) = (serialize(&before), serialize(&after));
    let changed: Vec<(&str, &str)> = a.lines().zip(b.lines()).filter(|(x, y)| x != y).collect();
    assert_eq!(a.lines().count(), b.lines().count());
    // The value's line, the generation and the MAC: nothing else.
    assert_eq!(changed.len(), 3, "{changed:?}");
    assert!(changed[0].0.starts_with("B: ENC[v1,"));
    assert!(changed[1].0.starts_with("  generation: "));
    assert!(changed[2].0.starts_with("  mac: "));
}

#[test]
fn empty_and_incomplete_files_are_errors_with_lines() {
    let errs = reparse("").expect_err("empty");
    assert_eq!(errs[0].code, Code::SecretsEmpty);
    let errs = reparse("# only a comment\n").expect_err("comment only");
    assert_eq!(errs[0].code, Code::SecretsEmpty);
    let errs = reparse("A: ENC[v1,AAAA]\n").expect_err("no meta");
    assert!(
        errs.iter().any(|e| e.code == Code::SecretsFormat),
        "{errs:?}"
    );
    let errs = reparse("A: hunter2\ncfgc: {}\n").expect_err("plain value");
    assert!(
        errs.iter()
            .any(|e| e.code == Code::SecretsValue && !e.message.contains("hunter2")),
        "{errs:?}"
    );
}

#[test]
fn wrong_versions_are_named() {
    let (_, r) = key();
    let (file, dk) = create("e", &[r]).expect("create");
    let text = serialize(&set(&file, &dk, &[("A", "1")]));
    let errs = reparse(&text.replace("version: 1", "version: 2")).expect_err("v2");
    assert_eq!(errs[0].code, Code::SecretsVersion);
    let errs = reparse(&text.replace("ENC[v1,", "ENC[v9,")).expect_err("v9 value");
    assert_eq!(errs[0].code, Code::SecretsVersion);
}

#[test]
fn scalars_read_back_unchanged() {
    for s in [
        "plain",
        "with space",
        "true",
        "null",
        "123",
        "0x1f",
        "-leading",
        "a: b",
        "x #y",
        "\"q\"",
        "back\\slash",
        "line\nbreak",
        "tab\there",
        "\u{7}bell",
        "ünï",
        "",
        " lead",
        "trail ",
        "[flow",
        "{x",
        "*alias",
        "&anchor",
        "!tag",
        "%x",
        "@x",
        "`x",
        "|",
        ">",
        "'",
        "~",
        "ssh-ed25519 AAAAC3Nza",
        "ENC[v1,abc+/=]",
        "\u{2028}sep",
        "\r\n",
    ] {
        let text = format!("K: {}\n", scalar(s));
        let src = Source::new("t".into(), "t".into(), text.clone());
        let node = crate::yaml::parse(FileId(0), &src)
            .unwrap_or_else(|e| panic!("{s:?} -> {text}: {e:?}"));
        match &node.as_map().expect("map")["K"].node.kind {
            crate::node::Kind::Str(got) => assert_eq!(got, s, "{text}"),
            other => panic!("{s:?} read back as {other:?}"),
        }
        assert!(quoted(s).starts_with('"'));
    }
}

#[test]
fn unparsed_redaction_masks_values_not_comments() {
    let src = Source::new(
        "t".into(),
        "t".into(),
        "# note: x\nA: hunter2\nno colon secret\n".into(),
    );
    let spans = redact_unparsed(&src, FileId(0));
    let masked: Vec<&str> = spans
        .iter()
        .map(|s| &src.text[s.start as usize..s.end as usize])
        .collect();
    assert_eq!(masked, vec![" hunter2", "no colon secret"]);
}
