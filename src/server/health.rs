//! `/healthz` (the process answers) and `/readyz` (the data is loaded and
//! queryable), for load balancers and orchestrators, and `/metrics` (the
//! counts of [`super::metrics`]) for Prometheus.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::SharedState;
use crate::error::Result;

pub async fn healthz() -> &'static str {
    "ok\n"
}

/// Ready when the data has loaded and the store answers. The server listens
/// from the start, so while a big graph loads this says "loading" (503).
pub async fn readyz(State(state): State<SharedState>) -> Response {
    let dataset = match state.dataset() {
        Ok(dataset) => dataset,
        Err(_) => {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "not ready: loading the data\n",
            )
                .into_response();
        }
    };
    let remote = dataset.is_remote();
    let answer = tokio::task::spawn_blocking(move || dataset.is_empty()).await;
    match answer {
        Ok(Ok(false)) => (StatusCode::OK, "ready\n").into_response(),
        Ok(Ok(true)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "not ready: the store is empty\n",
        )
            .into_response(),
        _ if remote => (
            StatusCode::SERVICE_UNAVAILABLE,
            "not ready: the SPARQL engine does not answer\n",
        )
            .into_response(),
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            "not ready: the store does not answer\n",
        )
            .into_response(),
    }
}

/// `GET /metrics`
pub async fn metrics(State(state): State<SharedState>) -> Result<Response> {
    let mut response = state.metrics.encode()?.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    Ok(response)
}
