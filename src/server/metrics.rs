//! Prometheus metrics at `/metrics`: requests by route and status, their
//! latencies, requests in flight, SPARQL timeouts and slow queries, cache
//! hits and reloads.
//!
//! The route label is axum's route template (`/page/{*path}`), never the raw
//! path, so a crawler cannot make the number of series grow without bound.
//! Latency is measured to the response head: a streamed SPARQL result or dump
//! body may keep flowing after it.

use axum::extract::MatchedPath;
use axum::http::Method;
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::error::{Error, Result};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: &'static str,
    pub route: Route,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub route: Route,
}

/// A route template as a label value. It shares axum's own string, so
/// counting a request allocates nothing.
#[derive(Clone, Debug)]
pub struct Route(pub Option<MatchedPath>);

impl Route {
    pub fn as_str(&self) -> &str {
        self.0.as_ref().map_or("unmatched", MatchedPath::as_str)
    }
}

impl PartialEq for Route {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Route {}

impl std::hash::Hash for Route {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl EncodeLabelValue for Route {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> std::fmt::Result {
        self.as_str().encode(encoder)
    }
}

/// The method as a label: the usual ones by name, anything else as "other"
/// (so odd methods cannot add series).
pub(super) fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::OPTIONS => "OPTIONS",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        _ => "other",
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CacheLabels {
    pub cache: &'static str,
    pub result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    pub outcome: String,
}

/// Every metric the server keeps, and the registry that encodes them.
pub struct Metrics {
    registry: Registry,
    pub requests: Family<RequestLabels, Counter>,
    pub latency: Family<RouteLabels, Histogram>,
    pub in_flight: Gauge,
    pub query_timeouts: Counter,
    pub slow_queries: Counter,
    pub cache: Family<CacheLabels, Counter>,
    pub reloads: Family<OutcomeLabels, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("dialogue_graph");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status",
            requests.clone(),
        );
        // 0.25 ms to about 8 s.
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.000_25, 2.0, 16))
        });
        registry.register(
            "http_request_duration_seconds",
            "Time to the response head, by route template",
            latency.clone(),
        );
        let in_flight = Gauge::default();
        registry.register(
            "http_requests_in_flight",
            "Requests received and not yet answered (to the response head)",
            in_flight.clone(),
        );
        let query_timeouts = Counter::default();
        registry.register(
            "sparql_query_timeouts",
            "SPARQL queries stopped by the query timeout",
            query_timeouts.clone(),
        );
        let slow_queries = Counter::default();
        registry.register(
            "sparql_slow_queries",
            "SPARQL queries slower than the slow-query threshold (each one is logged)",
            slow_queries.clone(),
        );
        let cache = Family::<CacheLabels, Counter>::default();
        registry.register(
            "cache_lookups",
            "Lookups of values cached per data version, by cache and hit or miss",
            cache.clone(),
        );
        let reloads = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "reloads",
            "Data reloads, by outcome (ok or failed)",
            reloads.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            in_flight,
            query_timeouts,
            slow_queries,
            cache,
            reloads,
        }
    }
}

impl Metrics {
    /// Counts one lookup in the cache called `cache`.
    pub fn cache_lookup(&self, cache: &'static str, hit: bool) {
        self.cache
            .get_or_create(&CacheLabels {
                cache,
                result: if hit { "hit" } else { "miss" },
            })
            .inc();
    }

    /// The metrics in the OpenMetrics text format.
    pub fn encode(&self) -> Result<String> {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)
            .map_err(|e| Error::Internal(format!("cannot encode metrics: {e}")))?;
        Ok(text)
    }
}
