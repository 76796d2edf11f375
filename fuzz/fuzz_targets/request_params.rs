//! The SPARQL protocol's parameters (a GET query string or a POSTed form)
//! through `ProtocolRequest::from_urlencoded`, then, like `/sparql`, the
//! query or update they carry through the guarded parser.
//!
//! Invariants:
//! - `from_urlencoded` returns `Ok` or `Err(BadRequest)`, never panics;
//! - it is `Ok` exactly when every parameter decodes (`+` as space, then
//!   percent-decoding) to UTF-8, `query` and `update` are each given at most
//!   once, and not both (its documented rules);
//! - the fields hold the decoded values: the single `query` / `update`, every
//!   `default-graph-uri`, `named-graph-uri`, `using-graph-uri` and
//!   `using-named-graph-uri` in order, and every `format` / `output` / `results` value in order;
//! - re-encoding the parsed request and parsing it again gives the same request;
//! - the query or update then parses (on the server's 2 MiB stack) with only a
//!   syntax error, a `QueryTooDeep`, or for an update a dataset given twice.
#![no_main]

mod common;

use dialogue_graph::Error;
use dialogue_graph::server::endpoint::ProtocolRequest;
use dialogue_graph::sparql::QueryOptions;
use libfuzzer_sys::fuzz_target;
use oxigraph::model::NamedNode;

/// Decodes one side of a `key=value` pair, or `None` if not UTF-8.
fn decode(raw: &[u8]) -> Option<String> {
    let plus_as_space: Vec<u8> = raw
        .iter()
        .map(|b| if *b == b'+' { b' ' } else { *b })
        .collect();
    let bytes: Vec<u8> = percent_encoding::percent_decode(&plus_as_space).collect();
    String::from_utf8(bytes).ok()
}

/// The parameters as the protocol defines them, decoded independently of the
/// crate: `None` if one is not UTF-8.
fn expected_pairs(data: &[u8]) -> Option<Vec<(String, String)>> {
    data.split(|b| *b == b'&')
        .filter(|s| !s.is_empty())
        .map(|segment| {
            let (key, value) = match segment.iter().position(|b| *b == b'=') {
                Some(i) => (&segment[..i], &segment[i + 1..]),
                None => (segment, &[][..]),
            };
            Some((decode(key)?, decode(value)?))
        })
        .collect()
}

fn values<'a>(pairs: &'a [(String, String)], key: &str) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .collect()
}

fn check_fields(request: &ProtocolRequest, pairs: &[(String, String)]) {
    assert_eq!(
        request.query.as_deref(),
        values(pairs, "query").first().copied()
    );
    assert_eq!(
        request.update.as_deref(),
        values(pairs, "update").first().copied()
    );
    assert_eq!(request.default_graphs, values(pairs, "default-graph-uri"));
    assert_eq!(request.named_graphs, values(pairs, "named-graph-uri"));
    assert_eq!(request.using_graphs, values(pairs, "using-graph-uri"));
    assert_eq!(
        request.using_named_graphs,
        values(pairs, "using-named-graph-uri")
    );
    // Every `format`, `output` and `results` value, in the order given.
    let formats: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "format" || k == "output" || k == "results")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(request.formats, formats);
}

fn encode(request: &ProtocolRequest) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    let single = [("query", &request.query), ("update", &request.update)];
    for (key, value) in single {
        if let Some(value) = value {
            form.append_pair(key, value);
        }
    }
    let lists = [
        ("default-graph-uri", &request.default_graphs),
        ("named-graph-uri", &request.named_graphs),
        ("using-graph-uri", &request.using_graphs),
        ("using-named-graph-uri", &request.using_named_graphs),
        ("format", &request.formats),
    ];
    for (key, list) in lists {
        for value in list {
            form.append_pair(key, value);
        }
    }
    form.finish()
}

/// `server::sparql::iris` (private): every graph must be an IRI, else 400.
fn iris(values: &[String]) -> Option<Vec<NamedNode>> {
    values
        .iter()
        .map(|v| NamedNode::new(v.as_str()).ok())
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let outcome = ProtocolRequest::from_urlencoded(data);
    let pairs = expected_pairs(data);
    let expected_ok = pairs.as_ref().is_some_and(|pairs| {
        let queries = values(pairs, "query").len();
        let updates = values(pairs, "update").len();
        queries <= 1 && updates <= 1 && !(queries == 1 && updates == 1)
    });
    let request = match outcome {
        Ok(request) => request,
        Err(Error::BadRequest(_)) => {
            assert!(
                !expected_ok,
                "refused a valid request: {:?}",
                String::from_utf8_lossy(data)
            );
            return;
        }
        Err(e) => panic!("from_urlencoded failed with a non-400 error: {e:?}"),
    };
    assert!(
        expected_ok,
        "accepted an invalid request: {:?}",
        String::from_utf8_lossy(data)
    );
    let pairs = pairs.expect("checked above");
    check_fields(&request, &pairs);
    assert!(!(request.query.is_some() && request.update.is_some()));

    let encoded = encode(&request);
    let again = ProtocolRequest::from_urlencoded(encoded.as_bytes())
        .unwrap_or_else(|e| panic!("the re-encoded request {encoded:?} is refused: {e}"));
    assert_eq!(
        format!("{again:?}"),
        format!("{request:?}"),
        "via {encoded:?}"
    );

    // What `/sparql` does next (answer_query / answer_update, without a store).
    if let Some(query) = &request.query {
        let (Some(default_graphs), Some(named_graphs)) =
            (iris(&request.default_graphs), iris(&request.named_graphs))
        else {
            return;
        };
        let options = QueryOptions {
            default_graphs,
            named_graphs,
            allow_service: false,
        };
        common::check_query(query, &options);
    } else if let Some(update) = &request.update {
        let (Some(default_graphs), Some(named_graphs)) = (
            iris(&request.using_graphs),
            iris(&request.using_named_graphs),
        ) else {
            return;
        };
        let options = QueryOptions {
            default_graphs,
            named_graphs,
            allow_service: false,
        };
        common::check_update(update, &options);
    }
});
