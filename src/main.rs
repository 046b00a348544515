use clap::Parser;

fn main() -> std::process::ExitCode {
    let args = cfgc::cli::Args::parse();
    cfgc::commands::run(cfgc::cli::Config::from_args(args)).into()
}
