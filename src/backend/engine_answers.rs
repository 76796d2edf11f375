//! Reading a remote engine's answers: HTTP failures sorted for the client
//! (unreachable 502, too slow 504, the engine's own message passed on),
//! results and graphs parsed as they stream in whatever format the engine
//! chose, and the corners of real engines (Virtuoso's ASK as a table, its
//! `nodeID://` blank nodes).

use std::io::Read;

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::Term;
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsParser};
use oxigraph::sparql::{QueryEvaluationError, QueryResults};
use reqwest::blocking::Response;
use reqwest::header::CONTENT_TYPE;

use crate::error::{Error, Result};

/// The answer to an ASK. Virtuoso 7 sends it as a one-row table (a
/// variable `__ASK_RETVAL` bound to 1 or 0) rather than as a boolean.
pub fn ask_answer(results: QueryResults<'static>) -> Result<bool> {
    match results {
        QueryResults::Boolean(answer) => Ok(answer),
        QueryResults::Solutions(mut rows) => match rows.next() {
            None => Ok(false),
            Some(row) => {
                let row = row.map_err(results_error)?;
                Ok(row.values().iter().flatten().any(|value| match value {
                    Term::Literal(l) => matches!(l.value(), "1" | "true"),
                    _ => true,
                }))
            }
        },
        QueryResults::Graph(_) => Err(Error::Backend(
            "the SPARQL engine answered an ASK query with a graph".to_owned(),
        )),
    }
}

/// Sorts what `send` got: a transport failure, an error status, or an answer.
pub fn checked(sent: reqwest::Result<Response>, endpoint: &str) -> Result<Response> {
    let response = sent.map_err(|e| transport_error(&e, endpoint))?;
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let text = engine_message(response);
    tracing::warn!(%endpoint, %status, message = %text, "the SPARQL engine answered with an error");
    Err(Error::Backend(format!(
        "the SPARQL engine answered {status}: {text}"
    )))
}

/// The engine's own message in an error answer, shortened and on one line:
/// it says what the engine disliked.
pub fn engine_message(response: Response) -> String {
    let mut text = String::new();
    let _ = response.take(2000).read_to_string(&mut text);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn transport_error(error: &reqwest::Error, endpoint: &str) -> Error {
    tracing::warn!(%endpoint, error = %error, "cannot reach the SPARQL engine");
    if error.is_timeout() {
        Error::BackendTimeout
    } else {
        Error::BackendUnavailable(if error.is_connect() {
            "connection refused or unreachable".to_owned()
        } else {
            "the connection failed".to_owned()
        })
    }
}

/// SPARQL results of an answer, parsed as they arrive, in the format the
/// engine says it sent.
pub fn parse_results(response: Response) -> Result<QueryResults<'static>> {
    let format = media_type(&response)
        .and_then(|t| QueryResultsFormat::from_media_type(&t))
        .unwrap_or(QueryResultsFormat::Json);
    let virtuoso = response
        .headers()
        .get(reqwest::header::SERVER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|s| s.starts_with("Virtuoso"));
    let reader: Box<dyn Read + Send> = if virtuoso {
        Box::new(VirtuosoBlankNodes::new(response))
    } else {
        Box::new(response)
    };
    let parsed = QueryResultsParser::from_format(format)
        .for_reader(reader)
        .map_err(|e| Error::Backend(format!("cannot read the SPARQL engine's results: {e}")))?;
    Ok(parsed.into())
}

/// The triples of an answer to CONSTRUCT or DESCRIBE, parsed as they arrive.
pub fn parse_graph(
    response: Response,
) -> Result<impl Iterator<Item = Result<oxigraph::model::Triple, QueryEvaluationError>> + 'static> {
    let format = media_type(&response)
        .and_then(|t| {
            if t == "text/plain" {
                Some(RdfFormat::NTriples)
            } else {
                RdfFormat::from_media_type(&t)
            }
        })
        .unwrap_or(RdfFormat::Turtle);
    Ok(RdfParser::from_format(format)
        .for_reader(response)
        .map(|quad| {
            quad.map(Into::into)
                .map_err(|e| QueryEvaluationError::Unexpected(Box::new(e)))
        }))
}

fn media_type(response: &Response) -> Option<String> {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or(v).trim().to_ascii_lowercase())
}

/// An error met while reading results, as the crate's error.
pub fn results_error(error: QueryEvaluationError) -> Error {
    match error {
        QueryEvaluationError::Unexpected(e) => Error::Backend(format!(
            "the SPARQL engine's answer broke off or could not be read: {e}"
        )),
        other => super::prepared::evaluation_error(other),
    }
}

/// Virtuoso writes blank nodes in SPARQL results as `nodeID://b10078`, which
/// is not a blank node label (SPARQL results parsers rightly refuse it). As
/// the bytes stream by, `"nodeID://` becomes `"nodeID_`, a valid label that
/// stays the same from one query to the next.
struct VirtuosoBlankNodes<R> {
    inner: R,
    /// Bytes read but not yet handed on: the tail may be the start of the
    /// pattern, cut by a read boundary.
    pending: Vec<u8>,
    eof: bool,
}

const VIRTUOSO_BLANK: &[u8] = b"\"nodeID://";
const VALID_BLANK: &[u8] = b"\"nodeID_";

impl<R: Read> VirtuosoBlankNodes<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            pending: Vec::new(),
            eof: false,
        }
    }
}

impl<R: Read> Read for VirtuosoBlankNodes<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        loop {
            // Hand on everything that cannot be the start of a cut pattern.
            let safe = if self.eof {
                self.pending.len()
            } else {
                self.pending.len().saturating_sub(VIRTUOSO_BLANK.len() - 1)
            };
            if safe > 0 {
                let n = safe.min(out.len());
                out[..n].copy_from_slice(&self.pending[..n]);
                self.pending.drain(..n);
                return Ok(n);
            }
            if self.eof {
                return Ok(0);
            }
            let mut chunk = [0_u8; 8192];
            let read = self.inner.read(&mut chunk)?;
            if read == 0 {
                self.eof = true;
            }
            self.pending.extend_from_slice(&chunk[..read]);
            // Rewrite whole patterns now in the buffer.
            let mut from = 0;
            while let Some(at) = self.pending[from..]
                .windows(VIRTUOSO_BLANK.len())
                .position(|w| w == VIRTUOSO_BLANK)
            {
                let at = from + at;
                self.pending
                    .splice(at..at + VIRTUOSO_BLANK.len(), VALID_BLANK.iter().copied());
                from = at + VALID_BLANK.len();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virtuoso_blank_nodes_become_valid_labels_across_read_boundaries() {
        let text = r#"{"s": {"type": "bnode", "value": "nodeID://b10078"}, "t": "nodeID://b2"}"#;
        // A reader that hands out 3 bytes at a time cuts the pattern.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(3).min(out.len());
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut rewritten = String::new();
        VirtuosoBlankNodes::new(Trickle(text.as_bytes()))
            .read_to_string(&mut rewritten)
            .unwrap();
        assert_eq!(
            rewritten,
            r#"{"s": {"type": "bnode", "value": "nodeID_b10078"}, "t": "nodeID_b2"}"#
        );
    }
}
