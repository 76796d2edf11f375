//! The HTTP server: one axum router over the dataset, one module per resource.
//! Handlers stay thin; the work is done by plain functions in the library
//! modules, which the tests call directly.

pub mod admin;
pub mod assets;
pub mod cache;
pub mod classes;
pub mod dumps;
pub mod error_response;
pub mod fragments;
pub mod graph_store;
pub mod health;
pub mod home;
pub mod http_cache;
pub mod listener;
pub mod metrics;
mod middleware;
pub mod ontology;
pub mod queries;
pub mod resource;
pub mod response_cache;
pub mod router;
pub mod search;
pub mod sparql;
pub mod state;
pub mod void;

use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;

pub use listener::{HEADER_READ_TIMEOUT, MAX_HEAD_BYTES, serve, serve_router};
pub use router::router;
pub use state::{AppState, ReloadReport, ReloadSource, Settings, SharedState};

/// The end of every HTML page's handler: the page labelled with the language
/// it is written in, varying by `Accept-Language` (and by `vary`'s other
/// headers, such as `Accept` where the same URL also serves data), with the
/// caching validators of the request's data version.
pub(super) fn html_page(
    html: String,
    lang: crate::lang::Lang,
    vary: &'static str,
    validators: &http_cache::Validators,
) -> axum::response::Response {
    let mut response = html_in(html, lang);
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static(vary));
    validators.apply(&mut response);
    response
}

/// A rendered HTML page, labelled with the language it is written in.
pub(super) fn html_in(html: String, lang: crate::lang::Lang) -> axum::response::Response {
    let mut response = axum::response::Html(html).into_response();
    response.headers_mut().insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.html()),
    );
    response
}
