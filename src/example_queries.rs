//! The example queries in `queries/`: each file's opening comment lines are its
//! title, its description, and two keyed lines, `# zh:` (the title in
//! Chinese) and `# results:` (how many results it gives); the rest is the
//! query. The query page offers them, `/queries` lists them, and they are
//! published as data too: each is an entity `BASE/id/query/{name}` in the
//! graph `BASE/graph/queries` (a `sh:SPARQLExecutable` with its text, titles
//! and expected result count), so the tests can run them from the data.

use std::path::Path;

use oxigraph::model::vocab::{rdf, rdfs, xsd};
use oxigraph::model::{Literal, NamedNode, Term, Triple};

use crate::config::BaseIri;
use crate::error::{Error, Result};
use crate::vocab::SH;

#[derive(Clone, Debug, serde::Serialize)]
pub struct Example {
    /// The file name without `.rq`, e.g. `04-topics`.
    pub name: String,
    /// The first comment line.
    pub title: String,
    /// The other opening comment lines, joined.
    pub description: String,
    /// The title in Chinese (`# zh: ...`).
    pub title_zh: Option<String>,
    /// How many results the query gives on the dataset (`# results: N`).
    pub expected_results: Option<usize>,
    /// The whole file, comments included (they are valid SPARQL).
    pub query: String,
}

/// Reads every `*.rq` file of `dir`, sorted by name. A missing directory
/// gives no examples rather than an error: a deployment may not ship them.
pub fn load_examples(dir: &Path) -> Result<Vec<Example>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "rq"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let query = std::fs::read_to_string(&path).map_err(|source| Error::ReadFile {
                path: path.clone(),
                source,
            })?;
            Ok(parse_example(
                &path.file_stem().unwrap_or_default().to_string_lossy(),
                query,
            ))
        })
        .collect()
}

fn parse_example(name: &str, query: String) -> Example {
    let mut title_zh = None;
    let mut expected_results = None;
    let comments: Vec<&str> = query
        .lines()
        .take_while(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim())
        .filter(|l| {
            if let Some(zh) = l.strip_prefix("zh:") {
                title_zh = Some(zh.trim().to_owned());
                false
            } else if let Some(n) = l.strip_prefix("results:") {
                expected_results = n.trim().parse().ok();
                false
            } else {
                true
            }
        })
        .collect();
    Example {
        name: name.to_owned(),
        title: comments
            .first()
            .map_or_else(|| name.to_owned(), |t| (*t).to_owned()),
        description: comments.get(1..).unwrap_or_default().join(" "),
        title_zh,
        expected_results,
        query,
    }
}

/// The examples as triples about `BASE/id/query/{name}`: SHACL's terms for a
/// SPARQL query kept as data (`sh:SPARQLSelectExecutable`, `sh:select`...),
/// the titles as labels, the description as a comment, and
/// `dg:expectedResults`. A file that does not parse as SPARQL is skipped
/// (the query page still offers it, and its error).
pub fn example_triples(examples: &[Example], base: &BaseIri) -> Vec<Triple> {
    let sh = |local: &str| NamedNode::new_unchecked(format!("{SH}{local}"));
    let mut triples = Vec::new();
    for example in examples {
        let Some((class, property)) = query_form(&example.query, base) else {
            continue;
        };
        let subject = NamedNode::new_unchecked(base.resolve(&format!("id/query/{}", example.name)));
        let mut add = |p: NamedNode, o: Term| triples.push(Triple::new(subject.clone(), p, o));
        add(rdf::TYPE.into(), sh(class).into());
        add(
            rdf::TYPE.into(),
            NamedNode::new_unchecked(format!("{}ExampleQuery", base.vocabulary())).into(),
        );
        add(
            rdfs::LABEL.into(),
            Literal::new_language_tagged_literal_unchecked(&example.title, "en").into(),
        );
        // Lower case, as Oxigraph stores the tags it parses (a store holding
        // both cases would have two different literals).
        if let Some(zh) = &example.title_zh {
            add(
                rdfs::LABEL.into(),
                Literal::new_language_tagged_literal_unchecked(zh, "zh-hans").into(),
            );
        }
        if !example.description.is_empty() {
            add(
                rdfs::COMMENT.into(),
                Literal::new_language_tagged_literal_unchecked(&example.description, "en").into(),
            );
        }
        add(
            sh(property),
            Literal::new_simple_literal(&example.query).into(),
        );
        if let Some(n) = example.expected_results {
            add(
                NamedNode::new_unchecked(format!("{}expectedResults", base.vocabulary())),
                Literal::new_typed_literal(n.to_string(), xsd::INTEGER).into(),
            );
        }
    }
    triples
}

/// SHACL's class and property for the form of a query: SELECT, ASK or
/// CONSTRUCT (SHACL names no DESCRIBE); `None` if it does not parse.
fn query_form(query: &str, base: &BaseIri) -> Option<(&'static str, &'static str)> {
    let parsed = spargebra::SparqlParser::new()
        .with_base_iri(base.as_str())
        .ok()?
        .parse_query(query)
        .ok()?;
    match parsed {
        spargebra::Query::Select { .. } => Some(("SPARQLSelectExecutable", "select")),
        spargebra::Query::Ask { .. } => Some(("SPARQLAskExecutable", "ask")),
        spargebra::Query::Construct { .. } => Some(("SPARQLConstructExecutable", "construct")),
        spargebra::Query::Describe { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_and_description_come_from_the_opening_comments() {
        let e = parse_example(
            "x",
            "# What is it?\n# More words\n# here.\nSELECT * {}\n# not this\n".to_owned(),
        );
        assert_eq!(e.title, "What is it?");
        assert_eq!(e.description, "More words here.");
        assert_eq!(e.title_zh, None);
        assert!(e.query.starts_with("# What"));
        let e = parse_example(
            "y",
            "# Title\n# zh: 标题\n# Words.\n# results: 7\nASK {}\n".to_owned(),
        );
        assert_eq!(e.title_zh.as_deref(), Some("标题"));
        assert_eq!(e.expected_results, Some(7));
        assert_eq!(e.description, "Words.");
    }
}
