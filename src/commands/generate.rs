//! `dialogue-graph generate`

use std::fs::File;
use std::io::{BufWriter, Write};
use std::time::Instant;

use crate::cli::GenerateArgs;
use crate::config::BaseIri;
use crate::error::Result;
use crate::synthetic_graph::write_graph;

pub fn run(args: GenerateArgs) -> Result<()> {
    let base = BaseIri::parse(&args.base_iri)?;
    let started = Instant::now();
    let triples = match &args.output {
        Some(path) => {
            let file = BufWriter::with_capacity(1 << 20, File::create(path)?);
            if path.extension().is_some_and(|e| e == "gz") {
                let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
                let n = write_graph(args.events, &base, &mut gz)?;
                gz.finish()?.flush()?;
                n
            } else {
                write_graph(args.events, &base, file)?
            }
        }
        None => write_graph(args.events, &base, BufWriter::new(std::io::stdout().lock()))?,
    };
    eprintln!(
        "generated {triples} triples for {} events in {:.1} s",
        args.events,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
