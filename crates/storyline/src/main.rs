//! The `storyline` binary: argument parsing, error reporting and exit codes.
//!
//! Exit codes (the CLI contract): 0 ok, 1 nothing found, 2 error. Errors go to stderr as one
//! line each, naming the input at fault; a broken pipe on stdout is not an error.

mod args;
mod commands;
mod export;
mod live;
mod stream;

use std::process::ExitCode;

use clap::Parser;

/// How a command ended, when it did not fail outright.
pub enum Done {
    Ok,
    NothingFound,
    /// Some inputs failed (already reported); the rest was done.
    PartlyFailed,
}

fn main() -> ExitCode {
    let args = args::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("STORYLINE_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match commands::run(args) {
        Ok(Done::Ok) => ExitCode::SUCCESS,
        Ok(Done::NothingFound) => ExitCode::from(1),
        Ok(Done::PartlyFailed) => ExitCode::from(2),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("storyline: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
