//! Helpers shared by the integration tests: the repository's files, the
//! dataset loaded from them, and SPARQL results as plain strings.
#![allow(dead_code)]

pub mod engines;

use std::collections::BTreeMap;
use std::path::PathBuf;

use dialogue_graph::{BaseIri, Dataset, Sources};
use oxigraph::model::Term;
use oxigraph::sparql::QueryResults;

pub const BASE: &str = "http://127.0.0.1:8080/";

/// The repository root. Read when the test runs (cargo sets it), not baked
/// in at compile time: a target directory shared between clones at different
/// paths may reuse a test binary built in another clone.
pub fn repo() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

pub fn sources() -> Sources {
    Sources {
        ontology_dir: repo().join("ontology"),
        data_dir: repo().join("data"),
        queries_dir: repo().join("queries"),
    }
}

pub fn base() -> BaseIri {
    BaseIri::parse(BASE).unwrap()
}

pub fn dataset() -> Dataset {
    Dataset::from_sources(&sources(), &base()).unwrap()
}

/// The source page's text, from the copy kept in the repository.
pub fn source_text() -> String {
    std::fs::read_to_string(repo().join("data/source/cpc-world-parties-dialogue-2017.txt")).unwrap()
}

/// A term as plain text: an IRI's string, a literal's lexical value.
pub fn plain(term: &Term) -> String {
    match term {
        Term::NamedNode(n) => n.as_str().to_owned(),
        Term::BlankNode(b) => b.to_string(),
        Term::Literal(l) => l.value().to_owned(),
        #[allow(unreachable_patterns)]
        other => other.to_string(),
    }
}

pub type Row = BTreeMap<String, String>;

/// Runs a SELECT and returns its rows as variable -> plain text.
pub fn select(dataset: &Dataset, query: &str) -> Vec<Row> {
    match dialogue_graph::sparql::run(dataset, query).unwrap() {
        QueryResults::Solutions(solutions) => solutions
            .map(|s| {
                let s = s.unwrap();
                s.iter()
                    .map(|(v, t)| (v.as_str().to_owned(), plain(t)))
                    .collect()
            })
            .collect(),
        _ => panic!("not a SELECT query"),
    }
}

pub fn ask(dataset: &Dataset, query: &str) -> bool {
    match dialogue_graph::sparql::run(dataset, query).unwrap() {
        QueryResults::Boolean(b) => b,
        _ => panic!("not an ASK query"),
    }
}

/// Collapses white space (the source has a non-breaking space in a topic).
pub fn normalise(text: &str) -> String {
    text.split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The binary under test: this build's, or the one `DIALOGUE_GRAPH_BIN`
/// names (a release build, for the load test's numbers).
pub fn binary() -> std::path::PathBuf {
    std::env::var_os("DIALOGUE_GRAPH_BIN")
        .map(Into::into)
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_dialogue-graph").into())
}

/// A `dialogue-graph serve` process on a free loopback port, stopped on drop.
/// Everything it writes to stderr is kept, for tests that read its logs.
pub struct Server {
    child: std::process::Child,
    pub url: String,
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Server {
    /// Starts a server and returns once it serves its data.
    pub fn start(extra_args: &[&str]) -> Server {
        Self::spawn(extra_args, &[], " on http://")
    }

    /// Starts a server with extra environment variables.
    pub fn start_with_env(extra_args: &[&str], env: &[(&str, &str)]) -> Server {
        Self::spawn(extra_args, env, " on http://")
    }

    /// Starts a server and returns as soon as it listens, maybe still loading.
    pub fn start_listening(extra_args: &[&str]) -> Server {
        Self::spawn(extra_args, &[], "listening at ")
    }

    fn spawn(extra_args: &[&str], env: &[(&str, &str)], ready_line: &str) -> Server {
        use std::io::{BufRead, BufReader};
        // Against a remote engine (DIALOGUE_GRAPH_TEST_BACKEND), the server
        // gets its port, base IRI and data there; else a port of its own.
        let serving: Vec<String> = match engines::engine() {
            Some(engine) => engines::server_args(engine, extra_args),
            None if extra_args.contains(&"--bind") => Vec::new(),
            None => vec!["--bind".to_owned(), "127.0.0.1:0".to_owned()],
        };
        let mut child = std::process::Command::new(binary())
            .current_dir(repo())
            .arg("serve")
            .args(&serving)
            .args(extra_args)
            .envs(env.iter().copied())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let mut lines = BufReader::new(stderr).lines();
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let url = loop {
            let line = lines
                .next()
                .expect("server exited before it was ready")
                .unwrap();
            log.lock().unwrap().push(line.clone());
            if let Some(rest) = line.split(ready_line).nth(1) {
                let address = rest.trim_start_matches("http://");
                let address = address.split(['/', ',', ' ']).next().unwrap();
                break format!("http://{address}");
            }
        };
        // Keep draining stderr so the server never blocks on a full pipe.
        let kept = log.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                kept.lock().unwrap().push(line);
            }
        });
        Server { child, url, log }
    }

    pub fn get(&self, path: &str) -> reqwest::blocking::RequestBuilder {
        reqwest::blocking::Client::new().get(format!("{}{}", self.url, path))
    }

    /// The HTML page at `path`, as a browser asks for it; it must be a 200.
    pub fn html(&self, path: &str) -> String {
        let response = self.get(path).header("Accept", "text/html").send().unwrap();
        assert_eq!(response.status(), 200, "{path}");
        response.text().unwrap()
    }

    pub fn post(&self, path: &str) -> reqwest::blocking::RequestBuilder {
        reqwest::blocking::Client::new().post(format!("{}{}", self.url, path))
    }

    /// What the server has written to stderr so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a signal (`"TERM"`, `"HUP"`, `"KILL"`) with the system's `kill`.
    pub fn signal(&self, name: &str) {
        let status = std::process::Command::new("kill")
            .args([format!("-{name}"), self.pid().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -{name} failed");
    }

    /// Waits for the process to exit; `None` if it is still running after `limit`.
    pub fn wait_exit(&mut self, limit: std::time::Duration) -> Option<std::process::ExitStatus> {
        let started = std::time::Instant::now();
        while started.elapsed() < limit {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        None
    }

    /// The server's resident memory in KiB, from /proc.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap()
    }
}

/// One server for the tests of a test binary that only read the data:
/// started on first use, with no options, and shared by every such test
/// (each start loads the data again, and against an engine loads the engine
/// too). A static is never dropped, so a watchdog stops the server when the
/// test process ends.
// The watchdog is meant to outlive this process's handle on it.
#[allow(clippy::zombie_processes)]
pub fn shared() -> &'static Server {
    static SHARED: std::sync::OnceLock<Server> = std::sync::OnceLock::new();
    SHARED.get_or_init(|| {
        let server = Server::start(&[]);
        std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "while kill -0 {parent} 2>/dev/null; do sleep 1; done; kill {child}; sleep 3; kill -9 {child} 2>/dev/null",
                parent = std::process::id(),
                child = server.pid(),
            ))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("cannot start the shared server's watchdog (sh)");
        server
    })
}

impl Drop for Server {
    /// SIGTERM first, so the server removes its scratch directory (the dump
    /// files) as it would in use; SIGKILL only if it does not stop.
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = std::process::Command::new("kill")
                .args(["-TERM", &self.pid().to_string()])
                .status();
            if self.wait_exit(std::time::Duration::from_secs(3)).is_some() {
                return;
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Copies `ontology/` and `data/` (without the source texts) into a fresh
/// directory, for tests that change the data under a running server.
pub fn copy_of_sources() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["ontology", "data"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
        for entry in std::fs::read_dir(repo().join(sub)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                std::fs::copy(&path, dir.path().join(sub).join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    dir
}

/// A copy of the sources (see [`copy_of_sources`]) with one more data file,
/// for tests that need more data than the source document holds. The copy
/// lives as long as this value: keep it while a server reads it.
pub struct MoreData {
    _dir: tempfile::TempDir,
    data: String,
    ontology: String,
}

impl MoreData {
    /// The copy, with `data/{file}` made of `lines` (a Turtle statement each).
    pub fn new(file: &str, lines: impl Iterator<Item = String>) -> Self {
        let dir = copy_of_sources();
        let mut text = String::new();
        for line in lines {
            text.push_str(&line);
            text.push('\n');
        }
        std::fs::write(dir.path().join("data").join(file), text).unwrap();
        let path = |sub: &str| dir.path().join(sub).to_str().unwrap().to_owned();
        Self {
            data: path("data"),
            ontology: path("ontology"),
            _dir: dir,
        }
    }

    /// The server arguments that serve the copy, followed by `extra`.
    pub fn args<'a>(&'a self, extra: &[&'a str]) -> Vec<&'a str> {
        let mut args = vec!["--data-dir", &self.data, "--ontology-dir", &self.ontology];
        args.extend_from_slice(extra);
        args
    }
}

/// The `dialogue-graph` command, run from the repository root.
pub fn command() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_dialogue-graph"));
    command.current_dir(repo());
    command
}

/// Runs `dialogue-graph ARGS` to the end.
pub fn run(args: &[&str]) -> std::process::Output {
    command().args(args).output().unwrap()
}

pub fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The first value of a one-row SELECT on a persistent store, by
/// `dialogue-graph query`.
pub fn store_value(store: &std::path::Path, query: &str) -> String {
    let out = run(&[
        "query",
        "--store",
        store.to_str().unwrap(),
        "--format",
        "csv",
        query,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out).lines().nth(1).unwrap().trim().to_owned()
}

/// The number of triples in a persistent store's named graphs.
pub fn store_triples(store: &std::path::Path) -> u64 {
    store_value(
        store,
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    )
    .parse()
    .unwrap()
}

/// `dialogue-graph load --quiet --store STORE FILES...`, which must succeed.
pub fn load_into(store: &std::path::Path, files: &[&str]) {
    let mut args = vec!["load", "--quiet", "--store", store.to_str().unwrap()];
    args.extend_from_slice(files);
    let out = run(&args);
    assert!(out.status.success(), "{}", stderr(&out));
}
