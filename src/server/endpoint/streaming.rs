//! Running a query on a worker thread and streaming its answer: the response
//! head waits for the first chunk (so an error or a timeout still gets a
//! proper status), the deadline cancels the evaluation, slow queries are
//! logged, and small answers are kept in the response cache.

use std::io::{self, Write};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::response::Response;
use oxigraph::sparql::CancellationToken;
use tokio::sync::{mpsc, oneshot};
use tokio_stream::wrappers::ReceiverStream;

use crate::server::SharedState;

use super::protocol::{choose_format, content_type_header};
use super::{RESULT_LIMIT, RESULT_TRUNCATED};
use crate::error::{Error, Result};
use crate::sparql::{QueryOptions, RowLimit, execute, prepare, write_results};
use crate::store::Dataset;

/// Passes a streamed result through to the client, keeping a copy; if it
/// ends well and is small, the copy goes into the response cache.
pub(super) fn keep_result(state: SharedState, key: String, response: Response) -> Response {
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

/// What the worker thread tells the handler before any body is sent.
type Head = Result<(&'static str, bool)>;

/// Runs the query on a blocking thread and streams its serialisation. The
/// response head waits until the first chunk is ready and the row cap is
/// decided, so an error or a timeout before any output still gets a proper
/// status, and a cut result is announced in a header.
pub(super) async fn run_streaming(
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
    // The worker thread logs in the request's span, so a slow query's log
    // line carries the request id.
    let request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let remote = dataset.is_remote();
    let job = QueryJob {
        state: state.clone(),
        dataset,
        headers,
        query,
        options,
        formats,
        cancellation: cancellation.clone(),
        limit: limit.clone(),
        request_id,
        span: tracing::Span::current(),
    };
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        job.run(head_tx, body_tx);
    });

    // Cancel the evaluation at the deadline, wherever it is.
    let deadline_cancellation = cancellation.clone();
    tokio::spawn(async move {
        tokio::time::sleep(remaining).await;
        deadline_cancellation.cancel();
    });

    // Out of time: 503 when this server's engine was stopped, 504 when a
    // remote engine did not answer (a gateway's timeout).
    let timed_out = || {
        state.metrics.query_timeouts.inc();
        if remote {
            Error::BackendTimeout
        } else {
            Error::QueryTimeout(timeout)
        }
    };
    let (media_type, truncated) = match tokio::time::timeout(remaining, head_rx).await {
        Ok(Ok(Ok(head))) => head,
        Ok(Ok(Err(Error::Cancelled | Error::QueryEvaluation(_))))
            if cancellation.is_cancelled() =>
        {
            return Err(timed_out());
        }
        Ok(Ok(Err(Error::BackendTimeout))) => return Err(timed_out()),
        Ok(Ok(Err(e))) => return Err(e),
        Ok(Err(_)) => {
            return Err(Error::Internal(
                "the query worker stopped before it answered".to_owned(),
            ));
        }
        Err(_) => {
            cancellation.cancel();
            return Err(timed_out());
        }
    };
    Ok(streamed_response(media_type, truncated, &limit, body_rx))
}

/// The response whose body is the worker's chunks as they come.
fn streamed_response(
    media_type: &'static str,
    truncated: bool,
    limit: &RowLimit,
    body: mpsc::Receiver<io::Result<Bytes>>,
) -> Response {
    let mut response = Response::new(Body::from_stream(ReceiverStream::new(body)));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, content_type_header(media_type));
    headers.insert(header::VARY, HeaderValue::from_static("Accept"));
    if let Some(max) = limit.max {
        headers.insert(
            HeaderName::from_static(RESULT_LIMIT),
            HeaderValue::from(max),
        );
        if truncated {
            headers.insert(
                HeaderName::from_static(RESULT_TRUNCATED),
                HeaderValue::from_static("true"),
            );
        }
    }
    response
}

/// One query as the worker thread runs it.
struct QueryJob {
    state: SharedState,
    dataset: Dataset,
    headers: HeaderMap,
    query: String,
    options: QueryOptions,
    formats: Vec<String>,
    cancellation: CancellationToken,
    limit: RowLimit,
    request_id: String,
    span: tracing::Span,
}

impl QueryJob {
    /// Parses, evaluates and writes the query: the head (or the error that
    /// came before any output) goes to `head`, the chunks to `body`.
    fn run(self, head: oneshot::Sender<Head>, body: mpsc::Sender<io::Result<Bytes>>) {
        let _log = SlowQueryLog {
            state: self.state.clone(),
            query: &self.query,
            request_id: self.request_id.clone(),
            started: std::time::Instant::now(),
            span: self.span.clone(),
        };
        let base = self.dataset.base();
        let answer = prepare(&self.query, base, &self.options, self.cancellation.clone())
            .and_then(|prepared| execute(&self.dataset, prepared))
            .and_then(|results| {
                let chosen = choose_format(&results, &self.formats, &self.headers)?;
                Ok((results, chosen))
            });
        let (results, (media_type, result_format)) = match answer {
            Ok(answer) => answer,
            Err(e) => return drop(head.send(Err(e))),
        };
        let mut writer = ChunkWriter {
            head: Some((head, media_type)),
            limit: self.limit.clone(),
            body,
            buffer: Vec::with_capacity(CHUNK),
        };
        let outcome = write_results(results, result_format, base, &self.limit, &mut writer)
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
    }
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
