//! cfgc: a declarative config and secrets compiler.
//!
//! The modules mirror the pipeline: `load` → `merge` (→ `derive`) → `validate` →
//! `decrypt` → `render` → `plan` → `apply`; `pipeline` knows the order.
#![forbid(unsafe_code)]
// Errors are `Diagnostic`s on cold paths (a run stops or reports): their size
// costs nothing measurable, and boxing them everywhere would only add noise.
#![allow(clippy::result_large_err)]

pub mod app;
pub mod apply;
pub mod cli;
pub mod codegen;
pub mod commands;
pub mod decrypt;
pub mod derive;
pub mod diagnostic;
pub mod exit;
pub mod format;
pub mod fs;
pub mod git;
pub mod harden;
pub mod help_topics;
pub mod load;
pub mod loopback;
pub mod merge;
pub mod node;
pub mod pipeline;
pub mod plan;
pub mod project;
pub mod release;
pub mod render;
pub mod report;
pub mod schema;
pub mod secrets;
pub mod source;
pub mod store;
pub mod trust;
pub mod validate;
pub mod yaml;
