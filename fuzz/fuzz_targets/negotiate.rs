//! Content negotiation on arbitrary `Accept` headers.
//!
//! The input is split on `\n` into one or more `Accept` header lines (a client
//! may send several; `negotiate` joins them). Inputs with a line that is not
//! a valid header value are skipped: hyper would have refused the request.
//!
//! For every offer list the server really uses, it checks:
//! - a chosen type is one of the offers (never something from the header);
//! - the only error is 406 Not Acceptable, listing exactly the offers;
//! - the choice is an acceptable offer: offered alone, it is chosen too;
//! - a 406 only when no offer is acceptable on its own (and the reverse);
//! - the answer does not depend on anything but its inputs (same twice);
//! - for `/id/` and `/data/`, a chosen RDF type has a `DocFormat`.
#![no_main]

use std::sync::OnceLock;

use axum::http::header::ACCEPT;
use axum::http::{HeaderMap, HeaderValue};
use dialogue_graph::Error;
use dialogue_graph::formats::Format;
use dialogue_graph::entity::DocFormat;
use dialogue_graph::negotiate::negotiate;
use dialogue_graph::sparql::{GRAPH_FORMATS, RESULT_FORMATS, media_types};
use libfuzzer_sys::fuzz_target;

// Copies of private offer lists of the routes (src/server/*.rs); keep them in
// step. They would be better taken from the crate once they are public.
/// `server::resource::ENTITY_TYPES` (`/id/` redirects); the same list as
/// `server::sparql::DESCRIPTION_TYPES` (`GET /sparql` without a query).
const ENTITY_TYPES: &[&str] = &[
    "text/html",
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
    "application/rdf+xml",
];
/// `server::void::TYPES` (`/.well-known/void`).
const VOID_TYPES: &[&str] = &[
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
    "application/rdf+xml",
    "text/html",
];
/// `server::ontology::TYPES`.
const ONTOLOGY_TYPES: &[&str] = &["text/html", "text/turtle"];
/// The list of `server::resource::not_found` (a 404 as text or as a page).
const ERROR_TYPES: &[&str] = &["text/plain", "text/html"];

fn offer_lists() -> &'static [&'static [&'static str]] {
    static LISTS: OnceLock<Vec<&'static [&'static str]>> = OnceLock::new();
    LISTS.get_or_init(|| {
        // The data documents' formats, as `DocFormat` lists them.
        let documents: &'static [&'static str] = DocFormat::ALL
            .iter()
            .map(|f| f.media_type())
            .collect::<Vec<_>>()
            .leak();
        let leak = |formats: &[Format]| -> &'static [&'static str] { media_types(formats).leak() };
        // `server::sparql::prefers_html`: every result format, then HTML.
        let prefers_html: Vec<Format> = RESULT_FORMATS
            .iter()
            .chain(GRAPH_FORMATS)
            .copied()
            .chain([Format::Html])
            .collect();
        vec![
            leak(RESULT_FORMATS),
            leak(GRAPH_FORMATS),
            leak(&prefers_html),
            documents,
            ENTITY_TYPES,
            &ENTITY_TYPES[1..],
            VOID_TYPES,
            ONTOLOGY_TYPES,
            ERROR_TYPES,
        ]
    })
}

fuzz_target!(|data: &[u8]| {
    let mut headers = HeaderMap::new();
    for line in data.split(|b| *b == b'\n') {
        let Ok(value) = HeaderValue::from_bytes(line) else {
            return;
        };
        headers.append(ACCEPT, value);
    }

    for &offers in offer_lists() {
        let outcome = negotiate(&headers, offers);
        let acceptable: Vec<&'static str> = offers
            .iter()
            .copied()
            .filter(|offer| {
                let alone = negotiate(&headers, std::slice::from_ref(offer));
                match alone {
                    Ok(chosen) => {
                        assert_eq!(chosen, *offer, "offered alone, another type came back");
                        true
                    }
                    Err(Error::NotAcceptable { .. }) => false,
                    Err(e) => panic!("unexpected error for a single offer: {e:?}"),
                }
            })
            .collect();
        match &outcome {
            Ok(chosen) => {
                assert!(
                    offers.contains(chosen),
                    "{chosen:?} is not among the offers {offers:?}"
                );
                assert!(
                    acceptable.contains(chosen),
                    "{chosen:?} was chosen but is not acceptable on its own"
                );
                // `/data/` and `/id/` turn a negotiated RDF type into a document
                // format, falling back to Turtle if it has none: it always has.
                if (offers == ENTITY_TYPES || offers == &ENTITY_TYPES[1..])
                    && *chosen != "text/html"
                {
                    assert!(
                        DocFormat::from_media_type(chosen).is_some(),
                        "{chosen:?} has no document format"
                    );
                }
            }
            Err(Error::NotAcceptable { offered, .. }) => {
                assert_eq!(offered.as_slice(), offers, "a 406 must list the offers");
                assert!(
                    acceptable.is_empty(),
                    "406 although {acceptable:?} are acceptable on their own"
                );
            }
            Err(e) => panic!("unexpected error: {e:?}"),
        }
        let again = negotiate(&headers, offers);
        assert_eq!(
            outcome.as_ref().ok(),
            again.as_ref().ok(),
            "the same request got different answers"
        );
    }
});
