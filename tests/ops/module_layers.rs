//! The crate's module graph as a newcomer relies on it (README, Layout): the
//! lower layers import nothing above them and no two modules import each
//! other, directly or round a circle. Read from the source: every path that
//! names an item of the crate (`crate::…`, `super::…`, `self::…` or a child
//! module's name, in `use` lines, code and doc links) is an edge from the
//! module it is written in to the module that defines the item, following
//! `pub use` re-exports to the definition. A module's own unit tests
//! (`#[cfg(test)]` and after) are left out: they may use anything.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use regex::Regex;

/// Module path (`server::endpoint`) -> its source up to its unit tests.
fn modules() -> BTreeMap<String, String> {
    fn walk(dir: &Path, prefix: &[String], out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
            if path.is_dir() {
                if path.join("mod.rs").exists() {
                    let mut inner = prefix.to_vec();
                    inner.push(name);
                    walk(&path, &inner, out);
                }
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || name == "main" {
                continue;
            }
            let mut module = prefix.to_vec();
            if name != "mod" && name != "lib" {
                module.push(name);
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let text = text.split("#[cfg(test)]").next().unwrap().to_owned();
            out.insert(module.join("::"), text);
        }
    }
    let mut out = BTreeMap::new();
    walk(&crate::common::repo().join("src"), &[], &mut out);
    out
}

fn parent(module: &str) -> String {
    module.rsplit_once("::").map_or("", |(p, _)| p).to_owned()
}

fn join(module: &str, name: &str) -> String {
    if module.is_empty() {
        name.to_owned()
    } else {
        format!("{module}::{name}")
    }
}

/// The segments of a path written in `module`, made absolute; `None` if it
/// does not start in this crate.
fn absolute(module: &str, path: &str, known: &BTreeMap<String, String>) -> Option<Vec<String>> {
    let mut segments = path.split("::").map(str::trim).filter(|s| !s.is_empty());
    let first = segments.next()?;
    let mut at = match first {
        "crate" => String::new(),
        "self" => module.to_owned(),
        "super" => parent(module),
        child if known.contains_key(&join(module, child)) => join(module, child),
        _ => return None,
    };
    let mut rest = Vec::new();
    for segment in segments {
        if segment == "super" && rest.is_empty() {
            at = parent(&at);
        } else {
            rest.push(segment.to_owned());
        }
    }
    let mut full: Vec<String> = if at.is_empty() {
        Vec::new()
    } else {
        at.split("::").map(str::to_owned).collect()
    };
    full.extend(rest);
    Some(full)
}

/// The module that defines what `path` (absolute segments) names: its
/// longest prefix that is a module, then through that module's re-exports.
fn defining_module(
    path: &[String],
    known: &BTreeMap<String, String>,
    reexports: &BTreeMap<(String, String), Vec<String>>,
    depth: usize,
) -> String {
    let mut module = String::new();
    let mut used = 0;
    for (i, segment) in path.iter().enumerate() {
        let next = join(&module, segment);
        if !known.contains_key(&next) {
            break;
        }
        module = next;
        used = i + 1;
    }
    if let Some(item) = path.get(used) {
        if let Some(target) = reexports.get(&(module.clone(), item.clone())) {
            if depth < 8 {
                let mut target = target.clone();
                target.extend(path[used + 1..].iter().cloned());
                return defining_module(&target, known, reexports, depth + 1);
            }
        }
    }
    module
}

/// Every `pub use a::b::{C, D as E};` of each module: (module, name) -> the
/// absolute path it stands for.
fn reexports(known: &BTreeMap<String, String>) -> BTreeMap<(String, String), Vec<String>> {
    let line = Regex::new(r"(?m)^\s*pub(?:\([^)]*\))? use ([^;]+);").unwrap();
    let mut out = BTreeMap::new();
    for (module, text) in known {
        for capture in line.captures_iter(text) {
            for (path, name) in expand(&capture[1]) {
                if let Some(full) = absolute(module, &path, known) {
                    out.insert((module.clone(), name), full);
                }
            }
        }
    }
    out
}

/// A `use` tree (`a::{b, c::{d as e}}`) as (path, name it binds) pairs.
fn expand(tree: &str) -> Vec<(String, String)> {
    let tree: String = tree.split_whitespace().collect::<Vec<_>>().join(" ");
    let Some(open) = tree.find('{') else {
        let (path, name) = match tree.split_once(" as ") {
            Some((p, n)) => (p.trim().to_owned(), n.trim().to_owned()),
            None => {
                let p = tree.trim().to_owned();
                let n = p.rsplit("::").next().unwrap_or_default().to_owned();
                (p, n)
            }
        };
        return vec![(path, name)];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    // Split the braces' contents at top-level commas.
    let (mut parts, mut depth, mut current) = (Vec::new(), 0, String::new());
    for c in inner.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts
        .iter()
        .filter(|p| !p.trim().is_empty() && p.trim() != "self")
        .flat_map(|p| expand(&format!("{prefix}{}", p.trim())))
        .collect()
}

/// Module -> the modules it names items of.
fn edges() -> BTreeMap<String, BTreeSet<String>> {
    let known = modules();
    let reexports = reexports(&known);
    let use_line = Regex::new(r"(?m)^\s*(?:pub(?:\([^)]*\))? )?use ([^;]+);").unwrap();
    let inline = Regex::new(r"\b(?:crate|super|self)(?:::[A-Za-z_][A-Za-z0-9_]*)+").unwrap();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in &known {
        let mut paths: Vec<String> = use_line
            .captures_iter(text)
            .flat_map(|c| expand(&c[1]))
            .map(|(path, _)| path)
            .collect();
        paths.extend(inline.find_iter(text).map(|m| m.as_str().to_owned()));
        let targets = graph.entry(module.clone()).or_default();
        for path in paths {
            let Some(full) = absolute(module, &path, &known) else {
                continue;
            };
            let target = defining_module(&full, &known, &reexports, 0);
            // A module naming its own items, or one of its ancestors (where
            // `mod` declarations live), is no dependency.
            let ancestor = module.starts_with(&format!("{target}::")) || target.is_empty();
            if &target != module && !ancestor {
                targets.insert(target);
            }
        }
    }
    graph
}

/// A circle in the graph, if there is one, as the modules along it.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_owned(), 1);
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next.as_str()) {
                Some(1) => {
                    let from = stack.iter().position(|m| m == next).unwrap();
                    let mut found = stack[from..].to_vec();
                    found.push(next.clone());
                    return Some(found);
                }
                Some(_) => {}
                None => {
                    if let Some(found) = visit(next, graph, state, stack) {
                        return Some(found);
                    }
                }
            }
        }
        stack.pop();
        state.insert(node.to_owned(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if !state.contains_key(node) {
            if let Some(found) = visit(node, graph, &mut state, &mut Vec::new()) {
                return Some(found);
            }
        }
    }
    None
}

#[test]
fn no_module_imports_round_a_circle() {
    let graph = edges();
    assert!(
        graph.len() > 40,
        "too few modules found: {:?}",
        graph.keys()
    );
    if let Some(found) = circle(&graph) {
        panic!("an import circle: {}", found.join(" -> "));
    }
}

#[test]
fn lower_layers_import_nothing_above_them() {
    let graph = edges();
    let below = |module: &str, allowed: &[&str]| {
        for (from, targets) in graph
            .iter()
            .filter(|(m, _)| m.as_str() == module || m.starts_with(&format!("{module}::")))
        {
            for target in targets {
                let inside = target == module || target.starts_with(&format!("{module}::"));
                assert!(
                    inside || allowed.contains(&target.as_str()),
                    "{from} imports {target}, above its layer"
                );
            }
        }
    };
    below("error", &[]);
    below("backend", &["error"]);
    // The store: the backends, and what loading files needs (the base IRI,
    // the example queries kept as data, vocabulary names).
    let store_needs = ["error", "backend", "config", "example_queries", "vocab"];
    let mut store_may = store_needs.to_vec();
    store_may.extend([
        "backend::prepared",
        "backend::remote",
        "backend::engine_answers",
    ]);
    below("store", &store_may);
}

#[test]
fn the_reader_of_the_source_sees_a_circle_when_there_is_one() {
    // The check itself: a graph with a circle is caught, one without is not.
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    graph.entry("a".into()).or_default().insert("b".into());
    graph.entry("b".into()).or_default().insert("c".into());
    assert_eq!(circle(&graph), None);
    graph.entry("c".into()).or_default().insert("a".into());
    assert_eq!(
        circle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    assert_eq!(
        expand("crate::x::{A, y::{B as C}}"),
        vec![
            ("crate::x::A".to_owned(), "A".to_owned()),
            ("crate::x::y::B".to_owned(), "C".to_owned())
        ]
    );
}
