//! The whole dataset in one file: Turtle, JSON-LD and N-Triples hold the union
//! of the named graphs; N-Quads keeps each triple's graph.

use std::io::{Read, Seek, Write};

use clap::ValueEnum;
use oxigraph::io::{JsonLdProfileSet, RdfFormat};
use oxigraph::model::TripleRef;

use crate::config::BaseIri;
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
/// (so the same data always gives the same bytes). JSON-LD is compacted
/// against the context published at `BASE/context.jsonld`.
pub fn write_dump<W: Write>(dataset: &Dataset, format: DumpFormat, mut writer: W) -> Result<W> {
    if format == DumpFormat::Jsonld {
        // Oxigraph writes expanded JSON-LD; it goes to an anonymous temporary
        // file and is compacted from there node by node, so a large graph is
        // never held in memory as one document.
        let mut expanded = write_quads(
            dataset,
            format,
            std::io::BufWriter::new(tempfile::tempfile()?),
        )?
        .into_inner()
        .map_err(|e| e.into_error())?;
        expanded.seek(std::io::SeekFrom::Start(0))?;
        let base = dataset.base();
        use_published_context(
            std::io::BufReader::new(expanded),
            &mut writer,
            &base.resolve("context.jsonld"),
            base,
        )?;
        return Ok(writer);
    }
    write_quads(dataset, format, writer)
}

fn write_quads<W: Write>(dataset: &Dataset, format: DumpFormat, writer: W) -> Result<W> {
    let mut serializer = rdf_serializer(format.rdf_format(), dataset.base()).for_writer(writer);
    for quad in dataset.iter() {
        let quad = quad?;
        if format == DumpFormat::Nquads {
            serializer.serialize_quad(&quad)?;
        } else {
            serializer.serialize_triple(TripleRef::from(quad.as_ref()))?;
        }
    }
    Ok(serializer.finish()?)
}

/// The JSON-LD context published at `/context.jsonld`: the dataset's prefixes.
/// Every namespace ends with `/` or `#`, so JSON-LD 1.1 lets each act as a
/// prefix in compact IRIs such as `schema:startDate`.
pub fn jsonld_context(base: &BaseIri) -> serde_json::Value {
    let mut context = serde_json::Map::new();
    for (prefix, namespace) in prefixes(base) {
        context.insert(prefix.to_owned(), serde_json::Value::String(namespace));
    }
    serde_json::json!({ "@context": context })
}

fn prefixes(base: &BaseIri) -> Vec<(&'static str, String)> {
    crate::vocab::PREFIXES
        .iter()
        .map(|(p, n)| (*p, (*n).to_owned()))
        .chain([("dg", base.vocabulary()), ("id", base.resolve("id/"))])
        .collect()
}

/// Rewrites full IRIs as compact IRIs with the context's prefixes.
struct Compactor {
    prefixes: Vec<(&'static str, String)>,
}

impl Compactor {
    fn iri(&self, iri: &str) -> Option<String> {
        // The longest matching namespace wins (`id:` over a bare base).
        self.prefixes
            .iter()
            .filter(|(_, ns)| iri.starts_with(ns.as_str()))
            .max_by_key(|(_, ns)| ns.len())
            .and_then(|(prefix, ns)| {
                let local = &iri[ns.len()..];
                // A suffix starting with "//" would read as an absolute IRI.
                (!local.starts_with("//")).then(|| format!("{prefix}:{local}"))
            })
    }

    fn node(&self, value: serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        match value {
            Value::Array(items) => Value::Array(items.into_iter().map(|v| self.node(v)).collect()),
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(key, value)| {
                        let value = match (key.as_str(), value) {
                            ("@id" | "@type", Value::String(s)) => {
                                Value::String(self.iri(&s).unwrap_or(s))
                            }
                            ("@value" | "@language", v) => v,
                            (_, v) => self.node(v),
                        };
                        let key = if key.starts_with('@') {
                            key
                        } else {
                            self.iri(&key).unwrap_or(key)
                        };
                        (key, value)
                    })
                    .collect(),
            ),
            other => other,
        }
    }
}

/// Turns Oxigraph's expanded JSON-LD (an array of node objects) into a
/// document compacted against the published context: `{"@context": URL,
/// "@graph": [...]}` with compact IRIs. Node objects are read, rewritten and
/// written one at a time, so memory stays at one node whatever the size.
pub fn use_published_context<R: Read, W: Write>(
    expanded: R,
    out: &mut W,
    context_url: &str,
    base: &BaseIri,
) -> Result<()> {
    use serde::de::{DeserializeSeed, SeqAccess, Visitor};

    struct Nodes<'a, W> {
        compactor: &'a Compactor,
        out: &'a mut W,
    }
    impl<'de, W: Write> Visitor<'de> for Nodes<'_, W> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an array of JSON-LD node objects")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let mut first = true;
            while let Some(node) = seq.next_element::<serde_json::Value>()? {
                if !first {
                    self.out
                        .write_all(b",\n")
                        .map_err(serde::de::Error::custom)?;
                }
                first = false;
                let node = self.compactor.node(node);
                serde_json::to_writer(&mut *self.out, &node).map_err(serde::de::Error::custom)?;
            }
            Ok(())
        }
    }
    impl<'de, W: Write> DeserializeSeed<'de> for Nodes<'_, W> {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_seq(self)
        }
    }

    let compactor = Compactor {
        prefixes: prefixes(base),
    };
    out.write_all(b"{\"@context\": ")?;
    serde_json::to_writer(&mut *out, context_url).map_err(std::io::Error::other)?;
    out.write_all(b",\n\"@graph\": [\n")?;
    let mut deserializer = serde_json::Deserializer::from_reader(expanded);
    Nodes {
        compactor: &compactor,
        out: &mut *out,
    }
    .deserialize(&mut deserializer)
    .map_err(std::io::Error::other)?;
    out.write_all(b"\n]}\n")?;
    Ok(())
}
