//! Linked data: which IRIs this server answers for, and what it says about
//! each. The description of an entity is built from direct index lookups
//! (quad patterns), not from a SPARQL DESCRIBE: its own triples (with its
//! blank nodes and `#fragment` parts), the triples pointing at it, the labels
//! of everything they mention, and the quoted evidence for its facts.
//!
//! Over a remote engine, where each lookup is a round trip, the same
//! description comes from a few SPARQL queries ([`remote_description`]);
//! what an entity's HTML page shows of it is [`page_view`].

pub mod evidence_view;
pub mod page_layout;
pub mod page_view;
pub mod remote_description;

use std::collections::{BTreeSet, HashSet};

use oxigraph::model::vocab::{rdf, rdfs};
use oxigraph::model::{
    GraphNameRef, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, NamedOrBlankNodeRef, Quad,
    Term, TermRef, Triple,
};

use crate::config::BaseIri;
use crate::error::Result;
use crate::formats::Format;
use crate::store::Dataset;
use crate::vocab::{DCT, FOAF_DOCUMENT, FOAF_PRIMARY_TOPIC, LICENSE, VOID_IN_DATASET};

/// At most this many triples pointing at an entity go into one description;
/// hubs say how many more there are.
pub const MAX_INCOMING: usize = 500;

/// A document format for entity descriptions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocFormat {
    Turtle,
    JsonLd,
    NTriples,
    RdfXml,
}

impl DocFormat {
    pub const ALL: [DocFormat; 4] = [Self::Turtle, Self::JsonLd, Self::NTriples, Self::RdfXml];

    /// The serialisation in the crate's one table of formats.
    pub fn format(self) -> Format {
        match self {
            Self::Turtle => Format::Turtle,
            Self::JsonLd => Format::JsonLd,
            Self::NTriples => Format::NTriples,
            Self::RdfXml => Format::RdfXml,
        }
    }

    fn from_format(format: Format) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.format() == format)
    }

    /// The formats, as the table knows them (for negotiation).
    pub fn formats() -> Vec<Format> {
        Self::ALL.into_iter().map(Self::format).collect()
    }

    pub fn extension(self) -> &'static str {
        self.format().extension()
    }

    pub fn media_type(self) -> &'static str {
        self.format().media_type()
    }

    pub fn label(self) -> &'static str {
        self.format().label()
    }

    pub fn rdf_format(self) -> oxigraph::io::RdfFormat {
        self.format()
            .rdf()
            .unwrap_or(oxigraph::io::RdfFormat::Turtle)
    }

    pub fn from_extension(extension: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.extension() == extension)
    }

    /// `?format=` values: the extension, a name such as `turtle`, or a media
    /// type, as [`crate::formats`] lists them (`xml` and `json` are RDF/XML
    /// and JSON-LD here).
    pub fn from_name(name: &str) -> Option<Self> {
        Format::by_name(name, &Self::formats()).and_then(Self::from_format)
    }

    pub fn from_media_type(media_type: &str) -> Option<Self> {
        Format::from_media_type(media_type).and_then(Self::from_format)
    }
}

/// Checks the path after `/id/` (or `/page/`, `/data/`): segments of ASCII
/// letters, digits and `- _ .` (not `.` or `..` alone), so nothing odd
/// (traversal, spaces, control characters, percent-escapes) ever becomes an
/// IRI. Case is kept: the data's IRIs are case-sensitive.
pub fn valid_entity_path(path: &str) -> bool {
    !path.is_empty()
        && path.len() <= 512
        && path.split('/').all(|segment| {
            !segment.is_empty()
                && segment != "."
                && segment != ".."
                && segment
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        })
}

/// The IRI of the entity at `path` (the part after `/id/`).
pub fn entity_iri(base: &BaseIri, path: &str) -> NamedNode {
    NamedNode::new_unchecked(base.resolve(&format!("id/{path}")))
}

/// The path after `/id/` of an IRI this server mints, if it is one.
pub fn entity_path<'a>(base: &BaseIri, iri: &'a str) -> Option<&'a str> {
    let path = iri.strip_prefix(base.as_str())?.strip_prefix("id/")?;
    let path = path.split('#').next().unwrap_or(path);
    valid_entity_path(path).then_some(path)
}

/// Everything a data document or a page says about one entity.
#[derive(Debug, Default)]
pub struct Description {
    pub subject: Option<NamedNode>,
    /// The entity's own triples, its blank nodes' and its `#fragment` parts'.
    pub about: Vec<Triple>,
    /// Triples whose object is the entity (bounded by [`MAX_INCOMING`]).
    pub incoming: Vec<Triple>,
    /// How many incoming triples come after this page's (on later pages).
    pub incoming_omitted: usize,
    /// Which page of incoming links this is (1-based); each holds
    /// [`MAX_INCOMING`], so a hub costs the same per request however big.
    pub page: usize,
    /// Labels of every IRI mentioned above.
    pub labels: Vec<Triple>,
    /// The reified statements about the entity and the annotations quoting them.
    pub evidence: Vec<Triple>,
}

impl Description {
    pub fn all_triples(&self) -> impl Iterator<Item = &Triple> {
        self.about
            .iter()
            .chain(&self.incoming)
            .chain(&self.labels)
            .chain(&self.evidence)
    }
}

/// Predicates of the reification and annotation machinery: shown as evidence,
/// not as "referenced by".
fn is_evidence_link(predicate: NamedNodeRef<'_>) -> bool {
    predicate == rdf::SUBJECT
        || predicate == rdf::OBJECT
        || predicate.as_str() == "http://www.w3.org/ns/oa#hasBody"
}

struct Collector<'a> {
    dataset: &'a Dataset,
    seen: HashSet<Triple>,
}

impl Collector<'_> {
    /// Triples with this subject, in any graph, without duplicates.
    fn outgoing(&mut self, subject: NamedOrBlankNodeRef<'_>) -> Result<Vec<Triple>> {
        let mut triples = Vec::new();
        for quad in self
            .dataset
            .quads_for_pattern(Some(subject), None, None, None)
        {
            let triple = Triple::from(quad?);
            if self.seen.insert(triple.clone()) {
                triples.push(triple);
            }
        }
        Ok(triples)
    }

    /// The subject's triples, plus (recursively) those of the blank nodes and
    /// `#fragment` IRIs it points to: a concise bounded description.
    fn closure(&mut self, root: &NamedNode, into: &mut Vec<Triple>) -> Result<()> {
        let fragment_prefix = format!("{}#", root.as_str());
        let mut queue: Vec<NamedOrBlankNode> = vec![root.clone().into()];
        let mut visited: HashSet<NamedOrBlankNode> = HashSet::new();
        while let Some(node) = queue.pop() {
            if !visited.insert(node.clone()) {
                continue;
            }
            for triple in self.outgoing(node.as_ref())? {
                match &triple.object {
                    Term::BlankNode(b) => queue.push(b.clone().into()),
                    Term::NamedNode(n) if n.as_str().starts_with(&fragment_prefix) => {
                        queue.push(n.clone().into())
                    }
                    _ => {}
                }
                into.push(triple);
            }
        }
        Ok(())
    }
}

/// Whether the store says anything about `iri` (as subject or object).
pub fn exists(dataset: &Dataset, iri: &NamedNode) -> Result<bool> {
    if !dataset.backend().cheap_lookups() {
        return remote_description::exists(dataset, iri);
    }
    let store = dataset;
    if let Some(quad) = store
        .quads_for_pattern(Some(iri.as_ref().into()), None, None, None)
        .next()
    {
        quad?;
        return Ok(true);
    }
    if let Some(quad) = store
        .quads_for_pattern(None, None, Some(iri.as_ref().into()), None)
        .next()
    {
        quad?;
        return Ok(true);
    }
    Ok(false)
}

/// Builds the description of `iri`, or `None` if the store knows nothing of it.
pub fn describe(dataset: &Dataset, iri: &NamedNode) -> Result<Option<Description>> {
    describe_page(dataset, iri, 1)
}

/// Like [`describe`], with the `page`-th slice of [`MAX_INCOMING`] incoming
/// links (1-based). `None` also for a page past the last one.
pub fn describe_page(
    dataset: &Dataset,
    iri: &NamedNode,
    page: usize,
) -> Result<Option<Description>> {
    if !dataset.backend().cheap_lookups() {
        return remote_description::describe_page(dataset, iri, page);
    }
    let page = page.max(1);
    if !exists(dataset, iri)? {
        return Ok(None);
    }
    let mut collector = Collector {
        dataset,
        seen: HashSet::new(),
    };
    let mut description = Description {
        subject: Some(iri.clone()),
        page,
        ..Description::default()
    };
    collector.closure(iri, &mut description.about)?;
    collector.incoming(iri, page, &mut description)?;
    if page > 1 && description.incoming.is_empty() {
        return Ok(None); // past the last page
    }
    collector.evidence(iri, &mut description)?;
    collector.labels(iri, &mut description)?;
    Ok(Some(description))
}

impl Collector<'_> {
    /// Incoming links, one page of them: hubs are paged, not cut.
    fn incoming(&mut self, iri: &NamedNode, page: usize, into: &mut Description) -> Result<()> {
        let skip = (page - 1).saturating_mul(MAX_INCOMING);
        let mut before = 0;
        for quad in self
            .dataset
            .quads_for_pattern(None, None, Some(iri.as_ref().into()), None)
        {
            let quad = quad?;
            if is_evidence_link(quad.predicate.as_ref()) {
                continue;
            }
            let triple = Triple::from(quad);
            if self.seen.contains(&triple) {
                continue;
            }
            if before < skip {
                before += 1;
                continue;
            }
            if into.incoming.len() >= MAX_INCOMING {
                into.incoming_omitted += 1;
                continue;
            }
            self.seen.insert(triple.clone());
            into.incoming.push(triple);
        }
        Ok(())
    }

    /// Evidence: statements about the entity, and the annotations quoting them.
    fn evidence(&mut self, iri: &NamedNode, into: &mut Description) -> Result<()> {
        let oa_has_body = NamedNodeRef::new_unchecked("http://www.w3.org/ns/oa#hasBody");
        let mut annotations: BTreeSet<NamedNode> = BTreeSet::new();
        let statements: Vec<Quad> = self
            .dataset
            .quads_for_pattern(None, Some(rdf::SUBJECT), Some(iri.as_ref().into()), None)
            .collect::<Result<_>>()?;
        for statement in statements {
            let node = statement.subject.clone();
            into.evidence.extend(self.outgoing(node.as_ref())?);
            for quad in self.dataset.quads_for_pattern(
                None,
                Some(oa_has_body),
                Some(node.as_ref().into()),
                None,
            ) {
                let quad = quad?;
                if let NamedOrBlankNode::NamedNode(annotation) = &quad.subject {
                    annotations.insert(annotation.clone());
                }
                let triple = Triple::from(quad);
                if self.seen.insert(triple.clone()) {
                    into.evidence.push(triple);
                }
            }
        }
        for annotation in &annotations {
            // The annotation's own triples minus its (many) bodies, plus its
            // target and selectors (`#fragment` parts).
            let mut parts = Vec::new();
            self.closure(annotation, &mut parts)?;
            into.evidence.extend(
                parts
                    .into_iter()
                    .filter(|t| t.predicate.as_ref() != oa_has_body),
            );
        }
        Ok(())
    }

    /// Labels of everything mentioned, so clients can show names.
    fn labels(&mut self, iri: &NamedNode, into: &mut Description) -> Result<()> {
        let mut mentioned: BTreeSet<NamedNode> = BTreeSet::new();
        for triple in into
            .about
            .iter()
            .chain(&into.incoming)
            .chain(&into.evidence)
        {
            mentioned.insert(triple.predicate.clone());
            if let NamedOrBlankNode::NamedNode(s) = &triple.subject {
                mentioned.insert(s.clone());
            }
            if let Term::NamedNode(o) = &triple.object {
                mentioned.insert(o.clone());
            }
        }
        mentioned.remove(iri);
        for node in &mentioned {
            for quad in self.dataset.quads_for_pattern(
                Some(node.as_ref().into()),
                Some(rdfs::LABEL),
                None,
                None,
            ) {
                let triple = Triple::from(quad?);
                if self.seen.insert(triple.clone()) {
                    into.labels.push(triple);
                }
            }
        }
        Ok(())
    }
}

/// The data document's statements about itself: what it is about, its
/// licence, the dataset it belongs to.
pub fn document_metadata(base: &BaseIri, document: &str, subject: &NamedNode) -> Vec<Triple> {
    let document = NamedNode::new_unchecked(document);
    vec![
        Triple::new(
            document.clone(),
            rdf::TYPE,
            NamedNode::new_unchecked(FOAF_DOCUMENT),
        ),
        Triple::new(
            document.clone(),
            NamedNode::new_unchecked(FOAF_PRIMARY_TOPIC),
            subject.clone(),
        ),
        Triple::new(
            document.clone(),
            NamedNode::new_unchecked(format!("{DCT}license")),
            NamedNode::new_unchecked(LICENSE),
        ),
        Triple::new(
            document,
            NamedNode::new_unchecked(VOID_IN_DATASET),
            NamedNode::new_unchecked(dataset_iri(base)),
        ),
    ]
}

/// The IRI of the dataset as a whole (described at `/.well-known/void`).
pub fn dataset_iri(base: &BaseIri) -> String {
    base.resolve(".well-known/void#dataset")
}

/// The best label of `iri` for `language` (`en` or `zh`): that language, else
/// English, else any.
pub fn label_in<'a>(
    labels: impl Iterator<Item = &'a Literal>,
    language: &str,
) -> Option<&'a Literal> {
    let mut best: Option<(u8, &Literal)> = None;
    for label in labels {
        let rank = match label.language() {
            Some(tag)
                if tag.eq_ignore_ascii_case(language)
                    || tag
                        .to_ascii_lowercase()
                        .starts_with(&format!("{language}-")) =>
            {
                0
            }
            Some(tag)
                if tag.eq_ignore_ascii_case("en")
                    || tag.to_ascii_lowercase().starts_with("en-") =>
            {
                1
            }
            None => 2,
            Some(_) => 3,
        };
        if best.is_none_or(|(r, _)| rank < r) {
            best = Some((rank, label));
        }
    }
    best.map(|(_, l)| l)
}

/// The `rdfs:label` literals of `iri` anywhere in the store.
pub fn labels_of(dataset: &Dataset, iri: &NamedNode) -> Result<Vec<Literal>> {
    let mut labels = Vec::new();
    for quad in dataset.quads_for_pattern(Some(iri.as_ref().into()), Some(rdfs::LABEL), None, None)
    {
        if let Term::Literal(l) = quad?.object {
            if !labels.contains(&l) {
                labels.push(l);
            }
        }
    }
    Ok(labels)
}

/// The IRIs of the named graphs, for callers that need to skip some.
pub fn graph_ref<'a>(node: &'a NamedNode) -> GraphNameRef<'a> {
    GraphNameRef::NamedNode(node.as_ref())
}

/// Is this term an IRI minted by this server?
pub fn is_local(base: &BaseIri, term: TermRef<'_>) -> bool {
    matches!(term, TermRef::NamedNode(n) if n.as_str().starts_with(base.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_slug_paths_are_entities() {
        assert!(valid_entity_path("person/xi-jinping"));
        assert!(valid_entity_path("evidence/en-1"));
        for bad in [
            "",
            "..",
            "person/../../etc/passwd",
            "a//b",
            "a b",
            "a/%2e%2e",
            "x/\u{0}",
        ] {
            assert!(!valid_entity_path(bad), "{bad:?} accepted");
        }
    }

    #[test]
    fn iris_and_paths_round_trip() {
        let base = BaseIri::parse("http://127.0.0.1:8080/").unwrap();
        let iri = entity_iri(&base, "person/xi-jinping");
        assert_eq!(iri.as_str(), "http://127.0.0.1:8080/id/person/xi-jinping");
        assert_eq!(entity_path(&base, iri.as_str()), Some("person/xi-jinping"));
        assert_eq!(
            entity_path(&base, "http://127.0.0.1:8080/id/evidence/en-1#quote"),
            Some("evidence/en-1")
        );
        assert_eq!(entity_path(&base, "http://other/id/x"), None);
    }

    #[test]
    fn labels_prefer_the_asked_language_then_english() {
        let zh = Literal::new_language_tagged_literal_unchecked("北京", "zh-hans");
        let en = Literal::new_language_tagged_literal_unchecked("Beijing", "en");
        let both = [zh.clone(), en.clone()];
        assert_eq!(label_in(both.iter(), "zh"), Some(&zh));
        assert_eq!(label_in(both.iter(), "en"), Some(&en));
        assert_eq!(label_in([en.clone()].iter(), "zh"), Some(&en));
    }
}
