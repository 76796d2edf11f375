//! What a backend evaluates: a query or update already
//! parsed and checked, with the SPARQL protocol's dataset options, and how
//! those options and evaluation errors translate for Oxigraph.

use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode};
use oxigraph::sparql::{CancellationToken, QueryEvaluationError, UpdateEvaluationError};

use crate::error::Error;

/// Options for one query evaluation.
#[derive(Clone, Debug, Default)]
pub struct QueryOptions {
    /// `default-graph-uri` of the SPARQL protocol; empty means the union of all graphs.
    pub default_graphs: Vec<NamedNode>,
    /// `named-graph-uri` of the SPARQL protocol; empty means all named graphs.
    pub named_graphs: Vec<NamedNode>,
    /// Let `SERVICE` fetch remote endpoints (off unless the operator enables it).
    pub allow_service: bool,
}

/// A query parsed and checked, with the protocol's options: what a
/// backend evaluates.
#[derive(Clone)]
pub struct PreparedQuery {
    /// The parsed query: relative IRIs resolved, prefixes expanded, so its
    /// text (`to_string()`) stands on its own for another engine.
    pub query: spargebra::Query,
    pub options: QueryOptions,
    pub cancellation: CancellationToken,
}

/// An update parsed and checked, with its `using-graph-uri` options.
#[derive(Clone)]
pub struct PreparedUpdate {
    pub update: spargebra::Update,
    pub options: QueryOptions,
}

/// Sets the dataset of the SPARQL protocol (`default-graph-uri`,
/// `named-graph-uri` or their `using-` forms): the given default graphs, else
/// the union of all graphs; the given named graphs, else all of them.
pub fn apply_protocol_dataset(
    dataset: &mut oxigraph::sparql::QueryDataset,
    options: &QueryOptions,
) {
    if options.default_graphs.is_empty() {
        dataset.set_default_graph_as_union();
    } else {
        dataset.set_default_graph(
            options
                .default_graphs
                .iter()
                .cloned()
                .map(GraphName::from)
                .collect(),
        );
    }
    if !options.named_graphs.is_empty() {
        dataset.set_available_named_graphs(
            options
                .named_graphs
                .iter()
                .cloned()
                .map(NamedOrBlankNode::from)
                .collect(),
        );
    }
}

/// Sorts evaluation errors into the client's (a `SERVICE` this endpoint will
/// not call, an unsupported function) and the server's.
pub fn evaluation_error(error: QueryEvaluationError) -> Error {
    match error {
        QueryEvaluationError::UnsupportedService(_)
        | QueryEvaluationError::UnboundService
        | QueryEvaluationError::InvalidServiceName(_) => Error::Forbidden(format!(
            "{error}: SERVICE federation is disabled on this endpoint (the operator can enable it with --allow-service)"
        )),
        QueryEvaluationError::UnsupportedCustomFunction(_)
        | QueryEvaluationError::UnsupportedCustomFunctionArity { .. } => {
            Error::BadRequest(error.to_string())
        }
        QueryEvaluationError::Cancelled => Error::Cancelled,
        other => Error::QueryEvaluation(other.to_string()),
    }
}

/// Sorts update errors: what the client's update asked for that the data
/// does not allow (a graph that is missing, or already there) is theirs,
/// named with the rule; a store failure is the server's.
pub fn update_error(error: UpdateEvaluationError) -> Error {
    match error {
        UpdateEvaluationError::GraphDoesNotExist(graph) => Error::NotFound(format!(
            "the graph {graph} does not exist: CLEAR, DROP, ADD, MOVE and COPY need an existing graph (add SILENT to skip a missing one)"
        )),
        UpdateEvaluationError::GraphAlreadyExists(graph) => Error::Conflict(format!(
            "the graph {graph} already exists: CREATE needs a new graph (add SILENT to skip an existing one)"
        )),
        UpdateEvaluationError::UnsupportedService(_)
        | UpdateEvaluationError::UnboundService
        | UpdateEvaluationError::InvalidServiceName(_) => Error::Forbidden(format!(
            "{error}: SERVICE federation is disabled on this endpoint (the operator can enable it with --allow-service)"
        )),
        UpdateEvaluationError::NotExistingSubstitutedVariable(_) => {
            Error::BadRequest(error.to_string())
        }
        UpdateEvaluationError::Storage(e) => Error::Storage(e),
        other => Error::QueryEvaluation(other.to_string()),
    }
}
