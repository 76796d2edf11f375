//! Content negotiation: picks the representation a client prefers from the
//! ones a route can produce, following RFC 9110 §12.5.1 (q-values, wildcards,
//! the most specific range wins). At equal quality, a type the client named
//! beats one it reached through an alias or a wildcard; remaining ties go to
//! the route's own order, which each route documents by the order of its list.
//!
//! Real clients send more than the registered media types, so:
//! - media-type parameters (`charset=utf-8`, a JSON-LD `profile`) never stop
//!   a range from matching: every text format here is UTF-8, and a JSON-LD
//!   document is valid whichever profile was hoped for;
//! - the aliases of [`crate::formats`] count as the format they stand for
//!   on this route (`text/plain` is N-Triples where a graph is offered,
//!   `application/json` SPARQL JSON for a SELECT and JSON-LD for a graph),
//!   unless the route offers that very media type itself.

use axum::http::HeaderMap;
use axum::http::header::ACCEPT;
use headers_accept::Accept;
use mediatype::ReadParams;

use crate::error::{Error, Result};
use crate::formats::Format;

/// How well an Accept header fits one offered media type: the quality of
/// the most specific range that matches it.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Fit {
    /// 3: the type itself; 2: an alias of it; 1: `type/*`; 0: `*/*`.
    specificity: u8,
    quality: f32,
}

/// One range of the Accept header: its essence in lower case, its q, and
/// (for an alias) the offered type it stands for on this route.
struct Range {
    essence: String,
    quality: f32,
    stands_for: Option<&'static str>,
}

/// The ranges of the request's Accept headers; `None` when there is none or
/// it cannot be parsed (both mean "anything").
fn ranges(headers: &HeaderMap) -> Option<Vec<Range>> {
    let joined = headers
        .get_all(ACCEPT)
        .iter()
        .map(|v| v.to_str().unwrap_or_default())
        .collect::<Vec<_>>()
        .join(",");
    let accept = joined.parse::<Accept>().ok()?;
    let ranges: Vec<Range> = accept
        .media_types()
        .map(|m| {
            let quality = m
                .get_param(mediatype::names::Q)
                .and_then(|q| q.as_str().parse::<f32>().ok())
                .filter(|q| q.is_finite())
                .map_or(1.0, |q| q.clamp(0.0, 1.0));
            let suffix = m.suffix().map(|s| format!("+{s}")).unwrap_or_default();
            Range {
                essence: format!("{}/{}{suffix}", m.ty(), m.subty()).to_ascii_lowercase(),
                quality,
                stands_for: None,
            }
        })
        .collect();
    (!ranges.is_empty()).then_some(ranges)
}

/// The offered type an alias stands for: the first format it may stand for
/// that this route offers and the client did not refuse (`refused`: the
/// types it named with q=0); none when the route offers the alias's own
/// media type, or it is no alias.
fn alias_target(
    essence: &str,
    offered: &[&'static str],
    refused: &[String],
) -> Option<&'static str> {
    if offered.iter().any(|o| o.eq_ignore_ascii_case(essence)) {
        return None;
    }
    Format::candidates(essence)
        .into_iter()
        .map(Format::media_type)
        .filter(|m| !refused.iter().any(|r| r == m))
        .find_map(|m| offered.iter().copied().find(|o| o.eq_ignore_ascii_case(m)))
}

/// How `range` fits `offer`, if it does.
fn fit(range: &Range, offer: &str) -> Option<u8> {
    if range.essence.eq_ignore_ascii_case(offer) {
        return Some(3);
    }
    if range.essence == "*/*" {
        return Some(0);
    }
    let (range_type, range_subtype) = range.essence.split_once('/')?;
    if range_subtype == "*" {
        return offer
            .split_once('/')
            .is_some_and(|(t, _)| t.eq_ignore_ascii_case(range_type))
            .then_some(1);
    }
    range.stands_for.filter(|m| *m == offer).map(|_| 2)
}

/// The fit the request gives each of `offered` (quality 0 for not
/// acceptable); `None` when the request accepts anything.
fn qualities(headers: &HeaderMap, offered: &[&'static str]) -> Option<Vec<Fit>> {
    let mut ranges = ranges(headers)?;
    let refused: Vec<String> = ranges
        .iter()
        .filter(|r| r.quality == 0.0)
        .map(|r| r.essence.clone())
        .collect();
    // Each alias is resolved once, not once per offer.
    for range in &mut ranges {
        range.stands_for = alias_target(&range.essence, offered, &refused);
    }
    Some(
        offered
            .iter()
            .map(|offer| {
                ranges
                    .iter()
                    .filter_map(|r| {
                        fit(r, offer).map(|specificity| Fit {
                            specificity,
                            quality: r.quality,
                        })
                    })
                    // The most specific range decides; among equally specific
                    // ones (an alias given twice), the best quality.
                    .max_by(|a, b| {
                        (a.specificity, a.quality)
                            .partial_cmp(&(b.specificity, b.quality))
                            .unwrap_or(std::cmp::Ordering::Equal)
                    })
                    .unwrap_or(Fit {
                        specificity: 0,
                        quality: 0.0,
                    })
            })
            .collect(),
    )
}

/// Chooses among `available` (most preferred first) for the request's Accept
/// header. No Accept header, or one that cannot be parsed, means "anything":
/// the first available type. Nothing acceptable is a 406 that lists the offer.
pub fn negotiate(headers: &HeaderMap, available: &[&'static str]) -> Result<&'static str> {
    let Some(first) = available.first() else {
        return Err(Error::BadRequest("nothing to offer".to_owned()));
    };
    let Some(qualities) = qualities(headers, available) else {
        return Ok(first);
    };
    // At equal quality the type the client named most precisely wins: the
    // type itself, then an alias of it, then `type/*`, then `*/*`. So
    // `application/json, text/plain, */*` (axios) gets JSON, not the page,
    // and rapper's long list (`text/turtle` and `application/x-trig` alike
    // at q=1) gets a type it named by its registered name. Then the
    // earlier offer stays.
    let rank = |fit: &Fit| (fit.quality, fit.specificity);
    let mut best: Option<(usize, Fit)> = None;
    for (index, fit) in qualities.into_iter().enumerate() {
        if fit.quality > 0.0 && best.is_none_or(|(_, b)| rank(&fit) > rank(&b)) {
            best = Some((index, fit));
        }
    }
    match best {
        Some((index, _)) => Ok(available[index]),
        None => Err(Error::NotAcceptable {
            requested: accept_text(headers),
            offered: available.to_vec(),
        }),
    }
}

/// [`negotiate`] among formats.
pub fn negotiate_format(headers: &HeaderMap, available: &[Format]) -> Result<Format> {
    let media_types: Vec<&'static str> = available.iter().map(|f| f.media_type()).collect();
    let chosen = negotiate(headers, &media_types)?;
    Ok(available
        .iter()
        .copied()
        .find(|f| f.media_type() == chosen)
        .unwrap_or(available[0]))
}

fn accept_text(headers: &HeaderMap) -> String {
    headers
        .get_all(ACCEPT)
        .iter()
        .map(|v| v.to_str().unwrap_or_default())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    const OFFER: &[&str] = &["text/html", "text/turtle", "application/ld+json"];
    const GRAPH: &[&str] = &[
        "text/html",
        "text/turtle",
        "application/ld+json",
        "application/n-triples",
        "application/rdf+xml",
    ];
    const RESULTS: &[&str] = &[
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
        "text/html",
    ];

    fn pick_from(accept: &str, offer: &[&'static str]) -> Result<&'static str> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_str(accept).unwrap());
        negotiate(&headers, offer)
    }

    fn pick(accept: &str) -> Result<&'static str> {
        pick_from(accept, OFFER)
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
        assert_eq!(
            pick_from("text/html;q=0.9, text/csv;q=1.0, */*;q=0.1", RESULTS).unwrap(),
            "text/csv"
        );
    }

    #[test]
    fn wildcards_match_in_offer_order() {
        assert_eq!(pick("*/*").unwrap(), "text/html");
        assert_eq!(pick("text/*;q=0.9, text/html;q=0").unwrap(), "text/turtle");
    }

    #[test]
    fn parameters_do_not_stop_a_match() {
        assert_eq!(pick("text/turtle; charset=utf-8").unwrap(), "text/turtle");
        assert_eq!(
            pick("application/ld+json;profile=\"http://www.w3.org/ns/json-ld#expanded\"").unwrap(),
            "application/ld+json"
        );
        assert_eq!(
            pick_from("application/sparql-results+json; charset=utf-8", RESULTS).unwrap(),
            "application/sparql-results+json"
        );
    }

    #[test]
    fn aliases_stand_for_what_the_route_offers() {
        assert_eq!(
            pick_from("text/plain, */*;q=0.1", GRAPH).unwrap(),
            "application/n-triples"
        );
        assert_eq!(
            pick_from("text/n3, */*;q=0.1", GRAPH).unwrap(),
            "text/turtle"
        );
        assert_eq!(
            pick_from("application/json", GRAPH).unwrap(),
            "application/ld+json"
        );
        assert_eq!(
            pick_from("application/json", RESULTS).unwrap(),
            "application/sparql-results+json"
        );
        assert_eq!(
            pick_from("text/xml", RESULTS).unwrap(),
            "application/sparql-results+xml"
        );
        assert_eq!(
            pick_from("application/xml", GRAPH).unwrap(),
            "application/rdf+xml"
        );
        // An alias never stands for a type the client refused.
        assert_eq!(
            pick_from(
                "application/json, application/sparql-results+json;q=0",
                &["application/sparql-results+json", "application/ld+json"]
            )
            .unwrap(),
            "application/ld+json"
        );
        // A route that offers the alias's own type gets it.
        assert_eq!(
            pick_from("application/json", &["text/html", "application/json"]).unwrap(),
            "application/json"
        );
    }

    #[test]
    fn a_named_type_beats_a_wildcard_at_the_same_quality() {
        let axios = "application/json, text/plain, */*";
        assert_eq!(pick_from(axios, GRAPH).unwrap(), "application/ld+json");
        let rapper = "application/x-trig, text/turtle, application/n-triples, */*;q=0.1";
        assert_eq!(
            pick_from(rapper, &["text/html", "application/trig", "text/turtle"]).unwrap(),
            "text/turtle"
        );
        assert_eq!(pick_from("*/*", GRAPH).unwrap(), "text/html");
    }

    #[test]
    fn a_browser_still_gets_html() {
        let firefox = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        assert_eq!(pick_from(firefox, GRAPH).unwrap(), "text/html");
    }

    #[test]
    fn nothing_acceptable_is_406() {
        assert!(matches!(
            pick("image/png"),
            Err(Error::NotAcceptable { .. })
        ));
        assert!(matches!(
            pick("text/turtle;q=0, text/html;q=0, application/ld+json;q=0"),
            Err(Error::NotAcceptable { .. })
        ));
    }
}
