//! Middleware: the metrics of every request, the headers every response gets
//! on its way out, the page a browser sees for an unavailable engine, request
//! ids, and CORS.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::metrics::gauge::Gauge;
use tower_http::cors::{Any, CorsLayer};
use tower_http::request_id::{MakeRequestId, RequestId};

use super::SharedState;
use super::metrics::{RequestLabels, Route, RouteLabels, method_label};
use super::{endpoint, http_cache};

/// One request counted in flight until it is answered, or dropped unanswered
/// (the client went away, the server stopped waiting).
struct InFlight(Gauge);

impl InFlight {
    fn start(gauge: &Gauge) -> Self {
        gauge.inc();
        Self(gauge.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Middleware: counts every request, in flight and answered, and times it to
/// the response head.
pub async fn record(State(state): State<SharedState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let in_flight = InFlight::start(&state.metrics.in_flight);
    let method = method_label(request.method());
    let route = Route(request.extensions().get::<MatchedPath>().cloned());
    let response = next.run(request).await;
    drop(in_flight);
    let metrics = &state.metrics;
    metrics
        .latency
        .get_or_create(&RouteLabels {
            route: route.clone(),
        })
        .observe(started.elapsed().as_secs_f64());
    metrics
        .requests
        .get_or_create(&RequestLabels {
            method,
            route,
            status: response.status().as_u16(),
        })
        .inc();
    response
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
pub(super) async fn finish_response(
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
pub(super) async fn unavailable_page(
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
    fn ui(&self) -> crate::lang::Lang {
        crate::lang::Lang::En
    }
}

/// Request ids: a random prefix per process and a counter. Unique within a
/// run and across restarts, without the system call per request that a
/// random UUID costs.
#[derive(Clone)]
pub(super) struct RequestIds {
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
pub(super) fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::HEAD,
            Method::OPTIONS,
            // The Graph Store Protocol's writes (they still need the token).
            Method::PUT,
            Method::DELETE,
        ])
        .allow_headers([header::ACCEPT, header::CONTENT_TYPE, header::AUTHORIZATION])
        .expose_headers([
            HeaderName::from_static(endpoint::RESULT_LIMIT),
            HeaderName::from_static(endpoint::RESULT_TRUNCATED),
        ])
        .max_age(Duration::from_secs(86_400))
        // The allowed origin is `*`, the same for every caller, so the
        // answer does not vary by Origin: no Vary header (caches keep one copy).
        .vary([])
}
