//! `/.well-known/void`: the VoID and DCAT description of the dataset (counts,
//! classes and properties, vocabularies, dumps, endpoint, licence, source),
//! as RDF, or as a readable summary for browsers.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};

use super::SharedState;
use super::http_cache::Validators;
use crate::dataset_description::{Distribution, void_description};
use crate::error::{Error, Result};
use crate::negotiate::negotiate;
use crate::sparql::rdf_serializer;
use crate::terms::compact_iri;

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
    let distributions: Vec<Distribution> = dumps
        .files
        .iter()
        .map(|f| Distribution {
            url: dataset.base().resolve(&format!("dumps/{}", f.name)),
            media_type: f.media_type.to_owned(),
            compressed: f.compressed,
            bytes: f.len,
            sha256: f.sha256.clone(),
        })
        .collect();
    let stats = state.stats(&dataset).await?;
    let worker = dataset.clone();
    let html = media_type == "text/html";
    let body = tokio::task::spawn_blocking(move || -> Result<Vec<u8>> {
        let base = worker.base();
        if html {
            let page = VoidPage {
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
            };
            return page.render().map(String::into_bytes).map_err(Error::from);
        }
        let format = oxigraph::io::RdfFormat::from_media_type(media_type)
            .unwrap_or(oxigraph::io::RdfFormat::Turtle);
        let mut serializer = rdf_serializer(format, base)
            .with_prefix("void", "http://rdfs.org/ns/void#")
            .and_then(|s| s.with_prefix("dcat", "http://www.w3.org/ns/dcat#"))
            .map_err(|e| Error::Internal(format!("a prefix of the description: {e}")))?
            .for_writer(Vec::new());
        for triple in void_description(&worker, &stats, &distributions) {
            serializer.serialize_triple(&triple)?;
        }
        Ok(serializer.finish()?)
    })
    .await??;
    let mut response = if html {
        Html(body).into_response()
    } else {
        let mut r = body.into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(&format!("{media_type}; charset=utf-8"))
                .unwrap_or(HeaderValue::from_static("text/turtle")),
        );
        r
    };
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    validators.apply(&mut response);
    Ok(response)
}

impl VoidPage {
    /// The language of the site's own words on this page (menu, footer).
    fn ui(&self) -> crate::lang::Lang {
        crate::lang::Lang::En
    }
}
