//! Reading the answers of SPARQL text sent to the dataset's backend, for the
//! features that ask a remote engine a few queries where the embedded store
//! makes many index lookups: the rows of a SELECT (also page by page, as
//! engines cap one answer), a count, and the triples of a CONSTRUCT with
//! blank nodes named so that two answers never share one.

use std::collections::{BTreeSet, HashMap};

use oxigraph::model::{BlankNode, NamedOrBlankNode, Term, Triple};
use oxigraph::sparql::{QueryResults, QuerySolution};

use crate::backend::engine_answers::results_error;
use crate::backend::remote::PAGE_ROWS;
use crate::error::Result;
use crate::store::Dataset;

/// The rows of a SELECT.
pub fn select(dataset: &Dataset, query: &str) -> Result<Vec<QuerySolution>> {
    match crate::sparql::run(dataset, query)? {
        QueryResults::Solutions(solutions) => solutions
            .map(|s| s.map_err(results_error))
            .collect::<Result<_>>(),
        _ => Ok(Vec::new()),
    }
}

/// The rows of a SELECT that may have many, a page of [`PAGE_ROWS`] per
/// query: engines cap one result (Virtuoso at 10,000 rows by default).
pub fn paged_select(dataset: &Dataset, query: &str) -> Result<Vec<QuerySolution>> {
    let mut rows = Vec::new();
    let mut offset = 0;
    loop {
        let page = select(
            dataset,
            &format!("{query} LIMIT {PAGE_ROWS} OFFSET {offset}"),
        )?;
        let full = page.len() == PAGE_ROWS;
        rows.extend(page);
        if !full {
            return Ok(rows);
        }
        offset += PAGE_ROWS;
    }
}

/// The number `?n` of a counting SELECT.
pub fn count(dataset: &Dataset, query: &str) -> Result<usize> {
    Ok(select(dataset, query)?
        .first()
        .and_then(|row| match row.get("n") {
            Some(Term::Literal(n)) => n.value().parse().ok(),
            _ => None,
        })
        .unwrap_or(0))
}

/// The triples of a CONSTRUCT, with blank nodes renamed (engines may label
/// them per answer, so labels from two answers must not meet).
pub fn construct(dataset: &Dataset, prefix: &str, query: &str) -> Result<Vec<Triple>> {
    match crate::sparql::run(dataset, query)? {
        QueryResults::Graph(triples) => Ok(renamed(
            prefix,
            triples
                .map(|t| t.map_err(results_error))
                .collect::<Result<_>>()?,
        )),
        _ => Ok(Vec::new()),
    }
}

/// Blank nodes renamed after what is said of them (`{prefix}` and a digest
/// of their triples, blank nodes in those left out): answers from two queries
/// never share a label, and the same answer gives the same document however
/// the engine orders its rows (so its ETag and bytes stay put).
pub fn renamed(prefix: &str, triples: Vec<Triple>) -> Vec<Triple> {
    use sha2::{Digest, Sha256};
    let masked = |t: &Term| match t {
        Term::BlankNode(_) => "_".to_owned(),
        other => other.to_string(),
    };
    // A CONSTRUCT may give a triple more than once (one per solution):
    // the signature is of the set.
    let mut signatures: HashMap<BlankNode, BTreeSet<String>> = HashMap::new();
    for t in &triples {
        if let NamedOrBlankNode::BlankNode(b) = &t.subject {
            signatures.entry(b.clone()).or_default().insert(format!(
                "S {} {}",
                t.predicate,
                masked(&t.object)
            ));
        }
        if let Term::BlankNode(b) = &t.object {
            let subject = match &t.subject {
                NamedOrBlankNode::BlankNode(_) => "_".to_owned(),
                other => other.to_string(),
            };
            signatures
                .entry(b.clone())
                .or_default()
                .insert(format!("O {subject} {}", t.predicate));
        }
    }
    let mut named: Vec<(String, BlankNode)> = signatures
        .into_iter()
        .map(|(node, lines)| {
            let lines: Vec<String> = lines.into_iter().collect();
            let digest = Sha256::digest(lines.join("\n").as_bytes());
            (format!("{digest:x}"), node)
        })
        .collect();
    named.sort_by(|a, b| a.0.cmp(&b.0));
    let mut fresh: HashMap<BlankNode, BlankNode> = HashMap::new();
    let mut previous = String::new();
    let mut repeat = 0;
    for (digest, node) in named {
        // Nodes said alike are interchangeable: numbering them in any order
        // gives the same document.
        repeat = if digest == previous { repeat + 1 } else { 0 };
        let label = format!("{prefix}{}x{repeat}", &digest[..12]);
        previous = digest;
        fresh.insert(node, BlankNode::new_unchecked(label));
    }
    triples
        .into_iter()
        .map(|mut t| {
            // Every blank node has a signature, so a name; no panic if not.
            let name = |b: &BlankNode| fresh.get(b).cloned().unwrap_or_else(|| b.clone());
            if let NamedOrBlankNode::BlankNode(b) = &t.subject {
                t.subject = name(b).into();
            }
            if let Term::BlankNode(b) = &t.object {
                t.object = name(b).into();
            }
            t
        })
        .collect()
}

pub fn subject_of(row: &QuerySolution, name: &str) -> Option<NamedOrBlankNode> {
    match row.get(name)? {
        Term::NamedNode(n) => Some(n.clone().into()),
        Term::BlankNode(b) => Some(b.clone().into()),
        _ => None,
    }
}
