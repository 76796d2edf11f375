//! Rendered entity pages and data documents, kept per data version so that a
//! popular entity is rendered once, not on every request. Keys start with the
//! data version's tag, so an update or reload makes old entries unreachable
//! (they age out); the cache is bounded by the bytes it holds.

use std::sync::Arc;

use axum::body::{Body, HttpBody, to_bytes};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use quick_cache::Weighter;
use quick_cache::sync::Cache;

use super::metrics::Metrics;

/// A response as it was sent: status, headers and body.
struct Stored {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Clone)]
struct ByBytes;

impl Weighter<String, Arc<Stored>> for ByBytes {
    fn weight(&self, key: &String, value: &Arc<Stored>) -> u64 {
        (key.len() + value.body.len() + 64 * value.headers.len()) as u64
    }
}

pub struct ResponseCache {
    /// `None` when the cache is turned off (`--response-cache-mb 0`).
    entries: Option<Cache<String, Arc<Stored>, ByBytes>>,
}

/// Responses larger than this are not kept (a hub's page is bounded anyway).
const MAX_ENTRY_BYTES: usize = 4 << 20;

impl ResponseCache {
    /// A cache holding at most `max_bytes` of responses.
    pub fn new(max_bytes: u64) -> Self {
        // quick_cache wants an estimate of the number of entries: pages and
        // documents are a few kilobytes.
        let estimated_items = (max_bytes / 4096).max(16) as usize;
        Self {
            entries: (max_bytes > 0)
                .then(|| Cache::with_weighter(estimated_items, max_bytes, ByBytes)),
        }
    }

    /// The response stored under `key`, if any.
    pub fn get(&self, key: &str, metrics: &Metrics) -> Option<Response> {
        let found = self.entries.as_ref()?.get(key);
        metrics.cache_lookup("responses", found.is_some());
        let stored = found?;
        let mut response = Response::new(Body::from(stored.body.clone()));
        *response.status_mut() = stored.status;
        *response.headers_mut() = stored.headers.clone();
        Some(response)
    }

    /// Stores a response already read into memory (a SPARQL result).
    pub fn store(&self, key: String, status: StatusCode, headers: HeaderMap, body: Bytes) {
        if let Some(entries) = &self.entries {
            if body.len() <= MAX_ENTRY_BYTES {
                entries.insert(
                    key,
                    Arc::new(Stored {
                        status,
                        headers,
                        body,
                    }),
                );
            }
        }
    }

    /// Stores a successful response under `key` and gives it back.
    pub async fn put(&self, key: String, response: Response) -> Response {
        let Some(entries) = &self.entries else {
            return response;
        };
        if response.status() != StatusCode::OK {
            return response;
        }
        // Only bodies already in memory and of a known, modest size.
        let known = HttpBody::size_hint(response.body()).exact();
        if known.is_none_or(|n| n > MAX_ENTRY_BYTES as u64) {
            return response;
        }
        let (parts, body) = response.into_parts();
        let body = match to_bytes(body, MAX_ENTRY_BYTES).await {
            Ok(body) => body,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read a response to cache it");
                return Response::from_parts(parts, Body::empty());
            }
        };
        entries.insert(
            key,
            Arc::new(Stored {
                status: parts.status,
                headers: parts.headers.clone(),
                body: body.clone(),
            }),
        );
        Response::from_parts(parts, Body::from(body))
    }
}
