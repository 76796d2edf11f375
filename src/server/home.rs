//! `/`: a short plain page that says what this server is and where things are.

use axum::extract::State;
use axum::response::Html;

use super::SharedState;
use crate::error::Result;

pub async fn get(State(state): State<SharedState>) -> Result<Html<String>> {
    let triples = state.dataset.store().len()?;
    let base = state.dataset.base();
    Ok(Html(format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>dialogue-graph</title></head>\n<body><h1>dialogue-graph</h1>\n<p>The knowledge graph of the High-Level Dialogue between the CPC and World Political Parties (Beijing, 30 November – 3 December 2017): {triples} triples.</p>\n<ul><li>SPARQL endpoint: <a href=\"/sparql\">{base}sparql</a></li></ul>\n</body></html>\n"
    )))
}
