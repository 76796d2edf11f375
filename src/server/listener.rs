//! The listener: hyper's accept loop with a timeout for request heads, a
//! graceful stop on Ctrl-C or SIGTERM, and a reload on SIGHUP.

use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;

use crate::error::Result;

use super::admin;
use super::router::router;
use super::state::SharedState;

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
