//! The whole dataset in one file: Turtle, JSON-LD and N-Triples hold the union
//! of the named graphs; N-Quads keeps each triple's graph.

use std::io::Write;

use clap::ValueEnum;
use oxigraph::io::{JsonLdProfileSet, RdfFormat};
use oxigraph::model::TripleRef;

use crate::error::Result;
use crate::sparql::rdf_serializer;
use crate::store::Dataset;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DumpFormat {
    Turtle,
    Jsonld,
    Ntriples,
    Nquads,
}

impl DumpFormat {
    pub fn rdf_format(self) -> RdfFormat {
        match self {
            Self::Turtle => RdfFormat::Turtle,
            Self::Jsonld => RdfFormat::JsonLd {
                profile: JsonLdProfileSet::empty(),
            },
            Self::Ntriples => RdfFormat::NTriples,
            Self::Nquads => RdfFormat::NQuads,
        }
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        self.rdf_format().file_extension()
    }
}

/// Streams every quad of the store into `writer`, in the store's index order
/// (so the same data always gives the same bytes).
pub fn write_dump<W: Write>(dataset: &Dataset, format: DumpFormat, writer: W) -> Result<W> {
    let mut serializer = rdf_serializer(format.rdf_format(), dataset.base()).for_writer(writer);
    for quad in dataset.store().iter() {
        let quad = quad?;
        if format == DumpFormat::Nquads {
            serializer.serialize_quad(&quad)?;
        } else {
            serializer.serialize_triple(TripleRef::from(quad.as_ref()))?;
        }
    }
    Ok(serializer.finish()?)
}
