//! The project's own vocabulary as the `/ontology` page shows it: its
//! classes and properties with their names in the reader's language,
//! comments, domains and ranges, read from the vocabulary's graph; and that
//! graph as Turtle.

use oxigraph::io::RdfFormat;
use oxigraph::model::vocab::{rdf, rdfs};
use oxigraph::model::{GraphNameRef, NamedNode, NamedNodeRef, NamedOrBlankNode, Term, TripleRef};

use crate::entity::label_in;
use crate::error::Result;
use crate::lang::{Lang, Text, html_lang};
use crate::sparql::rdf_serializer;
use crate::store::Dataset;
use crate::terms::compact_iri;

/// One class or property of the vocabulary.
pub struct VocabularyTerm {
    pub id: String,
    pub curie: String,
    pub kind: &'static str,
    pub label: Text,
    pub other_label: Option<Text>,
    pub comment: Option<Text>,
    pub domain: String,
    pub range: String,
}

/// The vocabulary's namespace and its terms, each list sorted by name.
pub struct VocabularyTerms {
    pub namespace: String,
    pub classes: Vec<VocabularyTerm>,
    pub properties: Vec<VocabularyTerm>,
}

/// The named graph that holds the vocabulary.
fn vocabulary_graph(dataset: &Dataset) -> NamedNode {
    dataset.base().graph("dialogue")
}

/// The terms of the vocabulary, named in `lang`.
pub fn vocabulary_terms(dataset: &Dataset, lang: Lang) -> Result<VocabularyTerms> {
    let graph = vocabulary_graph(dataset);
    let base = dataset.base();
    let g = GraphNameRef::NamedNode(graph.as_ref());
    let values = |s: &NamedNode, p: NamedNodeRef<'_>| -> Result<Vec<Term>> {
        dataset
            .quads_for_pattern(Some(s.as_ref().into()), Some(p), None, Some(g))
            .map(|q| q.map(|q| q.object))
            .collect()
    };
    let text_in = |terms: &[Term], lang: Lang| -> Option<Text> {
        let literals: Vec<_> = terms
            .iter()
            .filter_map(|t| match t {
                Term::Literal(l) => Some(l.clone()),
                _ => None,
            })
            .collect();
        label_in(literals.iter(), lang.code()).map(|l| Text {
            value: l.value().to_owned(),
            lang: l.language().map(html_lang).unwrap_or_default(),
        })
    };
    let names = |terms: Vec<Term>| -> String {
        terms
            .iter()
            .filter_map(|t| match t {
                Term::NamedNode(n) => Some(compact_iri(n.as_str(), base)),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut classes = Vec::new();
    let mut properties = Vec::new();
    let namespace = base.vocabulary();
    for quad in dataset.quads_for_pattern(None, Some(rdf::TYPE), None, Some(g)) {
        let quad = quad?;
        let NamedOrBlankNode::NamedNode(subject) = &quad.subject else {
            continue;
        };
        let Some(local) = subject.as_str().strip_prefix(&namespace) else {
            continue;
        };
        let kind_iri = match &quad.object {
            Term::NamedNode(n) => n.as_str().to_owned(),
            _ => continue,
        };
        let kind = if kind_iri.ends_with("#Class") {
            "class"
        } else if kind_iri.ends_with("Property") {
            "property"
        } else {
            "individual"
        };
        let labels = values(subject, rdfs::LABEL)?;
        let label = text_in(&labels, lang).unwrap_or(Text {
            value: local.to_owned(),
            lang: String::new(),
        });
        let term = VocabularyTerm {
            id: local.to_owned(),
            curie: format!("dg:{local}"),
            kind,
            other_label: text_in(&labels, lang.other()).filter(|t| t.value != label.value),
            label,
            comment: text_in(&values(subject, rdfs::COMMENT)?, lang),
            domain: names(values(subject, rdfs::DOMAIN)?),
            range: names(values(subject, rdfs::RANGE)?),
        };
        if kind == "property" {
            properties.push(term);
        } else {
            classes.push(term);
        }
    }
    classes.sort_by(|a, b| a.id.cmp(&b.id));
    properties.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(VocabularyTerms {
        namespace,
        classes,
        properties,
    })
}

/// The vocabulary's graph as Turtle.
pub fn vocabulary_turtle(dataset: &Dataset) -> Result<Vec<u8>> {
    let graph = vocabulary_graph(dataset);
    let mut serializer = rdf_serializer(RdfFormat::Turtle, dataset.base()).for_writer(Vec::new());
    for quad in dataset.quads_for_pattern(
        None,
        None,
        None,
        Some(GraphNameRef::NamedNode(graph.as_ref())),
    ) {
        serializer.serialize_triple(TripleRef::from(quad?.as_ref()))?;
    }
    Ok(serializer.finish()?)
}
