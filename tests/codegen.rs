//! `cfgc codegen`: the language-neutral model (`cfgc::codegen::model`), the TypeScript
//! loader it generates (compiled with the pinned `tsc`, run with Node), and generated files
//! as outputs (`plan`, `apply`, `docs`).

mod compile;
mod differential;
mod fixture;
mod model;
mod outputs;
mod transcript;
mod ts;
