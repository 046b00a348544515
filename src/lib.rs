//! cfgc: a declarative config and secrets compiler.
//!
//! The modules mirror the pipeline: `load` → `merge` → `validate` →
//! `decrypt` → `render` → `plan` → `apply`; `pipeline` knows the order.
#![forbid(unsafe_code)]

pub mod cli;
pub mod commands;
pub mod diagnostic;
pub mod load;
pub mod merge;
pub mod node;
pub mod pipeline;
pub mod project;
pub mod report;
pub mod source;
pub mod validate;
