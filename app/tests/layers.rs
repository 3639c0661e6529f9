//! The layer rule, kept by a test (docs/architecture.md draws it):
//!
//! - `platform/` imports only `platform`;
//! - `web/` imports only `platform` and `web`;
//! - a domain (every other folder but `shell/` and `admin/`) imports `platform`, `web` and
//!   other domains, never the composition root (`lib.rs`, `shell/`, `admin/`);
//! - no two files of `app/src` import each other, directly or around a circle.
//!
//! "Imports" is every `crate::…` path and every `super::…` path in a file (outside its
//! `#[cfg(test)] mod tests`), resolved to the file that defines the module it names; a
//! `mod.rs` also imports the children it re-exports (`pub use child::…`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Module = Vec<String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Layer {
    Platform,
    Web,
    Domain,
    Root,
}

fn layer(module: &[String]) -> Layer {
    match module.first().map(String::as_str) {
        Some("platform") => Layer::Platform,
        Some("web") => Layer::Web,
        None | Some("shell") | Some("admin") => Layer::Root,
        Some(_) => Layer::Domain,
    }
}

fn may_import(from: Layer, to: Layer) -> bool {
    match from {
        Layer::Platform => to == Layer::Platform,
        Layer::Web => matches!(to, Layer::Platform | Layer::Web),
        Layer::Domain => to != Layer::Root,
        Layer::Root => true,
    }
}

/// The files of a source tree: module path → (is a `mod.rs`/`lib.rs`, source).
struct Tree {
    files: BTreeMap<Module, (bool, String)>,
}

impl Tree {
    fn read(root: &Path) -> Self {
        let mut files = BTreeMap::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("read src") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let rel = path.strip_prefix(root).expect("under src");
                    let mut module: Module = rel
                        .with_extension("")
                        .iter()
                        .map(|s| s.to_string_lossy().into_owned())
                        .collect();
                    let is_mod =
                        matches!(module.last().map(String::as_str), Some("mod") | Some("lib"));
                    if is_mod {
                        module.pop();
                    }
                    let source = std::fs::read_to_string(&path).expect("read file");
                    files.insert(module, (is_mod, source));
                }
            }
        }
        Self { files }
    }

    fn from_sources(sources: &[(&str, &str)]) -> Self {
        let files = sources
            .iter()
            .map(|(path, source)| {
                let mut module: Module = path
                    .trim_end_matches(".rs")
                    .split('/')
                    .map(String::from)
                    .collect();
                let is_mod = matches!(module.last().map(String::as_str), Some("mod") | Some("lib"));
                if is_mod {
                    module.pop();
                }
                (module, (is_mod, (*source).to_owned()))
            })
            .collect();
        Self { files }
    }

    /// The file defining the longest prefix of `path`.
    fn resolve(&self, path: &[String]) -> Option<Module> {
        (0..=path.len())
            .rev()
            .map(|n| path[..n].to_vec())
            .find(|m| self.files.contains_key(m))
    }

    /// Which files each file imports.
    fn edges(&self) -> BTreeMap<Module, BTreeSet<Module>> {
        let mut edges = BTreeMap::new();
        for (module, (is_mod, source)) in &self.files {
            let code = code_of(source);
            let mut targets = BTreeSet::new();
            for path in paths_after(&code, "crate") {
                targets.extend(self.resolve(&path));
            }
            for (ups, path) in super_paths(&code) {
                if ups <= module.len() {
                    let mut full = module[..module.len() - ups].to_vec();
                    full.extend(path);
                    targets.extend(self.resolve(&full));
                }
            }
            if *is_mod {
                for path in paths_after(&code, "use") {
                    let mut full = module.clone();
                    full.extend(path);
                    if let Some(child) = self.resolve(&full) {
                        if child.len() > module.len() {
                            targets.insert(child);
                        }
                    }
                }
            }
            targets.remove(module);
            targets.remove(&Vec::new());
            edges.insert(module.clone(), targets);
        }
        edges
    }
}

/// The source without line comments and without its test module.
fn code_of(source: &str) -> String {
    let source = match source.find("#[cfg(test)]\nmod tests") {
        Some(at) => &source[..at],
        None => source,
    };
    source
        .lines()
        .map(|line| match line.find("//") {
            // `//` inside a string (a URL) keeps the line.
            Some(at) if line[..at].matches('"').count() % 2 == 0 => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Every `keyword::a::b` (and `keyword::{a::b, c}`, one level of braces) as its segments.
fn paths_after(code: &str, keyword: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find(keyword) {
        let before = rest[..at].chars().next_back();
        let after = &rest[at + keyword.len()..];
        rest = after;
        if before.is_some_and(is_ident) {
            continue;
        }
        let tail = if keyword == "use" {
            after.trim_start()
        } else if let Some(tail) = after.strip_prefix("::") {
            tail
        } else {
            continue;
        };
        if keyword == "use" && !after.starts_with(char::is_whitespace) {
            continue;
        }
        out.extend(segments(tail));
    }
    out
}

/// The paths at the start of `tail`: `a::b::c`, or each path inside `{…}`.
fn segments(tail: &str) -> Vec<Vec<String>> {
    if let Some(group) = tail.strip_prefix('{') {
        let end = group.find('}').unwrap_or(group.len());
        return group[..end]
            .split(',')
            .flat_map(|item| segments(item.trim()))
            .collect();
    }
    let mut path = Vec::new();
    let mut rest = tail;
    loop {
        let len = rest.find(|c: char| !is_ident(c)).unwrap_or(rest.len());
        if len == 0 {
            break;
        }
        path.push(rest[..len].to_owned());
        match rest[len..].strip_prefix("::") {
            Some(more) if more.starts_with('{') => {
                let prefix = path.clone();
                return segments(more)
                    .into_iter()
                    .map(|p| prefix.iter().cloned().chain(p).collect())
                    .collect();
            }
            Some(more) => rest = more,
            None => break,
        }
    }
    if path.is_empty() || path[0] == "self" || path[0] == "super" || path[0] == "crate" {
        return Vec::new();
    }
    vec![path]
}

/// Every `super::super::a::b` as (how many levels up, the path after).
fn super_paths(code: &str) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("super::") {
        let before = rest[..at].chars().next_back();
        let mut tail = &rest[at..];
        rest = &rest[at + "super::".len()..];
        if before.is_some_and(|c| is_ident(c) || c == ':') {
            continue;
        }
        let mut ups = 0;
        while let Some(more) = tail.strip_prefix("super::") {
            ups += 1;
            tail = more;
        }
        for path in segments(tail) {
            out.push((ups, path));
        }
    }
    out
}

/// The groups of files that import each other around a circle (Tarjan).
fn cycles(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct State<'a> {
        edges: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'a Module, usize>,
        low: BTreeMap<&'a Module, usize>,
        stack: Vec<&'a Module>,
        on_stack: BTreeSet<&'a Module>,
        out: Vec<Vec<Module>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a Module) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.edges.get(v).into_iter().flatten() {
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut group = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                group.push(w.clone());
                if w == v {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort();
                s.out.push(group);
            }
        }
    }
    let mut state = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !state.index.contains_key(v) {
            visit(&mut state, v);
        }
    }
    state.out
}

fn name(module: &[String]) -> String {
    if module.is_empty() {
        "lib".to_owned()
    } else {
        module.join("/")
    }
}

/// Every import that breaks the rule, as "from -> to".
fn violations(tree: &Tree) -> Vec<String> {
    let edges = tree.edges();
    let mut out = Vec::new();
    for (from, targets) in &edges {
        for to in targets {
            if !may_import(layer(from), layer(to)) {
                out.push(format!(
                    "{} ({:?}) imports {} ({:?})",
                    name(from),
                    layer(from),
                    name(to),
                    layer(to)
                ));
            }
        }
    }
    for group in cycles(&edges) {
        let names: Vec<String> = group.iter().map(|m| name(m)).collect();
        out.push(format!("import cycle: {}", names.join(", ")));
    }
    out
}

#[test]
fn every_file_imports_only_its_own_layer_and_those_below_and_nothing_circles() {
    let tree = Tree::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(tree.files.len() > 100, "the source tree was read");
    let edges = tree.edges();
    // The check sees real imports: the web layer's edge helpers stand on the platform.
    assert!(edges[&vec!["web".to_owned(), "edge".to_owned()]]
        .contains(&vec!["platform".to_owned(), "state".to_owned()]));
    let found = violations(&tree);
    assert!(
        found.is_empty(),
        "the layer rule is broken:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_catches_an_upward_import_and_a_circle() {
    let tree = Tree::from_sources(&[
        ("lib.rs", "pub mod platform; pub mod web; pub mod orders;"),
        ("platform/mod.rs", "pub mod db;"),
        (
            "platform/db.rs",
            "fn f() { crate::orders::service::place(); }",
        ),
        ("web/mod.rs", "pub mod edge;"),
        (
            "web/edge.rs",
            "use crate::{platform::db, orders::model::Order};",
        ),
        ("orders/mod.rs", "mod service;\npub use service::place;"),
        (
            "orders/service.rs",
            "use super::model::Order;\n// use crate::shell::App;",
        ),
        ("orders/model.rs", "use super::service;"),
    ]);
    let found = violations(&tree);
    assert!(
        found.contains(&"platform/db (Platform) imports orders/service (Domain)".to_owned()),
        "{found:?}"
    );
    assert!(
        found.contains(&"web/edge (Web) imports orders/model (Domain)".to_owned()),
        "{found:?}"
    );
    assert!(
        found.contains(&"import cycle: orders/model, orders/service".to_owned()),
        "{found:?}"
    );
    assert_eq!(found.len(), 3, "a comment is not an import: {found:?}");
}
