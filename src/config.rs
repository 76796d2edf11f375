//! Settings shared by every subcommand: the base IRI that entity IRIs are minted
//! under, and where the source files (`ontology/`, `data/`) live.

use std::path::{Path, PathBuf};

use oxigraph::model::NamedNode;

use crate::error::{Error, Result};

/// Address `serve` binds to when none is given: loopback only, so a first run
/// never exposes the server to the network.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// The base IRI of commands that do not serve (`load`, `query`, `dump`) when
/// neither a flag nor a store says otherwise: what a default `serve` mints.
pub const DEFAULT_BASE: &str = "http://127.0.0.1:8080/";

/// The base IRI under which the data's relative IRIs (`<id/...>`, `<ns#...>`)
/// are resolved when the files are loaded. Always ends with `/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseIri(std::sync::Arc<str>);

impl BaseIri {
    /// Accepts an absolute `http(s)` IRI; adds the trailing slash if missing.
    pub fn parse(iri: &str) -> Result<Self> {
        let mut iri = iri.trim().to_owned();
        if !iri.ends_with('/') {
            iri.push('/');
        }
        let invalid = |reason: &str| Error::InvalidBaseIri {
            iri: iri.clone(),
            reason: reason.to_owned(),
        };
        if !(iri.starts_with("http://") || iri.starts_with("https://")) {
            return Err(invalid("it must start with http:// or https://"));
        }
        let authority = iri
            .split_once("://")
            .map_or("", |(_, rest)| rest.split('/').next().unwrap_or_default());
        // The host: after any `user@`, before any `:port`.
        let host = authority.rsplit('@').next().unwrap_or_default();
        if host.is_empty() || host.starts_with(':') {
            // `http:///id/x` would not be the IRI `<id/x>` resolves to in the data.
            return Err(invalid("it must name a host, as in http://example.org/"));
        }
        if iri.contains(['?', '#']) {
            return Err(invalid("it must not contain a query (?) or a fragment (#)"));
        }
        NamedNode::new(iri.as_str()).map_err(|e| invalid(&e.to_string()))?;
        Ok(Self(iri.into()))
    }

    /// The base IRI that makes a server bound to `bind` serve its own IRIs,
    /// e.g. `http://127.0.0.1:8080/`.
    pub fn for_bind_address(bind: &str) -> Result<Self> {
        Self::parse(&format!("http://{bind}/"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The IRI of `path` under the base, e.g. `resolve("id/person/xi-jinping")`.
    pub fn resolve(&self, path: &str) -> String {
        format!("{}{}", self.0, path.trim_start_matches('/'))
    }

    /// The named graph that a source file is loaded into: `BASE/graph/{name}`.
    pub fn graph(&self, name: &str) -> NamedNode {
        NamedNode::new_unchecked(self.resolve(&format!("graph/{name}")))
    }

    /// The namespace of the project's own vocabulary: `BASE/ns#`.
    pub fn vocabulary(&self) -> String {
        self.resolve("ns#")
    }
}

impl std::fmt::Display for BaseIri {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where the Turtle sources of the graph are: the vocabulary and shapes in
/// `ontology/`, the facts and their evidence in `data/`.
#[derive(Clone, Debug)]
pub struct Sources {
    pub ontology_dir: PathBuf,
    pub data_dir: PathBuf,
    /// The example queries (`*.rq`), loaded as data into `BASE/graph/queries`;
    /// a missing directory adds nothing.
    pub queries_dir: PathBuf,
}

impl Default for Sources {
    fn default() -> Self {
        Self {
            ontology_dir: PathBuf::from("ontology"),
            data_dir: PathBuf::from("data"),
            queries_dir: PathBuf::from("queries"),
        }
    }
}

impl Sources {
    /// The `.ttl` files of both directories, ontology first, each sorted by name,
    /// so that every load of the same files builds the same store.
    pub fn files(&self) -> Result<Vec<PathBuf>> {
        let mut files = turtle_files(&self.ontology_dir)?;
        files.extend(turtle_files(&self.data_dir)?);
        Ok(files)
    }

    /// The SHACL shapes file.
    pub fn shapes_file(&self) -> PathBuf {
        self.ontology_dir.join("shapes.ttl")
    }
}

fn turtle_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::SourceDirectory {
        path: dir.to_owned(),
        source,
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|source| Error::SourceDirectory {
                path: dir.to_owned(),
                source,
            })?
            .path();
        if path.extension().is_some_and(|ext| ext == "ttl") && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_iri_gets_a_trailing_slash_and_resolves_paths() {
        let base = BaseIri::parse("https://data.example.org").unwrap();
        assert_eq!(base.as_str(), "https://data.example.org/");
        assert_eq!(
            base.resolve("/id/person/xi-jinping"),
            "https://data.example.org/id/person/xi-jinping"
        );
        assert_eq!(
            base.graph("facts").as_str(),
            "https://data.example.org/graph/facts"
        );
    }

    #[test]
    fn base_iri_rejects_what_cannot_be_a_base() {
        for bad in [
            "data.example.org",
            "ftp://x/",
            "http://x/?a=b",
            "http://x/#f",
            // Found by fuzzing: no host, so `http:///id/x`.
            "http://",
            "https:///path/",
            "http://user@:80/",
        ] {
            assert!(BaseIri::parse(bad).is_err(), "{bad} was accepted");
        }
    }
}
