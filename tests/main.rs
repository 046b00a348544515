//! The integration tests, built as one binary (as casey/just does): one link instead of one
//! per file, and `cargo test` runs every module even when one of them fails. Each module is
//! a former `tests/<name>.rs` binary; `common` holds what they share.

mod common;

mod age_interop;
mod apply_crash;
mod bounds;
mod check;
mod ci;
mod ci_files;
mod cli;
mod cloudbuild;
mod consumers;
mod derive;
mod docs;
mod env_add;
mod escape_dotenv;
mod escape_nginx;
mod escape_yaml;
mod exec;
mod explain;
mod fresh_clone;
mod gixy;
mod help_man;
mod hostile;
mod import;
mod import_many;
mod import_property;
mod import_readers;
mod init;
mod keys;
mod loopback;
mod masking;
mod nginx_live;
mod nginx_meaning;
mod plan_apply;
mod project_flag;
mod project_fs;
mod render_injection;
mod runtime_hardening;
mod secrets_args;
mod secrets_bad_input;
mod secrets_commands;
mod secrets_edit_reopen;
mod secrets_file;
mod secrets_leaks;
mod secrets_merge;
mod secrets_pending;
mod secrets_review;
mod secrets_review_output;
mod streamed_load;
mod tiers;
mod trust;
