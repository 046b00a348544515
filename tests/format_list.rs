//! Every place that lists the output formats lists `format::ALL`, so a room registered there
//! is documented and accepted everywhere: the README's table (each room's own summary, in
//! the registry's order) and the `format` enum of the cfgc.toml schema editors read.

use cfgc::format::ALL;

use crate::common::repo;

/// The README's format table as `ALL` writes it.
fn table() -> String {
    let mut out = String::from("| format | for |\n| --- | --- |\n");
    for format in ALL {
        out.push_str(&format!("| `{}` | {} |\n", format.name(), format.summary()));
    }
    out
}

#[test]
fn the_readme_table_lists_every_room_with_its_summary() {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    let start = "<!-- formats: one row per room in format::ALL, from Room::summary -->\n";
    let (_, rest) = readme
        .split_once(start)
        .expect("the README marks its format table");
    let (written, _) = rest
        .split_once("<!-- end formats -->")
        .expect("the README marks the end of its format table");
    assert_eq!(
        written,
        table(),
        "README.md's format table is stale; write this between its markers:\n{}",
        table()
    );
}

#[test]
fn the_project_schema_accepts_every_format() {
    let text = std::fs::read_to_string(repo().join("schema/cfgc.schema.json")).expect("schema");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let names: Vec<&str> = ALL.iter().map(|f| f.name()).collect();
    let enumerated = &schema["definitions"]["output"]["properties"]["format"]["enum"];
    assert_eq!(
        enumerated,
        &serde_json::json!(names),
        "schema/cfgc.schema.json's `format` enum must list format::ALL's names, in order"
    );
}
