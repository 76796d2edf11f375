//! The router driven in-process (tower's `oneshot`), with no listener and no
//! subprocess: what a URL answers with which headers, as a table. The HTTP
//! suites (tests/web/protocol.rs and the rest) keep a real server, since they
//! also run against real engines and real clients.

use crate::common;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use dialogue_graph::example_queries::load_examples;
use dialogue_graph::server::{AppState, Settings, router};
use tower::ServiceExt as _;

/// The application over the source graph, as `serve` builds it.
fn app() -> Router {
    let examples = load_examples(&common::repo().join("queries")).unwrap();
    let state = AppState::new(common::dataset(), Settings::default(), examples);
    router(Arc::new(state))
}

/// One request through the router: its status, headers and body.
async fn answer(app: &Router, uri: &str, accept: &str) -> (StatusCode, HeaderMap, String) {
    let request = Request::get(uri)
        .header(header::ACCEPT, accept)
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 16 << 20).await.unwrap();
    (
        parts.status,
        parts.headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

fn header_of(headers: &HeaderMap, name: header::HeaderName) -> &str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// An entity IRI sends browsers to its page and RDF clients to the document
/// in the format they prefer; the document answers in that format.
#[tokio::test]
async fn an_entity_iri_answers_each_client_in_its_format() {
    let app = app();
    let xi = "/id/person/xi-jinping";
    #[rustfmt::skip]
    let rows: &[(&str, &str, &str)] = &[
        ("text/html,application/xhtml+xml", "/page/person/xi-jinping", "text/html"),
        ("text/turtle", "/data/person/xi-jinping.ttl", "text/turtle"),
        ("application/ld+json", "/data/person/xi-jinping.jsonld", "application/ld+json"),
        ("application/n-triples", "/data/person/xi-jinping.nt", "application/n-triples"),
        ("application/rdf+xml", "/data/person/xi-jinping.rdf", "application/rdf+xml"),
        ("*/*", "/page/person/xi-jinping", "text/html"),
    ];
    for (accept, location, media_type) in rows {
        let (status, headers, _) = answer(&app, xi, accept).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{accept}");
        assert_eq!(header_of(&headers, header::LOCATION), *location, "{accept}");
        assert!(
            header_of(&headers, header::VARY).contains("Accept"),
            "{accept}"
        );
        let (status, headers, body) = answer(&app, location, accept).await;
        assert_eq!(status, StatusCode::OK, "{location}");
        let content_type = header_of(&headers, header::CONTENT_TYPE);
        assert!(
            content_type.starts_with(media_type),
            "{location}: {content_type}"
        );
        assert!(body.contains("xi-jinping"), "{location}");
    }
}

/// What a client gets wrong is a 4xx that says what is wrong; nothing here
/// is a 5xx.
#[tokio::test]
async fn client_mistakes_are_4xx_with_a_reason() {
    let app = app();
    #[rustfmt::skip]
    let rows: &[(&str, &str, StatusCode, &str)] = &[
        ("/id/person/nobody", "text/turtle", StatusCode::NOT_FOUND, "not known"),
        ("/data/person/xi-jinping.ttl?format=jsonld", "*/*", StatusCode::BAD_REQUEST, "different formats"),
        ("/data/person/xi-jinping?format=pdf", "*/*", StatusCode::NOT_ACCEPTABLE, "pdf"),
        ("/sparql?query=SELEC", "application/sparql-results+json", StatusCode::BAD_REQUEST, ""),
        ("/sparql?query=ASK%7B%7D&format=pdf", "*/*", StatusCode::NOT_ACCEPTABLE, "pdf"),
        ("/class/nope:Thing", "text/html", StatusCode::NOT_FOUND, "/class/nope:Thing"),
        ("/fragments?subject=%22unclosed", "text/turtle", StatusCode::BAD_REQUEST, "subject"),
        ("/search?q=x&format=pdf", "*/*", StatusCode::NOT_ACCEPTABLE, "pdf"),
    ];
    for (uri, accept, status, said) in rows {
        let (got, _, body) = answer(&app, uri, accept).await;
        assert_eq!(got, *status, "{uri}: {body}");
        assert!(body.contains(said), "{uri}: {body}");
    }
}

/// The SPARQL endpoint's format names (what SPARQLWrapper and others send as
/// `format=`) pick the result format over Accept.
#[tokio::test]
async fn format_names_pick_the_result_format() {
    let app = app();
    let ask = "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D";
    #[rustfmt::skip]
    let rows: &[(&str, &str)] = &[
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
    ];
    for (name, media_type) in rows {
        let accept = "application/sparql-results+xml;q=0.5, text/csv;q=0.4";
        let (status, headers, _) = answer(&app, &format!("{ask}&format={name}"), accept).await;
        assert_eq!(status, StatusCode::OK, "{name}");
        let content_type = header_of(&headers, header::CONTENT_TYPE);
        assert!(
            content_type.starts_with(media_type),
            "{name}: {content_type}"
        );
    }
}
