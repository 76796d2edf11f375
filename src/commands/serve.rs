//! `dialogue-graph serve`

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::backend::remote::{Remote, RemoteConfig};
use crate::cli::RemoteArgs;
use crate::cli::ServeArgs;
use crate::config::BaseIri;
use crate::error::{Error, Result};
use crate::example_queries::load_examples;
use crate::serve_config::resolve;
use crate::server::{self, AppState, ReloadSource, Settings};
use crate::sparql::url_load::LoadPolicy;
use crate::store::{Dataset, base_for_store};

/// `dialogue-graph config`: the effective configuration, as TOML.
pub fn print_config(args: ServeArgs, matches: &clap::ArgMatches) -> Result<()> {
    print!("{}", resolve(args, matches)?.to_toml()?);
    Ok(())
}

pub fn run(args: ServeArgs, matches: &clap::ArgMatches) -> Result<()> {
    let args = resolve(args, matches)?.args;
    check_values(&args)?;
    let (settings, scratch) = settings(&args)?;
    let examples = load_examples(&args.queries_dir)?;
    let runtime = runtime(&settings)?;
    let shutdown_timeout = settings.shutdown_timeout;
    let served = runtime.block_on(serve_until_stopped(args, settings, examples));
    // Blocking workers (queries, dumps) still running get the same bound as
    // the requests in flight; then the process ends.
    runtime.shutdown_timeout(shutdown_timeout);
    drop(scratch);
    served
}

/// Refuses values no server can run with, naming the option.
fn check_values(args: &ServeArgs) -> Result<()> {
    if !(args.query_timeout.is_finite() && args.query_timeout > 0.0) {
        return Err(Error::InvalidArgument(
            "--query-timeout must be a positive number of seconds".to_owned(),
        ));
    }
    let non_negative = |seconds: f64| seconds.is_finite() && seconds >= 0.0;
    if !non_negative(args.shutdown_timeout) || !non_negative(args.slow_query) {
        return Err(Error::InvalidArgument(
            "--shutdown-timeout and --slow-query must be zero or a positive number of seconds"
                .to_owned(),
        ));
    }
    if !(args.remote.sparql_refresh.is_finite() && args.remote.sparql_refresh > 0.0) {
        return Err(Error::InvalidArgument(
            "--sparql-refresh must be a positive number of seconds".to_owned(),
        ));
    }
    if args.update_token.as_deref().is_some_and(|t| t.len() < 16) {
        return Err(Error::InvalidArgument(
            "--update-token must be at least 16 characters: it guards writes to the store"
                .to_owned(),
        ));
    }
    Ok(())
}

/// The server's settings from the options, and the temporary directory
/// that holds the dump files when no --dump-dir is given (removed when the
/// server stops: it lives until then).
fn settings(args: &ServeArgs) -> Result<(Settings, Option<tempfile::TempDir>)> {
    let (dump_dir, scratch) = match args.dump_dir.clone() {
        Some(dir) => (dir, None),
        None => {
            let scratch = tempfile::Builder::new()
                .prefix("dialogue-graph-")
                .tempdir()
                .map_err(|e| {
                    Error::Io(std::io::Error::new(
                        e.kind(),
                        format!("cannot make a temporary directory for the dump files (set --dump-dir): {e}"),
                    ))
                })?;
            (scratch.path().join("dumps"), Some(scratch))
        }
    };
    let settings = Settings {
        query_timeout: Duration::from_secs_f64(args.query_timeout),
        max_rows: (args.max_rows > 0).then_some(args.max_rows),
        max_body_bytes: args.max_body_bytes,
        allow_service: args.allow_service,
        load_policy: LoadPolicy::new(&args.allow_load_from)?,
        update_token: args.update_token.clone(),
        rate_limit: (args.rate_limit > 0).then_some((args.rate_limit, args.rate_burst)),
        slow_query: (args.slow_query > 0.0).then(|| Duration::from_secs_f64(args.slow_query)),
        shutdown_timeout: Duration::from_secs_f64(args.shutdown_timeout),
        response_cache_bytes: args.response_cache_mb.saturating_mul(1 << 20),
        dump_dir,
        ..Settings::default()
    };
    Ok((settings, scratch))
}

/// The runtime: stacks deep enough for the SPARQL parser, a bounded pool of
/// blocking threads.
fn runtime(settings: &Settings) -> Result<tokio::runtime::Runtime> {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let blocking_threads = settings.concurrent_queries.max(1) + 2 * cores;
    // Queries are parsed on the runtime's threads: give them the stack the
    // parser's guard is measured for.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(crate::sparql::PARSER_STACK_BYTES)
        // Pages, documents and queries run on blocking threads. Tokio allows
        // 512; a few per core serve as many pages per second, and each busy
        // thread keeps memory of its own (measured in BENCHMARKS.md: 8
        // threads gave 12 % more pages/s and 18 % less memory than 512).
        .max_blocking_threads(blocking_threads)
        .build()?;
    Ok(runtime)
}

/// Listens, answers at once while the data loads, then serves it until a
/// stop signal.
async fn serve_until_stopped(
    args: ServeArgs,
    settings: Settings,
    examples: Vec<crate::example_queries::Example>,
) -> Result<()> {
    let listener = TcpListener::bind(&args.bind).await.map_err(|e| {
        Error::Io(std::io::Error::new(
            e.kind(),
            format!("cannot listen on {}: {e}", args.bind),
        ))
    })?;
    let address = listener.local_addr()?;
    // Without --base-iri the IRIs are minted for the address actually
    // bound (port 0 becomes the port the system chose), so they resolve.
    let base = base_for_store(args.base_iri.as_deref(), args.store.as_deref(), || {
        BaseIri::for_bind_address(&address.to_string())
    })?;
    // Served from files, the data can be reloaded (SIGHUP, POST
    // /admin/reload); a persistent store changes through SPARQL Update.
    let reload_from = match (&args.store, &args.remote.sparql_endpoint) {
        (Some(_), _) | (_, Some(_)) => None,
        (None, None) => Some(ReloadSource {
            sources: args.sources.sources(&args.queries_dir),
            base: base.clone(),
        }),
    };
    let state = Arc::new(AppState::loading(settings, examples, reload_from));
    // Answer at once (`/healthz` 200, `/readyz` and data routes 503)
    // while the data loads: a big graph takes a while.
    let server = tokio::spawn(server::serve(listener, state.clone()));
    eprintln!("dialogue-graph: listening at {address}, loading the data");
    // A stop (SIGTERM, Ctrl-C) while a big graph is still loading ends
    // the server at once: the load is abandoned with the rest of the
    // blocking work, within --shutdown-timeout.
    let mut server = std::pin::pin!(server);
    tokio::select! {
        stopped = &mut server => {
            eprintln!("dialogue-graph: stopped before the data had loaded");
            return stopped?;
        }
        loaded = load(&args, &state, &base, address) => loaded?,
    }
    server.await?
}

/// Opens (or loads) the data, counts it, warms the caches, and installs it
/// in `state`, which then serves it.
async fn load(
    args: &ServeArgs,
    state: &Arc<AppState>,
    base: &BaseIri,
    address: SocketAddr,
) -> Result<()> {
    let store = args.store.clone();
    let sources = args.sources.sources(&args.queries_dir);
    let loaded_base = base.clone();
    let remote = remote_config(&args.remote, Duration::from_secs_f64(args.query_timeout))?;
    let refresh = Duration::from_secs_f64(args.remote.sparql_refresh);
    let dataset = tokio::task::spawn_blocking(move || match remote {
        // The HTTP client owns a runtime of its own: made off the async threads.
        Some(config) => Ok(Dataset::remote(Remote::new(config)?, &loaded_base, refresh)),
        None => super::open_dataset(store.as_deref(), &sources, &loaded_base),
    })
    .await??;
    let name = dataset.backend().name();
    let counted = {
        let worker = dataset.clone();
        tokio::task::spawn_blocking(move || worker.len()).await?
    };
    // A remote engine that is down at start-up is not fatal: pages say
    // so (502) until it answers.
    let triples = match counted {
        Ok(n) => n.to_string(),
        Err(e) if dataset.is_remote() => {
            tracing::warn!(error = %e, "cannot count the triples at {name} yet");
            eprintln!("dialogue-graph: cannot reach {name} yet ({e}); serving anyway");
            "an unknown number of".to_owned()
        }
        Err(e) => return Err(e),
    };
    state.warm_up(&dataset).await;
    state.install(dataset);
    tracing::info!(%address, %base, triples, backend = %name, "serving");
    eprintln!(
        "dialogue-graph: serving {triples} triples from {name} on http://{address}/ (base IRI {base})"
    );
    eprintln!("  SPARQL endpoint: http://{address}/sparql");
    Ok(())
}

/// How to reach the remote SPARQL engine, if one is named.
fn remote_config(args: &RemoteArgs, timeout: Duration) -> Result<Option<RemoteConfig>> {
    let Some(endpoint) = args.sparql_endpoint.clone() else {
        return Ok(None);
    };
    let graphs = args
        .sparql_graph
        .iter()
        .map(|g| {
            oxigraph::model::NamedNode::new(g.trim()).map_err(|e| {
                Error::InvalidArgument(format!("--sparql-graph {g:?} is not an IRI: {e}"))
            })
        })
        .collect::<Result<_>>()?;
    Ok(Some(RemoteConfig {
        endpoint,
        update_endpoint: args.sparql_update_endpoint.clone(),
        graphs,
        user: args.sparql_user.clone(),
        password: args.sparql_password.clone(),
        timeout,
    }))
}
