//! What every HTML page's handler starts and ends with: the reader's
//! language, the request's one snapshot of the data with its caching
//! validators, the page labelled with its language; and [`blocking`], the one
//! way a handler runs work that reads the store off the async threads.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::SharedState;
use super::http_cache::Validators;
use crate::error::Result;
use crate::lang::Lang;
use crate::store::Dataset;

#[derive(Debug, Default, Deserialize)]
pub struct PageParams {
    pub lang: Option<String>,
    pub format: Option<String>,
    /// Which page of a hub's incoming links (1-based).
    pub page: Option<usize>,
}

impl PageParams {
    pub fn page(&self) -> usize {
        self.page.unwrap_or(1).max(1)
    }
}

/// The reader's language: `?lang=` if given (and kept on links), else Accept-Language.
pub fn reader_language(params: &PageParams, headers: &HeaderMap) -> (Lang, bool) {
    if let Some(lang) = params.lang.as_deref().and_then(Lang::from_param) {
        return (lang, true);
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    (Lang::from_accept_language(accept), false)
}

/// What every HTML page starts from: the reader's language (from `?lang=`,
/// then kept on links as `lang_query`; else from Accept-Language) and the
/// page's caching validators in that language.
pub struct PageContext {
    pub lang: Lang,
    pub chosen: bool,
    pub lang_query: String,
    pub validators: Validators,
    /// The data this request is answered from, taken once at its start.
    pub dataset: Dataset,
}

impl PageContext {
    /// `page` names the page among all pages (e.g. `class schema:Event`).
    pub fn new(
        state: &SharedState,
        params: &PageParams,
        headers: &HeaderMap,
        page: &str,
    ) -> Result<Self> {
        let (lang, chosen) = reader_language(params, headers);
        let dataset = state.dataset()?;
        let validators = Validators::for_data(
            &dataset.version(),
            &format!("{page} {} {chosen}", lang.code()),
        );
        let lang_query = if chosen {
            format!("?lang={}", lang.code())
        } else {
            String::new()
        };
        Ok(Self {
            lang,
            chosen,
            lang_query,
            validators,
            dataset,
        })
    }
}

/// Runs `work` on the blocking pool (store reads, rendering) and gives its
/// result; a task that panicked is an internal error, not a lost request.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work).await?
}

/// The end of every HTML page's handler: the page labelled with the language
/// it is written in, varying by `Accept-Language` (and by `vary`'s other
/// headers, such as `Accept` where the same URL also serves data), with the
/// caching validators of the request's data version.
pub fn html_page(
    html: String,
    lang: Lang,
    vary: &'static str,
    validators: &Validators,
) -> Response {
    let mut response = html_in(html, lang);
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static(vary));
    validators.apply(&mut response);
    response
}

/// A rendered HTML page, labelled with the language it is written in.
pub fn html_in(html: String, lang: Lang) -> Response {
    let mut response = axum::response::Html(html).into_response();
    response.headers_mut().insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.html()),
    );
    response
}
