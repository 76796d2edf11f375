//! The kinds of things in the dataset and their members, as lists of named
//! links in the reader's language: what `/classes` and `/class/{prefix:Name}`
//! show.

use oxigraph::model::vocab::rdf;
use oxigraph::model::{NamedNode, NamedOrBlankNode};

use crate::dataset_description::DatasetStats;
use crate::entity::{entity_path, label_in, labels_of};
use crate::error::Result;
use crate::lang::{Lang, Text, html_lang};
use crate::store::Dataset;
use crate::terms::compact_iri;
use crate::vocab::PREFIXES;

/// One entry of a listing: a link and its name.
pub struct Item {
    pub href: String,
    pub name: Text,
    pub count: usize,
}

/// `schema:Event` -> the class IRI, for the prefixes this site knows.
pub fn expand(curie: &str, vocabulary: &str) -> Option<NamedNode> {
    let (prefix, local) = curie.split_once(':')?;
    let namespace = if prefix == "dg" {
        vocabulary.to_owned()
    } else {
        PREFIXES.iter().find(|(p, _)| *p == prefix)?.1.to_owned()
    };
    NamedNode::new(format!("{namespace}{local}")).ok()
}

fn name_of(dataset: &Dataset, iri: &NamedNode, lang: Lang) -> Result<Text> {
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
    dataset: &Dataset,
    stats: &DatasetStats,
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

/// The members of one class, by name.
pub struct ClassMembers {
    pub name: Text,
    pub members: Vec<Item>,
    /// Members without an IRI (blank nodes, e.g. reified statements).
    pub anonymous: usize,
}

/// The members of `class`, each linked to its page, sorted by name.
pub fn class_members(
    dataset: &Dataset,
    class: &NamedNode,
    lang: Lang,
    lang_query: &str,
) -> Result<ClassMembers> {
    let mut members = Vec::new();
    let mut anonymous = 0;
    for quad in dataset.quads_for_pattern(None, Some(rdf::TYPE), Some(class.as_ref().into()), None)
    {
        let subject = quad?.subject;
        if subject.is_blank_node() {
            anonymous += 1;
        }
        if let NamedOrBlankNode::NamedNode(member) = subject {
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
    Ok(ClassMembers {
        name: name_of(dataset, class, lang)?,
        members,
        anonymous,
    })
}
