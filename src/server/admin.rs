//! Operator actions: `POST /admin/reload` (and SIGHUP) rebuilds the served
//! data from the source files aside and swaps it in atomically. Guarded by
//! the same bearer token as SPARQL Update, compared in constant time.

use axum::extract::State;
use axum::http::{HeaderMap, header};
use subtle::ConstantTimeEq;

use super::SharedState;
use super::metrics::OutcomeLabels;
use crate::error::{Error, Result};

/// Lets the request through only if it carries `Authorization: Bearer
/// <token>` with the server's token. `action` names what is being guarded.
pub fn authorize(state: &SharedState, headers: &HeaderMap, action: &str) -> Result<()> {
    let Some(expected) = state.settings.update_token.as_deref() else {
        return Err(Error::Forbidden(format!(
            "{action} is enabled only when the server is started with --update-token"
        )));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
        Ok(())
    } else {
        Err(Error::Unauthorized(format!(
            "{action} needs the header `Authorization: Bearer <token>` with the server's update token"
        )))
    }
}

/// `POST /admin/reload`: answers once the new data is served (200), or why
/// it is not (422 naming the broken file; the old data stays).
pub async fn reload(State(state): State<SharedState>, headers: HeaderMap) -> Result<String> {
    authorize(&state, &headers, "reloading the data")?;
    let report = reload_and_log(&state).await?;
    Ok(format!(
        "reloaded: {} triples, data version {}, in {:.2} s\n",
        report.triples,
        report.version,
        report.elapsed.as_secs_f64()
    ))
}

/// Reloads, logs the outcome and counts it in the metrics.
pub async fn reload_and_log(state: &SharedState) -> Result<super::ReloadReport> {
    let outcome = state.reload().await;
    let name = match &outcome {
        Ok(report) => {
            tracing::info!(
                triples = report.triples,
                version = %report.version,
                seconds = report.elapsed.as_secs_f64(),
                "reloaded the data"
            );
            "ok"
        }
        Err(e) => {
            tracing::error!(error = %e, "reload failed; still serving the previous data");
            "failed"
        }
    };
    state
        .metrics
        .reloads
        .get_or_create(&OutcomeLabels {
            outcome: name.to_owned(),
        })
        .inc();
    outcome
}
