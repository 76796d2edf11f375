//! The `dialogue-graph` binary: parses the command line and runs a subcommand.

use std::process::ExitCode;

use clap::Parser;
use dialogue_graph::cli::{Cli, Command};
use dialogue_graph::commands;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Serve(args) => commands::serve::run(args),
        Command::Load(args) => commands::load::run(args),
        Command::Query(args) => commands::query::run(args),
        Command::Dump(args) => commands::dump::run(args),
        Command::Validate(args) => commands::validate::run(args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
