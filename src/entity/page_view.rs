//! What an entity's HTML page shows, computed from its [`Description`]: names
//! in the reader's language, properties with readable names in sensible
//! groups, linked entities as links, the quoted sentence behind each fact,
//! what refers to it, and schema.org JSON-LD for search engines. Plain data,
//! rendered by the `entity.html` template.

use std::collections::HashMap;

use oxigraph::model::vocab::{rdf, rdfs, xsd};
use oxigraph::model::{Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use serde_json::{Map, Value as Json, json};

use crate::config::BaseIri;
use crate::entity::{Description, DocFormat, entity_path, label_in};
use crate::lang::{Lang, Text, html_lang};
use crate::terms::compact_iri;
use crate::vocab::{OA, SCHEMA};

/// Whether `predicate` holds the text of a SPARQL query (SHACL's names).
fn is_query_text(predicate: &NamedNode) -> bool {
    matches!(
        predicate.as_str(),
        "http://www.w3.org/ns/shacl#select"
            | "http://www.w3.org/ns/shacl#ask"
            | "http://www.w3.org/ns/shacl#construct"
    )
}

/// A quoted sentence of the source behind a fact.
#[derive(Clone, Debug)]
pub struct Quote {
    pub text: Text,
    /// The evidence page of the quote.
    pub href: String,
    pub start: i64,
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

/// How entity pages group and order properties: read from the SHACL shapes
/// in the data (`sh:PropertyGroup`s with their `sh:order` and names;
/// property shapes with `sh:path`, `sh:group` and `sh:order`), so a page's
/// layout is edited in `ontology/shapes.ttl`, not here.
#[derive(Clone, Debug, Default)]
pub struct PageLayout {
    /// Each group's English and Chinese names, in page order.
    groups: Vec<(String, String)>,
    /// A property's IRI -> (its group's place, its place in the group).
    position: HashMap<String, (usize, f64)>,
}

/// The query that reads the layout from the shapes.
const LAYOUT_QUERY: &str = "PREFIX sh: <http://www.w3.org/ns/shacl#>
SELECT ?path ?group ?order ?groupOrder ?en ?zh WHERE {
  ?shape sh:path ?path ; sh:group ?group .
  ?group a sh:PropertyGroup .
  OPTIONAL { ?shape sh:order ?order }
  OPTIONAL { ?group sh:order ?groupOrder }
  OPTIONAL { ?group rdfs:label ?en FILTER(langMatches(lang(?en), \"en\")) }
  OPTIONAL { ?group rdfs:label ?zh FILTER(langMatches(lang(?zh), \"zh\")) }
  FILTER(isIRI(?path))
}";

impl PageLayout {
    /// The layout the shapes in `dataset` describe (one query).
    pub fn from_shapes(dataset: &crate::store::Dataset) -> crate::error::Result<Self> {
        // Group -> (its order, English name, Chinese name).
        let mut groups: HashMap<String, (f64, String, String)> = HashMap::new();
        let mut members: Vec<(String, String, f64)> = Vec::new();
        let number = |t: Option<&Term>| match t {
            Some(Term::Literal(l)) => l.value().parse::<f64>().ok(),
            _ => None,
        };
        if let oxigraph::sparql::QueryResults::Solutions(rows) =
            crate::sparql::run(dataset, LAYOUT_QUERY)?
        {
            for row in rows {
                let row = row.map_err(crate::backend::engine_answers::results_error)?;
                let (Some(Term::NamedNode(path)), Some(group)) =
                    (row.get("path"), row.get("group"))
                else {
                    continue;
                };
                let text = |name: &str| match row.get(name) {
                    Some(Term::Literal(l)) => l.value().to_owned(),
                    _ => String::new(),
                };
                let group = group.to_string();
                let entry = groups.entry(group.clone()).or_insert((
                    number(row.get("groupOrder")).unwrap_or(f64::MAX),
                    String::new(),
                    String::new(),
                ));
                if entry.1.is_empty() {
                    entry.1 = text("en");
                }
                if entry.2.is_empty() {
                    entry.2 = text("zh");
                }
                members.push((
                    path.as_str().to_owned(),
                    group,
                    number(row.get("order")).unwrap_or(f64::MAX),
                ));
            }
        }
        let mut ordered: Vec<(String, (f64, String, String))> = groups.into_iter().collect();
        ordered.sort_by(|a, b| a.1.0.total_cmp(&b.1.0).then_with(|| a.0.cmp(&b.0)));
        let place: HashMap<&str, usize> = ordered
            .iter()
            .enumerate()
            .map(|(i, (g, _))| (g.as_str(), i))
            .collect();
        let position = members
            .into_iter()
            .filter_map(|(path, group, order)| Some((path, (*place.get(group.as_str())?, order))))
            .collect();
        let groups = ordered
            .into_iter()
            .map(|(g, (_, en, zh))| {
                let en = if en.is_empty() { g } else { en };
                let zh = if zh.is_empty() { en.clone() } else { zh };
                (en, zh)
            })
            .collect();
        Ok(Self { groups, position })
    }

    /// Where a property goes: its group's place and its place in the group;
    /// a property in no group goes last.
    fn place(&self, property: &str) -> (usize, f64) {
        self.position
            .get(property)
            .copied()
            .unwrap_or((self.groups.len(), 0.0))
    }

    /// A group's name in the reader's language.
    fn title(&self, group: usize, lang: Lang) -> String {
        match (self.groups.get(group), lang) {
            (Some((_, zh)), Lang::Zh) => zh.clone(),
            (Some((en, _)), _) => en.clone(),
            (None, _) => lang.t("Other", "其他").to_owned(),
        }
    }
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

/// The evidence for (predicate, object) pairs of the entity, from the reified
/// statements and their annotations in the description.
struct Evidence {
    quotes: HashMap<(NamedNode, Term), Vec<Quote>>,
    basis: HashMap<(NamedNode, Term), Vec<Text>>,
    all_quotes: Vec<Quote>,
}

impl Evidence {
    fn new(description: &Description, base: &BaseIri, lang: Lang) -> Self {
        let oa = |local: &str| NamedNode::new_unchecked(format!("{OA}{local}"));
        let (has_body, has_target, has_selector, exact, start) = (
            oa("hasBody"),
            oa("hasTarget"),
            oa("hasSelector"),
            oa("exact"),
            oa("start"),
        );
        let language = NamedNode::new_unchecked("http://purl.org/dc/terms/language");
        let comment = rdfs::COMMENT.into_owned();
        let triples: Vec<&Triple> = description.evidence.iter().collect();
        let objects = |s: &NamedOrBlankNode, p: &NamedNode| -> Vec<Term> {
            triples
                .iter()
                .filter(|t| &t.subject == s && &t.predicate == p)
                .map(|t| t.object.clone())
                .collect()
        };
        // Each annotation's quote: target -> selectors -> exact / start.
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
    let evidence = Evidence::new(description, base, lang);
    let title = labels.get(&subject, lang).unwrap_or(Text {
        value: path.clone(),
        lang: String::new(),
    });
    let other_title = labels
        .get(&subject, lang.other())
        .filter(|t| t.value != title.value);

    let value_of = |term: &Term, predicate: &NamedNode| -> ValueView {
        let key = (predicate.clone(), term.clone());
        let quotes = evidence.quotes.get(&key).cloned().unwrap_or_default();
        let basis = evidence.basis.get(&key).cloned().unwrap_or_default();
        match term {
            Term::NamedNode(n) => {
                let (href, external) = href_for(n.as_str(), base, &lang_query);
                let text = labels.get(n, lang).unwrap_or_else(|| Text {
                    value: compact_iri(n.as_str(), base),
                    lang: String::new(),
                });
                ValueView {
                    text,
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
                note: datatype_note(l, lang),
                quotes,
                basis,
            },
            Term::BlankNode(b) => ValueView::plain(
                statement_text(description, b, &labels, base, lang),
                quotes,
                basis,
            ),
            #[allow(unreachable_patterns)]
            other => ValueView::plain(other.to_string(), quotes, basis),
        }
    };

    // Properties of the entity itself, grouped and ordered.
    let mut rows: Vec<((usize, f64), Row)> = Vec::new();
    let mut types = Vec::new();
    let me: NamedOrBlankNode = subject.clone().into();
    for t in description.about.iter().filter(|t| t.subject == me) {
        if t.predicate == rdf::TYPE {
            let mut value = value_of(&t.object, &t.predicate);
            if let Term::NamedNode(class) = &t.object {
                // A type links to the page listing its members.
                value.href = Some(format!(
                    "/class/{}{lang_query}",
                    compact_iri(class.as_str(), base)
                ));
                value.external = false;
            }
            types.push(value);
            continue;
        }
        let curie = compact_iri(t.predicate.as_str(), base);
        if let Some((_, row)) = rows
            .iter_mut()
            .find(|(_, r)| r.property_iri == t.predicate.as_str())
        {
            row.values.push(value_of(&t.object, &t.predicate));
            continue;
        }
        let (property_href, _) = href_for(t.predicate.as_str(), base, &lang_query);
        rows.push((
            layout.place(t.predicate.as_str()),
            Row {
                property: labels.get(&t.predicate, lang).unwrap_or(Text {
                    value: curie,
                    lang: String::new(),
                }),
                property_href,
                property_iri: t.predicate.as_str().to_owned(),
                values: vec![value_of(&t.object, &t.predicate)],
            },
        ));
    }
    rows.sort_by(|(a, _), (b, _)| a.0.cmp(&b.0).then_with(|| a.1.total_cmp(&b.1)));
    for (_, row) in &mut rows {
        // Labels: the reader's language first; positions and dates in order.
        row.values.sort_by(|a, b| {
            let rank = |v: &ValueView| !v.text.lang.to_ascii_lowercase().starts_with(lang.code());
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

    let mut incoming: Vec<Incoming> = description
        .incoming
        .iter()
        .filter_map(|t| match &t.subject {
            NamedOrBlankNode::NamedNode(s) => Some(Incoming {
                subject: value_of(&Term::NamedNode(s.clone()), &rdf::TYPE.into_owned()),
                property: labels.get(&t.predicate, lang).unwrap_or(Text {
                    value: compact_iri(t.predicate.as_str(), base),
                    lang: String::new(),
                }),
            }),
            NamedOrBlankNode::BlankNode(_) => None,
        })
        .collect();
    incoming.sort_by(|a, b| {
        (&a.property.value, &a.subject.text.value).cmp(&(&b.property.value, &b.subject.text.value))
    });

    let alternates = DocFormat::ALL
        .iter()
        .map(|f| Alternate {
            href: format!("/data/{path}.{}", f.extension()),
            media_type: f.media_type(),
            label: f.label(),
        })
        .collect();

    Some(EntityView {
        lang,
        iri: subject.as_str().to_owned(),
        title,
        other_title,
        types,
        summary: evidence
            .all_quotes
            .first()
            .cloned()
            .or_else(|| own_quote(description, base)),
        groups,
        incoming,
        incoming_omitted: description.incoming_omitted,
        previous_page: None,
        next_page: None,
        alternates,
        schema_jsonld: schema_jsonld(description, &subject, &labels),
        lang_query,
        path,
    })
}

/// On an evidence page (an annotation), the sentence it quotes, linking to
/// the whole source text.
fn own_quote(description: &Description, base: &BaseIri) -> Option<Quote> {
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
