//! `/sparql`: the SPARQL 1.1 Protocol endpoint. Queries come by GET `?query=`,
//! by POST as a form, or by POST as `application/sparql-query`; results are
//! streamed in the format the client negotiates (or names with `format=`).

use std::io::{self, Write};

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use oxigraph::model::NamedNode;
use oxigraph::sparql::results::QueryResultsFormat;
use oxigraph::sparql::{CancellationToken, QueryResults};
use tokio::sync::{mpsc, oneshot};
use tokio_stream::wrappers::ReceiverStream;

use super::SharedState;
use crate::error::{Error, Result};
use crate::negotiate::negotiate;
use crate::sparql::{QueryOptions, ResultFormat, execute, prepare, write_results};

/// Media types offered for SELECT and ASK, in order of preference on ties.
const SOLUTION_TYPES: &[&str] = &[
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "application/json",
    "application/xml",
];

/// Media types offered for CONSTRUCT and DESCRIBE, in order of preference on ties.
const GRAPH_TYPES: &[&str] = &[
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
    "application/rdf+xml",
    "application/n-quads",
    "application/trig",
    "text/plain",
];

/// The protocol's parameters, from the URL or a form body.
#[derive(Debug, Default)]
pub struct ProtocolRequest {
    pub query: Option<String>,
    pub update: Option<String>,
    pub default_graphs: Vec<String>,
    pub named_graphs: Vec<String>,
    pub format: Option<String>,
}

impl ProtocolRequest {
    /// Reads the protocol's parameters from `application/x-www-form-urlencoded` text.
    pub fn from_urlencoded(text: &[u8]) -> Result<Self> {
        let mut request = Self::default();
        for (key, value) in form_urlencoded::parse(text) {
            match key.as_ref() {
                "query" if request.query.is_some() => {
                    return Err(Error::BadRequest(
                        "more than one query parameter".to_owned(),
                    ));
                }
                "query" => request.query = Some(value.into_owned()),
                "update" => request.update = Some(value.into_owned()),
                "default-graph-uri" => request.default_graphs.push(value.into_owned()),
                "named-graph-uri" => request.named_graphs.push(value.into_owned()),
                "format" | "output" => request.format = Some(value.into_owned()),
                _ => {}
            }
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
    answer(state, headers, request).await
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
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let request = match essence.as_str() {
        "application/x-www-form-urlencoded" => ProtocolRequest::from_urlencoded(&body)?,
        "application/sparql-query" => {
            let mut request = ProtocolRequest::from_urlencoded(raw.unwrap_or_default().as_bytes())?;
            request.query = Some(
                String::from_utf8(body.to_vec())
                    .map_err(|_| Error::BadRequest("the query is not valid UTF-8".to_owned()))?,
            );
            request
        }
        _ => {
            return Ok((
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "POST a query as application/x-www-form-urlencoded (query=...) or as application/sparql-query\n",
            )
                .into_response());
        }
    };
    answer(state, headers, request).await
}

async fn answer(
    state: SharedState,
    headers: HeaderMap,
    request: ProtocolRequest,
) -> Result<Response> {
    if request.update.is_some() {
        return Err(Error::BadRequest(
            "updates are not accepted by this endpoint".to_owned(),
        ));
    }
    let Some(query) = request.query else {
        return Err(Error::BadRequest(
            "no query: pass the SPARQL query as the `query` parameter".to_owned(),
        ));
    };
    let options = QueryOptions {
        default_graphs: iris(&request.default_graphs, "default-graph-uri")?,
        named_graphs: iris(&request.named_graphs, "named-graph-uri")?,
        allow_service: state.settings.allow_service,
    };
    run_streaming(state, headers, query, options, request.format).await
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

/// Runs the query on a blocking thread and streams its serialisation. The
/// response head waits for the first chunk, so an error or a timeout that
/// happens before any output still gets a proper status code.
async fn run_streaming(
    state: SharedState,
    headers: HeaderMap,
    query: String,
    options: QueryOptions,
    format: Option<String>,
) -> Result<Response> {
    let timeout = state.settings.query_timeout;
    let cancellation = CancellationToken::new();
    let (head_tx, head_rx) = oneshot::channel::<Result<&'static str>>();
    let (body_tx, body_rx) = mpsc::channel::<io::Result<Bytes>>(8);

    let worker_cancellation = cancellation.clone();
    tokio::task::spawn_blocking(move || {
        let prepared = match prepare(&query, state.dataset.base(), &options, worker_cancellation) {
            Ok(p) => p,
            Err(e) => return drop(head_tx.send(Err(e))),
        };
        let results = match execute(&state.dataset, prepared) {
            Ok(r) => r,
            Err(e) => return drop(head_tx.send(Err(e))),
        };
        let (media_type, result_format) = match choose_format(&results, format.as_deref(), &headers)
        {
            Ok(f) => f,
            Err(e) => return drop(head_tx.send(Err(e))),
        };
        let mut writer = ChunkWriter {
            head: Some((head_tx, media_type)),
            body: body_tx,
            buffer: Vec::with_capacity(CHUNK),
        };
        let outcome = write_results(results, result_format, state.dataset.base(), &mut writer)
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
        tokio::time::sleep(timeout).await;
        deadline_cancellation.cancel();
    });

    let media_type = match tokio::time::timeout(timeout, head_rx).await {
        Ok(Ok(Ok(media_type))) => media_type,
        Ok(Ok(Err(Error::QueryEvaluation(message)))) if cancellation.is_cancelled() => {
            tracing::info!(%message, "query cancelled at its deadline");
            return Err(Error::QueryTimeout(timeout));
        }
        Ok(Ok(Err(e))) => return Err(e),
        Ok(Err(_)) => {
            return Err(Error::QueryEvaluation(
                "the query worker stopped".to_owned(),
            ));
        }
        Err(_) => {
            cancellation.cancel();
            return Err(Error::QueryTimeout(timeout));
        }
    };
    let mut response = Response::new(Body::from_stream(ReceiverStream::new(body_rx)));
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, content_type_header(media_type));
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    Ok(response)
}

fn content_type_header(media_type: &str) -> HeaderValue {
    let value = if media_type.starts_with("text/") || media_type.ends_with("json") {
        format!("{media_type}; charset=utf-8")
    } else {
        media_type.to_owned()
    };
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("application/octet-stream"))
}

/// The format for these results: the `format` parameter if given, else the
/// Accept header negotiated against what fits the query form.
fn choose_format(
    results: &QueryResults<'static>,
    format: Option<&str>,
    headers: &HeaderMap,
) -> Result<(&'static str, ResultFormat)> {
    let is_graph = matches!(results, QueryResults::Graph(_));
    let offered = if is_graph {
        GRAPH_TYPES
    } else {
        SOLUTION_TYPES
    };
    if let Some(name) = format {
        let chosen = ResultFormat::from_name(name)
            .or_else(|| media_type_format(name))
            .filter(|f| matches!(f, ResultFormat::Graph(_)) == is_graph)
            .ok_or_else(|| Error::NotAcceptable {
                requested: format!("format={name}"),
                offered: offered.to_vec(),
            })?;
        return Ok((chosen.media_type(), chosen));
    }
    let media_type = negotiate(headers, offered)?;
    let chosen = media_type_format(media_type).ok_or_else(|| Error::NotAcceptable {
        requested: media_type.to_owned(),
        offered: offered.to_vec(),
    })?;
    Ok((media_type, chosen))
}

fn media_type_format(media_type: &str) -> Option<ResultFormat> {
    Some(match media_type {
        "application/json" => ResultFormat::Results(QueryResultsFormat::Json),
        "application/xml" => ResultFormat::Results(QueryResultsFormat::Xml),
        "text/plain" => ResultFormat::Graph(oxigraph::io::RdfFormat::NTriples),
        other => {
            if let Some(f) = QueryResultsFormat::from_media_type(other) {
                ResultFormat::Results(f)
            } else {
                ResultFormat::Graph(oxigraph::io::RdfFormat::from_media_type(other)?)
            }
        }
    })
}

const CHUNK: usize = 64 * 1024;

/// A `Write` that sends its output to the response body in chunks. The first
/// chunk releases the response head (status 200 and Content-Type).
struct ChunkWriter {
    head: Option<(oneshot::Sender<Result<&'static str>>, &'static str)>,
    body: mpsc::Sender<io::Result<Bytes>>,
    buffer: Vec<u8>,
}

impl ChunkWriter {
    fn send(&mut self) -> io::Result<()> {
        if let Some((head, media_type)) = self.head.take() {
            head.send(Ok(media_type))
                .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "client gone"))?;
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
