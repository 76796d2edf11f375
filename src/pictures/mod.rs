//! Pictures for people who would rather look than read, drawn on the server
//! as SVG so pages work without JavaScript:
//!
//! - the neighbourhood of an entity: the entity in the middle, what it links
//!   to on the right, what links to it on the left, each node a link. A
//!   one-hop neighbourhood is a star, so its layout is a fixed arrangement
//!   (no general graph-layout algorithm is needed); hubs are bounded.
//! - a timeline of the events of the graph, placed by their dates.

//!
//! Both are built from the [`DatedEvents`] of a data version (here), read
//! once by index lookups or, over a remote engine, by three queries.

pub mod diagram;
pub mod timeline;

pub use diagram::{Diagram, DiagramEdge, DiagramNode, MAX_NEIGHBOURS, neighbourhood};
pub use timeline::{MAX_TIMELINE_EVENTS, Timeline, TimelineEvent, timeline};

use std::collections::HashMap;
use std::str::FromStr;

use oxigraph::model::vocab::{rdf, rdfs};
use oxigraph::model::{Literal, NamedNode, NamedOrBlankNode, Term};
use oxsdatatypes::{Date, GYearMonth};

use crate::error::Result;
use crate::store::Dataset;

use crate::sparql::engine_reads::paged_select;

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
        return queried_dated_events(dataset);
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

/// Every dated event from a remote engine, in three queries (dates,
/// inferences, labels).
pub fn queried_dated_events(dataset: &Dataset) -> Result<DatedEvents> {
    const EVENT: &str = "<http://schema.org/Event>";
    let vocabulary = dataset.base().vocabulary();
    let mut dates: HashMap<NamedNode, (Option<String>, Option<String>)> = HashMap::new();
    for row in paged_select(
        dataset,
        &format!(
            "SELECT ?e ?start ?end WHERE {{ ?e a {EVENT} .
  OPTIONAL {{ ?e <http://schema.org/startDate> ?start }}
  OPTIONAL {{ ?e <http://schema.org/endDate> ?end }}
  FILTER(isIRI(?e) && (BOUND(?start) || BOUND(?end))) }}"
        ),
    )? {
        let Some(Term::NamedNode(event)) = row.get("e") else {
            continue;
        };
        let value = |name: &str| match row.get(name) {
            Some(Term::Literal(l)) => Some(l.value().to_owned()),
            _ => None,
        };
        let entry = dates.entry(event.clone()).or_default();
        entry.0 = entry.0.take().or_else(|| value("start"));
        entry.1 = entry.1.take().or_else(|| value("end"));
    }
    let mut inferred = std::collections::HashSet::new();
    for row in paged_select(
        dataset,
        &format!(
            "SELECT DISTINCT ?e WHERE {{ ?e a {EVENT} . ?st {} ?e ; <{vocabulary}basis> <{vocabulary}Inference> }}",
            rdf::SUBJECT
        ),
    )? {
        if let Some(Term::NamedNode(event)) = row.get("e") {
            inferred.insert(event.clone());
        }
    }
    let mut labels: HashMap<NamedNode, Vec<Literal>> = HashMap::new();
    for row in paged_select(
        dataset,
        &format!(
            "SELECT DISTINCT ?e ?l WHERE {{ ?e a {EVENT} ; {} ?l }}",
            rdfs::LABEL
        ),
    )? {
        if let (Some(Term::NamedNode(event)), Some(Term::Literal(label))) =
            (row.get("e"), row.get("l"))
        {
            let names = labels.entry(event.clone()).or_default();
            if !names.contains(label) {
                names.push(label.clone());
            }
        }
    }
    let mut found = Vec::new();
    for (event, (start, end)) in dates {
        let start = start.and_then(|s| day_range(&s));
        let end = end.and_then(|s| day_range(&s));
        let (Some(first), Some(last)) =
            (start.or(end).map(|(a, _)| a), end.or(start).map(|(_, b)| b))
        else {
            continue;
        };
        let was_inferred = inferred.contains(&event);
        labels.entry(event.clone()).or_default();
        found.push((event, first, last, was_inferred));
    }
    labels.retain(|event, _| found.iter().any(|(e, ..)| e == event));
    Ok(DatedEvents::from_parts(found, labels))
}
