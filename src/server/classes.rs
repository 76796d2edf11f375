//! `/classes` (the kinds of things in the dataset), `/class/{prefix:Name}`
//! (the members of one kind, by name), and `/sitemap.xml` (every page).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use oxigraph::model::vocab::rdf;
use oxigraph::model::{NamedNode, NamedOrBlankNode, Term};

use super::SharedState;
use super::http_cache::Validators;
use super::resource::{PageContext, PageParams};
use crate::error::{Error, Result};
use crate::lang::{Lang, Text, html_lang};
use crate::linked_data::{entity_path, label_in, labels_of};
use crate::sparql::PREFIXES;
use crate::terms::compact_iri;

/// One entry of a listing: a link and its name.
pub struct Item {
    pub href: String,
    pub name: Text,
    pub count: usize,
}

/// `schema:Event` -> the class IRI, for the prefixes this site knows.
fn expand(curie: &str, vocabulary: &str) -> Option<NamedNode> {
    let (prefix, local) = curie.split_once(':')?;
    let namespace = if prefix == "dg" {
        vocabulary.to_owned()
    } else {
        PREFIXES.iter().find(|(p, _)| *p == prefix)?.1.to_owned()
    };
    NamedNode::new(format!("{namespace}{local}")).ok()
}

fn name_of(dataset: &crate::store::Dataset, iri: &NamedNode, lang: Lang) -> Result<Text> {
    let labels = labels_of(dataset, iri)?;
    Ok(label_in(labels.iter(), lang.code()).map_or_else(
        || Text {
            value: compact_iri(iri.as_str(), dataset.base()),
            lang: String::new(),
        },
        |l| Text {
            value: l.value().to_owned(),
            lang: l.language().map(html_lang).unwrap_or_default(),
        },
    ))
}

/// The classes of the dataset with their number of members, most used first.
pub fn class_items(
    dataset: &crate::store::Dataset,
    stats: &crate::description::DatasetStats,
    lang: Lang,
    lang_query: &str,
) -> Result<Vec<Item>> {
    stats
        .classes
        .iter()
        .map(|(class, count)| {
            Ok(Item {
                href: format!(
                    "/class/{}{lang_query}",
                    compact_iri(class.as_str(), dataset.base())
                ),
                name: name_of(dataset, class, lang)?,
                count: *count,
            })
        })
        .collect()
}

#[derive(Template)]
#[template(path = "classes.html")]
struct ClassesPage {
    lang: Lang,
    items: Vec<Item>,
}

pub async fn index(
    State(state): State<SharedState>,
    Query(params): Query<PageParams>,
    headers: HeaderMap,
) -> Result<Response> {
    let PageContext {
        lang,
        lang_query,
        validators,
        dataset,
        ..
    } = PageContext::new(&state, &params, &headers, "classes")?;
    if validators.is_fresh(&headers) {
        return Ok(validators.not_modified());
    }
    let stats = state.stats(&dataset).await?;
    let items =
        tokio::task::spawn_blocking(move || class_items(&dataset, &stats, lang, &lang_query))
            .await??;
    html_response(ClassesPage { lang, items }.render(), &validators, lang)
}

#[derive(Template)]
#[template(path = "class.html")]
struct ClassPage {
    lang: Lang,
    curie: String,
    iri: String,
    name: Text,
    members: Vec<Item>,
    /// Members without an IRI (blank nodes, e.g. reified statements).
    anonymous: usize,
}

pub async fn class(
    State(state): State<SharedState>,
    Path(curie): Path<String>,
    Query(params): Query<PageParams>,
    headers: HeaderMap,
) -> Result<Response> {
    let PageContext {
        lang,
        lang_query,
        validators,
        dataset,
        ..
    } = PageContext::new(&state, &params, &headers, &format!("class {curie}"))?;
    let class =
        expand(&curie, &dataset.base().vocabulary()).ok_or_else(|| Error::NotFoundPage {
            what: format!("/class/{curie}"),
            html: true,
        })?;
    if validators.is_fresh(&headers) {
        return Ok(validators.not_modified());
    }
    let probe = class.clone();
    let (name, members, anonymous) =
        tokio::task::spawn_blocking(move || -> Result<(Text, Vec<Item>, usize)> {
            let dataset = &dataset;
            let mut members = Vec::new();
            let mut anonymous = 0;
            for quad in
                dataset.quads_for_pattern(None, Some(rdf::TYPE), Some(probe.as_ref().into()), None)
            {
                let subject = quad?.subject;
                if subject.is_blank_node() {
                    anonymous += 1;
                }
                if let NamedOrBlankNode::NamedNode(member) = subject {
                    if members
                        .iter()
                        .any(|m: &Item| m.href.ends_with(member.as_str()))
                    {
                        continue;
                    }
                    let href = entity_path(dataset.base(), member.as_str()).map_or_else(
                        || member.as_str().to_owned(),
                        |p| format!("/page/{p}{lang_query}"),
                    );
                    if members.iter().any(|m: &Item| m.href == href) {
                        continue;
                    }
                    members.push(Item {
                        href,
                        name: name_of(dataset, &member, lang)?,
                        count: 0,
                    });
                }
            }
            members.sort_by(|a, b| a.name.value.cmp(&b.name.value));
            Ok((name_of(dataset, &probe, lang)?, members, anonymous))
        })
        .await??;
    if members.is_empty() && anonymous == 0 {
        return Err(Error::NotFoundPage {
            what: format!("/class/{curie}"),
            html: true,
        });
    }
    html_response(
        ClassPage {
            lang,
            curie,
            iri: class.as_str().to_owned(),
            name,
            members,
            anonymous,
        }
        .render(),
        &validators,
        lang,
    )
}

fn html_response(
    rendered: askama::Result<String>,
    validators: &Validators,
    lang: Lang,
) -> Result<Response> {
    Ok(super::html_page(
        rendered?,
        lang,
        "Accept-Language",
        validators,
    ))
}

/// `/sitemap.xml`: the site's fixed pages, the class pages and every entity page.
pub async fn sitemap(State(state): State<SharedState>) -> Result<Response> {
    let dataset = state.dataset()?;
    let stats = state.stats(&dataset).await?;
    let body = tokio::task::spawn_blocking(move || -> Result<String> {
        let dataset = &dataset;
        let base = dataset.base();
        let mut urls: Vec<String> = ["", "sparql", "queries", "dumps/", "classes", "ontology", ".well-known/void"]
            .iter()
            .map(|p| base.resolve(p))
            .collect();
        for (class, _) in &stats.classes {
            urls.push(base.resolve(&format!("class/{}", compact_iri(class.as_str(), base))));
        }
        let mut pages = std::collections::BTreeSet::new();
        if dataset.backend().cheap_lookups() {
            for quad in dataset.iter() {
                let quad = quad?;
                for term in [Term::from(quad.subject), quad.object] {
                    if let Term::NamedNode(n) = term {
                        if let Some(path) = entity_path(base, n.as_str()) {
                            pages.insert(path.to_owned());
                        }
                    }
                }
            }
        } else {
            for iri in crate::backend::queries::minted_iris(dataset)? {
                if let Some(path) = entity_path(base, iri.as_str()) {
                    pages.insert(path.to_owned());
                }
            }
        }
        urls.extend(pages.iter().map(|p| base.resolve(&format!("page/{p}"))));
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for url in urls {
            xml.push_str("  <url><loc>");
            xml.push_str(&url.replace('&', "&amp;").replace('<', "&lt;"));
            xml.push_str("</loc></url>\n");
        }
        xml.push_str("</urlset>\n");
        Ok(xml)
    })
    .await??;
    let mut response = body.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml; charset=utf-8"),
    );
    Ok(response)
}

impl ClassesPage {
    /// The language of the site's own words on this page (menu, footer).
    fn ui(&self) -> crate::lang::Lang {
        self.lang
    }
}

impl ClassPage {
    /// The language of the site's own words on this page (menu, footer).
    fn ui(&self) -> crate::lang::Lang {
        self.lang
    }
}
