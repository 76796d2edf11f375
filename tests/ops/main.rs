//! What an operator does: the commands, configuration, persistent stores and
//! their faults, reloads and shutdowns, a server in front of an engine, SPARQL
//! Update and the bounded load test. One test binary, run once by
//! tests/run.sh (against the embedded store; `remote` starts its own
//! engines). Run one suite with its name as a filter, e.g.
//! `cargo test --features rocksdb --test ops faults::`.

#[path = "../common/mod.rs"]
mod common;

mod cli;
mod config;
mod faults;
mod load;
mod module_layers;
mod reliability;
mod remote;
mod updates;
