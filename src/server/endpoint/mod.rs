//! `/sparql`: the SPARQL 1.1 Protocol endpoint.
//!
//! - Queries by GET `?query=`, by POST as a form, or by POST as
//!   `application/sparql-query`, with `default-graph-uri` / `named-graph-uri`.
//! - Results are streamed in the format the client negotiates with `Accept`
//!   (or names with `format=`), capped at `--max-rows` (the cap is announced in
//!   the `Sparql-Result-Limit` header, a cut in `Sparql-Result-Truncated`).
//! - Updates by POST (form `update=` or `application/sparql-update`) only with
//!   the operator's bearer token; otherwise the endpoint is read-only.
//! - GET without a query describes the endpoint: a SPARQL Service Description
//!   for RDF clients, the query editor for browsers.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::SharedState;
use crate::dataset_description::{EndpointFeatures, GraphSizes, service_description};
use crate::error::{Error, Result};
use crate::formats::Format;
use crate::negotiate::{negotiate, negotiate_format};
use crate::server::page::blocking;
use crate::sparql::url_load::fetch_loads;
use crate::sparql::{GRAPH_FORMATS, QueryOptions, RESULT_FORMATS, prepare_update, rdf_serializer};
use crate::store::Dataset;

mod editor;
mod protocol;
mod streaming;

use editor::editor_page;
pub use protocol::ProtocolRequest;
use protocol::{content_type_header, iris};
use streaming::{keep_result, run_streaming};

/// Response header: the row cap in force for this result.
pub const RESULT_LIMIT: &str = "sparql-result-limit";
/// Response header, `true` when the cap cut the result short.
pub const RESULT_TRUNCATED: &str = "sparql-result-truncated";

/// Media types of the endpoint's own description (GET without a query).
const DESCRIPTION_TYPES: &[&str] = &[
    "text/html",
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
    "application/rdf+xml",
];

pub async fn get(
    State(state): State<SharedState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response> {
    let request = ProtocolRequest::from_urlencoded(raw.unwrap_or_default().as_bytes())?;
    if request.update.is_some() {
        return Err(Error::BadRequest(
            "SPARQL Update must be sent with POST".to_owned(),
        ));
    }
    match request.query {
        Some(query) if request.formats.is_empty() && prefers_html(&headers) => {
            // A person following a link: the editor, with the query in it, run.
            editor_page(&state, Some(query)).await
        }
        Some(_) => answer_query(state, headers, request).await,
        None => describe(state, headers).await,
    }
}

pub async fn post(
    State(state): State<SharedState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Response> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let request = ProtocolRequest::from_post(content_type, raw.as_deref(), &body)?;
    if request.update.is_some() {
        return answer_update(state, headers, request).await;
    }
    if request.query.is_none() {
        return Err(Error::BadRequest(
            "no query: pass the SPARQL query as the `query` parameter".to_owned(),
        ));
    }
    answer_query(state, headers, request).await
}

/// Whether the client is a browser asking for a page rather than data: HTML
/// only when the Accept header puts it strictly above every result format.
fn prefers_html(headers: &HeaderMap) -> bool {
    let offered: Vec<Format> = RESULT_FORMATS
        .iter()
        .chain(GRAPH_FORMATS)
        .copied()
        .chain([Format::Html])
        .collect();
    headers.contains_key(header::ACCEPT)
        && negotiate_format(headers, &offered).is_ok_and(|f| f == Format::Html)
}

async fn answer_query(
    state: SharedState,
    headers: HeaderMap,
    request: ProtocolRequest,
) -> Result<Response> {
    let query = request.query.unwrap_or_default();
    let options = QueryOptions {
        default_graphs: iris(&request.default_graphs, "default-graph-uri")?,
        named_graphs: iris(&request.named_graphs, "named-graph-uri")?,
        allow_service: state.settings.allow_service,
    };
    // The data this query runs on, taken once: its version names the cache
    // entry the result may be kept under.
    let dataset = state.dataset()?;
    // The same query on the same data version, asking for the same format,
    // gets the same bytes: answer it from the cache when it was small enough
    // to keep. Not with SERVICE allowed, whose answers come from elsewhere.
    let cache_key = (!options.allow_service).then(|| {
        let accept = headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        format!(
            "sparql\n{}\n{query}\n{:?}\n{:?}\n{:?}\n{accept}",
            dataset.version().tag,
            request.default_graphs,
            request.named_graphs,
            request.formats,
        )
    });
    if let Some(key) = &cache_key {
        if let Some(cached) = state.responses.get(key, &state.metrics) {
            return Ok(cached);
        }
    }
    let response = run_streaming(
        state.clone(),
        dataset,
        headers,
        query,
        options,
        request.formats,
    )
    .await?;
    Ok(match cache_key {
        Some(key) => keep_result(state, key, response),
        None => response,
    })
}

/// Checks the bearer token in constant time, then runs the update.
async fn answer_update(
    state: SharedState,
    headers: HeaderMap,
    request: ProtocolRequest,
) -> Result<Response> {
    super::admin::authorize(&state, &headers, "SPARQL Update")?;
    let update = request.update.unwrap_or_default();
    let options = QueryOptions {
        default_graphs: iris(&request.using_graphs, "using-graph-uri")?,
        named_graphs: iris(&request.using_named_graphs, "using-named-graph-uri")?,
        allow_service: state.settings.allow_service,
    };
    if !request.default_graphs.is_empty() || !request.named_graphs.is_empty() {
        return Err(Error::BadRequest(
            "an update takes using-graph-uri / using-named-graph-uri, not default-graph-uri / named-graph-uri".to_owned(),
        ));
    }
    // One snapshot: the store the update changes is the one marked changed.
    let dataset = state.dataset()?;
    let worker = dataset.clone();
    let policy = state.settings.load_policy.clone();
    blocking(move || {
        let mut prepared = prepare_update(&update, worker.base(), &options)?;
        // LOAD is fetched here, under the operator's allow-list, before
        // anything of the update runs (see `sparql::url_load`).
        fetch_loads(&mut prepared.update, &policy)?;
        worker.backend().update(prepared)
    })
    .await?;
    // Pages, documents and dumps of the old data must not be served as current.
    dataset.touch();
    tracing::info!("update applied");
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The triples in each named graph of `dataset` and what the data says of
/// each graph, counted once per data version.
async fn graph_sizes(state: &SharedState, dataset: &Dataset) -> Result<Arc<GraphSizes>> {
    let counter = dataset.clone();
    state
        .graph_sizes
        .get(
            dataset.version(),
            &state.metrics,
            "graph_sizes",
            move || GraphSizes::count(&counter),
        )
        .await
}

/// GET `/sparql` without a query: the Service Description or the editor.
async fn describe(state: SharedState, headers: HeaderMap) -> Result<Response> {
    let media_type = negotiate(&headers, DESCRIPTION_TYPES)?;
    if media_type == "text/html" {
        return editor_page(&state, None).await;
    }
    let format = oxigraph::io::RdfFormat::from_media_type(media_type).ok_or_else(|| {
        Error::NotAcceptable {
            requested: media_type.to_owned(),
            offered: DESCRIPTION_TYPES.to_vec(),
        }
    })?;
    let dataset = state.dataset()?;
    let endpoint = dataset.base().resolve("sparql");
    let features = EndpointFeatures {
        update: state.settings.update_token.is_some(),
        federation: state.settings.allow_service,
    };
    let sizes = graph_sizes(&state, &dataset).await?;
    let body = blocking(move || {
        let mut serializer = rdf_serializer(format, dataset.base()).for_writer(Vec::new());
        let graph_store = dataset.base().resolve("store");
        for triple in service_description(&endpoint, &graph_store, &sizes, features) {
            serializer.serialize_triple(&triple)?;
        }
        Ok(serializer.finish()?)
    })
    .await?;
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, content_type_header(media_type));
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    Ok(response)
}
