//! The HTTP server: one axum router over the dataset, one module per resource.
//! Handlers stay thin; the work is done by plain functions in the library
//! modules, which the tests call directly.

pub mod admin;
pub mod assets;
pub mod cache;
pub mod classes;
pub mod dumps;
pub mod fragments;
pub mod graph_store;
pub mod health;
pub mod home;
pub mod http_cache;
pub mod metrics;
pub mod ontology;
pub mod queries;
pub mod resource;
pub mod response_cache;
pub mod search;
pub mod sparql;
pub mod void;

use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::cors::{Any, CorsLayer};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;

use crate::error::{Error, Result};
use crate::examples::Example;
use crate::store::Dataset;

/// Limits and switches of the server that an operator sets on the command line.
#[derive(Clone, Debug)]
pub struct Settings {
    /// A query still running after this long is stopped and answered with 503.
    pub query_timeout: Duration,
    /// At most this many rows (SELECT) or triples (CONSTRUCT) per result;
    /// `None` for no cap. A cut result says so in a response header.
    pub max_rows: Option<usize>,
    /// Largest request body accepted (a POSTed query or update).
    pub max_body_bytes: usize,
    /// Allow SPARQL `SERVICE` to fetch remote endpoints (off: it would let
    /// anyone make the server send requests to any URL).
    pub allow_service: bool,
    /// SPARQL Update is accepted only with `Authorization: Bearer <token>`;
    /// `None` makes the endpoint read-only.
    pub update_token: Option<String>,
    /// How many queries may run at once; more wait (up to the timeout).
    pub concurrent_queries: usize,
    /// Requests per second per client address, and the burst allowed;
    /// `None` for no limit.
    pub rate_limit: Option<(u64, u32)>,
    /// Queries taking at least this long are logged with their text;
    /// `None` logs none.
    pub slow_query: Option<Duration>,
    /// How long a shutdown waits for requests in flight before exiting.
    pub shutdown_timeout: Duration,
    /// Memory for rendered pages and data documents (0 turns it off).
    pub response_cache_bytes: u64,
    /// The directory the dump files are written to; each data version's
    /// files go in a subdirectory of their own, removed when replaced.
    pub dump_dir: PathBuf,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            query_timeout: Duration::from_secs(10),
            max_rows: Some(10_000),
            max_body_bytes: 1024 * 1024,
            allow_service: false,
            update_token: None,
            concurrent_queries: 2 * std::thread::available_parallelism().map_or(2, |n| n.get()),
            rate_limit: None,
            slow_query: Some(Duration::from_secs(1)),
            shutdown_timeout: Duration::from_secs(10),
            response_cache_bytes: 64 << 20,
            dump_dir: std::env::temp_dir().join("dialogue-graph-dumps"),
        }
    }
}

/// What every handler can see.
pub struct AppState {
    /// The data now served; `None` while the first load is still running.
    /// Handlers take a snapshot with [`AppState::dataset`] and keep it for the
    /// whole request, so a reload never changes the data under a request.
    current: RwLock<Option<Dataset>>,
    /// Where a reload reads the data from (`None` for a persistent store,
    /// which changes through SPARQL Update instead).
    reload_from: Option<ReloadSource>,
    /// Held while a reload builds its new store, so two never run at once.
    reloading: tokio::sync::Mutex<()>,
    pub settings: Settings,
    pub examples: Vec<Example>,
    /// One permit per query allowed to run at once.
    pub query_slots: Arc<Semaphore>,
    /// The dump files of the current data version, built on first use.
    pub dumps: cache::VersionCache<crate::dumps::Dumps>,
    /// Counts of the dataset (VoID, class lists, sitemap, home page).
    pub stats: cache::VersionCache<crate::description::DatasetStats>,
    /// Triples per named graph (service description).
    pub graph_sizes: cache::VersionCache<crate::description::GraphSizes>,
    /// Every dated event, sorted (the timelines on the home and event pages).
    pub dated_events: cache::VersionCache<crate::pictures::DatedEvents>,
    /// How entity pages group and order properties (from the SHACL shapes).
    pub page_layout: cache::VersionCache<crate::pages::PageLayout>,
    /// The full-text index of entity names (`/search`).
    pub search_index: cache::VersionCache<crate::search::SearchIndex>,
    /// Counters and histograms served at `/metrics`.
    pub metrics: metrics::Metrics,
    /// Rendered pages and data documents of the current data version.
    pub responses: response_cache::ResponseCache,
    /// How many triples match each triple pattern asked at `/fragments`,
    /// keyed by data version and pattern.
    pub fragment_counts: quick_cache::sync::Cache<String, crate::fragments::Count>,
}

/// The files a reload builds a fresh in-memory store from.
#[derive(Clone, Debug)]
pub struct ReloadSource {
    pub sources: crate::config::Sources,
    pub base: crate::config::BaseIri,
}

/// What a successful reload did.
#[derive(Debug)]
pub struct ReloadReport {
    pub triples: usize,
    pub version: String,
    pub elapsed: Duration,
}

impl AppState {
    /// A state serving `dataset` from the start.
    pub fn new(dataset: Dataset, settings: Settings, examples: Vec<Example>) -> Self {
        let state = Self::loading(settings, examples, None);
        state.install(dataset);
        state
    }

    /// A state with no data yet: every data route answers 503 and `/readyz`
    /// says "loading" until [`AppState::install`] is called.
    pub fn loading(
        settings: Settings,
        examples: Vec<Example>,
        reload_from: Option<ReloadSource>,
    ) -> Self {
        let query_slots = Arc::new(Semaphore::new(settings.concurrent_queries.max(1)));
        let settings_cache_bytes = settings.response_cache_bytes;
        Self {
            current: RwLock::new(None),
            reload_from,
            reloading: tokio::sync::Mutex::new(()),
            settings,
            examples,
            query_slots,
            dumps: Default::default(),
            stats: Default::default(),
            graph_sizes: Default::default(),
            dated_events: Default::default(),
            page_layout: Default::default(),
            search_index: Default::default(),
            metrics: metrics::Metrics::default(),
            responses: response_cache::ResponseCache::new(settings_cache_bytes),
            fragment_counts: quick_cache::sync::Cache::new(10_000),
        }
    }

    /// The data now served (a cheap handle: the store itself is shared).
    pub fn dataset(&self) -> Result<Dataset> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .ok_or(Error::Loading)
    }

    /// Serves `dataset` from now on; requests already running keep the one
    /// they took.
    pub fn install(&self, dataset: Dataset) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(dataset);
    }

    /// Builds a new store from the source files aside and swaps it in. If any
    /// file fails, the error says which and the data served stays as it was.
    pub async fn reload(self: &Arc<Self>) -> Result<ReloadReport> {
        let Some(source) = self.reload_from.clone() else {
            if self.dataset().is_ok_and(|d| d.is_remote()) {
                return Err(Error::Conflict(
                    "this server serves a remote SPARQL engine: change the data there; pages follow within --sparql-refresh seconds".to_owned(),
                ));
            }
            return Err(Error::Conflict(
                "this server serves a persistent store: change it with SPARQL Update, or stop the server, run `dialogue-graph load` and start it again".to_owned(),
            ));
        };
        let Ok(_guard) = self.reloading.try_lock() else {
            return Err(Error::Conflict("a reload is already running".to_owned()));
        };
        let started = std::time::Instant::now();
        let built = tokio::task::spawn_blocking(move || {
            let dataset = Dataset::from_sources(&source.sources, &source.base)?;
            let triples = dataset.len()?;
            Ok::<_, Error>((dataset, triples))
        })
        .await
        .map_err(|e| Error::ReloadFailed(e.to_string()))?;
        let (dataset, triples) = built.map_err(|e| Error::ReloadFailed(e.to_string()))?;
        let version = dataset.version().tag.to_string();
        self.warm_up(&dataset).await;
        self.install(dataset);
        Ok(ReloadReport {
            triples,
            version,
            elapsed: started.elapsed(),
        })
    }
}

pub type SharedState = Arc<AppState>;

impl AppState {
    /// Every dated event of the data now served, for timelines.
    pub async fn dated_events(
        self: &Arc<Self>,
        dataset: &Dataset,
    ) -> Result<Arc<crate::pictures::DatedEvents>> {
        let worker = dataset.clone();
        self.dated_events
            .get(
                dataset.version(),
                &self.metrics,
                "dated_events",
                move || crate::pictures::dated_events(&worker),
            )
            .await
    }

    /// The search index of the data now served, built on first use.
    pub async fn search_index(
        self: &Arc<Self>,
        dataset: &Dataset,
    ) -> Result<Arc<crate::search::SearchIndex>> {
        let worker = dataset.clone();
        self.search_index
            .get(
                dataset.version(),
                &self.metrics,
                "search_index",
                move || {
                    let started = std::time::Instant::now();
                    let index = crate::search::SearchIndex::build(&worker)?;
                    tracing::info!(
                        documents = index.documents,
                        seconds = started.elapsed().as_secs_f64(),
                        "search index built"
                    );
                    Ok(index)
                },
            )
            .await
    }

    /// The page layout the shapes of the data now served describe.
    pub async fn page_layout(
        self: &Arc<Self>,
        dataset: &Dataset,
    ) -> Result<Arc<crate::pages::PageLayout>> {
        let worker = dataset.clone();
        self.page_layout
            .get(dataset.version(), &self.metrics, "page_layout", move || {
                crate::pages::PageLayout::from_shapes(&worker)
            })
            .await
    }

    /// Builds what the first page of a new data version would otherwise
    /// wait for (the sorted event list: 0.8 s at a million triples), before
    /// the data is served. A failure is logged; the first page retries.
    pub async fn warm_up(self: &Arc<Self>, dataset: &Dataset) {
        if let Err(e) = self.dated_events(dataset).await {
            tracing::warn!(error = %e, "cannot list the dated events ahead of time");
        }
        // The search index is built in the background: a big graph's takes
        // seconds, and the data is served meanwhile (a search waits for it).
        let state = self.clone();
        let dataset = dataset.clone();
        tokio::spawn(async move {
            if let Err(e) = state.search_index(&dataset).await {
                tracing::warn!(error = %e, "cannot build the search index ahead of time");
            }
        });
    }

    /// The dataset's counts for the data now served.
    pub async fn stats(self: &Arc<Self>) -> Result<Arc<crate::description::DatasetStats>> {
        let dataset = self.dataset()?;
        let version = dataset.version();
        self.stats
            .get(version, &self.metrics, "stats", move || {
                crate::description::DatasetStats::compute(&dataset)
            })
            .await
    }
}

pub fn router(state: SharedState) -> Router {
    let max_body = state.settings.max_body_bytes;
    let rate_limit = state.settings.rate_limit;
    let router = Router::new()
        .route("/", get(home::get))
        .route("/sparql", get(sparql::get).post(sparql::post))
        .route("/queries", get(queries::get))
        .route("/fragments", get(fragments::get))
        .route(
            "/store",
            get(graph_store::get)
                .put(graph_store::put)
                .post(graph_store::post)
                .delete(graph_store::delete),
        )
        .route("/search", get(search::get))
        .route("/id/{*path}", get(resource::id))
        .route("/page/{*path}", get(resource::page))
        .route("/data/{*path}", get(resource::data))
        .route("/classes", get(classes::index))
        .route("/class/{curie}", get(classes::class))
        .route("/ontology", get(ontology::ontology))
        .route("/ontology.ttl", get(ontology::ontology_turtle))
        .route("/ns", get(ontology::namespace))
        .route("/context.jsonld", get(ontology::context))
        .route("/dumps", get(dumps::redirect_to_index))
        .route("/dumps/", get(dumps::index))
        .route("/dumps/{file}", get(dumps::file))
        .route("/.well-known/void", get(void::get))
        .route("/sitemap.xml", get(classes::sitemap))
        .route("/assets/{file}", get(assets::get))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::get))
        .route("/admin/reload", axum::routing::post(admin::reload))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::record,
        ))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(cors())
        // Compress what is asked for, but not what is already gzip, nor a
        // byte range of a file (its offsets refer to the uncompressed bytes).
        .layer(
            CompressionLayer::new().compress_when(
                DefaultPredicate::new()
                    .and(NotForContentType::const_new("application/gzip"))
                    .and(
                        |status: axum::http::StatusCode,
                         _: axum::http::Version,
                         _: &axum::http::HeaderMap,
                         _: &axum::http::Extensions| {
                            status != axum::http::StatusCode::PARTIAL_CONTENT
                        },
                    ),
            ),
        )
        .layer(axum::middleware::from_fn(finish_response))
        // Every request gets an id (or keeps the caller's), logged with it
        // and sent back, so a user's report can be matched to the logs.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
                let id = request
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                tracing::info_span!("request", method = %request.method(), uri = %request.uri(), id)
            }),
        )
        .layer(SetRequestIdLayer::x_request_id(RequestIds::default()))
        .with_state(state);
    let Some((per_second, burst)) = rate_limit else {
        return router;
    };
    // A per-client-address limit: `burst` requests at once, refilled at
    // `per_second`; past it, 429 with Retry-After.
    let mut builder = tower_governor::governor::GovernorConfigBuilder::default();
    builder
        .per_millisecond((1000 / per_second.max(1)).max(1))
        .burst_size(burst.max(1));
    let Some(config) = builder.finish() else {
        return router;
    };
    let config = Arc::new(config);
    // Forget clients that have gone quiet, so the table stays small.
    let limiter = config.limiter().clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            limiter.retain_recent();
        }
    });
    router.layer(
        tower_governor::GovernorLayer::new(config).error_handler(|error| {
            let wait = match error {
                tower_governor::GovernorError::TooManyRequests { wait_time, .. } => {
                    wait_time.max(1)
                }
                _ => 1,
            };
            let mut response = (
                axum::http::StatusCode::TOO_MANY_REQUESTS,
                format!("too many requests from your address: try again in {wait} s\n"),
            )
                .into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(wait));
            response
        }),
    )
}

/// Headers that keep browsers safe on every response: no inline or foreign
/// scripts (the editor's script is a file), no MIME sniffing, no framing, and
/// referrers only to this origin in full. A handler may set its own.
const SECURITY_HEADERS: [(HeaderName, &str); 3] = [
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    ),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
];

/// Middleware: what every response gets on its way out, in one pass (each
/// separate layer costs a few percent of the throughput of a cached page).
async fn finish_response(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    // Kept (a cheap shared copy) for the rare error page below.
    let accept = request.headers().get(header::ACCEPT).cloned();
    let mut response = next.run(request).await;
    if matches!(
        response.status(),
        axum::http::StatusCode::BAD_GATEWAY
            | axum::http::StatusCode::SERVICE_UNAVAILABLE
            | axum::http::StatusCode::GATEWAY_TIMEOUT
    ) {
        response = unavailable_page(response, accept.as_ref()).await;
    }
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    http_cache::tag_encoding(&mut response);
    response
}

/// A plain-text 502, 503 or 504 as an HTML page for a browser (its message
/// inside), so a reader meets a page that says what happened, not bare text.
async fn unavailable_page(
    response: axum::response::Response,
    accept: Option<&HeaderValue>,
) -> axum::response::Response {
    let wants_html = accept
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/plain"));
    if !(wants_html && plain) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return axum::response::Response::from_parts(parts, axum::body::Body::empty());
    };
    let title = match parts.status {
        axum::http::StatusCode::BAD_GATEWAY => "The data cannot be reached",
        axum::http::StatusCode::GATEWAY_TIMEOUT => "The data took too long to answer",
        _ => "Not available right now",
    };
    // The message as a sentence: capital first.
    let text = String::from_utf8_lossy(&bytes);
    let text = text.trim();
    let mut chars = text.chars();
    let message = chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    let page = UnavailablePage { title, message };
    let Ok(html) = askama::Template::render(&page) else {
        return axum::response::Response::from_parts(parts, axum::body::Body::from(bytes));
    };
    let mut response = axum::response::Response::from_parts(parts, axum::body::Body::from(html));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response.headers_mut().remove(header::CONTENT_LENGTH);
    response
}

#[derive(askama::Template)]
#[template(path = "unavailable.html")]
struct UnavailablePage {
    title: &'static str,
    message: String,
}

impl UnavailablePage {
    /// The language of the site's own words on this page (menu, footer).
    fn ui(&self) -> crate::pages::Lang {
        crate::pages::Lang::En
    }
}

/// Request ids: a random prefix per process and a counter. Unique within a
/// run and across restarts, without the system call per request that a
/// random UUID costs.
#[derive(Clone)]
struct RequestIds {
    prefix: Arc<str>,
    next: Arc<std::sync::atomic::AtomicU64>,
}

impl Default for RequestIds {
    fn default() -> Self {
        use std::hash::BuildHasher;
        // std's hasher keys are random per process: a cheap random number.
        let random = std::collections::hash_map::RandomState::new().hash_one(std::process::id());
        Self {
            prefix: format!("{random:016x}").into(),
            next: Arc::default(),
        }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{n}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

/// Web applications on any origin may query the endpoint (read-only data);
/// the preflight allows the headers SPARQL clients send.
/// A rendered HTML page, labelled with the language it is written in.
pub(super) fn html_in(html: String, lang: crate::pages::Lang) -> axum::response::Response {
    let mut response = axum::response::Html(html).into_response();
    response.headers_mut().insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.html()),
    );
    response
}

fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::HEAD, Method::OPTIONS])
        .allow_headers([header::ACCEPT, header::CONTENT_TYPE, header::AUTHORIZATION])
        .expose_headers([
            HeaderName::from_static(sparql::RESULT_LIMIT),
            HeaderName::from_static(sparql::RESULT_TRUNCATED),
        ])
        .max_age(Duration::from_secs(86_400))
        // The allowed origin is `*`, the same for every caller, so the
        // answer does not vary by Origin: no Vary header (caches keep one copy).
        .vary([])
}

/// How long a client may take to send a request's head (request line and
/// headers): a slow client cannot hold a connection open by trickling bytes.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest request head (URL and headers) accepted; bigger ones get 431.
/// Long queries go in a POST body (up to `--max-body-bytes`).
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Serves until Ctrl-C or SIGTERM, then lets requests in flight finish, for
/// at most `settings.shutdown_timeout`. SIGHUP reloads the data.
///
/// The accept loop is hyper's own rather than `axum::serve`, because that
/// one has no timeout for reading request heads.
pub async fn serve(listener: TcpListener, state: SharedState) -> Result<()> {
    let bound = state.settings.shutdown_timeout;
    #[cfg(unix)]
    tokio::spawn(reload_on_hangup(state.clone()));
    serve_router(listener, router(state), bound).await
}

/// The accept loop of [`serve`], for any router (the benchmarks measure
/// its cost on a constant response).
pub async fn serve_router(listener: TcpListener, app: Router, bound: Duration) -> Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::server::graceful::GracefulShutdown;
    use hyper_util::service::TowerToHyperService;
    use tower::ServiceExt as _;

    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .max_buf_size(MAX_HEAD_BYTES);
    builder.http2().timer(TokioTimer::new());
    let graceful = GracefulShutdown::new();
    let stop = shutdown_signal();
    tokio::pin!(stop);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(connection) => connection,
                // Out of file descriptors and the like: wait, do not spin.
                Err(e) => {
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        // The client's address travels with each request, for the rate limit.
        let service =
            app.clone()
                .map_request(move |mut request: hyper::Request<hyper::body::Incoming>| {
                    request
                        .extensions_mut()
                        .insert(axum::extract::ConnectInfo(remote));
                    request
                });
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service))
            .into_owned();
        let watched = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = watched.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    // No new connections; those open finish their requests in flight.
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(bound) => {
            tracing::warn!(
                seconds = bound.as_secs_f64(),
                "requests still in flight after the shutdown timeout: exiting anyway"
            );
            eprintln!("dialogue-graph: requests still in flight after the shutdown timeout: exiting anyway");
        }
    }
    Ok(())
}

/// Reloads the data on every SIGHUP (`systemctl reload`, `kill -HUP`).
#[cfg(unix)]
async fn reload_on_hangup(state: SharedState) {
    use tokio::signal::unix::{SignalKind, signal};
    let Ok(mut hangups) = signal(SignalKind::hangup()) else {
        tracing::warn!("cannot listen for SIGHUP: reload with POST /admin/reload instead");
        return;
    };
    while hangups.recv().await.is_some() {
        tracing::info!("SIGHUP: reloading the data");
        // The outcome is logged and counted; the old data stays on failure.
        let _ = admin::reload_and_log(&state).await;
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
    eprintln!("dialogue-graph: shutting down, finishing requests in flight");
}
