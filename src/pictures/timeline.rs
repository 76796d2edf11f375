//! A timeline of the events of the graph, placed by their dates: the
//! events around the page's own event (or the latest ones).

use std::str::FromStr;

use oxigraph::model::NamedNode;
use oxsdatatypes::Date;

use crate::entity::{entity_path, label_in};
use crate::error::Result;
use crate::lang::{Lang, Text, html_lang};
use crate::store::Dataset;

use super::diagram::text_width;
use super::{DatedEvents, day_range};

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

/// At most this many events are drawn on one timeline: a graph of thousands
/// of events shows the ones around the page's own event (or the latest).
pub const MAX_TIMELINE_EVENTS: usize = 12;

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
