//! `dialogue-graph serve`

use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::cli::ServeArgs;
use crate::config::BaseIri;
use crate::error::{Error, Result};
use crate::server::{self, AppState, Settings};

pub fn run(args: ServeArgs) -> Result<()> {
    let base = match &args.base_iri {
        Some(iri) => BaseIri::parse(iri)?,
        None => BaseIri::for_bind_address(&args.bind)?,
    };
    if !(args.query_timeout.is_finite() && args.query_timeout > 0.0) {
        return Err(Error::BadRequest(
            "--query-timeout must be a positive number of seconds".to_owned(),
        ));
    }
    let dataset = super::open_dataset(args.store.as_deref(), &args.sources.sources(), &base)?;
    let settings = Settings {
        query_timeout: Duration::from_secs_f64(args.query_timeout),
        allow_service: args.allow_service,
    };
    let triples = dataset.store().len()?;
    let state = Arc::new(AppState { dataset, settings });

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = TcpListener::bind(&args.bind).await.map_err(|e| {
            Error::Io(std::io::Error::new(
                e.kind(),
                format!("cannot listen on {}: {e}", args.bind),
            ))
        })?;
        let address = listener.local_addr()?;
        tracing::info!(%address, %base, triples, "serving");
        eprintln!(
            "dialogue-graph: serving {triples} triples on http://{address}/ (base IRI {base})"
        );
        eprintln!("  SPARQL endpoint: http://{address}/sparql");
        server::serve(listener, state).await
    })
}
