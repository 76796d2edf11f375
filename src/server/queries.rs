//! `/queries`: the example queries, each with links that run it.

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use super::SharedState;
use crate::error::{Error, Result};
use crate::example_queries::Example;

#[derive(Template)]
#[template(path = "queries.html")]
struct QueriesPage<'a> {
    examples: &'a [Example],
}

pub async fn get(State(state): State<SharedState>) -> Result<Html<String>> {
    QueriesPage {
        examples: &state.examples,
    }
    .render()
    .map(Html)
    .map_err(Error::from)
}

impl QueriesPage<'_> {
    /// The language of the site's own words on this page (menu, footer).
    fn ui(&self) -> crate::lang::Lang {
        crate::lang::Lang::En
    }
}
