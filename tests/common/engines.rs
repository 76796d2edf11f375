//! Real SPARQL engines for running the HTTP tests against `serve
//! --sparql-endpoint`. With `DIALOGUE_GRAPH_TEST_BACKEND=virtuoso` (Debian's
//! `virtuoso-opensource`) or `=oxigraph` (Oxigraph's server, from `pip
//! install oxigraph`), every [`super::Server`] a test starts serves its data
//! from that engine instead of its own store:
//!
//! - one engine per test process, on loopback, started on first use and
//!   stopped by a watchdog when the process ends;
//! - each server gets a port chosen first, so its base IRI is known; its
//!   data (the repository's files, or the test's `--data-dir`) is loaded into
//!   graphs named after that base, and the server is pointed at them with
//!   `--sparql-graph`. Servers running side by side share the engine
//!   without seeing each other's data.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use dialogue_graph::{BaseIri, Dataset, Sources};
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{GraphNameRef, TripleRef};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Virtuoso,
    Oxigraph,
}

/// A running engine.
pub struct Engine {
    pub kind: Kind,
    /// Its SPARQL query endpoint.
    pub endpoint: String,
    dir: PathBuf,
    /// The engine's process (stopped by its watchdog when the tests end).
    pub pid: u32,
    /// Virtuoso's SQL port (for `isql-vt`, which loads files).
    sql_port: u16,
}

/// The engine this test run uses, if `DIALOGUE_GRAPH_TEST_BACKEND` names one.
pub fn engine() -> Option<&'static Engine> {
    static ENGINE: OnceLock<Option<Engine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let kind = match std::env::var("DIALOGUE_GRAPH_TEST_BACKEND").ok()?.as_str() {
                "virtuoso" => Kind::Virtuoso,
                "oxigraph" => Kind::Oxigraph,
                "" | "embedded" => return None,
                other => panic!("DIALOGUE_GRAPH_TEST_BACKEND={other:?}: use virtuoso or oxigraph"),
            };
            Some(Engine::start(kind))
        })
        .as_ref()
}

/// A port free right now on loopback, and never handed out before in this
/// process. The port is released before it is used, so the system may give
/// it again to the next caller: two tests running at once would then share a
/// port (and whatever is named after it). Remembering the ports given out
/// rules that out within a test binary.
pub fn free_port() -> u16 {
    static GIVEN: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());
    loop {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        if GIVEN.lock().unwrap().insert(port) {
            return port;
        }
    }
}

impl Engine {
    // The engine and its watchdog are meant to outlive this process's handles:
    // the watchdog stops the engine when the tests end.
    #[allow(clippy::zombie_processes)]
    pub fn start(kind: Kind) -> Engine {
        Self::start_at(kind, free_port())
    }

    /// An engine of `kind` answering on `http_port` of loopback.
    #[allow(clippy::zombie_processes)]
    pub fn start_at(kind: Kind, http_port: u16) -> Engine {
        let dir = tempfile::Builder::new()
            .prefix("dialogue-graph-engine-")
            .tempdir()
            .unwrap()
            .keep();
        let sql_port = free_port();
        let child = match kind {
            Kind::Oxigraph => {
                let binary = std::env::var("DIALOGUE_GRAPH_OXIGRAPH").expect(
                    "DIALOGUE_GRAPH_OXIGRAPH names Oxigraph's server (tests/run.sh sets it)",
                );
                Command::new(binary)
                    // Its own timeout stops what a test's timed-out query left running.
                    .args([
                        "serve",
                        "--timeout-s",
                        "10",
                        "--bind",
                        &format!("127.0.0.1:{http_port}"),
                    ])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("cannot start Oxigraph's server")
            }
            Kind::Virtuoso => {
                std::fs::write(
                    dir.join("virtuoso.ini"),
                    virtuoso_ini(&dir, http_port, sql_port),
                )
                .unwrap();
                Command::new("virtuoso-t")
                    .args(["+configfile", "virtuoso.ini", "+foreground"])
                    .current_dir(&dir)
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("cannot start virtuoso-t (Debian package virtuoso-opensource)")
            }
        };
        // When this test process ends, so does the engine, and its files go.
        Command::new("sh")
            .arg("-c")
            .arg(format!(
                "while kill -0 {parent} 2>/dev/null; do sleep 1; done; kill {engine}; sleep 2; kill -9 {engine} 2>/dev/null; rm -rf '{dir}'",
                parent = std::process::id(),
                engine = child.id(),
                dir = dir.display()
            ))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let endpoint = match kind {
            Kind::Oxigraph => format!("http://127.0.0.1:{http_port}/query"),
            Kind::Virtuoso => format!("http://127.0.0.1:{http_port}/sparql"),
        };
        let engine = Engine {
            kind,
            endpoint,
            dir,
            pid: child.id(),
            sql_port,
        };
        engine.wait_until_it_answers();
        engine
    }

    fn wait_until_it_answers(&self) {
        let started = Instant::now();
        let client = reqwest::blocking::Client::new();
        while started.elapsed() < Duration::from_secs(60) {
            let answered = client
                .get(&self.endpoint)
                .query(&[("query", "ASK { }")])
                .header("Accept", "application/sparql-results+json")
                .send()
                .is_ok_and(|r| r.status().is_success());
            if answered {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!(
            "{:?} did not answer at {} within 60 s",
            self.kind, self.endpoint
        );
    }

    /// Loads the files of `sources` as `dialogue-graph` would (one graph per
    /// file, relative IRIs against `base`) and returns the graphs' IRIs.
    pub fn load(&self, sources: &Sources, base: &BaseIri) -> Vec<String> {
        let dataset = Dataset::from_sources(sources, base).unwrap();
        let store = dataset.store().unwrap();
        let mut graphs = Vec::new();
        for graph in store.named_graphs() {
            let graph = match graph.unwrap() {
                oxigraph::model::NamedOrBlankNode::NamedNode(g) => g,
                _ => continue,
            };
            let mut serializer =
                RdfSerializer::from_format(RdfFormat::NTriples).for_writer(Vec::new());
            for quad in store.quads_for_pattern(
                None,
                None,
                None,
                Some(GraphNameRef::NamedNode(graph.as_ref())),
            ) {
                let quad = quad.unwrap();
                serializer
                    .serialize_triple(TripleRef::from(quad.as_ref()))
                    .unwrap();
            }
            let ntriples = serializer.finish().unwrap();
            self.load_graph(graph.as_str(), ntriples);
            graphs.push(graph.as_str().to_owned());
        }
        graphs
    }

    fn load_graph(&self, graph: &str, ntriples: Vec<u8>) {
        match self.kind {
            Kind::Oxigraph => {
                let store = self.endpoint.replace("/query", "/store");
                // PUT replaces the graph: loading the same graph twice
                // (two servers with one --base-iri) gives the same data.
                let response = reqwest::blocking::Client::new()
                    .put(store)
                    .query(&[("graph", graph)])
                    .header("Content-Type", "application/n-triples")
                    .body(ntriples)
                    .send()
                    .unwrap();
                assert!(
                    response.status().is_success(),
                    "loading {graph}: {}",
                    response.status()
                );
            }
            Kind::Virtuoso => {
                // One file per load, named by a counter: tests load graphs
                // in parallel, and a name that two loads could share (a
                // port number is handed out again once it is free) lets
                // one load overwrite or delete the other's file.
                static LOADS: AtomicUsize = AtomicUsize::new(0);
                // One load at a time: two loads that meet a language tag new
                // to Virtuoso at once can both try to register it, and one
                // fails ("SR197: Non unique primary key on
                // DB.DBA.RDF_LANGUAGE"). Servers of one test binary start in
                // parallel, so their loads would otherwise overlap.
                static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
                let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
                let n = LOADS.fetch_add(1, Ordering::Relaxed);
                let file = self.dir.join(format!("load-{n}.nt"));
                std::fs::write(&file, ntriples).unwrap();
                let out = Command::new("isql-vt")
                    .arg(format!("127.0.0.1:{}", self.sql_port))
                    .args(["dba", "dba"])
                    .arg(format!(
                        "exec=SPARQL CLEAR GRAPH <{graph}>; DB.DBA.TTLP_MT(file_to_string_output('{}'), '', '{graph}', 0);",
                        file.display()
                    ))
                    .output()
                    .expect("cannot run isql-vt (Debian package virtuoso-opensource)");
                let text = String::from_utf8_lossy(&out.stdout).into_owned()
                    + &String::from_utf8_lossy(&out.stderr);
                // Should Virtuoso itself have stopped, its own log says why.
                let log =
                    std::fs::read_to_string(self.dir.join("virtuoso.log")).unwrap_or_default();
                let tail: Vec<&str> = log.lines().rev().take(20).collect();
                assert!(
                    out.status.success() && !text.contains("Error"),
                    "loading {graph}: {text}\nthe end of virtuoso.log:\n{}",
                    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                );
                let _ = std::fs::remove_file(file);
            }
        }
    }
}

/// A Virtuoso configuration in `dir`, listening on loopback only.
fn virtuoso_ini(dir: &Path, http_port: u16, sql_port: u16) -> String {
    let d = dir.display();
    format!(
        "[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {d}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxSortedTopRows = 100000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 10
MaxClientConnections = 10
[SPARQL]
ResultSetMaxRows = 10000
MaxQueryExecutionTime = 10
"
    )
}

/// The arguments that make a server started with `extra_args` serve its data
/// from the engine: its own port, the base IRI, the endpoint and its graphs.
pub fn server_args(engine: &Engine, extra_args: &[&str]) -> Vec<String> {
    let value = |flag: &str| {
        extra_args
            .iter()
            .position(|a| *a == flag)
            .and_then(|i| extra_args.get(i + 1))
            .map(|v| v.to_string())
    };
    let port = free_port();
    let base = value("--base-iri").unwrap_or_else(|| format!("http://127.0.0.1:{port}/"));
    let root = super::repo();
    let sources = Sources {
        ontology_dir: root.join(value("--ontology-dir").unwrap_or_else(|| "ontology".to_owned())),
        data_dir: root.join(value("--data-dir").unwrap_or_else(|| "data".to_owned())),
        queries_dir: root.join(value("--queries-dir").unwrap_or_else(|| "queries".to_owned())),
    };
    let graphs = engine.load(&sources, &BaseIri::parse(&base).unwrap());
    let mut args = vec![
        "--bind".to_owned(),
        format!("127.0.0.1:{port}"),
        "--sparql-endpoint".to_owned(),
        engine.endpoint.clone(),
        "--sparql-graph".to_owned(),
        graphs.join(","),
    ];
    if value("--base-iri").is_none() {
        args.extend(["--base-iri".to_owned(), base]);
    }
    // A new data version every hour, not every minute: a test's ETags must
    // not move on between two requests (tests/ops/remote.rs checks refreshing).
    if value("--sparql-refresh").is_none() {
        args.extend(["--sparql-refresh".to_owned(), "3600".to_owned()]);
    }
    args
}

/// Skips a test that checks what only a store of the server's own can do
/// (reloading files, SPARQL Update into it, persistent stores), when the
/// tests run against a remote engine. Says why on stderr.
pub fn embedded_only(why: &str) -> bool {
    if engine().is_some() {
        eprintln!("skipped against a remote engine: {why}");
        return true;
    }
    false
}
