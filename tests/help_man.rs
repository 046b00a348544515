//! Help and man pages: everyday commands first, plumbing hidden from `--help` but given
//! man pages, the identity search path said once (`cfgc help identities`), and a page for
//! every command, so every page a page names exists.

use crate::common::Project;

fn help(args: &[&str]) -> String {
    let run = Project::empty().args(args).status(0).run();
    run.stdout
}

#[test]
fn main_help_put_plumbing_among_everyday_commands() {
    let text = help(&["--help"]);
    insta::assert_snapshot!(text);
    let commands = text.split("Commands:").nth(1).expect("a command list");
    let commands = commands.split("Options:").next().expect("options follow");
    for plumbing in ["completions ", "man ", "textconv", "merge "] {
        assert!(
            !commands.contains(plumbing),
            "{plumbing} listed:\n{commands}"
        );
    }
    assert!(text.contains("cfgc help plumbing"));
    let init = commands.find("init").expect("init listed");
    let check = commands.find("check").expect("check listed");
    assert!(init < check, "init should come first:\n{commands}");
}

#[test]
fn secrets_help_hides_textconv_and_merge() {
    let text = help(&["secrets", "--help"]);
    insta::assert_snapshot!(text);
    let commands = text.split("Options:").next().expect("options follow");
    assert!(!commands.contains("textconv  ") && !commands.contains("merge  "));
}

#[test]
fn every_subcommand_repeated_the_identity_search_path() {
    for args in [
        &["--help"][..],
        &["check", "--help"],
        &["plan", "--help"],
        &["secrets", "set", "--help"],
    ] {
        let text = help(args);
        assert!(!text.contains("SOPS_AGE_KEY"), "{args:?} repeats the path");
        assert!(text.contains("see `cfgc help identities`"), "{args:?}");
    }
    let topic = help(&["help", "identities"]);
    insta::assert_snapshot!("help_identities", topic);
    for place in [
        "CFGC_AGE_KEY_FILE",
        "SOPS_AGE_KEY_CMD",
        "keys.txt",
        "cfgc.toml",
    ] {
        assert!(topic.contains(place), "{place} missing");
    }
}

#[test]
fn help_plumbing_documents_the_hidden_commands() {
    let text = help(&["help", "plumbing"]);
    insta::assert_snapshot!(text);
    for command in ["secrets textconv", "secrets merge", "completions", "man"] {
        assert!(text.contains(command), "{command} missing");
    }
}

fn groff(page: &std::path::Path) {
    let out = crate::common::tools::output(
        crate::common::tools::command("groff")
            .args(["-man", "-Tutf8", "-ww", "-z"])
            .arg(page),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.is_empty(),
        "{}: {stderr}",
        page.display()
    );
}

/// Every `cfgc…(1)` a page names, as file names.
fn named_pages(roff: &str) -> Vec<String> {
    let text = roff.replace("\\-", "-");
    let mut names = Vec::new();
    for (i, _) in text.match_indices("(1)") {
        let start = text[..i]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .map_or(0, |s| s + 1);
        if text[start..i].starts_with("cfgc") {
            names.push(format!("{}.1", &text[start..i]));
        }
    }
    names
}

#[test]
fn cfgc_man_listed_pages_that_do_not_exist() {
    let p = Project::empty();
    p.args(["man", "--out", "pages"]).status(0).run();
    let dir = p.path("pages");
    let mut pages: Vec<String> = std::fs::read_dir(&dir)
        .expect("the man folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    for expected in [
        "cfgc.1",
        "cfgc-check.1",
        "cfgc-secrets.1",
        "cfgc-secrets-set.1",
        "cfgc-secrets-textconv.1",
        "cfgc-secrets-merge.1",
        "cfgc-completions.1",
        "cfgc-man.1",
    ] {
        assert!(
            pages.iter().any(|p| p == expected),
            "{expected} missing: {pages:?}"
        );
    }
    for page in &pages {
        let path = dir.join(page);
        groff(&path);
        let roff = std::fs::read_to_string(&path).expect("read the page");
        for named in named_pages(&roff) {
            assert!(
                pages.contains(&named),
                "{page} names {named}, which does not exist"
            );
        }
    }
    let top = std::fs::read_to_string(dir.join("cfgc.1")).expect("cfgc.1");
    assert!(!named_pages(&top).is_empty(), "cfgc.1 names no page");
    // Plain `cfgc man` prints the same cfgc.1.
    let plain = p.args(["man"]).status(0).run();
    assert_eq!(plain.stdout, top);
}

#[test]
fn secrets_edit_help_says_how_to_give_up() {
    let text = help(&["secrets", "edit", "--help"]);
    insta::assert_snapshot!(text);
    assert!(text.contains("opened again with the error"), "{text}");
    assert!(text.contains(":cq"), "{text}");
}

/// `cfgc help codes` is the catalogue: a code a run reports is listed there, under the exit
/// code it gives (an invalid schema stops the run; a wrong type is a finding).
#[test]
fn help_codes_lists_what_a_run_reports_under_its_exit_code() {
    let text = help(&["help", "codes"]);
    let section = |title: &str| {
        let start = text
            .find(title)
            .unwrap_or_else(|| panic!("{title} missing:\n{text}"));
        let rest = &text[start..];
        rest[..rest[1..].find("\n\n").map_or(rest.len(), |e| e + 1)].to_string()
    };
    let findings = section("Findings (");
    let errors = section("Errors (");
    assert!(findings.contains("\n  schema-type "), "{findings}");
    assert!(errors.contains("\n  schema-file "), "{errors}");
    let p = Project::example().file("schema/env.schema.json", "{ not json");
    p.args(["check"])
        .status(2)
        .stderr_has("error[schema-file]")
        .run();
}
