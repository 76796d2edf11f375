//! Operations a user of a running server depends on: reloading data without
//! losing any, shutting down within a bound, readiness while loading, the
//! Prometheus metrics and the slow-query log.

use crate::common;

use std::time::{Duration, Instant};

use crate::common::{Server, copy_of_sources};

const TOKEN: &str = "reliability-test-token";

/// The number of triples the server serves, by SPARQL.
fn triples(server: &Server) -> u64 {
    count(
        server,
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    )
}

fn count(server: &Server, query: &str) -> u64 {
    let body = server
        .get("/sparql")
        .query(&[("query", query)])
        .header("Accept", "text/csv")
        .timeout(Duration::from_secs(60))
        .send()
        .unwrap()
        .error_for_status()
        .unwrap()
        .text()
        .unwrap();
    body.lines().nth(1).unwrap().trim().parse().unwrap()
}

/// Starts a query that takes a few seconds (a cross product of the whole
/// graph with itself, whose count is n²) and returns its status and body.
fn cross_product_in_background(
    server: &Server,
) -> std::thread::JoinHandle<reqwest::Result<(u16, String)>> {
    let url = server.url.clone();
    std::thread::spawn(move || {
        reqwest::blocking::Client::new()
            .get(format!("{url}/sparql"))
            .query(&[(
                "query",
                "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } GRAPH ?h { ?a ?b ?c } }",
            )])
            .header("Accept", "text/csv")
            .timeout(Duration::from_secs(130))
            .send()
            .map(|r| (r.status().as_u16(), r.text().unwrap_or_default()))
    })
}

/// Waits until the server has received a request other than the one asking
/// (its metrics count requests in flight): a fixed sleep is not enough on a
/// busy machine, where the request may not have arrived yet.
fn wait_for_a_request_in_flight(server: &Server) {
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_secs(20) {
        let metrics = server.get("/metrics").send().unwrap().text().unwrap();
        let in_flight = metrics
            .lines()
            .find_map(|l| l.strip_prefix("dialogue_graph_http_requests_in_flight "))
            .and_then(|v| v.trim().parse::<i64>().ok())
            .expect("the metrics count requests in flight");
        if in_flight >= 2 {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("the request never reached the server");
}

fn reload(server: &Server) -> reqwest::blocking::Response {
    server
        .post("/admin/reload")
        .bearer_auth(TOKEN)
        .send()
        .unwrap()
}

fn serve_copy(dir: &tempfile::TempDir, extra: &[&str]) -> Server {
    let data = dir.path().join("data");
    let ontology = dir.path().join("ontology");
    let mut args = vec![
        "--data-dir",
        data.to_str().unwrap(),
        "--ontology-dir",
        ontology.to_str().unwrap(),
        "--update-token",
        TOKEN,
    ];
    args.extend_from_slice(extra);
    Server::start(&args)
}

#[test]
fn reload_serves_new_data_and_a_broken_file_keeps_the_old() {
    let dir = copy_of_sources();
    let server = serve_copy(&dir, &[]);
    let before = triples(&server);

    // A new triple in a data file: a reload serves it.
    let links = dir.path().join("data/links.ttl");
    let mut text = std::fs::read_to_string(&links).unwrap();
    text.push_str("\n<http://example.org/reload-test> <http://www.w3.org/2000/01/rdf-schema#label> \"added\" .\n");
    std::fs::write(&links, &text).unwrap();
    let answer = reload(&server);
    assert_eq!(answer.status(), 200);
    assert!(answer.text().unwrap().starts_with("reloaded:"));
    assert_eq!(triples(&server), before + 1);

    // A broken file: 422 naming file:line:column, the data served unchanged.
    text.push_str("this is not turtle\n");
    std::fs::write(&links, &text).unwrap();
    let answer = reload(&server);
    assert_eq!(answer.status(), 422);
    let message = answer.text().unwrap();
    assert!(message.contains("links.ttl:"), "{message}");
    assert!(
        message.contains("previous data is still served"),
        "{message}"
    );
    assert_eq!(triples(&server), before + 1);

    // Without the token: 401, nothing reloaded.
    let answer = server.post("/admin/reload").send().unwrap();
    assert_eq!(answer.status(), 401);
    assert!(answer.headers().contains_key("www-authenticate"));

    // SIGHUP reloads too, once the file is fixed.
    std::fs::write(&links, text.replace("this is not turtle\n", "")).unwrap();
    std::fs::remove_file(dir.path().join("data/editorial.ttl")).unwrap();
    server.signal("HUP");
    let deadline = Instant::now() + Duration::from_secs(10);
    while triples(&server) == before + 1 {
        assert!(Instant::now() < deadline, "SIGHUP did not reload");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(triples(&server) < before);
    let metrics = server.get("/metrics").send().unwrap().text().unwrap();
    assert!(metrics.contains("dialogue_graph_reloads_total{outcome=\"ok\"} 2"));
    assert!(metrics.contains("dialogue_graph_reloads_total{outcome=\"failed\"} 1"));
}

#[test]
fn a_query_running_during_a_reload_finishes_on_the_old_data() {
    let dir = copy_of_sources();
    let server = serve_copy(&dir, &["--query-timeout", "120", "--max-rows", "0"]);
    let before = triples(&server);
    // A cross product that takes a while: its count is n² of the data it saw.
    let slow = cross_product_in_background(&server);
    wait_for_a_request_in_flight(&server);
    std::fs::remove_file(dir.path().join("data/editorial.ttl")).unwrap();
    assert_eq!(reload(&server).status(), 200);
    let after = triples(&server);
    assert!(after < before);
    let (code, body) = slow.join().unwrap().unwrap();
    assert_eq!(code, 200);
    let n: u64 = body.lines().nth(1).unwrap().trim().parse().unwrap();
    assert_eq!(n, before * before);
}

#[test]
fn sigterm_finishes_requests_in_flight_and_exits() {
    // The query takes seconds here, and longer on a busy machine: the
    // shutdown timeout leaves it all the time it needs.
    let mut server = Server::start(&[
        "--query-timeout",
        "120",
        "--max-rows",
        "0",
        "--shutdown-timeout",
        "120",
    ]);
    let in_flight = cross_product_in_background(&server);
    wait_for_a_request_in_flight(&server);
    server.signal("TERM");
    let status = server
        .wait_exit(Duration::from_secs(130))
        .expect("the server did not exit after SIGTERM");
    assert!(status.success(), "{status:?}");
    let (code, body) = in_flight
        .join()
        .unwrap()
        .expect("the request in flight was cut");
    assert_eq!(code, 200);
    assert!(body.starts_with("n\r\n"), "{body}");
    assert!(server.log().contains("shutting down"));
}

#[test]
fn sigterm_gives_up_on_requests_past_the_shutdown_timeout() {
    let mut server = Server::start(&[
        "--query-timeout",
        "120",
        "--max-rows",
        "0",
        "--shutdown-timeout",
        "1",
    ]);
    let url = server.url.clone();
    // Far longer than the bound: a four-way cross product.
    let _in_flight = std::thread::spawn(move || {
        let _ = reqwest::blocking::Client::new()
            .get(format!("{url}/sparql"))
            .query(&[(
                "query",
                "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
            )])
            .timeout(Duration::from_secs(120))
            .send();
    });
    wait_for_a_request_in_flight(&server);
    let signalled = Instant::now();
    server.signal("TERM");
    server
        .wait_exit(Duration::from_secs(10))
        .expect("the server did not exit within its shutdown timeout");
    assert!(signalled.elapsed() < Duration::from_secs(5));
    assert!(server.log().contains("exiting anyway"), "{}", server.log());
}

/// The sources and 400,000 more labelled things: seconds to load.
fn big_graph() -> common::MoreData {
    common::MoreData::new(
        "bulk.ttl",
        (0..400_000).map(|i| {
            format!("<http://example.org/bulk/{i}> <http://www.w3.org/2000/01/rdf-schema#label> \"item {i}\" .")
        }),
    )
}

#[test]
fn readyz_says_loading_until_a_big_graph_has_loaded() {
    // 400,000 extra triples: long enough to load that the test sees it.
    let more = big_graph();
    let server = Server::start_listening(&more.args(&[]));
    assert_eq!(server.get("/healthz").send().unwrap().status(), 200);
    let ready = server.get("/readyz").send().unwrap();
    assert_eq!(ready.status(), 503);
    assert!(ready.text().unwrap().contains("loading"));
    let sparql = server
        .get("/sparql")
        .query(&[("query", "ASK {}")])
        .send()
        .unwrap();
    assert_eq!(sparql.status(), 503);
    assert!(sparql.headers().contains_key("retry-after"));
    let deadline = Instant::now() + Duration::from_secs(120);
    while server.get("/readyz").send().unwrap().status() != 200 {
        assert!(Instant::now() < deadline, "never became ready");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(triples(&server) > 400_000);
}

#[test]
fn sigterm_while_a_big_graph_loads_stops_without_waiting_for_the_load() {
    // 400,000 extra triples take seconds to load, longer than the bound.
    let more = big_graph();
    let mut server = Server::start_listening(&more.args(&["--shutdown-timeout", "0.5"]));
    assert_eq!(server.get("/readyz").send().unwrap().status(), 503);
    server.signal("TERM");
    let status = server
        .wait_exit(Duration::from_secs(15))
        .expect("the server did not exit after SIGTERM");
    assert!(status.success(), "{status:?}");
    let log = server.log();
    assert!(log.contains("stopped before the data had loaded"), "{log}");
    assert!(
        !log.contains("triples from"),
        "it waited for the load: {log}"
    );
}

#[test]
fn metrics_count_requests_timeouts_and_cache_hits() {
    let server = Server::start(&["--query-timeout", "1"]);
    for _ in 0..3 {
        assert_eq!(server.get("/dumps/").send().unwrap().status(), 200);
    }
    assert_eq!(
        server.get("/page/no-such-thing").send().unwrap().status(),
        404
    );
    let timed_out = server
        .get("/sparql")
        .query(&[(
            "query",
            "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
        )])
        .send()
        .unwrap();
    assert_eq!(timed_out.status(), 503);
    let response = server.get("/metrics").send().unwrap();
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let metrics = response.text().unwrap();
    let has = |line: &str| metrics.lines().any(|l| l == line);
    assert!(
        has(
            "dialogue_graph_http_requests_total{method=\"GET\",route=\"/dumps/\",status=\"200\"} 3"
        ),
        "{metrics}"
    );
    // The route template, never the raw path.
    assert!(has(
        "dialogue_graph_http_requests_total{method=\"GET\",route=\"/page/{*path}\",status=\"404\"} 1"
    ));
    assert!(has("dialogue_graph_sparql_query_timeouts_total 1"));
    assert!(has(
        "dialogue_graph_cache_lookups_total{cache=\"dumps\",result=\"miss\"} 1"
    ));
    assert!(has(
        "dialogue_graph_cache_lookups_total{cache=\"dumps\",result=\"hit\"} 2"
    ));
    assert!(metrics.contains("dialogue_graph_http_request_duration_seconds_bucket{le="));
}

#[test]
fn slow_queries_are_logged_with_their_text_and_request_id() {
    let server = Server::start_with_env(
        &["--slow-query", "0.000001"],
        &[("RUST_LOG", "warn"), ("DIALOGUE_GRAPH_LOG_FORMAT", "json")],
    );
    let response = server
        .get("/sparql")
        .query(&[("query", "SELECT ?s WHERE { ?s a ?type } LIMIT 3")])
        .header("X-Request-Id", "slow-query-test-42")
        .send()
        .unwrap();
    assert_eq!(response.status(), 200);
    response.text().unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    let line = loop {
        if let Some(line) = server
            .log()
            .lines()
            .find(|l| l.contains("slow SPARQL query"))
        {
            break line.to_owned();
        }
        assert!(Instant::now() < deadline, "no slow-query log line");
        std::thread::sleep(Duration::from_millis(20));
    };
    let entry: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(
        entry["fields"]["query"],
        "SELECT ?s WHERE { ?s a ?type } LIMIT 3"
    );
    assert!(entry["fields"]["seconds"].as_f64().unwrap() > 0.0);
    assert_eq!(entry["fields"]["request_id"], "slow-query-test-42");
    let metrics = server.get("/metrics").send().unwrap().text().unwrap();
    assert!(metrics.contains("dialogue_graph_sparql_slow_queries_total 1"));
}

/// One snapshot per request: while the data is reloaded back and forth,
/// every page or document that carries an ETag gives the same bytes for the
/// same ETag. A handler that read the version for its ETag and the data for
/// its body at two moments would pair one version's ETag with the other's
/// body.
#[test]
fn an_etag_never_names_another_versions_body_across_reloads() {
    let dir = copy_of_sources();
    let server = serve_copy(&dir, &[]);
    let editorial = dir.path().join("data/editorial.ttl");
    let kept = std::fs::read(&editorial).unwrap();
    let paths = [
        ("/.well-known/void", "text/turtle"),
        ("/.well-known/void", "text/html"),
        ("/", "text/html"),
        ("/classes", "text/html"),
        ("/ontology", "text/html"),
        ("/dumps/", "text/html"),
    ];
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let readers: Vec<_> = paths
        .iter()
        .map(|&(path, accept)| {
            let url = format!("{}{path}", server.url);
            let stop = stop.clone();
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::new();
                let blank = regex::Regex::new(r"_:[A-Za-z0-9_-]+").unwrap();
                let mut seen: std::collections::HashMap<
                    String,
                    std::collections::HashSet<Vec<u8>>,
                > = Default::default();
                let mut requests = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) && requests < 20_000 {
                    let response = client.get(&url).header("Accept", accept).send().unwrap();
                    assert_eq!(response.status(), 200, "{url}");
                    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
                    // Blank nodes get new labels each time: they are not the data.
                    let body = response.text().unwrap();
                    let body = blank.replace_all(&body, "_:b").into_owned();
                    seen.entry(etag).or_default().insert(body.into_bytes());
                    requests += 1;
                }
                (url, accept, seen)
            })
        })
        .collect();
    // Six reloads, each changing the data (a file out, then back in).
    for round in 0..6 {
        if round % 2 == 0 {
            std::fs::remove_file(&editorial).unwrap();
        } else {
            std::fs::write(&editorial, &kept).unwrap();
        }
        assert_eq!(reload(&server).status(), 200);
        std::thread::sleep(Duration::from_millis(150));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for reader in readers {
        let (url, accept, seen) = reader.join().unwrap();
        assert!(
            seen.len() >= 2,
            "{url} ({accept}) saw only {} version(s)",
            seen.len()
        );
        for (etag, bodies) in &seen {
            assert_eq!(
                bodies.len(),
                1,
                "{url} ({accept}): ETag {etag} came with {} bodies",
                bodies.len()
            );
        }
    }
}
