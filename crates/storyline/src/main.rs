//! The `storyline` binary: argument parsing, error reporting and exit codes.
//!
//! Exit codes (the CLI contract): 0 ok, 1 nothing found, 2 error. Errors go to stderr as one
//! line each, naming the input at fault; a broken pipe on stdout is not an error.

mod args;
mod commands;
mod config;
mod export;
mod live;
mod stream;

use std::process::ExitCode;

/// How a command ended, when it did not fail outright.
pub enum Done {
    Ok,
    NothingFound,
    /// Some inputs failed (already reported); the rest was done.
    PartlyFailed,
}

fn main() -> ExitCode {
    let (args, config) = match configured() {
        Ok(a) => a,
        Err(err) => {
            eprintln!("storyline: error: {err:#}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            config
                .log
                .as_deref()
                .and_then(|l| tracing_subscriber::EnvFilter::try_new(l).ok())
                .unwrap_or_else(|| "warn".into()),
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

/// The arguments and the configuration: the file, the environment, then the arguments given
/// (an argument left at its default does not override the file).
fn configured() -> anyhow::Result<(args::Cli, config::Config)> {
    use clap::{parser::ValueSource, CommandFactory, FromArgMatches};
    let matches = args::Cli::command().get_matches();
    let mut cli = args::Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let config = config::Config::load(cli.config.as_deref(), &|k| std::env::var(k).ok())?;
    if matches.value_source("db") == Some(ValueSource::DefaultValue) {
        if let Some(db) = &config.db {
            cli.db = db.into();
        }
    }
    match &mut cli.command {
        args::Command::Serve { token, .. } if token.is_none() => token.clone_from(&config.token),
        args::Command::Watch(w) if w.contact.is_none() => w.contact.clone_from(&config.contact),
        _ => {}
    }
    config.apply()?;
    Ok((cli, config))
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
