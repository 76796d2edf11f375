//! Triple Pattern Fragments: `/fragments?subject=&predicate=&object=` gives
//! the triples that match one pattern, a page at a time, with their count and
//! the Hydra controls a client needs to ask for other patterns (the Linked
//! Data Fragments specification, <https://linkeddatafragments.org/specification/triple-pattern-fragments/>).
//!
//! A TPF client (Comunica, the LDF client) answers a whole SPARQL query from
//! such fragments, so the server only ever does index lookups: the cheapest
//! public interface to a graph, and one whose answers cache well.
//!
//! A fourth parameter, `graph`, makes them Quad Pattern Fragments (the same
//! interface with graphs), so `GRAPH` queries work too:
//!
//! - no `graph`: every matching quad, each in its graph (TriG and N-Quads
//!   show the graph; the triple formats cannot);
//! - `graph={base}fragments#union` (declared as the `sd:defaultGraph`): the
//!   union of all graphs as one default graph, the same triples as
//!   `/sparql`'s default graph;
//! - `graph=IRI`: one named graph.
//!
//! Parameters use Hydra's explicit representation: IRIs as they are,
//! literals as `"text"`, `"text"@lang` or `"text"^^datatype`; an empty value
//! or a `?variable` matches anything. Blank nodes are given as skolem IRIs
//! under `/.well-known/genid/` (RFC 7511 style), so a client can ask about
//! them in turn.

pub mod html_view;
mod hydra;
mod pages;

pub use hydra::{metadata, metadata_graph, pattern_text, skolemized};
pub use pages::{Count, Fragment, fragment};

use oxigraph::model::{
    BlankNode, GraphNameRef, Literal, NamedNode, NamedNodeRef, NamedOrBlankNodeRef, Term, TermRef,
};

use crate::config::BaseIri;
use crate::error::{Error, Result};
use crate::vocab::{FOAF, HYDRA, SD, VOID};

/// Triples per page, as the reference server (LDF Server.js) gives.
pub const PAGE_SIZE: usize = 100;

/// A fragment's matches are counted to this many, no further: past it the
/// count is a lower bound, which the specification allows (the count "MAY
/// be an estimate") and which is all a client needs to plan a join. So the
/// first page of a huge pattern costs a bounded number of index reads, not
/// one per match (counting 980,000 quads took 5.3 s on RocksDB).
pub const COUNT_LIMIT: usize = 10_000;

/// Prefixes of the metadata's vocabularies, for readable TriG and Turtle.
pub const METADATA_PREFIXES: &[(&str, &str)] =
    &[("hydra", HYDRA), ("void", VOID), ("foaf", FOAF), ("sd", SD)];

/// One triple pattern: `None` where any term matches. Any term may stand
/// in any place: a client that binds a join variable to a literal may well
/// ask for it as a subject, and gets an empty fragment, not an error.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selector {
    pub subject: Option<Term>,
    pub predicate: Option<Term>,
    pub object: Option<Term>,
    pub graph: Option<Term>,
    /// The graph asked for is the union of all graphs (see the module doc):
    /// its triples come in the default graph.
    pub union: bool,
}

/// A pattern's terms as a store lookup takes them.
pub type Lookup<'a> = (
    Option<NamedOrBlankNodeRef<'a>>,
    Option<NamedNodeRef<'a>>,
    Option<TermRef<'a>>,
    Option<GraphNameRef<'a>>,
);

/// The IRI that stands for the union of all graphs in a `graph` parameter.
pub fn union_graph_iri(base: &BaseIri) -> String {
    format!("{}#union", fragments_iri(base))
}

/// Where blank nodes are published as IRIs: `{base}.well-known/genid/{label}`.
pub fn genid_prefix(base: &BaseIri) -> String {
    base.resolve(".well-known/genid/")
}

/// The fragments' own address: `{base}fragments`.
pub fn fragments_iri(base: &BaseIri) -> String {
    base.resolve("fragments")
}

impl Selector {
    /// Reads the three request parameters (each may be absent, empty or a
    /// `?variable`). A malformed term is an error that names the parameter.
    pub fn parse(
        base: &BaseIri,
        subject: Option<&str>,
        predicate: Option<&str>,
        object: Option<&str>,
        graph: Option<&str>,
    ) -> Result<Self> {
        let term = |value: Option<&str>, parameter: &str| {
            given(value)
                .map(|text| parse_term(base, text, parameter))
                .transpose()
        };
        let graph = term(graph, "graph")?;
        let union =
            matches!(&graph, Some(Term::NamedNode(g)) if g.as_str() == union_graph_iri(base));
        Ok(Self {
            subject: term(subject, "subject")?,
            predicate: term(predicate, "predicate")?,
            object: term(object, "object")?,
            graph: graph.filter(|_| !union),
            union,
        })
    }

    /// The terms for a store lookup; `None` if no triple can match (a
    /// literal subject, a predicate that is not an IRI).
    pub fn lookup(&self) -> Option<Lookup<'_>> {
        let subject = match &self.subject {
            None => None,
            Some(Term::NamedNode(n)) => Some(NamedOrBlankNodeRef::NamedNode(n.as_ref())),
            Some(Term::BlankNode(b)) => Some(NamedOrBlankNodeRef::BlankNode(b.as_ref())),
            Some(_) => return None,
        };
        let predicate = match &self.predicate {
            None => None,
            Some(Term::NamedNode(n)) => Some(n.as_ref()),
            Some(_) => return None,
        };
        let graph = match &self.graph {
            None => None,
            Some(Term::NamedNode(n)) => Some(GraphNameRef::NamedNode(n.as_ref())),
            Some(_) => return None,
        };
        Some((
            subject,
            predicate,
            self.object.as_ref().map(Term::as_ref),
            graph,
        ))
    }

    /// The pattern as a query string in its one canonical form
    /// (`subject=…&predicate=…&object=…`, bound terms only, percent-encoded):
    /// links between pages and cache keys use it.
    pub fn query_string(&self, base: &BaseIri) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, term) in [
            ("subject", &self.subject),
            ("predicate", &self.predicate),
            ("object", &self.object),
            ("graph", &self.graph),
        ] {
            if let Some(term) = term {
                query.append_pair(name, &explicit(base, term.as_ref()));
            }
        }
        if self.union {
            query.append_pair("graph", &union_graph_iri(base));
        }
        query.finish()
    }

    /// The address of page `page` of this fragment under the base IRI.
    pub fn page_iri(&self, base: &BaseIri, page: usize) -> String {
        self.page_at(base, &fragments_iri(base), page)
    }

    /// The address of page `page` of this fragment at `address` (where the
    /// client reached `/fragments`).
    pub fn page_at(&self, base: &BaseIri, address: &str, page: usize) -> String {
        let mut query = self.query_string(base);
        if page > 1 {
            if !query.is_empty() {
                query.push('&');
            }
            query.push_str(&format!("page={page}"));
        }
        match query.as_str() {
            "" => address.to_owned(),
            q => format!("{address}?{q}"),
        }
    }

    /// Whether nothing is bound (the fragment of the whole dataset).
    pub fn is_empty(&self) -> bool {
        self.subject.is_none()
            && self.predicate.is_none()
            && self.object.is_none()
            && self.graph.is_none()
            && !self.union
    }
}

fn given(value: Option<&str>) -> Option<&str> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty() && !v.starts_with('?'))
}

fn bad(parameter: &str, value: &str, reason: &str) -> Error {
    Error::BadRequest(format!("{parameter}={value:?}: {reason}"))
}

/// One term in Hydra's explicit representation. IRIs may also come in angle
/// brackets, and blank nodes as `_:label`.
fn parse_term(base: &BaseIri, text: &str, parameter: &str) -> Result<Term> {
    if let Some(rest) = text.strip_prefix('"') {
        return parse_literal(rest)
            .map(Term::Literal)
            .map_err(|reason| bad(parameter, text, &reason));
    }
    if let Some(label) = text.strip_prefix("_:") {
        return BlankNode::new(label)
            .map(Term::BlankNode)
            .map_err(|e| bad(parameter, text, &e.to_string()));
    }
    let iri = text
        .strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(text);
    if let Some(label) = iri.strip_prefix(&genid_prefix(base)) {
        return BlankNode::new(label)
            .map(Term::BlankNode)
            .map_err(|e| bad(parameter, text, &format!("not a blank node name: {e}")));
    }
    NamedNode::new(iri)
        .map(Term::NamedNode)
        .map_err(|e| bad(parameter, text, &format!("not an IRI: {e}")))
}

/// `text"`, `text"@lang` or `text"^^datatype` (the opening quote already
/// read). The value runs to the last quote: quotes inside it need no escape.
fn parse_literal(rest: &str) -> std::result::Result<Literal, String> {
    let end = rest.rfind('"').ok_or("a literal needs a closing quote")?;
    let (value, suffix) = (&rest[..end], &rest[end + 1..]);
    if suffix.is_empty() {
        return Ok(Literal::new_simple_literal(value));
    }
    if let Some(lang) = suffix.strip_prefix('@') {
        return Literal::new_language_tagged_literal(value, lang)
            .map_err(|e| format!("bad language tag: {e}"));
    }
    if let Some(datatype) = suffix.strip_prefix("^^") {
        let datatype = datatype
            .strip_prefix('<')
            .and_then(|d| d.strip_suffix('>'))
            .unwrap_or(datatype);
        let datatype = NamedNode::new(datatype).map_err(|e| format!("bad datatype IRI: {e}"))?;
        return Ok(Literal::new_typed_literal(value, datatype));
    }
    Err(format!(
        "after the closing quote comes @language or ^^datatype, not {suffix:?}"
    ))
}

/// A term in Hydra's explicit representation (the inverse of `parse_term`),
/// blank nodes as their skolem IRIs.
pub fn explicit(base: &BaseIri, term: TermRef<'_>) -> String {
    match term {
        TermRef::NamedNode(n) => n.as_str().to_owned(),
        TermRef::BlankNode(b) => format!("{}{}", genid_prefix(base), b.as_str()),
        TermRef::Literal(l) => {
            if let Some(lang) = l.language() {
                format!("\"{}\"@{lang}", l.value())
            } else if l.datatype() == oxigraph::model::vocab::xsd::STRING {
                format!("\"{}\"", l.value())
            } else {
                format!("\"{}\"^^{}", l.value(), l.datatype().as_str())
            }
        }
        #[allow(unreachable_patterns)]
        _ => term.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> BaseIri {
        BaseIri::parse("http://example.org/").expect("a valid base")
    }

    #[test]
    fn an_exact_count_wins_over_a_lower_bound_and_bounds_take_the_larger() {
        let exact = |matches| Count {
            matches,
            exact: true,
        };
        let at_least = |matches| Count {
            matches,
            exact: false,
        };
        assert_eq!(at_least(10_000).merge(exact(12_345)), exact(12_345));
        assert_eq!(exact(12_345).merge(at_least(20_000)), exact(12_345));
        assert_eq!(at_least(10_000).merge(at_least(15_001)), at_least(15_001));
    }

    #[test]
    fn explicit_representation_reads_back_what_it_writes() {
        let terms = [
            Term::NamedNode(NamedNode::new_unchecked("http://example.org/id/x")),
            Term::BlankNode(BlankNode::new_unchecked("facts-3")),
            Literal::new_simple_literal("say \"hi\"").into(),
            Literal::new_language_tagged_literal_unchecked("对话", "zh-hans").into(),
            Literal::new_typed_literal("2017-11-30", oxigraph::model::vocab::xsd::DATE).into(),
        ];
        for term in terms {
            let text = explicit(&base(), term.as_ref());
            let back = parse_term(&base(), &text, "object");
            assert_eq!(back.ok(), Some(term), "{text}");
        }
    }

    #[test]
    fn bad_terms_are_refused_with_the_parameter_named() {
        for (s, p, o, says) in [
            (Some("not an iri"), None, None, "subject="),
            (None, Some("http://x/ y"), None, "predicate="),
            (None, None, Some("\"open"), "closing quote"),
            (None, None, Some("\"x\"^^bad iri"), "datatype"),
            (None, None, Some("\"x\"zz"), "after the closing quote"),
        ] {
            let error = Selector::parse(&base(), s, p, o, None).expect_err("refused");
            assert!(error.to_string().contains(says), "{error}");
        }
    }

    #[test]
    fn a_literal_subject_or_predicate_matches_nothing_rather_than_failing() {
        let selector = Selector::parse(
            &base(),
            Some("\"18\"^^http://www.w3.org/2001/XMLSchema#integer"),
            None,
            None,
            None,
        )
        .expect("a literal is a term like any other");
        assert!(selector.lookup().is_none());
        let selector = Selector::parse(&base(), None, Some("\"p\""), None, None).expect("parsed");
        assert!(selector.lookup().is_none());
    }

    #[test]
    fn variables_and_empty_values_match_anything() {
        let selector =
            Selector::parse(&base(), Some("?s"), Some(""), None, Some("?g")).expect("parsed");
        assert!(selector.is_empty());
        assert_eq!(
            selector.page_iri(&base(), 1),
            "http://example.org/fragments"
        );
        assert_eq!(
            selector.page_iri(&base(), 3),
            "http://example.org/fragments?page=3"
        );
    }

    #[test]
    fn the_union_graph_is_its_own_choice_and_keeps_its_name_in_links() {
        let union = union_graph_iri(&base());
        let selector = Selector::parse(&base(), None, None, None, Some(&union)).expect("parsed");
        assert!(selector.union && selector.graph.is_none() && !selector.is_empty());
        assert!(selector.lookup().is_some_and(|(.., g)| g.is_none()));
        assert_eq!(
            selector.page_iri(&base(), 2),
            "http://example.org/fragments?graph=http%3A%2F%2Fexample.org%2Ffragments%23union&page=2"
        );
    }
}
