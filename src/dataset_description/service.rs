//! The SPARQL 1.1 Service Description of the endpoint (what a client gets
//! from GET `/sparql` with an RDF Accept header).

use oxigraph::model::vocab::{rdf, rdfs, xsd};
use oxigraph::model::{BlankNode, Literal, NamedNode, NamedOrBlankNode, Triple};

use crate::vocab::{DCT, DCT_TITLE, FORMATS, GRAPH_STORE_PROTOCOL, SD, VOID_TRIPLES};

use super::{GraphSizes, Statements};

fn sd(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{SD}{local}"))
}

/// What the endpoint offers, beyond the fixed facts.
#[derive(Clone, Copy, Debug)]
pub struct EndpointFeatures {
    pub update: bool,
    pub federation: bool,
}

/// The SPARQL 1.1 Service Description of the endpoint at `endpoint`, with
/// the Graph Store Protocol at `graph_store`.
pub fn service_description(
    endpoint: &str,
    graph_store: &str,
    sizes: &GraphSizes,
    features: EndpointFeatures,
) -> Vec<Triple> {
    let service = NamedNode::new_unchecked(endpoint);
    let mut out = Statements::default();
    let me = NamedOrBlankNode::from(service.clone());
    out.add(me.clone(), rdf::TYPE, sd("Service"));
    out.add(me.clone(), sd("endpoint"), service);
    out.add(
        me.clone(),
        NamedNode::new_unchecked(DCT_TITLE),
        Literal::new_language_tagged_literal_unchecked(
            "SPARQL endpoint of the 2017 High-Level Dialogue between the CPC and World Political Parties",
            "en",
        ),
    );
    out.add(me.clone(), sd("supportedLanguage"), sd("SPARQL11Query"));
    if features.update {
        out.add(me.clone(), sd("supportedLanguage"), sd("SPARQL11Update"));
    }
    out.add(me.clone(), sd("feature"), sd("UnionDefaultGraph"));
    if features.federation {
        out.add(me.clone(), sd("feature"), sd("BasicFederatedQuery"));
    }
    for format in RESULT_FORMAT_NAMES {
        let format = NamedNode::new_unchecked(format!("{FORMATS}{format}"));
        out.add(me.clone(), sd("resultFormat"), format);
    }
    graph_store_triples(&mut out, &me, graph_store, features);
    dataset_triples(&mut out, &me, sizes);
    out.0
}

/// W3C's names (under [`FORMATS`]) of the formats the endpoint answers in.
const RESULT_FORMAT_NAMES: &[&str] = &[
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "JSON-LD",
    "N-Triples",
    "RDF_XML",
    "N-Quads",
    "TriG",
];

/// The Graph Store Protocol beside the endpoint (SD has no term for it): a
/// resource that conforms to the protocol, linked from the service.
fn graph_store_triples(
    out: &mut Statements,
    me: &NamedOrBlankNode,
    graph_store: &str,
    features: EndpointFeatures,
) {
    let store = NamedOrBlankNode::from(NamedNode::new_unchecked(graph_store));
    out.add(me.clone(), rdfs::SEE_ALSO, store.clone());
    out.add(
        store.clone(),
        NamedNode::new_unchecked(format!("{DCT}conformsTo")),
        NamedNode::new_unchecked(GRAPH_STORE_PROTOCOL),
    );
    let comment = if features.update {
        "SPARQL 1.1 Graph Store Protocol: GET ?graph=IRI or ?default (the union of all graphs); PUT, POST and DELETE with the update token."
    } else {
        "SPARQL 1.1 Graph Store Protocol, read-only: GET ?graph=IRI, or ?default for the union of all graphs."
    };
    out.add(
        store,
        rdfs::COMMENT,
        Literal::new_language_tagged_literal_unchecked(comment, "en"),
    );
}

/// The default dataset: its default graph (the union) and each named
/// graph, with their sizes.
fn dataset_triples(out: &mut Statements, me: &NamedOrBlankNode, sizes: &GraphSizes) {
    let triples = |n: usize| Literal::new_typed_literal(n.to_string(), xsd::INTEGER);
    let dataset = BlankNode::default();
    out.add(me.clone(), sd("defaultDataset"), dataset.clone());
    out.add(dataset.clone(), rdf::TYPE, sd("Dataset"));
    let default_graph = BlankNode::default();
    out.add(dataset.clone(), sd("defaultGraph"), default_graph.clone());
    out.add(default_graph.clone(), rdf::TYPE, sd("Graph"));
    out.add(
        default_graph.clone(),
        rdfs::COMMENT,
        Literal::new_language_tagged_literal_unchecked(
            "The default graph of a query is the union of all the named graphs below.",
            "en",
        ),
    );
    out.add(
        default_graph,
        NamedNode::new_unchecked(VOID_TRIPLES),
        triples(sizes.total),
    );
    for (name, size) in &sizes.graphs {
        let named = BlankNode::default();
        let graph = BlankNode::default();
        out.add(dataset.clone(), sd("namedGraph"), named.clone());
        out.add(named.clone(), rdf::TYPE, sd("NamedGraph"));
        out.add(named.clone(), sd("name"), name.clone());
        out.add(named.clone(), sd("graph"), graph.clone());
        out.add(graph.clone(), rdf::TYPE, sd("Graph"));
        for (property, text) in sizes.descriptions.get(name).into_iter().flatten() {
            out.add(named.clone(), property.clone(), text.clone());
        }
        out.add(
            graph,
            NamedNode::new_unchecked(VOID_TRIPLES),
            triples(*size),
        );
    }
}
