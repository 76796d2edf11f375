//! SPARQL as plain functions, shared by the `query` command, the `/sparql`
//! endpoint and the features that ask a remote engine: guarded parsing
//! ([`guards`]), the protocol's dataset, evaluation on the dataset's backend,
//! and result writing ([`results`]). The reads a feature makes of an engine's
//! answers are in [`engine_reads`].

pub mod engine_reads;
pub mod guards;
pub mod results;
pub mod url_load;

use oxigraph::sparql::{CancellationToken, QueryResults};

pub use crate::backend::prepared::{
    PreparedQuery, PreparedUpdate, QueryOptions, apply_protocol_dataset, evaluation_error,
};
pub use guards::{MAX_CHAIN_CHARACTERS, MAX_NESTING, PARSER_STACK_BYTES, check_nesting};
pub use results::{
    GRAPH_FORMATS, RESULT_FORMATS, ResultFormat, RowLimit, media_types, rdf_serializer,
    write_results,
};

use crate::config::BaseIri;
use crate::error::{Error, Result};
use crate::store::Dataset;
use crate::vocab::PREFIXES;

/// Parses `query` after checking its nesting depth. The base IRI of the
/// dataset is the query's base, and its prefixes (plus the project's own `dg:`)
/// are predeclared, so `dg:outcome` works without a PREFIX line.
pub fn prepare(
    query: &str,
    base: &BaseIri,
    options: &QueryOptions,
    cancellation: CancellationToken,
) -> Result<PreparedQuery> {
    check_nesting(query)?;
    let query = parser(base)?
        .parse_query(query)
        .map_err(|e| Error::QuerySyntax(e.to_string()))?;
    Ok(PreparedQuery {
        query,
        options: options.clone(),
        cancellation,
    })
}

/// A parser with the dataset's base IRI and the predeclared prefixes.
fn parser(base: &BaseIri) -> Result<spargebra::SparqlParser> {
    let mut parser = spargebra::SparqlParser::new()
        .with_base_iri(base.as_str())
        .map_err(|e| Error::InvalidBaseIri {
            iri: base.to_string(),
            reason: e.to_string(),
        })?;
    for (prefix, namespace) in PREFIXES
        .iter()
        .map(|(p, n)| (*p, (*n).to_owned()))
        .chain([("dg", base.vocabulary())])
    {
        parser = parser
            .with_prefix(prefix, namespace)
            .map_err(|e| Error::QuerySyntax(e.to_string()))?;
    }
    Ok(parser)
}

/// Parses a SPARQL Update. `using_graphs` and `using_named_graphs` are the
/// protocol's `using-graph-uri` / `using-named-graph-uri`; an update that names
/// its own dataset (USING, WITH) may not be given them too.
pub fn prepare_update(
    update: &str,
    base: &BaseIri,
    options: &QueryOptions,
) -> Result<PreparedUpdate> {
    check_nesting(update)?;
    let update = parser(base)?
        .parse_update(update)
        .map_err(|e| Error::QuerySyntax(e.to_string()))?;
    let protocol_dataset = !options.default_graphs.is_empty() || !options.named_graphs.is_empty();
    if protocol_dataset && names_its_dataset(&update) {
        return Err(Error::BadRequest(
            "the update names its dataset (USING or WITH) and the request gives using-graph-uri or using-named-graph-uri: give one or the other".to_owned(),
        ));
    }
    Ok(PreparedUpdate {
        update,
        options: options.clone(),
    })
}

/// Whether an operation of the update names its own dataset (USING, WITH).
fn names_its_dataset(update: &spargebra::Update) -> bool {
    update.operations.iter().any(|operation| {
        matches!(
            operation,
            spargebra::GraphUpdateOperation::DeleteInsert { using: Some(_), .. }
        )
    })
}

/// Evaluates a prepared query on the dataset's backend. Solutions and
/// triples are produced lazily as the caller iterates, so large results are
/// never held whole in memory.
pub fn execute(dataset: &Dataset, prepared: PreparedQuery) -> Result<QueryResults<'static>> {
    dataset.backend().query(prepared)
}

/// Parses and runs a query in one go (used by the CLI and the tests).
pub fn run(dataset: &Dataset, query: &str) -> Result<QueryResults<'static>> {
    let prepared = prepare(
        query,
        dataset.base(),
        &QueryOptions::default(),
        CancellationToken::new(),
    )?;
    execute(dataset, prepared)
}
