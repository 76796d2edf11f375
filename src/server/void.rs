//! `/.well-known/void`: the VoID and DCAT description of the dataset (counts,
//! classes and properties, vocabularies, dumps, endpoint, licence, source),
//! as RDF, or as a readable summary for browsers.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};

use super::SharedState;
use super::http_cache::Validators;
use super::page::blocking;
use crate::config::BaseIri;
use crate::dataset_description::DatasetStats;
use crate::dataset_description::void_dcat::{distributions, void_document};
use crate::error::Result;
use crate::negotiate::negotiate;
use crate::terms::compact_iri;
use oxigraph::io::RdfFormat;

const TYPES: &[&str] = &[
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
    "application/rdf+xml",
    "text/html",
];

#[derive(Template)]
#[template(path = "void.html")]
struct VoidPage {
    triples: usize,
    entities: usize,
    classes: Vec<(String, String, usize)>,
    properties: Vec<(String, usize)>,
}

pub async fn get(State(state): State<SharedState>, headers: HeaderMap) -> Result<Response> {
    // Browsers say text/html explicitly; anything else gets Turtle first.
    let media_type = if headers.contains_key(header::ACCEPT) {
        negotiate(&headers, TYPES)?
    } else {
        TYPES[0]
    };
    let dataset = state.dataset()?;
    let validators = Validators::for_data(&dataset.version(), &format!("void {media_type}"));
    if validators.is_fresh(&headers) {
        return Ok(validators.not_modified());
    }
    let dumps = super::dumps::current(&state, &dataset).await?;
    let stats = state.stats(&dataset).await?;
    let mut response = if media_type == "text/html" {
        let page = VoidPage::new(&stats, dataset.base());
        Html(page.render()?).into_response()
    } else {
        let distributions = distributions(&dataset, &dumps);
        let format = RdfFormat::from_media_type(media_type).unwrap_or(RdfFormat::Turtle);
        let body =
            blocking(move || void_document(&dataset, &stats, &distributions, format)).await?;
        let mut response = body.into_response();
        let content_type = HeaderValue::from_str(&format!("{media_type}; charset=utf-8"))
            .unwrap_or(HeaderValue::from_static("text/turtle"));
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, content_type);
        response
    };
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    validators.apply(&mut response);
    Ok(response)
}

impl VoidPage {
    /// The page's counts, each class linked to its members.
    fn new(stats: &DatasetStats, base: &BaseIri) -> Self {
        VoidPage {
            triples: stats.triples,
            entities: stats.entities,
            classes: stats
                .classes
                .iter()
                .map(|(c, n)| {
                    let curie = compact_iri(c.as_str(), base);
                    (format!("/class/{curie}"), curie, *n)
                })
                .collect(),
            properties: stats
                .properties
                .iter()
                .map(|(p, n)| (compact_iri(p.as_str(), base), *n))
                .collect(),
        }
    }
}

impl VoidPage {
    /// The language of the site's own words on this page (menu, footer).
    fn ui(&self) -> crate::lang::Lang {
        crate::lang::Lang::En
    }
}
