//! The HTTP server: one axum router over the dataset, one module per resource.
//! Handlers stay thin; the work is done by plain functions in the library
//! modules, which the tests call directly.

pub mod home;
pub mod sparql;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use tokio::net::TcpListener;

use crate::error::Result;
use crate::store::Dataset;

/// Limits and switches of the server that an operator sets on the command line.
#[derive(Clone, Debug)]
pub struct Settings {
    /// A query still running after this long is stopped and answered with 503.
    pub query_timeout: Duration,
    /// Allow SPARQL `SERVICE` to fetch remote endpoints (off: it would let
    /// anyone make the server send requests to any URL).
    pub allow_service: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            query_timeout: Duration::from_secs(10),
            allow_service: false,
        }
    }
}

/// What every handler can see.
pub struct AppState {
    pub dataset: Dataset,
    pub settings: Settings,
}

pub type SharedState = Arc<AppState>;

pub fn router(state: SharedState) -> Router {
    Router::new()
        .route("/", get(home::get))
        .route("/sparql", get(sparql::get).post(sparql::post))
        .with_state(state)
}

/// Serves until Ctrl-C or SIGTERM, then lets requests in flight finish.
pub async fn serve(listener: TcpListener, state: SharedState) -> Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
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
}
