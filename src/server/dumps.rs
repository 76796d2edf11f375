//! `/dumps/`: the index of the dump files (sizes, checksums) and the files
//! themselves, with Content-Length, ETag, Last-Modified, 304s and byte
//! ranges. The files are built once per data version, on first use, then
//! streamed from disk.

use std::sync::Arc;
use std::time::SystemTime;

use askama::Template;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};

use tower::ServiceExt as _;
use tower_http::services::ServeFile;

use super::SharedState;
use super::http_cache::Validators;
use crate::dump_files::{DumpFile, Dumps, build};
use crate::error::{Error, Result};
use crate::store::Dataset;

/// The dumps of `dataset` (the request's snapshot), building them if needed.
pub async fn current(state: &SharedState, dataset: &Dataset) -> Result<Arc<Dumps>> {
    let dataset = dataset.clone();
    let root = state.settings.dump_dir.clone();
    state
        .dumps
        .get(dataset.version(), &state.metrics, "dumps", move || {
            build(&dataset, &root)
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
    let dataset = state.dataset()?;
    let validators = Validators::for_data(&dataset.version(), "dumps index");
    if validators.is_fresh(&headers) {
        return Ok(validators.not_modified());
    }
    let dumps = current(&state, &dataset).await?;
    let html = DumpsPage {
        dumps: &dumps,
        base: dataset.base().as_str(),
    }
    .render()?;
    let mut response = Html(html).into_response();
    validators.apply(&mut response);
    Ok(response)
}

pub async fn redirect_to_index() -> Redirect {
    Redirect::permanent("/dumps/")
}

/// `GET /dumps/{file}`: a dump file streamed from disk (with byte ranges,
/// so an interrupted download can resume), or its `.sha256` line.
pub async fn file(
    State(state): State<SharedState>,
    Path(name): Path<String>,
    request: Request,
) -> Result<Response> {
    let dataset = state.dataset()?;
    let dumps = current(&state, &dataset).await?;
    let (file, checksum) = match name.strip_suffix(".sha256") {
        Some(stem) => (dumps.get(stem), true),
        None => (dumps.get(&name), false),
    };
    let file = file.ok_or_else(|| Error::NotFound(format!("/dumps/{name}")))?;
    if checksum {
        return Ok(checksum_response(
            file,
            dumps.version.modified,
            request.headers(),
        ));
    }
    let validators = Validators::for_content(&file.sha256, dumps.version.modified);
    if validators.is_fresh(request.headers()) {
        return Ok(validators.not_modified());
    }
    let mut response = streamed(file, request).await?;
    validators.apply(&mut response);
    Ok(response)
}

/// The dump file streamed from disk by tower-http (which answers Range
/// requests, 206 and 416), as an attachment with its checksum.
async fn streamed(file: &DumpFile, request: Request) -> Result<Response> {
    let served = ServeFile::new(&file.path)
        .oneshot(request)
        .await
        .map_err(|e| Error::Io(std::io::Error::other(e)))?;
    let mut response = served.map(Body::new);
    let status = response.status();
    if status.is_server_error() || status == StatusCode::NOT_FOUND {
        // The file vanished under us (removed by hand, disk trouble).
        return Err(Error::Io(std::io::Error::other(format!(
            "dump file {} cannot be read",
            file.name
        ))));
    }
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(file.content_type()),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{}\"", file.name))
            .unwrap_or(HeaderValue::from_static("attachment")),
    );
    if let Ok(digest) = HeaderValue::from_str(&format!("sha-256={}", file.sha256)) {
        h.insert("x-checksum-sha256", digest);
    }
    Ok(response)
}

impl DumpsPage<'_> {
    /// The language of the site's own words on this page (menu, footer).
    fn ui(&self) -> crate::lang::Lang {
        crate::lang::Lang::En
    }
}

/// A dump file's `.sha256` line (as `sha256sum -c` reads it).
fn checksum_response(file: &DumpFile, modified: SystemTime, headers: &HeaderMap) -> Response {
    let line = file.checksum_line();
    let tag = format!(
        "{:x}",
        sha2::Digest::finalize(<sha2::Sha256 as sha2::Digest>::new_with_prefix(
            line.as_bytes()
        ))
    );
    let validators = Validators::for_content(&tag, modified);
    if validators.is_fresh(headers) {
        return validators.not_modified();
    }
    let mut response = line.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    validators.apply(&mut response);
    response
}
