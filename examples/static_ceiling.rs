//! The ceiling for `benches/compare.sh`: axum answering every GET with the
//! same 5 KB page from memory, nothing else. No linked-data server on this
//! machine can beat it; the benchmark reports how close each one comes.
//!
//! `cargo run --release --example static_ceiling -- 127.0.0.1:8390`

use axum::Router;
use axum::response::Html;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8390".to_owned());
    let page: &'static str = Box::leak(
        format!(
            "<!doctype html><title>static</title><p>{}</p>",
            "static benchmark body ".repeat(230)
        )
        .into_boxed_str(),
    );
    let app = Router::new().fallback(move || async move { Html(page) });
    let listener = tokio::net::TcpListener::bind(&bind).await?;
    eprintln!("static ceiling on http://{bind}/");
    axum::serve(listener, app).await
}
