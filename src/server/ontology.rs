//! The project's vocabulary dereferences: `/ontology` is its page (or its
//! Turtle, by Accept), `/ontology.ttl` its Turtle, and the namespace IRI
//! `/ns` (what `dg:term` IRIs ask for) redirects to one or the other.
//! Also `/context.jsonld`, the JSON-LD context the JSON-LD dump uses.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::SharedState;
use super::page::{PageContext, PageParams, blocking, html_page};
use crate::error::Result;
use crate::lang::Lang;
use crate::negotiate::negotiate;
use crate::vocabulary_terms::{
    VocabularyTerm, VocabularyTerms, vocabulary_terms, vocabulary_turtle,
};

const TYPES: &[&str] = &["text/html", "text/turtle"];

#[derive(Template)]
#[template(path = "ontology.html")]
struct OntologyPage {
    lang: Lang,
    namespace: String,
    classes: Vec<VocabularyTerm>,
    properties: Vec<VocabularyTerm>,
}

pub async fn ontology(
    State(state): State<SharedState>,
    Query(params): Query<PageParams>,
    headers: HeaderMap,
) -> Result<Response> {
    if negotiate(&headers, TYPES)? == "text/turtle" {
        let mut response = turtle(&state).await?;
        response
            .headers_mut()
            .insert(header::VARY, HeaderValue::from_static("Accept"));
        return Ok(response);
    }
    let view = PageContext::new(&state, &params, &headers, "ontology")?;
    if view.validators.is_fresh(&headers) {
        return Ok(view.validators.not_modified());
    }
    let (dataset, lang) = (view.dataset.clone(), view.lang);
    let VocabularyTerms {
        namespace,
        classes,
        properties,
    } = blocking(move || vocabulary_terms(&dataset, lang)).await?;
    let page = OntologyPage {
        lang,
        namespace,
        classes,
        properties,
    };
    Ok(html_page(
        page.render()?,
        lang,
        "Accept, Accept-Language",
        &view.validators,
    ))
}

pub async fn ontology_turtle(State(state): State<SharedState>) -> Result<Response> {
    turtle(&state).await
}

async fn turtle(state: &SharedState) -> Result<Response> {
    let dataset = state.dataset()?;
    let body = blocking(move || vocabulary_turtle(&dataset)).await?;
    let mut response = body.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/turtle; charset=utf-8"),
    );
    Ok(response)
}

/// `/ns`: the namespace IRI. Browsers go to the page, RDF clients to Turtle.
pub async fn namespace(headers: HeaderMap) -> Result<Response> {
    let target = match negotiate(&headers, TYPES)? {
        "text/turtle" => "/ontology.ttl",
        _ => "/ontology",
    };
    let mut response = (StatusCode::SEE_OTHER, format!("See {target}\n")).into_response();
    response
        .headers_mut()
        .insert(header::LOCATION, HeaderValue::from_static(target));
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    Ok(response)
}

/// `/context.jsonld`: the prefixes of the dataset as a JSON-LD context.
pub async fn context(State(state): State<SharedState>) -> Result<Response> {
    let body = crate::dump_files::writing::jsonld_context(state.dataset()?.base()).to_string();
    let mut response = body.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/ld+json"),
    );
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    Ok(response)
}

impl OntologyPage {
    /// The language of the site's own words on this page (menu, footer).
    fn ui(&self) -> Lang {
        self.lang
    }
}
