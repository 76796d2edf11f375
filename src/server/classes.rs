//! `/classes` (the kinds of things in the dataset), `/class/{prefix:Name}`
//! (the members of one kind, by name), and `/sitemap.xml` (every page). The
//! lists are [`crate::class_lists`], the sitemap
//! [`crate::dataset_description::sitemap`].

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::SharedState;
use super::page::{PageContext, PageParams, blocking, html_page};
use crate::class_lists::{ClassMembers, Item, class_items, class_members, expand};
use crate::dataset_description::sitemap::sitemap_xml;
use crate::error::{Error, Result};
use crate::lang::{Lang, Text};

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
    let page = PageContext::new(&state, &params, &headers, "classes")?;
    if page.validators.is_fresh(&headers) {
        return Ok(page.validators.not_modified());
    }
    let stats = state.stats(&page.dataset).await?;
    let (dataset, lang, lang_query) = (page.dataset.clone(), page.lang, page.lang_query.clone());
    let items = blocking(move || class_items(&dataset, &stats, lang, &lang_query)).await?;
    let html = ClassesPage { lang, items }.render()?;
    Ok(html_page(html, lang, "Accept-Language", &page.validators))
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
    let page = PageContext::new(&state, &params, &headers, &format!("class {curie}"))?;
    let not_found = || Error::NotFoundPage {
        what: format!("/class/{curie}"),
        html: true,
    };
    let class = expand(&curie, &page.dataset.base().vocabulary()).ok_or_else(not_found)?;
    if page.validators.is_fresh(&headers) {
        return Ok(page.validators.not_modified());
    }
    let (dataset, lang, lang_query) = (page.dataset.clone(), page.lang, page.lang_query.clone());
    let iri = class.clone();
    let ClassMembers {
        name,
        members,
        anonymous,
    } = blocking(move || class_members(&dataset, &iri, lang, &lang_query)).await?;
    if members.is_empty() && anonymous == 0 {
        return Err(not_found());
    }
    let iri = class.as_str().to_owned();
    let html = ClassPage {
        lang,
        curie,
        iri,
        name,
        members,
        anonymous,
    }
    .render()?;
    Ok(html_page(html, lang, "Accept-Language", &page.validators))
}

/// `/sitemap.xml`: the site's fixed pages, the class pages and every entity page.
pub async fn sitemap(State(state): State<SharedState>) -> Result<Response> {
    let dataset = state.dataset()?;
    let stats = state.stats(&dataset).await?;
    let xml = blocking(move || sitemap_xml(&dataset, &stats)).await?;
    let mut response = xml.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml; charset=utf-8"),
    );
    Ok(response)
}

impl ClassesPage {
    /// The language of the site's own words on this page (menu, footer).
    fn ui(&self) -> Lang {
        self.lang
    }
}

impl ClassPage {
    /// The language of the site's own words on this page (menu, footer).
    fn ui(&self) -> Lang {
        self.lang
    }
}
