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
use oxigraph::model::Triple;
use serde::Deserialize;

use super::SharedState;
use super::http_cache::Validators;
use super::page::{PageParams, blocking, html_in, reader_language};
use super::resource::header_value;
use crate::config::BaseIri;
use crate::error::{Error, Result};
use crate::formats::Format;
use crate::lang::Lang;
use crate::negotiate::negotiate;
use crate::pattern_fragments::html_view::FragmentHtml;
use crate::pattern_fragments::{
    Fragment, METADATA_PREFIXES, Selector, fragment, fragments_iri, metadata, metadata_graph,
    skolemized,
};
use crate::sparql::rdf_serializer;

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

/// What one request asks of `/fragments`, read once from its parameters
/// and headers.
struct FragmentRequest {
    media_type: &'static str,
    selector: Selector,
    page: usize,
    /// Where the client reached `/fragments` (see [`fragments_address`]).
    address: String,
    /// The page as the client named it.
    page_iri: String,
    lang: Lang,
    chosen: bool,
    /// What tells this response from the other variants of the URL.
    variant: String,
}

impl FragmentRequest {
    fn new(
        base: &BaseIri,
        params: &FragmentParams,
        raw: Option<String>,
        headers: &HeaderMap,
    ) -> Result<Self> {
        let media_type = match params.format.as_deref() {
            Some(name) => format_by_name(name).ok_or_else(|| Error::NotAcceptable {
                requested: format!("format={name}"),
                offered: FRAGMENT_TYPES.to_vec(),
            })?,
            None => negotiate(headers, FRAGMENT_TYPES)?,
        };
        let selector = Selector::parse(
            base,
            params.subject.as_deref(),
            params.predicate.as_deref(),
            params.object.as_deref(),
            params.graph.as_deref(),
        )?;
        // The page is named by the address the client asked for: a TPF client
        // looks for the count and the next page as said of that very address.
        // Characters an IRI may not hold are escaped, so a request cannot break
        // the document it is named in.
        let raw = raw.map(|q| iri_safe(&q)).unwrap_or_default();
        let address = fragments_address(base, headers);
        let page_iri = match raw.as_str() {
            "" => address.clone(),
            q => format!("{address}?{q}"),
        };
        let language = PageParams {
            lang: params.lang.clone(),
            ..Default::default()
        };
        let (lang, chosen) = reader_language(&language, headers);
        let variant = format!(
            "fragments {address} {raw} {media_type} {} {chosen}",
            lang.code()
        );
        Ok(Self {
            media_type,
            selector,
            page: params.page.unwrap_or(1).max(1),
            address,
            page_iri,
            lang,
            chosen,
            variant,
        })
    }

    /// The `Link` header's previous and next pages, if there are any.
    fn page_links(&self, base: &BaseIri, has_next: bool) -> Option<HeaderValue> {
        let mut links = Vec::new();
        if self.page > 1 {
            let previous = self.selector.page_at(base, &self.address, self.page - 1);
            links.push(format!("<{previous}>; rel=\"prev\""));
        }
        if has_next {
            let next = self.selector.page_at(base, &self.address, self.page + 1);
            links.push(format!("<{next}>; rel=\"next\""));
        }
        (!links.is_empty()).then(|| header_value(&links.join(", ")))
    }
}

pub async fn get(
    State(state): State<SharedState>,
    Query(params): Query<FragmentParams>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response> {
    let dataset = state.dataset()?;
    let base = dataset.base().clone();
    let request = FragmentRequest::new(&base, &params, raw, &headers)?;
    let version = dataset.version();
    let validators = Validators::for_data(&version, &request.variant);
    if validators.is_fresh(&headers) {
        return Ok(validators.not_modified());
    }
    let cache_key = format!("{} {}", version.tag, request.variant);
    if let Some(cached) = state.responses.get(&cache_key, &state.metrics) {
        return Ok(cached);
    }
    // A fragment's count is kept per data version: later pages of the same
    // pattern stop reading just past their end instead of counting again.
    let count_key = format!("{} {}", version.tag, request.selector.query_string(&base));
    let known_total = state.fragment_counts.get(&count_key);
    let (selector, page) = (request.selector.clone(), request.page);
    let fragment = blocking(move || fragment(&dataset, &selector, page, known_total)).await?;
    state.fragment_counts.insert(count_key, fragment.total);

    let mut response = fragment_response(&base, &request, &params, &fragment)?;
    validators.apply(&mut response);
    Ok(state.responses.put(cache_key, response).await)
}

/// The answer for one fetched page of a fragment: the HTML view or the RDF
/// document the client asked for, with its Vary and paging Link headers.
fn fragment_response(
    base: &BaseIri,
    request: &FragmentRequest,
    params: &FragmentParams,
    fragment: &Fragment,
) -> Result<Response> {
    let mut response = if request.media_type == "text/html" {
        let asked = [
            &params.subject,
            &params.predicate,
            &params.object,
            &params.graph,
        ];
        let (lang, chosen) = (request.lang, request.chosen);
        let view = FragmentHtml::new(base, fragment, asked.map(|a| a.as_deref()), lang, chosen);
        html_in(view.render()?, lang)
    } else {
        let body = rdf_body(
            base,
            &request.address,
            fragment,
            &request.page_iri,
            request.media_type,
        )?;
        let mut response = body.into_response();
        let content_type = header_value(&format!("{}; charset=utf-8", request.media_type));
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, content_type);
        response
    };
    let vary = HeaderValue::from_static("Accept, Accept-Language");
    response.headers_mut().insert(header::VARY, vary);
    if let Some(links) = request.page_links(base, fragment.has_next()) {
        response.headers_mut().insert(header::LINK, links);
    }
    Ok(response)
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
