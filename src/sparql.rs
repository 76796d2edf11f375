//! Running SPARQL queries against the dataset, shared by the `query` command and
//! the `/sparql` endpoint: guarded parsing, evaluation over the union of the
//! named graphs, and serialisation of results in the standard formats.

use std::io::Write;
use std::sync::{Arc, OnceLock};

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{CancellationToken, QueryEvaluationError, QueryResults};

use crate::config::BaseIri;
use crate::error::{Error, Result};
use crate::formats::Format;
use crate::store::Dataset;

/// Deepest nesting of `{ ( [` accepted. Oxigraph's recursive-descent parser
/// overflows the stack (aborting the whole process) a few thousand levels down;
/// no real query comes near this limit.
pub const MAX_NESTING: usize = 128;

/// Most characters that can chain (`! / | ^ + - * &` and `{`) accepted in one
/// query. The parser also recurses once per link of a long chain: on a 2 MiB
/// stack it overflowed at about 4,500 path steps `/<p>`, 5,000 `!`, 16,000
/// `UNION {}` or `OPTIONAL {}` and 22,000 `+ 1` or `|| true` (measured on
/// Oxigraph 0.5.13). Every thread that parses SPARQL has
/// [`PARSER_STACK_BYTES`], which holds 50,000 links of the worst kind with
/// room to spare; a query of that many is refused with a clear message.
pub const MAX_CHAIN_CHARACTERS: usize = 50_000;

/// The stack of every thread that parses SPARQL (the server's runtime and
/// blocking threads, and the command line's main work thread). Only the pages
/// a parse touches are ever committed to memory.
pub const PARSER_STACK_BYTES: usize = 64 << 20;

/// The prefixes every serialisation of this graph declares.
pub const PREFIXES: &[(&str, &str)] = &[
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("schema", "http://schema.org/"),
    ("org", "http://www.w3.org/ns/org#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("dct", "http://purl.org/dc/terms/"),
    ("dctype", "http://purl.org/dc/dcmitype/"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("oa", "http://www.w3.org/ns/oa#"),
    ("sh", "http://www.w3.org/ns/shacl#"),
    ("vann", "http://purl.org/vocab/vann/"),
    ("wd", "http://www.wikidata.org/entity/"),
    ("dbr", "http://dbpedia.org/resource/"),
];

/// Options for one query evaluation.
#[derive(Clone, Debug, Default)]
pub struct QueryOptions {
    /// `default-graph-uri` of the SPARQL protocol; empty means the union of all graphs.
    pub default_graphs: Vec<NamedNode>,
    /// `named-graph-uri` of the SPARQL protocol; empty means all named graphs.
    pub named_graphs: Vec<NamedNode>,
    /// Let `SERVICE` fetch remote endpoints (off unless the operator enables it).
    pub allow_service: bool,
}

/// A query parsed and checked, with the protocol's options: what a
/// [`Backend`](crate::backend::Backend) evaluates.
#[derive(Clone)]
pub struct PreparedQuery {
    /// The parsed query: relative IRIs resolved, prefixes expanded, so its
    /// text (`to_string()`) stands on its own for another engine.
    pub query: spargebra::Query,
    pub options: QueryOptions,
    pub cancellation: CancellationToken,
}

/// An update parsed and checked, with its `using-graph-uri` options.
#[derive(Clone)]
pub struct PreparedUpdate {
    pub update: spargebra::Update,
    pub options: QueryOptions,
}

/// Parses `query` after checking its nesting depth. The base IRI of the
/// dataset is the query's base, and its prefixes (plus the project's own `dg:`)
/// are predeclared, so `dg:outcome` works without a PREFIX line.
pub fn prepare(
    query: &str,
    base: &BaseIri,
    options: &QueryOptions,
    cancellation: CancellationToken,
) -> Result<PreparedQuery> {
    check_nesting(query)?;
    let query = parser(base)?
        .parse_query(query)
        .map_err(|e| Error::QuerySyntax(e.to_string()))?;
    Ok(PreparedQuery {
        query,
        options: options.clone(),
        cancellation,
    })
}

/// A parser with the dataset's base IRI and the predeclared prefixes.
fn parser(base: &BaseIri) -> Result<spargebra::SparqlParser> {
    let mut parser = spargebra::SparqlParser::new()
        .with_base_iri(base.as_str())
        .map_err(|e| Error::InvalidBaseIri {
            iri: base.to_string(),
            reason: e.to_string(),
        })?;
    for (prefix, namespace) in PREFIXES
        .iter()
        .map(|(p, n)| (*p, (*n).to_owned()))
        .chain([("dg", base.vocabulary())])
    {
        parser = parser
            .with_prefix(prefix, namespace)
            .map_err(|e| Error::QuerySyntax(e.to_string()))?;
    }
    Ok(parser)
}

/// Parses a SPARQL Update. `using_graphs` and `using_named_graphs` are the
/// protocol's `using-graph-uri` / `using-named-graph-uri`; an update that names
/// its own dataset (USING, WITH) may not be given them too.
pub fn prepare_update(
    update: &str,
    base: &BaseIri,
    options: &QueryOptions,
) -> Result<PreparedUpdate> {
    check_nesting(update)?;
    let update = parser(base)?
        .parse_update(update)
        .map_err(|e| Error::QuerySyntax(e.to_string()))?;
    let protocol_dataset = !options.default_graphs.is_empty() || !options.named_graphs.is_empty();
    if protocol_dataset && names_its_dataset(&update) {
        return Err(Error::BadRequest(
            "the update names its dataset (USING or WITH) and the request gives using-graph-uri or using-named-graph-uri: give one or the other".to_owned(),
        ));
    }
    Ok(PreparedUpdate {
        update,
        options: options.clone(),
    })
}

/// Whether an operation of the update names its own dataset (USING, WITH).
fn names_its_dataset(update: &spargebra::Update) -> bool {
    update.operations.iter().any(|operation| {
        matches!(
            operation,
            spargebra::GraphUpdateOperation::DeleteInsert { using: Some(_), .. }
        )
    })
}

/// Sets the dataset of the SPARQL protocol (`default-graph-uri`,
/// `named-graph-uri` or their `using-` forms): the given default graphs, else
/// the union of all graphs; the given named graphs, else all of them.
pub fn apply_protocol_dataset(
    dataset: &mut oxigraph::sparql::QueryDataset,
    options: &QueryOptions,
) {
    if options.default_graphs.is_empty() {
        dataset.set_default_graph_as_union();
    } else {
        dataset.set_default_graph(
            options
                .default_graphs
                .iter()
                .cloned()
                .map(GraphName::from)
                .collect(),
        );
    }
    if !options.named_graphs.is_empty() {
        dataset.set_available_named_graphs(
            options
                .named_graphs
                .iter()
                .cloned()
                .map(NamedOrBlankNode::from)
                .collect(),
        );
    }
}

/// Evaluates a prepared query on the dataset's backend. Solutions and
/// triples are produced lazily as the caller iterates, so large results are
/// never held whole in memory.
pub fn execute(dataset: &Dataset, prepared: PreparedQuery) -> Result<QueryResults<'static>> {
    dataset.backend().query(prepared)
}

/// Sorts evaluation errors into the client's (a `SERVICE` this endpoint will
/// not call, an unsupported function) and the server's.
pub fn evaluation_error(error: QueryEvaluationError) -> Error {
    match error {
        QueryEvaluationError::UnsupportedService(_)
        | QueryEvaluationError::UnboundService
        | QueryEvaluationError::InvalidServiceName(_) => Error::Forbidden(format!(
            "{error}: SERVICE federation is disabled on this endpoint (the operator can enable it with --allow-service)"
        )),
        QueryEvaluationError::UnsupportedCustomFunction(_)
        | QueryEvaluationError::UnsupportedCustomFunctionArity { .. } => {
            Error::BadRequest(error.to_string())
        }
        QueryEvaluationError::Cancelled => Error::Cancelled,
        other => Error::QueryEvaluation(other.to_string()),
    }
}

/// Parses and runs a query in one go (used by the CLI and the tests).
pub fn run(dataset: &Dataset, query: &str) -> Result<QueryResults<'static>> {
    let prepared = prepare(
        query,
        dataset.base(),
        &QueryOptions::default(),
        CancellationToken::new(),
    )?;
    execute(dataset, prepared)
}

/// Rejects a query nested deeper than [`MAX_NESTING`], or with chains longer
/// than [`MAX_CHAIN_CHARACTERS`], before the parser sees it.
///
/// Every `{ ( [` and every `<<` (SPARQL 1.2 reified triples, which the parser
/// also descends into) opens a level, wherever it is: inside strings, IRIs and
/// comments too. Skipping those would need a tokenizer that agrees with the
/// parser's in every corner (a `'` or `#` is legal inside an IRI, and `1<(`
/// is a comparison, not an IRI), and fuzzing found two such disagreements
/// that let a query through to overflow the stack. Over-counting only refuses
/// a query with more than 128 unclosed brackets in its strings.
pub fn check_nesting(query: &str) -> Result<()> {
    let mut depth = 0_usize;
    let mut deepest = 0_usize;
    let mut bytes = query.bytes().peekable();
    while let Some(b) = bytes.next() {
        match b {
            b'{' | b'(' | b'[' => depth += 1,
            b'<' if bytes.peek() == Some(&b'<') => {
                bytes.next();
                depth += 1;
            }
            b'}' | b')' | b']' => depth = depth.saturating_sub(1),
            b'>' if bytes.peek() == Some(&b'>') => {
                bytes.next();
                depth = depth.saturating_sub(1);
            }
            _ => continue,
        }
        deepest = deepest.max(depth);
        if deepest > MAX_NESTING {
            return Err(Error::QueryTooDeep {
                depth: deepest,
                limit: MAX_NESTING,
            });
        }
    }
    let chain = query.bytes().filter(|b| b"!/|^+-*&{".contains(b)).count();
    if chain > MAX_CHAIN_CHARACTERS {
        return Err(Error::QueryTooLong {
            count: chain,
            limit: MAX_CHAIN_CHARACTERS,
        });
    }
    Ok(())
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_within_the_limit_is_accepted() {
        let query = format!(
            "SELECT * WHERE {}?s ?p ?o{}",
            "{".repeat(MAX_NESTING - 1),
            "}".repeat(MAX_NESTING - 1)
        );
        assert!(check_nesting(&query).is_ok());
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let query = format!(
            "ASK {{ FILTER({}1{}) }}",
            "(".repeat(5000),
            ")".repeat(5000)
        );
        assert!(matches!(
            check_nesting(&query),
            Err(Error::QueryTooDeep {
                limit: MAX_NESTING,
                ..
            })
        ));
    }

    #[test]
    fn ordinary_strings_iris_comments_and_comparisons_pass() {
        let query = "# a comment (with brackets)\nSELECT * WHERE { ?s ?p \"a (b) [c]\" . ?s <http://x/(a)#b> ?o FILTER(?o < 3 && ?o > 1) }";
        assert!(check_nesting(query).is_ok());
    }

    #[test]
    fn long_chains_are_refused_and_shorter_ones_parse_on_the_parser_stack() {
        let base = BaseIri::parse("http://127.0.0.1:8080/").unwrap();
        let n = MAX_CHAIN_CHARACTERS;
        let too_long = format!("ASK {{ FILTER({}1) }}", "!".repeat(n + 1));
        assert!(matches!(
            check_nesting(&too_long),
            Err(Error::QueryTooLong { .. })
        ));
        // Just under the limit, each worst kind of chain parses (or fails
        // cleanly) on a thread with the parser's stack.
        for query in [
            format!("ASK {{ FILTER({}1) }}", "!".repeat(n - 10)),
            format!("ASK {{ ?s <http://p>{} ?o }}", "/<http://p>".repeat(n - 10)),
            format!("ASK {{ {{}}{} }}", " UNION {}".repeat(n / 2 - 10)),
            format!("ASK {{ FILTER(1{}) }}", " + 1".repeat(n - 10)),
        ] {
            let base = base.clone();
            let parsed = std::thread::Builder::new()
                .stack_size(PARSER_STACK_BYTES)
                .spawn(move || {
                    prepare(
                        &query,
                        &base,
                        &QueryOptions::default(),
                        CancellationToken::new(),
                    )
                    .is_ok()
                })
                .unwrap()
                .join();
            assert!(parsed.is_ok());
        }
    }

    /// Found by fuzzing (`fuzz/regressions/`): both got past an earlier
    /// guard that skipped IRIs, and overflowed the parser's stack.
    #[test]
    fn nesting_hidden_in_reified_triples_or_fake_iris_is_refused() {
        let reified = format!("ASK{{{}", "<".repeat(2_400));
        let fake_iri = format!("ASK{{FILTER(1<{}>)}}", "(".repeat(1_000));
        for query in [reified, fake_iri] {
            assert!(matches!(
                check_nesting(&query),
                Err(Error::QueryTooDeep { .. })
            ));
            // And the guard is what `prepare` runs first, on a thread with
            // the stack of tokio's blocking pool.
            let handle = std::thread::Builder::new()
                .stack_size(2 << 20)
                .spawn(move || {
                    let base = BaseIri::parse("http://127.0.0.1:8080/").unwrap();
                    matches!(
                        prepare(
                            &query,
                            &base,
                            &QueryOptions::default(),
                            CancellationToken::new()
                        ),
                        Err(Error::QueryTooDeep { .. })
                    )
                })
                .unwrap();
            assert!(handle.join().unwrap());
        }
    }
}
