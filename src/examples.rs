//! The example queries in `queries/`: each file's opening comment lines are its
//! title and description, the rest is the query. The query page offers them
//! and `/queries` lists them.

use std::path::Path;

use crate::error::{Error, Result};

#[derive(Clone, Debug, serde::Serialize)]
pub struct Example {
    /// The file name without `.rq`, e.g. `04-topics`.
    pub name: String,
    /// The first comment line.
    pub title: String,
    /// The other opening comment lines, joined.
    pub description: String,
    /// The whole file, comments included (they are valid SPARQL).
    pub query: String,
}

/// Reads every `*.rq` file of `dir`, sorted by name. A missing directory
/// gives no examples rather than an error: a deployment may not ship them.
pub fn load_examples(dir: &Path) -> Result<Vec<Example>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "rq"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let query = std::fs::read_to_string(&path).map_err(|source| Error::ReadFile {
                path: path.clone(),
                source,
            })?;
            Ok(parse_example(
                &path.file_stem().unwrap_or_default().to_string_lossy(),
                query,
            ))
        })
        .collect()
}

fn parse_example(name: &str, query: String) -> Example {
    let comments: Vec<&str> = query
        .lines()
        .take_while(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim())
        .collect();
    Example {
        name: name.to_owned(),
        title: comments
            .first()
            .map_or_else(|| name.to_owned(), |t| (*t).to_owned()),
        description: comments.get(1..).unwrap_or_default().join(" "),
        query,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_and_description_come_from_the_opening_comments() {
        let e = parse_example(
            "x",
            "# What is it?\n# More words\n# here.\nSELECT * {}\n# not this\n".to_owned(),
        );
        assert_eq!(e.title, "What is it?");
        assert_eq!(e.description, "More words here.");
        assert!(e.query.starts_with("# What"));
    }
}
