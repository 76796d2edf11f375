//! Writing query results: the formats a SELECT, ASK, CONSTRUCT or DESCRIBE
//! can be written in, a row cap that knows whether it cut the answer short,
//! and serializers that declare the project's prefixes.

use std::io::Write;
use std::sync::{Arc, OnceLock};

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::sparql::QueryResults;
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};

use crate::backend::prepared::evaluation_error;
use crate::config::BaseIri;
use crate::error::{Error, Result};
use crate::formats::Format;
use crate::vocab::PREFIXES;

/// A serialisation a query result can be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResultFormat {
    /// For SELECT and ASK.
    Results(QueryResultsFormat),
    /// For CONSTRUCT and DESCRIBE.
    Graph(RdfFormat),
}

impl ResultFormat {
    /// The result serialisation of a format, if it is one.
    pub fn from_format(format: Format) -> Option<Self> {
        format
            .results()
            .map(Self::Results)
            .or_else(|| format.rdf().map(Self::Graph))
    }
}

/// A cap on the rows (or triples) of a result, and whether it cut the result
/// short. The decision is shared, so the HTTP layer can hold back the response
/// head until it knows whether to say "truncated".
#[derive(Clone, Debug, Default)]
pub struct RowLimit {
    pub max: Option<usize>,
    truncated: Arc<OnceLock<bool>>,
}

impl RowLimit {
    pub fn new(max: Option<usize>) -> Self {
        Self {
            max,
            truncated: Arc::default(),
        }
    }

    /// `Some(true)` once the cap cut the result, `Some(false)` once it is known
    /// that it did not (no cap, or the result ended first), `None` before.
    pub fn truncated(&self) -> Option<bool> {
        if self.max.is_none() {
            return Some(false);
        }
        self.truncated.get().copied()
    }

    fn decide(&self, truncated: bool) {
        let _ = self.truncated.set(truncated);
    }

    /// Whether one more item may be written after `written` of them; deciding
    /// "truncated" if not.
    fn allows(&self, written: usize) -> bool {
        match self.max {
            Some(max) if written >= max => {
                self.decide(true);
                false
            }
            _ => true,
        }
    }
}

/// Writes `results` to `writer` in `format`, streaming solution by solution,
/// stopping at `limit`. A SELECT asked for in an RDF format (or the reverse) is
/// an error that lists what does fit.
pub fn write_results<W: Write>(
    results: QueryResults<'static>,
    format: ResultFormat,
    base: &BaseIri,
    limit: &RowLimit,
    writer: W,
) -> Result<W> {
    let written = write_limited(results, format, base, limit, writer);
    limit.decide(false);
    written
}

fn write_limited<W: Write>(
    results: QueryResults<'static>,
    format: ResultFormat,
    base: &BaseIri,
    limit: &RowLimit,
    writer: W,
) -> Result<W> {
    match (results, format) {
        (QueryResults::Boolean(value), ResultFormat::Results(f)) => Ok(
            QueryResultsSerializer::from_format(f).serialize_boolean_to_writer(writer, value)?,
        ),
        (QueryResults::Solutions(solutions), ResultFormat::Results(f)) => {
            let mut serializer = QueryResultsSerializer::from_format(f)
                .serialize_solutions_to_writer(writer, solutions.variables().to_vec())?;
            for (written, solution) in solutions.enumerate() {
                let solution = solution.map_err(evaluation_error)?;
                if !limit.allows(written) {
                    break;
                }
                serializer.serialize(&solution)?;
            }
            Ok(serializer.finish()?)
        }
        (QueryResults::Graph(triples), ResultFormat::Graph(f)) => {
            let mut serializer = rdf_serializer(f, base).for_writer(writer);
            for (written, triple) in triples.enumerate() {
                let triple = triple.map_err(evaluation_error)?;
                if !limit.allows(written) {
                    break;
                }
                serializer.serialize_triple(&triple)?;
            }
            Ok(serializer.finish()?)
        }
        (QueryResults::Graph(_), ResultFormat::Results(f)) => Err(Error::NotAcceptable {
            requested: f.media_type().to_owned(),
            offered: media_types(GRAPH_FORMATS),
        }),
        (_, ResultFormat::Graph(f)) => Err(Error::NotAcceptable {
            requested: f.media_type().to_owned(),
            offered: media_types(RESULT_FORMATS),
        }),
    }
}

/// A serializer for `format` that declares the project's prefixes and base.
pub fn rdf_serializer(format: RdfFormat, base: &BaseIri) -> RdfSerializer {
    let mut serializer = RdfSerializer::from_format(format);
    for (prefix, namespace) in PREFIXES
        .iter()
        .map(|(p, n)| (*p, (*n).to_owned()))
        .chain([("dg", base.vocabulary())])
    {
        // The prefixes are constants known to be valid IRIs.
        serializer = serializer
            .with_prefix(prefix, namespace)
            .unwrap_or_else(|_| RdfSerializer::from_format(format));
    }
    serializer
}

/// The formats of SELECT and ASK results, in order of preference on ties
/// (the aliases `application/json`, `application/xml`, `text/xml` and
/// `text/plain` are understood by [`crate::negotiate`]).
pub const RESULT_FORMATS: &[Format] = &[
    Format::ResultsJson,
    Format::ResultsXml,
    Format::Csv,
    Format::Tsv,
];

/// The formats of CONSTRUCT and DESCRIBE results, in order of preference on
/// ties (`text/plain` is N-Triples, `text/n3` Turtle, `application/json`
/// JSON-LD, `application/xml` RDF/XML).
pub const GRAPH_FORMATS: &[Format] = &[
    Format::Turtle,
    Format::JsonLd,
    Format::NTriples,
    Format::RdfXml,
    Format::NQuads,
    Format::TriG,
];

/// The media types of `formats`, for messages that list an offer.
pub fn media_types(formats: &[Format]) -> Vec<&'static str> {
    formats.iter().map(|f| f.media_type()).collect()
}
