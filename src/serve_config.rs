//! The effective configuration of `serve`. Every option can come from, in
//! order of precedence: a command-line flag, an environment variable
//! (`DIALOGUE_GRAPH_BIND`, `DIALOGUE_GRAPH_MAX_ROWS`, ...), the TOML file named
//! by `--config` (keys as the flags, e.g. `max-rows = 500`), or its default.
//! `dialogue-graph config` prints the result and where each value came from.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::ArgMatches;
use clap::parser::ValueSource;
use serde::Deserialize;

use crate::cli::ServeArgs;
use crate::error::{Error, Result};

/// The `--config` file: any subset of `serve`'s options.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FileConfig {
    pub bind: Option<String>,
    pub base_iri: Option<String>,
    pub store: Option<PathBuf>,
    pub query_timeout: Option<f64>,
    pub max_rows: Option<usize>,
    pub max_body_bytes: Option<usize>,
    pub rate_limit: Option<u64>,
    pub rate_burst: Option<u32>,
    pub slow_query: Option<f64>,
    pub shutdown_timeout: Option<f64>,
    pub response_cache_mb: Option<u64>,
    pub dump_dir: Option<PathBuf>,
    pub allow_service: Option<bool>,
    pub update_token: Option<String>,
    pub queries_dir: Option<PathBuf>,
    pub ontology_dir: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
    pub sparql_endpoint: Option<String>,
    pub sparql_update_endpoint: Option<String>,
    pub sparql_graph: Option<Vec<String>>,
    pub sparql_user: Option<String>,
    pub sparql_password: Option<String>,
    pub sparql_refresh: Option<f64>,
}

/// Where a value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Flag,
    Environment,
    File,
    Default,
}

impl Source {
    fn name(self) -> &'static str {
        match self {
            Source::Flag => "flag",
            Source::Environment => "environment",
            Source::File => "config file",
            Source::Default => "default",
        }
    }
}

/// `serve`'s options after applying the config file, with each one's source.
pub struct Resolved {
    pub args: ServeArgs,
    pub sources: Vec<(&'static str, Source)>,
}

/// Fills every option that neither a flag nor the environment set from the
/// config file (if any). `matches` are the subcommand's own.
pub fn resolve(mut args: ServeArgs, matches: &ArgMatches) -> Result<Resolved> {
    let file = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|source| Error::ReadFile {
                path: path.clone(),
                source,
            })?;
            toml::from_str::<FileConfig>(&text)
                .map_err(|e| Error::InvalidArgument(format!("{}: {e}", path.display())))?
        }
        None => FileConfig::default(),
    };
    let mut sources = Vec::new();
    // One line per option: its id (as clap names it) and where to put a file value.
    macro_rules! layer {
        ($id:literal, $file:expr, $target:expr, $wrap:expr) => {{
            let source = match matches.value_source($id) {
                Some(ValueSource::CommandLine) => Source::Flag,
                Some(ValueSource::EnvVariable) => Source::Environment,
                _ => match $file {
                    Some(value) => {
                        $target = $wrap(value);
                        Source::File
                    }
                    None => Source::Default,
                },
            };
            sources.push(($id, source));
        }};
    }
    layer!("bind", file.bind, args.bind, |v| v);
    layer!("base_iri", file.base_iri, args.base_iri, Some);
    layer!("store", file.store, args.store, Some);
    layer!(
        "query_timeout",
        file.query_timeout,
        args.query_timeout,
        |v| v
    );
    layer!("max_rows", file.max_rows, args.max_rows, |v| v);
    layer!(
        "max_body_bytes",
        file.max_body_bytes,
        args.max_body_bytes,
        |v| v
    );
    layer!("rate_limit", file.rate_limit, args.rate_limit, |v| v);
    layer!("rate_burst", file.rate_burst, args.rate_burst, |v| v);
    layer!("slow_query", file.slow_query, args.slow_query, |v| v);
    layer!(
        "shutdown_timeout",
        file.shutdown_timeout,
        args.shutdown_timeout,
        |v| v
    );
    layer!(
        "response_cache_mb",
        file.response_cache_mb,
        args.response_cache_mb,
        |v| v
    );
    layer!("dump_dir", file.dump_dir, args.dump_dir, Some);
    layer!(
        "allow_service",
        file.allow_service,
        args.allow_service,
        |v| v
    );
    layer!("update_token", file.update_token, args.update_token, Some);
    layer!("queries_dir", file.queries_dir, args.queries_dir, |v| v);
    layer!(
        "ontology_dir",
        file.ontology_dir,
        args.sources.ontology_dir,
        |v| v
    );
    layer!("data_dir", file.data_dir, args.sources.data_dir, |v| v);
    layer!(
        "sparql_endpoint",
        file.sparql_endpoint,
        args.remote.sparql_endpoint,
        Some
    );
    layer!(
        "sparql_update_endpoint",
        file.sparql_update_endpoint,
        args.remote.sparql_update_endpoint,
        Some
    );
    layer!(
        "sparql_graph",
        file.sparql_graph,
        args.remote.sparql_graph,
        |v| v
    );
    layer!(
        "sparql_user",
        file.sparql_user,
        args.remote.sparql_user,
        Some
    );
    layer!(
        "sparql_password",
        file.sparql_password,
        args.remote.sparql_password,
        Some
    );
    layer!(
        "sparql_refresh",
        file.sparql_refresh,
        args.remote.sparql_refresh,
        |v| v
    );
    Ok(Resolved { args, sources })
}

impl Resolved {
    /// The effective configuration as TOML (a valid `--config` file), each
    /// line commented with its source. The update token is never printed.
    pub fn to_toml(&self) -> String {
        let a = &self.args;
        let string = |s: &str| toml::Value::String(s.to_owned()).to_string();
        let path = |p: &std::path::Path| string(&p.display().to_string());
        let values: Vec<(&str, Option<String>)> = vec![
            ("bind", Some(string(&a.bind))),
            ("base_iri", a.base_iri.as_deref().map(string)),
            ("store", a.store.as_deref().map(path)),
            (
                "query_timeout",
                Some(toml::Value::Float(a.query_timeout).to_string()),
            ),
            ("max_rows", Some(a.max_rows.to_string())),
            ("max_body_bytes", Some(a.max_body_bytes.to_string())),
            ("rate_limit", Some(a.rate_limit.to_string())),
            ("rate_burst", Some(a.rate_burst.to_string())),
            (
                "slow_query",
                Some(toml::Value::Float(a.slow_query).to_string()),
            ),
            (
                "shutdown_timeout",
                Some(toml::Value::Float(a.shutdown_timeout).to_string()),
            ),
            ("response_cache_mb", Some(a.response_cache_mb.to_string())),
            ("dump_dir", a.dump_dir.as_deref().map(path)),
            ("allow_service", Some(a.allow_service.to_string())),
            (
                "update_token",
                a.update_token.as_ref().map(|_| string("(set, not shown)")),
            ),
            ("queries_dir", Some(path(&a.queries_dir))),
            ("ontology_dir", Some(path(&a.sources.ontology_dir))),
            ("data_dir", Some(path(&a.sources.data_dir))),
            (
                "sparql_endpoint",
                a.remote.sparql_endpoint.as_deref().map(string),
            ),
            (
                "sparql_update_endpoint",
                a.remote.sparql_update_endpoint.as_deref().map(string),
            ),
            (
                "sparql_graph",
                (!a.remote.sparql_graph.is_empty()).then(|| {
                    toml::Value::Array(
                        a.remote
                            .sparql_graph
                            .iter()
                            .map(|g| toml::Value::String(g.clone()))
                            .collect(),
                    )
                    .to_string()
                }),
            ),
            ("sparql_user", a.remote.sparql_user.as_deref().map(string)),
            (
                "sparql_password",
                a.remote
                    .sparql_password
                    .as_ref()
                    .map(|_| string("(set, not shown)")),
            ),
            (
                "sparql_refresh",
                Some(toml::Value::Float(a.remote.sparql_refresh).to_string()),
            ),
        ];
        let mut out = String::new();
        for (id, value) in values {
            let source = self
                .sources
                .iter()
                .find(|(i, _)| *i == id)
                .map_or("default", |(_, s)| s.name());
            let key = id.replace('_', "-");
            match value {
                Some(v) => {
                    let _ = writeln!(out, "{key} = {v}  # {source}");
                }
                None => {
                    let _ = writeln!(out, "# {key} is not set  # {source}");
                }
            }
        }
        out
    }
}
