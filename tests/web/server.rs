//! `serve` from the outside: a real process on a loopback port, asked over HTTP.

use crate::common::Server;

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

#[test]
fn health_readiness_and_security_headers() {
    let server = Server::start(&[]);
    assert_eq!(
        server.get("/healthz").send().unwrap().text().unwrap(),
        "ok\n"
    );
    assert_eq!(server.get("/readyz").send().unwrap().status(), 200);
    let page = server.get("/page/person/xi-jinping").send().unwrap();
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    assert!(page.headers().contains_key("referrer-policy"));
    // Each response carries a request id, the caller's if it sent one.
    assert!(page.headers().contains_key("x-request-id"));
    let mine = server
        .get("/healthz")
        .header("x-request-id", "trace-me-42")
        .send()
        .unwrap();
    assert_eq!(mine.headers()["x-request-id"], "trace-me-42");
    // No inline scripts in the pages: everything executable is a file.
    let editor = server
        .get("/sparql")
        .header("Accept", "text/html")
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        !editor.contains("<script>"),
        "an inline script would be blocked by the CSP"
    );
}

#[test]
fn a_client_over_its_rate_limit_gets_429_with_retry_after() {
    let server = Server::start(&["--rate-limit", "1", "--rate-burst", "3"]);
    let statuses: Vec<_> = (0..6)
        .map(|_| server.get("/healthz").send().unwrap())
        .map(|r| (r.status().as_u16(), r.headers().get("retry-after").cloned()))
        .collect();
    assert!(statuses[..3].iter().all(|(s, _)| *s == 200), "{statuses:?}");
    let limited: Vec<_> = statuses.iter().filter(|(s, _)| *s == 429).collect();
    assert!(!limited.is_empty(), "{statuses:?}");
    assert!(
        limited.iter().all(|(_, retry)| retry.is_some()),
        "{statuses:?}"
    );
    // Without --rate-limit there is no limit.
    let free = Server::start(&[]);
    assert!((0..30).all(|_| free.get("/healthz").send().unwrap().status() == 200));
}
