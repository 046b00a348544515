//! (b) Writes outside the project: outputs aimed at `.git` or out of the project, output
//! folders that are symlinks, a secrets file declared outside. Nothing is written.

use crate::common::Project;

const GIT_DIR: &str = "the path is inside `.git`, which cfgc never reads or writes";

each_command!(output_dir_is_git_with_an_executable_hook: |c| c
    .edit("cfgc.toml", "output_dir = \"out\"", "output_dir = \".git\"")
    .edit("cfgc.toml", "path = \"out/{env}/app.yaml\"", "path = \".git/hooks/pre-commit\"\nmode = \"0755\""),
    2, stderr: ["error[project]: invalid path for `output_dir`: ", GIT_DIR]);
case!(output_path_into_git_hooks: |c| c
    .edit("cfgc.toml", "output_dir = \"out\"\n", "")
    .edit("cfgc.toml", "path = \"out/{env}/app.yaml\"", "path = \".git/hooks/pre-commit\"")
    => ["apply", "--yes"], 2, stderr: [GIT_DIR]);
case!(output_path_absolute: |c| c.edit("cfgc.toml", "path = \"out/{env}/app.yaml\"", "path = \"/tmp/cfgc-hostile-{env}.yaml\"") => ["apply", "--yes"], 2, stderr: ["the path is absolute"]);
case!(output_path_climbs_out: |c| c.edit("cfgc.toml", "path = \"out/{env}/app.yaml\"", "path = \"out/../../outside/{env}.yaml\"") => ["apply", "--yes"], 2, stderr: ["the path has a `..` component"]);
case!(output_dir_absolute: |c| c.edit("cfgc.toml", "output_dir = \"out\"", "output_dir = \"/tmp\"") => ["apply", "--yes"], 2, stderr: ["invalid path for `output_dir`: the path is absolute"]);
case!(output_dir_climbs_out: |c| c.edit("cfgc.toml", "output_dir = \"out\"", "output_dir = \"../outside\"") => ["apply", "--yes"], 2, stderr: ["invalid path for `output_dir`: the path has a `..` component"]);
case!(output_folder_symlinked_out_apply: |c| { let o = c.outside(""); c.symlink("out", o) } => ["apply", "--yes"], 2, stderr: ["cannot read `out/dev/.env`: a symlink on the way leads outside the project"]);
case!(output_folder_symlinked_to_git_apply: |c| c.symlink("out", ".git") => ["apply", "--yes"], 2, stderr: ["error[file-refused]: cannot write `out/dev/.env`: `out` is a symlink, and cfgc never writes through one"]);
case!(output_env_folder_symlinked_out_apply: |c| { let o = c.outside(""); c.mkdir("out").symlink("out/dev", o) } => ["apply", "--yes"], 2, stderr: ["cannot read `out/dev/.env`: a symlink on the way leads outside the project"]);
case!(secrets_path_outside_set: |c| c.edit("cfgc.toml", "secrets = \"env/dev.secrets.yaml\"", "secrets = \"../outside/new.secrets.yaml\"")
    => ["secrets", "set", "dev", "JWT_SECRET"], 2, stderr: ["invalid path for the secrets file of `dev`: the path has a `..` component"]);
case!(secrets_path_absolute_set: |c| c.edit("cfgc.toml", "secrets = \"env/dev.secrets.yaml\"", "secrets = \"/tmp/cfgc-hostile.secrets.yaml\"")
    => ["secrets", "set", "dev", "JWT_SECRET"], 2, stderr: ["invalid path for the secrets file of `dev`: the path is absolute"]);
case!(secrets_path_into_git_set: |c| c.edit("cfgc.toml", "secrets = \"env/dev.secrets.yaml\"", "secrets = \".git/dev.secrets.yaml\"")
    => ["secrets", "set", "dev", "JWT_SECRET"], 2, stderr: ["invalid path for the secrets file of `dev`: ", GIT_DIR]);
case!(secrets_file_symlinked_out_set: |c| c.symlink_out("env/dev.secrets.yaml", "new.secrets.yaml")
    => ["secrets", "set", "dev", "JWT_SECRET"], 2, stderr: ["cannot read `env/dev.secrets.yaml`: a symlink on the way leads outside the project"]);
case!(secrets_folder_symlinked_out_set: |c| {
    let o = c.outside("");
    c.edit("cfgc.toml", "secrets = \"env/dev.secrets.yaml\"", "secrets = \"sec/dev.secrets.yaml\"").symlink("sec", o)
} => ["secrets", "set", "dev", "JWT_SECRET"], 2, stderr: ["cannot read `sec/dev.secrets.yaml`: a symlink on the way leads outside the project"]);
