//! The entity IRIs and their documents ("Cool URIs for the Semantic Web", 303 style):
//!
//! - `GET /id/{path}` answers 303 See Other: to `/page/{path}` for browsers,
//!   to `/data/{path}.{ttl|jsonld|nt|rdf}` for RDF clients, chosen from Accept.
//!   On ties the order is HTML, Turtle, JSON-LD, N-Triples, RDF/XML.
//! - `GET /page/{path}` is the HTML page (`?lang=en|zh`, else Accept-Language).
//! - `GET /data/{path}.{ext}` is the RDF description; without a suffix the
//!   format comes from `?format=` or Accept. Suffix, `?format=` and Accept
//!   always give the same bytes for the same format.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::SharedState;
use super::http_cache::Validators;
use super::page::{PageContext, PageParams, blocking};
use crate::entity::page_view::{EntityView, PageLayout, entity_view};
use crate::entity::{
    Description, DocFormat, describe_page, document_metadata, entity_iri, exists, valid_entity_path,
};
use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::negotiate::negotiate;
use crate::pictures::{DatedEvents, Diagram, Timeline, neighbourhood, timeline};
use crate::sparql::rdf_serializer;
use crate::store::Dataset;
use oxigraph::model::NamedNode;

/// What `/id/` can redirect to, in tie-breaking order.
const ENTITY_TYPES: &[&str] = &[
    "text/html",
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
    "application/rdf+xml",
];

/// `?page=N` (and `lang`) for a link to another page of incoming links.
fn page_query(page: usize, lang_query: &str) -> String {
    match lang_query.strip_prefix('?') {
        Some(lang) => format!("?{lang}&page={page}"),
        None => format!("?page={page}"),
    }
}

/// Where the previous and next pages of a hub's incoming links are: paths
/// under this server, with the page's query string.
#[derive(Default)]
struct Paging {
    previous: Option<String>,
    next: Option<String>,
}

impl Paging {
    fn of(base_path: &str, description: &Description, lang_query: &str) -> Self {
        let previous = (description.page > 1).then(|| match description.page {
            2 => format!("{base_path}{lang_query}"),
            n => format!("{base_path}{}", page_query(n - 1, lang_query)),
        });
        let next = (description.incoming_omitted > 0).then(|| {
            format!(
                "{base_path}{}",
                page_query(description.page + 1, lang_query)
            )
        });
        Self { previous, next }
    }

    /// `Link` header entries: `rel="prev"` and `rel="next"`.
    fn link_entries(&self) -> Vec<String> {
        let prev = self.previous.iter().map(|p| format!("<{p}>; rel=\"prev\""));
        let next = self.next.iter().map(|n| format!("<{n}>; rel=\"next\""));
        prev.chain(next).collect()
    }
}

pub async fn id(
    State(state): State<SharedState>,
    Path(path): Path<String>,
    Query(params): Query<PageParams>,
    headers: HeaderMap,
) -> Result<Response> {
    let iri = checked_entity(&state, &path, &headers).await?;
    let (target, format) = match params.format.as_deref() {
        Some(name) => {
            let format = DocFormat::from_name(name).ok_or_else(|| unknown_format(name))?;
            (format!("/data/{path}.{}", format.extension()), Some(format))
        }
        None => match negotiate(&headers, ENTITY_TYPES)? {
            "text/html" => match params.lang.as_deref().and_then(Lang::from_param) {
                Some(lang) => (format!("/page/{path}?lang={}", lang.code()), None),
                None => (format!("/page/{path}"), None),
            },
            media_type => {
                let format = DocFormat::from_media_type(media_type).unwrap_or(DocFormat::Turtle);
                (format!("/data/{path}.{}", format.extension()), Some(format))
            }
        },
    };
    let mut response = (StatusCode::SEE_OTHER, format!("See {target}\n")).into_response();
    let h = response.headers_mut();
    h.insert(header::LOCATION, header_value(&target));
    h.insert(header::VARY, HeaderValue::from_static("Accept"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    h.insert(
        header::LINK,
        header_value(&link_header(&path, iri.as_str(), format)),
    );
    Ok(response)
}

pub async fn page(
    State(state): State<SharedState>,
    Path(path): Path<String>,
    Query(params): Query<PageParams>,
    headers: HeaderMap,
) -> Result<Response> {
    let PageContext {
        lang,
        chosen,
        validators,
        dataset,
        ..
    } = PageContext::new(
        &state,
        &params,
        &headers,
        &format!("page {path} {}", params.page()),
    )?;
    if !valid_entity_path(&path) {
        return Err(not_found(&path, &headers));
    }
    if validators.is_fresh(&headers) {
        return Ok(validators.not_modified());
    }
    let page = params.page();
    let cache_key = format!(
        "{} page {path} {page} {} {chosen}",
        dataset.version().tag,
        lang.code()
    );
    if let Some(cached) = state.responses.get(&cache_key, &state.metrics) {
        return Ok(cached);
    }
    let events = state.dated_events(&dataset).await?;
    let layout = state.page_layout(&dataset).await?;
    let (worker_path, language) = (path.clone(), (lang, chosen));
    let view =
        blocking(move || page_parts(&dataset, &worker_path, page, language, &layout, &events))
            .await?;
    let Some(parts) = view else {
        return Err(not_found(&path, &headers));
    };
    let response = page_response(parts, &path, lang, &validators)?;
    Ok(state.responses.put(cache_key, response).await)
}

/// The rendered page, with its language, validators and Link header (what
/// it describes, its alternate, the other pages of its incoming links).
fn page_response(
    (view, diagram, timeline, paging): PageParts,
    path: &str,
    lang: Lang,
    validators: &Validators,
) -> Result<Response> {
    let html = EntityPage {
        v: &view,
        diagram,
        timeline,
    }
    .render()?;
    let mut response = super::page::html_page(html, lang, "Accept-Language", validators);
    let mut links = vec![link_header(path, &view.iri, None)];
    links.extend(paging.link_entries());
    response
        .headers_mut()
        .insert(header::LINK, header_value(&links.join(", ")));
    Ok(response)
}

/// An entity page's view, neighbourhood diagram, (for events) timeline, and
/// the other pages of its incoming links.
type PageParts = (EntityView, Option<Diagram>, Option<Timeline>, Paging);

/// What an entity page shows of page `page` of `path`'s description, in
/// the reader's language (and whether they chose it); `None` if there is no
/// such page.
fn page_parts(
    dataset: &Dataset,
    path: &str,
    page: usize,
    (lang, chosen): (Lang, bool),
    layout: &PageLayout,
    events: &DatedEvents,
) -> Result<Option<PageParts>> {
    let iri = entity_iri(dataset.base(), path);
    let lang_query = if chosen {
        format!("?lang={}", lang.code())
    } else {
        String::new()
    };
    let Some(description) = describe_page(dataset, &iri, page)? else {
        return Ok(None);
    };
    let Some(mut view) = entity_view(&description, dataset.base(), layout, lang, chosen) else {
        return Ok(None);
    };
    let paging = Paging::of(&format!("/page/{path}"), &description, &lang_query);
    view.previous_page = paging.previous.clone();
    view.next_page = paging.next.clone();
    let diagram = neighbourhood(&description, dataset.base(), lang, &lang_query);
    // An event's page shows the timeline of the events around it.
    let event = NamedNode::new_unchecked("http://schema.org/Event");
    let is_event = description.about.iter().any(|t| {
        t.predicate == oxigraph::model::vocab::rdf::TYPE
            && t.object == oxigraph::model::Term::NamedNode(event.clone())
            && t.subject == iri.clone().into()
    });
    let timeline = if is_event {
        timeline(dataset, events, Some(&iri), lang, &lang_query)?
    } else {
        None
    };
    Ok(Some((view, diagram, timeline, paging)))
}

#[derive(Template)]
#[template(path = "entity.html")]
struct EntityPage<'a> {
    v: &'a EntityView,
    diagram: Option<Diagram>,
    timeline: Option<Timeline>,
}

/// `/data/person/xi-jinping.ttl`: the path and the format its suffix names,
/// if it names one; else the path as it is.
fn split_suffix(file: &str) -> (String, Option<DocFormat>) {
    match file.rsplit_once('.') {
        Some((path, ext)) if DocFormat::from_extension(ext).is_some() => {
            (path.to_owned(), DocFormat::from_extension(ext))
        }
        _ => (file.to_owned(), None),
    }
}

/// The format of a data document: its suffix, else `?format=`, else Accept.
/// A suffix and a `format=` that disagree are refused.
fn document_format(
    suffix: Option<DocFormat>,
    params: &PageParams,
    headers: &HeaderMap,
) -> Result<DocFormat> {
    let asked = params
        .format
        .as_deref()
        .map(|name| DocFormat::from_name(name).ok_or_else(|| unknown_format(name)))
        .transpose()?;
    Ok(match (suffix, asked) {
        (Some(s), Some(a)) if s != a => {
            return Err(Error::BadRequest(format!(
                "the suffix .{} and format={} ask for different formats",
                s.extension(),
                params.format.as_deref().unwrap_or_default()
            )));
        }
        (Some(f), _) | (None, Some(f)) => f,
        (None, None) => {
            let media_type = negotiate(headers, &ENTITY_TYPES[1..])?;
            DocFormat::from_media_type(media_type).unwrap_or(DocFormat::Turtle)
        }
    })
}

/// The data document of the entity at `path` (page `page` of its incoming
/// links) in `format`, with its metadata and Hydra's paging terms, so RDF
/// clients can follow a hub's pages too; also the entity's IRI. `None` if
/// there is no such page.
fn document_body(
    dataset: &Dataset,
    path: &str,
    page: usize,
    format: DocFormat,
) -> Result<Option<(Vec<u8>, Paging, String)>> {
    let base = dataset.base();
    let iri = entity_iri(base, path);
    let Some(description) = describe_page(dataset, &iri, page)? else {
        return Ok(None);
    };
    let document_path = format!("/data/{path}.{}", format.extension());
    let document = match page {
        1 => base.resolve(&document_path),
        n => base.resolve(&format!("{document_path}?page={n}")),
    };
    let document = document.as_str();
    let paging = Paging::of(&document_path, &description, "");
    let mut metadata = document_metadata(base, document, &iri);
    for (term, path) in [("previous", &paging.previous), ("next", &paging.next)] {
        if let Some(path) = path {
            metadata.push(oxigraph::model::Triple::new(
                NamedNode::new_unchecked(document),
                NamedNode::new_unchecked(format!("http://www.w3.org/ns/hydra/core#{term}")),
                NamedNode::new_unchecked(base.resolve(path.trim_start_matches('/'))),
            ));
        }
    }
    let mut serializer = rdf_serializer(format.rdf_format(), base).for_writer(Vec::new());
    for triple in metadata.iter().chain(description.all_triples()) {
        serializer.serialize_triple(triple)?;
    }
    Ok(Some((
        serializer.finish()?,
        paging,
        iri.as_str().to_owned(),
    )))
}

pub async fn data(
    State(state): State<SharedState>,
    Path(file): Path<String>,
    Query(params): Query<PageParams>,
    headers: HeaderMap,
) -> Result<Response> {
    let (path, suffix) = split_suffix(&file);
    let format = document_format(suffix, &params, &headers)?;
    if !valid_entity_path(&path) {
        return Err(not_found(&path, &headers));
    }
    let dataset = state.dataset()?;
    let (page, extension) = (params.page(), format.extension());
    let version = dataset.version();
    let validators = Validators::for_data(&version, &format!("data {path} {extension} {page}"));
    if validators.is_fresh(&headers) {
        return Ok(validators.not_modified());
    }
    let variant = format!("data {path} {extension} {page} {}", suffix.is_some());
    let cache_key = format!("{} {variant}", version.tag);
    if let Some(cached) = state.responses.get(&cache_key, &state.metrics) {
        return Ok(cached);
    }
    let worker_path = path.clone();
    let body = blocking(move || document_body(&dataset, &worker_path, page, format)).await?;
    let Some((body, paging, subject)) = body else {
        return Err(not_found(&path, &headers));
    };
    let mut response = body.into_response();
    document_headers(&mut response, &path, &subject, format, suffix, &paging);
    validators.apply(&mut response);
    Ok(state.responses.put(cache_key, response).await)
}

/// A data document's headers: its type; when it was negotiated (no suffix)
/// Vary and the document's own address; its Link header.
fn document_headers(
    response: &mut Response,
    path: &str,
    subject: &str,
    format: DocFormat,
    suffix: Option<DocFormat>,
    paging: &Paging,
) {
    let h = response.headers_mut();
    let content_type = format!("{}; charset=utf-8", format.media_type());
    h.insert(header::CONTENT_TYPE, header_value(&content_type));
    if suffix.is_none() {
        h.insert(header::VARY, HeaderValue::from_static("Accept"));
        let location = format!("/data/{path}.{}", format.extension());
        h.insert(header::CONTENT_LOCATION, header_value(&location));
    }
    let mut links = vec![link_header(path, subject, Some(format))];
    links.extend(paging.link_entries());
    h.insert(header::LINK, header_value(&links.join(", ")));
}

/// `Link` header of one of an entity's resources (answered in `current`,
/// `None` for the HTML page): what it describes, and one alternate. One only:
/// PyLD, the JSON-LD processor of Python, fails on a repeated
/// `rel="alternate"`, and follows a JSON-LD alternate even from a JSON-LD
/// document (it reads `application/ld+json; charset=utf-8` as not JSON), so
/// a JSON-LD document points at the page and everything else at the JSON-LD.
/// The page lists every format in its `<head>`.
fn link_header(path: &str, iri: &str, current: Option<DocFormat>) -> String {
    let alternate = match current {
        Some(DocFormat::JsonLd) => format!("</page/{path}>; rel=\"alternate\"; type=\"text/html\""),
        _ => format!(
            "</data/{path}.{}>; rel=\"alternate\"; type=\"{}\"",
            DocFormat::JsonLd.extension(),
            DocFormat::JsonLd.media_type()
        ),
    };
    format!("<{iri}>; rel=\"describes\", {alternate}")
}

/// A header value from text (empty if the text cannot be one).
pub(super) fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or(HeaderValue::from_static(""))
}

fn unknown_format(name: &str) -> Error {
    Error::NotAcceptable {
        requested: format!("format={name}"),
        offered: DocFormat::ALL.iter().map(|f| f.extension()).collect(),
    }
}

/// Checks that `path` names an entity the store knows.
async fn checked_entity(
    state: &SharedState,
    path: &str,
    headers: &HeaderMap,
) -> Result<oxigraph::model::NamedNode> {
    if !valid_entity_path(path) {
        return Err(not_found(path, headers));
    }
    let dataset = state.dataset()?;
    let iri = entity_iri(dataset.base(), path);
    let probe = iri.clone();
    let known = blocking(move || exists(&dataset, &probe)).await?;
    if known {
        Ok(iri)
    } else {
        Err(not_found(path, headers))
    }
}

/// The 404 of an unknown entity: a page for browsers, text for machines.
fn not_found(path: &str, headers: &HeaderMap) -> Error {
    let html = negotiate(headers, &["text/plain", "text/html"]).is_ok_and(|t| t == "text/html")
        && headers.contains_key(header::ACCEPT);
    Error::NotFoundPage {
        what: format!("/id/{path}"),
        html,
    }
}

impl EntityPage<'_> {
    /// The language of the site's own words on this page (menu, footer).
    fn ui(&self) -> crate::lang::Lang {
        self.v.lang
    }
}
