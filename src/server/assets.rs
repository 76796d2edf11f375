//! `/assets/...`: the query UI's files (YASGUI and Chart.js, vendored from
//! their npm packages with their licences, and our chart view and editor
//! script) and the site's stylesheet, compiled into the binary.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error::{Error, Result};

const FILES: &[(&str, &str, &[u8])] = &[
    (
        "yasgui.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/yasgui/yasgui.min.js"),
    ),
    (
        "yasgui.min.css",
        "text/css; charset=utf-8",
        include_bytes!("assets/yasgui/yasgui.min.css"),
    ),
    (
        "yasgui-LICENSE.txt",
        "text/plain; charset=utf-8",
        include_bytes!("assets/yasgui/LICENSE"),
    ),
    (
        "chart.umd.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/chartjs/chart.umd.min.js"),
    ),
    (
        "chartjs-LICENSE.txt",
        "text/plain; charset=utf-8",
        include_bytes!("assets/chartjs/LICENSE"),
    ),
    (
        "yasr-chart.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/yasr-chart.js"),
    ),
    (
        "editor.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/editor.js"),
    ),
    (
        "search.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/search.js"),
    ),
    (
        "site.css",
        "text/css; charset=utf-8",
        include_bytes!("assets/site.css"),
    ),
];

pub async fn get(Path(file): Path<String>) -> Result<Response> {
    let (_, content_type, bytes) = FILES
        .iter()
        .find(|(name, _, _)| *name == file)
        .ok_or_else(|| Error::NotFound(format!("/assets/{file}")))?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // The files change only with the binary: a day of caching is safe.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    Ok(response)
}
