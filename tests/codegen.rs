//! `cfgc codegen`: the language-neutral model (`cfgc::codegen::model`), the TypeScript
//! loader it generates (compiled with the pinned `tsc`, run with Node), the Python module
//! (run with the pinned pydantic-settings), and generated files as outputs (`plan`,
//! `apply`, `docs`).

mod compile;
mod differential;
mod fixture;
mod hosts;
mod model;
mod outputs;
mod python;
mod transcript;
mod ts;
