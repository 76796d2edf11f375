//! The `dialogue-graph` binary: parses the command line and runs a subcommand.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use dialogue_graph::cli::{Cli, Command};
use dialogue_graph::commands;

/// mimalloc instead of the system allocator: with glibc's, threads serving
/// cached pages contended on the allocator's locks (measured in
/// BENCHMARKS.md), and freed memory came back to the system late.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Logs go to stderr, filtered by `RUST_LOG` (default: warnings, which
/// include slow queries). `DIALOGUE_GRAPH_LOG_FORMAT=json` writes one JSON
/// object per line for log collectors; colours only on a terminal.
fn init_logging() {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    if std::env::var("DIALOGUE_GRAPH_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().with_current_span(true).init();
    } else {
        builder.init();
    }
}

fn main() -> ExitCode {
    init_logging();
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    // The commands parse SPARQL: run them on a thread with the stack the
    // parser's guard is measured for (`serve`'s runtime threads get it too).
    let worker = std::thread::Builder::new()
        .name("dialogue-graph".to_owned())
        .stack_size(dialogue_graph::sparql::PARSER_STACK_BYTES)
        .spawn(move || run(cli, &matches));
    let outcome = match worker.map(std::thread::JoinHandle::join) {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(_)) => return ExitCode::FAILURE, // the panic was printed
        Err(e) => Err(dialogue_graph::Error::Io(e)),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli, matches: &clap::ArgMatches) -> dialogue_graph::Result<()> {
    // `serve` and `config` also read the environment and a config file, and
    // need to know which options the command line set.
    let own = |name: &str| {
        matches
            .subcommand_matches(name)
            .cloned()
            .unwrap_or_default()
    };
    match cli.command {
        Command::Serve(args) => commands::serve::run(args, &own("serve")),
        Command::Config(args) => commands::serve::print_config(args, &own("config")),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "dialogue-graph",
                &mut std::io::stdout(),
            );
            Ok(())
        }
        Command::Man => clap_mangen::Man::new(Cli::command())
            .render(&mut std::io::stdout())
            .map_err(dialogue_graph::Error::from),
        Command::Load(args) => commands::load::run(args),
        Command::Query(args) => commands::query::run(args),
        Command::Dump(args) => commands::dump::run(args),
        Command::Validate(args) => commands::validate::run(args),
        Command::Generate(args) => commands::generate::run(args),
    }
}
