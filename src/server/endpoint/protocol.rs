//! The SPARQL protocol's request, as plain functions: its parameters from a
//! query string or form, the graphs it names, and the format its answer
//! takes (`format=`/`output=`/`results=`, else Accept).

use axum::http::{HeaderMap, HeaderValue};
use oxigraph::model::NamedNode;
use oxigraph::sparql::QueryResults;

use crate::error::{Error, Result};
use crate::formats::Format;
use crate::negotiate::negotiate_format;
use crate::sparql::{GRAPH_FORMATS, RESULT_FORMATS, ResultFormat, media_types};

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

pub(super) fn iris(values: &[String], parameter: &str) -> Result<Vec<NamedNode>> {
    values
        .iter()
        .map(|v| {
            NamedNode::new(v.as_str())
                .map_err(|e| Error::BadRequest(format!("{parameter} {v:?} is not an IRI: {e}")))
        })
        .collect()
}

/// The `Content-Type` of an answer in the format with this media type.
pub(super) fn content_type_header(media_type: &str) -> HeaderValue {
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
pub(super) fn choose_format(
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

impl ProtocolRequest {
    /// A POSTed request: a form, or a query or update as the body (with the
    /// other parameters in the URL). Only UTF-8 is accepted.
    pub fn from_post(content_type: &str, url_query: Option<&str>, body: &[u8]) -> Result<Self> {
        let content_type = content_type.to_ascii_lowercase();
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
        let url_parameters = || Self::from_urlencoded(url_query.unwrap_or_default().as_bytes());
        let body_text = || {
            String::from_utf8(body.to_vec())
                .map_err(|_| Error::BadRequest("the request body is not valid UTF-8".to_owned()))
        };
        Ok(match essence.as_str() {
            "application/x-www-form-urlencoded" => Self::from_urlencoded(body)?,
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
        })
    }
}
