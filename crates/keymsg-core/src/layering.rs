//! The crate's modules form a strict stack: each stage imports only stages
//! below it, and no files inside a stage import each other in a circle. This
//! test reads the sources and fails on an upward import or a circle, so a new
//! one is caught when it is written, not when the design has already bent.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The stack, bottom first. A module may import modules of a lower level and
/// of its own level only when listed as a leaf (leaves import nothing).
const STACK: &[&[&str]] = &[
    // The unit tests' seeded random source (compiled for tests only).
    &["test_rng"],
    &["vocab", "fnv", "bangkok"],
    &["text"],
    &["layout"],
    &["catalog"],
    &["select"],
    &["store"],
    &["report"],
    &["error"],
    &["engine"],
];

fn level(module: &str) -> Option<usize> {
    STACK.iter().position(|l| l.contains(&module))
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The module path of a source file: `layout/dict/mod.rs` is `layout::dict`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// Code lines only: comments and doc comments may name any module.
fn code(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path written as `crate::…` or `super::…`, resolved to a module path
/// (names inside `crate::{…}` groups included). Items re-exported at the crate
/// root resolve to the module they come from.
fn references(
    module: &[String],
    text: &str,
    root_items: &BTreeMap<String, String>,
) -> BTreeSet<Vec<String>> {
    // `a::b::C;` → [a, b, C]: a path ends at the first segment that does not
    // consist of identifier characters alone.
    let ident = |s: &str| -> Vec<String> {
        let mut out = Vec::new();
        for seg in s.split("::") {
            let id: String = seg
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let whole = id.len() == seg.len();
            if !id.is_empty() {
                out.push(id);
            }
            if !whole {
                break;
            }
        }
        out
    };
    let mut out = BTreeSet::new();
    for (start, _) in text.match_indices("crate::") {
        let rest = &text[start + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            for name in group.split(',') {
                let path = ident(name.trim());
                if let Some(first) = path.first() {
                    let top = root_items.get(first).cloned().unwrap_or(first.clone());
                    out.insert(vec![top]);
                }
            }
        } else {
            let mut path = ident(rest);
            if let Some(first) = path.first_mut()
                && let Some(top) = root_items.get(first.as_str())
            {
                *first = top.clone();
            }
            out.insert(path);
        }
    }
    for (start, _) in text.match_indices("super::") {
        // Count a chain of `super::super::…`.
        let mut up = 1;
        let mut rest = &text[start + "super::".len()..];
        while let Some(r) = rest.strip_prefix("super::") {
            up += 1;
            rest = r;
        }
        if up > module.len() {
            continue;
        }
        let mut path: Vec<String> = module[..module.len() - up].to_vec();
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            for name in group.split(',') {
                let mut p = path.clone();
                p.extend(ident(name.trim()));
                out.insert(p);
            }
        } else {
            path.extend(ident(rest));
            out.insert(path);
        }
    }
    out
}

struct Graph {
    /// Module path -> module paths it references.
    edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
}

fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    // `pub use engine::{Engine, FooterRequest};` → Engine: engine, ...
    let mut root_items = BTreeMap::new();
    for line in code(&lib).split(';') {
        let line = line.trim();
        let Some(rest) = line
            .strip_prefix("pub use ")
            .or_else(|| line.strip_prefix("use "))
        else {
            continue;
        };
        let Some((module, items)) = rest.split_once("::") else {
            continue;
        };
        for item in items.trim_matches(|c| c == '{' || c == '}').split(',') {
            let item = item.split("::").last().unwrap_or("").trim();
            let item = item.split(" as ").last().unwrap_or(item).trim();
            if !item.is_empty() {
                root_items.insert(item.to_owned(), module.trim().to_owned());
            }
        }
    }
    let mut files = Vec::new();
    sources(&src, &mut files);
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(&src, f)).collect();
    let mut edges = BTreeMap::new();
    for file in &files {
        let module = module_of(&src, file);
        if module.first().is_none_or(|m| m == "lib" || m == "layering") {
            continue;
        }
        let text = code(&std::fs::read_to_string(file).unwrap());
        let mut to = BTreeSet::new();
        for path in references(&module, &text, &root_items) {
            // The longest known module that prefixes the path.
            if let Some(target) = (1..=path.len())
                .rev()
                .map(|n| path[..n].to_vec())
                .find(|p| modules.contains(p))
                && target != module
            {
                to.insert(target);
            }
        }
        edges.insert(module, to);
    }
    Graph { edges }
}

#[test]
fn no_stage_imports_a_stage_above_it() {
    let g = graph();
    let mut bad = Vec::new();
    for (from, targets) in &g.edges {
        let from_top = &from[0];
        let Some(from_level) = level(from_top) else {
            bad.push(format!("module `{from_top}` is not in the stack"));
            continue;
        };
        for to in targets {
            let to_top = &to[0];
            if to_top == from_top {
                continue;
            }
            match level(to_top) {
                Some(l) if l < from_level => {}
                Some(l) if l == from_level && l == 0 => bad.push(format!(
                    "{} imports {}: the bottom modules are leaves",
                    from.join("::"),
                    to.join("::")
                )),
                _ => bad.push(format!(
                    "{} imports {} (a stage above or beside it)",
                    from.join("::"),
                    to.join("::")
                )),
            }
        }
    }
    assert!(bad.is_empty(), "upward imports:\n{}", bad.join("\n"));
}

#[test]
fn no_import_circle_between_files_of_a_stage() {
    let g = graph();
    // Edges between a module and its own parent or child are how Rust
    // modules work (a parent declares and re-exports its children, children
    // use their parent's error type); circles among siblings are not.
    let related = |a: &[String], b: &[String]| a.starts_with(b) || b.starts_with(a);
    let mut circles = Vec::new();
    for start in g.edges.keys() {
        // Depth-first search for a path back to `start`.
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((node, path)) = stack.pop() {
            for next in g.edges.get(&node).into_iter().flatten() {
                if related(&node, next) {
                    continue;
                }
                if next == start {
                    let names: Vec<_> = path.iter().map(|p| p.join("::")).collect();
                    circles.push(format!("{} -> {}", names.join(" -> "), start.join("::")));
                } else if seen.insert(next.clone()) {
                    let mut p = path.clone();
                    p.push(next.clone());
                    stack.push((next.clone(), p));
                }
            }
        }
    }
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_check_sees_an_upward_import() {
    // The parser itself: a made-up layout file that imports the catalog and
    // the crate's error must resolve to those modules.
    let mut root = BTreeMap::new();
    root.insert("Catalog".to_owned(), "catalog".to_owned());
    root.insert("Error".to_owned(), "error".to_owned());
    let module = vec!["layout".to_owned(), "fit".to_owned()];
    let refs = references(
        &module,
        "use crate::{Catalog, Error};\nuse super::wrap::wrap;\nuse crate::text::spans::Span;",
        &root,
    );
    assert!(refs.contains(&vec!["catalog".to_owned()]));
    assert!(refs.contains(&vec!["error".to_owned()]));
    assert!(refs.contains(&vec![
        "layout".to_owned(),
        "wrap".to_owned(),
        "wrap".to_owned()
    ]));
    assert!(refs.contains(&vec![
        "text".to_owned(),
        "spans".to_owned(),
        "Span".to_owned()
    ]));
}
