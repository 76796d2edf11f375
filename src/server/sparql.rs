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

use std::io::{self, Write};

use askama::Template;
use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use oxigraph::model::NamedNode;
use oxigraph::sparql::{CancellationToken, QueryResults};
use tokio::sync::{mpsc, oneshot};
use tokio_stream::wrappers::ReceiverStream;

use super::SharedState;
use crate::description::{EndpointFeatures, GraphSizes, service_description};
use crate::error::{Error, Result};
use crate::formats::Format;
use crate::negotiate::{negotiate, negotiate_format};
use crate::sparql::{
    GRAPH_FORMATS, QueryOptions, RESULT_FORMATS, ResultFormat, RowLimit, execute, media_types,
    prepare, prepare_update, rdf_serializer, write_results,
};
use crate::store::Dataset;

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

/// The protocol's parameters, from the URL or a form body.
#[derive(Debug, Default)]
pub struct ProtocolRequest {
    pub query: Option<String>,
    pub update: Option<String>,
    pub default_graphs: Vec<String>,
    pub named_graphs: Vec<String>,
    pub using_graphs: Vec<String>,
    pub using_named_graphs: Vec<String>,
    /// `format`, `output` and `results` values, in the order given: the
    /// names SPARQLWrapper, Fuseki and Virtuoso clients add (see
    /// [`crate::formats`]). The first that fits the query form is used.
    pub formats: Vec<String>,
}

impl ProtocolRequest {
    /// Reads the protocol's parameters from `application/x-www-form-urlencoded`
    /// text. Invalid UTF-8 and repeated `query` or `update` are client errors.
    pub fn from_urlencoded(text: &[u8]) -> Result<Self> {
        for segment in text.split(|b| *b == b'&') {
            let plus_as_space: Vec<u8> = segment
                .iter()
                .map(|b| if *b == b'+' { b' ' } else { *b })
                .collect();
            if percent_encoding::percent_decode(&plus_as_space)
                .decode_utf8()
                .is_err()
            {
                return Err(Error::BadRequest(
                    "a request parameter is not valid UTF-8 once percent-decoded".to_owned(),
                ));
            }
        }
        let mut request = Self::default();
        for (key, value) in form_urlencoded::parse(text) {
            let value = value.into_owned();
            match key.as_ref() {
                "query" | "update" => {
                    let slot = if key == "query" {
                        &mut request.query
                    } else {
                        &mut request.update
                    };
                    if slot.replace(value).is_some() {
                        return Err(Error::BadRequest(format!(
                            "more than one `{key}` parameter"
                        )));
                    }
                }
                "default-graph-uri" => request.default_graphs.push(value),
                "named-graph-uri" => request.named_graphs.push(value),
                "using-graph-uri" => request.using_graphs.push(value),
                "using-named-graph-uri" => request.using_named_graphs.push(value),
                "format" | "output" | "results" => request.formats.push(value),
                _ => {}
            }
        }
        if request.query.is_some() && request.update.is_some() {
            return Err(Error::BadRequest(
                "a request has either `query` or `update`, not both".to_owned(),
            ));
        }
        Ok(request)
    }
}

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
            editor_page(&state, Some(query))
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
        .unwrap_or_default()
        .to_ascii_lowercase();
    let mut parts = content_type.split(';').map(str::trim);
    let essence = parts.next().unwrap_or_default().to_owned();
    let charset_ok = parts
        .filter_map(|p| p.strip_prefix("charset="))
        .all(|c| c.trim_matches('"') == "utf-8");
    if !charset_ok {
        return Err(Error::UnsupportedMediaType(
            "only the UTF-8 charset is accepted".to_owned(),
        ));
    }
    let url_parameters =
        || ProtocolRequest::from_urlencoded(raw.as_deref().unwrap_or_default().as_bytes());
    let body_text = || {
        String::from_utf8(body.to_vec())
            .map_err(|_| Error::BadRequest("the request body is not valid UTF-8".to_owned()))
    };
    let request = match essence.as_str() {
        "application/x-www-form-urlencoded" => ProtocolRequest::from_urlencoded(&body)?,
        "application/sparql-query" => {
            let mut request = url_parameters()?;
            request.query = Some(body_text()?);
            request.update = None;
            request
        }
        "application/sparql-update" => {
            let mut request = url_parameters()?;
            request.update = Some(body_text()?);
            request.query = None;
            request
        }
        _ => {
            return Err(Error::UnsupportedMediaType(
                "POST a query as application/x-www-form-urlencoded (query=...) or application/sparql-query, an update as application/x-www-form-urlencoded (update=...) or application/sparql-update".to_owned(),
            ));
        }
    };
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

fn iris(values: &[String], parameter: &str) -> Result<Vec<NamedNode>> {
    values
        .iter()
        .map(|v| {
            NamedNode::new(v.as_str())
                .map_err(|e| Error::BadRequest(format!("{parameter} {v:?} is not an IRI: {e}")))
        })
        .collect()
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

/// Passes a streamed result through to the client, keeping a copy; if it
/// ends well and is small, the copy goes into the response cache.
fn keep_result(state: SharedState, key: String, response: Response) -> Response {
    use tokio_stream::StreamExt as _;
    const KEEP_AT_MOST: usize = 1 << 20;
    let (parts, body) = response.into_parts();
    let (tx, rx) = mpsc::channel::<io::Result<Bytes>>(8);
    let status = parts.status;
    let headers = parts.headers.clone();
    tokio::spawn(async move {
        let mut stream = body.into_data_stream();
        let mut copy: Option<Vec<u8>> = Some(Vec::new());
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(io::Error::other);
            match (&chunk, copy.as_mut()) {
                (Ok(bytes), Some(buffer)) if buffer.len() + bytes.len() <= KEEP_AT_MOST => {
                    buffer.extend_from_slice(bytes);
                }
                _ => copy = None, // too big, or broken: do not keep
            }
            if tx.send(chunk).await.is_err() {
                return; // the client went away: keep nothing
            }
        }
        if let Some(buffer) = copy {
            state
                .responses
                .store(key, status, headers, Bytes::from(buffer));
        }
    });
    Response::from_parts(parts, Body::from_stream(ReceiverStream::new(rx)))
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
    tokio::task::spawn_blocking(move || {
        let prepared = prepare_update(&update, worker.base(), &options)?;
        worker.backend().update(prepared)
    })
    .await??;
    // Pages, documents and dumps of the old data must not be served as current.
    dataset.touch();
    tracing::info!("update applied");
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// GET `/sparql` without a query: the Service Description or the editor.
async fn describe(state: SharedState, headers: HeaderMap) -> Result<Response> {
    let media_type = negotiate(&headers, DESCRIPTION_TYPES)?;
    if media_type == "text/html" {
        return editor_page(&state, None);
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
    let counter = dataset.clone();
    let sizes = state
        .graph_sizes
        .get(
            dataset.version(),
            &state.metrics,
            "graph_sizes",
            move || GraphSizes::count(&counter),
        )
        .await?;
    let body = tokio::task::spawn_blocking(move || -> Result<Vec<u8>> {
        let mut serializer = rdf_serializer(format, dataset.base()).for_writer(Vec::new());
        let graph_store = dataset.base().resolve("store");
        for triple in service_description(&endpoint, &graph_store, &sizes, features) {
            serializer.serialize_triple(&triple)?;
        }
        Ok(serializer.finish()?)
    })
    .await??;
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, content_type_header(media_type));
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    Ok(response)
}

#[derive(Template)]
#[template(path = "sparql.html")]
struct EditorPage<'a> {
    /// The examples as JSON, made safe to sit inside a `<script>` element.
    examples_json: String,
    examples: &'a [crate::examples::Example],
    /// A query to open and run (from a link), as JSON, or `null`.
    initial_query_json: String,
}

fn editor_page(state: &SharedState, initial_query: Option<String>) -> Result<Response> {
    let script_safe = |json: String| json.replace("</", "<\\/");
    let page = EditorPage {
        examples_json: script_safe(serde_json::to_string(&state.examples)?),
        examples: &state.examples,
        initial_query_json: script_safe(serde_json::to_string(&initial_query)?),
    };
    let html = page.render()?;
    let mut response = Html(html).into_response();
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    Ok(response)
}

/// What the worker thread tells the handler before any body is sent.
type Head = Result<(&'static str, bool)>;

/// Runs the query on a blocking thread and streams its serialisation. The
/// response head waits until the first chunk is ready and the row cap is
/// decided, so an error or a timeout before any output still gets a proper
/// status, and a cut result is announced in a header.
async fn run_streaming(
    state: SharedState,
    dataset: Dataset,
    headers: HeaderMap,
    query: String,
    options: QueryOptions,
    formats: Vec<String>,
) -> Result<Response> {
    let timeout = state.settings.query_timeout;
    let started = tokio::time::Instant::now();
    // Wait for a free query slot, but not beyond the query's own deadline.
    let permit = tokio::time::timeout(timeout, state.query_slots.clone().acquire_owned())
        .await
        .map_err(|_| Error::Busy)?
        .map_err(|_| Error::Busy)?;
    let remaining = timeout.saturating_sub(started.elapsed());

    let cancellation = CancellationToken::new();
    let limit = RowLimit::new(state.settings.max_rows);
    let (head_tx, head_rx) = oneshot::channel::<Head>();
    let (body_tx, body_rx) = mpsc::channel::<io::Result<Bytes>>(8);

    let worker_cancellation = cancellation.clone();
    let worker_limit = limit.clone();
    // The worker thread logs in the request's span, so a slow query's log
    // line carries the request id.
    let span = tracing::Span::current();
    let request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let worker_state = state.clone();
    let clock = std::time::Instant::now();
    let remote = dataset.is_remote();
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let _log = SlowQueryLog {
            state: worker_state,
            query: &query,
            request_id,
            started: clock,
            span,
        };
        let prepared = match prepare(&query, dataset.base(), &options, worker_cancellation) {
            Ok(p) => p,
            Err(e) => return drop(head_tx.send(Err(e))),
        };
        let results = match execute(&dataset, prepared) {
            Ok(r) => r,
            Err(e) => return drop(head_tx.send(Err(e))),
        };
        let (media_type, result_format) = match choose_format(&results, &formats, &headers) {
            Ok(f) => f,
            Err(e) => return drop(head_tx.send(Err(e))),
        };
        let mut writer = ChunkWriter {
            head: Some((head_tx, media_type)),
            limit: worker_limit.clone(),
            body: body_tx,
            buffer: Vec::with_capacity(CHUNK),
        };
        let outcome = write_results(
            results,
            result_format,
            dataset.base(),
            &worker_limit,
            &mut writer,
        )
        .and_then(|w| Ok(w.flush()?));
        if let Err(e) = outcome {
            if let Some((head, _)) = writer.head.take() {
                // Nothing was sent yet: the client gets a proper error status.
                let _ = head.send(Err(e));
            } else {
                // Mid-stream: end the body with an error so the client sees
                // a broken transfer rather than silently truncated results.
                tracing::warn!(error = %e, "query failed while streaming results");
                let _ = writer
                    .body
                    .blocking_send(Err(io::Error::other(e.to_string())));
            }
        }
    });

    // Cancel the evaluation at the deadline, wherever it is.
    let deadline_cancellation = cancellation.clone();
    tokio::spawn(async move {
        tokio::time::sleep(remaining).await;
        deadline_cancellation.cancel();
    });

    // Out of time: 503 when this server's engine was stopped, 504 when a
    // remote engine did not answer (a gateway's timeout).
    let timed_out = if remote {
        Error::BackendTimeout
    } else {
        Error::QueryTimeout(timeout)
    };
    let (media_type, truncated) = match tokio::time::timeout(remaining, head_rx).await {
        Ok(Ok(Ok(head))) => head,
        Ok(Ok(Err(Error::Cancelled | Error::QueryEvaluation(_))))
            if cancellation.is_cancelled() =>
        {
            state.metrics.query_timeouts.inc();
            return Err(timed_out);
        }
        Ok(Ok(Err(Error::BackendTimeout))) => {
            state.metrics.query_timeouts.inc();
            return Err(timed_out);
        }
        Ok(Ok(Err(e))) => return Err(e),
        Ok(Err(_)) => {
            return Err(Error::Internal(
                "the query worker stopped before it answered".to_owned(),
            ));
        }
        Err(_) => {
            cancellation.cancel();
            state.metrics.query_timeouts.inc();
            return Err(timed_out);
        }
    };
    let mut response = Response::new(Body::from_stream(ReceiverStream::new(body_rx)));
    let response_headers = response.headers_mut();
    response_headers.insert(header::CONTENT_TYPE, content_type_header(media_type));
    response_headers.insert(header::VARY, HeaderValue::from_static("Accept"));
    if let Some(max) = limit.max {
        response_headers.insert(
            HeaderName::from_static(RESULT_LIMIT),
            HeaderValue::from(max),
        );
        if truncated {
            response_headers.insert(
                HeaderName::from_static(RESULT_TRUNCATED),
                HeaderValue::from_static("true"),
            );
        }
    }
    Ok(response)
}

/// Logs the query when it is dropped (however the worker ends: results
/// written, error, or stopped by the timeout) if it took at least the
/// slow-query threshold.
struct SlowQueryLog<'a> {
    state: SharedState,
    query: &'a str,
    request_id: String,
    started: std::time::Instant,
    span: tracing::Span,
}

impl Drop for SlowQueryLog<'_> {
    fn drop(&mut self) {
        let Some(threshold) = self.state.settings.slow_query else {
            return;
        };
        let elapsed = self.started.elapsed();
        if elapsed < threshold {
            return;
        }
        self.state.metrics.slow_queries.inc();
        // Long queries are cut, so that one request cannot flood the log.
        const SHOWN: usize = 2_000;
        let mut text: String = self.query.chars().take(SHOWN).collect();
        if text.len() < self.query.len() {
            text.push_str(" [...]");
        }
        let _entered = self.span.enter();
        tracing::warn!(
            target: "dialogue_graph::slow_query",
            seconds = elapsed.as_secs_f64(),
            request_id = %self.request_id,
            query = %text,
            "slow SPARQL query"
        );
    }
}

/// The `Content-Type` of an answer in the format with this media type.
fn content_type_header(media_type: &str) -> HeaderValue {
    HeaderValue::from_static(
        Format::from_media_type(media_type)
            .map_or("application/octet-stream", Format::content_type),
    )
}

/// The format for these results: the first `format`/`output`/`results`
/// value that names one fitting the query form, else the Accept header
/// negotiated against what fits. A known name that does not fit this form
/// (SPARQLWrapper sends `format=turtle` with a SELECT) does not veto a usable
/// Accept header; only names that mean nothing at all are refused with 406.
fn choose_format(
    results: &QueryResults<'static>,
    values: &[String],
    headers: &HeaderMap,
) -> Result<(&'static str, ResultFormat)> {
    let offered = if matches!(results, QueryResults::Graph(_)) {
        GRAPH_FORMATS
    } else {
        RESULT_FORMATS
    };
    // SPARQLWrapper may join media types with commas in one value.
    let names: Vec<&str> = values
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    let chosen = match names.iter().find_map(|n| Format::by_name(n, offered)) {
        Some(format) => format,
        None if !names.is_empty() && names.iter().all(|n| Format::candidates(n).is_empty()) => {
            return Err(Error::NotAcceptable {
                requested: format!("format={}", names.join(",")),
                offered: media_types(offered),
            });
        }
        None => negotiate_format(headers, offered)?,
    };
    let result_format = ResultFormat::from_format(chosen).ok_or_else(|| Error::NotAcceptable {
        requested: chosen.media_type().to_owned(),
        offered: media_types(offered),
    })?;
    Ok((chosen.media_type(), result_format))
}

const CHUNK: usize = 64 * 1024;

/// A `Write` that sends its output to the response body in chunks. The
/// response head (status 200, Content-Type, truncation) is released with the
/// first chunk that goes out, and not before the row cap is decided.
struct ChunkWriter {
    head: Option<(oneshot::Sender<Head>, &'static str)>,
    limit: RowLimit,
    body: mpsc::Sender<io::Result<Bytes>>,
    buffer: Vec<u8>,
}

impl ChunkWriter {
    fn send(&mut self) -> io::Result<()> {
        if self.head.is_some() {
            let Some(truncated) = self.limit.truncated() else {
                // Undecided: keep buffering (bounded by the row cap).
                return Ok(());
            };
            if let Some((head, media_type)) = self.head.take() {
                head.send(Ok((media_type, truncated)))
                    .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "client gone"))?;
            }
        }
        if !self.buffer.is_empty() {
            let chunk = Bytes::from(std::mem::replace(
                &mut self.buffer,
                Vec::with_capacity(CHUNK),
            ));
            self.body
                .blocking_send(Ok(chunk))
                .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "client gone"))?;
        }
        Ok(())
    }
}

impl Write for ChunkWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(data);
        if self.buffer.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

impl EditorPage<'_> {
    /// The language of the site's own words on this page (menu, footer).
    fn ui(&self) -> crate::lang::Lang {
        crate::lang::Lang::En
    }
}
