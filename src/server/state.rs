//! What every handler can see: the operator's settings, the data being
//! served (swapped whole on a reload or update), and the caches kept per
//! data version.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::error::{Error, Result};
use crate::example_queries::Example;
use crate::store::Dataset;

use super::{cache, metrics, response_cache};

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
    /// What SPARQL Update's LOAD may fetch (`--allow-load-from`).
    pub load_policy: crate::sparql::url_load::LoadPolicy,
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
            load_policy: Default::default(),
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
    pub dumps: cache::VersionCache<crate::dump_files::Dumps>,
    /// Counts of the dataset (VoID, class lists, sitemap, home page).
    pub stats: cache::VersionCache<crate::dataset_description::DatasetStats>,
    /// Triples per named graph (service description).
    pub graph_sizes: cache::VersionCache<crate::dataset_description::GraphSizes>,
    /// Every dated event, sorted (the timelines on the home and event pages).
    pub dated_events: cache::VersionCache<crate::pictures::DatedEvents>,
    /// How entity pages group and order properties (from the SHACL shapes).
    pub page_layout: cache::VersionCache<crate::entity::page_view::PageLayout>,
    /// The full-text index of entity names (`/search`).
    pub search_index: cache::VersionCache<crate::search_index::SearchIndex>,
    /// Counters and histograms served at `/metrics`.
    pub metrics: metrics::Metrics,
    /// Rendered pages and data documents of the current data version.
    pub responses: response_cache::ResponseCache,
    /// How many triples match each triple pattern asked at `/fragments`,
    /// keyed by data version and pattern.
    pub fragment_counts: quick_cache::sync::Cache<String, crate::pattern_fragments::Count>,
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
    ) -> Result<Arc<crate::search_index::SearchIndex>> {
        let worker = dataset.clone();
        self.search_index
            .get(
                dataset.version(),
                &self.metrics,
                "search_index",
                move || {
                    let started = std::time::Instant::now();
                    let index = crate::search_index::SearchIndex::build(&worker)?;
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
    ) -> Result<Arc<crate::entity::page_view::PageLayout>> {
        let worker = dataset.clone();
        self.page_layout
            .get(dataset.version(), &self.metrics, "page_layout", move || {
                crate::entity::page_view::PageLayout::from_shapes(&worker)
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

    /// The counts of `dataset`: the request's snapshot, so its counts and
    /// its ETag describe the same data version.
    pub async fn stats(
        self: &Arc<Self>,
        dataset: &Dataset,
    ) -> Result<Arc<crate::dataset_description::DatasetStats>> {
        let version = dataset.version();
        let dataset = dataset.clone();
        self.stats
            .get(version, &self.metrics, "stats", move || {
                crate::dataset_description::DatasetStats::compute(&dataset)
            })
            .await
    }
}
