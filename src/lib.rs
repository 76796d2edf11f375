//! dialogue-graph publishes the knowledge graph of one source document (the
//! 2017 High-Level Dialogue between the CPC and World Political Parties) as
//! linked data: an Oxigraph store, a SPARQL endpoint, dumps and entity pages.
//!
//! The binary's subcommands live in [`commands`]; everything they do is a
//! plain function in the other modules, which the tests call directly.

pub mod backend;
pub mod cli;
pub mod commands;
pub mod config;
pub mod description;
pub mod dump;
pub mod dumps;
pub mod error;
pub mod examples;
pub mod formats;
pub mod fragments;
pub mod generate;
pub mod lang;
pub mod linked_data;
pub mod negotiate;
pub mod pages;
pub mod pictures;
pub mod search;
pub mod serve_config;
pub mod server;
pub mod sparql;
pub mod store;
pub mod terms;
pub mod validate;
pub mod vocab;

pub use config::{BaseIri, Sources};
pub use error::{Error, Result};
pub use store::Dataset;
