//! What a backend evaluates: a query or update already
//! parsed and checked, with the SPARQL protocol's dataset options, and how
//! those options and evaluation errors translate for Oxigraph.

use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode};
use oxigraph::sparql::{CancellationToken, QueryEvaluationError};

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
