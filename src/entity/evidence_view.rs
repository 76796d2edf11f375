//! The evidence behind an entity's facts as its page shows it: for each
//! (property, value), the quoted words of the source and, for a fact the
//! page does not state, its basis; and on an annotation's own page, the
//! sentence it quotes.

use std::collections::HashMap;

use oxigraph::model::vocab::{rdf, rdfs};
use oxigraph::model::{Literal, NamedNode, NamedOrBlankNode, Term, Triple};

use crate::config::BaseIri;
use crate::entity::{Description, entity_path, label_in};
use crate::lang::{Lang, Text, html_lang};
use crate::vocab::OA;

/// A quoted sentence of the source behind a fact.
#[derive(Clone, Debug)]
pub struct Quote {
    pub text: Text,
    /// The evidence page of the quote.
    pub href: String,
    pub start: i64,
}

/// The evidence for (predicate, object) pairs of the entity, from the reified
/// statements and their annotations in the description.
pub struct Evidence {
    pub quotes: HashMap<(NamedNode, Term), Vec<Quote>>,
    pub basis: HashMap<(NamedNode, Term), Vec<Text>>,
    pub all_quotes: Vec<Quote>,
}

impl Evidence {
    pub fn new(description: &Description, base: &BaseIri, lang: Lang) -> Self {
        let oa = |local: &str| NamedNode::new_unchecked(format!("{OA}{local}"));
        let has_body = oa("hasBody");
        let comment = rdfs::COMMENT.into_owned();
        let triples: Vec<&Triple> = description.evidence.iter().collect();
        let objects = |s: &NamedOrBlankNode, p: &NamedNode| objects(&triples, s, p);
        let quote_of = annotation_quotes(&triples, base);
        let mut quotes: HashMap<(NamedNode, Term), Vec<Quote>> = HashMap::new();
        let mut basis: HashMap<(NamedNode, Term), Vec<Text>> = HashMap::new();
        for statement in triples.iter().filter(|t| t.predicate == rdf::SUBJECT) {
            let node = &statement.subject;
            let (Some(Term::NamedNode(p)), Some(o)) = (
                objects(node, &rdf::PREDICATE.into_owned()).first().cloned(),
                objects(node, &rdf::OBJECT.into_owned()).first().cloned(),
            ) else {
                continue;
            };
            let key = (p, o);
            for a in triples
                .iter()
                .filter(|t| t.predicate == has_body && t.object == Term::from(node.clone()))
            {
                if let Some(q) = quote_of.get(&a.subject) {
                    quotes.entry(key.clone()).or_default().push(q.clone());
                }
            }
            let comments: Vec<Literal> = objects(node, &comment)
                .into_iter()
                .filter_map(|c| match c {
                    Term::Literal(l) => Some(l),
                    _ => None,
                })
                .collect();
            if let Some(c) = label_in(comments.iter(), lang.code()) {
                basis.entry(key).or_default().push(Text::from_literal(c));
            }
        }
        // The reader's language first, then by position in the page.
        for list in quotes.values_mut() {
            list.sort_by_key(|q| {
                (
                    !q.text.lang.to_ascii_lowercase().starts_with(lang.code()),
                    q.start,
                )
            });
            list.dedup_by(|a, b| a.href == b.href);
        }
        let mut all_quotes: Vec<Quote> = quote_of.into_values().collect();
        // For the summary: a whole sentence of the body text, in the reader's
        // language, rather than a heading or the byline.
        let is_sentence = |q: &Quote| q.text.value.ends_with(['.', '。', '"']);
        all_quotes.sort_by_key(|q| {
            (
                !q.text.lang.to_ascii_lowercase().starts_with(lang.code()),
                !is_sentence(q),
                q.start,
            )
        });
        Self {
            quotes,
            basis,
            all_quotes,
        }
    }
}

/// Each annotation's quote (target -> selectors -> exact / start), by the
/// annotation.
fn annotation_quotes(triples: &[&Triple], base: &BaseIri) -> HashMap<NamedOrBlankNode, Quote> {
    let oa = |local: &str| NamedNode::new_unchecked(format!("{OA}{local}"));
    let (has_target, has_selector, exact, start) =
        (oa("hasTarget"), oa("hasSelector"), oa("exact"), oa("start"));
    let language = NamedNode::new_unchecked("http://purl.org/dc/terms/language");
    let objects = |s: &NamedOrBlankNode, p: &NamedNode| objects(triples, s, p);
    let mut quote_of: HashMap<NamedOrBlankNode, Quote> = HashMap::new();
    for t in triples.iter().filter(|t| t.predicate == has_target) {
        let Term::NamedNode(target) = &t.object else {
            continue;
        };
        let target: NamedOrBlankNode = target.clone().into();
        let lang_tag = objects(&target, &language)
            .first()
            .and_then(|l| match l {
                Term::Literal(l) => Some(l.value().to_owned()),
                _ => None,
            })
            .unwrap_or_default();
        let mut text = String::new();
        let mut position = i64::MAX;
        for selector in objects(&target, &has_selector) {
            let Term::NamedNode(selector) = selector else {
                continue;
            };
            let selector: NamedOrBlankNode = selector.into();
            if let Some(Term::Literal(l)) = objects(&selector, &exact).first() {
                text = l.value().to_owned();
            }
            if let Some(Term::Literal(l)) = objects(&selector, &start).first() {
                position = l.value().parse().unwrap_or(i64::MAX);
            }
        }
        let href = match &t.subject {
            NamedOrBlankNode::NamedNode(n) => entity_path(base, n.as_str())
                .map_or_else(|| n.as_str().to_owned(), |p| format!("/page/{p}")),
            NamedOrBlankNode::BlankNode(_) => String::new(),
        };
        quote_of.insert(
            t.subject.clone(),
            Quote {
                text: Text {
                    value: text,
                    lang: html_lang(&lang_tag),
                },
                href,
                start: position,
            },
        );
    }
    quote_of
}

/// The objects of `subject`'s `predicate` among `triples`.
fn objects(triples: &[&Triple], subject: &NamedOrBlankNode, predicate: &NamedNode) -> Vec<Term> {
    triples
        .iter()
        .filter(|t| &t.subject == subject && &t.predicate == predicate)
        .map(|t| t.object.clone())
        .collect()
}

/// On an evidence page (an annotation), the sentence it quotes, linking to
/// the whole source text.
pub fn own_quote(description: &Description, base: &BaseIri) -> Option<Quote> {
    let find = |local: &str| {
        description
            .about
            .iter()
            .find(|t| t.predicate.as_str() == format!("{OA}{local}"))
            .map(|t| t.object.clone())
    };
    let Some(Term::Literal(exact)) = find("exact") else {
        return None;
    };
    let lang = description
        .about
        .iter()
        .find(|t| t.predicate.as_str() == "http://purl.org/dc/terms/language")
        .and_then(|t| match &t.object {
            Term::Literal(l) => Some(html_lang(l.value())),
            _ => None,
        })
        .unwrap_or_default();
    let href = match find("hasSource") {
        Some(Term::NamedNode(source)) => entity_path(base, source.as_str())
            .map_or_else(|| source.as_str().to_owned(), |p| format!("/page/{p}")),
        _ => String::new(),
    };
    let start = match find("start") {
        Some(Term::Literal(l)) => l.value().parse().unwrap_or(0),
        _ => 0,
    };
    Some(Quote {
        text: Text {
            value: exact.value().to_owned(),
            lang,
        },
        href,
        start,
    })
}
