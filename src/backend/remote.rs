//! A remote SPARQL 1.1 endpoint as the backend (`serve --sparql-endpoint`).
//!
//! Every read is a SPARQL query sent with GET (so HTTP caches between this
//! server and the engine can answer repeats; long queries go as a POST
//! form). Results are parsed as they arrive and handed on as Oxigraph's own
//! result types, so the endpoint, pages and dumps treat them exactly like
//! the embedded store's. The queries the publisher itself sends are in
//! the feature modules (each beside its index-lookup twin) and in the
//! pattern lookups below.
//!
//! Failures are sorted for the client: an engine that cannot be reached is
//! 502, one that does not answer in time is 504, and an engine's own error
//! message is passed on (502). Nothing is kept between requests but pooled
//! connections, so when the engine comes back the next request just works.

use std::time::Duration;

use oxigraph::model::{
    GraphName, GraphNameRef, NamedNode, NamedNodeRef, NamedOrBlankNode, NamedOrBlankNodeRef, Quad,
    Term, TermRef,
};
use oxigraph::sparql::{QueryEvaluationError, QueryResults, QuerySolutionIter, QueryTripleIter};
use reqwest::blocking::{Client, Response};
use reqwest::header::{ACCEPT, CONTENT_TYPE};

use super::engine_answers::{
    ask_answer, checked, engine_message, parse_graph, parse_results, results_error, transport_error,
};
use super::prepared::{PreparedQuery, PreparedUpdate};
use super::{Backend, Quads};
use crate::error::{Error, Result};

/// Rows asked for per request when a lookup may match many quads (a dump
/// reads the whole graph this way). Virtuoso's default cap on one result is
/// 10,000 rows (`ResultSetMaxRows`), so pages never exceed it.
pub const PAGE_ROWS: usize = 10_000;

/// Queries longer than this go as a POST form rather than in the URL:
/// servers and proxies commonly refuse URLs of 8 KiB and more.
const MAX_GET_QUERY_BYTES: usize = 4000;

/// Media types asked for: standard SPARQL results, and graphs in the formats
/// every engine can write.
const RESULTS_ACCEPT: &str =
    "application/sparql-results+json, application/sparql-results+xml;q=0.9";
const GRAPH_ACCEPT: &str =
    "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8, text/plain;q=0.5";

/// How to reach the engine.
#[derive(Clone, Debug)]
pub struct RemoteConfig {
    /// The query endpoint, e.g. `http://127.0.0.1:8890/sparql`.
    pub endpoint: String,
    /// The update endpoint; `None` makes the data read-only here.
    pub update_endpoint: Option<String>,
    /// The graphs that hold the data, sent as the dataset of every query
    /// that names none (`default-graph-uri` and `named-graph-uri`); empty
    /// uses the engine's default graph.
    pub graphs: Vec<NamedNode>,
    /// HTTP Basic credentials.
    pub user: Option<String>,
    pub password: Option<String>,
    /// How long one request (connecting, waiting and reading) may take.
    pub timeout: Duration,
}

/// A SPARQL endpoint elsewhere, queried over HTTP.
pub struct Remote {
    config: RemoteConfig,
    client: Client,
}

impl Remote {
    /// Prepares the connection pool; nothing is sent yet, so a server can
    /// start while its engine is still down. Call outside an async runtime
    /// (a blocking client owns a runtime of its own).
    pub fn new(config: RemoteConfig) -> Result<Self> {
        reqwest::Url::parse(&config.endpoint).map_err(|e| {
            Error::BadRequest(format!(
                "--sparql-endpoint {:?} is not a URL: {e}",
                config.endpoint
            ))
        })?;
        if let Some(update) = &config.update_endpoint {
            reqwest::Url::parse(update).map_err(|e| {
                Error::BadRequest(format!(
                    "--sparql-update-endpoint {update:?} is not a URL: {e}"
                ))
            })?;
        }
        let client = Client::builder()
            .user_agent(concat!("dialogue-graph/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(config.timeout.min(Duration::from_secs(5)))
            .timeout(config.timeout)
            .build()
            .map_err(|e| Error::BackendUnavailable(format!("cannot set up HTTP: {e}")))?;
        Ok(Self { config, client })
    }

    pub fn config(&self) -> &RemoteConfig {
        &self.config
    }

    /// Sends a query with the given dataset and `Accept`, and checks the
    /// answer's status.
    fn send(
        &self,
        query: &str,
        default_graphs: &[NamedNode],
        named_graphs: &[NamedNode],
        accept: &str,
    ) -> Result<Response> {
        let mut params: Vec<(&str, &str)> = vec![("query", query)];
        params.extend(
            default_graphs
                .iter()
                .map(|g| ("default-graph-uri", g.as_str())),
        );
        params.extend(named_graphs.iter().map(|g| ("named-graph-uri", g.as_str())));
        let request = if query.len() <= MAX_GET_QUERY_BYTES {
            self.client.get(&self.config.endpoint).query(&params)
        } else {
            self.client.post(&self.config.endpoint).form(&params)
        };
        let request = self.authorise(request).header(ACCEPT, accept);
        let started = std::time::Instant::now();
        let answer = checked(request.send(), &self.config.endpoint);
        // `RUST_LOG=dialogue_graph::backend=debug` shows every query sent
        // and how long the engine took to start answering it.
        tracing::debug!(
            millis = started.elapsed().as_secs_f64() * 1000.0,
            query,
            "SPARQL engine answered"
        );
        answer
    }

    fn authorise(
        &self,
        request: reqwest::blocking::RequestBuilder,
    ) -> reqwest::blocking::RequestBuilder {
        match &self.config.user {
            Some(user) => request.basic_auth(user, self.config.password.as_deref()),
            None => request,
        }
    }

    /// The dataset of a query the publisher sends itself: the configured
    /// graphs, as default graph (merged) and as named graphs.
    fn own_dataset(&self) -> (&[NamedNode], &[NamedNode]) {
        (&self.config.graphs, &self.config.graphs)
    }

    /// Runs a SELECT written here and returns its rows.
    fn select(&self, query: &str) -> Result<QuerySolutionIter<'static>> {
        let (default, named) = self.own_dataset();
        let response = self.send(query, default, named, RESULTS_ACCEPT)?;
        match parse_results(response)? {
            QueryResults::Solutions(solutions) => Ok(solutions),
            _ => Err(Error::Backend(
                "the SPARQL engine answered a SELECT query with something else".to_owned(),
            )),
        }
    }

    /// A number from the first row of a SELECT written here.
    fn count(&self, query: &str) -> Result<usize> {
        for solution in self.select(query)? {
            let solution = solution.map_err(results_error)?;
            if let Some(Term::Literal(n)) = solution.get("n") {
                return n.value().parse().map_err(|_| {
                    Error::Backend(format!("the SPARQL engine counted {:?}", n.value()))
                });
            }
        }
        Ok(0)
    }

    /// The pattern `s p o` in SPARQL (variables where unbound), inside the
    /// right graph clause.
    fn pattern_query(
        &self,
        subject: Option<NamedOrBlankNodeRef<'_>>,
        predicate: Option<NamedNodeRef<'_>>,
        object: Option<TermRef<'_>>,
        graph: Option<GraphNameRef<'_>>,
    ) -> Result<String> {
        let term = |t: Option<TermRef<'_>>, variable: &str| -> Result<String> {
            match t {
                None => Ok(variable.to_owned()),
                Some(TermRef::BlankNode(_)) => Err(Error::Backend(
                    "a blank node cannot be looked up by name over SPARQL".to_owned(),
                )),
                Some(t) => Ok(t.to_string()),
            }
        };
        let triple = format!(
            "{} {} {}",
            term(subject.map(Into::into), "?s")?,
            term(predicate.map(Into::into), "?p")?,
            term(object, "?o")?
        );
        Ok(match graph {
            Some(GraphNameRef::NamedNode(g)) => format!("GRAPH {g} {{ {triple} }}"),
            Some(GraphNameRef::DefaultGraph) => format!("{{ {triple} }}"),
            Some(GraphNameRef::BlankNode(_)) => {
                return Err(Error::Backend(
                    "a blank-node graph cannot be looked up over SPARQL".to_owned(),
                ));
            }
            // With graphs configured, quads keep their graph; without, the
            // engine's default graph is all there is.
            None if self.config.graphs.is_empty() => format!("{{ {triple} }}"),
            None => format!("GRAPH ?g {{ {triple} }}"),
        })
    }
}

impl Backend for Remote {
    fn name(&self) -> String {
        format!("the SPARQL endpoint {}", self.config.endpoint)
    }

    fn cheap_lookups(&self) -> bool {
        false
    }

    fn quads_for_pattern(
        &self,
        subject: Option<NamedOrBlankNodeRef<'_>>,
        predicate: Option<NamedNodeRef<'_>>,
        object: Option<TermRef<'_>>,
        graph: Option<GraphNameRef<'_>>,
    ) -> Quads<'_> {
        let pattern = match self.pattern_query(subject, predicate, object, graph) {
            Ok(p) => p,
            Err(e) => return Box::new(std::iter::once(Err(e))),
        };
        let fixed = (
            subject.map(|s| s.into_owned()),
            predicate.map(|p| p.into_owned()),
            object.map(|o| o.into_owned()),
            graph.map(|g| g.into_owned()),
        );
        Box::new(PagedQuads {
            remote: self,
            pattern,
            fixed,
            offset: 0,
            page: None,
            rows_in_page: 0,
            done: false,
        })
    }

    fn len(&self) -> Result<usize> {
        let pattern = self.pattern_query(None, None, None, None)?;
        self.count(&format!("SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"))
    }

    fn is_empty(&self) -> Result<bool> {
        let pattern = self.pattern_query(None, None, None, None)?;
        let (default, named) = self.own_dataset();
        let response = self.send(
            &format!("ASK {{ {pattern} }}"),
            default,
            named,
            RESULTS_ACCEPT,
        )?;
        Ok(!ask_answer(parse_results(response)?)?)
    }

    fn named_graphs(&self) -> Result<Vec<NamedNode>> {
        Ok(self.config.graphs.clone())
    }

    fn query(&self, prepared: PreparedQuery) -> Result<QueryResults<'static>> {
        let PreparedQuery {
            query,
            options,
            cancellation,
        } = prepared;
        // SERVICE would make the engine fetch other servers on a user's
        // behalf: the same policy as the embedded store.
        if !options.allow_service && query.to_sse().contains("(service ") {
            return Err(Error::Forbidden(
                "SERVICE federation is disabled on this endpoint (the operator can enable it with --allow-service)".to_owned(),
            ));
        }
        let names_its_dataset = match &query {
            spargebra::Query::Select { dataset, .. }
            | spargebra::Query::Construct { dataset, .. }
            | spargebra::Query::Describe { dataset, .. }
            | spargebra::Query::Ask { dataset, .. } => dataset.is_some(),
        };
        // The protocol's graphs win; then the query's own FROM; else the
        // configured graphs, so a plain query sees exactly the data served.
        let (default, named): (&[NamedNode], &[NamedNode]) =
            if !options.default_graphs.is_empty() || !options.named_graphs.is_empty() {
                (&options.default_graphs, &options.named_graphs)
            } else if names_its_dataset {
                (&[], &[])
            } else {
                self.own_dataset()
            };
        let graph_form = matches!(
            query,
            spargebra::Query::Construct { .. } | spargebra::Query::Describe { .. }
        );
        let text = query.to_string();
        let accept = if graph_form {
            GRAPH_ACCEPT
        } else {
            RESULTS_ACCEPT
        };
        let response = self.send(&text, default, named, accept)?;
        // A stopped query stops reading the engine's answer too.
        let stopped = move || cancellation.is_cancelled();
        if graph_form {
            let triples = parse_graph(response)?;
            let iter = triples.map(move |triple| {
                if stopped() {
                    return Err(QueryEvaluationError::Cancelled);
                }
                triple
            });
            return Ok(QueryResults::Graph(QueryTripleIter::new(iter)));
        }
        if matches!(query, spargebra::Query::Ask { .. }) {
            return Ok(QueryResults::Boolean(ask_answer(parse_results(response)?)?));
        }
        Ok(match parse_results(response)? {
            QueryResults::Solutions(solutions) => {
                let variables = solutions.variables().to_vec().into();
                QueryResults::Solutions(QuerySolutionIter::new(
                    variables,
                    solutions.map(move |solution| {
                        if stopped() {
                            return Err(QueryEvaluationError::Cancelled);
                        }
                        solution
                    }),
                ))
            }
            other => other,
        })
    }

    fn update(&self, prepared: PreparedUpdate) -> Result<()> {
        let Some(endpoint) = &self.config.update_endpoint else {
            return Err(Error::Forbidden(
                "this server forwards no updates to its SPARQL engine (the operator can name one with --sparql-update-endpoint)".to_owned(),
            ));
        };
        let mut params: Vec<(&str, &str)> = Vec::new();
        params.extend(
            prepared
                .options
                .default_graphs
                .iter()
                .map(|g| ("using-graph-uri", g.as_str())),
        );
        params.extend(
            prepared
                .options
                .named_graphs
                .iter()
                .map(|g| ("using-named-graph-uri", g.as_str())),
        );
        let request = self
            .client
            .post(endpoint)
            .query(&params)
            .header(CONTENT_TYPE, "application/sparql-update")
            .body(prepared.update.to_string());
        let response = self
            .authorise(request)
            .send()
            .map_err(|e| transport_error(&e, endpoint))?;
        // An update the engine refuses is the client's to fix: its 4xx is
        // passed on with its message; anything else is the gateway's 502.
        if response.status().is_client_error() {
            return Err(refused_update(response, endpoint));
        }
        checked(Ok(response), endpoint)?;
        Ok(())
    }
}

/// The quads of one pattern, read a page of [`PAGE_ROWS`] at a time.
struct PagedQuads<'a> {
    remote: &'a Remote,
    pattern: String,
    fixed: (
        Option<NamedOrBlankNode>,
        Option<NamedNode>,
        Option<Term>,
        Option<GraphName>,
    ),
    offset: usize,
    page: Option<QuerySolutionIter<'static>>,
    rows_in_page: usize,
    done: bool,
}

impl PagedQuads<'_> {
    fn quad(&self, solution: &oxigraph::sparql::QuerySolution) -> Result<Quad> {
        let missing = |name: &str| {
            Error::Backend(format!(
                "the SPARQL engine left ?{name} unbound in a triple pattern"
            ))
        };
        let subject = match &self.fixed.0 {
            Some(s) => s.clone(),
            None => match solution.get("s") {
                Some(Term::NamedNode(n)) => n.clone().into(),
                Some(Term::BlankNode(b)) => b.clone().into(),
                _ => return Err(missing("s")),
            },
        };
        let predicate = match &self.fixed.1 {
            Some(p) => p.clone(),
            None => match solution.get("p") {
                Some(Term::NamedNode(n)) => n.clone(),
                _ => return Err(missing("p")),
            },
        };
        let object = match &self.fixed.2 {
            Some(o) => o.clone(),
            None => solution.get("o").cloned().ok_or_else(|| missing("o"))?,
        };
        let graph = match &self.fixed.3 {
            Some(g) => g.clone(),
            None => match solution.get("g") {
                Some(Term::NamedNode(n)) => n.clone().into(),
                _ => GraphName::DefaultGraph,
            },
        };
        Ok(Quad::new(subject, predicate, object, graph))
    }
}

impl Iterator for PagedQuads<'_> {
    type Item = Result<Quad>;

    fn next(&mut self) -> Option<Result<Quad>> {
        loop {
            if self.done {
                return None;
            }
            if let Some(page) = &mut self.page {
                match page.next() {
                    Some(Ok(solution)) => {
                        self.rows_in_page += 1;
                        return Some(self.quad(&solution));
                    }
                    Some(Err(e)) => {
                        self.done = true;
                        return Some(Err(results_error(e)));
                    }
                    None => {
                        // A short page is the last one.
                        if self.rows_in_page < PAGE_ROWS {
                            self.done = true;
                            return None;
                        }
                        self.offset += PAGE_ROWS;
                        self.page = None;
                    }
                }
            }
            // No ORDER BY: sorting a whole graph costs the engine more than
            // the dump itself, and engines return the same plan's rows in the
            // same order from one page to the next.
            let query = format!(
                "SELECT * WHERE {{ {} }} LIMIT {PAGE_ROWS} OFFSET {}",
                self.pattern, self.offset
            );
            match self.remote.select(&query) {
                Ok(page) => {
                    self.page = Some(page);
                    self.rows_in_page = 0;
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
    }
}

/// The engine's 4xx answer to an update, with its message.
fn refused_update(response: Response, endpoint: &str) -> Error {
    let status = response.status().as_u16();
    let message = engine_message(response);
    tracing::warn!(%endpoint, status, %message, "the SPARQL engine refused an update");
    Error::BackendRefused { status, message }
}
