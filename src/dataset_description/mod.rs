//! What is served, described for machines: the counts behind every
//! description (triples per graph, entities, classes, properties), the
//! Service Description of `/sparql` ([`service`]), VoID and DCAT
//! ([`void_dcat`]) and the IRIs a sitemap lists. Each count is made by index
//! lookups on the embedded store and by one query to a remote engine.

pub mod service;
pub mod sitemap;
pub mod void_dcat;

pub use service::{EndpointFeatures, service_description};
pub use void_dcat::{Distribution, iana_media_type, void_description};

use std::collections::BTreeMap;

use oxigraph::model::vocab::rdfs;
use oxigraph::model::{
    GraphNameRef, Literal, NamedNode, NamedOrBlankNode, NamedOrBlankNodeRef, Term, Triple,
};

use crate::error::Result;
use crate::sparql::engine_reads::{count, select};
use crate::store::Dataset;

/// The number of triples in each named graph (and in all of them), counted
/// once when the server starts.
#[derive(Clone, Debug, Default)]
pub struct GraphSizes {
    pub total: usize,
    pub graphs: Vec<(NamedNode, usize)>,
    /// What the data itself says of each graph (its `rdfs:label` and
    /// `rdfs:comment`, in every language), so a client can tell, say, the
    /// page's own statements from background knowledge.
    pub descriptions: BTreeMap<NamedNode, Vec<(NamedNode, Literal)>>,
}

impl GraphSizes {
    pub fn count(dataset: &Dataset) -> Result<Self> {
        if !dataset.backend().cheap_lookups() {
            return queried_graph_sizes(dataset);
        }
        let mut graphs = Vec::new();
        for name in dataset.backend().named_graphs()? {
            let size = dataset
                .quads_for_pattern(
                    None,
                    None,
                    None,
                    Some(GraphNameRef::NamedNode(name.as_ref())),
                )
                .count();
            graphs.push((name, size));
        }
        graphs.sort();
        let mut descriptions = BTreeMap::new();
        for (name, _) in &graphs {
            let mut said = Vec::new();
            for property in [rdfs::LABEL, rdfs::COMMENT] {
                let subject = NamedOrBlankNodeRef::from(name.as_ref());
                for quad in dataset.quads_for_pattern(Some(subject), Some(property), None, None) {
                    if let Term::Literal(text) = quad?.object {
                        said.push((property.into_owned(), text));
                    }
                }
            }
            sort_said(&mut said);
            descriptions.insert(name.clone(), said);
        }
        Ok(Self {
            total: dataset.len()?,
            graphs,
            descriptions,
        })
    }

    /// The English label of a graph, if the data gives one.
    pub fn label(&self, graph: &NamedNode) -> Option<&str> {
        let said = self.descriptions.get(graph)?;
        said.iter()
            .find(|(p, l)| p.as_ref() == rdfs::LABEL && l.language().is_some_and(|t| t == "en"))
            .map(|(_, l)| l.value())
    }
}

#[derive(Clone, Debug, Default)]
pub struct DatasetStats {
    pub triples: usize,
    /// Distinct entities this server mints (`BASE/id/...`, fragments excluded).
    pub entities: usize,
    pub classes: Vec<(NamedNode, usize)>,
    pub properties: Vec<(NamedNode, usize)>,
}

impl DatasetStats {
    pub fn compute(dataset: &Dataset) -> Result<Self> {
        let base = dataset.base();
        let select = |query: &str| -> Result<Vec<(NamedNode, usize)>> {
            let mut rows = Vec::new();
            if let oxigraph::sparql::QueryResults::Solutions(solutions) =
                crate::sparql::run(dataset, query)?
            {
                for solution in solutions {
                    let solution = solution.map_err(crate::sparql::evaluation_error)?;
                    if let (Some(Term::NamedNode(n)), Some(Term::Literal(c))) =
                        (solution.get("x"), solution.get("n"))
                    {
                        rows.push((n.clone(), c.value().parse().unwrap_or(0)));
                    }
                }
            }
            Ok(rows)
        };
        let classes = select(
            "SELECT ?x (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?x } GROUP BY ?x ORDER BY DESC(?n) ?x",
        )?;
        let properties = select(
            "SELECT ?x (COUNT(*) AS ?n) WHERE { ?s ?x ?o } GROUP BY ?x ORDER BY DESC(?n) ?x",
        )?;
        let entities = if dataset.backend().cheap_lookups() {
            let prefix = base.resolve("id/");
            let mut entities = std::collections::HashSet::new();
            for quad in dataset.iter() {
                if let NamedOrBlankNode::NamedNode(s) = quad?.subject {
                    if let Some(rest) = s.as_str().strip_prefix(&prefix) {
                        entities.insert(rest.split('#').next().unwrap_or(rest).to_owned());
                    }
                }
            }
            entities.len()
        } else {
            queried_entity_count(dataset)?
        };
        Ok(Self {
            triples: dataset.len()?,
            entities,
            classes,
            properties,
        })
    }
}

/// What is said of a graph, in a stable order and once each.
fn sort_said(said: &mut Vec<(NamedNode, Literal)>) {
    said.sort_by(|a, b| (&a.0, a.1.to_string()).cmp(&(&b.0, b.1.to_string())));
    said.dedup();
}

/// Triples per named graph, counted by the engine in one query.
pub fn queried_graph_sizes(dataset: &Dataset) -> Result<GraphSizes> {
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
    let mut descriptions: BTreeMap<NamedNode, Vec<(NamedNode, Literal)>> = graphs
        .iter()
        .map(|(g, _)| (g.clone(), Vec::new()))
        .collect();
    let described = select(
        dataset,
        "SELECT ?g ?p ?o WHERE { VALUES ?p { <http://www.w3.org/2000/01/rdf-schema#label> <http://www.w3.org/2000/01/rdf-schema#comment> } GRAPH ?h { ?g ?p ?o } FILTER(isLiteral(?o)) }",
    )?;
    for row in described {
        if let (Some(Term::NamedNode(g)), Some(Term::NamedNode(p)), Some(Term::Literal(o))) =
            (row.get("g"), row.get("p"), row.get("o"))
        {
            if let Some(said) = descriptions.get_mut(g) {
                said.push((p.clone(), o.clone()));
            }
        }
    }
    for said in descriptions.values_mut() {
        sort_said(said);
    }
    Ok(GraphSizes {
        total: dataset.len()?,
        graphs,
        descriptions,
    })
}

/// How many distinct entities this server mints (`BASE/id/...`, a
/// `#fragment` counted with its entity) are subjects.
pub fn queried_entity_count(dataset: &Dataset) -> Result<usize> {
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

/// Triples being written, one statement at a time, in order.
#[derive(Default)]
struct Statements(Vec<Triple>);

impl Statements {
    fn add(
        &mut self,
        subject: impl Into<NamedOrBlankNode>,
        predicate: impl Into<NamedNode>,
        object: impl Into<Term>,
    ) {
        self.0.push(Triple::new(subject, predicate, object));
    }
}
