//! Real outside clients against the running server: Python's SPARQLWrapper,
//! rdflib, PyLD and requests (installed into a virtualenv by tests/run.sh).
//! The expected answers are computed here from the same data through the
//! library. Without the clients these tests fail: they never pass unrun.

use crate::common;

use std::process::Command;

use crate::common::{Server, dataset, select};
use oxigraph::sparql::QueryResults;

/// The Python with rdflib and SPARQLWrapper: `DIALOGUE_GRAPH_PYTHON` (set by
/// tests/run.sh), else a `python3` that has them.
fn python() -> Option<String> {
    let candidate = std::env::var("DIALOGUE_GRAPH_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let ok = Command::new(&candidate)
        .args(["-c", "import rdflib, SPARQLWrapper, pyld, requests"])
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some(candidate)
}

#[test]
fn sparqlwrapper_and_rdflib_get_the_right_answers() {
    let python = required_python();
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
    let python = required_python();
    let server = common::shared();
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

/// The clients people use, in their default settings (tests/python/default_clients.py):
/// SPARQLWrapper's whole matrix, rdflib and PyLD on entity IRIs, Accept
/// values with parameters and aliases, and the Graph Store Protocol.
#[test]
fn real_clients_in_their_default_settings() {
    let python = required_python();
    let server = common::shared();
    let sitemap = server.get("/sitemap.xml").send().unwrap().text().unwrap();
    // Xi Jinping, and one entity of each other kind the sitemap lists first.
    let mut paths = vec!["person/xi-jinping".to_owned()];
    let mut kinds = std::collections::BTreeSet::from(["person".to_owned()]);
    for loc in sitemap.split("<loc>").skip(1) {
        let Some((_, path)) = loc
            .split("</loc>")
            .next()
            .and_then(|l| l.split_once("/page/"))
        else {
            continue;
        };
        let kind = path.split('/').next().unwrap_or_default().to_owned();
        if kinds.insert(kind) {
            paths.push(path.to_owned());
        }
    }
    assert!(paths.len() >= 4, "too few kinds of entity: {paths:?}");
    let out = Command::new(python)
        .arg(common::repo().join("tests/python/default_clients.py"))
        .arg(&server.url)
        .args(&paths[..4])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("calls passed"), "{stdout}");
}

/// The Python with the clients. Under tests/run.sh (which sets
/// `DIALOGUE_GRAPH_PYTHON`) or CI a missing client fails the test.
fn required_python() -> String {
    match python() {
        Some(python) => python,
        None => panic!(
            "no Python with rdflib, SPARQLWrapper and PyLD: run tests/run.sh, or set DIALOGUE_GRAPH_PYTHON"
        ),
    }
}

/// rapper (Raptor, the C RDF library's command line) fetches entity IRIs,
/// dumps and fragment pages with its own Accept header, as it does by default.
#[test]
fn rapper_reads_entity_iris_dumps_and_fragments() {
    let server = common::shared();
    let count = |args: &[&str], url: &str| -> usize {
        let out = Command::new("rapper")
            .arg("-c")
            .args(args)
            .arg(url)
            .output()
            .expect("rapper runs (tests/run.sh installs raptor2-utils)");
        assert!(
            out.status.success(),
            "rapper {args:?} {url}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // `-c` prints "rapper: Parsing returned N triples" on stderr.
        let text = String::from_utf8_lossy(&out.stderr);
        text.split("returned ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no count from rapper for {url}: {text}"))
    };
    for path in [
        "person/xi-jinping",
        "event/cpc-world-political-parties-dialogue-2017",
    ] {
        let iri = format!("{}/id/{path}", server.url);
        // Guessing the format from what the server answers, and asking for
        // each format rapper reads.
        assert!(count(&["-g"], &iri) > 10, "{iri}");
        for syntax in ["turtle", "ntriples", "rdfxml"] {
            assert!(count(&["-i", syntax], &iri) > 10, "{iri} as {syntax}");
        }
    }
    let dumps = format!("{}/dumps/dialogue-graph", server.url);
    let turtle = count(&["-i", "turtle"], &format!("{dumps}.ttl"));
    assert!(turtle > 1000);
    assert_eq!(count(&["-i", "ntriples"], &format!("{dumps}.nt")), turtle);
    assert_eq!(count(&["-i", "nquads"], &format!("{dumps}.nq")), turtle);
    let fragment = format!(
        "{}/fragments?predicate=http%3A%2F%2Fschema.org%2Flocation",
        server.url
    );
    assert!(count(&["-g"], &fragment) > 0);
    assert!(count(&["-i", "turtle"], &fragment) > 0);
}
