//! `/`: what the dataset is and where it comes from, its main entities, and
//! where to query and download it.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::SharedState;
use super::page::{PageContext, PageParams, blocking};
use crate::class_lists::Item;
use crate::entity::{entity_iri, label_in, labels_of};
use crate::error::Result;
use crate::lang::{Lang, Text, html_lang};
use crate::pictures::{Timeline, timeline};
use crate::store::Dataset;

/// The entities a first-time reader most wants, in reading order.
const MAIN: &[&str] = &[
    "event/cpc-world-political-parties-dialogue-2017",
    "organization/cpc-international-department",
    "group/cpc-world-political-parties-dialogue-2017-participants",
    "concept/cpc-world-political-parties-dialogue-2017-theme",
    "scheme/cpc-world-political-parties-dialogue-2017-topics",
    "person/xi-jinping",
    "speech/joining-hands-to-build-a-better-world",
    "document/beijing-initiative",
    "event/19th-cpc-national-congress",
];

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    lang: Lang,
    lang_query: String,
    triples: usize,
    endpoint: String,
    main: Vec<Item>,
    timeline: Option<Timeline>,
}

pub async fn get(
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
    } = PageContext::new(&state, &params, &headers, "home")?;
    if validators.is_fresh(&headers) {
        return Ok(validators.not_modified());
    }
    let dataset = &dataset;
    // Off the async threads: each lookup may be a request to a remote engine.
    let (worker, main_query) = (dataset.clone(), lang_query.clone());
    let main = blocking(move || main_entities(&worker, lang, &main_query)).await?;
    let events = state.dated_events(dataset).await?;
    let timeline = timeline(dataset, &events, None, lang, &lang_query)?;
    let html = HomePage {
        timeline,
        lang,
        triples: state.stats(dataset).await?.triples,
        endpoint: dataset.base().resolve("sparql"),
        main,
        lang_query,
    }
    .render()?;
    Ok(super::page::html_page(
        html,
        lang,
        "Accept-Language",
        &validators,
    ))
}

/// The main entities of the dataset, named in `lang`, linked to their pages.
pub fn main_entities(dataset: &Dataset, lang: Lang, lang_query: &str) -> Result<Vec<Item>> {
    let mut main = Vec::new();
    for path in MAIN {
        let labels = labels_of(dataset, &entity_iri(dataset.base(), path))?;
        if let Some(label) = label_in(labels.iter(), lang.code()) {
            main.push(Item {
                href: format!("/page/{path}{lang_query}"),
                name: Text {
                    value: label.value().to_owned(),
                    lang: label.language().map(html_lang).unwrap_or_default(),
                },
                count: 0,
            });
        }
    }
    Ok(main)
}

impl HomePage {
    /// The language of the site's own words on this page (menu, footer).
    fn ui(&self) -> crate::lang::Lang {
        self.lang
    }
}
