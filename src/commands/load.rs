//! `dialogue-graph load`

use crate::cli::LoadArgs;
use crate::config::BaseIri;
use crate::config::DEFAULT_BASE;
use crate::error::Result;
use crate::store::{
    Target, base_for_store, bulk_load, format_for, open_persistent_store, record_base,
};

pub fn run(args: LoadArgs) -> Result<()> {
    let base = base_for_store(args.base_iri.as_deref(), Some(&args.store), || {
        BaseIri::parse(DEFAULT_BASE)
    })?;
    // Refuse unknown formats before touching the store.
    for file in &args.files {
        format_for(file)?;
    }
    let store = open_persistent_store(&args.store)?;
    let into = if args.default_graph {
        Target::DefaultGraph
    } else {
        Target::GraphPerFile
    };
    let stats = bulk_load(&store, &base, &args.files, into, !args.quiet)?;
    record_base(&args.store, &base)?;
    eprintln!(
        "loaded {} triples from {} file(s) into {} in {:.2} s ({:.0} triples/s)",
        stats.quads,
        args.files.len(),
        args.store.display(),
        stats.elapsed.as_secs_f64(),
        stats.quads_per_second()
    );
    Ok(())
}
