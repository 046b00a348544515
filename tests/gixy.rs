//! gixy-ng, the nginx configuration analyzer, on every nginx.conf the example renders: any
//! finding, of any severity, fails. `scripts/test` installs gixy-ng 0.2.59 (pinned: a release
//! with new checks is a deliberate bump).

use crate::common::{Project, tools};

#[derive(serde::Deserialize)]
struct Issue {
    plugin: String,
    severity: String,
    reason: String,
    line: Option<u64>,
}

#[test]
fn gixy_finds_nothing_in_any_rendered_nginx_conf() {
    let p = Project::example();
    p.args(["apply", "--yes"]).status(0).run();
    for env in ["development", "staging", "production"] {
        let conf = p.path(&format!("deploy/{env}/nginx.conf"));
        let out = tools::output(tools::command("gixy").args(["-f", "json"]).arg(&conf));
        let stdout = String::from_utf8_lossy(&out.stdout);
        let issues: Vec<Issue> = serde_json::from_str(&stdout).unwrap_or_else(|err| {
            panic!(
                "gixy's report on {env} is not JSON ({err}): {stdout}{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        let found: Vec<String> = issues
            .iter()
            .map(|i| {
                format!(
                    "{} {} at line {}: {}",
                    i.severity,
                    i.plugin,
                    i.line.unwrap_or(0),
                    i.reason
                )
            })
            .collect();
        assert!(found.is_empty(), "gixy-ng on {env}:\n{}", found.join("\n"));
    }
}
