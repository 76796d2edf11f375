//! `dialogue-graph validate`: checks the data against the SHACL shapes in
//! `ontology/shapes.ttl` with a real SHACL engine (rudof's `shacl` crate, which
//! also runs the shapes' SHACL-SPARQL constraints).

use std::fmt;
use std::fs::File;
use std::io::BufReader;

use rudof_rdf::rdf_core::RDFFormat;
use rudof_rdf::rdf_impl::{OxigraphInMemory, ReaderMode};
use shacl::validator::processor::{GraphValidation, ShaclProcessor};
use shacl::validator::store::{Graph, ShaclDataManager};
use shacl::validator::{ShaclConfig, ShaclValidationMode};

use crate::config::{BaseIri, Sources};
use crate::error::{Error, Result};
use crate::store::Dataset;
use crate::terms::compact_iri;

/// One broken rule: which node, which property, which value, and the rule's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub focus_node: String,
    pub path: Option<String>,
    pub value: Option<String>,
    /// The shape that states the rule.
    pub shape: Option<String>,
    /// The SHACL constraint component that failed, e.g. `sh:MinCountConstraintComponent`.
    pub component: String,
    pub message: Option<String>,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "focus node {}", self.focus_node)?;
        if let Some(path) = &self.path {
            write!(f, "\n  path:  {path}")?;
        }
        if let Some(value) = &self.value {
            write!(f, "\n  value: {value}")?;
        }
        write!(
            f,
            "\n  rule:  {} ({})",
            self.shape.as_deref().unwrap_or("(anonymous shape)"),
            self.component
        )?;
        if let Some(message) = &self.message {
            write!(f, "\n  says:  {message}")?;
        }
        Ok(())
    }
}

/// Loads the sources (a syntax error stops here, with file:line:column) and
/// validates all their triples, ontology included, against the shapes file.
pub fn validate(sources: &Sources, base: &BaseIri) -> Result<Vec<Violation>> {
    let dataset = Dataset::from_sources(sources, base)?;

    // The data graph: every triple of every named graph, as N-Triples.
    let mut data = Vec::new();
    {
        let mut writer =
            oxigraph::io::RdfSerializer::from_format(oxigraph::io::RdfFormat::NTriples)
                .for_writer(&mut data);
        for quad in dataset.iter() {
            let quad = quad?;
            writer.serialize_triple(oxigraph::model::TripleRef::from(quad.as_ref()))?;
        }
        writer.finish()?;
    }
    let data_graph = OxigraphInMemory::from_reader(
        &mut data.as_slice(),
        "data",
        &RDFFormat::NTriples,
        None,
        &ReaderMode::default(),
    )
    .map_err(|e| Error::Shacl(e.to_string()))?;

    let shapes_path = sources.shapes_file();
    let shapes_file = File::open(&shapes_path).map_err(|source| Error::ReadFile {
        path: shapes_path.clone(),
        source,
    })?;
    let shapes = ShaclDataManager::load(
        &mut BufReader::new(shapes_file),
        &shapes_path.display().to_string(),
        &RDFFormat::Turtle,
        Some(base.as_str()),
    )
    .map_err(|e| Error::Shacl(format!("{}: {e}", shapes_path.display())))?;

    let mut validation =
        GraphValidation::new(Graph::try_from(data_graph).map_err(|e| Error::Shacl(e.to_string()))?);
    let report = validation
        .validate(
            &shapes,
            &ShaclValidationMode::Native,
            &ShaclConfig::default(),
        )
        .map_err(|e| Error::Shacl(e.to_string()))?;

    let mut violations: Vec<Violation> = report
        .results()
        .iter()
        .map(|r| Violation {
            focus_node: readable(&r.focus_node().to_string(), base),
            path: r.path().map(|p| readable(&p.to_string(), base)),
            value: r.value().map(|v| readable(&v.to_string(), base)),
            shape: r.source().map(|s| readable(&s.to_string(), base)),
            component: readable(&r.constraint_component().to_string(), base),
            message: r.message().iter().next().map(|(_, m)| m.clone()),
        })
        .collect();
    violations.sort_by(|a, b| {
        (&a.focus_node, &a.path, &a.value).cmp(&(&b.focus_node, &b.path, &b.value))
    });
    Ok(violations)
}

/// The engine prints bare IRIs; show them as the rest of the tool does.
fn readable(text: &str, base: &BaseIri) -> String {
    let iri = text.trim_start_matches('<').trim_end_matches('>');
    if (iri.starts_with("http://") || iri.starts_with("https://")) && !iri.contains(' ') {
        compact_iri(iri, base)
    } else {
        text.to_owned()
    }
}
