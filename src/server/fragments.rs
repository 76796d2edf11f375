//! `GET /fragments`: Triple Pattern Fragments (see [`crate::pattern_fragments`]).
//!
//! RDF clients get the page's triples with its metadata and Hydra controls.
//! In TriG and N-Quads (what TPF clients ask for first) the metadata sits in
//! a graph of its own, `<page#metadata>`, so it never mixes with the data; in
//! the triple formats it is part of the one graph. Browsers get an HTML page
//! with a form for the pattern, the triples as links to further fragments,
//! and the page links.

use askama::Template;
use axum::extract::{Query, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use oxigraph::io::RdfFormat;
use oxigraph::model::{GraphName, NamedOrBlankNode, Quad, TermRef, Triple};
use serde::Deserialize;

use super::SharedState;
use super::http_cache::Validators;
use super::page::{PageParams, reader_language};
use super::resource::header_value;
use crate::config::BaseIri;
use crate::entity::entity_path;
use crate::error::{Error, Result};
use crate::formats::Format;
use crate::lang::{Lang, html_lang};
use crate::negotiate::negotiate;
use crate::pattern_fragments::{
    Fragment, METADATA_PREFIXES, PAGE_SIZE, Selector, explicit, fragment, fragments_iri, metadata,
    metadata_graph, pattern_text, skolemized, union_graph_iri,
};
use crate::sparql::rdf_serializer;
use crate::terms::{compact_iri, compact_literal};

/// What `/fragments` can answer in, in tie-breaking order.
const FRAGMENT_TYPES: &[&str] = &[
    "text/html",
    "application/trig",
    "application/n-quads",
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
];

#[derive(Debug, Default, Deserialize)]
pub struct FragmentParams {
    pub subject: Option<String>,
    pub predicate: Option<String>,
    pub object: Option<String>,
    pub graph: Option<String>,
    pub page: Option<usize>,
    pub lang: Option<String>,
    /// Overrides Accept: `trig`, `nq`, `ttl`, `nt`, `jsonld` or `html`.
    pub format: Option<String>,
}

/// The format `?format=` names, among what `/fragments` answers in.
fn format_by_name(name: &str) -> Option<&'static str> {
    let offered: Vec<Format> = FRAGMENT_TYPES
        .iter()
        .filter_map(|t| Format::from_media_type(t))
        .collect();
    Format::by_name(name, &offered).map(Format::media_type)
}

fn rdf_format(media_type: &str) -> RdfFormat {
    Format::from_media_type(media_type)
        .and_then(Format::rdf)
        .unwrap_or(RdfFormat::Turtle)
}

pub async fn get(
    State(state): State<SharedState>,
    Query(params): Query<FragmentParams>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response> {
    let media_type = match params.format.as_deref() {
        Some(name) => format_by_name(name).ok_or_else(|| Error::NotAcceptable {
            requested: format!("format={name}"),
            offered: FRAGMENT_TYPES.to_vec(),
        })?,
        None => negotiate(&headers, FRAGMENT_TYPES)?,
    };
    let dataset = state.dataset()?;
    let base = dataset.base().clone();
    let selector = Selector::parse(
        &base,
        params.subject.as_deref(),
        params.predicate.as_deref(),
        params.object.as_deref(),
        params.graph.as_deref(),
    )?;
    let page = params.page.unwrap_or(1).max(1);
    // The page is named by the address the client asked for: a TPF client
    // looks for the count and the next page as said of that very address.
    // Characters an IRI may not hold are escaped, so a request cannot break
    // the document it is named in.
    let raw = raw.map(|q| iri_safe(&q)).unwrap_or_default();
    let address = fragments_address(&base, &headers);
    let page_iri = match raw.as_str() {
        "" => address.clone(),
        q => format!("{address}?{q}"),
    };
    let (lang, chosen) = reader_language(
        &PageParams {
            lang: params.lang.clone(),
            ..Default::default()
        },
        &headers,
    );
    let variant = format!(
        "fragments {address} {raw} {media_type} {} {chosen}",
        lang.code()
    );
    let version = dataset.version();
    let validators = Validators::for_data(&version, &variant);
    if validators.is_fresh(&headers) {
        return Ok(validators.not_modified());
    }
    let cache_key = format!("{} {variant}", version.tag);
    if let Some(cached) = state.responses.get(&cache_key, &state.metrics) {
        return Ok(cached);
    }

    // A fragment's count is kept per data version: later pages of the same
    // pattern stop reading just past their end instead of counting again.
    let count_key = format!("{} {}", version.tag, selector.query_string(&base));
    let known_total = state.fragment_counts.get(&count_key);
    let worker_selector = selector.clone();
    let fragment = tokio::task::spawn_blocking(move || {
        fragment(&dataset, &worker_selector, page, known_total)
    })
    .await??;
    state.fragment_counts.insert(count_key, fragment.total);

    let mut response = if media_type == "text/html" {
        let view = FragmentHtml::new(&base, &fragment, &params, lang, chosen);
        let html = view.render()?;
        super::page::html_in(html, lang)
    } else {
        let body = rdf_body(&base, &address, &fragment, &page_iri, media_type)?;
        let mut response = body.into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            header_value(&format!("{media_type}; charset=utf-8")),
        );
        response
    };
    let h = response.headers_mut();
    h.insert(
        header::VARY,
        HeaderValue::from_static("Accept, Accept-Language"),
    );
    let mut links = Vec::new();
    if page > 1 {
        links.push(format!(
            "<{}>; rel=\"prev\"",
            selector.page_at(&base, &address, page - 1)
        ));
    }
    if fragment.has_next() {
        links.push(format!(
            "<{}>; rel=\"next\"",
            selector.page_at(&base, &address, page + 1)
        ));
    }
    if !links.is_empty() {
        h.insert(header::LINK, header_value(&links.join(", ")));
    }
    validators.apply(&mut response);
    Ok(state.responses.put(cache_key, response).await)
}

/// The page in an RDF format: data, then metadata (in its own graph where
/// the format has graphs).
pub fn rdf_body(
    base: &BaseIri,
    address: &str,
    fragment: &Fragment,
    page_iri: &str,
    media_type: &str,
) -> Result<Vec<u8>> {
    let format = rdf_format(media_type);
    let mut serializer = rdf_serializer(format, base);
    for (prefix, namespace) in METADATA_PREFIXES {
        serializer = serializer
            .with_prefix(*prefix, *namespace)
            .map_err(|e| Error::Internal(format!("a prefix of the fragments: {e}")))?;
    }
    let mut serializer = serializer.for_writer(Vec::new());
    let data = fragment.quads.iter().map(|q| skolemized(base, q));
    let described = metadata(base, address, fragment, page_iri);
    if format.supports_datasets() {
        let (graph, tie) = metadata_graph(page_iri);
        for quad in data {
            serializer.serialize_quad(&quad)?;
        }
        for triple in described.into_iter().chain([tie]) {
            serializer.serialize_quad(&triple.in_graph(graph.clone()))?;
        }
    } else {
        // The triple formats have no graphs: each quad gives its triple.
        for triple in data.map(Triple::from).chain(described) {
            serializer.serialize_triple(&triple)?;
        }
    }
    Ok(serializer.finish()?)
}

/// Where the client reached `/fragments`: under the base IRI, unless the
/// request came by another host (a port mapping, a proxy that says so in
/// `X-Forwarded-Host` / `X-Forwarded-Proto`). A TPF client follows the
/// controls of the page it read, so they must lead back to where it is.
/// The data's own IRIs stay those of the base.
pub fn fragments_address(base: &BaseIri, headers: &HeaderMap) -> String {
    let first = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let Some((base_scheme, rest)) = base.as_str().split_once("://") else {
        return fragments_iri(base);
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host = first("x-forwarded-host").or_else(|| first("host"));
    // Only what a host and port can hold, so nothing odd enters a document.
    let host = host.filter(|h| {
        h.len() <= 255
            && h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
    });
    let scheme = match first("x-forwarded-proto") {
        Some(p) if p.eq_ignore_ascii_case("https") => "https",
        Some(p) if p.eq_ignore_ascii_case("http") => "http",
        _ => base_scheme,
    };
    match host {
        Some(host) if !(host.eq_ignore_ascii_case(authority) && scheme == base_scheme) => {
            let path = if path.is_empty() { "/" } else { path };
            format!("{scheme}://{host}{path}fragments")
        }
        _ => fragments_iri(base),
    }
}

/// Characters RFC 3987 does not allow in an IRI, and `%` when it does not
/// start an escape, percent-encoded.
fn iri_safe(query: &str) -> String {
    const NOT_IN_IRI: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'<')
        .add(b'>')
        .add(b'\\')
        .add(b'^')
        .add(b'`')
        .add(b'{')
        .add(b'|')
        .add(b'}');
    percent_encoding::utf8_percent_encode(query, NOT_IN_IRI).to_string()
}

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
    fn new(
        base: &BaseIri,
        fragment: &Fragment,
        params: &FragmentParams,
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
        let cell = |term: TermRef<'_>, position: &str| {
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
            let href = with_param(&format!("/fragments?{}", query.finish()), &lang_query);
            let page = match term {
                TermRef::NamedNode(n) => entity_path(base, n.as_str())
                    .map(|p| with_param(&format!("/page/{p}"), &lang_query)),
                _ => None,
            };
            Cell {
                text,
                lang,
                href,
                page,
            }
        };
        let rows = fragment
            .quads
            .iter()
            .map(|q: &Quad| Row {
                subject: cell(
                    match &q.subject {
                        NamedOrBlankNode::NamedNode(n) => TermRef::NamedNode(n.as_ref()),
                        NamedOrBlankNode::BlankNode(b) => TermRef::BlankNode(b.as_ref()),
                    },
                    "subject",
                ),
                predicate: cell(TermRef::NamedNode(q.predicate.as_ref()), "predicate"),
                object: cell(q.object.as_ref(), "object"),
                graph: match &q.graph_name {
                    GraphName::NamedNode(g) => Some(cell(TermRef::NamedNode(g.as_ref()), "graph")),
                    _ => None,
                },
            })
            .collect();
        let first_index = (fragment.page - 1) * PAGE_SIZE + 1;
        let field = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.starts_with('?'))
                .unwrap_or_default()
                .to_owned()
        };
        let formats = [
            ("TriG", "trig"),
            ("N-Quads", "nq"),
            ("Turtle", "ttl"),
            ("N-Triples", "nt"),
            ("JSON-LD", "jsonld"),
        ]
        .into_iter()
        .map(|(label, name)| {
            (
                label,
                with_param(&plain(fragment.page), &format!("format={name}")),
            )
        })
        .collect();
        let pattern = if fragment.selector.is_empty() {
            String::new()
        } else {
            pattern_text(&fragment.selector, base)
        };
        Self {
            lang,
            pattern,
            subject: field(&params.subject),
            predicate: field(&params.predicate),
            object: field(&params.object),
            graph: field(&params.graph),
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

/// `path` with one more `name=value` query parameter (none if `param` is empty).
fn with_param(path: &str, param: &str) -> String {
    match (param.is_empty(), path.contains('?')) {
        (true, _) => path.to_owned(),
        (false, true) => format!("{path}&{param}"),
        (false, false) => format!("{path}?{param}"),
    }
}
