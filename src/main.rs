use clap::Parser;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // Before anything is read or decrypted. A kernel that refuses leaves the default: the
    // run goes on, as it did before this existed.
    let _ = cfgc::harden::no_core_dumps();
    let raw: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    if let Some(text) = cfgc::help_topics::requested(&raw) {
        cfgc::commands::out(&text);
        return std::process::ExitCode::SUCCESS;
    }
    let args = cfgc::cli::Args::parse();
    cfgc::commands::run(cfgc::cli::Config::from_args(args))
        .exit()
        .into()
}
