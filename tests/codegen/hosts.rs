//! The generated TypeScript loader reads hosts as cfgc does: on the few thousand spellings
//! `tests/loopback_node.rs` asks Node, the loader's `loopback` rule (a deployed tier's
//! `UPSTREAM` in the fixture) names this machine exactly where `cfgc::loopback::names_local`
//! (the built-in rule's reading: each item of a list, with and without tabs) does. (The Python module's reading is held to the same corpus in `python.rs`.)

use std::process::Command;

use super::{fixture, ts};
use crate::common::{Project, tools};

/// For each JSON line of `corpus.jsonl`: `1` when the loader refuses it as `UPSTREAM` of the
/// deployed `prod` for pointing at this machine, else `0`.
const ASK: &str = r#"const fs = require("node:fs");
const { loadConfig, ConfigError } = require("./out/config.js");
const base = { CFGC_ENV: "prod", NAME: "abc", COUNT: "5", API_URL: "https://api.example.com",
               CALLBACK: "https://cb.example.com" };
const out = fs.readFileSync("corpus.jsonl", "utf8").trimEnd().split("\n").map((line) => {
  try {
    loadConfig({ ...base, UPSTREAM: JSON.parse(line) });
    return "0";
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems.some((p) => p.variable === "UPSTREAM" && p.message.startsWith("points at a loopback")) ? "1" : "0";
  }
});
process.stdout.write(out.join(""));
"#;

/// `p` with the host corpus as `app/corpus.jsonl` (one JSON string a line), and the corpus.
pub fn with_corpus(p: Project) -> (Project, Vec<String>) {
    let corpus = crate::loopback_corpus::corpus();
    let input: String = corpus
        .iter()
        .map(|s| serde_json::to_string(s).expect("json") + "\n")
        .collect();
    (p.file("app/corpus.jsonl", &input), corpus)
}

/// Fails with every line where a loader's `answers` (per line, one answer per reading, in
/// order) differ from cfgc's `readings` of it.
pub fn assert_agrees(corpus: &[String], answers: &[bool], readings: &[fn(&str) -> bool]) {
    assert_eq!(
        answers.len(),
        corpus.len() * readings.len(),
        "the loader answered every line"
    );
    let disagreements: Vec<String> = corpus
        .iter()
        .zip(answers.chunks(readings.len()))
        .filter(|(s, a)| readings.iter().map(|f| f(s)).ne(a.iter().copied()))
        .map(|(s, a)| format!("{s:?}: the loader says {a:?}"))
        .collect();
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

#[test]
fn the_loader_reads_hosts_as_cfgc_does() {
    let p = fixture::project(fixture::VALID);
    let text = ts::generated(&p);
    ts::compile(&p, "app", &text);
    let (p, corpus) = with_corpus(p.file("app/ask.js", ASK));
    let out = tools::output(
        Command::new("node")
            .arg("ask.js")
            .current_dir(p.path("app")),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answers: Vec<bool> = out.stdout.iter().map(|&c| c == b'1').collect();
    assert_agrees(&corpus, &answers, &[cfgc::loopback::names_local]);
}
