//! cfgc: a declarative config and secrets compiler.
#![forbid(unsafe_code)]

pub mod render;
