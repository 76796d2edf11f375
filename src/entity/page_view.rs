//! What an entity's HTML page shows, computed from its [`Description`]: names
//! in the reader's language, properties with readable names in sensible
//! groups, linked entities as links, the quoted sentence behind each fact,
//! what refers to it, and schema.org JSON-LD for search engines. Plain data,
//! rendered by the `entity.html` template.

use std::collections::HashMap;

use oxigraph::model::vocab::{rdf, rdfs, xsd};
use oxigraph::model::{Literal, NamedNode, NamedOrBlankNode, Term};
use serde_json::{Map, Value as Json, json};

use crate::config::BaseIri;
use crate::entity::{Description, DocFormat, entity_path, label_in};
use crate::lang::{Lang, Text, html_lang};
use crate::terms::compact_iri;
use crate::vocab::SCHEMA;

pub use super::evidence_view::Quote;
use super::evidence_view::{Evidence, own_quote};
pub use super::page_layout::PageLayout;

/// Whether `predicate` holds the text of a SPARQL query (SHACL's names).
fn is_query_text(predicate: &NamedNode) -> bool {
    matches!(
        predicate.as_str(),
        "http://www.w3.org/ns/shacl#select"
            | "http://www.w3.org/ns/shacl#ask"
            | "http://www.w3.org/ns/shacl#construct"
    )
}

/// One value of a property on the page.
#[derive(Clone, Debug)]
pub struct ValueView {
    pub text: Text,
    /// Where the value links to, if anywhere.
    pub href: Option<String>,
    /// The link leaves this site (an outside dataset).
    pub external: bool,
    /// A note after the value, e.g. its datatype.
    pub note: String,
    pub quotes: Vec<Quote>,
    /// The value's basis when the page does not state it (inference...).
    pub basis: Vec<Text>,
}

impl ValueView {
    /// A value shown as text without a link or a language.
    fn plain(value: String, quotes: Vec<Quote>, basis: Vec<Text>) -> Self {
        Self {
            text: Text {
                value,
                lang: String::new(),
            },
            href: None,
            external: false,
            note: String::new(),
            quotes,
            basis,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Row {
    pub property: Text,
    pub property_href: String,
    pub property_iri: String,
    pub values: Vec<ValueView>,
}

#[derive(Clone, Debug)]
pub struct Group {
    pub title: String,
    pub rows: Vec<Row>,
}

#[derive(Clone, Debug)]
pub struct Incoming {
    pub subject: ValueView,
    pub property: Text,
}

#[derive(Clone, Debug)]
pub struct Alternate {
    pub href: String,
    pub media_type: &'static str,
    pub label: &'static str,
}

/// Everything the entity template shows.
#[derive(Debug)]
pub struct EntityView {
    pub lang: Lang,
    pub iri: String,
    pub path: String,
    pub title: Text,
    pub other_title: Option<Text>,
    pub types: Vec<ValueView>,
    pub summary: Option<Quote>,
    pub groups: Vec<Group>,
    pub incoming: Vec<Incoming>,
    pub incoming_omitted: usize,
    /// Links to the previous and next pages of incoming links (hubs).
    pub previous_page: Option<String>,
    pub next_page: Option<String>,
    pub alternates: Vec<Alternate>,
    pub schema_jsonld: String,
    /// `?lang=xx` to keep on links when the reader chose a language.
    pub lang_query: String,
}

/// Looks up labels of IRIs mentioned by a description.
struct Labels {
    by_iri: HashMap<NamedNode, Vec<Literal>>,
}

impl Labels {
    fn new(description: &Description) -> Self {
        let mut by_iri: HashMap<NamedNode, Vec<Literal>> = HashMap::new();
        for t in description.all_triples() {
            if t.predicate == rdfs::LABEL {
                if let (NamedOrBlankNode::NamedNode(s), Term::Literal(l)) = (&t.subject, &t.object)
                {
                    by_iri.entry(s.clone()).or_default().push(l.clone());
                }
            }
        }
        Self { by_iri }
    }

    fn get(&self, iri: &NamedNode, lang: Lang) -> Option<Text> {
        let labels = self.by_iri.get(iri)?;
        label_in(labels.iter(), lang.code()).map(Text::from_literal)
    }
}

/// Where a link to `iri` goes on this site (keeping the chosen language).
fn href_for(iri: &str, base: &BaseIri, lang_query: &str) -> (String, bool) {
    if let Some(path) = entity_path(base, iri) {
        return (format!("/page/{path}{lang_query}"), false);
    }
    if let Some(term) = iri.strip_prefix(&base.vocabulary()) {
        return (format!("/ontology{lang_query}#{term}"), false);
    }
    (iri.to_owned(), !iri.starts_with(base.as_str()))
}

fn datatype_note(literal: &Literal, lang: Lang) -> String {
    let datatype = literal.datatype();
    if literal.language().is_some() || datatype == xsd::STRING {
        String::new()
    } else if datatype == xsd::DATE {
        lang.t("date", "日期").to_owned()
    } else if datatype == xsd::INTEGER {
        String::new()
    } else {
        datatype
            .as_str()
            .rsplit(['#', '/'])
            .next()
            .unwrap_or_default()
            .to_owned()
    }
}

/// What every value of a page is made with: the description's labels and
/// evidence, in the reader's language, with links that keep it.
struct Viewer<'a> {
    description: &'a Description,
    base: &'a BaseIri,
    lang: Lang,
    lang_query: String,
    labels: Labels,
    evidence: Evidence,
}

impl Viewer<'_> {
    /// The name of `iri` in the reader's language, else its compact form.
    fn name(&self, iri: &NamedNode) -> Text {
        self.labels.get(iri, self.lang).unwrap_or_else(|| Text {
            value: compact_iri(iri.as_str(), self.base),
            lang: String::new(),
        })
    }

    /// One value of `predicate`, with its quotes and basis.
    fn value(&self, term: &Term, predicate: &NamedNode) -> ValueView {
        let key = (predicate.clone(), term.clone());
        let quotes = self.evidence.quotes.get(&key).cloned().unwrap_or_default();
        let basis = self.evidence.basis.get(&key).cloned().unwrap_or_default();
        match term {
            Term::NamedNode(n) => {
                let (href, external) = href_for(n.as_str(), self.base, &self.lang_query);
                ValueView {
                    text: self.name(n),
                    href: Some(href),
                    external,
                    note: if external {
                        n.as_str().to_owned()
                    } else {
                        String::new()
                    },
                    quotes,
                    basis,
                }
            }
            Term::Literal(l) => ValueView {
                text: Text::from_literal(l),
                // A query kept as data (SHACL's sh:select...) links to a run of it.
                href: is_query_text(predicate).then(|| {
                    format!(
                        "/sparql?query={}",
                        percent_encoding::utf8_percent_encode(
                            l.value(),
                            percent_encoding::NON_ALPHANUMERIC
                        )
                    )
                }),
                external: false,
                note: datatype_note(l, self.lang),
                quotes,
                basis,
            },
            Term::BlankNode(b) => ValueView::plain(
                statement_text(self.description, b, &self.labels, self.base, self.lang),
                quotes,
                basis,
            ),
            #[allow(unreachable_patterns)]
            other => ValueView::plain(other.to_string(), quotes, basis),
        }
    }

    /// The entity's types (each linking to its list of members) and its
    /// other properties, grouped and ordered by `layout`.
    fn properties(&self, subject: &NamedNode, layout: &PageLayout) -> (Vec<ValueView>, Vec<Group>) {
        let mut rows: Vec<((usize, f64), Row)> = Vec::new();
        let mut types = Vec::new();
        let me: NamedOrBlankNode = subject.clone().into();
        for t in self.description.about.iter().filter(|t| t.subject == me) {
            if t.predicate == rdf::TYPE {
                let mut value = self.value(&t.object, &t.predicate);
                if let Term::NamedNode(class) = &t.object {
                    // A type links to the page listing its members.
                    let curie = compact_iri(class.as_str(), self.base);
                    value.href = Some(format!("/class/{curie}{}", self.lang_query));
                    value.external = false;
                }
                types.push(value);
                continue;
            }
            if let Some((_, row)) = rows
                .iter_mut()
                .find(|(_, r)| r.property_iri == t.predicate.as_str())
            {
                row.values.push(self.value(&t.object, &t.predicate));
                continue;
            }
            let (property_href, _) = href_for(t.predicate.as_str(), self.base, &self.lang_query);
            let row = Row {
                property: self.name(&t.predicate),
                property_href,
                property_iri: t.predicate.as_str().to_owned(),
                values: vec![self.value(&t.object, &t.predicate)],
            };
            rows.push((layout.place(t.predicate.as_str()), row));
        }
        rows.sort_by(|(a, _), (b, _)| a.0.cmp(&b.0).then_with(|| a.1.total_cmp(&b.1)));
        let lang = self.lang;
        for (_, row) in &mut rows {
            // Labels: the reader's language first; positions and dates in order.
            row.values.sort_by(|a, b| {
                let rank =
                    |v: &ValueView| !v.text.lang.to_ascii_lowercase().starts_with(lang.code());
                rank(a)
                    .cmp(&rank(b))
                    .then_with(|| a.text.value.cmp(&b.text.value))
            });
        }
        let mut groups: Vec<Group> = Vec::new();
        for ((group, _), row) in rows {
            let title = layout.title(group, lang);
            match groups.last_mut() {
                Some(g) if g.title == title => g.rows.push(row),
                _ => groups.push(Group {
                    title,
                    rows: vec![row],
                }),
            }
        }
        (types, groups)
    }

    /// What links to the entity (named subjects only), by property then name.
    fn incoming(&self) -> Vec<Incoming> {
        let mut incoming: Vec<Incoming> = self
            .description
            .incoming
            .iter()
            .filter_map(|t| match &t.subject {
                NamedOrBlankNode::NamedNode(s) => Some(Incoming {
                    subject: self.value(&Term::NamedNode(s.clone()), &rdf::TYPE.into_owned()),
                    property: self.name(&t.predicate),
                }),
                NamedOrBlankNode::BlankNode(_) => None,
            })
            .collect();
        incoming.sort_by(|a, b| {
            (&a.property.value, &a.subject.text.value)
                .cmp(&(&b.property.value, &b.subject.text.value))
        });
        incoming
    }
}

/// Builds the page view of a description.
pub fn entity_view(
    description: &Description,
    base: &BaseIri,
    layout: &PageLayout,
    lang: Lang,
    lang_chosen: bool,
) -> Option<EntityView> {
    let subject = description.subject.clone()?;
    let path = entity_path(base, subject.as_str())?.to_owned();
    let lang_query = if lang_chosen {
        format!("?lang={}", lang.code())
    } else {
        String::new()
    };
    let mut labels = Labels::new(description);
    // The entity's own labels are in `about`.
    for t in &description.about {
        if t.subject == subject.clone().into() && t.predicate == rdfs::LABEL {
            if let Term::Literal(l) = &t.object {
                labels
                    .by_iri
                    .entry(subject.clone())
                    .or_default()
                    .push(l.clone());
            }
        }
    }
    let viewer = Viewer {
        description,
        base,
        lang,
        lang_query,
        evidence: Evidence::new(description, base, lang),
        labels,
    };
    let title = viewer.labels.get(&subject, lang).unwrap_or(Text {
        value: path.clone(),
        lang: String::new(),
    });
    let other_title = viewer
        .labels
        .get(&subject, lang.other())
        .filter(|t| t.value != title.value);
    let (types, groups) = viewer.properties(&subject, layout);
    let alternates = DocFormat::ALL
        .iter()
        .map(|f| Alternate {
            href: format!("/data/{path}.{}", f.extension()),
            media_type: f.media_type(),
            label: f.label(),
        })
        .collect();
    let summary = viewer.evidence.all_quotes.first().cloned();
    Some(EntityView {
        lang,
        iri: subject.as_str().to_owned(),
        title,
        other_title,
        types,
        summary: summary.or_else(|| own_quote(description, base)),
        groups,
        incoming: viewer.incoming(),
        incoming_omitted: description.incoming_omitted,
        previous_page: None,
        next_page: None,
        alternates,
        schema_jsonld: schema_jsonld(description, &subject, &viewer.labels),
        lang_query: viewer.lang_query,
        path,
    })
}

/// "subject — property — object" for a reified statement shown on an evidence page.
fn statement_text(
    description: &Description,
    node: &oxigraph::model::BlankNode,
    labels: &Labels,
    base: &BaseIri,
    lang: Lang,
) -> String {
    let node: NamedOrBlankNode = node.clone().into();
    let part = |p: oxigraph::model::NamedNodeRef<'_>| {
        description
            .all_triples()
            .find(|t| t.subject == node && t.predicate == p)
            .map(|t| match &t.object {
                Term::NamedNode(n) => labels
                    .get(n, lang)
                    .map_or_else(|| compact_iri(n.as_str(), base), |l| l.value),
                Term::Literal(l) => format!("“{}”", l.value()),
                other => other.to_string(),
            })
            .unwrap_or_default()
    };
    format!(
        "{} — {} — {}",
        part(rdf::SUBJECT),
        part(rdf::PREDICATE),
        part(rdf::OBJECT)
    )
}

/// schema.org JSON-LD of the entity for search engines: its schema.org types
/// and properties, linked things with their English names.
fn schema_jsonld(description: &Description, subject: &NamedNode, labels: &Labels) -> String {
    let mut object = Map::new();
    object.insert("@context".to_owned(), json!("https://schema.org"));
    object.insert("@id".to_owned(), json!(subject.as_str()));
    let me: NamedOrBlankNode = subject.clone().into();
    let mut types = Vec::new();
    let mut names = Vec::new();
    let mut properties: Map<String, Json> = Map::new();
    for t in description.about.iter().filter(|t| t.subject == me) {
        if t.predicate == rdf::TYPE {
            if let Term::NamedNode(c) = &t.object {
                if let Some(local) = c.as_str().strip_prefix(SCHEMA) {
                    types.push(json!(local));
                }
            }
        } else if t.predicate == rdfs::LABEL {
            if let Term::Literal(l) = &t.object {
                names.push(json!({"@value": l.value(), "@language": l.language().map(html_lang)}));
            }
        } else if let Some(local) = t.predicate.as_str().strip_prefix(SCHEMA) {
            let value = match &t.object {
                Term::NamedNode(n) => {
                    let mut linked = Map::new();
                    linked.insert("@id".to_owned(), json!(n.as_str()));
                    if let Some(name) = labels.get(n, Lang::En) {
                        linked.insert("name".to_owned(), json!(name.value));
                    }
                    Json::Object(linked)
                }
                Term::Literal(l) => json!(l.value()),
                _ => continue,
            };
            match properties.get_mut(local) {
                Some(Json::Array(values)) => values.push(value),
                Some(existing) => *existing = json!([existing.clone(), value]),
                None => {
                    properties.insert(local.to_owned(), value);
                }
            }
        }
    }
    if !types.is_empty() {
        object.insert("@type".to_owned(), Json::Array(types));
    }
    if !names.is_empty() {
        object.insert("name".to_owned(), Json::Array(names));
    }
    object.extend(properties);
    // Safe inside <script>: no "</" can close the element early.
    Json::Object(object).to_string().replace("</", "<\\/")
}
