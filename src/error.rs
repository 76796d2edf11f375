//! The one error type of the crate. Every failure a user can meet is a variant
//! here with a message that says what went wrong and, where it helps, what to do;
//! [`Error::status`] says which HTTP status a client should see; the response
//! itself is written by `server::error_response`. This module depends on
//! nothing else in the crate, so every layer can use it.

use std::path::PathBuf;
use std::time::Duration;

use axum::http::StatusCode;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read the directory {}: {source} (run from the repository root, or name the directory with --data-dir / --ontology-dir)", path.display())]
    SourceDirectory {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("cannot read {}: {source}", path.display())]
    ReadFile {
        path: PathBuf,
        source: std::io::Error,
    },

    /// A syntax error in an RDF file, located as `file:line:column` (1-based).
    #[error("{}:{line}:{column}: {message}", path.display())]
    Syntax {
        path: PathBuf,
        line: u64,
        column: u64,
        message: String,
    },

    #[error("{}: cannot tell the RDF format from the file name (use .ttl, .nt, .nq, .trig, .rdf or .jsonld, optionally followed by .gz)", path.display())]
    UnknownFileFormat { path: PathBuf },

    #[error("invalid base IRI {iri:?}: {reason}")]
    InvalidBaseIri { iri: String, reason: String },

    #[error("no store at {}: create one with `dialogue-graph load --store {} FILE...`", path.display(), path.display())]
    StoreNotFound { path: PathBuf },

    #[error(
        "this build has no persistent store: rebuild with `cargo build --release --features rocksdb` (needs libclang, Debian package libclang-dev)"
    )]
    PersistentStoreUnavailable,

    #[error("the store {} holds data loaded under the base IRI {recorded}, not {given}: pass --base-iri {recorded}, or load the data into a new store", store.display())]
    BaseMismatch {
        store: PathBuf,
        recorded: String,
        given: String,
    },

    #[error("storage error: {0}")]
    Storage(#[from] oxigraph::store::StorageError),

    #[error("SPARQL syntax error: {0}")]
    QuerySyntax(String),

    #[error(
        "the query is nested {depth} levels deep; at most {limit} levels are accepted (every bracket counts, also in strings and comments)"
    )]
    QueryTooDeep { depth: usize, limit: usize },

    #[error(
        "the query has {count} operators and braces (! / | ^ + - * & {{); at most {limit} are accepted"
    )]
    QueryTooLong { count: usize, limit: usize },

    #[error("query evaluation failed: {0}")]
    QueryEvaluation(String),

    /// The query was stopped by its cancellation token (its deadline, or
    /// the client going away) before it finished.
    #[error("the query was stopped before it finished")]
    Cancelled,

    /// A fault of this server, not of the request: a worker thread that
    /// panicked, a page template that failed to render, a value that failed
    /// to serialise. Logged in full, answered as a plain 500.
    #[error("internal error: {0}")]
    Internal(String),

    /// A command-line or configuration value that cannot be used.
    #[error("{0}")]
    InvalidArgument(String),

    #[error("the query did not finish within {} s and was stopped", .0.as_secs_f64())]
    QueryTimeout(Duration),

    #[error("cannot produce {requested}; available: {}", offered.join(", "))]
    NotAcceptable {
        requested: String,
        offered: Vec<&'static str>,
    },

    #[error("{0}")]
    BadRequest(String),

    #[error("{0}")]
    UnsupportedMediaType(String),

    /// A request that needs the bearer token and lacks it (or has a wrong one).
    #[error("{0}")]
    Unauthorized(String),

    #[error("{0}")]
    Forbidden(String),

    #[error("the server is busy with other queries; try again shortly")]
    Busy,

    #[error("the data is still loading; try again shortly")]
    Loading,

    /// A reload that failed; the data served before it is still served.
    #[error("reload failed, the previous data is still served: {0}")]
    ReloadFailed(String),

    #[error("{0}")]
    Conflict(String),

    #[error("not found: {0}")]
    NotFound(String),

    /// An IRI or page this server does not know; `html` picks the body.
    #[error("{what} is not known here: see / for what this server publishes")]
    NotFoundPage { what: String, html: bool },

    /// The remote SPARQL engine (`serve --sparql-endpoint`) cannot be reached.
    #[error("the SPARQL engine behind this server cannot be reached ({0}); try again shortly")]
    BackendUnavailable(String),

    /// `LOAD <url>`: the source could not be fetched or read.
    #[error("LOAD <{url}>: the source could not be loaded: {reason}")]
    LoadSource { url: String, reason: String },

    /// The remote SPARQL engine refused an update the client sent (its 4xx
    /// status, passed on with its message).
    #[error("the SPARQL engine refused the update ({status}): {message}")]
    BackendRefused { status: u16, message: String },

    /// The remote SPARQL engine did not answer within the query timeout.
    #[error(
        "the SPARQL engine behind this server did not answer in time; try again shortly, or ask for less"
    )]
    BackendTimeout,

    /// The remote SPARQL engine answered with an error, or with something
    /// that is not SPARQL results.
    #[error("{0}")]
    Backend(String),

    #[error("SHACL: {0}")]
    Shacl(String),

    #[error("the data breaks {0} SHACL rule(s); see the report above")]
    ShapesViolated(usize),

    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl From<tokio::task::JoinError> for Error {
    fn from(error: tokio::task::JoinError) -> Self {
        Error::Internal(format!("a worker thread failed: {error}"))
    }
}

impl From<askama::Error> for Error {
    fn from(error: askama::Error) -> Self {
        Error::Internal(format!("a page failed to render: {error}"))
    }
}

impl From<serde_json::Error> for Error {
    fn from(error: serde_json::Error) -> Self {
        Error::Internal(format!("a value failed to serialise as JSON: {error}"))
    }
}

impl Error {
    /// The HTTP status that tells a client whose fault this is.
    pub fn status(&self) -> StatusCode {
        match self {
            Error::QuerySyntax(_)
            | Error::QueryTooDeep { .. }
            | Error::QueryTooLong { .. }
            | Error::BadRequest(_)
            | Error::InvalidArgument(_) => StatusCode::BAD_REQUEST,
            Error::NotAcceptable { .. } => StatusCode::NOT_ACCEPTABLE,
            Error::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Error::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::NotFound(_) | Error::NotFoundPage { .. } => StatusCode::NOT_FOUND,
            Error::QueryTimeout(_) | Error::Busy | Error::Loading => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::BackendUnavailable(_) | Error::Backend(_) | Error::LoadSource { .. } => {
                StatusCode::BAD_GATEWAY
            }
            Error::BackendRefused { status, .. } => StatusCode::from_u16(*status)
                .ok()
                .filter(StatusCode::is_client_error)
                .unwrap_or(StatusCode::BAD_GATEWAY),
            Error::BackendTimeout => StatusCode::GATEWAY_TIMEOUT,
            // Only an authorised operator can ask for a reload, so the reason
            // (which names the broken file) is theirs to see.
            Error::ReloadFailed(_) => StatusCode::UNPROCESSABLE_ENTITY,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}
