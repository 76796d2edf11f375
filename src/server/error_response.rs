//! How an [`Error`] reaches an HTTP client: its status, a plain-text
//! message that says what went wrong (a generic one for server faults, which
//! are logged in full instead), the headers some statuses call for
//! (`WWW-Authenticate`, `Retry-After`), and for a browser asking for an
//! unknown page, an HTML page.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::Error;

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        if let Error::NotFoundPage { what, html: true } = &self {
            let page = NotFoundPage { what };
            if let Ok(body) = askama::Template::render(&page) {
                let mut response = (status, axum::response::Html(body)).into_response();
                response
                    .headers_mut()
                    .insert(header::VARY, HeaderValue::from_static("Accept"));
                return response;
            }
        }
        // Server-side failures are logged in full but answered with a generic
        // message: paths and storage details are nobody else's business.
        let body = if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(error = %self, "request failed");
            "internal server error\n".to_owned()
        } else {
            format!("{self}\n")
        };
        let mut response = (status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"dialogue-graph\""),
            );
        }
        if matches!(
            status,
            StatusCode::SERVICE_UNAVAILABLE | StatusCode::BAD_GATEWAY | StatusCode::GATEWAY_TIMEOUT
        ) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        response
    }
}

/// The page a browser gets for an unknown IRI.
#[derive(askama::Template)]
#[template(path = "not_found.html")]
struct NotFoundPage<'a> {
    what: &'a str,
}

impl NotFoundPage<'_> {
    /// The language of the site's own words on this page (menu, footer).
    fn ui(&self) -> crate::lang::Lang {
        crate::lang::Lang::En
    }
}
