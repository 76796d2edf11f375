//! What the search index is built from: every name of the entities this
//! server mints and of the vocabulary terms a page here serves, what kind of
//! thing each is, and how important (links in for an entity, members for a
//! class). Importance is one index read per entity on the embedded store,
//! one grouped query over a remote engine.

use std::collections::{BTreeMap, HashMap};

use oxigraph::model::vocab::rdf;
use oxigraph::model::{Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Term};

use super::NAME_PREDICATES;
use crate::entity::entity_path;
use crate::error::Result;
use crate::sparql::engine_reads::{paged_select, select};
use crate::store::Dataset;
use crate::terms::compact_iri;
use crate::vocab::PROV;

/// Every name (value, lower-cased language tag) of every named subject.
pub type Names = HashMap<NamedNode, Vec<(String, String)>>;

/// What the index is built from, per entity or vocabulary term.
pub struct Entry {
    pub names: Vec<(String, String)>,
    pub page: String,
    pub kind: Kind,
    /// A vocabulary term's compact name; `None` for an entity.
    pub term: Option<String>,
    pub links: u64,
}

/// What a result is said to be.
pub enum Kind {
    /// An instance of this class (the first of its classes with a name).
    Of(NamedNode),
    Class,
    Property,
    Unknown,
}

impl Kind {
    /// The first named class among `types`, else nothing known.
    fn of(types: Option<&Vec<NamedNode>>, names: &Names) -> Self {
        types
            .into_iter()
            .flatten()
            .find(|class| names.contains_key(*class))
            .map_or(Kind::Unknown, |class| Kind::Of(class.clone()))
    }
}

/// The kinds of the named things, and how many members each class has.
struct Types {
    of: HashMap<NamedNode, Vec<NamedNode>>,
    members: HashMap<NamedNode, u64>,
}

/// The entries of the index, by IRI, with every name read (a kind's name
/// is looked up among them).
pub fn collect(dataset: &Dataset) -> Result<(BTreeMap<NamedNode, Entry>, Names)> {
    let names = read_names(dataset)?;
    let types = read_types(dataset, &names)?;
    let mut entries: BTreeMap<NamedNode, Entry> = BTreeMap::new();
    // Names that may be properties used in the data: asked below.
    let mut maybe_properties = Vec::new();
    for (iri, entity_names) in &names {
        match classify(dataset, iri, &names, &types) {
            Classified::Served(page, kind, term) => {
                let entry = Entry {
                    names: entity_names.clone(),
                    page,
                    kind,
                    term,
                    links: 0,
                };
                entries.insert(iri.clone(), entry);
            }
            Classified::MaybeProperty => maybe_properties.push(iri.clone()),
            Classified::Unserved => {}
        }
    }
    let base = dataset.base();
    for property in used_as_predicates(dataset, &maybe_properties)? {
        let selector = crate::pattern_fragments::Selector {
            predicate: Some(Term::NamedNode(property.clone())),
            ..Default::default()
        };
        let entry = Entry {
            names: names.get(&property).cloned().unwrap_or_default(),
            page: format!("/fragments?{}", selector.query_string(base)),
            kind: Kind::Property,
            term: Some(compact_iri(property.as_str(), base)),
            links: 0,
        };
        entries.insert(property, entry);
    }
    weigh(dataset, &mut entries, &types.members)?;
    Ok((entries, names))
}

fn read_names(dataset: &Dataset) -> Result<Names> {
    let mut names: Names = HashMap::new();
    for predicate in NAME_PREDICATES {
        let predicate = NamedNode::new_unchecked(*predicate);
        for quad in dataset.quads_for_pattern(None, Some(predicate.as_ref()), None, None) {
            let quad = quad?;
            if let (NamedOrBlankNode::NamedNode(s), Term::Literal(l)) = (quad.subject, quad.object)
            {
                let lang = l.language().unwrap_or_default().to_ascii_lowercase();
                let entry = names.entry(s).or_default();
                let name = (l.value().to_owned(), lang);
                if !entry.contains(&name) {
                    entry.push(name);
                }
            }
        }
    }
    Ok(names)
}

/// Every rdf:type statement once: the kinds of the named things, and how
/// many members each class has (a class's importance).
fn read_types(dataset: &Dataset, names: &Names) -> Result<Types> {
    let mut of: HashMap<NamedNode, Vec<NamedNode>> = HashMap::new();
    let mut members: HashMap<NamedNode, u64> = HashMap::new();
    for quad in dataset.quads_for_pattern(None, Some(rdf::TYPE), None, None) {
        let quad = quad?;
        let Term::NamedNode(class) = quad.object else {
            continue;
        };
        if let NamedOrBlankNode::NamedNode(s) = quad.subject {
            if names.contains_key(&s) {
                let kinds = of.entry(s).or_default();
                if !kinds.contains(&class) {
                    kinds.push(class.clone());
                }
            }
        }
        *members.entry(class).or_default() += 1;
    }
    Ok(Types { of, members })
}

/// Where a named IRI belongs in the index.
enum Classified {
    /// A page here serves it: its page, kind and (for a vocabulary term)
    /// compact name.
    Served(String, Kind, Option<String>),
    /// It may be a property used in the data (then its page is the fragment
    /// of its statements): asked of the data for all such at once.
    MaybeProperty,
    /// No page here serves it.
    Unserved,
}

/// Whether a page here serves a named IRI: an entity this server mints, a
/// term of the site's own vocabulary, or a class with members in the data.
fn classify(dataset: &Dataset, iri: &NamedNode, names: &Names, types: &Types) -> Classified {
    let base = dataset.base();
    let kinds = types.of.get(iri);
    if let Some(path) = entity_path(base, iri.as_str()).filter(|_| !iri.as_str().contains('#')) {
        // An entity this server mints (pages exist for them).
        return Classified::Served(format!("/page/{path}"), Kind::of(kinds, names), None);
    }
    // A vocabulary term: only those a page here serves.
    let curie = compact_iri(iri.as_str(), base);
    let vocabulary = base.vocabulary();
    if let Some(local) = iri.as_str().strip_prefix(&vocabulary)
        && !types.members.contains_key(iri)
    {
        // The site's own vocabulary: the term's definition.
        let declared = |suffix: &str| {
            kinds
                .into_iter()
                .flatten()
                .any(|k| k.as_str().ends_with(suffix))
        };
        let kind = if declared("Property") {
            Kind::Property
        } else if declared("#Class") {
            Kind::Class
        } else {
            Kind::of(kinds, names)
        };
        return Classified::Served(format!("/ontology#{local}"), kind, Some(curie));
    }
    if curie.starts_with('<') {
        // No prefix known: no class page or short name to give.
        return Classified::Unserved;
    }
    if types.members.contains_key(iri) {
        // A class with members in the data: its list of members.
        return Classified::Served(format!("/class/{curie}"), Kind::Class, Some(curie));
    }
    Classified::MaybeProperty
}

/// Sets each entry's importance: a class's members, an entity's links in.
fn weigh(
    dataset: &Dataset,
    entries: &mut BTreeMap<NamedNode, Entry>,
    members: &HashMap<NamedNode, u64>,
) -> Result<()> {
    let remote_links = if dataset.backend().cheap_lookups() {
        None
    } else {
        Some(queried_links_in(dataset)?)
    };
    for (iri, entry) in entries.iter_mut() {
        entry.links = match (&entry.term, &remote_links) {
            (Some(_), _) => members.get(iri).copied().unwrap_or(0),
            (None, None) => links_in(dataset, iri)?,
            (None, Some(links)) => links.get(iri).copied().unwrap_or(0),
        };
    }
    Ok(())
}

/// Whether a predicate only annotates another statement (reification's
/// pointers, PROV's derivations): such links are not counted as importance.
pub fn is_annotation(predicate: NamedNodeRef<'_>) -> bool {
    predicate.as_str().starts_with(PROV)
        || [rdf::SUBJECT, rdf::PREDICATE, rdf::OBJECT].contains(&predicate)
}

/// How many statements link to `iri`, annotations left out: index lookups.
pub fn links_in(dataset: &Dataset, iri: &NamedNode) -> Result<u64> {
    let mut links = 0;
    for quad in dataset.quads_for_pattern(None, None, Some(iri.as_ref().into()), None) {
        if !is_annotation(quad?.predicate.as_ref()) {
            links += 1;
        }
    }
    Ok(links)
}

/// Which of `candidates` some statement uses as its predicate: one query
/// per hundred, each stopping at the first use it finds.
fn used_as_predicates(dataset: &Dataset, candidates: &[NamedNode]) -> Result<Vec<NamedNode>> {
    let mut used = Vec::new();
    for chunk in candidates.chunks(100) {
        let values: Vec<String> = chunk.iter().map(ToString::to_string).collect();
        let query = format!(
            "SELECT ?p WHERE {{ VALUES ?p {{ {} }} FILTER EXISTS {{ ?s ?p ?o }} }}",
            values.join(" ")
        );
        for row in select(dataset, &query)? {
            if let Some(Term::NamedNode(p)) = row.get("p") {
                used.push(p.clone());
            }
        }
    }
    Ok(used)
}

/// How many statements link to each IRI this server mints, leaving out the
/// ones that only annotate other statements (see
/// [`is_annotation`]): the search ranking's measure of
/// importance, in one grouped query instead of one per entity.
pub fn queried_links_in(dataset: &Dataset) -> Result<HashMap<NamedNode, u64>> {
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
