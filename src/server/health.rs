//! `/healthz` (the process answers) and `/readyz` (the data is loaded and
//! queryable), for load balancers and orchestrators.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::SharedState;

pub async fn healthz() -> &'static str {
    "ok\n"
}

/// Ready when the store answers: the server only starts listening for
/// requests after the data has loaded, so this checks the store itself.
pub async fn readyz(State(state): State<SharedState>) -> Response {
    let worker = state.clone();
    let answer = tokio::task::spawn_blocking(move || worker.dataset.store().is_empty()).await;
    match answer {
        Ok(Ok(false)) => (StatusCode::OK, "ready\n").into_response(),
        Ok(Ok(true)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "not ready: the store is empty\n",
        )
            .into_response(),
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            "not ready: the store does not answer\n",
        )
            .into_response(),
    }
}
