//! Where the served triples live. Everything the server shows (pages, data
//! documents, dumps, counts, `/sparql`) reads the data through the
//! [`Backend`] trait, so the same publisher runs over:
//!
//! - [`Embedded`]: an Oxigraph store in this process (in memory, or RocksDB
//!   with the `rocksdb` feature): the default, and the fastest;
//! - [`remote::Remote`]: any SPARQL 1.1 endpoint (Virtuoso, QLever, GraphDB,
//!   Oxigraph's own server...), for graphs kept in an engine built for them.
//!
//! The trait is small on purpose: quad-pattern lookups, counts, and SPARQL
//! queries and updates. Code that would make many lookups in a row (a page's
//! labels, the timeline's events) asks [`Backend::cheap_lookups`] and uses a
//! few SPARQL queries instead when each lookup is a round trip.

pub mod engine_answers;
pub mod prepared;
pub mod remote;

use oxigraph::model::{
    GraphNameRef, NamedNode, NamedNodeRef, NamedOrBlankNode, NamedOrBlankNodeRef, Quad, TermRef,
};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use oxigraph::store::Store;

use crate::error::{Error, Result};
use prepared::{PreparedQuery, PreparedUpdate};

/// A stream of quads from a backend.
pub type Quads<'a> = Box<dyn Iterator<Item = Result<Quad>> + 'a>;

/// What the server needs from a store of triples.
pub trait Backend: Send + Sync {
    /// Says where the data is, for logs and the start-up message.
    fn name(&self) -> String;

    /// Whether one quad-pattern lookup is an index read (microseconds) rather
    /// than a request to another server (a round trip each).
    fn cheap_lookups(&self) -> bool;

    /// The quads matching a pattern; `None` matches anything (for `graph`,
    /// any graph, the default one included).
    fn quads_for_pattern(
        &self,
        subject: Option<NamedOrBlankNodeRef<'_>>,
        predicate: Option<NamedNodeRef<'_>>,
        object: Option<TermRef<'_>>,
        graph: Option<GraphNameRef<'_>>,
    ) -> Quads<'_>;

    /// How many quads there are.
    fn len(&self) -> Result<usize>;

    /// Whether there is no quad at all.
    fn is_empty(&self) -> Result<bool>;

    /// The named graphs that hold data.
    fn named_graphs(&self) -> Result<Vec<NamedNode>>;

    /// Evaluates a parsed query. Solutions and triples come lazily.
    fn query(&self, query: PreparedQuery) -> Result<QueryResults<'static>>;

    /// Applies a parsed SPARQL Update.
    fn update(&self, update: PreparedUpdate) -> Result<()>;

    /// The embedded store, for the commands that work on one directly
    /// (validation); `None` for a remote endpoint.
    fn as_store(&self) -> Option<&Store> {
        None
    }
}

/// An Oxigraph store in this process.
pub struct Embedded {
    store: Store,
}

impl Embedded {
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

impl Backend for Embedded {
    fn name(&self) -> String {
        "the embedded store".to_owned()
    }

    fn cheap_lookups(&self) -> bool {
        true
    }

    fn quads_for_pattern(
        &self,
        subject: Option<NamedOrBlankNodeRef<'_>>,
        predicate: Option<NamedNodeRef<'_>>,
        object: Option<TermRef<'_>>,
        graph: Option<GraphNameRef<'_>>,
    ) -> Quads<'_> {
        Box::new(
            self.store
                .quads_for_pattern(subject, predicate, object, graph)
                .map(|quad| quad.map_err(Error::from)),
        )
    }

    fn len(&self) -> Result<usize> {
        Ok(self.store.len()?)
    }

    fn is_empty(&self) -> Result<bool> {
        Ok(self.store.is_empty()?)
    }

    fn named_graphs(&self) -> Result<Vec<NamedNode>> {
        let mut graphs = Vec::new();
        for graph in self.store.named_graphs() {
            if let NamedOrBlankNode::NamedNode(name) = graph? {
                graphs.push(name);
            }
        }
        Ok(graphs)
    }

    fn query(&self, query: PreparedQuery) -> Result<QueryResults<'static>> {
        let PreparedQuery {
            query,
            options,
            cancellation,
        } = query;
        let mut evaluator = SparqlEvaluator::new().with_cancellation_token(cancellation);
        if !options.allow_service {
            evaluator = evaluator.without_default_http_service_handler();
        }
        let mut prepared = evaluator.for_query(query);
        let spec = prepared.dataset_mut();
        // The protocol's graphs override the query's FROM; a query with
        // neither runs over the union of all the named graphs the data was
        // loaded into.
        if !options.default_graphs.is_empty()
            || !options.named_graphs.is_empty()
            || spec.is_default_dataset()
        {
            prepared::apply_protocol_dataset(spec, &options);
        }
        // The union of all graphs is the default graph itself when the store
        // has no named graph (`load --default-graph`); said so, the engine
        // reads one index instead of merging all of them (about 20 % of a
        // GROUP BY over a million triples).
        if spec.default_graph_graphs().is_none()
            && spec.available_named_graphs().is_none()
            && self.store.named_graphs().next().is_none()
        {
            spec.set_default_graph(vec![oxigraph::model::GraphName::DefaultGraph]);
        }
        prepared
            .on_store(&self.store)
            .execute()
            .map_err(prepared::evaluation_error)
    }

    fn update(&self, update: PreparedUpdate) -> Result<()> {
        let PreparedUpdate { update, options } = update;
        let mut evaluator = SparqlEvaluator::new();
        if !options.allow_service {
            evaluator = evaluator.without_default_http_service_handler();
        }
        let mut prepared = evaluator.for_update(update);
        for dataset in prepared.using_datasets_mut() {
            if dataset.is_default_dataset() {
                prepared::apply_protocol_dataset(dataset, &options);
            }
        }
        prepared
            .on_store(&self.store)
            .execute()
            .map_err(prepared::update_error)
    }

    fn as_store(&self) -> Option<&Store> {
        Some(&self.store)
    }
}
