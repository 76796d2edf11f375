//! The Hydra controls and VoID counts that describe a fragment page, the
//! graph that holds them, and the skolem IRIs that stand for blank nodes.

use oxigraph::model::{BlankNode, Literal, NamedNode, NamedOrBlankNode, Quad, Term, Triple};

use crate::config::BaseIri;
use crate::vocab::{DCT, FOAF, HYDRA, RDF, SD, VOID, XSD_INTEGER};

use super::{Fragment, PAGE_SIZE, Selector, genid_prefix, union_graph_iri};

/// The triples that describe a fragment page and the dataset's search form
/// (what a TPF client reads to find the count, the next page, and how to ask
/// for another pattern). `address` is where the client reached `/fragments`
/// (the base IRI's, or another through a proxy or port mapping) and
/// `page_iri` the page it asked for: the controls lead back to where it is.
pub fn metadata(base: &BaseIri, address: &str, fragment: &Fragment, page_iri: &str) -> Vec<Triple> {
    let dataset = iri(&format!("{address}#dataset"));
    let mut triples = search_form(base, address, &dataset, page_iri);
    triples.extend(page_controls(base, address, fragment, &dataset, page_iri));
    triples
}

fn iri(value: &str) -> NamedNode {
    NamedNode::new_unchecked(value)
}

fn hydra(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{HYDRA}{local}"))
}

fn void(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{VOID}{local}"))
}

/// The dataset and its search form: the template a client fills in to ask
/// for another pattern, with one mapping per variable.
fn search_form(
    base: &BaseIri,
    fragments: &str,
    dataset: &NamedNode,
    page_iri: &str,
) -> Vec<Triple> {
    let rdf_type = oxigraph::model::vocab::rdf::TYPE.into_owned();
    let search = iri(&format!("{fragments}#triplePattern"));
    let mut triples = vec![
        Triple::new(dataset.clone(), rdf_type.clone(), void("Dataset")),
        Triple::new(dataset.clone(), rdf_type, hydra("Collection")),
        Triple::new(dataset.clone(), void("subset"), iri(page_iri)),
        Triple::new(dataset.clone(), hydra("search"), search.clone()),
        Triple::new(
            search.clone(),
            hydra("template"),
            Literal::new_simple_literal(format!("{fragments}{{?subject,predicate,object,graph}}")),
        ),
        Triple::new(
            search.clone(),
            hydra("variableRepresentation"),
            hydra("ExplicitRepresentation"),
        ),
    ];
    for (variable, property) in [
        ("subject", format!("{RDF}subject")),
        ("predicate", format!("{RDF}predicate")),
        ("object", format!("{RDF}object")),
        ("graph", format!("{SD}graph")),
    ] {
        let mapping = iri(&format!("{fragments}#{variable}"));
        triples.extend([
            Triple::new(search.clone(), hydra("mapping"), mapping.clone()),
            Triple::new(
                mapping.clone(),
                hydra("variable"),
                Literal::new_simple_literal(variable),
            ),
            Triple::new(mapping, hydra("property"), iri(&property)),
        ]);
    }
    // A query's default graph is the union of all graphs, as at /sparql.
    triples.push(Triple::new(
        dataset.clone(),
        iri(&format!("{SD}defaultGraph")),
        iri(&union_graph_iri(base)),
    ));
    triples
}

/// The page as a view of the collection: its title, count and links to the
/// first, last, previous and next pages.
fn page_controls(
    base: &BaseIri,
    address: &str,
    fragment: &Fragment,
    dataset: &NamedNode,
    page_iri: &str,
) -> Vec<Triple> {
    let integer = |n: usize| Literal::new_typed_literal(n.to_string(), iri(XSD_INTEGER));
    let rdf_type = oxigraph::model::vocab::rdf::TYPE.into_owned();
    let page = iri(page_iri);
    let title = if fragment.selector.is_empty() {
        "Every triple of the dataset".to_owned()
    } else {
        format!("Quads matching {}", pattern_text(&fragment.selector, base))
    };
    let mut triples = vec![
        Triple::new(page.clone(), rdf_type, hydra("PartialCollectionView")),
        Triple::new(
            page.clone(),
            iri(&format!("{DCT}title")),
            Literal::new_language_tagged_literal_unchecked(title, "en"),
        ),
        Triple::new(page.clone(), iri(&format!("{DCT}source")), dataset.clone()),
        // The count comes first among the numbers: Comunica takes the first
        // hydra:totalItems or void:triples it reads as this page's.
        // A lower bound when counting stopped at COUNT_LIMIT.
        Triple::new(
            page.clone(),
            hydra("totalItems"),
            integer(fragment.total.matches),
        ),
        Triple::new(
            page.clone(),
            void("triples"),
            integer(fragment.total.matches),
        ),
        Triple::new(page.clone(), hydra("itemsPerPage"), integer(PAGE_SIZE)),
    ];
    let link = |n: usize| iri(&fragment.selector.page_at(base, address, n));
    triples.push(Triple::new(page.clone(), hydra("first"), link(1)));
    if let Some(last) = fragment.last_page() {
        triples.push(Triple::new(page.clone(), hydra("last"), link(last)));
    }
    if fragment.page > 1 {
        triples.push(Triple::new(
            page.clone(),
            hydra("previous"),
            link(fragment.page - 1),
        ));
    }
    if fragment.has_next() {
        triples.push(Triple::new(page, hydra("next"), link(fragment.page + 1)));
    }
    triples
}

/// The name of the graph that holds a page's metadata in TriG and N-Quads,
/// and the triple that ties it to the page (as LDF Server.js writes it, and
/// as Comunica looks for it).
pub fn metadata_graph(page_iri: &str) -> (NamedNode, Triple) {
    let graph = NamedNode::new_unchecked(format!("{page_iri}#metadata"));
    let tie = Triple::new(
        graph.clone(),
        NamedNode::new_unchecked(format!("{FOAF}primaryTopic")),
        NamedNode::new_unchecked(page_iri),
    );
    (graph, tie)
}

/// A quad with its blank nodes as skolem IRIs: what a fragment publishes.
pub fn skolemized(base: &BaseIri, quad: &Quad) -> Quad {
    let skolem =
        |b: &BlankNode| NamedNode::new_unchecked(format!("{}{}", genid_prefix(base), b.as_str()));
    let subject = match &quad.subject {
        NamedOrBlankNode::BlankNode(b) => NamedOrBlankNode::NamedNode(skolem(b)),
        other => other.clone(),
    };
    let object = match &quad.object {
        Term::BlankNode(b) => Term::NamedNode(skolem(b)),
        other => other.clone(),
    };
    Quad::new(
        subject,
        quad.predicate.clone(),
        object,
        quad.graph_name.clone(),
    )
}

/// `{ s p o }` (or `GRAPH g { s p o }`) with `?s`, `?p`, `?o`, `?g` where
/// unbound, for titles and pages.
pub fn pattern_text(selector: &Selector, base: &BaseIri) -> String {
    let term =
        |t: &Option<Term>, var: &str| t.as_ref().map_or_else(|| var.to_owned(), Term::to_string);
    let triple = format!(
        "{} {} {}",
        term(&selector.subject, "?s"),
        term(&selector.predicate, "?p"),
        term(&selector.object, "?o"),
    );
    if selector.union {
        format!("{{ {triple} }}")
    } else {
        let graph = match &selector.graph {
            Some(Term::NamedNode(g)) => crate::terms::compact_iri(g.as_str(), base),
            Some(other) => other.to_string(),
            None => "?g".to_owned(),
        };
        format!("GRAPH {graph} {{ {triple} }}")
    }
}
