//! HTTP caching: strong ETags and Last-Modified derived from the data version,
//! and 304 answers for conditional requests, checked before any rendering.

use std::hash::{Hash, Hasher};
use std::time::SystemTime;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::store::DataVersion;

/// Caching facts of one representation.
#[derive(Clone, Debug)]
pub struct Validators {
    pub etag: String,
    pub modified: SystemTime,
}

impl Validators {
    /// For a representation of the current data: the data version plus what
    /// selects the representation (path, format, language).
    pub fn for_data(version: &DataVersion, variant: &str) -> Self {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        variant.hash(&mut hasher);
        // The tag hashes the data's content, so data reloaded back to an
        // earlier state gets its tag again; its modification time (which
        // documents such as the VoID state) is new, and so is the ETag.
        version
            .modified
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
            .hash(&mut hasher);
        Self {
            etag: format!("\"{}-{:016x}\"", version.tag, hasher.finish()),
            modified: version.modified,
        }
    }

    /// For a file whose content hash is known (a dump).
    pub fn for_content(sha256: &str, modified: SystemTime) -> Self {
        Self {
            etag: format!("\"{}\"", &sha256[..32.min(sha256.len())]),
            modified,
        }
    }

    /// Whether the client's copy is current (If-None-Match first, then
    /// If-Modified-Since, as RFC 9110 orders them).
    pub fn is_fresh(&self, request: &HeaderMap) -> bool {
        if let Some(tags) = request
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
        {
            let mine = self.etag.trim_matches('"');
            return tags.split(',').map(str::trim).any(|tag| {
                let tag = tag.trim_start_matches("W/").trim_matches('"');
                // A compressed variant carries a suffix (see `tag_encoding`).
                tag == "*"
                    || tag == mine
                    || tag
                        .strip_prefix(mine)
                        .is_some_and(|r| r.starts_with("-gzip") || r.starts_with("-br"))
            });
        }
        if let Some(since) = request
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| httpdate::parse_http_date(v).ok())
        {
            let modified = httpdate::fmt_http_date(self.modified);
            return httpdate::parse_http_date(&modified).is_ok_and(|m| m <= since);
        }
        false
    }

    /// Adds ETag, Last-Modified and Cache-Control to a response.
    pub fn apply(&self, response: &mut Response) {
        let headers = response.headers_mut();
        if let Ok(etag) = HeaderValue::from_str(&self.etag) {
            headers.insert(header::ETAG, etag);
        }
        if let Ok(date) = HeaderValue::from_str(&httpdate::fmt_http_date(self.modified)) {
            headers.insert(header::LAST_MODIFIED, date);
        }
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        );
    }

    /// The 304 answer for a fresh client copy.
    pub fn not_modified(&self) -> Response {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        self.apply(&mut response);
        response
    }
}

/// A strong ETag names one exact representation: when the response was
/// compressed on the way out, mark the ETag with the encoding.
pub fn tag_encoding(response: &mut Response) {
    let Some(encoding) = response.headers().get(header::CONTENT_ENCODING) else {
        return;
    };
    let Some(etag) = response.headers().get(header::ETAG) else {
        return;
    };
    let (Ok(encoding), Ok(etag)) = (encoding.to_str(), etag.to_str()) else {
        return;
    };
    let tagged = format!("{}-{encoding}\"", etag.trim_end_matches('"'));
    if let Ok(value) = HeaderValue::from_str(&tagged) {
        response.headers_mut().insert(header::ETAG, value);
    }
}
