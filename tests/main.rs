//! The integration tests, built as one binary (as casey/just does): one link instead of one
//! per file, and `cargo test` runs every module even when one of them fails. Each module is
//! a former `tests/<name>.rs` binary; `common` holds what they share.

mod common;

mod age_interop;
mod apply_crash;
mod bounds;
mod check;
mod check_app;
mod check_app_bounds;
mod ci;
mod ci_files;
mod cli;
mod cloudbuild;
mod codegen;
mod consumers;
mod derive;
mod docs;
mod env_add;
mod escape_dotenv;
mod escape_nginx;
mod escape_yaml;
mod exec;
mod explain;
mod format_list;
mod fresh_clone;
mod getting_started;
mod gixy;
mod guardrails;
mod help_man;
mod hostile;
mod import;
mod import_many;
mod import_property;
mod import_readers;
mod init;
mod keys;
mod kubernetes;
mod loopback;
mod loopback_corpus;
mod loopback_node;
mod masking;
mod module_graph;
mod nginx_live;
mod nginx_meaning;
mod pattern_semantics;
mod plan_apply;
mod project_flag;
mod project_fs;
mod render_injection;
mod runtime_hardening;
mod schema_yaml;
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
#[cfg(feature = "aws")]
mod store_aws;
#[cfg(feature = "gcp")]
mod store_crash;
mod store_fakes;
#[cfg(feature = "gcp")]
mod store_gcp;
mod store_record;
mod streamed_load;
mod test_builder;
mod tiers;
mod trust;
mod yaml_scalars;
