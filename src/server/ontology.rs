//! The project's vocabulary dereferences: `/ontology` is its page (or its
//! Turtle, by Accept), `/ontology.ttl` its Turtle, and the namespace IRI
//! `/ns` (what `dg:term` IRIs ask for) redirects to one or the other.
//! Also `/context.jsonld`, the JSON-LD context the JSON-LD dump uses.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use oxigraph::model::vocab::{rdf, rdfs};
use oxigraph::model::{GraphNameRef, NamedNode, NamedOrBlankNode, Term};

use super::SharedState;
use super::page::{PageContext, PageParams};
use crate::entity::label_in;
use crate::error::Result;
use crate::lang::{Lang, Text, html_lang};
use crate::negotiate::negotiate;
use crate::sparql::rdf_serializer;
use crate::store::Dataset;
use crate::terms::compact_iri;

const TYPES: &[&str] = &["text/html", "text/turtle"];

pub struct Term_ {
    pub id: String,
    pub curie: String,
    pub kind: &'static str,
    pub label: Text,
    pub other_label: Option<Text>,
    pub comment: Option<Text>,
    pub domain: String,
    pub range: String,
}

#[derive(Template)]
#[template(path = "ontology.html")]
struct OntologyPage {
    lang: Lang,
    namespace: String,
    classes: Vec<Term_>,
    properties: Vec<Term_>,
}

fn vocabulary_graph(dataset: &Dataset) -> NamedNode {
    dataset.base().graph("dialogue")
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
    let PageContext {
        lang,
        validators,
        dataset,
        ..
    } = PageContext::new(&state, &params, &headers, "ontology")?;
    if validators.is_fresh(&headers) {
        return Ok(validators.not_modified());
    }
    let graph = vocabulary_graph(&dataset);
    let page = tokio::task::spawn_blocking(move || -> Result<OntologyPage> {
        let dataset = &dataset;
        let base = dataset.base();
        let g = GraphNameRef::NamedNode(graph.as_ref());
        let values = |s: &NamedNode, p: oxigraph::model::NamedNodeRef<'_>| -> Result<Vec<Term>> {
            dataset
                .quads_for_pattern(Some(s.as_ref().into()), Some(p), None, Some(g))
                .map(|q| q.map(|q| q.object))
                .collect()
        };
        let text_in = |terms: &[Term], lang: Lang| -> Option<Text> {
            let literals: Vec<_> = terms
                .iter()
                .filter_map(|t| match t {
                    Term::Literal(l) => Some(l.clone()),
                    _ => None,
                })
                .collect();
            label_in(literals.iter(), lang.code()).map(|l| Text {
                value: l.value().to_owned(),
                lang: l.language().map(html_lang).unwrap_or_default(),
            })
        };
        let names = |terms: Vec<Term>| -> String {
            terms
                .iter()
                .filter_map(|t| match t {
                    Term::NamedNode(n) => Some(compact_iri(n.as_str(), base)),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut classes = Vec::new();
        let mut properties = Vec::new();
        let namespace = base.vocabulary();
        for quad in dataset.quads_for_pattern(None, Some(rdf::TYPE), None, Some(g)) {
            let quad = quad?;
            let NamedOrBlankNode::NamedNode(subject) = &quad.subject else {
                continue;
            };
            let Some(local) = subject.as_str().strip_prefix(&namespace) else {
                continue;
            };
            let kind_iri = match &quad.object {
                Term::NamedNode(n) => n.as_str().to_owned(),
                _ => continue,
            };
            let kind = if kind_iri.ends_with("#Class") {
                "class"
            } else if kind_iri.ends_with("Property") {
                "property"
            } else {
                "individual"
            };
            let labels = values(subject, rdfs::LABEL)?;
            let label = text_in(&labels, lang).unwrap_or(Text {
                value: local.to_owned(),
                lang: String::new(),
            });
            let term = Term_ {
                id: local.to_owned(),
                curie: format!("dg:{local}"),
                kind,
                other_label: text_in(&labels, lang.other()).filter(|t| t.value != label.value),
                label,
                comment: text_in(&values(subject, rdfs::COMMENT)?, lang),
                domain: names(values(subject, rdfs::DOMAIN)?),
                range: names(values(subject, rdfs::RANGE)?),
            };
            if kind == "property" {
                properties.push(term);
            } else {
                classes.push(term);
            }
        }
        classes.sort_by(|a, b| a.id.cmp(&b.id));
        properties.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(OntologyPage {
            lang,
            namespace,
            classes,
            properties,
        })
    })
    .await??;
    Ok(super::page::html_page(
        page.render()?,
        lang,
        "Accept, Accept-Language",
        &validators,
    ))
}

pub async fn ontology_turtle(State(state): State<SharedState>) -> Result<Response> {
    turtle(&state).await
}

async fn turtle(state: &SharedState) -> Result<Response> {
    let dataset = state.dataset()?;
    let graph = vocabulary_graph(&dataset);
    let body = tokio::task::spawn_blocking(move || -> Result<Vec<u8>> {
        let mut serializer =
            rdf_serializer(oxigraph::io::RdfFormat::Turtle, dataset.base()).for_writer(Vec::new());
        for quad in dataset.quads_for_pattern(
            None,
            None,
            None,
            Some(GraphNameRef::NamedNode(graph.as_ref())),
        ) {
            serializer.serialize_triple(oxigraph::model::TripleRef::from(quad?.as_ref()))?;
        }
        Ok(serializer.finish()?)
    })
    .await??;
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
    fn ui(&self) -> crate::lang::Lang {
        self.lang
    }
}
