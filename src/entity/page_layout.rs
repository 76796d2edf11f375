//! How entity pages group and order properties, read from the SHACL
//! shapes in the data.

use std::collections::HashMap;

use oxigraph::model::Term;

use crate::lang::Lang;

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
    pub fn place(&self, property: &str) -> (usize, f64) {
        self.position
            .get(property)
            .copied()
            .unwrap_or((self.groups.len(), 0.0))
    }

    /// A group's name in the reader's language.
    pub fn title(&self, group: usize, lang: Lang) -> String {
        match (self.groups.get(group), lang) {
            (Some((_, zh)), Lang::Zh) => zh.clone(),
            (Some((en, _)), _) => en.clone(),
            (None, _) => lang.t("Other", "其他").to_owned(),
        }
    }
}
