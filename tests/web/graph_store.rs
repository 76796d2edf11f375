//! The SPARQL 1.1 Graph Store Protocol at `/store`, as a user tries it:
//! reads with plain HTTP (rdflib's reads are in tests/web/clients.rs), writes
//! with curl and the update token. In front of a remote engine (the suite
//! runs against both under tests/run.sh) reads work the same and writes are
//! refused.

use crate::common;

use std::process::Command;

use crate::common::Server;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphNameRef, NamedNodeRef};

const TOKEN: &str = "graph-store-test-token";

fn triples(body: &str, format: RdfFormat) -> usize {
    let mut count = 0;
    for quad in RdfParser::from_format(format).for_slice(body.as_bytes()) {
        quad.expect("the answer parses");
        count += 1;
    }
    count
}

fn graph_param(server: &Server, name: &str) -> String {
    let iri = format!("{}/graph/{name}", server_base(server));
    form_urlencoded::Serializer::new(String::new())
        .append_pair("graph", &iri)
        .finish()
}

/// The base IRI the server mints under: its own address (against an
/// engine too, whose graphs are loaded under it).
fn server_base(server: &Server) -> String {
    server.url.clone()
}

#[test]
fn a_named_graph_reads_whole_in_every_format() {
    let server = Server::start(&[]);
    let base = server_base(&server);
    let data = dialogue_graph::Dataset::from_sources(
        &common::sources(),
        &dialogue_graph::BaseIri::parse(&format!("{base}/")).unwrap(),
    )
    .unwrap();
    let facts = format!("{base}/graph/facts");
    let expected = data
        .quads_for_pattern(
            None,
            None,
            None,
            Some(GraphNameRef::NamedNode(NamedNodeRef::new(&facts).unwrap())),
        )
        .count();
    assert!(expected > 100);
    let query = graph_param(&server, "facts");
    for (accept, format) in [
        ("text/turtle", RdfFormat::Turtle),
        ("application/n-triples", RdfFormat::NTriples),
        ("application/rdf+xml", RdfFormat::RdfXml),
        ("text/plain", RdfFormat::NTriples),
    ] {
        let response = server
            .get(&format!("/store?{query}"))
            .header("Accept", accept)
            .send()
            .unwrap();
        assert_eq!(response.status(), 200, "{accept}");
        let body = response.text().unwrap();
        assert_eq!(triples(&body, format), expected, "{accept}");
    }
    // `?format=` names the format too; HEAD answers the same head, no body.
    let turtle = server
        .get(&format!("/store?{query}&format=ttl"))
        .send()
        .unwrap();
    assert_eq!(
        turtle.headers()["content-type"],
        "text/turtle; charset=utf-8"
    );
    let head = reqwest::blocking::Client::new()
        .head(format!("{}/store?{query}", server.url))
        .send()
        .unwrap();
    assert_eq!(head.status(), 200);
    assert!(head.headers().contains_key("etag"));
    assert_eq!(head.text().unwrap(), "");
}

#[test]
fn the_default_graph_is_the_union_and_the_dataset_keeps_its_graphs() {
    let server = Server::start(&[]);
    let union = server
        .get("/store?default")
        .header("Accept", "application/n-triples")
        .send()
        .unwrap();
    assert_eq!(union.status(), 200);
    let union = union.text().unwrap();
    let facts = server
        .get(&format!("/store?{}", graph_param(&server, "facts")))
        .header("Accept", "application/n-triples")
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(triples(&union, RdfFormat::NTriples) > triples(&facts, RdfFormat::NTriples));
    let dataset = server
        .get("/store")
        .header("Accept", "application/n-quads")
        .send()
        .unwrap()
        .text()
        .unwrap();
    let graphs: std::collections::BTreeSet<String> = RdfParser::from_format(RdfFormat::NQuads)
        .for_slice(dataset.as_bytes())
        .map(|q| q.unwrap().graph_name.to_string())
        .collect();
    for name in ["facts", "evidence", "background"] {
        let graph = format!("<{}/graph/{name}>", server_base(&server));
        assert!(graphs.contains(&graph), "{graph} not in {graphs:?}");
    }
}

#[test]
fn wrong_requests_say_what_is_wrong() {
    let server = Server::start(&[]);
    let unknown = server
        .get("/store?graph=http%3A%2F%2Fexample.org%2Fnone")
        .send()
        .unwrap();
    assert_eq!(unknown.status(), 404);
    let text = unknown.text().unwrap();
    assert!(
        text.contains("no graph <http://example.org/none> "),
        "{text}"
    );
    let both = server
        .get(&format!("/store?default&{}", graph_param(&server, "facts")))
        .send()
        .unwrap();
    assert_eq!(both.status(), 400);
    let relative = server.get("/store?graph=facts").send().unwrap();
    assert_eq!(relative.status(), 400);
    assert!(relative.text().unwrap().contains("not an absolute IRI"));
    let image = server
        .get("/store?default")
        .header("Accept", "image/png")
        .send()
        .unwrap();
    assert_eq!(image.status(), 406);
    // Read-only by default, as SPARQL Update is.
    let put = reqwest::blocking::Client::new()
        .put(format!("{}/store?graph=http%3A%2F%2Fx%2Fg", server.url))
        .header("Content-Type", "text/turtle")
        .body("<http://x/s> <http://x/p> <http://x/o> .")
        .send()
        .unwrap();
    assert_eq!(put.status(), 403);
    assert!(put.text().unwrap().contains("--update-token"));
}

/// curl as a user types it, with the token; returns (status, body).
fn curl(server: &Server, method: &str, query: &str, body: Option<(&str, &str)>) -> (u16, String) {
    let mut command = Command::new("curl");
    command
        .args(["-sS", "-X", method, "-w", "\n%{http_code}"])
        .args(["-H", &format!("Authorization: Bearer {TOKEN}")]);
    if let Some((content_type, text)) = body {
        command
            .args(["-H", &format!("Content-Type: {content_type}")])
            .args(["--data-binary", text]);
    }
    let out = command
        .arg(format!("{}/store?{query}", server.url))
        .output()
        .expect("curl runs (tests/run.sh installs it with the other tools)");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, status) = text.rsplit_once('\n').unwrap_or(("", "0"));
    (status.trim().parse().unwrap_or(0), body.to_owned())
}

fn count_in(server: &Server, graph: &str) -> usize {
    let query = format!("SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}");
    let response = server
        .get("/sparql")
        .query(&[("query", query.as_str())])
        .header("Accept", "text/csv")
        .send()
        .unwrap()
        .text()
        .unwrap();
    response.lines().nth(1).unwrap().trim().parse().unwrap()
}

#[test]
fn writes_with_the_token_replace_add_and_drop_a_graph() {
    let server = Server::start(&["--update-token", TOKEN]);
    let graph = "http://example.org/graph/notes";
    let query = format!("graph={}", percent_encode(graph));
    let two = "<http://example.org/a> <http://example.org/p> \"one\" , \"two\" .";
    if common::engines::engine().is_some() {
        let (status, body) = curl(&server, "PUT", &query, Some(("text/turtle", two)));
        assert_eq!(status, 403, "{body}");
        assert!(body.contains("SPARQL engine"), "{body}");
        return;
    }
    let (status, body) = curl(&server, "PUT", &query, Some(("text/turtle", two)));
    assert_eq!(status, 201, "{body}");
    assert_eq!(count_in(&server, graph), 2);
    let (status, _) = curl(
        &server,
        "POST",
        &query,
        Some((
            "application/n-triples",
            "<http://example.org/a> <http://example.org/p> \"three\" .\n",
        )),
    );
    assert_eq!(status, 204);
    assert_eq!(count_in(&server, graph), 3);
    // A broken body names where it breaks and changes nothing.
    let (status, body) = curl(
        &server,
        "PUT",
        &query,
        Some(("text/turtle", "<http://x/a> <http://x/p> .")),
    );
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("line 1"), "{body}");
    assert_eq!(count_in(&server, graph), 3);
    // An unknown body type is 415, and the graph stays.
    let (status, _) = curl(&server, "PUT", &query, Some(("image/png", "x")));
    assert_eq!(status, 415);
    let (status, _) = curl(&server, "PUT", &query, Some(("text/turtle", two)));
    assert_eq!(status, 204);
    assert_eq!(count_in(&server, graph), 2);
    // The new graph reads back through the protocol itself.
    let read = server.get(&format!("/store?{query}")).send().unwrap();
    assert_eq!(triples(&read.text().unwrap(), RdfFormat::Turtle), 2);
    let (status, _) = curl(&server, "DELETE", &query, None);
    assert_eq!(status, 204);
    assert_eq!(count_in(&server, graph), 0);
    let (status, body) = curl(&server, "DELETE", &query, None);
    assert_eq!(status, 404, "{body}");
    // The default graph is the union: it cannot be replaced or dropped.
    let (status, body) = curl(&server, "PUT", "default", Some(("text/turtle", two)));
    assert_eq!(status, 400);
    assert!(body.contains("union"), "{body}");
    // Without the token: 401, nothing written.
    let anonymous = reqwest::blocking::Client::new()
        .put(format!("{}/store?{query}", server.url))
        .header("Content-Type", "text/turtle")
        .body(two)
        .send()
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(count_in(&server, graph), 0);
}

fn percent_encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[test]
fn the_service_description_points_at_the_graph_store() {
    let server = Server::start(&[]);
    let description = server
        .get("/sparql")
        .header("Accept", "application/n-triples")
        .send()
        .unwrap()
        .text()
        .unwrap();
    let store = format!("<{}/store>", server.url);
    assert!(
        description.lines().any(|l| l.contains(&store)
            && l.contains("<http://purl.org/dc/terms/conformsTo>")
            && l.contains("<http://www.w3.org/TR/sparql11-http-rdf-update/>")),
        "{description}"
    );
    assert!(
        description
            .lines()
            .any(|l| l.contains("rdf-schema#seeAlso") && l.ends_with(&format!("{store} ."))),
        "{description}"
    );
}
