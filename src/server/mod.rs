//! The HTTP server: one axum router over the dataset, one module per resource.
//! Handlers stay thin; the work is done by plain functions in the library
//! modules, which the tests call directly.

pub mod admin;
pub mod assets;
pub mod cache;
pub mod classes;
pub mod dumps;
pub mod endpoint;
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
pub mod page;
pub mod queries;
pub mod resource;
pub mod response_cache;
pub mod router;
pub mod search;
pub mod state;
pub mod void;

pub use listener::{HEADER_READ_TIMEOUT, MAX_HEAD_BYTES, serve, serve_router};
pub use router::router;
pub use state::{AppState, ReloadReport, ReloadSource, Settings, SharedState};
