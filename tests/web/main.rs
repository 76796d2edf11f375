//! What a web client sees: every HTTP suite in one test binary, so the suites
//! that only read share one server (`common::shared`) and, against an engine,
//! one engine, and the binary is compiled and linked once. tests/run.sh runs
//! it against the embedded store and again in front of each real SPARQL
//! engine (`DIALOGUE_GRAPH_TEST_BACKEND`). Run one suite with its name as a
//! filter, e.g. `cargo test --test web protocol::`.

#[path = "../common/mod.rs"]
mod common;

mod browser;
mod clients;
mod evidence;
mod fragments;
mod graph_store;
mod hostile;
mod in_process;
mod linked_data;
mod protocol;
mod queries;
mod search;
mod server;
