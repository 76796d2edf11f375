//! The query editor a browser gets at `/sparql` (YASGUI with the example
//! queries), opened on a query when a link carries one.

use askama::Template;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};

use crate::error::Result;
use crate::server::SharedState;

#[derive(Template)]
#[template(path = "sparql.html")]
struct EditorPage<'a> {
    /// The examples as JSON, made safe to sit inside a `<script>` element.
    examples_json: String,
    examples: &'a [crate::example_queries::Example],
    /// A query to open and run (from a link), as JSON, or `null`.
    initial_query_json: String,
    /// Each named graph: its IRI, its triples, and its English label if the
    /// data gives one (so a reader can ask one graph alone).
    graphs: Vec<(String, usize, String)>,
}

pub(super) async fn editor_page(
    state: &SharedState,
    initial_query: Option<String>,
) -> Result<Response> {
    let script_safe = |json: String| json.replace("</", "<\\/");
    // While the data still loads the editor opens all the same, without
    // the list of graphs.
    let graphs = match state.dataset() {
        Ok(dataset) => {
            let sizes = super::graph_sizes(state, &dataset).await?;
            sizes
                .graphs
                .iter()
                .map(|(name, n)| {
                    let label = sizes.label(name).unwrap_or_default().to_owned();
                    (name.as_str().to_owned(), *n, label)
                })
                .collect()
        }
        Err(_) => Vec::new(),
    };
    let page = EditorPage {
        examples_json: script_safe(serde_json::to_string(&state.examples)?),
        examples: &state.examples,
        initial_query_json: script_safe(serde_json::to_string(&initial_query)?),
        graphs,
    };
    let html = page.render()?;
    let mut response = Html(html).into_response();
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    Ok(response)
}

impl EditorPage<'_> {
    /// The language of the site's own words on this page (menu, footer).
    fn ui(&self) -> crate::lang::Lang {
        crate::lang::Lang::En
    }
}
