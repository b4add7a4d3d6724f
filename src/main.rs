use clap::Parser;
use peace_lsp::cli::report::run_report;
use peace_lsp::cli::{run_check, run_explain, Cli, Command};
use std::process::ExitCode;

fn main() -> ExitCode {
    // Logs go to stderr: stdout carries only protocol frames.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("PEACE_LSP_LOG").unwrap_or_else(|_| "warn".into()))
        .init();
    let cli = Cli::parse();
    match cli.command {
        None | Some(Command::Lsp) => peace_lsp::server::run_stdio(),
        Some(Command::Check(args)) => run_check(&args),
        Some(Command::Report(args)) => run_report(&args),
        Some(Command::Explain { term, format }) => run_explain(&term, format),
    }
}
