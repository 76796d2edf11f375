//! The SPARQL queries the publisher sends when every lookup is a round trip
//! (a remote endpoint): a page costs a handful of queries, not one request
//! per triple pattern. Each function here gives the same answer as the
//! index-lookup code it stands in for; the tests run both on the embedded
//! store and compare.
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

use std::collections::{BTreeSet, HashMap};

use oxigraph::model::vocab::{rdf, rdfs};
use oxigraph::model::{
    BlankNode, GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term, Triple,
};
use oxigraph::sparql::{QueryResults, QuerySolution};
use oxigraph::store::Store;

use super::remote::{PAGE_ROWS, results_error};
use crate::description::GraphSizes;
use crate::error::Result;
use crate::fragments::{COUNT_LIMIT, Count};
use crate::linked_data::{self, Description, MAX_INCOMING};
use crate::pictures::{DatedEvents, day_range};
use crate::store::Dataset;
use crate::vocab::{OA, PROV};

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
    let fragment = Literal::new_simple_literal(format!("{}#", iri.as_str()));
    let follow = |node: &str| format!("(isBlank({node}) || STRSTARTS(STR({node}), {fragment}))");
    // 1. The concise description, three levels below the entity. Each level
    // is a branch of its own, a plain join: nested OPTIONALs with FILTERs
    // made Oxigraph's server scan every triple (0.4 s a page at 100k).
    add(construct(
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
    )?)?;
    // 2. The evidence: statements about the entity and the annotations
    // quoting them; then those annotations' own parts (bodies, target,
    // selectors), each level a branch of its own. Both answers name blank
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
    add(evidence)?;
    // A part of an annotation: a blank node, or an IRI in its document.
    let part =
        |node: &str| format!("(isBlank({node}) || STRSTARTS(STR({node}), CONCAT(STR(?a), \"#\")))");
    let annotations: Vec<String> = annotations.into_iter().collect();
    for batch in annotations.chunks(LABELS_PER_QUERY) {
        add(construct(
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
        )?)?;
    }
    // 3. One page of incoming links (evidence links are shown as evidence).
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
    // 4. A count, only when there may be more than this page.
    let total = if page > 1 || shown >= MAX_INCOMING {
        count(
            dataset,
            &format!("SELECT (COUNT(*) AS ?n) WHERE {{ {incoming_pattern} }}"),
        )?
    } else {
        shown
    };
    add(renamed("incoming", incoming))?;
    // 5. Labels of everything mentioned.
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
    for batch in mentioned.chunks(LABELS_PER_QUERY) {
        let values: Vec<String> = batch.iter().map(ToString::to_string).collect();
        let mut labels = Vec::new();
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
        add(labels)?;
    }

    let view = Dataset::in_memory(scratch, dataset.base());
    let Some(mut description) = linked_data::describe_page(&view, iri, 1)? else {
        return Ok(None);
    };
    if page > 1 && description.incoming.is_empty() {
        return Ok(None); // past the last page
    }
    description.page = page;
    description.incoming_omitted = total.saturating_sub(skip + description.incoming.len());
    Ok(Some(description))
}

/// Every dated event, from three queries (dates, inferences, labels).
pub fn dated_events(dataset: &Dataset) -> Result<DatedEvents> {
    const EVENT: &str = "<http://schema.org/Event>";
    let vocabulary = dataset.base().vocabulary();
    let mut dates: HashMap<NamedNode, (Option<String>, Option<String>)> = HashMap::new();
    for row in paged_select(
        dataset,
        &format!(
            "SELECT ?e ?start ?end WHERE {{ ?e a {EVENT} .
  OPTIONAL {{ ?e <http://schema.org/startDate> ?start }}
  OPTIONAL {{ ?e <http://schema.org/endDate> ?end }}
  FILTER(isIRI(?e) && (BOUND(?start) || BOUND(?end))) }}"
        ),
    )? {
        let Some(Term::NamedNode(event)) = row.get("e") else {
            continue;
        };
        let value = |name: &str| match row.get(name) {
            Some(Term::Literal(l)) => Some(l.value().to_owned()),
            _ => None,
        };
        let entry = dates.entry(event.clone()).or_default();
        entry.0 = entry.0.take().or_else(|| value("start"));
        entry.1 = entry.1.take().or_else(|| value("end"));
    }
    let mut inferred = std::collections::HashSet::new();
    for row in paged_select(
        dataset,
        &format!(
            "SELECT DISTINCT ?e WHERE {{ ?e a {EVENT} . ?st {} ?e ; <{vocabulary}basis> <{vocabulary}Inference> }}",
            rdf::SUBJECT
        ),
    )? {
        if let Some(Term::NamedNode(event)) = row.get("e") {
            inferred.insert(event.clone());
        }
    }
    let mut labels: HashMap<NamedNode, Vec<Literal>> = HashMap::new();
    for row in paged_select(
        dataset,
        &format!(
            "SELECT DISTINCT ?e ?l WHERE {{ ?e a {EVENT} ; {} ?l }}",
            rdfs::LABEL
        ),
    )? {
        if let (Some(Term::NamedNode(event)), Some(Term::Literal(label))) =
            (row.get("e"), row.get("l"))
        {
            let names = labels.entry(event.clone()).or_default();
            if !names.contains(label) {
                names.push(label.clone());
            }
        }
    }
    let mut found = Vec::new();
    for (event, (start, end)) in dates {
        let start = start.and_then(|s| day_range(&s));
        let end = end.and_then(|s| day_range(&s));
        let (Some(first), Some(last)) =
            (start.or(end).map(|(a, _)| a), end.or(start).map(|(_, b)| b))
        else {
            continue;
        };
        let was_inferred = inferred.contains(&event);
        labels.entry(event.clone()).or_default();
        found.push((event, first, last, was_inferred));
    }
    labels.retain(|event, _| found.iter().any(|(e, ..)| e == event));
    Ok(DatedEvents::from_parts(found, labels))
}

/// Triples per named graph, counted by the engine in one query.
pub fn graph_sizes(dataset: &Dataset) -> Result<GraphSizes> {
    let mut graphs = Vec::new();
    if !dataset.backend().named_graphs()?.is_empty() {
        for row in select(
            dataset,
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
        )? {
            if let (Some(Term::NamedNode(g)), Some(Term::Literal(n))) = (row.get("g"), row.get("n"))
            {
                graphs.push((g.clone(), n.value().parse().unwrap_or(0)));
            }
        }
    }
    graphs.sort();
    Ok(GraphSizes {
        total: dataset.len()?,
        graphs,
    })
}

/// How many distinct entities this server mints (`BASE/id/...`, a
/// `#fragment` counted with its entity) are subjects.
pub fn entity_count(dataset: &Dataset) -> Result<usize> {
    let prefix = Literal::new_simple_literal(dataset.base().resolve("id/"));
    count(
        dataset,
        &format!(
            "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?s ?p ?o .
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), {prefix}))
  BIND(STRBEFORE(CONCAT(STR(?s), \"#\"), \"#\") AS ?e) }}"
        ),
    )
}

/// Every IRI minted by this server that the data mentions (as subject or
/// object), for the sitemap.
pub fn minted_iris(dataset: &Dataset) -> Result<Vec<NamedNode>> {
    let prefix = Literal::new_simple_literal(dataset.base().resolve("id/"));
    let mut iris = Vec::new();
    for row in paged_select(
        dataset,
        &format!(
            "SELECT DISTINCT ?x WHERE {{ {{ ?x ?p ?o }} UNION {{ ?s ?p ?x }}
  FILTER(isIRI(?x) && STRSTARTS(STR(?x), {prefix})) }}"
        ),
    )? {
        if let Some(Term::NamedNode(x)) = row.get("x") {
            iris.push(x.clone());
        }
    }
    Ok(iris)
}

/// How many statements link to each IRI this server mints, leaving out the
/// ones that only annotate other statements (see
/// [`crate::search::is_annotation`]): the search ranking's measure of
/// importance, in one grouped query instead of one per entity.
pub fn links_in(dataset: &Dataset) -> Result<HashMap<NamedNode, u64>> {
    let prefix = Literal::new_simple_literal(dataset.base().resolve("id/"));
    let mut links = HashMap::new();
    for row in paged_select(
        dataset,
        &format!(
            "SELECT ?o (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o .
  FILTER(isIRI(?o) && STRSTARTS(STR(?o), {prefix})
    && !STRSTARTS(STR(?p), \"{prov}\")
    && ?p NOT IN (<{subject}>, <{predicate}>, <{object}>)) }}
GROUP BY ?o ORDER BY ?o",
            prov = PROV,
            subject = rdf::SUBJECT.as_str(),
            predicate = rdf::PREDICATE.as_str(),
            object = rdf::OBJECT.as_str(),
        ),
    )? {
        if let (Some(Term::NamedNode(o)), Some(Term::Literal(n))) = (row.get("o"), row.get("n")) {
            links.insert(o.clone(), n.value().parse().unwrap_or(0));
        }
    }
    Ok(links)
}

/// One page of a triple (or quad) pattern fragment (see
/// [`crate::fragments`]): the page's quads (a SELECT with `LIMIT`/`OFFSET`)
/// and, unless known from an earlier page, how many match (a COUNT of at
/// most [`COUNT_LIMIT`] + 1 rows, so that the engine stops there too). The
/// page asks for one row more than it shows, to know whether a next page
/// exists.
pub fn fragment_page(
    dataset: &Dataset,
    selector: &crate::fragments::Selector,
    offset: usize,
    limit: usize,
    known_total: Option<Count>,
) -> Result<(Vec<Quad>, Count, bool)> {
    if selector.lookup().is_none() {
        let none = Count {
            matches: 0,
            exact: true,
        };
        return Ok((Vec::new(), none, false));
    }
    let term = |t: &Option<Term>, variable: &str| match t {
        None => Ok(variable.to_owned()),
        Some(Term::BlankNode(_)) => Err(crate::error::Error::BadRequest(
            "blank nodes of a remote SPARQL engine cannot be looked up by name".to_owned(),
        )),
        Some(t) => Ok(t.to_string()),
    };
    let triple = format!(
        "{} {} {}",
        term(&selector.subject, "?s")?,
        term(&selector.predicate, "?p")?,
        term(&selector.object, "?o")?
    );
    // The union is the engine's default graph (the configured graphs).
    let pattern = if selector.union {
        triple
    } else {
        format!("GRAPH {} {{ {triple} }}", term(&selector.graph, "?g")?)
    };
    let total = match known_total {
        Some(known) => known,
        None => {
            let cap = COUNT_LIMIT + 1;
            let n = count(
                dataset,
                &format!(
                    "SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT * WHERE {{ {pattern} }} LIMIT {cap} }} }}"
                ),
            )?;
            Count {
                matches: n,
                exact: n < cap,
            }
        }
    };
    if total.exact && offset >= total.matches {
        return Ok((Vec::new(), total, false));
    }
    // Ordered, so that pages do not overlap: without ORDER BY an engine may
    // give the rows of two pages in different orders (Virtuoso did).
    let variables: Vec<&str> = [
        ("?s", &selector.subject),
        ("?p", &selector.predicate),
        ("?o", &selector.object),
        ("?g", &selector.graph),
    ]
    .into_iter()
    .filter(|(name, term)| term.is_none() && (*name != "?g" || !selector.union))
    .map(|(name, _)| name)
    .collect();
    let order = match variables.is_empty() {
        true => String::new(),
        false => format!(" ORDER BY {}", variables.join(" ")),
    };
    // `SELECT *` of a pattern with every term bound gives one empty row.
    let rows = select(
        dataset,
        &format!(
            "SELECT * WHERE {{ {pattern} }}{order} LIMIT {} OFFSET {offset}",
            limit + 1
        ),
    )?;
    let next = rows.len() > limit;
    let mut quads = Vec::with_capacity(limit);
    for row in rows.into_iter().take(limit) {
        let bound =
            |fixed: &Option<Term>, name: &str| fixed.clone().or_else(|| row.get(name).cloned());
        let subject = match bound(&selector.subject, "s") {
            Some(Term::NamedNode(n)) => Some(NamedOrBlankNode::from(n)),
            Some(Term::BlankNode(b)) => Some(NamedOrBlankNode::from(b)),
            _ => None,
        };
        let predicate = match bound(&selector.predicate, "p") {
            Some(Term::NamedNode(p)) => Some(p),
            _ => None,
        };
        let graph = match bound(&selector.graph, "g") {
            _ if selector.union => Some(GraphName::DefaultGraph),
            Some(Term::NamedNode(g)) => Some(GraphName::NamedNode(g)),
            _ => None,
        };
        if let (Some(s), Some(p), Some(o), Some(g)) =
            (subject, predicate, bound(&selector.object, "o"), graph)
        {
            quads.push(Quad::new(s, p, o, g));
        }
    }
    // What the page saw is a lower bound too, and exact at the end.
    let seen = Count {
        matches: offset + quads.len() + usize::from(next),
        exact: !next && (offset == 0 || !quads.is_empty()),
    };
    Ok((quads, total.merge(seen), next))
}

/// The rows of a SELECT.
fn select(dataset: &Dataset, query: &str) -> Result<Vec<QuerySolution>> {
    match crate::sparql::run(dataset, query)? {
        QueryResults::Solutions(solutions) => solutions
            .map(|s| s.map_err(results_error))
            .collect::<Result<_>>(),
        _ => Ok(Vec::new()),
    }
}

/// The rows of a SELECT that may have many, a page of [`PAGE_ROWS`] per
/// query: engines cap one result (Virtuoso at 10,000 rows by default).
fn paged_select(dataset: &Dataset, query: &str) -> Result<Vec<QuerySolution>> {
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
fn count(dataset: &Dataset, query: &str) -> Result<usize> {
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
fn construct(dataset: &Dataset, prefix: &str, query: &str) -> Result<Vec<Triple>> {
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
fn renamed(prefix: &str, triples: Vec<Triple>) -> Vec<Triple> {
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

fn subject_of(row: &QuerySolution, name: &str) -> Option<NamedOrBlankNode> {
    match row.get(name)? {
        Term::NamedNode(n) => Some(n.clone().into()),
        Term::BlankNode(b) => Some(b.clone().into()),
        _ => None,
    }
}
