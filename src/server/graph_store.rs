//! `/store`: the SPARQL 1.1 Graph Store HTTP Protocol, as Oxigraph's server,
//! Fuseki, Virtuoso and QLever offer it, for tools that fetch or replace one
//! graph at a time.
//!
//! - `GET`/`HEAD ?graph=IRI`: that named graph in any triple format (by
//!   `Accept` or `?format=`); 404 when the dataset has no such graph.
//! - `GET`/`HEAD ?default`: the default graph, which here (as at `/sparql`)
//!   is the union of all the named graphs.
//! - `GET`/`HEAD` with neither: the whole dataset in N-Quads or TriG.
//! - `PUT` (replace), `POST` (add to) and `DELETE` (drop) `?graph=IRI`, and
//!   `POST` with neither (add quads in N-Quads or TriG), only with the update
//!   token, on the embedded store. `POST ?default` adds to the store's own
//!   default graph (part of the union); `PUT` and `DELETE ?default` are
//!   refused, since the union would mean replacing or dropping every graph.
//!
//! A write parses the whole body before it touches the store and applies it
//! in one transaction: a broken body changes nothing.

use std::io::{self, Write};

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use oxigraph::io::{RdfFormat, RdfParser, RdfSyntaxError};
use oxigraph::model::{GraphName, GraphNameRef, NamedNode, Quad, TripleRef};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::SharedState;
use super::http_cache::Validators;
use super::page::blocking;
use crate::error::{Error, Result};
use crate::formats::Format;
use crate::negotiate::negotiate_format;
use crate::sparql::{media_types, rdf_serializer};
use crate::store::Dataset;

/// What one request is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// `?graph=IRI`.
    Graph(NamedNode),
    /// `?default`: the union of all graphs when read.
    Default,
    /// Neither: every quad.
    Dataset,
}

/// The formats a graph is read in, in order of preference on ties.
const GRAPH_FORMATS: &[Format] = &[
    Format::Turtle,
    Format::JsonLd,
    Format::NTriples,
    Format::RdfXml,
];

/// The formats the whole dataset is read in.
const DATASET_FORMATS: &[Format] = &[Format::NQuads, Format::TriG];

/// The request's target and its `format=`, from the query string.
fn parse_query(raw: Option<&str>) -> Result<(Target, Option<String>)> {
    let mut graph = None;
    let mut default = false;
    let mut format = None;
    for (key, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "graph" => {
                let iri = NamedNode::new(value.as_ref()).map_err(|e| {
                    Error::BadRequest(format!("graph={value:?} is not an absolute IRI: {e}"))
                })?;
                if graph.replace(iri).is_some() {
                    return Err(Error::BadRequest(
                        "more than one `graph` parameter".to_owned(),
                    ));
                }
            }
            "default" => default = true,
            "format" => format = Some(value.into_owned()),
            _ => {}
        }
    }
    let target = match (graph, default) {
        (Some(_), true) => {
            return Err(Error::BadRequest(
                "give either `graph=IRI` or `default`, not both".to_owned(),
            ));
        }
        (Some(iri), false) => Target::Graph(iri),
        (None, true) => Target::Default,
        (None, false) => Target::Dataset,
    };
    Ok((target, format))
}

/// The format of the answer: `?format=` if it names one that fits, else Accept.
fn answer_format(target: &Target, name: Option<&str>, headers: &HeaderMap) -> Result<Format> {
    let offered = match target {
        Target::Dataset => DATASET_FORMATS,
        _ => GRAPH_FORMATS,
    };
    if let Some(name) = name {
        return Format::by_name(name, offered).ok_or_else(|| Error::NotAcceptable {
            requested: format!("format={name}"),
            offered: media_types(offered),
        });
    }
    negotiate_format(headers, offered)
}

pub async fn get(
    State(state): State<SharedState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response> {
    let (target, name) = parse_query(raw.as_deref())?;
    let format = answer_format(&target, name.as_deref(), &headers)?;
    let dataset = state.dataset()?;
    let variant = format!("store {target:?} {}", format.extension());
    let validators = Validators::for_data(&dataset.version(), &variant);
    if validators.is_fresh(&headers) {
        return Ok(validators.not_modified());
    }
    if let Target::Graph(graph) = &target {
        let worker = dataset.clone();
        let wanted = graph.clone();
        let exists =
            blocking(move || Ok(worker.backend().named_graphs()?.contains(&wanted))).await?;
        if !exists {
            return Err(Error::NotFound(format!(
                "no graph <{}> in this dataset",
                graph.as_str()
            )));
        }
    }
    let mut response = Response::new(stream(dataset, target, format));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    validators.apply(&mut response);
    Ok(response)
}

/// Serialises the target on a blocking thread into the response body as it
/// goes: a big graph is never held whole in memory. A failure mid-way ends
/// the body with an error, so the client sees a broken transfer.
fn stream(dataset: Dataset, target: Target, format: Format) -> Body {
    let (sender, receiver) = mpsc::channel::<io::Result<Bytes>>(8);
    let errors = sender.clone();
    tokio::task::spawn_blocking(move || {
        let writer = io::BufWriter::with_capacity(64 * 1024, ChannelWriter(sender));
        let written =
            write_target(&dataset, &target, format, writer).and_then(|mut w| Ok(w.flush()?));
        if let Err(e) = written {
            tracing::warn!(error = %e, "graph store download failed");
            let _ = errors.blocking_send(Err(io::Error::other(e.to_string())));
        }
    });
    Body::from_stream(ReceiverStream::new(receiver))
}

/// Writes the target's triples (or, for the whole dataset, quads).
fn write_target<W: Write>(
    dataset: &Dataset,
    target: &Target,
    format: Format,
    writer: W,
) -> Result<W> {
    let rdf = format.rdf().unwrap_or(RdfFormat::NQuads);
    let mut serializer = rdf_serializer(rdf, dataset.base()).for_writer(writer);
    let quads = match target {
        Target::Graph(graph) => {
            dataset.quads_for_pattern(None, None, None, Some(GraphNameRef::from(graph)))
        }
        Target::Default | Target::Dataset => dataset.iter(),
    };
    for quad in quads {
        let quad = quad?;
        if *target == Target::Dataset {
            serializer.serialize_quad(&quad)?;
        } else {
            serializer.serialize_triple(TripleRef::from(quad.as_ref()))?;
        }
    }
    Ok(serializer.finish()?)
}

/// A `Write` into the response body's channel.
struct ChannelWriter(mpsc::Sender<io::Result<Bytes>>);

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.0
            .blocking_send(Ok(Bytes::copy_from_slice(data)))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "client gone"))?;
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// What a write does to its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Change {
    Replace,
    Add,
    Drop,
}

pub async fn put(
    State(state): State<SharedState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Response> {
    write(state, headers, raw, Change::Replace, body).await
}

pub async fn post(
    State(state): State<SharedState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Response> {
    write(state, headers, raw, Change::Add, body).await
}

pub async fn delete(
    State(state): State<SharedState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response> {
    write(state, headers, raw, Change::Drop, Bytes::new()).await
}

async fn write(
    state: SharedState,
    headers: HeaderMap,
    raw: Option<String>,
    action: Change,
    body: Bytes,
) -> Result<Response> {
    super::admin::authorize(&state, &headers, "writing to the graph store")?;
    let (target, _) = parse_query(raw.as_deref())?;
    match (&target, action) {
        (Target::Default, Change::Replace | Change::Drop) => {
            return Err(Error::BadRequest(
                "the default graph is the union of every named graph here: PUT or DELETE a named graph (?graph=IRI), or POST ?default to add triples".to_owned(),
            ));
        }
        (Target::Dataset, Change::Replace | Change::Drop) => {
            return Err(Error::BadRequest(
                "name the graph to replace or drop (?graph=IRI); only POST adds to the whole dataset".to_owned(),
            ));
        }
        _ => {}
    }
    let dataset = state.dataset()?;
    if dataset.store().is_none() {
        return Err(read_only());
    }
    let quads = match action {
        Change::Drop => Vec::new(),
        _ => parse_body(&headers, &body, &target, &dataset)?,
    };
    let worker = dataset.clone();
    let created = blocking(move || apply(&worker, &target, action, &quads)).await?;
    // Pages, documents and dumps of the old data must not be served as current.
    dataset.touch();
    Ok(if created {
        StatusCode::CREATED
    } else {
        StatusCode::NO_CONTENT
    }
    .into_response())
}

/// The quads a write brings: the body parsed whole in its Content-Type, the
/// triples placed in the target graph.
fn parse_body(
    headers: &HeaderMap,
    body: &[u8],
    target: &Target,
    dataset: &Dataset,
) -> Result<Vec<Quad>> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let accepted: &[Format] = match target {
        Target::Dataset => DATASET_FORMATS,
        _ => GRAPH_FORMATS,
    };
    let format = Format::by_name(content_type, accepted)
        .and_then(Format::rdf)
        .ok_or_else(|| {
            Error::UnsupportedMediaType(format!(
                "send the RDF as one of {} (Content-Type was {content_type:?})",
                media_types(accepted).join(", ")
            ))
        })?;
    let graph = match target {
        Target::Graph(g) => GraphName::NamedNode(g.clone()),
        Target::Default | Target::Dataset => GraphName::DefaultGraph,
    };
    let parser = RdfParser::from_format(format)
        .with_base_iri(dataset.base().as_str())
        .map_err(|e| Error::InvalidBaseIri {
            iri: dataset.base().to_string(),
            reason: e.to_string(),
        })?
        .with_default_graph(graph)
        .rename_blank_nodes();
    parser
        .for_slice(body)
        .map(|quad| quad.map_err(body_error))
        .collect()
}

/// A body that does not parse: 400 with the position, as the parser says it.
fn body_error(error: RdfSyntaxError) -> Error {
    let at = error
        .location()
        .map(|l| format!("line {}, column {}: ", l.start.line + 1, l.start.column + 1))
        .unwrap_or_default();
    Error::BadRequest(format!("the body is not valid RDF: {at}{error}"))
}

/// Writes in front of a SPARQL engine: the engine holds the data.
fn read_only() -> Error {
    Error::Forbidden(
        "in front of a SPARQL engine the graph store is read-only here: write to the engine itself"
            .to_owned(),
    )
}

/// Applies a write in one transaction. Says whether it created the graph.
fn apply(dataset: &Dataset, target: &Target, action: Change, quads: &[Quad]) -> Result<bool> {
    let store = dataset.store().ok_or_else(read_only)?;
    let existed = match target {
        Target::Graph(graph) => store.contains_named_graph(graph)?,
        _ => true,
    };
    if action == Change::Drop && !existed {
        if let Target::Graph(graph) = target {
            return Err(Error::NotFound(format!(
                "no graph <{}> in this dataset",
                graph.as_str()
            )));
        }
    }
    let mut transaction = store.start_transaction()?;
    if let Target::Graph(graph) = target {
        match action {
            Change::Replace => transaction.clear_graph(graph)?,
            Change::Drop => transaction.remove_named_graph(graph)?,
            Change::Add => {}
        }
        if action != Change::Drop {
            transaction.insert_named_graph(graph);
        }
    }
    transaction.extend(quads);
    transaction.commit()?;
    Ok(!existed)
}
