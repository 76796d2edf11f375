//! `dialogue-graph dump`

use std::fs::File;
use std::io::{BufWriter, Write};

use crate::cli::DumpArgs;
use crate::config::{BaseIri, DEFAULT_BASE};
use crate::dump_files::writing::write_dump;
use crate::error::Result;
use crate::store::base_for_store;

pub fn run(args: DumpArgs) -> Result<()> {
    let base = base_for_store(args.base_iri.as_deref(), args.store.as_deref(), || {
        BaseIri::parse(DEFAULT_BASE)
    })?;
    let dataset = super::open_dataset(args.store.as_deref(), &args.sources.sources(), &base)?;
    match &args.output {
        Some(path) => {
            let file = File::create(path)?;
            write_dump(&dataset, args.format, BufWriter::new(file))?.flush()?;
        }
        None => {
            let stdout = std::io::stdout().lock();
            write_dump(&dataset, args.format, BufWriter::new(stdout))?.flush()?;
        }
    }
    Ok(())
}
