//! The neighbourhood of an entity: the entity in the middle, what it links
//! to on the right, what links to it on the left, each node a link. A
//! one-hop neighbourhood is a star, so its layout is a fixed arrangement (no
//! general graph-layout algorithm is needed); hubs are bounded.

use std::collections::BTreeMap;

use oxigraph::model::vocab::{rdf, rdfs};
use oxigraph::model::{NamedNode, NamedOrBlankNode, Term};

use crate::config::BaseIri;
use crate::entity::{Description, entity_path, label_in};
use crate::lang::{Lang, Text, html_lang};

/// At most this many neighbours are drawn; the diagram says how many more.
pub const MAX_NEIGHBOURS: usize = 12;

const WIDTH: f64 = 960.0;
const NODE_HEIGHT: f64 = 34.0;

#[derive(Debug)]
pub struct DiagramNode {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub label: Text,
    /// The full label, when the drawn one was shortened.
    pub title: String,
    pub href: String,
    pub center: bool,
}

#[derive(Debug)]
pub struct DiagramEdge {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
    pub label: String,
    pub label_x: f64,
    pub label_y: f64,
}

#[derive(Debug)]
pub struct Diagram {
    pub width: f64,
    pub height: f64,
    pub nodes: Vec<DiagramNode>,
    pub edges: Vec<DiagramEdge>,
    /// Neighbours left out to keep the picture readable.
    pub more: usize,
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut short: String = text.chars().take(max - 1).collect();
        short.push('…');
        short
    }
}

/// Drawn width of a label: CJK characters take about twice a Latin one.
pub(super) fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| if c as u32 >= 0x2E80 { 14.0 } else { 7.2 })
        .sum::<f64>()
        + 20.0
}

/// The neighbourhood diagram of the described entity, in the reader's language.
pub fn neighbourhood(
    description: &Description,
    base: &BaseIri,
    lang: Lang,
    lang_query: &str,
) -> Option<Diagram> {
    let subject = description.subject.clone()?;
    let names = Names::of(description, base, lang);
    let name = |iri: &NamedNode| names.get(iri);
    let (outgoing, incoming) = neighbours(description, &subject, &names);
    let total = outgoing.len() + incoming.len();
    if total == 0 {
        return None;
    }
    // Keep the picture readable: share the places between the two sides.
    let out_keep = outgoing
        .len()
        .min(MAX_NEIGHBOURS.saturating_sub(incoming.len().min(MAX_NEIGHBOURS / 2)));
    let in_keep = incoming.len().min(MAX_NEIGHBOURS - out_keep);
    let rows = out_keep.max(in_keep).max(1) as f64;
    let height = (rows * (NODE_HEIGHT + 16.0) + 40.0).max(140.0);
    let href = |iri: &NamedNode| {
        entity_path(base, iri.as_str()).map_or_else(
            || iri.as_str().to_owned(),
            |p| format!("/page/{p}{lang_query}"),
        )
    };
    let center_label = name(&subject);
    let center_short = shorten(&center_label.value, 30);
    // Bold text is wider.
    let center_width = text_width(&center_short) * 1.12;
    let (cx, cy) = (WIDTH / 2.0, height / 2.0);
    let mut nodes = vec![DiagramNode {
        x: cx - center_width / 2.0,
        y: cy - NODE_HEIGHT / 2.0,
        width: center_width,
        title: center_label.value.clone(),
        label: Text {
            value: center_short,
            lang: center_label.lang,
        },
        href: href(&subject),
        center: true,
    }];
    let mut edges = Vec::new();
    for (side, neighbours, keep) in [(1.0, &outgoing, out_keep), (-1.0, &incoming, in_keep)] {
        for (i, (iri, properties)) in neighbours.iter().take(keep).enumerate() {
            let label = name(iri);
            let short = shorten(&label.value, 30);
            let width = text_width(&short).min(300.0);
            let y = 20.0 + (i as f64 + 0.5) * (height - 40.0) / keep as f64;
            let x = if side > 0.0 {
                WIDTH - 10.0 - width
            } else {
                10.0
            };
            let (x1, x2) = if side > 0.0 {
                (cx + center_width / 2.0, x)
            } else {
                (cx - center_width / 2.0, x + width)
            };
            edges.push(DiagramEdge {
                x1,
                y1: cy,
                x2,
                y2: y,
                label: shorten(&properties.join(", "), 26),
                // Near the neighbour's end, where the lines have spread apart.
                label_x: x1 + (x2 - x1) * 0.7,
                label_y: cy + (y - cy) * 0.7 - 4.0,
            });
            nodes.push(DiagramNode {
                x,
                y: y - NODE_HEIGHT / 2.0,
                width,
                title: label.value.clone(),
                label: Text {
                    value: short,
                    lang: label.lang,
                },
                href: href(iri),
                center: false,
            });
        }
    }
    Some(Diagram {
        width: WIDTH,
        height,
        nodes,
        edges,
        more: total - out_keep - in_keep,
    })
}

/// The names of what a description mentions, in the reader's language.
struct Names<'a> {
    labels: BTreeMap<NamedNode, Vec<oxigraph::model::Literal>>,
    base: &'a BaseIri,
    lang: Lang,
}

impl<'a> Names<'a> {
    fn of(description: &Description, base: &'a BaseIri, lang: Lang) -> Self {
        let mut labels: BTreeMap<NamedNode, Vec<_>> = BTreeMap::new();
        for t in description.all_triples() {
            if t.predicate == rdfs::LABEL {
                if let (NamedOrBlankNode::NamedNode(s), Term::Literal(l)) = (&t.subject, &t.object)
                {
                    labels.entry(s.clone()).or_default().push(l.clone());
                }
            }
        }
        Self { labels, base, lang }
    }

    /// The name of `iri`, else its compact form.
    fn get(&self, iri: &NamedNode) -> Text {
        self.labels
            .get(iri)
            .and_then(|l| label_in(l.iter(), self.lang.code()))
            .map_or_else(
                || Text {
                    value: crate::terms::compact_iri(iri.as_str(), self.base),
                    lang: String::new(),
                },
                |l| Text {
                    value: l.value().to_owned(),
                    lang: l.language().map(html_lang).unwrap_or_default(),
                },
            )
    }
}

/// What the entity links to and what links to it, each with the names of
/// the properties that connect them.
type Neighbours = BTreeMap<NamedNode, Vec<String>>;

fn neighbours(
    description: &Description,
    subject: &NamedNode,
    names: &Names<'_>,
) -> (Neighbours, Neighbours) {
    let me: NamedOrBlankNode = subject.clone().into();
    let mut outgoing: Neighbours = BTreeMap::new();
    let mut incoming: Neighbours = BTreeMap::new();
    for t in &description.about {
        if t.subject != me || t.predicate == rdf::TYPE {
            continue;
        }
        if let Term::NamedNode(o) = &t.object {
            if !o.as_str().starts_with(&format!("{}#", subject.as_str())) {
                outgoing
                    .entry(o.clone())
                    .or_default()
                    .push(names.get(&t.predicate).value);
            }
        }
    }
    for t in &description.incoming {
        if let NamedOrBlankNode::NamedNode(s) = &t.subject {
            incoming
                .entry(s.clone())
                .or_default()
                .push(names.get(&t.predicate).value);
        }
    }
    (outgoing, incoming)
}

impl DiagramNode {
    pub fn text_x(&self) -> f64 {
        self.x + self.width / 2.0
    }
    pub fn text_y(&self) -> f64 {
        self.y + NODE_HEIGHT / 2.0 + 5.0
    }
    pub fn height(&self) -> f64 {
        NODE_HEIGHT
    }
}
