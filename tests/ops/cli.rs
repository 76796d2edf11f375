//! The command line as a user meets it: errors that say what to do, file:line:
//! column for broken RDF, all-or-nothing loads, dumps and query output formats.

use crate::common;

use crate::common::repo;
use sophia::api::prelude::*;
use sophia::api::source::QuadSource;
use sophia::inmem::dataset::FastDataset;
use sophia::inmem::graph::FastGraph;
use sophia::isomorphism::isomorphic_graphs;

use crate::common::{run, stderr, stdout};

/// A copy of data/ with one extra file, for breaking things.
fn data_with(name: &str, content: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(repo().join("data")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(dir.path().join(name), content).unwrap();
    dir
}

const BROKEN: &str = "@prefix schema: <http://schema.org/> .\n\n<id/x> schema:name \"ok\" ;\n    schema:name \"unterminated .\n";

#[test]
fn help_lists_every_subcommand() {
    let out = run(&["--help"]);
    assert!(out.status.success());
    for sub in ["serve", "load", "query", "dump", "validate"] {
        assert!(stdout(&out).contains(sub), "{sub} missing from --help");
        let sub_help = run(&[sub, "--help"]);
        assert!(sub_help.status.success(), "{sub} --help failed");
    }
}

#[test]
fn unknown_flag_says_what_is_wrong() {
    let out = run(&["serve", "--port", "80"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("--port"), "{err}");
    assert!(err.contains("--help"), "{err}");
}

#[test]
fn broken_turtle_is_reported_with_file_line_and_column() {
    let data = data_with("zz-broken.ttl", BROKEN);
    let out = run(&[
        "query",
        "--data-dir",
        data.path().to_str().unwrap(),
        "ASK {}",
    ]);
    assert!(!out.status.success());
    let err = stderr(&out);
    let expected = format!("{}:4:17:", data.path().join("zz-broken.ttl").display());
    assert!(err.contains(&expected), "expected {expected} in: {err}");
}

#[test]
fn missing_source_directory_says_what_to_do() {
    let out = run(&["validate", "--data-dir", "/nonexistent/data"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("/nonexistent/data") && err.contains("--data-dir"),
        "{err}"
    );
}

#[test]
fn missing_store_says_how_to_create_one() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("no-store-here");
    let out = run(&["query", "--store", store.to_str().unwrap(), "ASK {}"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("no store at") && err.contains("dialogue-graph load --store"),
        "{err}"
    );
}

#[test]
fn validate_passes_on_the_data() {
    let out = run(&["validate"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
}

#[test]
fn validate_names_focus_node_and_rule_of_each_violation() {
    // A second English label for Xi Jinping, and an exact attendance figure.
    let extra = "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\
                 @prefix schema: <http://schema.org/> .\n\
                 <id/person/xi-jinping> rdfs:label \"President Xi\"@en .\n\
                 <id/event/cpc-world-political-parties-dialogue-2017> schema:maximumAttendeeCapacity 600 .\n";
    let data = data_with("zz-extra.ttl", extra);
    let out = run(&["validate", "--data-dir", data.path().to_str().unwrap()]);
    assert!(!out.status.success());
    let report = stdout(&out);
    assert!(
        report.contains("focus node <id/person/xi-jinping>"),
        "{report}"
    );
    assert!(
        report.contains("<shapes#BilingualLabels-label>"),
        "{report}"
    );
    assert!(
        report.contains("<shapes#NoExactAttendance-maximumAttendeeCapacity>"),
        "{report}"
    );
    assert!(report.contains("<shapes#Evidenced>"), "{report}");
    assert!(stderr(&out).contains("SHACL rule"), "{}", stderr(&out));
}

#[test]
fn query_prints_a_table_and_the_standard_formats() {
    let q = "SELECT ?start WHERE { ?m schema:organizer ?o ; schema:startDate ?start }";
    let table = run(&["query", q]);
    assert!(table.status.success());
    assert!(stdout(&table).contains("2017-11-30") && stdout(&table).contains("1 row(s)"));

    let json = run(&["query", "--format", "json", q]);
    let parsed: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        parsed["results"]["bindings"][0]["start"]["value"],
        "2017-11-30"
    );

    let csv = run(&["query", "--format", "csv", q]);
    assert_eq!(stdout(&csv).replace('\r', ""), "start\n2017-11-30\n");

    let ttl = run(&[
        "query",
        "--format",
        "turtle",
        "CONSTRUCT WHERE { ?m schema:startDate ?d }",
    ]);
    assert!(
        stdout(&ttl).contains("schema:startDate \"2017-11-30\"^^xsd:date"),
        "{}",
        stdout(&ttl)
    );

    let wrong = run(&["query", "--format", "turtle", q]);
    assert!(!wrong.status.success());
    assert!(stderr(&wrong).contains("application/sparql-results+json"));
}

#[test]
fn query_syntax_error_names_the_position() {
    let out = run(&["query", "SELECT ?x WHERE { ?x ?p }"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("SPARQL syntax error") && err.contains("1:26"),
        "{err}"
    );
}

fn parse_graph(format: &str, bytes: &[u8]) -> FastGraph {
    let text = std::str::from_utf8(bytes).unwrap();
    match format {
        "turtle" => sophia::turtle::parser::turtle::parse_str(text)
            .collect_triples()
            .unwrap(),
        "ntriples" => sophia::turtle::parser::nt::parse_str(text)
            .collect_triples()
            .unwrap(),
        _ => unreachable!(),
    }
}

#[test]
fn dumps_parse_elsewhere_and_hold_the_same_graph() {
    let turtle = run(&["dump", "--format", "turtle"]);
    let ntriples = run(&["dump", "--format", "ntriples"]);
    let nquads = run(&["dump", "--format", "nquads"]);
    let jsonld = run(&["dump", "--format", "jsonld"]);
    for o in [&turtle, &ntriples, &nquads, &jsonld] {
        assert!(o.status.success(), "{}", stderr(o));
    }
    // Parsed by sophia, a second RDF implementation.
    let from_turtle = parse_graph("turtle", &turtle.stdout);
    let from_nt = parse_graph("ntriples", &ntriples.stdout);
    assert!(isomorphic_graphs(&from_turtle, &from_nt).unwrap());
    let dataset: FastDataset =
        sophia::turtle::parser::nq::parse_str(std::str::from_utf8(&nquads.stdout).unwrap())
            .collect_quads()
            .unwrap();
    let graphs: std::collections::BTreeSet<String> = dataset
        .quads()
        .map(|q| {
            q.unwrap()
                .g()
                .map(|g| g.iri().unwrap().as_str().to_owned())
                .unwrap_or_default()
        })
        .collect();
    for g in [
        "facts",
        "evidence",
        "background",
        "links",
        "editorial",
        "dialogue",
        "shapes",
        "vocabularies",
    ] {
        assert!(
            graphs.contains(&format!("{}graph/{g}", common::BASE)),
            "N-Quads lost graph {g}: {graphs:?}"
        );
    }
    assert_eq!(dataset.quads().count(), from_nt.triples().count());
    // JSON-LD holds as many triples as the others (parsed by oxigraph here;
    // the HTTP tests check it with pyld as well).
    // It refers to the published context by URL; give the parser that context inline.
    let mut document: serde_json::Value = serde_json::from_slice(&jsonld.stdout).unwrap();
    assert_eq!(
        document["@context"],
        format!("{}context.jsonld", common::BASE)
    );
    document["@context"] =
        dialogue_graph::dump_files::writing::jsonld_context(&common::base())["@context"].clone();
    let inline = serde_json::to_vec(&document).unwrap();
    let parsed = oxigraph::io::RdfParser::from_format(oxigraph::io::RdfFormat::JsonLd {
        profile: oxigraph::io::JsonLdProfileSet::empty(),
    })
    .for_slice(&inline)
    .collect::<Result<Vec<_>, _>>()
    .unwrap();
    assert_eq!(parsed.len(), from_nt.triples().count());
}

#[test]
fn dump_writes_a_file_with_the_same_bytes_as_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.ttl");
    let to_file = run(&[
        "dump",
        "--format",
        "turtle",
        "--output",
        file.to_str().unwrap(),
    ]);
    assert!(to_file.status.success());
    let to_stdout = run(&["dump", "--format", "turtle"]);
    assert_eq!(std::fs::read(&file).unwrap(), to_stdout.stdout);
}

#[test]
fn base_iri_changes_every_minted_iri() {
    let out = run(&[
        "dump",
        "--format",
        "ntriples",
        "--base-iri",
        "https://data.example.org/",
    ]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.contains("<https://data.example.org/id/person/xi-jinping>"));
    assert!(text.contains("<https://data.example.org/ns#outcome>"));
    assert!(!text.contains("127.0.0.1"), "a host leaked into the data");
    let default = stdout(&run(&["dump", "--format", "ntriples"]));
    assert!(default.contains("<http://127.0.0.1:8080/id/person/xi-jinping>"));
}

#[cfg(not(feature = "rocksdb"))]
#[test]
fn load_without_the_rocksdb_feature_says_how_to_get_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&[
        "load",
        "--store",
        dir.path().to_str().unwrap(),
        "data/facts.ttl",
    ]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--features rocksdb"));
}

#[cfg(feature = "rocksdb")]
mod persistent {
    use super::*;
    use std::path::Path;

    fn count(store: &Path) -> usize {
        common::store_triples(store) as usize
    }

    #[test]
    fn load_reports_its_rate_and_serves_the_same_answers() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("store");
        let out = run(&[
            "load",
            "--quiet",
            "--store",
            store.to_str().unwrap(),
            "data/facts.ttl",
            "data/evidence.ttl",
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stderr(&out).contains("triples/s"), "{}", stderr(&out));
        let memory = common::select(
            &common::dataset(),
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRENDS(STR(?g), 'facts') || STRENDS(STR(?g), 'evidence')) }",
        );
        assert_eq!(count(&store).to_string(), memory[0]["n"]);
    }

    #[test]
    fn load_into_the_default_graph_keeps_every_triple_and_no_named_graph() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("store");
        let into_default = dir.path().join("default");
        common::load_into(&store, &["data/facts.ttl"]);
        let out = run(&[
            "load",
            "--quiet",
            "--default-graph",
            "--store",
            into_default.to_str().unwrap(),
            "data/facts.ttl",
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        let all = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }";
        assert_eq!(
            common::store_value(&into_default, all),
            count(&store).to_string()
        );
        assert_eq!(
            common::store_value(
                &into_default,
                "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
            ),
            "0"
        );
    }

    #[test]
    fn a_broken_file_leaves_the_store_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("store");
        common::load_into(&store, &["data/facts.ttl"]);
        let before = count(&store);

        let broken = dir.path().join("broken.ttl");
        std::fs::write(&broken, BROKEN).unwrap();
        // A good file first, then the broken one: neither may be loaded.
        let out = run(&[
            "load",
            "--quiet",
            "--store",
            store.to_str().unwrap(),
            "data/evidence.ttl",
            broken.to_str().unwrap(),
        ]);
        assert!(!out.status.success());
        let err = stderr(&out);
        assert!(
            err.contains(&format!("{}:4:17:", broken.display())),
            "{err}"
        );
        assert_eq!(count(&store), before, "the failed load changed the store");
    }

    #[test]
    fn a_store_remembers_the_base_iri_it_was_loaded_under() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("store");
        let store = store.to_str().unwrap();
        let first = run(&[
            "load",
            "--quiet",
            "--store",
            store,
            "--base-iri",
            "https://data.example.org/",
            "data/facts.ttl",
        ]);
        assert!(first.status.success(), "{}", stderr(&first));
        // Later commands use it without being told...
        let q = "SELECT ?p WHERE { ?p a schema:Person }";
        let out = run(&["query", "--store", store, "--format", "csv", q]);
        assert!(
            stdout(&out).contains("https://data.example.org/id/person/xi-jinping"),
            "{}",
            stdout(&out)
        );
        let again = run(&["load", "--quiet", "--store", store, "data/links.ttl"]);
        assert!(again.status.success(), "{}", stderr(&again));
        let server = common::Server::start(&["--store", store]);
        let body = server
            .get("/sparql")
            .query(&[("query", q), ("format", "csv")])
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert!(
            body.contains("https://data.example.org/id/person/xi-jinping"),
            "{body}"
        );
        drop(server);
        // ...and refuse another one, saying which to use.
        let wrong = run(&[
            "query",
            "--store",
            store,
            "--base-iri",
            "http://127.0.0.1:8080/",
            q,
        ]);
        assert!(!wrong.status.success());
        assert!(
            stderr(&wrong).contains("pass --base-iri https://data.example.org/"),
            "{}",
            stderr(&wrong)
        );
    }
}
