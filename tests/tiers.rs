//! Declared tiers: a tier typo is an error with "did you mean", and so is a policy, a
//! schema rule or a `[tiers.NAME]` table naming a tier no environment has (it would
//! silently never apply).

use crate::common::Project;
use insta::assert_snapshot;

#[test]
fn an_undeclared_tier_is_an_error_with_a_suggestion() {
    let p = Project::example().edit(
        "cfgc.toml",
        "[environments.staging]\ntier = \"deployed\"",
        "[environments.staging]\ntier = \"deploy\"",
    );
    let run = p.args(["check"]).status(2).run();
    assert_snapshot!(run.transcript());
}

#[test]
fn a_policy_naming_a_tier_no_environment_has_is_an_error() {
    let p = Project::example().edit(
        "cfgc.toml",
        "tiers = [\"deployed\"]",
        "tiers = [\"deployd\"]",
    );
    let run = p.args(["plan"]).status(2).run();
    assert_snapshot!(run.transcript());
}

#[test]
fn a_schema_rule_naming_a_tier_no_environment_has_is_an_error() {
    // No `tiers` declared: the typo is consistent across environments, and the schema's
    // deployed-tier rule would never apply.
    let p = Project::fixture("minimal")
        .edit("cfgc.toml", "tier = \"deployed\"", "tier = \"deploy\"")
        .edit("cfgc.toml", "[tiers.deployed]\ndeployed = true\n", "");
    let run = p.args(["check"]).status(2).run();
    assert_snapshot!(run.transcript());
}

#[test]
fn a_tiers_table_naming_a_tier_no_environment_has_is_an_error() {
    // `[tiers.deployed] deployed = true` over a misspelt tier would hold nothing to the
    // built-in rules: an error at the table, not a silent no-op.
    let p =
        Project::fixture("minimal").edit("cfgc.toml", "tier = \"deployed\"", "tier = \"deploy\"");
    let run = p.args(["check"]).status(2).run();
    assert!(
        run.stderr
            .contains("`[tiers.deployed]` names the tier `deployed`, which no environment has")
            && run.stderr.contains("cfgc.toml:18:1")
            && run.stderr.contains("did you mean `deploy`?"),
        "{}",
        run.transcript()
    );
}

#[test]
fn the_example_declares_its_tiers() {
    Project::example().args(["check"]).status(0).run();
}
