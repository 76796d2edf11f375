//! The command line: one binary, `dialogue-graph`, with a subcommand per task.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{DEFAULT_BIND, Sources};
use crate::dump_files::writing::DumpFormat;

#[derive(Debug, Parser)]
#[command(
    name = "dialogue-graph",
    version,
    about = "Publishes the knowledge graph of the 2017 High-Level Dialogue between the CPC and World Political Parties as linked data",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the graph over HTTP: SPARQL endpoint, entity pages, dumps
    Serve(ServeArgs),
    /// Bulk-load RDF files into a persistent store, all or nothing
    Load(LoadArgs),
    /// Run a SPARQL query and print the results
    Query(QueryArgs),
    /// Write the whole graph as Turtle, JSON-LD, N-Triples or N-Quads
    Dump(DumpArgs),
    /// Check the data against the SHACL shapes in ontology/shapes.ttl
    Validate(ValidateArgs),
    /// Write a synthetic graph shaped like data/ (about 100 triples per event) as N-Triples, for benchmarks
    Generate(GenerateArgs),
    /// Print the configuration `serve` would run with (same options), and where each value comes from
    Config(ServeArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `dialogue-graph man > dialogue-graph.1`
    Man,
}

/// Where the graph comes from when no persistent store is named.
#[derive(Debug, Clone, Args)]
pub struct SourceArgs {
    /// Directory of the vocabulary and shapes (*.ttl)
    #[arg(long, value_name = "DIR", default_value = "ontology")]
    pub ontology_dir: PathBuf,
    /// Directory of the data (*.ttl)
    #[arg(long, value_name = "DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Directory of the example queries (*.rq), published as data too
    #[arg(long, value_name = "DIR", default_value = "queries")]
    pub queries_dir: PathBuf,
}

impl SourceArgs {
    pub fn sources(&self) -> Sources {
        Sources {
            ontology_dir: self.ontology_dir.clone(),
            data_dir: self.data_dir.clone(),
            queries_dir: self.queries_dir.clone(),
        }
    }
}

#[derive(Debug, Args, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ServeArgs {
    /// Address and port to listen on
    #[arg(long, value_name = "ADDR:PORT", default_value = DEFAULT_BIND, env = "DIALOGUE_GRAPH_BIND")]
    pub bind: String,
    /// Base IRI of the entity IRIs [default: http://<bind address>/]
    #[arg(long, value_name = "IRI", env = "DIALOGUE_GRAPH_BASE_IRI")]
    pub base_iri: Option<String>,
    /// Serve this persistent store (made by `load`) instead of the files
    #[arg(long, value_name = "DIR", env = "DIALOGUE_GRAPH_STORE")]
    pub store: Option<PathBuf>,
    /// Stop a SPARQL query after this many seconds
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 10.0,
        env = "DIALOGUE_GRAPH_QUERY_TIMEOUT"
    )]
    pub query_timeout: f64,
    /// At most this many rows (or triples) per query result; 0 for no cap
    #[arg(
        long,
        value_name = "N",
        default_value_t = 10_000,
        env = "DIALOGUE_GRAPH_MAX_ROWS"
    )]
    pub max_rows: usize,
    /// Largest request body accepted, in bytes
    #[arg(long, value_name = "BYTES", default_value_t = 1024 * 1024, env = "DIALOGUE_GRAPH_MAX_BODY_BYTES")]
    pub max_body_bytes: usize,
    /// Requests per second allowed to each client address (bursts of --rate-burst); 0 for no limit
    #[arg(
        long,
        value_name = "N",
        default_value_t = 0,
        env = "DIALOGUE_GRAPH_RATE_LIMIT"
    )]
    pub rate_limit: u64,
    /// Requests a client may send at once before --rate-limit applies
    #[arg(
        long,
        value_name = "N",
        default_value_t = 20,
        env = "DIALOGUE_GRAPH_RATE_BURST"
    )]
    pub rate_burst: u32,
    /// Log every SPARQL query that takes at least this many seconds (with its text and request id); 0 logs none
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 1.0,
        env = "DIALOGUE_GRAPH_SLOW_QUERY"
    )]
    pub slow_query: f64,
    /// On SIGTERM or Ctrl-C, wait at most this many seconds for requests in flight, then exit
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 10.0,
        env = "DIALOGUE_GRAPH_SHUTDOWN_TIMEOUT"
    )]
    pub shutdown_timeout: f64,
    /// Memory (MiB) for rendered entity pages and data documents, kept per data version; 0 turns the cache off
    #[arg(
        long,
        value_name = "MIB",
        default_value_t = 64,
        env = "DIALOGUE_GRAPH_RESPONSE_CACHE_MB"
    )]
    pub response_cache_mb: u64,
    /// Where the dump files are written, built once per data version [default: a temporary directory, removed on exit]
    #[arg(long, value_name = "DIR", env = "DIALOGUE_GRAPH_DUMP_DIR")]
    pub dump_dir: Option<PathBuf>,
    /// Let SPARQL SERVICE fetch remote endpoints (off: anyone could make the server fetch any URL)
    #[arg(long, env = "DIALOGUE_GRAPH_ALLOW_SERVICE")]
    pub allow_service: bool,

    /// Hosts SPARQL Update's LOAD may fetch from (`host`, `host:port`, or an
    /// IP address, comma-separated). Without it LOAD is refused. A
    /// loopback, link-local or private address is refused unless it is named
    /// here itself; every redirect is checked the same way.
    #[arg(
        long,
        value_name = "HOST[:PORT]",
        env = "DIALOGUE_GRAPH_ALLOW_LOAD_FROM",
        value_delimiter = ','
    )]
    pub allow_load_from: Vec<String>,
    /// Accept SPARQL Update from requests with `Authorization: Bearer TOKEN` (off when not given)
    #[arg(
        long,
        value_name = "TOKEN",
        env = "DIALOGUE_GRAPH_UPDATE_TOKEN",
        hide_env_values = true
    )]
    #[serde(serialize_with = "not_shown")]
    pub update_token: Option<String>,
    /// Directory of the example queries (*.rq) offered in the query editor
    #[arg(
        long,
        value_name = "DIR",
        default_value = "queries",
        env = "DIALOGUE_GRAPH_QUERIES_DIR"
    )]
    pub queries_dir: PathBuf,
    /// Read options from this TOML file (flags and DIALOGUE_GRAPH_* variables win over it)
    #[arg(long, value_name = "FILE", env = "DIALOGUE_GRAPH_CONFIG")]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    #[serde(flatten)]
    pub sources: ServeSourceArgs,
    #[command(flatten)]
    #[serde(flatten)]
    pub remote: RemoteArgs,
}

/// Serving the data of a SPARQL engine elsewhere instead of a store here.
#[derive(Debug, Clone, Args, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[command(next_help_heading = "Serving a remote SPARQL engine")]
pub struct RemoteArgs {
    /// Serve the data of this SPARQL 1.1 endpoint (Virtuoso, QLever, GraphDB, Oxigraph server...) instead of a store of its own
    #[arg(
        long,
        value_name = "URL",
        env = "DIALOGUE_GRAPH_SPARQL_ENDPOINT",
        conflicts_with = "store"
    )]
    pub sparql_endpoint: Option<String>,
    /// Forward SPARQL Update (from requests with the --update-token) to this endpoint
    #[arg(
        long,
        value_name = "URL",
        env = "DIALOGUE_GRAPH_SPARQL_UPDATE_ENDPOINT",
        requires = "sparql_endpoint"
    )]
    pub sparql_update_endpoint: Option<String>,
    /// A graph of the endpoint that holds the data (repeat for several); queries that name no graph see these. Without it, the endpoint's default graph
    #[arg(
        long,
        value_name = "IRI",
        env = "DIALOGUE_GRAPH_SPARQL_GRAPHS",
        value_delimiter = ',',
        requires = "sparql_endpoint"
    )]
    pub sparql_graph: Vec<String>,
    /// User name for HTTP Basic authentication at the endpoint
    #[arg(
        long,
        value_name = "NAME",
        env = "DIALOGUE_GRAPH_SPARQL_USER",
        requires = "sparql_endpoint"
    )]
    pub sparql_user: Option<String>,
    /// Password for HTTP Basic authentication at the endpoint (better given in the environment)
    #[arg(
        long,
        value_name = "PASSWORD",
        env = "DIALOGUE_GRAPH_SPARQL_PASSWORD",
        hide_env_values = true,
        requires = "sparql_user"
    )]
    #[serde(serialize_with = "not_shown")]
    pub sparql_password: Option<String>,
    /// Pages, documents, counts and dumps built from the endpoint are reused for this many seconds, then rebuilt (the data there may change)
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 60.0,
        env = "DIALOGUE_GRAPH_SPARQL_REFRESH"
    )]
    pub sparql_refresh: f64,
}

/// `SourceArgs` for `serve`, also settable from the environment and the config file.
#[derive(Debug, Clone, Args, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ServeSourceArgs {
    /// Directory of the vocabulary and shapes (*.ttl)
    #[arg(
        long,
        value_name = "DIR",
        default_value = "ontology",
        env = "DIALOGUE_GRAPH_ONTOLOGY_DIR"
    )]
    pub ontology_dir: PathBuf,
    /// Directory of the data (*.ttl)
    #[arg(
        long,
        value_name = "DIR",
        default_value = "data",
        env = "DIALOGUE_GRAPH_DATA_DIR"
    )]
    pub data_dir: PathBuf,
}

impl ServeSourceArgs {
    /// The sources, with the example queries from `queries_dir` (a `serve`
    /// option of its own: the query page offers them too).
    pub fn sources(&self, queries_dir: &std::path::Path) -> Sources {
        Sources {
            ontology_dir: self.ontology_dir.clone(),
            data_dir: self.data_dir.clone(),
            queries_dir: queries_dir.to_owned(),
        }
    }
}

#[derive(Debug, Args)]
pub struct LoadArgs {
    /// The persistent store directory (created if missing)
    #[arg(long, value_name = "DIR")]
    pub store: PathBuf,
    /// Base IRI that relative IRIs in the files resolve against [default: the store's, else http://127.0.0.1:8080/]
    #[arg(long, value_name = "IRI")]
    pub base_iri: Option<String>,
    /// RDF files (.ttl .nt .nq .trig .rdf .jsonld, optionally .gz); each goes into the graph BASE/graph/<name>
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Do not draw a progress bar
    #[arg(long)]
    pub quiet: bool,
    /// Load into the default graph instead of one named graph per file (faster for one big file; the file names are not kept)
    #[arg(long)]
    pub default_graph: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// A text table (SELECT), true/false (ASK), Turtle (CONSTRUCT/DESCRIBE)
    Table,
    Json,
    Xml,
    Csv,
    Tsv,
    Turtle,
    Ntriples,
    Jsonld,
    Rdfxml,
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The SPARQL query text (or give --file)
    #[arg(
        value_name = "QUERY",
        required_unless_present = "file",
        conflicts_with = "file"
    )]
    pub query: Option<String>,
    /// Read the query from this file (- for standard input)
    #[arg(long, short, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// Query this persistent store instead of the files
    #[arg(long, value_name = "DIR")]
    pub store: Option<PathBuf>,
    /// Base IRI the data is loaded under [default: the store's, else http://127.0.0.1:8080/]
    #[arg(long, value_name = "IRI")]
    pub base_iri: Option<String>,
    #[command(flatten)]
    pub sources: SourceArgs,
}

#[derive(Debug, Args)]
pub struct DumpArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = DumpFormat::Turtle)]
    pub format: DumpFormat,
    /// Write to this file instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Dump this persistent store instead of the files
    #[arg(long, value_name = "DIR")]
    pub store: Option<PathBuf>,
    /// Base IRI the data is loaded under [default: the store's, else http://127.0.0.1:8080/]
    #[arg(long, value_name = "IRI")]
    pub base_iri: Option<String>,
    #[command(flatten)]
    pub sources: SourceArgs,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// How many events (10,000 gives about a million triples)
    #[arg(long, value_name = "N")]
    pub events: usize,
    /// Write to this file (gzipped if it ends in .gz) instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Base IRI of the generated IRIs
    #[arg(long, value_name = "IRI", default_value = "http://127.0.0.1:8080/")]
    pub base_iri: String,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Base IRI the data is loaded under
    #[arg(long, value_name = "IRI", default_value = "http://127.0.0.1:8080/")]
    pub base_iri: String,
    #[command(flatten)]
    pub sources: SourceArgs,
}

/// A secret as `config` shows it: whether it is set, never its value.
fn not_shown<S: serde::Serializer>(secret: &Option<String>, to: S) -> Result<S::Ok, S::Error> {
    match secret {
        Some(_) => to.serialize_some("(set, not shown)"),
        None => to.serialize_none(),
    }
}
