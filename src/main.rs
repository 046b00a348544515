use clap::Parser;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // Before anything is read or decrypted. A kernel that refuses leaves the default: the
    // run goes on, as it did before this existed.
    let _ = cfgc::harden::no_core_dumps();
    let args = cfgc::cli::Args::parse();
    cfgc::commands::run(cfgc::cli::Config::from_args(args)).into()
}
