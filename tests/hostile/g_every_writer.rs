//! (g) Every command that writes obeys the rules `apply` obeys: never over one of the
//! project's inputs, never through a symlink out, never into `.git`. One case per command
//! and rule: the file is unchanged (as is every other), the error names the path and
//! why, exit 2.

use super::refuses;
use crate::common::Project;

const INPUT: &str = "one of the project's inputs, which cfgc never writes over";
const OUT: &str = "a symlink on the way leads outside the project";
const GIT: &str = "it leads into `.git`, which cfgc never reads or writes";
const VALUE: &str = "a-new-value-that-is-long-enough-for-the-schema";

/// A second environment, `prod`, whose secrets file is dev's: writing prod's would
/// replace another environment's file.
fn prod_sharing_devs_secrets(c: Project) -> Project {
    let key = c.public_key();
    c.append(
        "cfgc.toml",
        &format!(
            "\n[environments.prod]\ntier = \"local\"\nlayers = [\"env/base.yaml\", \"env/dev.yaml\"]\nsecrets = \"env/dev.secrets.yaml\"\nrecipients = [\"{key}\"]\n"
        ),
    )
}

/// dev's secrets file moved to `sec/`, a folder that is a symlink to `target`.
fn secrets_folder_to(c: Project, target: &str) -> Project {
    let c = c.edit(
        "cfgc.toml",
        "secrets = \"env/dev.secrets.yaml\"",
        "secrets = \"sec/dev.secrets.yaml\"",
    );
    match target {
        "out" => {
            let o = c.outside("");
            c.symlink("sec", o)
        }
        // The file is there, inside `.git`, so that it is read before it is written.
        t => {
            let sealed = c.read("env/dev.secrets.yaml");
            c.file(".git/dev.secrets.yaml", sealed).symlink("sec", t)
        }
    }
}

const SHARED: &str = "cannot write `env/dev.secrets.yaml`: it is the secrets file of `dev`";

// --- cfgc secrets set / rm / edit / rekey / seal / confirm-recreate, and import -----------
macro_rules! secrets_writer {
    ($name:ident: [$($arg:expr),+]) => {
        mod $name {
            use super::*;
            #[test]
            fn over_another_environments_secrets_file() {
                let p = prod_sharing_devs_secrets(Project::hostile()).env("EDITOR", "true");
                refuses(&p, &[$($arg),+], 2)
                    .stdin(VALUE)
                    .stderr_has(SHARED)
                    .stderr_has(INPUT)
                    .run();
            }
            #[test]
            fn through_a_symlink_out() {
                let p = secrets_folder_to(Project::hostile(), "out").env("EDITOR", "true");
                refuses(&p, &[$($arg),+].map(|a| if a == "prod" { "dev" } else { a }), 2)
                    .stdin(VALUE).stderr_has("`sec/dev.secrets.yaml`").stderr_has(OUT).run();
            }
            #[test]
            fn into_git() {
                let p = secrets_folder_to(Project::hostile(), ".git").env("EDITOR", "true");
                refuses(&p, &[$($arg),+].map(|a| if a == "prod" { "dev" } else { a }), 2)
                    .stdin(VALUE).stderr_has("`sec/dev.secrets.yaml`").stderr_has(GIT).run();
            }
        }
    };
}

secrets_writer!(secrets_set: ["secrets", "set", "prod", "JWT_SECRET"]);
secrets_writer!(secrets_rm: ["secrets", "rm", "prod", "JWT_SECRET"]);
secrets_writer!(secrets_edit: ["secrets", "edit", "prod"]);
secrets_writer!(secrets_rekey: ["secrets", "rekey", "prod"]);
secrets_writer!(secrets_seal: ["secrets", "seal", "prod"]);
secrets_writer!(secrets_confirm_recreate: ["secrets", "confirm-recreate", "prod", "--base", "HEAD"]);
secrets_writer!(import: ["import", "prod", "env/base.yaml"]);

/// A layer left empty, declared as the environment's secrets file too: `secrets set`
/// took it for a secrets file not written yet, and replaced the layer.
#[test]
fn secrets_set_replaced_an_empty_layer_declared_as_the_secrets_file() {
    let p = Project::hostile().file("env/dev.yaml", "").edit(
        "cfgc.toml",
        "secrets = \"env/dev.secrets.yaml\"",
        "secrets = \"env/dev.yaml\"",
    );
    refuses(&p, &["secrets", "set", "dev", "JWT_SECRET"], 2)
        .stdin(VALUE)
        .stderr_has("cannot write `env/dev.yaml`: it is a layer")
        .stderr_has(INPUT)
        .run();
}

/// `import` edits the environment's last layer; here that file is a template too.
#[test]
fn import_replaced_a_layer_that_is_also_a_template() {
    let p = Project::hostile()
        .edit(
            "cfgc.toml",
            "template = \"templates/app.yaml.j2\"",
            "template = \"env/dev.yaml\"",
        )
        .file("new.env", "NAME=shop\nPORT=9090\n");
    refuses(&p, &["import", "dev", "new.env", "--force"], 2)
        .stderr_has("cannot write `env/dev.yaml`: it is a template")
        .stderr_has(INPUT)
        .run();
}

// --- cfgc docs -------------------------------------------------------------------------

fn schema_at(c: Project, rel: &str) -> Project {
    let schema = c.read("schema/env.schema.json");
    c.remove("schema/env.schema.json").file(rel, schema).edit(
        "cfgc.toml",
        "schema/env.schema.json",
        rel,
    )
}

case!(docs_replaced_a_schema_named_layer_schema_json: |c| schema_at(c, "schema/layer.schema.json")
    => ["docs"], 2, stderr: ["cannot write `schema/layer.schema.json`: it is the schema", INPUT]);
case!(docs_overwrote_a_secrets_file_at_docs_configuration_md: |c| {
    let sealed = c.read("env/dev.secrets.yaml");
    c.remove("env/dev.secrets.yaml")
        .file("docs/configuration.md", sealed)
        .edit("cfgc.toml", "secrets = \"env/dev.secrets.yaml\"", "secrets = \"docs/configuration.md\"")
} => ["docs"], 2, stderr: ["cannot write `docs/configuration.md`: it is the secrets file of `dev`", INPUT]);
case!(docs_over_a_template_at_env_example: |c| {
    let template = c.read("templates/app.yaml.j2");
    c.file(".env.example", template).edit("cfgc.toml", "template = \"templates/app.yaml.j2\"", "template = \".env.example\"")
} => ["docs"], 2, stderr: ["cannot write `.env.example`: it is a template", INPUT]);
case!(docs_through_a_symlink_out: |c| { let o = c.outside(""); c.symlink("docs", o) }
    => ["docs"], 2, stderr: ["`docs/configuration.md`", OUT]);
case!(docs_into_git: |c| c.file(".git/configuration.md", "# in git\n").symlink("docs", ".git")
    => ["docs"], 2, stderr: ["`docs/configuration.md`", GIT]);

// --- cfgc secrets merge (git's merge driver): OURS ---------------------------------------

/// BASE empty, THEIRS a copy of dev's secrets file, and OURS at `ours` (set up by `put`).
fn merge_sides(c: Project, put: fn(Project, String) -> Project) -> Project {
    let sealed = c.read("env/dev.secrets.yaml");
    let c = c.file("base.yaml", "").file("theirs.yaml", sealed.clone());
    put(c, sealed)
}

case!(merge_over_a_template_named_as_ours: |c| merge_sides(c, |c, s| c.file("templates/app.yaml.j2", s))
    => ["secrets", "merge", "base.yaml", "templates/app.yaml.j2", "theirs.yaml"], 2,
    stderr: ["cannot write `templates/app.yaml.j2`: it is a template", INPUT]);
case!(merge_wrote_through_ours_symlinked_out: |c| merge_sides(c, |c, s| {
    std::fs::write(c.outside("ours.yaml"), s).expect("write outside");
    c.symlink_out("ours.yaml", "ours.yaml")
}) => ["secrets", "merge", "base.yaml", "ours.yaml", "theirs.yaml"], 2,
    stderr: ["cannot write `ours.yaml`: `ours.yaml` is a symlink, and cfgc never writes through one"]);
case!(merge_wrote_into_git: |c| merge_sides(c, |c, s| c.file(".git/ours.yaml", s))
    => ["secrets", "merge", "base.yaml", ".git/ours.yaml", "theirs.yaml"], 2,
    stderr: ["cannot write `.git/ours.yaml`: ", GIT]);

// --- cfgc git-setup ----------------------------------------------------------------------

/// The case's project as a real git repository (its fake `.git` replaced).
fn git_repo(c: Project) -> Project {
    let c = c.remove(".git");
    let status = crate::common::tools::status(
        crate::common::tools::command("git")
            .args(["init", "-q"])
            .current_dir(c.root()),
    );
    assert!(status.success(), "git init");
    c
}

case!(git_setup_over_a_template_named_gitattributes: |c| {
    let template = c.read("templates/app.yaml.j2");
    git_repo(c).file(".gitattributes", template).edit("cfgc.toml", "template = \"templates/app.yaml.j2\"", "template = \".gitattributes\"")
} => ["git-setup"], 2, stderr: ["cannot write `.gitattributes`: it is a template", INPUT]);
case!(git_setup_through_gitattributes_symlinked_out: |c| git_repo(c).symlink_out(".gitattributes", "canary.yaml")
    => ["git-setup"], 2, stderr: ["cannot write `.gitattributes`: `.gitattributes` is a symlink, and cfgc never writes through one"]);
case!(git_setup_into_git_through_gitattributes: |c| git_repo(c).symlink(".gitattributes", ".git/config")
    => ["git-setup"], 2, stderr: ["cannot write `.gitattributes`: `.gitattributes` is a symlink, and cfgc never writes through one"]);

// --- cfgc init (in the empty folder `fresh`) -----------------------------------------------

case!(init_over_an_existing_project_file: |c| c.file("fresh/cfgc.toml", "# mine\n")
    => ["-C", "fresh", "init"], 2, stderr: ["not overwriting what is here: cfgc.toml"]);
case!(init_through_a_symlink_out: |c| { let o = c.outside(""); c.mkdir("fresh").symlink("fresh/schema", o) }
    => ["-C", "fresh", "init"], 2, stderr: ["cannot write `schema/env.schema.json`: `schema` is a symlink, and cfgc never writes through one"]);
case!(init_into_git: |c| c.mkdir("fresh").symlink("fresh/environments", "../.git")
    => ["-C", "fresh", "init"], 2, stderr: ["`environments` is a symlink, and cfgc never writes through one"]);

// --- cfgc apply: an input reached through a symlink inside the project ---------------------

case!(apply_over_a_layer_read_through_a_symlink: |c| {
    let (base, dev) = (c.read("env/base.yaml"), c.read("env/dev.yaml"));
    c.remove("env/base.yaml")
        .remove("env/dev.yaml")
        .file("out/layers/base.yaml", base)
        .file("out/layers/dev.yaml", dev)
        .symlink("env/base.yaml", "../out/layers/base.yaml")
        .symlink("env/dev.yaml", "../out/layers/dev.yaml")
        .edit("cfgc.toml", "path = \"out/{env}/app.yaml\"", "path = \"out/layers/{env}.yaml\"")
} => ["apply", "--yes"], 2, stderr: ["cannot write `out/layers/dev.yaml`: it is a layer", INPUT]);
