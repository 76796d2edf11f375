//! What a fragment page shows a browser: the pattern's form, the quads as
//! links to further fragments (and to entity pages), the count, the page
//! links and the same page in each RDF format. Plain data, rendered by the
//! `fragments.html` template.

use askama::Template;
use oxigraph::model::{GraphName, NamedOrBlankNode, Quad, TermRef};

use super::{Fragment, PAGE_SIZE, explicit, fragments_iri, pattern_text, union_graph_iri};
use crate::config::BaseIri;
use crate::entity::entity_path;
use crate::lang::{Lang, html_lang};
use crate::terms::{compact_iri, compact_literal};

/// One term of a triple on the HTML page.
pub struct Cell {
    /// As a person reads it (prefixed name, relative IRI, literal text).
    pub text: String,
    /// The language of a literal, for the `lang` attribute.
    pub lang: String,
    /// The fragment with this term in the same position.
    pub href: String,
    /// The entity page, for IRIs this server mints.
    pub page: Option<String>,
}

/// One quad on the HTML page.
pub struct Row {
    pub subject: Cell,
    pub predicate: Cell,
    pub object: Cell,
    /// `None` for the default graph (the union, when asked for).
    pub graph: Option<Cell>,
}

/// The HTML view of one fragment page.
#[derive(Template)]
#[template(path = "fragments.html")]
pub struct FragmentHtml {
    lang: Lang,
    pattern: String,
    subject: String,
    predicate: String,
    object: String,
    graph: String,
    /// Whether the rows have a graph column (not when the union was asked).
    show_graphs: bool,
    /// The `graph` value that asks for the union of all graphs.
    union_graph: String,
    rows: Vec<Row>,
    total: usize,
    /// Whether `total` is exact (else counting stopped there).
    total_exact: bool,
    first_index: usize,
    last_index: usize,
    page: usize,
    /// Known when the count is exact.
    last_page: Option<usize>,
    /// Whether there is more than one page.
    paged: bool,
    first: Option<String>,
    previous: Option<String>,
    next: Option<String>,
    last: Option<String>,
    /// The same page in each RDF format: (label, link).
    formats: Vec<(&'static str, String)>,
    lang_query: String,
    /// This page in the other language.
    other_lang: String,
}

impl FragmentHtml {
    /// The page of `fragment`, with the pattern's form filled in with what
    /// was asked (`asked`: subject, predicate, object, graph).
    pub fn new(
        base: &BaseIri,
        fragment: &Fragment,
        asked: [Option<&str>; 4],
        lang: Lang,
        chosen: bool,
    ) -> Self {
        let lang_query = if chosen {
            format!("lang={}", lang.code())
        } else {
            String::new()
        };
        // Links stay on this server, whatever the base IRI.
        let plain = |page: usize| {
            let iri = fragment.selector.page_iri(base, page);
            let query = iri.strip_prefix(&fragments_iri(base)).unwrap_or_default();
            format!("/fragments{query}")
        };
        let local = |page: usize| with_param(&plain(page), &lang_query);
        let rows = fragment
            .quads
            .iter()
            .map(|q| Row::of(base, q, &lang_query))
            .collect();
        let first_index = (fragment.page - 1) * PAGE_SIZE + 1;
        let field = |value: Option<&str>| {
            value
                .map(str::trim)
                .filter(|v| !v.starts_with('?'))
                .unwrap_or_default()
                .to_owned()
        };
        let formats = FORMAT_LINKS
            .iter()
            .map(|(label, name)| {
                let link = with_param(&plain(fragment.page), &format!("format={name}"));
                (*label, link)
            })
            .collect();
        let pattern = if fragment.selector.is_empty() {
            String::new()
        } else {
            pattern_text(&fragment.selector, base)
        };
        let [subject, predicate, object, graph] = asked;
        Self {
            lang,
            pattern,
            subject: field(subject),
            predicate: field(predicate),
            object: field(object),
            graph: field(graph),
            show_graphs: !fragment.selector.union,
            union_graph: union_graph_iri(base),
            rows,
            total: fragment.total.matches,
            total_exact: fragment.total.exact,
            first_index,
            last_index: first_index + fragment.quads.len().saturating_sub(1),
            page: fragment.page,
            last_page: fragment.last_page(),
            paged: fragment.page > 1 || fragment.has_next(),
            first: (fragment.page > 1).then(|| local(1)),
            previous: (fragment.page > 1).then(|| local(fragment.page - 1)),
            next: fragment.has_next().then(|| local(fragment.page + 1)),
            last: fragment
                .last_page()
                .filter(|last| fragment.page < *last)
                .map(local),
            formats,
            other_lang: with_param(
                &plain(fragment.page),
                &format!("lang={}", lang.other().code()),
            ),
            lang_query,
        }
    }

    /// The language of the site's own words on this page (menu, footer).
    fn ui(&self) -> Lang {
        self.lang
    }
}

/// The RDF formats the page links to itself in: (label, `format=` name).
const FORMAT_LINKS: &[(&str, &str)] = &[
    ("TriG", "trig"),
    ("N-Quads", "nq"),
    ("Turtle", "ttl"),
    ("N-Triples", "nt"),
    ("JSON-LD", "jsonld"),
];

impl Row {
    /// One quad of the page, each term linked to the fragment with it in
    /// the same position (and to its entity page, for IRIs minted here).
    fn of(base: &BaseIri, quad: &Quad, lang_query: &str) -> Self {
        let subject = match &quad.subject {
            NamedOrBlankNode::NamedNode(n) => TermRef::NamedNode(n.as_ref()),
            NamedOrBlankNode::BlankNode(b) => TermRef::BlankNode(b.as_ref()),
        };
        Row {
            subject: Cell::of(base, subject, "subject", lang_query),
            predicate: Cell::of(
                base,
                TermRef::NamedNode(quad.predicate.as_ref()),
                "predicate",
                lang_query,
            ),
            object: Cell::of(base, quad.object.as_ref(), "object", lang_query),
            graph: match &quad.graph_name {
                GraphName::NamedNode(g) => Some(Cell::of(
                    base,
                    TermRef::NamedNode(g.as_ref()),
                    "graph",
                    lang_query,
                )),
                _ => None,
            },
        }
    }
}

impl Cell {
    fn of(base: &BaseIri, term: TermRef<'_>, position: &str, lang_query: &str) -> Self {
        let text = match term {
            TermRef::Literal(l) => compact_literal(&l.into_owned(), base),
            TermRef::NamedNode(n) => compact_iri(n.as_str(), base),
            TermRef::BlankNode(b) => format!("_:{}", b.as_str()),
            #[allow(unreachable_patterns)]
            other => other.to_string(),
        };
        let lang = match term {
            TermRef::Literal(l) => l.language().map(html_lang).unwrap_or_default(),
            _ => String::new(),
        };
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair(position, &explicit(base, term));
        let href = with_param(&format!("/fragments?{}", query.finish()), lang_query);
        let page = match term {
            TermRef::NamedNode(n) => {
                entity_path(base, n.as_str()).map(|p| with_param(&format!("/page/{p}"), lang_query))
            }
            _ => None,
        };
        Cell {
            text,
            lang,
            href,
            page,
        }
    }
}

/// `path` with one more `name=value` query parameter (none if `param` is empty).
fn with_param(path: &str, param: &str) -> String {
    match (param.is_empty(), path.contains('?')) {
        (true, _) => path.to_owned(),
        (false, true) => format!("{path}&{param}"),
        (false, false) => format!("{path}?{param}"),
    }
}
