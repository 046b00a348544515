use clap::Parser;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let args = cfgc::cli::Args::parse();
    cfgc::commands::run(cfgc::cli::Config::from_args(args)).into()
}
