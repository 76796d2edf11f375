//! Every serialisation the server writes, and the one table of the names
//! clients use for them: in `Accept`, in `?format=` / `output=` / `results=`,
//! and as file suffixes.
//!
//! Real clients do not all use the registered media types. SPARQLWrapper
//! sends `format=xml` meaning RDF/XML for a CONSTRUCT and SPARQL XML for a
//! SELECT; rdflib asks for N-Triples as `text/plain` and for N3 as `text/n3`;
//! axios and jQuery ask for `application/json`. A name can therefore stand
//! for several formats, listed most fitting first, and each route takes the
//! first one it can produce. The README's endpoint section lists the names.

use oxigraph::io::{JsonLdProfileSet, RdfFormat};
use oxigraph::sparql::results::QueryResultsFormat;

/// One serialisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Html,
    Turtle,
    JsonLd,
    NTriples,
    RdfXml,
    NQuads,
    TriG,
    ResultsJson,
    ResultsXml,
    Csv,
    Tsv,
}

/// Names and media types that stand for formats, each with the formats it
/// may mean in order of fit. Keys are compared in lower case.
const NAMES: &[(&str, &[Format])] = {
    use Format::*;
    &[
        // Names in `format=` and friends (SPARQLWrapper, Fuseki, Virtuoso,
        // Oxigraph's server, and this server's own suffixes).
        ("html", &[Html]),
        ("json", &[ResultsJson, JsonLd]),
        ("xml", &[ResultsXml, RdfXml]),
        ("srj", &[ResultsJson]),
        ("srx", &[ResultsXml]),
        ("csv", &[Csv]),
        ("tsv", &[Tsv]),
        ("text", &[Csv, NTriples]),
        ("plain", &[Csv, NTriples]),
        ("turtle", &[Turtle]),
        ("ttl", &[Turtle]),
        ("n3", &[Turtle]),
        ("jsonld", &[JsonLd]),
        ("json-ld", &[JsonLd]),
        ("ntriples", &[NTriples]),
        ("n-triples", &[NTriples]),
        ("nt", &[NTriples]),
        ("rdf", &[RdfXml]),
        ("rdfxml", &[RdfXml]),
        ("rdf+xml", &[RdfXml]),
        ("rdf/xml", &[RdfXml]),
        ("xml-rdf", &[RdfXml]),
        // N-Triples is valid N-Quads and Turtle valid TriG (all in the
        // default graph): where only triples are offered, they serve.
        ("nquads", &[NQuads, NTriples]),
        ("n-quads", &[NQuads, NTriples]),
        ("nq", &[NQuads, NTriples]),
        ("trig", &[TriG, Turtle]),
        ("application/n-quads", &[NQuads, NTriples]),
        ("application/trig", &[TriG, Turtle]),
        // Media types other than the registered ones, as clients send them.
        ("text/plain", &[Csv, NTriples]),
        ("text/n3", &[Turtle]),
        ("text/rdf+n3", &[Turtle]),
        ("application/n3", &[Turtle]),
        ("application/x-turtle", &[Turtle]),
        ("application/turtle", &[Turtle]),
        ("application/json", &[ResultsJson, JsonLd]),
        ("application/xml", &[ResultsXml, RdfXml]),
        ("text/xml", &[ResultsXml, RdfXml]),
        ("application/x-trig", &[TriG, Turtle]),
        ("text/x-nquads", &[NQuads, NTriples]),
        ("application/xhtml+xml", &[Html]),
    ]
};

impl Format {
    pub const ALL: [Format; 11] = [
        Self::Html,
        Self::Turtle,
        Self::JsonLd,
        Self::NTriples,
        Self::RdfXml,
        Self::NQuads,
        Self::TriG,
        Self::ResultsJson,
        Self::ResultsXml,
        Self::Csv,
        Self::Tsv,
    ];

    /// The registered media type, without parameters.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Html => "text/html",
            Self::Turtle => "text/turtle",
            Self::JsonLd => "application/ld+json",
            Self::NTriples => "application/n-triples",
            Self::RdfXml => "application/rdf+xml",
            Self::NQuads => "application/n-quads",
            Self::TriG => "application/trig",
            Self::ResultsJson => "application/sparql-results+json",
            Self::ResultsXml => "application/sparql-results+xml",
            Self::Csv => "text/csv",
            Self::Tsv => "text/tab-separated-values",
        }
    }

    /// The `Content-Type` of a response in this format: the media type, with
    /// `charset=utf-8` for the text formats (each of them is UTF-8).
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Html => "text/html; charset=utf-8",
            Self::Turtle => "text/turtle; charset=utf-8",
            Self::JsonLd => "application/ld+json; charset=utf-8",
            Self::NTriples => "application/n-triples; charset=utf-8",
            Self::RdfXml => "application/rdf+xml; charset=utf-8",
            Self::NQuads => "application/n-quads; charset=utf-8",
            Self::TriG => "application/trig; charset=utf-8",
            Self::ResultsJson => "application/sparql-results+json; charset=utf-8",
            Self::ResultsXml => "application/sparql-results+xml; charset=utf-8",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Tsv => "text/tab-separated-values; charset=utf-8",
        }
    }

    /// The usual file suffix.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Html => "html",
            Self::Turtle => "ttl",
            Self::JsonLd => "jsonld",
            Self::NTriples => "nt",
            Self::RdfXml => "rdf",
            Self::NQuads => "nq",
            Self::TriG => "trig",
            Self::ResultsJson => "srj",
            Self::ResultsXml => "srx",
            Self::Csv => "csv",
            Self::Tsv => "tsv",
        }
    }

    /// The name people read (`Turtle`, `JSON-LD`...).
    pub fn label(self) -> &'static str {
        match self {
            Self::Html => "HTML",
            Self::Turtle => "Turtle",
            Self::JsonLd => "JSON-LD",
            Self::NTriples => "N-Triples",
            Self::RdfXml => "RDF/XML",
            Self::NQuads => "N-Quads",
            Self::TriG => "TriG",
            Self::ResultsJson => "SPARQL JSON",
            Self::ResultsXml => "SPARQL XML",
            Self::Csv => "CSV",
            Self::Tsv => "TSV",
        }
    }

    /// The RDF serialisation, for the graph and dataset formats.
    pub fn rdf(self) -> Option<RdfFormat> {
        Some(match self {
            Self::Turtle => RdfFormat::Turtle,
            Self::JsonLd => RdfFormat::JsonLd {
                profile: JsonLdProfileSet::empty(),
            },
            Self::NTriples => RdfFormat::NTriples,
            Self::RdfXml => RdfFormat::RdfXml,
            Self::NQuads => RdfFormat::NQuads,
            Self::TriG => RdfFormat::TriG,
            _ => return None,
        })
    }

    /// The results serialisation, for SELECT and ASK.
    pub fn results(self) -> Option<QueryResultsFormat> {
        Some(match self {
            Self::ResultsJson => QueryResultsFormat::Json,
            Self::ResultsXml => QueryResultsFormat::Xml,
            Self::Csv => QueryResultsFormat::Csv,
            Self::Tsv => QueryResultsFormat::Tsv,
            _ => return None,
        })
    }

    /// The format of a registered media type (parameters ignored).
    pub fn from_media_type(media_type: &str) -> Option<Self> {
        let essence = essence(media_type);
        Self::ALL
            .into_iter()
            .find(|f| f.media_type().eq_ignore_ascii_case(essence))
    }

    /// The format of a file suffix (`ttl`, `nt`...).
    pub fn from_extension(extension: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|f| f.extension().eq_ignore_ascii_case(extension))
    }

    /// Every format a name may stand for, most fitting first: what
    /// [`NAMES`] says, else a registered media type's own format. Unknown
    /// names stand for nothing.
    pub fn candidates(name: &str) -> Vec<Format> {
        let key = essence(name).to_ascii_lowercase();
        match NAMES.iter().find(|(k, _)| *k == key) {
            Some((_, formats)) => formats.to_vec(),
            None => Self::from_media_type(&key).into_iter().collect(),
        }
    }

    /// The format a name means among those `offered`: the first of its
    /// candidates that is offered.
    pub fn by_name(name: &str, offered: &[Format]) -> Option<Format> {
        Self::candidates(name)
            .into_iter()
            .find(|f| offered.contains(f))
    }
}

/// A media type without its parameters, trimmed.
pub fn essence(media_type: &str) -> &str {
    media_type.split(';').next().unwrap_or_default().trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRAPHS: &[Format] = &[
        Format::Turtle,
        Format::JsonLd,
        Format::NTriples,
        Format::RdfXml,
    ];
    const RESULTS: &[Format] = &[
        Format::ResultsJson,
        Format::ResultsXml,
        Format::Csv,
        Format::Tsv,
    ];

    #[test]
    fn a_name_means_what_fits_the_answer() {
        assert_eq!(Format::by_name("xml", GRAPHS), Some(Format::RdfXml));
        assert_eq!(Format::by_name("xml", RESULTS), Some(Format::ResultsXml));
        assert_eq!(Format::by_name("json", GRAPHS), Some(Format::JsonLd));
        assert_eq!(Format::by_name("JSON", RESULTS), Some(Format::ResultsJson));
        assert_eq!(Format::by_name("n3", GRAPHS), Some(Format::Turtle));
        assert_eq!(Format::by_name("rdf+xml", GRAPHS), Some(Format::RdfXml));
        assert_eq!(
            Format::by_name("text/plain", GRAPHS),
            Some(Format::NTriples)
        );
        assert_eq!(Format::by_name("nq", GRAPHS), Some(Format::NTriples));
        assert_eq!(
            Format::by_name("application/trig", GRAPHS),
            Some(Format::Turtle)
        );
        assert_eq!(
            Format::by_name("application/trig", &[Format::Turtle, Format::TriG]),
            Some(Format::TriG)
        );
        assert_eq!(
            Format::by_name("text/turtle; charset=utf-8", GRAPHS),
            Some(Format::Turtle)
        );
    }

    #[test]
    fn a_name_that_fits_nothing_offered_is_none() {
        assert_eq!(Format::by_name("turtle", RESULTS), None);
        assert_eq!(Format::by_name("csv", GRAPHS), None);
        assert_eq!(Format::by_name("bogus", GRAPHS), None);
    }

    #[test]
    fn every_format_has_one_media_type_suffix_and_content_type() {
        for format in Format::ALL {
            assert_eq!(Format::from_media_type(format.media_type()), Some(format));
            assert_eq!(Format::from_extension(format.extension()), Some(format));
            assert!(format.content_type().starts_with(format.media_type()));
            assert_eq!(format.content_type().matches("charset").count(), 1);
            assert_ne!(
                format.rdf().is_some(),
                format.results().is_some() || format == Format::Html
            );
        }
    }
}
