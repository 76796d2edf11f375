//! SPARQL Update as a client meets its failures: every error the client
//! caused is a 4xx naming the graph or the rule, a source that cannot be
//! fetched is 502, and `LOAD` fetches nothing the operator did not allow.
//! Every address here is on 127.0.0.0/8.

use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::common::Server;

const TOKEN: &str = "updates-test-update-token";

/// A one-purpose HTTP server on loopback: it counts the connections it gets
/// and answers every request with `response`.
struct Upstream {
    port: u16,
    connections: Arc<AtomicUsize>,
}

impl Upstream {
    fn start(response: String) -> Upstream {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let counted = connections.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                counted.fetch_add(1, Ordering::SeqCst);
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                // The request head, up to its blank line.
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let _ = stream.write_all(response.as_bytes());
            }
        });
        Upstream { port, connections }
    }

    /// Serves `body` as Turtle.
    fn turtle(body: &str) -> Upstream {
        Upstream::start(format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/turtle\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ))
    }

    /// Redirects every request to `location`.
    fn redirect(location: &str) -> Upstream {
        Upstream::start(format!(
            "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        ))
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn update(server: &Server, text: &str) -> (u16, String) {
    let response = server
        .post("/sparql")
        .bearer_auth(TOKEN)
        .form(&[("update", text)])
        .timeout(Duration::from_secs(60))
        .send()
        .unwrap();
    (response.status().as_u16(), response.text().unwrap())
}

fn ask(server: &Server, query: &str) -> bool {
    let body: serde_json::Value = server
        .get("/sparql")
        .query(&[("query", query)])
        .header("Accept", "application/sparql-results+json")
        .send()
        .unwrap()
        .json()
        .unwrap();
    body["boolean"].as_bool().unwrap()
}

#[test]
fn update_errors_the_client_caused_are_4xx_naming_the_graph() {
    if common::engines::embedded_only("the graph rules of the server's own store") {
        return;
    }
    let server = Server::start(&["--update-token", TOKEN]);
    let none = "http://example.org/none";
    let rows: &[(&str, u16, &str)] = &[
        ("CLEAR GRAPH <http://example.org/none>", 404, none),
        ("CLEAR SILENT GRAPH <http://example.org/none>", 204, ""),
        ("DROP GRAPH <http://example.org/none>", 404, none),
        ("DROP SILENT GRAPH <http://example.org/none>", 204, ""),
        (
            "MOVE <http://example.org/none> TO <http://example.org/g2>",
            404,
            none,
        ),
        ("CREATE GRAPH <http://example.org/made>", 204, ""),
        (
            "CREATE GRAPH <http://example.org/made>",
            409,
            "http://example.org/made",
        ),
        ("CREATE SILENT GRAPH <http://example.org/made>", 204, ""),
    ];
    for (text, status, named) in rows {
        let (got, body) = update(&server, text);
        assert_eq!(got, *status, "{text}: {body}");
        assert!(body.contains(named), "{text}: {body}");
        if *status >= 400 {
            assert!(!body.contains("internal server error"), "{text}: {body}");
        }
    }
}

#[test]
fn load_is_refused_by_default_and_nothing_is_fetched() {
    let upstream = Upstream::turtle("<http://a> <http://b> <http://c> .\n");
    let server = Server::start(&["--update-token", TOKEN]);
    let (status, body) = update(
        &server,
        &format!("LOAD <http://127.0.0.1:{}/data.ttl>", upstream.port),
    );
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("--allow-load-from"), "{body}");
    // SILENT does not turn a refusal into a fetch.
    let (status, _) = update(
        &server,
        &format!("LOAD SILENT <http://127.0.0.1:{}/data.ttl>", upstream.port),
    );
    assert_eq!(status, 403);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(upstream.connections(), 0, "the refused LOAD connected");
}

#[test]
fn load_fetches_from_a_named_loopback_host_and_nothing_else() {
    let upstream = Upstream::turtle("<http://example.org/s> <http://example.org/p> \"loaded\" .\n");
    let elsewhere = Upstream::turtle("<http://x> <http://y> <http://z> .\n");
    let redirecting = Upstream::redirect(&format!("http://127.0.0.1:{}/x.ttl", elsewhere.port));
    let closed = closed_port();
    let allowed = format!(
        "127.0.0.1:{},127.0.0.1:{},127.0.0.1:{closed}",
        upstream.port, redirecting.port
    );
    let server = Server::start(&["--update-token", TOKEN, "--allow-load-from", &allowed]);

    let graph = "http://example.org/loaded";
    let (status, body) = update(
        &server,
        &format!(
            "LOAD <http://127.0.0.1:{}/data.ttl> INTO GRAPH <{graph}>",
            upstream.port
        ),
    );
    assert_eq!(status, 204, "{body}");
    assert!(ask(
        &server,
        &format!(
            "ASK {{ GRAPH <{graph}> {{ <http://example.org/s> <http://example.org/p> \"loaded\" }} }}"
        )
    ));

    // A host that is not on the list, though on loopback like the others.
    let (status, body) = update(
        &server,
        &format!("LOAD <http://127.0.0.1:{}/x.ttl>", elsewhere.port),
    );
    assert_eq!(status, 403, "{body}");
    assert!(
        body.contains("not on the server's --allow-load-from list"),
        "{body}"
    );

    // An allowed host that redirects to a refused one.
    let (status, body) = update(
        &server,
        &format!("LOAD <http://127.0.0.1:{}/go>", redirecting.port),
    );
    assert_eq!(status, 403, "{body}");
    assert_eq!(elsewhere.connections(), 0, "the redirect was followed");

    // An allowed host where nothing listens: the source could not be fetched.
    let (status, body) = update(
        &server,
        &format!("LOAD <http://127.0.0.1:{closed}/none.ttl>"),
    );
    assert_eq!(status, 502, "{body}");
    assert!(body.contains(&format!("127.0.0.1:{closed}")), "{body}");
    let (status, body) = update(
        &server,
        &format!("LOAD SILENT <http://127.0.0.1:{closed}/none.ttl>"),
    );
    assert_eq!(status, 204, "{body}");
}

#[test]
fn a_bad_allow_list_entry_stops_the_server_with_its_name() {
    let out = common::run(&[
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--allow-load-from",
        "http://x/",
    ]);
    assert!(!out.status.success());
    assert!(
        common::stderr(&out).contains("http://x/"),
        "{}",
        common::stderr(&out)
    );
}
