//! `serve` from the outside: a real process on a loopback port, asked over HTTP.

mod common;

use common::Server;

#[test]
fn serves_the_graph_with_iris_of_its_own_address() {
    let server = Server::start(&[]);
    let home = server.get("/").send().unwrap();
    assert_eq!(home.status(), 200);
    assert!(home.text().unwrap().contains("/sparql"));

    let response = server
        .get("/sparql")
        .query(&[("query", "SELECT ?p WHERE { ?p a schema:Person }")])
        .header("Accept", "application/sparql-results+json")
        .send()
        .unwrap();
    assert_eq!(response.status(), 200);
    let json: serde_json::Value = response.json().unwrap();
    assert_eq!(
        json["results"]["bindings"][0]["p"]["value"],
        format!("{}/id/person/xi-jinping", server.url)
    );
}

#[test]
fn base_iri_flag_mints_public_iris() {
    let server = Server::start(&["--base-iri", "https://data.example.org/"]);
    let body = server
        .get("/sparql")
        .query(&[
            ("query", "SELECT ?p WHERE { ?p a schema:Person }"),
            ("format", "csv"),
        ])
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        body.contains("https://data.example.org/id/person/xi-jinping"),
        "{body}"
    );
}

#[test]
fn a_bad_query_is_a_400_with_the_parser_message() {
    let server = Server::start(&[]);
    let response = server
        .get("/sparql")
        .query(&[("query", "SELECT ?x WHERE { ?x ?p }")])
        .send()
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.text().unwrap().contains("SPARQL syntax error"));
}
