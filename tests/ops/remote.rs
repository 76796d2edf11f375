//! `serve --sparql-endpoint`: the publisher in front of a SPARQL engine
//! elsewhere. The whole HTTP suite also runs against real engines
//! (`DIALOGUE_GRAPH_TEST_BACKEND`, see tests/common/engines.rs); these tests
//! cover what only a remote engine brings: the queries that stand in for
//! index lookups (each feature's `queried_*` twin), an engine that is down or silent, and forwarded updates.

use crate::common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use crate::common::Server;
use crate::common::engines::{Engine, Kind, free_port};
use dialogue_graph::dataset_description::{self, sitemap};
use dialogue_graph::entity::{self, Description, remote_description};
use oxigraph::model::{NamedNode, Triple};

/// A description as sorted lines, blank nodes all written `_:b` (the query
/// path names them differently).
fn lines(triples: &[Triple]) -> Vec<String> {
    let blank = regex::Regex::new(r"_:[A-Za-z0-9_-]+").unwrap();
    let mut lines: Vec<String> = triples
        .iter()
        .map(|t| blank.replace_all(&t.to_string(), "_:b").into_owned())
        .collect();
    lines.sort();
    lines
}

fn parts(d: &Description) -> [Vec<String>; 4] {
    [
        lines(&d.about),
        lines(&d.incoming),
        lines(&d.labels),
        lines(&d.evidence),
    ]
}

/// The five queries of a page give what the index lookups give, for every
/// entity of the data; so do the timeline, counts and sitemap queries.
#[test]
fn the_queries_for_remote_engines_say_what_index_lookups_say() {
    let dataset = common::dataset();
    let minted = sitemap::queried_minted_iris(&dataset).unwrap();
    assert!(minted.len() > 100, "{}", minted.len());
    let mut by_lookups = sitemap::minted_iris(&dataset).unwrap();
    let mut by_query = minted.clone();
    by_lookups.sort();
    by_query.sort();
    assert_eq!(by_query, by_lookups);
    let mut entities: BTreeSet<NamedNode> = BTreeSet::new();
    for iri in &minted {
        let without_fragment = iri.as_str().split('#').next().unwrap().to_owned();
        entities.insert(NamedNode::new(without_fragment).unwrap());
    }
    for iri in &entities {
        let by_lookups = entity::describe_page(&dataset, iri, 1)
            .unwrap()
            .unwrap_or_else(|| panic!("{iri} unknown"));
        let by_queries = remote_description::describe_page(&dataset, iri, 1)
            .unwrap()
            .unwrap();
        for (name, (got, want)) in ["about", "incoming", "labels", "evidence"]
            .iter()
            .zip(parts(&by_queries).into_iter().zip(parts(&by_lookups)))
        {
            let count = |v: &Vec<String>, l: &String| v.iter().filter(|x| *x == l).count();
            let extra: Vec<_> = got
                .iter()
                .filter(|l| count(&got, l) > count(&want, l))
                .collect();
            let missing: Vec<_> = want.iter().filter(|l| !got.contains(l)).collect();
            assert!(
                got == want,
                "{iri} {name}: {} vs {} lines; extra {extra:#?}; missing {missing:#?}",
                got.len(),
                want.len()
            );
        }
        assert_eq!(by_queries.incoming_omitted, by_lookups.incoming_omitted);
        assert!(remote_description::exists(&dataset, iri).unwrap());
    }
    let nowhere = NamedNode::new(format!("{}id/nothing/here", common::BASE)).unwrap();
    assert!(!remote_description::exists(&dataset, &nowhere).unwrap());
    assert!(
        remote_description::describe_page(&dataset, &nowhere, 1)
            .unwrap()
            .is_none()
    );

    let by_lookups = dialogue_graph::pictures::dated_events(&dataset).unwrap();
    let by_queries = dialogue_graph::pictures::queried_dated_events(&dataset).unwrap();
    assert_eq!(by_queries.events, by_lookups.events);
    assert!(!by_queries.events.is_empty());

    let stats = dataset_description::DatasetStats::compute(&dataset).unwrap();
    assert_eq!(
        dataset_description::queried_entity_count(&dataset).unwrap(),
        stats.entities
    );
    let links = dialogue_graph::search_index::queried_links_in(&dataset).unwrap();
    for iri in &minted {
        assert_eq!(
            links.get(iri).copied().unwrap_or(0),
            dialogue_graph::search_index::links_in(&dataset, iri).unwrap(),
            "links to {iri}"
        );
    }
    let sizes = dataset_description::GraphSizes::count(&dataset).unwrap();
    let counted = dataset_description::queried_graph_sizes(&dataset).unwrap();
    assert_eq!(counted.graphs, sizes.graphs);
    assert_eq!(counted.total, sizes.total);
}

/// Whether Oxigraph's server, which tests/run.sh installs, is named in
/// `DIALOGUE_GRAPH_OXIGRAPH`. Without it the tests that need it fail: they
/// never pass unrun.
fn oxigraph() -> bool {
    assert!(
        std::env::var_os("DIALOGUE_GRAPH_OXIGRAPH").is_some(),
        "no Oxigraph server: run tests/run.sh (which installs it), or set DIALOGUE_GRAPH_OXIGRAPH"
    );
    true
}

/// Serve `engine`'s copy of the data (under the server's own base IRI).
fn server_for(engine: &Engine, port: u16, extra: &[&str]) -> Server {
    let base = format!("http://127.0.0.1:{port}/");
    let graphs = engine.load(
        &common::sources(),
        &dialogue_graph::BaseIri::parse(&base).unwrap(),
    );
    let graphs = graphs.join(",");
    let mut args = vec![
        "--base-iri",
        &base,
        "--sparql-endpoint",
        &engine.endpoint,
        "--sparql-graph",
        &graphs,
    ];
    args.extend_from_slice(extra);
    start_on(port, &args)
}

/// A server on a chosen port (the suite's own helper picks one itself).
fn start_on(port: u16, args: &[&str]) -> Server {
    let bind = format!("127.0.0.1:{port}");
    let mut all = vec!["--bind", bind.as_str()];
    all.extend_from_slice(args);
    if common::engines::engine().is_some() {
        // The suite's helper would point the server at the shared engine.
        panic!("run tests/ops/remote.rs without DIALOGUE_GRAPH_TEST_BACKEND");
    }
    Server::start(&all)
}

const EVENT: &str = "/page/event/cpc-world-political-parties-dialogue-2017";

/// An engine that is down: 502 with a page that says so, `/readyz` 503,
/// nothing hangs; when the engine comes up, the same server just works.
#[test]
fn an_engine_down_is_502_and_the_server_recovers_when_it_returns() {
    if common::engines::engine().is_some() || !oxigraph() {
        return;
    }
    let engine_port = free_port();
    let port = free_port();
    let endpoint = format!("http://127.0.0.1:{engine_port}/query");
    let base = format!("http://127.0.0.1:{port}/");
    // The graphs the data will be in, once the engine is up.
    let graphs: Vec<String> = dialogue_graph::Dataset::from_sources(
        &common::sources(),
        &dialogue_graph::BaseIri::parse(&base).unwrap(),
    )
    .unwrap()
    .backend()
    .named_graphs()
    .unwrap()
    .iter()
    .map(|g| g.as_str().to_owned())
    .collect();
    let graphs = graphs.join(",");
    let server = start_on(
        port,
        &[
            "--base-iri",
            &base,
            "--sparql-endpoint",
            &endpoint,
            "--sparql-graph",
            &graphs,
            "--sparql-refresh",
            "1",
        ],
    );
    assert!(server.log().contains("cannot reach"), "{}", server.log());
    let started = Instant::now();
    let page = server
        .get(EVENT)
        .header("Accept", "text/html")
        .send()
        .unwrap();
    assert_eq!(page.status(), 502);
    assert!(page.headers().contains_key("retry-after"));
    let html = page.text().unwrap();
    assert!(
        html.contains("<h1>The data cannot be reached</h1>"),
        "{html}"
    );
    assert!(
        html.contains("cannot be reached (connection refused"),
        "{html}"
    );
    let query = server
        .get("/sparql")
        .query(&[("query", "ASK { ?s ?p ?o }")])
        .send()
        .unwrap();
    assert_eq!(query.status(), 502);
    assert!(query.text().unwrap().contains("SPARQL engine"));
    assert_eq!(server.get("/readyz").send().unwrap().status(), 503);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );

    // The engine comes up with the data; the server needs no restart.
    let engine = Engine::start_at(Kind::Oxigraph, engine_port);
    let graphs = engine.load(
        &common::sources(),
        &dialogue_graph::BaseIri::parse(&base).unwrap(),
    );
    assert!(!graphs.is_empty());
    let query = server
        .get("/sparql")
        .query(&[(
            "query",
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
        )])
        .header("Accept", "text/csv")
        .send()
        .unwrap();
    assert_eq!(query.status(), 200);
    let count: usize = query
        .text()
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(count, common::dataset().len().unwrap());
    std::thread::sleep(Duration::from_millis(1100)); // --sparql-refresh
    assert_eq!(server.get("/readyz").send().unwrap().status(), 200);
    let page = server.get(EVENT).send().unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().unwrap().contains("Beijing"));
}

/// An engine that accepts connections and never answers: 504 at the query
/// timeout, for queries and for pages alike.
#[test]
fn a_silent_engine_is_504_at_the_timeout() {
    if common::engines::engine().is_some() {
        return;
    }
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}/sparql", silent.local_addr().unwrap());
    // Hold the connections open, saying nothing.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in silent.incoming().take(64) {
            held.push(stream);
        }
    });
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}/");
    let server = start_on(
        port,
        &[
            "--base-iri",
            &base,
            "--sparql-endpoint",
            &endpoint,
            "--query-timeout",
            "1",
        ],
    );
    let started = Instant::now();
    let query = server
        .get("/sparql")
        .query(&[("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1")])
        .send()
        .unwrap();
    assert_eq!(query.status(), 504);
    assert!(query.text().unwrap().contains("did not answer in time"));
    let page = server
        .get(EVENT)
        .header("Accept", "text/html")
        .send()
        .unwrap();
    assert_eq!(page.status(), 504);
    assert!(page.text().unwrap().contains("took too long"));
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
    // The server itself still answers what needs no engine.
    assert_eq!(server.get("/healthz").send().unwrap().status(), 200);
}

/// SPARQL Update goes to the engine's update endpoint (with the server's own
/// token check first), and pages show the change at once.
#[test]
fn updates_are_forwarded_and_pages_follow() {
    if common::engines::engine().is_some() || !oxigraph() {
        return;
    }
    const TOKEN: &str = "remote-update-token-123";
    let engine = Engine::start(Kind::Oxigraph);
    let update_endpoint = engine.endpoint.replace("/query", "/update");
    let port = free_port();
    let server = server_for(
        &engine,
        port,
        &[
            "--update-token",
            TOKEN,
            "--sparql-update-endpoint",
            &update_endpoint,
        ],
    );
    assert_eq!(server.get("/page/thing/new").send().unwrap().status(), 404);
    let graph = format!("http://127.0.0.1:{port}/graph/facts");
    let update = format!(
        "INSERT DATA {{ GRAPH <{graph}> {{ <id/thing/new> rdfs:label \"A new thing\"@en }} }}"
    );
    let refused = server
        .post("/sparql")
        .header("Content-Type", "application/sparql-update")
        .body(update.clone())
        .send()
        .unwrap();
    assert_eq!(refused.status(), 401);
    let done = server
        .post("/sparql")
        .bearer_auth(TOKEN)
        .header("Content-Type", "application/sparql-update")
        .body(update)
        .send()
        .unwrap();
    assert_eq!(done.status(), 204, "{}", done.text().unwrap());
    let page = server.get("/page/thing/new").send().unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().unwrap().contains("A new thing"));

    // Without an update endpoint, updates are refused with the reason.
    let read_only = server_for(&engine, free_port(), &["--update-token", TOKEN]);
    let refused = read_only
        .post("/sparql")
        .bearer_auth(TOKEN)
        .header("Content-Type", "application/sparql-update")
        .body("INSERT DATA { <id/a> <id/b> <id/c> }")
        .send()
        .unwrap();
    assert_eq!(refused.status(), 403);
    assert!(refused.text().unwrap().contains("--sparql-update-endpoint"));
}

/// Bad settings stop `serve` at once with a message that names them.
#[test]
fn bad_endpoint_settings_are_refused_by_name() {
    for (args, expected) in [
        (
            vec!["--sparql-endpoint", "not a url"],
            "--sparql-endpoint \"not a url\" is not a URL",
        ),
        (
            vec![
                "--sparql-endpoint",
                "http://127.0.0.1:9/sparql",
                "--sparql-graph",
                "no iri",
            ],
            "--sparql-graph \"no iri\" is not an IRI",
        ),
        (
            vec![
                "--sparql-endpoint",
                "http://127.0.0.1:9/sparql",
                "--sparql-refresh",
                "0",
            ],
            "--sparql-refresh must be a positive number",
        ),
    ] {
        let mut all = vec!["serve", "--bind", "127.0.0.1:0"];
        all.extend(args);
        let out = common::run(&all);
        assert!(!out.status.success());
        let text = common::stderr(&out);
        assert!(text.contains(expected), "{text}");
    }
}
