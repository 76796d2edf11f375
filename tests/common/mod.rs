//! Helpers shared by the integration tests: the repository's files, the
//! dataset loaded from them, and SPARQL results as plain strings.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use dialogue_graph::{BaseIri, Dataset, Sources};
use oxigraph::model::Term;
use oxigraph::sparql::QueryResults;

pub const BASE: &str = "http://127.0.0.1:8080/";

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn sources() -> Sources {
    Sources {
        ontology_dir: repo().join("ontology"),
        data_dir: repo().join("data"),
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

/// A `dialogue-graph serve` process on a free loopback port, stopped on drop.
pub struct Server {
    child: std::process::Child,
    pub url: String,
}

impl Server {
    pub fn start(extra_args: &[&str]) -> Server {
        use std::io::{BufRead, BufReader};
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dialogue-graph"))
            .current_dir(repo())
            .args(["serve", "--bind", "127.0.0.1:0"])
            .args(extra_args)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let mut lines = BufReader::new(stderr).lines();
        let url = loop {
            let line = lines
                .next()
                .expect("server exited before it was ready")
                .unwrap();
            if let Some(rest) = line.split(" on http://").nth(1) {
                break format!("http://{}", rest.split('/').next().unwrap());
            }
        };
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, url }
    }

    pub fn get(&self, path: &str) -> reqwest::blocking::RequestBuilder {
        reqwest::blocking::Client::new().get(format!("{}{}", self.url, path))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
