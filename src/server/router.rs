//! The route table, one line per URL ([`routes`]), and the layers every
//! response passes through (compression, CORS, request ids, limits, tracing).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use super::middleware::{RequestIds, cors, finish_response, record};
use super::state::SharedState;
use super::{
    admin, assets, classes, dumps, endpoint, fragments, graph_store, health, home, ontology,
    queries, resource, search, void,
};

/// The whole application: the route table inside the layers every response
/// passes through, and (if configured) the per-client rate limit.
pub fn router(state: SharedState) -> Router {
    let rate_limit = state.settings.rate_limit;
    let router = with_layers(routes(), state);
    match rate_limit {
        Some((per_second, burst)) => rate_limited(router, per_second, burst),
        None => router,
    }
}

/// One line per URL: the handler behind each.
fn routes() -> Router<SharedState> {
    Router::new()
        .route("/", get(home::get))
        .route("/sparql", get(endpoint::get).post(endpoint::post))
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
        .route("/metrics", get(health::metrics))
        .route("/admin/reload", axum::routing::post(admin::reload))
}

/// Metrics, body limit, CORS, compression, headers, request ids and tracing.
fn with_layers(routes: Router<SharedState>, state: SharedState) -> Router {
    let max_body = state.settings.max_body_bytes;
    routes
        .layer(axum::middleware::from_fn_with_state(state.clone(), record))
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
        .with_state(state)
}

/// A per-client-address limit: `burst` requests at once, refilled at
/// `per_second`; past it, 429 with Retry-After.
fn rate_limited(router: Router, per_second: u64, burst: u32) -> Router {
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
