//! What each subcommand does, as thin functions over the library.

pub mod dump;
pub mod generate;
pub mod load;
pub mod query;
pub mod serve;
pub mod validate;

use std::path::Path;

use crate::config::{BaseIri, Sources};
use crate::error::Result;
use crate::store::Dataset;

/// The dataset a read-only command works on: a persistent store if one is
/// named, else the source files loaded into memory.
fn open_dataset(store: Option<&Path>, sources: &Sources, base: &BaseIri) -> Result<Dataset> {
    match store {
        Some(path) => Dataset::open(path, base),
        None => Dataset::from_sources(sources, base),
    }
}
