//! Pictures for people who would rather look than read, drawn on the server
//! as SVG so pages work without JavaScript:
//!
//! - the neighbourhood of an entity: the entity in the middle, what it links
//!   to on the right, what links to it on the left, each node a link. A
//!   one-hop neighbourhood is a star, so its layout is a fixed arrangement
//!   (no general graph-layout algorithm is needed); hubs are bounded.
//! - a timeline of the events of the graph, placed by their dates.

use std::collections::BTreeMap;
use std::str::FromStr;

use oxigraph::model::vocab::{rdf, rdfs};
use oxigraph::model::{Literal, NamedNode, NamedOrBlankNode, Term};
use oxsdatatypes::{Date, GYearMonth};

use crate::config::BaseIri;
use crate::error::Result;
use crate::lang::{Lang, Text, html_lang};
use crate::linked_data::{Description, entity_path, label_in};
use crate::store::Dataset;

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
fn text_width(text: &str) -> f64 {
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
    let labels: BTreeMap<NamedNode, Vec<oxigraph::model::Literal>> = {
        let mut map: BTreeMap<NamedNode, Vec<_>> = BTreeMap::new();
        for t in description.all_triples() {
            if t.predicate == rdfs::LABEL {
                if let (NamedOrBlankNode::NamedNode(s), Term::Literal(l)) = (&t.subject, &t.object)
                {
                    map.entry(s.clone()).or_default().push(l.clone());
                }
            }
        }
        map
    };
    let name = |iri: &NamedNode| -> Text {
        labels
            .get(iri)
            .and_then(|l| label_in(l.iter(), lang.code()))
            .map_or_else(
                || Text {
                    value: crate::terms::compact_iri(iri.as_str(), base),
                    lang: String::new(),
                },
                |l| Text {
                    value: l.value().to_owned(),
                    lang: l.language().map(html_lang).unwrap_or_default(),
                },
            )
    };
    // Neighbours with the names of the properties that connect them.
    let me: NamedOrBlankNode = subject.clone().into();
    let mut outgoing: BTreeMap<NamedNode, Vec<String>> = BTreeMap::new();
    let mut incoming: BTreeMap<NamedNode, Vec<String>> = BTreeMap::new();
    for t in &description.about {
        if t.subject != me || t.predicate == rdf::TYPE {
            continue;
        }
        if let Term::NamedNode(o) = &t.object {
            if !o.as_str().starts_with(&format!("{}#", subject.as_str())) {
                outgoing
                    .entry(o.clone())
                    .or_default()
                    .push(name(&t.predicate).value);
            }
        }
    }
    for t in &description.incoming {
        if let NamedOrBlankNode::NamedNode(s) = &t.subject {
            incoming
                .entry(s.clone())
                .or_default()
                .push(name(&t.predicate).value);
        }
    }
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

/// One event on the timeline.
#[derive(Debug)]
pub struct TimelineEvent {
    pub label: Text,
    pub href: String,
    /// Where it starts and ends on the drawing, in pixels.
    pub x1: f64,
    pub x2: f64,
    /// How its dates are written, e.g. `2017-11-30 – 2017-12-03`.
    pub when: String,
    /// The dates are inferred, not stated (e.g. a year the page leaves out).
    pub inferred: bool,
    pub row: usize,
}

#[derive(Debug)]
pub struct Timeline {
    pub width: f64,
    pub height: f64,
    pub events: Vec<TimelineEvent>,
    /// Month ticks: (x, label).
    pub ticks: Vec<(f64, String)>,
}

/// The first and last day of a date or a year-month.
pub fn day_range(value: &str) -> Option<(Date, Date)> {
    if let Ok(date) = Date::from_str(value) {
        return Some((date, date));
    }
    let month = GYearMonth::from_str(value).ok()?;
    let first = Date::from_str(&format!("{:04}-{:02}-01", month.year(), month.month())).ok()?;
    let (y, m) = if month.month() == 12 {
        (month.year() + 1, 1)
    } else {
        (month.year(), month.month() + 1)
    };
    let next = Date::from_str(&format!("{y:04}-{m:02}-01")).ok()?;
    let last =
        next.checked_sub_day_time_duration(oxsdatatypes::DayTimeDuration::from_str("P1D").ok()?)?;
    Some((first, last))
}

/// At most this many events are drawn on one timeline: a graph of thousands
/// of events shows the ones around the page's own event (or the latest).
pub const MAX_TIMELINE_EVENTS: usize = 12;

/// Every event with a start or end date, sorted by start: the event, its
/// first and last day, and whether its date is inferred; with each event's
/// labels and place in the list. Built once per data version (it reads every
/// event), then sliced for each timeline without touching the store: on a
/// persistent store, looking up twelve events' labels per page cost more than
/// the rest of the page.
#[derive(Debug, Default)]
pub struct DatedEvents {
    pub events: Vec<(NamedNode, Date, Date, bool)>,
    position: std::collections::HashMap<NamedNode, usize>,
    labels: std::collections::HashMap<NamedNode, Vec<Literal>>,
}

pub fn dated_events(dataset: &Dataset) -> Result<DatedEvents> {
    if !dataset.backend().cheap_lookups() {
        return crate::backend::queries::dated_events(dataset);
    }
    // Index lookups event by event, not one SPARQL query: the query's joins
    // held ~90 MB of working memory at a million triples, which the
    // allocator then kept.
    let store = dataset;
    let schema = |local: &str| NamedNode::new_unchecked(format!("http://schema.org/{local}"));
    let (event_class, start_date, end_date) =
        (schema("Event"), schema("startDate"), schema("endDate"));
    let basis = NamedNode::new_unchecked(format!("{}basis", dataset.base().vocabulary()));
    let inference = NamedNode::new_unchecked(format!("{}Inference", dataset.base().vocabulary()));
    let first_value = |event: &NamedNode, predicate: &NamedNode| -> Result<Option<String>> {
        for quad in store.quads_for_pattern(
            Some(event.as_ref().into()),
            Some(predicate.as_ref()),
            None,
            None,
        ) {
            if let Term::Literal(l) = quad?.object {
                return Ok(Some(l.value().to_owned()));
            }
        }
        Ok(None)
    };
    let mut found: Vec<(NamedNode, Date, Date, bool)> = Vec::new();
    let mut labels: std::collections::HashMap<NamedNode, Vec<Literal>> =
        std::collections::HashMap::new();
    let mut seen = std::collections::HashSet::new();
    for quad in store.quads_for_pattern(
        None,
        Some(rdf::TYPE),
        Some(event_class.as_ref().into()),
        None,
    ) {
        let NamedOrBlankNode::NamedNode(event) = quad?.subject else {
            continue;
        };
        if !seen.insert(event.clone()) {
            continue; // typed in more than one graph
        }
        let start = first_value(&event, &start_date)?.and_then(|s| day_range(&s));
        let end = first_value(&event, &end_date)?.and_then(|s| day_range(&s));
        let (Some(first), Some(last)) =
            (start.or(end).map(|(a, _)| a), end.or(start).map(|(_, b)| b))
        else {
            continue;
        };
        // Inferred: some statement about the event rests on an inference.
        let mut inferred = false;
        for statement in
            store.quads_for_pattern(None, Some(rdf::SUBJECT), Some(event.as_ref().into()), None)
        {
            let statement = statement?.subject;
            let mut grounds = store.quads_for_pattern(
                Some(statement.as_ref()),
                Some(basis.as_ref()),
                Some(inference.as_ref().into()),
                None,
            );
            if let Some(ground) = grounds.next() {
                ground?;
                inferred = true;
                break;
            }
        }
        let mut names = Vec::new();
        for quad in
            store.quads_for_pattern(Some(event.as_ref().into()), Some(rdfs::LABEL), None, None)
        {
            if let Term::Literal(l) = quad?.object {
                if !names.contains(&l) {
                    names.push(l);
                }
            }
        }
        labels.insert(event.clone(), names);
        found.push((event, first, last, inferred));
    }
    Ok(DatedEvents::from_parts(found, labels))
}

impl DatedEvents {
    /// The list from its events (in any order) and their labels.
    pub fn from_parts(
        mut found: Vec<(NamedNode, Date, Date, bool)>,
        labels: std::collections::HashMap<NamedNode, Vec<Literal>>,
    ) -> Self {
        // Dates with a time zone are only partly ordered; ours have none.
        found.sort_by(|a, b| {
            a.1.partial_cmp(&b.1)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| a.0.as_str().cmp(b.0.as_str()))
        });
        let position = found
            .iter()
            .enumerate()
            .map(|(i, (event, ..))| (event.clone(), i))
            .collect();
        DatedEvents {
            events: found,
            position,
            labels,
        }
    }
}

/// The events around `focus` (or the latest ones), placed on a time axis.
pub fn timeline(
    dataset: &Dataset,
    all: &DatedEvents,
    focus: Option<&NamedNode>,
    lang: Lang,
    lang_query: &str,
) -> Result<Option<Timeline>> {
    let base = dataset.base();
    let count = all.events.len();
    let window = MAX_TIMELINE_EVENTS.min(count);
    let start = match focus.and_then(|f| all.position.get(f).copied()) {
        Some(i) => i.saturating_sub(window / 2).min(count - window),
        None => count - window,
    };
    let found: Vec<(NamedNode, Date, Date, bool)> = all.events[start..start + window].to_vec();
    if found.is_empty() {
        return Ok(None);
    }
    let min = found[0].1;
    let max = found
        .iter()
        .map(|f| f.2)
        .fold(found[0].2, |m, d| if d > m { d } else { m });
    // The axis runs from the first of the first month to the end of the last.
    let (axis_start, _) =
        day_range(&format!("{:04}-{:02}", min.year(), min.month())).unwrap_or((min, min));
    let (_, axis_end) =
        day_range(&format!("{:04}-{:02}", max.year(), max.month())).unwrap_or((max, max));
    let days = |d: Date| d.checked_sub(axis_start).map_or(0, |x| x.days()) as f64;
    let span = days(axis_end) + 1.0;
    let (width, left, right) = (960.0, 20.0, 20.0);
    let x = |d: Date| left + days(d) / span * (width - left - right);
    // Month ticks over up to three years, else one per year.
    let months = (axis_end.year() - axis_start.year()) * 12 + i64::from(axis_end.month())
        - i64::from(axis_start.month());
    let mut ticks = Vec::new();
    let (mut y, mut m) = (axis_start.year(), axis_start.month());
    while let Ok(first) = Date::from_str(&format!("{y:04}-{m:02}-01")) {
        if first > axis_end {
            break;
        }
        if months <= 36 {
            ticks.push((x(first), format!("{y:04}-{m:02}")));
        } else if m == 1 || ticks.is_empty() {
            ticks.push((x(first), format!("{y:04}")));
        }
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    let mut events = Vec::new();
    for (row, (event, first, last, inferred)) in found.into_iter().enumerate() {
        let labels = all.labels.get(&event).map_or(&[][..], Vec::as_slice);
        let label = label_in(labels.iter(), lang.code()).map_or_else(
            || Text {
                value: event.as_str().to_owned(),
                lang: String::new(),
            },
            |l| Text {
                value: l.value().to_owned(),
                lang: l.language().map(html_lang).unwrap_or_default(),
            },
        );
        let when = if first == last {
            first.to_string()
        } else if inferred && first.day() == 1 {
            format!("{:04}-{:02}", first.year(), first.month())
        } else {
            format!("{first} – {last}")
        };
        events.push(TimelineEvent {
            href: entity_path(base, event.as_str()).map_or_else(
                || event.as_str().to_owned(),
                |p| format!("/page/{p}{lang_query}"),
            ),
            x1: x(first),
            x2: (x(last) + (width - left - right) / span).max(x(first) + 6.0),
            label,
            when,
            inferred,
            row,
        });
    }
    let height = 60.0 + events.len() as f64 * 44.0;
    Ok(Some(Timeline {
        width,
        height,
        events,
        ticks,
    }))
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

impl TimelineEvent {
    pub fn y(&self) -> f64 {
        40.0 + self.row as f64 * 44.0
    }
    pub fn bar_width(&self) -> f64 {
        self.x2 - self.x1
    }
    /// Labels start at the event, moved left as far as needed to fit.
    pub fn label_x(&self) -> f64 {
        let text = format!("{} · {} (year inferred)", self.label.value, self.when);
        self.x1.min(940.0 - text_width(&text)).max(20.0)
    }
}

impl Timeline {
    pub fn axis_y(&self) -> f64 {
        self.height - 20.0
    }
}
