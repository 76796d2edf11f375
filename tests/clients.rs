//! Real outside clients against the running server: Python's SPARQLWrapper and
//! rdflib (installed into a virtualenv by tests/run.sh). The expected answers
//! are computed here from the same data through the library.

mod common;

use std::process::Command;

use common::{Server, dataset, select};
use oxigraph::sparql::QueryResults;

/// The Python with rdflib and SPARQLWrapper: `DIALOGUE_GRAPH_PYTHON` (set by
/// tests/run.sh), else a `python3` that has them.
fn python() -> Option<String> {
    let candidate = std::env::var("DIALOGUE_GRAPH_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let ok = Command::new(&candidate)
        .args(["-c", "import rdflib, SPARQLWrapper"])
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some(candidate)
}

#[test]
fn sparqlwrapper_and_rdflib_get_the_right_answers() {
    let Some(python) = python() else {
        // tests/run.sh always provides the clients; a bare `cargo test` may not.
        assert!(
            std::env::var("DIALOGUE_GRAPH_PYTHON").is_err(),
            "DIALOGUE_GRAPH_PYTHON is set but lacks rdflib or SPARQLWrapper"
        );
        eprintln!("skipped: no Python with rdflib and SPARQLWrapper (run tests/run.sh)");
        return;
    };
    let data = dataset();
    let mut cases = Vec::new();
    for name in [
        "02-dates",
        "04-topics",
        "08-outcome",
        "09-participants",
        "06-keynote",
    ] {
        // Virtuoso subtracts dates into seconds (259200), not into the
        // xsd:dayTimeDuration P3D that SPARQL 1.1 (and Oxigraph) give: its
        // own answer, which the publisher passes on as it is.
        if name == "02-dates"
            && common::engines::engine().is_some_and(|e| e.kind == common::engines::Kind::Virtuoso)
        {
            continue;
        }
        let query =
            std::fs::read_to_string(common::repo().join(format!("queries/{name}.rq"))).unwrap();
        let rows = select(&data, &query);
        assert!(!rows.is_empty());
        cases.push(
            serde_json::json!({"name": name, "kind": "select", "query": query, "rows": rows}),
        );
    }
    let construct = "CONSTRUCT { ?t rdfs:label ?l } WHERE { ?t skos:inScheme ?s ; rdfs:label ?l }";
    let QueryResults::Graph(triples) = dialogue_graph::sparql::run(&data, construct).unwrap()
    else {
        panic!("not a graph")
    };
    let triples: Vec<_> = triples.map(Result::unwrap).collect();
    let labels: Vec<String> = triples
        .iter()
        .map(|t| match &t.object {
            oxigraph::model::Term::Literal(l) => l.value().to_owned(),
            other => other.to_string(),
        })
        .collect();
    cases.push(serde_json::json!({"name": "construct-topic-labels", "kind": "construct", "query": construct, "triples": triples.len(), "labels": labels}));

    let dir = tempfile::tempdir().unwrap();
    let cases_file = dir.path().join("cases.json");
    std::fs::write(&cases_file, serde_json::to_vec(&cases).unwrap()).unwrap();

    // The expected rows hold IRIs minted under the default base.
    let server = Server::start(&["--base-iri", common::BASE]);
    let out = Command::new(python)
        .arg(common::repo().join("tests/python/sparql_clients.py"))
        .arg(format!("{}/sparql", server.url))
        .arg(&cases_file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn rdflib_and_pyld_read_every_document_and_dump() {
    let Some(python) = python() else {
        assert!(std::env::var("DIALOGUE_GRAPH_PYTHON").is_err());
        eprintln!("skipped: no Python with rdflib (run tests/run.sh)");
        return;
    };
    let server = Server::start(&[]);
    let out = Command::new(python)
        .arg(common::repo().join("tests/python/rdf_documents.py"))
        .arg(&server.url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("entities x 4 formats"));
}
