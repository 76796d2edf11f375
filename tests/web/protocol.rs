//! The SPARQL 1.1 Protocol over a real HTTP server: one test per case of the
//! W3C protocol test suite (names follow its manifest), written here, plus the
//! endpoint's own promises (406, 405, limits, CORS, read-only by default).

use crate::common;

use std::time::{Duration, Instant};

use crate::common::Server;
use reqwest::StatusCode;
use reqwest::blocking::{Client, Response};

const ASK_TRUE: &str = "ASK { ?meeting schema:startDate ?d }";
const SELECT_TOPICS: &str = "SELECT ?t WHERE { ?t skos:inScheme ?s }";
const FACTS: &str = "graph/facts";
const LINKS: &str = "graph/links";

fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

fn graph(server: &Server, name: &str) -> String {
    format!("{}/{name}", server.url)
}

fn sparql(server: &Server) -> String {
    format!("{}/sparql", server.url)
}

fn json(response: Response) -> serde_json::Value {
    assert_eq!(response.status(), 200, "{:?}", response.headers());
    response.json().unwrap()
}

fn count(value: &serde_json::Value) -> usize {
    value["results"]["bindings"].as_array().unwrap().len()
}

/// GET /sparql with these parameters, asking for SPARQL JSON results.
fn get_json(server: &Server, params: &[(&str, &str)]) -> serde_json::Value {
    json(
        server
            .get("/sparql")
            .query(params)
            .header("Accept", "application/sparql-results+json")
            .send()
            .unwrap(),
    )
}

fn form(server: &Server, pairs: &[(&str, &str)]) -> Response {
    client()
        .post(sparql(server))
        .header("Accept", "application/sparql-results+json")
        .form(pairs)
        .send()
        .unwrap()
}

// ---- queries ---------------------------------------------------------------

#[test]
fn query_get() {
    let server = common::shared();
    let body = get_json(server, &[("query", ASK_TRUE)]);
    assert_eq!(body["boolean"], true);
}

#[test]
fn query_post_form() {
    let server = common::shared();
    assert_eq!(json(form(server, &[("query", ASK_TRUE)]))["boolean"], true);
}

#[test]
fn query_post_direct() {
    let server = common::shared();
    let response = client()
        .post(sparql(server))
        .header("Content-Type", "application/sparql-query")
        .header("Accept", "application/sparql-results+json")
        .body(ASK_TRUE)
        .send()
        .unwrap();
    assert_eq!(json(response)["boolean"], true);
}

/// How a query's dataset is given: GET parameters or a POSTed form.
#[derive(Clone, Copy, Debug)]
enum Sent {
    Get,
    Form,
}

/// A row of [`query_dataset_table`]: its name, the query, the default and
/// named graphs, how it is sent, and how many rows it gives.
type DatasetRow<'a> = (&'a str, &'a str, &'a [&'a str], &'a [&'a str], Sent, usize);

/// The dataset of the SPARQL protocol, row by row: the query (`{facts}` and
/// `{links}` stand for the two graphs' IRIs), its `default-graph-uri` and
/// `named-graph-uri` values, how it is sent, and how many rows it gives.
#[test]
fn query_dataset_table() {
    let server = common::shared();
    let (facts, links) = (graph(server, FACTS), graph(server, LINKS));
    let dates = "SELECT ?s WHERE { ?s schema:startDate ?d }";
    let dates_or_links = "SELECT ?s ?o WHERE { ?s schema:startDate|schema:sameAs ?o }";
    let graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }";
    let full = "SELECT ?g ?o WHERE { { ?s schema:startDate ?o } UNION { GRAPH ?g { ?x schema:sameAs ?o } } }";
    let from_links = "SELECT ?s FROM <{links}> WHERE { ?s schema:startDate ?d }";
    #[rustfmt::skip]
    let rows: &[DatasetRow] = &[
        ("the facts graph as default", dates, &["{facts}"], &[], Sent::Get, 1),
        ("the links graph as default", dates, &["{links}"], &[], Sent::Get, 0),
        ("two default graphs (GET)", dates_or_links, &["{facts}", "{links}"], &[], Sent::Get, 1 + 7),
        ("two default graphs (POST)", dates_or_links, &["{facts}", "{links}"], &[], Sent::Form, 1 + 7),
        ("two named graphs (POST)", graphs, &[], &["{facts}", "{links}"], Sent::Form, 2),
        ("one named graph (GET)", graphs, &[], &["{facts}"], Sent::Get, 1),
        ("a default and a named graph", full, &["{facts}"], &["{links}"], Sent::Form, 1 + 7),
        ("FROM in the query alone", from_links, &[], &[], Sent::Form, 0),
        ("default-graph-uri wins over FROM", from_links, &["{facts}"], &[], Sent::Form, 1),
        ("no dataset: the union of all graphs", dates, &[], &[], Sent::Form, 1),
    ];
    let fill = |text: &str| text.replace("{facts}", &facts).replace("{links}", &links);
    for (name, query, default_graphs, named_graphs, sent, expected) in rows {
        let mut params = vec![("query", fill(query))];
        params.extend(
            default_graphs
                .iter()
                .map(|g| ("default-graph-uri", fill(g))),
        );
        params.extend(named_graphs.iter().map(|g| ("named-graph-uri", fill(g))));
        let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let answer = match sent {
            Sent::Get => get_json(server, &pairs),
            Sent::Form => json(form(server, &pairs)),
        };
        assert_eq!(count(&answer), *expected, "{name} ({sent:?})");
        if *name == "one named graph (GET)" {
            assert_eq!(
                answer["results"]["bindings"][0]["g"]["value"], facts,
                "{name}"
            );
        }
    }
}

#[test]
fn query_content_type_select() {
    let server = common::shared();
    for (accept, expected) in [
        (
            "application/sparql-results+json",
            "application/sparql-results+json",
        ),
        (
            "application/sparql-results+xml",
            "application/sparql-results+xml",
        ),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        // Aliases get the registered type of the format they stand for.
        ("application/json", "application/sparql-results+json"),
        ("text/xml", "application/sparql-results+xml"),
        ("text/plain", "text/csv"),
        (
            "application/sparql-results+json; charset=utf-8",
            "application/sparql-results+json",
        ),
    ] {
        let r = server
            .get("/sparql")
            .query(&[("query", SELECT_TOPICS)])
            .header("Accept", accept)
            .send()
            .unwrap();
        assert_eq!(r.status(), 200);
        let ct = r.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(ct.starts_with(expected), "{accept} gave {ct}");
        assert_eq!(r.headers()["vary"], "Accept");
    }
}

#[test]
fn query_content_type_ask() {
    let server = common::shared();
    let r = server
        .get("/sparql")
        .query(&[("query", ASK_TRUE)])
        .header("Accept", "application/sparql-results+xml")
        .send()
        .unwrap();
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/sparql-results+xml")
    );
    assert!(r.text().unwrap().contains("<boolean>true</boolean>"));
}

#[test]
fn query_content_type_describe() {
    let server = common::shared();
    let q = format!("DESCRIBE <{}/id/person/xi-jinping>", server.url);
    let r = server
        .get("/sparql")
        .query(&[("query", q.as_str())])
        .header("Accept", "text/turtle")
        .send()
        .unwrap();
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/turtle")
    );
    assert!(r.text().unwrap().contains("Xi Jinping"));
}

#[test]
fn query_content_type_construct() {
    let server = common::shared();
    let q = "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a schema:Person ; rdfs:label ?l }";
    for (accept, expected) in [
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/n-quads", "application/n-quads"),
        ("application/trig", "application/trig"),
        (
            "text/turtle;q=0.5, application/ld+json",
            "application/ld+json",
        ),
    ] {
        let r = server
            .get("/sparql")
            .query(&[("query", q)])
            .header("Accept", accept)
            .send()
            .unwrap();
        assert_eq!(r.status(), 200, "{accept}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(expected),
            "{accept}"
        );
        assert!(r.text().unwrap().contains("习近平"));
    }
}

#[test]
fn format_parameter_overrides_accept() {
    let server = common::shared();
    let r = server
        .get("/sparql")
        .query(&[("query", SELECT_TOPICS), ("format", "csv")])
        .header("Accept", "application/sparql-results+xml")
        .send()
        .unwrap();
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(r.text().unwrap().starts_with("t\r\n"));
}

// ---- updates ---------------------------------------------------------------

const TOKEN: &str = "a-long-test-token-0123456789";

fn update(server: &Server, token: Option<&str>, body: &str) -> Response {
    let mut request = client()
        .post(sparql(server))
        .header("Content-Type", "application/sparql-update")
        .body(body.to_owned());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().unwrap()
}

fn has_note(server: &Server) -> bool {
    get_json(server, &[("query", "ASK { <urn:x:note> rdfs:comment ?c }")])["boolean"] == true
}

#[test]
fn update_post_direct() {
    if common::engines::embedded_only(
        "its update writes to the engine's default graph, outside the graphs this server serves (tests/ops/remote.rs checks forwarding)",
    ) {
        return;
    }
    let server = Server::start(&["--update-token", TOKEN]);
    let r = update(
        &server,
        Some(TOKEN),
        "INSERT DATA { <urn:x:note> rdfs:comment \"added\" }",
    );
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(has_note(&server));
}

#[test]
fn update_post_form() {
    if common::engines::embedded_only(
        "its update writes to the engine's default graph, outside the graphs this server serves (tests/ops/remote.rs checks forwarding)",
    ) {
        return;
    }
    let server = Server::start(&["--update-token", TOKEN]);
    let r = client()
        .post(sparql(&server))
        .bearer_auth(TOKEN)
        .form(&[(
            "update",
            "INSERT DATA { <urn:x:note> rdfs:comment \"added\" }",
        )])
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(has_note(&server));
}

#[test]
fn update_dataset_default_graph() {
    if common::engines::embedded_only(
        "its update writes to the engine's default graph, outside the graphs this server serves (tests/ops/remote.rs checks forwarding)",
    ) {
        return;
    }
    let server = Server::start(&["--update-token", TOKEN]);
    let links = graph(&server, LINKS);
    // The WHERE of the update sees only the links graph.
    let r = client()
        .post(format!("{}?using-graph-uri={}", sparql(&server), links))
        .header("Content-Type", "application/sparql-update")
        .bearer_auth(TOKEN)
        .body("INSERT { <urn:x:note> rdfs:comment ?d } WHERE { ?s schema:startDate ?d }")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(
        !has_note(&server),
        "the WHERE saw more than the using graph"
    );
}

#[test]
fn update_base_uri() {
    if common::engines::embedded_only(
        "its update writes to the engine's default graph, outside the graphs this server serves (tests/ops/remote.rs checks forwarding)",
    ) {
        return;
    }
    let server = Server::start(&["--update-token", TOKEN]);
    let r = update(
        &server,
        Some(TOKEN),
        "INSERT DATA { <id/person/someone> rdfs:comment \"relative\" }",
    );
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let q = format!(
        "ASK {{ <{}/id/person/someone> rdfs:comment \"relative\" }}",
        server.url
    );
    assert_eq!(get_json(&server, &[("query", q.as_str())])["boolean"], true);
}

#[test]
fn updates_are_refused_without_the_token() {
    let read_only = Server::start(&[]);
    let r = update(
        &read_only,
        Some(TOKEN),
        "INSERT DATA { <urn:x:note> rdfs:comment \"x\" }",
    );
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().unwrap().contains("--update-token"));
    assert!(!has_note(&read_only));

    let guarded = Server::start(&["--update-token", TOKEN]);
    for token in [None, Some("wrong-token-wrong-token")] {
        let r = update(
            &guarded,
            token,
            "INSERT DATA { <urn:x:note> rdfs:comment \"x\" }",
        );
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert!(
            r.headers()["www-authenticate"]
                .to_str()
                .unwrap()
                .starts_with("Bearer")
        );
    }
    assert!(!has_note(&guarded));
}

// ---- bad requests ------------------------------------------------------------

#[test]
fn bad_query_method() {
    let server = common::shared();
    let r = client().put(sparql(server)).body(ASK_TRUE).send().unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    let allow = r.headers()["allow"].to_str().unwrap().to_owned();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
}

#[test]
fn bad_multiple_queries() {
    let server = common::shared();
    let r = server
        .get("/sparql")
        .query(&[("query", ASK_TRUE), ("query", ASK_TRUE)])
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[test]
fn bad_query_wrong_media_type() {
    let server = common::shared();
    let r = client()
        .post(sparql(server))
        .header("Content-Type", "text/plain")
        .body(ASK_TRUE)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[test]
fn bad_query_missing_form_type() {
    let server = common::shared();
    let r = client()
        .post(sparql(server))
        .body(format!("query={ASK_TRUE}"))
        .send()
        .unwrap();
    assert!(r.status().is_client_error());
}

#[test]
fn bad_query_missing_direct_type() {
    let server = common::shared();
    let r = client().post(sparql(server)).body(ASK_TRUE).send().unwrap();
    assert!(r.status().is_client_error());
}

#[test]
fn bad_query_non_utf8() {
    let server = common::shared();
    let r = client()
        .post(sparql(server))
        .header("Content-Type", "application/sparql-query")
        .body(b"ASK { ?s ?p \"\xff\xfe\" }".to_vec())
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = client()
        .post(sparql(server))
        .header(
            "Content-Type",
            "application/sparql-query; charset=ISO-8859-1",
        )
        .body(ASK_TRUE)
        .send()
        .unwrap();
    assert!(r.status().is_client_error());
    let r = server
        .get("/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%22%FF%22%20%7D")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[test]
fn bad_query_syntax() {
    let server = common::shared();
    let r = server
        .get("/sparql")
        .query(&[("query", "SELECT * WHERE { ?s ?p ?o ")])
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let text = r.text().unwrap();
    assert!(
        text.contains("SPARQL syntax error") && text.contains("at 1:"),
        "{text}"
    );
}

#[test]
fn bad_update_get() {
    let server = Server::start(&["--update-token", TOKEN]);
    let r = server
        .get("/sparql")
        .query(&[("update", "CLEAR ALL")])
        .bearer_auth(TOKEN)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(has_facts(&server));
}

fn has_facts(server: &Server) -> bool {
    get_json(server, &[("query", ASK_TRUE)])["boolean"] == true
}

#[test]
fn bad_multiple_updates() {
    let server = Server::start(&["--update-token", TOKEN]);
    let r = client()
        .post(sparql(&server))
        .bearer_auth(TOKEN)
        .form(&[("update", "CLEAR ALL"), ("update", "CLEAR ALL")])
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(has_facts(&server));
}

#[test]
fn bad_update_wrong_media_type() {
    let server = Server::start(&["--update-token", TOKEN]);
    let r = client()
        .post(sparql(&server))
        .bearer_auth(TOKEN)
        .header("Content-Type", "text/plain")
        .body("CLEAR ALL")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(has_facts(&server));
}

#[test]
fn bad_update_missing_form_type() {
    let server = Server::start(&["--update-token", TOKEN]);
    let r = client()
        .post(sparql(&server))
        .bearer_auth(TOKEN)
        .body("update=CLEAR%20ALL")
        .send()
        .unwrap();
    assert!(r.status().is_client_error());
    assert!(has_facts(&server));
}

#[test]
fn bad_update_non_utf8() {
    let server = Server::start(&["--update-token", TOKEN]);
    let r = client()
        .post(sparql(&server))
        .bearer_auth(TOKEN)
        .header("Content-Type", "application/sparql-update")
        .body(b"INSERT DATA { <urn:x:a> <urn:x:b> \"\xff\" }".to_vec())
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[test]
fn bad_update_syntax() {
    let server = Server::start(&["--update-token", TOKEN]);
    let r = update(&server, Some(TOKEN), "INSERT DATA { <urn:x:a> }");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().unwrap().contains("SPARQL syntax error"));
}

#[test]
fn bad_update_dataset_conflict() {
    let server = Server::start(&["--update-token", TOKEN]);
    let links = graph(&server, LINKS);
    let r = client()
        .post(format!("{}?using-graph-uri={}", sparql(&server), links))
        .header("Content-Type", "application/sparql-update")
        .bearer_auth(TOKEN)
        .body(format!(
            "DELETE {{ ?s ?p ?o }} USING <{links}> WHERE {{ ?s ?p ?o }}"
        ))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(has_facts(&server));
}

// ---- the endpoint's own promises -------------------------------------------

#[test]
fn query_and_update_together_are_refused() {
    let server = Server::start(&["--update-token", TOKEN]);
    let r = client()
        .post(sparql(&server))
        .bearer_auth(TOKEN)
        .form(&[("query", ASK_TRUE), ("update", "CLEAR ALL")])
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(has_facts(&server));
}

#[test]
fn unacceptable_accept_is_406_listing_the_offer() {
    let server = common::shared();
    let r = server
        .get("/sparql")
        .query(&[("query", SELECT_TOPICS)])
        .header("Accept", "image/png")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_ACCEPTABLE);
    let text = r.text().unwrap();
    assert!(
        text.contains("application/sparql-results+json") && text.contains("text/csv"),
        "{text}"
    );
}

#[test]
fn service_federation_is_off_by_default() {
    let server = common::shared();
    let r = server
        .get("/sparql")
        .query(&[(
            "query",
            "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        )])
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().unwrap().contains("SERVICE federation is disabled"));
}

#[test]
fn deeply_nested_query_is_refused_and_the_server_lives() {
    let server = common::shared();
    let deep = format!(
        "ASK {{ FILTER({}1{}) }}",
        "(".repeat(20_000),
        ")".repeat(20_000)
    );
    let r = form(server, &[("query", &deep)]);
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().unwrap().contains("nested"));
    assert!(has_facts(server));
}

#[test]
fn row_cap_is_announced_not_silent() {
    let server = Server::start(&["--max-rows", "5"]);
    let r = server
        .get("/sparql")
        .query(&[("query", "SELECT * WHERE { ?s ?p ?o }")])
        .header("Accept", "application/sparql-results+json")
        .send()
        .unwrap();
    assert_eq!(r.headers()["sparql-result-limit"], "5");
    assert_eq!(r.headers()["sparql-result-truncated"], "true");
    assert_eq!(count(&r.json().unwrap()), 5);
    let small = server
        .get("/sparql")
        .query(&[("query", "SELECT ?t WHERE { ?t skos:inScheme ?s } LIMIT 5")])
        .header("Accept", "application/sparql-results+json")
        .send()
        .unwrap();
    assert!(small.headers().get("sparql-result-truncated").is_none());
}

#[test]
fn request_body_limit_holds() {
    let server = Server::start(&["--max-body-bytes", "1000"]);
    let big = format!("ASK {{ ?s ?p \"{}\" }}", "x".repeat(5000));
    let r = client()
        .post(sparql(&server))
        .header("Content-Type", "application/sparql-query")
        .body(big)
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[test]
fn cors_preflight_and_response_headers() {
    let server = common::shared();
    let preflight = client()
        .request(reqwest::Method::OPTIONS, sparql(server))
        .header("Origin", "https://notebook.example")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type")
        .send()
        .unwrap();
    assert!(preflight.status().is_success());
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
    assert!(
        preflight.headers()["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains("POST")
    );
    let r = server
        .get("/sparql")
        .query(&[("query", ASK_TRUE)])
        .header("Origin", "https://notebook.example")
        .send()
        .unwrap();
    assert_eq!(r.headers()["access-control-allow-origin"], "*");
}

#[test]
fn expensive_query_times_out_and_others_are_answered_meanwhile() {
    let server = Server::start(&["--query-timeout", "2"]);
    let url = sparql(&server);
    let started = Instant::now();
    let runaway = std::thread::spawn(move || {
        let q = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }";
        let r = client().get(url).query(&[("query", q)]).send().unwrap();
        (r.status(), r.text().unwrap(), started.elapsed())
    });
    std::thread::sleep(Duration::from_millis(300));
    // This server stops its own store's runaway query; a remote engine keeps
    // working on it (Virtuoso until its own MaxQueryExecutionTime) and
    // answers others as it schedules them: checked only here.
    let remote = common::engines::engine().is_some();
    for _ in 0..5 {
        if remote {
            break;
        }
        let asked = Instant::now();
        assert!(has_facts(&server));
        assert!(
            asked.elapsed() < Duration::from_secs(1),
            "a simple ASK waited {:?}",
            asked.elapsed()
        );
    }
    let (status, text, elapsed) = runaway.join().unwrap();
    if common::engines::engine().is_some() {
        // A gateway's timeout: the engine behind did not answer in time.
        assert_eq!(status, StatusCode::GATEWAY_TIMEOUT, "{text}");
        assert!(text.contains("did not answer in time"), "{text}");
    } else {
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{text}");
        assert!(text.contains("did not finish within 2 s"), "{text}");
    }
    assert!(
        elapsed < Duration::from_secs(4),
        "the timeout answer took {elapsed:?}"
    );
    if remote {
        // The engine answers again once it has given up the runaway query.
        let started = Instant::now();
        while !answers_ask(&server) {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the engine never answered again"
            );
            std::thread::sleep(Duration::from_millis(500));
        }
    } else {
        assert!(has_facts(&server));
    }
}

/// Whether an ASK for any triple gets 200 and `true`.
fn answers_ask(server: &Server) -> bool {
    client()
        .get(sparql(server))
        .query(&[("query", "ASK { ?s ?p ?o }")])
        .header("Accept", "application/sparql-results+json")
        .send()
        .ok()
        .filter(|r| r.status() == 200)
        .and_then(|r| r.text().ok())
        .is_some_and(|t| t.contains("true"))
}

#[test]
fn service_description_for_rdf_clients() {
    let server = common::shared();
    let r = server
        .get("/sparql")
        .header("Accept", "text/turtle")
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/turtle")
    );
    let text = r.text().unwrap();
    let graph: Vec<_> = oxigraph::io::RdfParser::from_format(oxigraph::io::RdfFormat::Turtle)
        .for_slice(text.as_bytes())
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!graph.is_empty());
    assert!(text.contains("UnionDefaultGraph"), "{text}");
    assert!(text.contains(&format!("{}/graph/facts", server.url)));
    assert!(text.contains("SPARQL11Query") && !text.contains("SPARQL11Update"));
}

#[test]
fn browsers_get_the_query_editor_with_the_examples() {
    let server = common::shared();
    let r = server
        .get("/sparql")
        .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .send()
        .unwrap();
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let page = r.text().unwrap();
    assert!(page.contains("/assets/yasgui.min.js"));
    assert!(page.contains("Which topics were discussed"));
    let js = server.get("/assets/yasgui.min.js").send().unwrap();
    assert_eq!(js.status(), 200);
    assert!(js.bytes().unwrap().len() > 100_000);
    let list = server.get("/queries").send().unwrap().text().unwrap();
    assert!(list.matches("Run this query").count() >= 12);
}

#[cfg(feature = "rocksdb")]
#[test]
fn updates_to_a_persistent_store_survive_a_restart() {
    if common::engines::embedded_only("it serves a persistent store of the server's own") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let store_arg = store.to_str().unwrap();
    let load = std::process::Command::new(env!("CARGO_BIN_EXE_dialogue-graph"))
        .current_dir(common::repo())
        .args(["load", "--quiet", "--store", store_arg, "data/facts.ttl"])
        .output()
        .unwrap();
    assert!(
        load.status.success(),
        "{}",
        String::from_utf8_lossy(&load.stderr)
    );
    {
        let server = Server::start(&["--store", store_arg, "--update-token", TOKEN]);
        assert!(has_facts(&server));
        let r = update(
            &server,
            Some(TOKEN),
            "INSERT DATA { <urn:x:note> rdfs:comment \"kept\" }",
        );
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        assert!(has_note(&server));
    } // the server is stopped here
    let restarted = Server::start(&["--store", store_arg]);
    assert!(has_note(&restarted), "the update was lost on restart");
    assert!(has_facts(&restarted));
}

/// The same query on the same data version is answered from the result
/// cache with the same bytes; an update moves the version on, and the next
/// answer sees the new data.
#[test]
fn repeated_queries_come_from_the_result_cache_until_the_data_changes() {
    if common::engines::embedded_only(
        "the data changes by SPARQL Update into the server's own store",
    ) {
        return;
    }
    let token = "result-cache-test-token";
    let server = Server::start(&["--update-token", token]);
    let query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }";
    let ask = || {
        server
            .get("/sparql")
            .query(&[("query", query)])
            .header("Accept", "text/csv")
            .send()
            .unwrap()
            .text()
            .unwrap()
    };
    let first = ask();
    assert_eq!(ask(), first);
    let metrics = server.get("/metrics").send().unwrap().text().unwrap();
    assert!(
        metrics
            .contains("dialogue_graph_cache_lookups_total{cache=\"responses\",result=\"hit\"} 1"),
        "{metrics}"
    );
    // Another format is another entry.
    let json = get_json(&server, &[("query", query)]);
    assert_eq!(count(&json), 1);
    let update = client()
        .post(sparql(&server))
        .bearer_auth(token)
        .form(&[("update", "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> 1 } }")])
        .send()
        .unwrap();
    assert!(update.status().is_success());
    let after = ask();
    assert_ne!(after, first);
    let n = |csv: &str| csv.lines().nth(1).unwrap().trim().parse::<u64>().unwrap();
    assert_eq!(n(&after), n(&first) + 1);
}

/// A client can find which graph holds only what the page states: the
/// Service Description and the editor's introduction name each graph with
/// what the data says of it.
#[test]
fn the_graphs_are_named_with_what_they_hold() {
    let server = common::shared();
    let description = server
        .get("/sparql")
        .header("Accept", "application/n-triples")
        .send()
        .unwrap()
        .text()
        .unwrap();
    let facts_graph = description
        .lines()
        .find(|l| l.contains("/graph/facts>") && l.contains("service-description#name>"))
        .expect("the facts graph is named")
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    assert!(
        description.lines().any(|l| l.starts_with(&facts_graph)
            && l.contains("rdf-schema#label>")
            && l.contains("\"What the page states\"@en")),
        "{description}"
    );
    let editor = server.html("/sparql");
    assert!(editor.contains("/graph/facts</code>"), "{editor}");
    assert!(editor.contains("What the page states"));
}
