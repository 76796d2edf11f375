//! dialogue-graph publishes the knowledge graph of one source document (the
//! 2017 High-Level Dialogue between the CPC and World Political Parties) as
//! linked data: an Oxigraph store, a SPARQL endpoint, dumps and entity pages.
//!
//! The binary's subcommands live in [`commands`]; everything they do is a
//! plain function in the other modules, which the tests call directly.

pub mod backend;
pub mod class_lists;
pub mod cli;
pub mod commands;
pub mod config;
pub mod dataset_description;
pub mod dump_files;
pub mod entity;
pub mod error;
pub mod example_queries;
pub mod formats;
pub mod lang;
pub mod negotiate;
pub mod pattern_fragments;
pub mod pictures;
pub mod search_index;
pub mod serve_config;
pub mod server;
pub mod shacl_validation;
pub mod sparql;
pub mod store;
pub mod synthetic_graph;
pub mod terms;
pub mod vocab;
pub mod vocabulary_terms;

pub use config::{BaseIri, Sources};
pub use error::{Error, Result};
pub use store::Dataset;
