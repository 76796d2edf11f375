//! `dialogue-graph validate`

use crate::cli::ValidateArgs;
use crate::config::BaseIri;
use crate::error::{Error, Result};
use crate::shacl_validation::validate;

pub fn run(args: ValidateArgs) -> Result<()> {
    let base = BaseIri::parse(&args.base_iri)?;
    let sources = args.sources.sources();
    let violations = validate(&sources, &base)?;
    if violations.is_empty() {
        println!(
            "ok: {} and {} conform to {}",
            sources.ontology_dir.display(),
            sources.data_dir.display(),
            sources.shapes_file().display()
        );
        return Ok(());
    }
    for violation in &violations {
        println!("{violation}\n");
    }
    Err(Error::ShapesViolated(violations.len()))
}
