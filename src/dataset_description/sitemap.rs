//! `/sitemap.xml`: the site's fixed pages, the class pages and every entity
//! page, for search engines. The entity pages are the IRIs this server mints
//! that the data mentions, found by one pass over the store or, on a remote
//! engine, by one paged query.

use std::collections::BTreeSet;

use oxigraph::model::{Literal, NamedNode, Term};

use super::DatasetStats;
use crate::entity::entity_path;
use crate::error::Result;
use crate::sparql::engine_reads::paged_select;
use crate::store::Dataset;
use crate::terms::compact_iri;

/// The pages of the site that are not about one entity.
const FIXED_PAGES: &[&str] = &[
    "",
    "sparql",
    "queries",
    "dumps/",
    "classes",
    "ontology",
    ".well-known/void",
];

/// The sitemap document of the dataset.
pub fn sitemap_xml(dataset: &Dataset, stats: &DatasetStats) -> Result<String> {
    let base = dataset.base();
    let mut urls: Vec<String> = FIXED_PAGES.iter().map(|p| base.resolve(p)).collect();
    for (class, _) in &stats.classes {
        urls.push(base.resolve(&format!("class/{}", compact_iri(class.as_str(), base))));
    }
    let pages: BTreeSet<String> = minted_iris(dataset)?
        .iter()
        .filter_map(|iri| entity_path(base, iri.as_str()))
        .map(str::to_owned)
        .collect();
    urls.extend(pages.iter().map(|p| base.resolve(&format!("page/{p}"))));
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for url in urls {
        xml.push_str("  <url><loc>");
        xml.push_str(&url.replace('&', "&amp;").replace('<', "&lt;"));
        xml.push_str("</loc></url>\n");
    }
    xml.push_str("</urlset>\n");
    Ok(xml)
}

/// Every IRI this server mints that the data mentions (as subject or object).
pub fn minted_iris(dataset: &Dataset) -> Result<Vec<NamedNode>> {
    if !dataset.backend().cheap_lookups() {
        return queried_minted_iris(dataset);
    }
    let prefix = dataset.base().resolve("id/");
    let mut iris = BTreeSet::new();
    for quad in dataset.iter() {
        let quad = quad?;
        for term in [Term::from(quad.subject), quad.object] {
            if let Term::NamedNode(n) = term {
                if n.as_str().starts_with(&prefix) {
                    iris.insert(n);
                }
            }
        }
    }
    Ok(iris.into_iter().collect())
}

/// [`minted_iris`] from a remote engine, in one paged query.
pub fn queried_minted_iris(dataset: &Dataset) -> Result<Vec<NamedNode>> {
    let prefix = Literal::new_simple_literal(dataset.base().resolve("id/"));
    let mut iris = Vec::new();
    for row in paged_select(
        dataset,
        &format!(
            "SELECT DISTINCT ?x WHERE {{ {{ ?x ?p ?o }} UNION {{ ?s ?p ?x }}
  FILTER(isIRI(?x) && STRSTARTS(STR(?x), {prefix})) }}"
        ),
    )? {
        if let Some(Term::NamedNode(x)) = row.get("x") {
            iris.push(x.clone());
        }
    }
    Ok(iris)
}
