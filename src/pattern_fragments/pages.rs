//! One page of a fragment and how many quads match: read straight off the
//! embedded store's indexes, or from a remote engine by a paged SELECT and a
//! capped COUNT.

use oxigraph::model::{GraphName, NamedOrBlankNode, Quad, Term};

use crate::error::Result;
use crate::store::Dataset;

use super::{COUNT_LIMIT, PAGE_SIZE, Selector};
use crate::sparql::engine_reads::{count, select};
use oxigraph::sparql::QuerySolution;

/// How many quads match a pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Count {
    pub matches: usize,
    /// `false` when counting stopped at [`COUNT_LIMIT`] (or, in front of an
    /// engine, at the end of the page asked for): then there are at least
    /// `matches`.
    pub exact: bool,
}

impl Count {
    /// What two readings of the same pattern's count say together: an exact
    /// count wins, otherwise the larger lower bound.
    pub fn merge(self, other: Count) -> Count {
        match (self.exact, other.exact) {
            (true, _) => self,
            (false, true) => other,
            (false, false) => Count {
                matches: self.matches.max(other.matches),
                exact: false,
            },
        }
    }
}

/// One page of a fragment.
#[derive(Debug)]
pub struct Fragment {
    pub selector: Selector,
    /// 1-based.
    pub page: usize,
    /// The quads of this page (at most [`PAGE_SIZE`]), blank nodes as they
    /// are in the store; in the default graph when the union was asked for.
    pub quads: Vec<Quad>,
    /// How many quads match the pattern in all.
    pub total: Count,
    /// Whether a quad follows this page (read, not inferred from the count,
    /// which may be a lower bound).
    pub next: bool,
}

impl Fragment {
    pub fn has_next(&self) -> bool {
        self.next
    }

    /// The last page (1 for an empty fragment), when the count is exact.
    pub fn last_page(&self) -> Option<usize> {
        self.total
            .exact
            .then(|| self.total.matches.div_ceil(PAGE_SIZE).max(1))
    }
}

/// Page `page` (1-based) of the fragment of `selector`. `known_total` is the
/// count from an earlier page of the same data version, if there was one:
/// with it, a lookup stops just past the end of the page instead of
/// counting on.
pub fn fragment(
    dataset: &Dataset,
    selector: &Selector,
    page: usize,
    known_total: Option<Count>,
) -> Result<Fragment> {
    let page = page.max(1);
    let offset = (page - 1).saturating_mul(PAGE_SIZE);
    let (quads, total, next) = if dataset.backend().cheap_lookups() {
        page_of_index(dataset, selector, offset, known_total)?
    } else {
        queried_page(dataset, selector, offset, PAGE_SIZE, known_total)?
    };
    Ok(Fragment {
        selector: selector.clone(),
        page,
        quads,
        total,
        next,
    })
}

/// One page read straight off the store's indexes: the matches before the
/// page are skipped, one after it tells whether there is a next page, and
/// unless the count is known the reading goes on to [`COUNT_LIMIT`].
fn page_of_index(
    dataset: &Dataset,
    selector: &Selector,
    offset: usize,
    known_total: Option<Count>,
) -> Result<(Vec<Quad>, Count, bool)> {
    let Some((subject, predicate, object, graph)) = selector.lookup() else {
        let none = Count {
            matches: 0,
            exact: true,
        };
        return Ok((Vec::new(), none, false));
    };
    let end = offset.saturating_add(PAGE_SIZE);
    // Read at least one past the page; to the limit if the count is asked.
    let stop = match known_total {
        Some(_) => end + 1,
        None => COUNT_LIMIT.max(end + 1),
    };
    let mut found = Vec::new();
    let mut seen = 0;
    let mut exhausted = true;
    for quad in dataset.quads_for_pattern(subject, predicate, object, graph) {
        if seen == stop {
            exhausted = false;
            break;
        }
        let mut quad = quad?;
        if seen >= offset && seen < end {
            if selector.union {
                quad.graph_name = GraphName::DefaultGraph;
            }
            found.push(quad);
        }
        seen += 1;
    }
    let read = Count {
        matches: seen,
        exact: exhausted,
    };
    let total = known_total.map_or(read, |known| known.merge(read));
    Ok((found, total, seen > end))
}

/// One page of a triple (or quad) pattern fragment (see
/// [`super`]): the page's quads (a SELECT with `LIMIT`/`OFFSET`)
/// and, unless known from an earlier page, how many match (a COUNT of at
/// most [`COUNT_LIMIT`] + 1 rows, so that the engine stops there too). The
/// page asks for one row more than it shows, to know whether a next page
/// exists.
fn queried_page(
    dataset: &Dataset,
    selector: &Selector,
    offset: usize,
    limit: usize,
    known_total: Option<Count>,
) -> Result<(Vec<Quad>, Count, bool)> {
    if selector.lookup().is_none() {
        let none = Count {
            matches: 0,
            exact: true,
        };
        return Ok((Vec::new(), none, false));
    }
    let term = |t: &Option<Term>, variable: &str| match t {
        None => Ok(variable.to_owned()),
        Some(Term::BlankNode(_)) => Err(crate::error::Error::BadRequest(
            "blank nodes of a remote SPARQL engine cannot be looked up by name".to_owned(),
        )),
        Some(t) => Ok(t.to_string()),
    };
    let triple = format!(
        "{} {} {}",
        term(&selector.subject, "?s")?,
        term(&selector.predicate, "?p")?,
        term(&selector.object, "?o")?
    );
    // The union is the engine's default graph (the configured graphs).
    let pattern = if selector.union {
        triple
    } else {
        format!("GRAPH {} {{ {triple} }}", term(&selector.graph, "?g")?)
    };
    let total = match known_total {
        Some(known) => known,
        None => queried_count(dataset, &pattern)?,
    };
    if total.exact && offset >= total.matches {
        return Ok((Vec::new(), total, false));
    }
    // Ordered, so that pages do not overlap: without ORDER BY an engine may
    // give the rows of two pages in different orders (Virtuoso did).
    let variables: Vec<&str> = [
        ("?s", &selector.subject),
        ("?p", &selector.predicate),
        ("?o", &selector.object),
        ("?g", &selector.graph),
    ]
    .into_iter()
    .filter(|(name, term)| term.is_none() && (*name != "?g" || !selector.union))
    .map(|(name, _)| name)
    .collect();
    let order = match variables.is_empty() {
        true => String::new(),
        false => format!(" ORDER BY {}", variables.join(" ")),
    };
    // `SELECT *` of a pattern with every term bound gives one empty row.
    let rows = select(
        dataset,
        &format!(
            "SELECT * WHERE {{ {pattern} }}{order} LIMIT {} OFFSET {offset}",
            limit + 1
        ),
    )?;
    let next = rows.len() > limit;
    let mut quads = Vec::with_capacity(limit);
    for row in rows.into_iter().take(limit) {
        if let Some(quad) = quad_of_row(selector, &row) {
            quads.push(quad);
        }
    }
    // What the page saw is a lower bound too, and exact at the end.
    let seen = Count {
        matches: offset + quads.len() + usize::from(next),
        exact: !next && (offset == 0 || !quads.is_empty()),
    };
    Ok((quads, total.merge(seen), next))
}

/// How many quads match `pattern` on the engine, counted to at most
/// [`COUNT_LIMIT`] + 1 rows so that the engine stops there too.
fn queried_count(dataset: &Dataset, pattern: &str) -> Result<Count> {
    let cap = COUNT_LIMIT + 1;
    let n = count(
        dataset,
        &format!(
            "SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT * WHERE {{ {pattern} }} LIMIT {cap} }} }}"
        ),
    )?;
    Ok(Count {
        matches: n,
        exact: n < cap,
    })
}

/// The quad of one answer row: the selector's fixed terms, the row's bound
/// variables.
fn quad_of_row(selector: &Selector, row: &QuerySolution) -> Option<Quad> {
    let bound = |fixed: &Option<Term>, name: &str| fixed.clone().or_else(|| row.get(name).cloned());
    let subject = match bound(&selector.subject, "s") {
        Some(Term::NamedNode(n)) => Some(NamedOrBlankNode::from(n)),
        Some(Term::BlankNode(b)) => Some(NamedOrBlankNode::from(b)),
        _ => None,
    };
    let predicate = match bound(&selector.predicate, "p") {
        Some(Term::NamedNode(p)) => Some(p),
        _ => None,
    };
    let graph = match bound(&selector.graph, "g") {
        _ if selector.union => Some(GraphName::DefaultGraph),
        Some(Term::NamedNode(g)) => Some(GraphName::NamedNode(g)),
        _ => None,
    };
    if let (Some(s), Some(p), Some(o), Some(g)) =
        (subject, predicate, bound(&selector.object, "o"), graph)
    {
        return Some(Quad::new(s, p, o, g));
    }
    None
}
