//! Content negotiation: picks the representation a client prefers from the
//! ones a route can produce, following RFC 9110 (q-values, wildcards, most
//! specific range wins). Ties go to the route's own order, which each route
//! documents by the order of its list.

use axum::http::HeaderMap;
use axum::http::header::ACCEPT;
use headers_accept::Accept;
use mediatype::MediaType;

use crate::error::{Error, Result};

/// Chooses among `available` (most preferred first) for the request's Accept
/// header. No Accept header, or one that cannot be parsed, means "anything":
/// the first available type. Nothing acceptable is a 406 that lists the offer.
pub fn negotiate(headers: &HeaderMap, available: &[&'static str]) -> Result<&'static str> {
    let Some(first) = available.first() else {
        return Err(Error::BadRequest("nothing to offer".to_owned()));
    };
    let Some(accept) = headers
        .get_all(ACCEPT)
        .iter()
        .map(|v| v.to_str().unwrap_or_default())
        .collect::<Vec<_>>()
        .join(",")
        .parse::<Accept>()
        .ok()
        .filter(|a| a.media_types().next().is_some())
    else {
        return Ok(first);
    };
    // Every offered type is a valid constant; one that did not parse would
    // shift the indexes, so parse failures are a programming error caught by tests.
    let parsed: Vec<MediaType<'static>> = available
        .iter()
        .filter_map(|t| MediaType::parse(t).ok())
        .collect();
    debug_assert_eq!(parsed.len(), available.len());
    let chosen = accept
        .negotiate(parsed.iter())
        .ok_or_else(|| Error::NotAcceptable {
            requested: accept.to_string(),
            offered: available.to_vec(),
        })?;
    // `negotiate` returns one of `parsed`, which is `available` in order.
    let index = parsed
        .iter()
        .position(|m| std::ptr::eq(m, chosen))
        .unwrap_or(0);
    Ok(available.get(index).copied().unwrap_or(first))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    const OFFER: &[&str] = &["text/html", "text/turtle", "application/ld+json"];

    fn pick(accept: &str) -> Result<&'static str> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_str(accept).unwrap());
        negotiate(&headers, OFFER)
    }

    #[test]
    fn no_accept_header_gets_the_first_offer() {
        assert_eq!(negotiate(&HeaderMap::new(), OFFER).unwrap(), "text/html");
    }

    #[test]
    fn q_values_decide() {
        assert_eq!(pick("text/html;q=0.5, text/turtle").unwrap(), "text/turtle");
        assert_eq!(
            pick("application/ld+json;q=0.9, text/turtle;q=0.8").unwrap(),
            "application/ld+json"
        );
    }

    #[test]
    fn wildcards_match_in_offer_order() {
        assert_eq!(pick("*/*").unwrap(), "text/html");
        assert_eq!(pick("text/*;q=0.9, text/html;q=0").unwrap(), "text/turtle");
    }

    #[test]
    fn nothing_acceptable_is_406() {
        assert!(matches!(
            pick("image/png"),
            Err(Error::NotAcceptable { .. })
        ));
    }
}
