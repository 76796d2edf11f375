//! The SPARQL 1.1 Service Description of the endpoint (what a client gets
//! from GET `/sparql` with an RDF Accept header).

use oxigraph::model::vocab::{rdf, rdfs, xsd};
use oxigraph::model::{BlankNode, Literal, NamedNode, NamedOrBlankNode, Term, Triple};

use crate::vocab::{DCT, DCT_TITLE, FORMATS, GRAPH_STORE_PROTOCOL, SD, VOID_TRIPLES};

use super::GraphSizes;

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
    let mut triples = Vec::new();
    let mut add = |s: NamedOrBlankNode, p: NamedNode, o: Term| triples.push(Triple::new(s, p, o));
    let me = NamedOrBlankNode::from(service.clone());
    add(me.clone(), rdf::TYPE.into(), sd("Service").into());
    add(me.clone(), sd("endpoint"), service.clone().into());
    add(
        me.clone(),
        NamedNode::new_unchecked(DCT_TITLE),
        Literal::new_language_tagged_literal_unchecked(
            "SPARQL endpoint of the 2017 High-Level Dialogue between the CPC and World Political Parties",
            "en",
        )
        .into(),
    );
    add(
        me.clone(),
        sd("supportedLanguage"),
        sd("SPARQL11Query").into(),
    );
    if features.update {
        add(
            me.clone(),
            sd("supportedLanguage"),
            sd("SPARQL11Update").into(),
        );
    }
    add(me.clone(), sd("feature"), sd("UnionDefaultGraph").into());
    if features.federation {
        add(me.clone(), sd("feature"), sd("BasicFederatedQuery").into());
    }
    for format in [
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
    ] {
        add(
            me.clone(),
            sd("resultFormat"),
            NamedNode::new_unchecked(format!("{FORMATS}{format}")).into(),
        );
    }
    // The Graph Store Protocol beside the endpoint (SD has no term for it):
    // a resource that conforms to the protocol, linked from the service.
    let store = NamedOrBlankNode::from(NamedNode::new_unchecked(graph_store));
    add(me.clone(), rdfs::SEE_ALSO.into(), store.clone().into());
    add(
        store.clone(),
        NamedNode::new_unchecked(format!("{DCT}conformsTo")),
        NamedNode::new_unchecked(GRAPH_STORE_PROTOCOL).into(),
    );
    add(
        store,
        rdfs::COMMENT.into(),
        Literal::new_language_tagged_literal_unchecked(
            if features.update {
                "SPARQL 1.1 Graph Store Protocol: GET ?graph=IRI or ?default (the union of all graphs); PUT, POST and DELETE with the update token."
            } else {
                "SPARQL 1.1 Graph Store Protocol, read-only: GET ?graph=IRI, or ?default for the union of all graphs."
            },
            "en",
        )
        .into(),
    );
    let dataset = BlankNode::default();
    add(me.clone(), sd("defaultDataset"), dataset.clone().into());
    let dataset = NamedOrBlankNode::from(dataset);
    add(dataset.clone(), rdf::TYPE.into(), sd("Dataset").into());
    let default_graph = BlankNode::default();
    add(
        dataset.clone(),
        sd("defaultGraph"),
        default_graph.clone().into(),
    );
    let default_graph = NamedOrBlankNode::from(default_graph);
    add(default_graph.clone(), rdf::TYPE.into(), sd("Graph").into());
    add(
        default_graph.clone(),
        rdfs::COMMENT.into(),
        Literal::new_language_tagged_literal_unchecked(
            "The default graph of a query is the union of all the named graphs below.",
            "en",
        )
        .into(),
    );
    add(
        default_graph,
        NamedNode::new_unchecked(VOID_TRIPLES),
        Literal::new_typed_literal(sizes.total.to_string(), xsd::INTEGER).into(),
    );
    for (name, size) in &sizes.graphs {
        let named = NamedOrBlankNode::from(BlankNode::default());
        let graph = BlankNode::default();
        add(dataset.clone(), sd("namedGraph"), named.clone().into());
        add(named.clone(), rdf::TYPE.into(), sd("NamedGraph").into());
        add(named.clone(), sd("name"), name.clone().into());
        add(named, sd("graph"), graph.clone().into());
        let graph = NamedOrBlankNode::from(graph);
        add(graph.clone(), rdf::TYPE.into(), sd("Graph").into());
        add(
            graph,
            NamedNode::new_unchecked(VOID_TRIPLES),
            Literal::new_typed_literal(size.to_string(), xsd::INTEGER).into(),
        );
    }
    triples
}
