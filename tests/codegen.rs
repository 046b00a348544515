//! `cfgc codegen`: the language-neutral model (`cfgc::codegen::model`), the TypeScript
//! loader it generates (compiled with the pinned `tsc`, run with Node), and generated files
//! as outputs (`plan`, `apply`, `docs`).

mod compile;
mod fixture;
mod model;
mod outputs;
mod python;
mod ts;
