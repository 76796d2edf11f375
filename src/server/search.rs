//! `GET /search?q=`: the entities whose names match, in English and Chinese
//! (see [`crate::search_index`]). Scripts and the search box's suggestions get
//! JSON (`Accept: application/json` or `format=json`); browsers get a page
//! of results. `limit` (default 10, at most 50) and `lang` (`en`, `zh`;
//! else Accept-Language) shape the answer.

use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::SharedState;
use super::page::{PageParams, blocking, reader_language};
use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::negotiate::negotiate;
use crate::search_index::{Hit, MAX_LIMIT};

/// Longest query read; the rest is ignored (names are short).
const MAX_QUERY_CHARS: usize = 200;

#[derive(Debug, Default, Deserialize)]
pub struct SearchParams {
    pub q: Option<String>,
    pub limit: Option<usize>,
    pub lang: Option<String>,
    /// `json` or `html`, over Accept.
    pub format: Option<String>,
}

/// The JSON answer.
#[derive(Serialize)]
pub struct Answer {
    pub query: String,
    pub results: Vec<Hit>,
}

pub async fn get(
    State(state): State<SharedState>,
    Query(params): Query<SearchParams>,
    headers: HeaderMap,
) -> Result<Response> {
    let json = wants_json(&params, &headers)?;
    let language = PageParams {
        lang: params.lang.clone(),
        ..Default::default()
    };
    let (lang, chosen) = reader_language(&language, &headers);
    let text = query_text(&params);
    let limit = params.limit.unwrap_or(10).clamp(1, MAX_LIMIT);
    let results = if text.is_empty() {
        Vec::new()
    } else {
        let dataset = state.dataset()?;
        let index = state.search_index(&dataset).await?;
        let query = text.clone();
        blocking(move || index.search(&query, lang, limit)).await?
    };
    search_response(json, text, results, lang, chosen)
}

/// The hits as JSON or as the results page, cacheable for a minute.
fn search_response(
    json: bool,
    query: String,
    results: Vec<Hit>,
    lang: Lang,
    chosen: bool,
) -> Result<Response> {
    let mut response = if json {
        Json(Answer { query, results }).into_response()
    } else {
        let lang_query = if chosen {
            format!("lang={}", lang.code())
        } else {
            String::new()
        };
        let html = SearchPage {
            lang,
            query,
            results,
            lang_query,
        }
        .render()?;
        super::page::html_in(html, lang)
    };
    let h = response.headers_mut();
    h.insert(
        header::VARY,
        HeaderValue::from_static("Accept, Accept-Language"),
    );
    // Answers change with the data: a short life in shared caches.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    Ok(response)
}

/// Whether the answer is JSON (`?format=json` or Accept) or the HTML page.
fn wants_json(params: &SearchParams, headers: &HeaderMap) -> Result<bool> {
    match params.format.as_deref() {
        Some("json") => Ok(true),
        Some("html") => Ok(false),
        Some(other) => Err(Error::NotAcceptable {
            requested: format!("format={other}"),
            offered: vec!["application/json", "text/html"],
        }),
        None => Ok(negotiate(headers, &["text/html", "application/json"])? == "application/json"),
    }
}

/// The text searched for: `q`, trimmed, at most [`MAX_QUERY_CHARS`].
fn query_text(params: &SearchParams) -> String {
    params
        .q
        .as_deref()
        .unwrap_or_default()
        .trim()
        .chars()
        .take(MAX_QUERY_CHARS)
        .collect()
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    lang: Lang,
    query: String,
    results: Vec<Hit>,
    lang_query: String,
}

impl SearchPage {
    /// The language of the site's own words on this page (menu, footer).
    fn ui(&self) -> Lang {
        self.lang
    }

    /// A result's language as HTML writes it (`zh-Hans`).
    fn hit_lang(&self, hit: &Hit) -> String {
        crate::lang::html_lang(&hit.lang)
    }

    /// A result's page link, keeping the chosen language.
    fn href(&self, hit: &Hit) -> String {
        with_query(&hit.page, &self.lang_query)
    }
}

/// `page` with `query` added to its query string: before its `#fragment`
/// (`/ontology?lang=zh#theme`), after any query it has already
/// (`/fragments?predicate=…&lang=zh`).
fn with_query(page: &str, query: &str) -> String {
    if query.is_empty() {
        return page.to_owned();
    }
    let (path, fragment) = page.split_once('#').unwrap_or((page, ""));
    let joint = if path.contains('?') { '&' } else { '?' };
    let fragment = if fragment.is_empty() {
        String::new()
    } else {
        format!("#{fragment}")
    };
    format!("{path}{joint}{query}{fragment}")
}

#[cfg(test)]
mod tests {
    use super::with_query;

    #[test]
    fn the_language_goes_into_the_query_whatever_the_link_has_already() {
        assert_eq!(with_query("/page/place/beijing", ""), "/page/place/beijing");
        assert_eq!(
            with_query("/page/place/beijing", "lang=zh"),
            "/page/place/beijing?lang=zh"
        );
        assert_eq!(
            with_query("/ontology#theme", "lang=zh"),
            "/ontology?lang=zh#theme"
        );
        assert_eq!(
            with_query("/fragments?predicate=x", "lang=zh"),
            "/fragments?predicate=x&lang=zh"
        );
    }
}
