//! An entity described by queries to a remote engine, where every lookup is
//! a round trip: a page costs a handful of queries, not one request per
//! triple pattern. Each function here gives the same answer as its
//! index-lookup twin in [`super`]; the tests run both on the embedded store
//! and compare.
//!
//! An entity page or data document (`describe_page`) takes at most six
//! queries (step 2 is two):
//!
//! 1. its concise description: its triples, and those of the blank nodes
//!    and `#fragment` IRIs it points to, three levels down (CONSTRUCT);
//! 2. its evidence: the reified statements about it and the annotations
//!    quoting them (CONSTRUCT), then those annotations with their parts
//!    (bodies, target, selectors) (CONSTRUCT with `VALUES`);
//! 3. one page of the triples pointing at it, ordered (SELECT, `LIMIT 500`);
//! 4. only for a hub whose links fill more than a page: how many there are;
//! 5. the labels of everything the above mentions (SELECT with `VALUES`, 100
//!    IRIs per query).
//!
//! Their answers go into a small in-memory store, and the page is built from
//! it by the same code as for the embedded store.

use std::collections::BTreeSet;

use oxigraph::model::vocab::{rdf, rdfs};
use oxigraph::model::{GraphName, Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use oxigraph::sparql::QueryResults;
use oxigraph::store::Store;

use super::{Description, MAX_INCOMING};
use crate::error::Result;
use crate::sparql::engine_reads::{construct, count, renamed, select, subject_of};
use crate::store::Dataset;
use crate::vocab::OA;

/// IRIs per `VALUES` block of a label query: the query stays well inside
/// what a GET URL can carry.
const LABELS_PER_QUERY: usize = 100;

/// Whether the data says anything about `iri`: one ASK.
pub fn exists(dataset: &Dataset, iri: &NamedNode) -> Result<bool> {
    let query = format!("ASK {{ {{ {iri} ?p ?o }} UNION {{ ?s ?p {iri} }} }}");
    match crate::sparql::run(dataset, &query)? {
        QueryResults::Boolean(answer) => Ok(answer),
        _ => Ok(false),
    }
}

/// The description of `iri` with the `page`-th slice of its incoming links,
/// from the queries listed at the top of this module.
pub fn describe_page(
    dataset: &Dataset,
    iri: &NamedNode,
    page: usize,
) -> Result<Option<Description>> {
    let page = page.max(1);
    let scratch = Store::new()?;
    let add = |triples: Vec<Triple>| -> Result<()> {
        for triple in triples {
            scratch.insert(&triple.in_graph(GraphName::DefaultGraph))?;
        }
        Ok(())
    };
    add(concise_description(dataset, iri)?)?;
    add(evidence(dataset, iri)?)?;
    let (incoming, total) = incoming_page(dataset, iri, page)?;
    add(incoming)?;
    add(labels(dataset, &scratch)?)?;
    let skip = (page - 1).saturating_mul(MAX_INCOMING);
    let view = Dataset::in_memory(scratch, dataset.base());
    let Some(mut description) = super::describe_page(&view, iri, 1)? else {
        return Ok(None);
    };
    if page > 1 && description.incoming.is_empty() {
        return Ok(None); // past the last page
    }
    description.page = page;
    description.incoming_omitted = total.saturating_sub(skip + description.incoming.len());
    Ok(Some(description))
}

/// Query 1, the concise description: the entity's triples and those of its blank
/// nodes and `#fragment` parts, three levels down.
fn concise_description(dataset: &Dataset, iri: &NamedNode) -> Result<Vec<Triple>> {
    let fragment = Literal::new_simple_literal(format!("{}#", iri.as_str()));
    let follow = |node: &str| format!("(isBlank({node}) || STRSTARTS(STR({node}), {fragment}))");
    // Each level
    // is a branch of its own, a plain join: nested OPTIONALs with FILTERs
    // made Oxigraph's server scan every triple (0.4 s a page at 100k).
    construct(
        dataset,
        "about",
        &format!(
            "CONSTRUCT {{ {iri} ?p1 ?o1 . ?o1 ?p2 ?o2 . ?o2 ?p3 ?o3 . ?o3 ?p4 ?o4 }} WHERE {{
  {{ {iri} ?p1 ?o1 }}
  UNION {{ {iri} ?p1 ?o1 . ?o1 ?p2 ?o2 . FILTER{f1} }}
  UNION {{ {iri} ?p1 ?o1 . ?o1 ?p2 ?o2 . ?o2 ?p3 ?o3 . FILTER({f1} && {f2}) }}
  UNION {{ {iri} ?p1 ?o1 . ?o1 ?p2 ?o2 . ?o2 ?p3 ?o3 . ?o3 ?p4 ?o4 . FILTER({f1} && {f2} && {f3}) }}
}}",
            f1 = follow("?o1"),
            f2 = follow("?o2"),
            f3 = follow("?o3"),
        ),
    )
}

/// Query 2, the evidence: statements about the entity and the annotations quoting
/// them, then those annotations' own parts (bodies, target, selectors).
fn evidence(dataset: &Dataset, iri: &NamedNode) -> Result<Vec<Triple>> {
    // Each level is a branch of its own. Both answers name blank
    // nodes after their triples, so a statement in both is one node.
    let has_body = format!("<{OA}hasBody>");
    let evidence = construct(
        dataset,
        "evidence",
        &format!(
            "CONSTRUCT {{ ?st ?sp ?so . ?a {has_body} ?st }} WHERE {{
  ?st {subject} {iri} .
  {{ ?st ?sp ?so }} UNION {{ ?a {has_body} ?st }}
}}",
            subject = rdf::SUBJECT,
        ),
    )?;
    let annotations: BTreeSet<String> = evidence
        .iter()
        .filter(|t| t.predicate.as_str() == format!("{OA}hasBody"))
        .filter_map(|t| match &t.subject {
            NamedOrBlankNode::NamedNode(a) => Some(a.to_string()),
            _ => None,
        })
        .collect();
    let mut triples = evidence;
    // A part of an annotation: a blank node, or an IRI in its document.
    let part =
        |node: &str| format!("(isBlank({node}) || STRSTARTS(STR({node}), CONCAT(STR(?a), \"#\")))");
    let annotations: Vec<String> = annotations.into_iter().collect();
    for batch in annotations.chunks(LABELS_PER_QUERY) {
        triples.extend(construct(
            dataset,
            "evidence",
            &format!(
                "CONSTRUCT {{ ?a ?ap ?ao . ?ao ?bp ?bo . ?bo ?cp ?co }} WHERE {{
  VALUES ?a {{ {} }}
  {{ ?a ?ap ?ao }}
  UNION {{ ?a ?ap ?ao . ?ao ?bp ?bo . FILTER{p1} }}
  UNION {{ ?a ?ap ?ao . ?ao ?bp ?bo . FILTER{p1} ?bo ?cp ?co . FILTER{p2} }}
}}",
                batch.join(" "),
                p1 = part("?ao"),
                p2 = part("?bo"),
            ),
        )?);
    }
    Ok(triples)
}

/// Queries 3 and 4, one page of incoming links (evidence links are shown as
/// evidence) and how many there are in all: counted only when there may be
/// more than this page.
fn incoming_page(dataset: &Dataset, iri: &NamedNode, page: usize) -> Result<(Vec<Triple>, usize)> {
    let has_body = format!("<{OA}hasBody>");
    let incoming_pattern = format!(
        "?s ?p {iri} . FILTER(?p NOT IN ({}, {}, {has_body}))",
        rdf::SUBJECT,
        rdf::OBJECT
    );
    let skip = (page - 1).saturating_mul(MAX_INCOMING);
    let mut incoming = Vec::new();
    for row in select(
        dataset,
        &format!(
            "SELECT ?s ?p WHERE {{ {incoming_pattern} }} ORDER BY ?s ?p LIMIT {MAX_INCOMING} OFFSET {skip}"
        ),
    )? {
        if let (Some(s), Some(Term::NamedNode(p))) = (subject_of(&row, "s"), row.get("p")) {
            incoming.push(Triple::new(s, p.clone(), iri.clone()));
        }
    }
    let shown = incoming.len();
    let total = if page > 1 || shown >= MAX_INCOMING {
        count(
            dataset,
            &format!("SELECT (COUNT(*) AS ?n) WHERE {{ {incoming_pattern} }}"),
        )?
    } else {
        shown
    };
    Ok((renamed("incoming", incoming), total))
}

/// Query 5, the labels of everything the answers so far mention.
fn labels(dataset: &Dataset, scratch: &Store) -> Result<Vec<Triple>> {
    let mut mentioned: BTreeSet<NamedNode> = BTreeSet::new();
    for quad in scratch.iter() {
        let quad = quad?;
        mentioned.insert(quad.predicate);
        if let NamedOrBlankNode::NamedNode(s) = quad.subject {
            mentioned.insert(s);
        }
        if let Term::NamedNode(o) = quad.object {
            mentioned.insert(o);
        }
    }
    let mentioned: Vec<NamedNode> = mentioned.into_iter().collect();
    let mut labels = Vec::new();
    for batch in mentioned.chunks(LABELS_PER_QUERY) {
        let values: Vec<String> = batch.iter().map(ToString::to_string).collect();
        for row in select(
            dataset,
            &format!(
                "SELECT ?x ?l WHERE {{ VALUES ?x {{ {} }} ?x {} ?l }}",
                values.join(" "),
                rdfs::LABEL
            ),
        )? {
            if let (Some(Term::NamedNode(x)), Some(l)) = (row.get("x"), row.get("l")) {
                labels.push(Triple::new(x.clone(), rdfs::LABEL, l.clone()));
            }
        }
    }
    Ok(labels)
}
