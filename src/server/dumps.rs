//! `/dumps/`: the index of the dump files (sizes, checksums) and the files
//! themselves, with Content-Length, ETag, Last-Modified and 304s. The files
//! are built once per data version, on first use, then served from memory.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::SharedState;
use super::http_cache::Validators;
use crate::dumps::{Dumps, build};
use crate::error::{Error, Result};

/// The dumps of the data version now served, building them if needed.
pub async fn current(state: &SharedState) -> Result<Arc<Dumps>> {
    let dataset = state.dataset()?;
    state
        .dumps
        .get(dataset.version(), &state.metrics, "dumps", move || {
            build(&dataset)
        })
        .await
}

#[derive(Template)]
#[template(path = "dumps.html")]
struct DumpsPage<'a> {
    dumps: &'a Dumps,
    base: &'a str,
}

pub async fn index(State(state): State<SharedState>, headers: HeaderMap) -> Result<Response> {
    let validators = Validators::for_data(&state.dataset()?.version(), "dumps index");
    if validators.is_fresh(&headers) {
        return Ok(validators.not_modified());
    }
    let dumps = current(&state).await?;
    let html = DumpsPage {
        dumps: &dumps,
        base: state.dataset()?.base().as_str(),
    }
    .render()
    .map_err(|e| Error::QueryEvaluation(e.to_string()))?;
    let mut response = Html(html).into_response();
    validators.apply(&mut response);
    Ok(response)
}

pub async fn redirect_to_index() -> Redirect {
    Redirect::permanent("/dumps/")
}

pub async fn file(
    State(state): State<SharedState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Result<Response> {
    let dumps = current(&state).await?;
    let (file, checksum) = match name.strip_suffix(".sha256") {
        Some(stem) => (dumps.get(stem), true),
        None => (dumps.get(&name), false),
    };
    let file = file.ok_or_else(|| Error::NotFound(format!("/dumps/{name}")))?;
    let (body, content_type, tag) = if checksum {
        let line = file.checksum_line();
        let tag = format!(
            "{:x}",
            sha2::Digest::finalize(<sha2::Sha256 as sha2::Digest>::new_with_prefix(
                line.as_bytes()
            ))
        );
        (bytes::Bytes::from(line), "text/plain; charset=utf-8", tag)
    } else {
        (file.bytes.clone(), file.media_type, file.sha256.clone())
    };
    let validators = Validators::for_content(&tag, dumps.version.modified);
    if validators.is_fresh(&headers) {
        return Ok(validators.not_modified());
    }
    let length = body.len();
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    if !checksum {
        h.insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&format!("attachment; filename=\"{}\"", file.name))
                .unwrap_or(HeaderValue::from_static("attachment")),
        );
        if let Ok(digest) = HeaderValue::from_str(&format!("sha-256={}", file.sha256)) {
            h.insert("x-checksum-sha256", digest);
        }
    }
    validators.apply(&mut response);
    Ok(response)
}

impl DumpsPage<'_> {
    /// The language of the site's own words on this page (menu, footer).
    fn ui(&self) -> crate::pages::Lang {
        crate::pages::Lang::En
    }
}
